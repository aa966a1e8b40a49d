//! # appfraud-features: the only path from a data directory to a feature matrix
//!
//! Design:
//!
//! - **Ingest** reads a `SCHEMA.md` data directory and validates it against the contract
//!   written down once in [`appfraud_core::schema`]: required files and columns present, logical
//!   types as declared, no null in a non-nullable column. Every failure is an [`IngestError`]
//!   naming the file, the column and, for values, the first offending row. Nothing is dropped.
//! - Signal families (one file per family, polars expressions), point-in-time history and the
//!   single-application path join this crate next; they read only what ingest returns.
//! - Labels reach features only through the point-in-time rule (`labeled_at < t`).
//! - **Reference data** compiled into the crate answers per-application questions without
//!   allocating: [`possible_offsets`] gives the UTC offsets a claimed country and region can
//!   have at an instant (tz database via chrono-tz, DST included), for the time family.

mod error;
mod ingest;
mod reference;

pub use error::IngestError;
pub use ingest::{IngestReport, Policy, RawFrames, ValueIssue, read_data_dir, read_table};
pub use reference::time_zones::{
    ClaimedZones, OffsetBasis, Offsets, TZDATA_VERSION, local_hour, offset_distance_min,
    possible_offsets,
};
