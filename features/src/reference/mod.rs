//! Reference data the signal families look up per application, each an immutable structure
//! shared by the batch and the single-application paths; engine-agnostic (no polars here).
//!
//! - [`ip_ranges`]: `reference/ip_ranges.csv` of a data directory, longest-prefix matched.
//! - [`institutions`]: `reference/high_risk_institutions.csv`, matched through typos, case,
//!   punctuation, abbreviations and aliases.
//! - [`time_zones`]: facts compiled into the crate from the tz database: the UTC offsets
//!   possible for a claimed country and region at an instant.

pub mod institutions;
pub mod ip_ranges;
pub mod time_zones;
