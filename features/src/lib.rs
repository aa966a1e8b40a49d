//! # appfraud-features: the only path from a data directory to a feature matrix
//!
//! Design:
//!
//! - **Ingest** reads a `SCHEMA.md` data directory and validates it against the contract
//!   written down once in [`appfraud_core::schema`]: required files and columns present, logical
//!   types as declared, no null in a non-nullable column. Every failure is an [`IngestError`]
//!   naming the file, the column and, for values, the first offending row. Nothing is dropped.
//! - **Reference lists** (`reference/`) are parsed strictly (RFC 4180, typed errors with row and
//!   column) into immutable lookup structures that know nothing of dataframes, so batch and
//!   single-application scoring call the same code: [`HighRiskInstitutions`] matches an
//!   institution as typed against the high-risk list, surviving case, punctuation, diacritics,
//!   abbreviations, aliases and small typos ([`normalize_institution`] documents the rules).
//! - Signal families (one file per family, polars expressions), point-in-time history and the
//!   single-application path join this crate next; they read only what ingest returns.
//! - Labels reach features only through the point-in-time rule (`labeled_at < t`).

mod error;
mod ingest;
mod reference;

pub use error::IngestError;
pub use ingest::{RawFrames, read_data_dir, read_table};
pub use reference::institutions::{
    HighRiskInstitution, HighRiskInstitutions, InstitutionMatch, MATCH_MAX_EDITS, MATCH_SIMILARITY,
    NEAREST_FLOOR, SHORT_NAME_CHARS, normalize_institution,
};
