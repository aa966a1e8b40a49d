//! Point-in-time history: structures that answer, for an application submitted at time t, what
//! other applications submitted strictly before t looked like (`SCHEMA.md`, "Point in time").
//! Each module owns one index that the batch path fills in any order and queries at each
//! application's own `submitted_at`, so appending later rows never changes an earlier answer;
//! engine-agnostic (no polars here).

pub mod documents;
