//! Signal families: one file per family, each a pure function from the columns of one
//! application (as typed, see `docs/input-contract.md`) to a small `Copy` struct of signals.
//!
//! The functions know nothing about polars or any other engine, so the batch pipeline and the
//! single-application path call the same code and cannot drift apart.

pub mod education;
pub mod email_name;
pub mod network;
pub mod phone;
pub mod profile;
pub mod remote_control;
pub mod time;
