//! # appfraud-features: the only path from a data directory to a feature matrix
//!
//! Design:
//!
//! - **Ingest** reads a `SCHEMA.md` data directory and validates it against the contract
//!   written down once in [`appfraud_core::schema`]: required files and columns present, logical
//!   types as declared, no null in a non-nullable column. Every failure is an [`IngestError`]
//!   naming the file, the column and, for values, the first offending row. Nothing is dropped.
//! - **Signal families** (`signals/`, one file per family) are pure, engine-agnostic functions
//!   from the columns of one application to a small `Copy` struct, so the batch pipeline and the
//!   single-application path share one implementation. The phone family is
//!   [`phone_signals`] → [`PhoneSignals`].
//! - Point-in-time history and the polars wiring of the families join this crate next; they read
//!   only what ingest returns.
//! - Labels reach features only through the point-in-time rule (`labeled_at < t`).

mod error;
mod ingest;
mod signals;

pub use error::IngestError;
pub use ingest::{IngestReport, Policy, RawFrames, ValueIssue, read_data_dir, read_table};
pub use signals::phone::{PhoneLineType, PhoneSignals, PhoneStyle, RegionCode, phone_signals};
