//! Reference files of a data directory (`reference/` in `SCHEMA.md`), each parsed once into an
//! immutable lookup structure that the signal families share across the batch and the
//! single-application paths. Engine-agnostic: nothing here depends on polars.

pub mod ip_ranges;
