//! One module per command: its arguments as typed and the function that runs it. Commands share
//! only the helpers of [`crate::args`], [`crate::report`] and [`crate::training`], never each
//! other.

pub mod demo;
pub mod drift;
pub mod evaluate;
pub mod features;
pub mod generate;
pub mod import;
pub mod score;
pub mod serve;
pub mod snapshot;
pub mod train;
