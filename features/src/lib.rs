//! # appfraud-features: the only path from a data directory to a feature matrix
//!
//! Design:
//!
//! - **Ingest** reads a `SCHEMA.md` data directory and validates it against the contract
//!   written down once in [`appfraud_core::schema`]: required files and columns present, logical
//!   types as declared, no null in a non-nullable column, unique `application_id`, well-formed
//!   UTF-8 CSV. Every failure is an [`IngestError`] naming the file, the column and, for values,
//!   the first offending row. Values that parse but cannot be right (NaN, negative durations,
//!   absurd years, malformed IPs, telemetry or labels of unknown applications) follow a
//!   documented policy per column and are counted in an [`IngestReport`]; no application row is
//!   ever dropped.
//! - **Reference files** (`reference/` in a data directory) are parsed once into immutable,
//!   engine-agnostic lookup tables that the batch and single-application paths share:
//!   [`IpRangeTable`] answers longest-prefix matches over `ip_ranges.csv` with one binary search,
//!   and [`parse_ip`] / [`is_private_or_reserved`] normalise the `ip` columns before lookup.
//!   [`HighRiskInstitutions`] matches an institution as typed against the high-risk list,
//!   surviving case, punctuation, diacritics, abbreviations, aliases and small typos
//!   ([`normalize_institution`] documents the rules). Their failures are [`IngestError`]s too,
//!   with the same file, column and row.
//! - **Reference data** compiled into the crate answers per-application questions without
//!   allocating: [`possible_offsets`] gives the UTC offsets a claimed country and region can
//!   have at an instant (tz database via chrono-tz, DST included), for the time family.
//! - **Signal families** (`signals/`, one file per family) are pure, engine-agnostic functions
//!   from the columns of one application to a small `Copy` struct, so the batch pipeline and the
//!   single-application path share one implementation: [`phone_signals`] → [`PhoneSignals`],
//!   [`email_name_signals`] → [`EmailNameSignals`] (free mail, local-part digits, name–email
//!   and name–profile-slug similarity), [`education_signals`] → [`EducationSignals`] (degree
//!   category, contradictory claims, experience vs graduation year) and [`profile_signals`] →
//!   [`ProfileSignals`] (profile age, dormancy, edits after dormancy, connections per year); the remote-control family is
//!   [`remote_control_signals`] over one application's [`TelemetrySample`]s →
//!   [`RemoteControlSignals`] (input-lag and typing distributions, remote tools, VMs, screens,
//!   IP / device / time-zone spread), with a reusable [`RemoteControlScratch`].
//! - **Point-in-time history** (`history/`) answers what other applications submitted strictly
//!   before t looked like: [`DocumentIndex`] counts the distinct other identities with a
//!   near-duplicate [`ResumeSignature`] (MinHash over word 3-shingles, LSH banding) and reports
//!   the closest one's estimated similarity.
//! - Point-in-time history and the wiring of the families into feature frames join this crate
//!   next; they read only what ingest returns.
//! - Labels reach features only through the point-in-time rule (`labeled_at < t`).

mod csv;
mod error;
mod history;
mod ingest;
mod reference;
mod signals;

pub use error::IngestError;
pub use history::documents::{
    DocId, DocumentIndex, DocumentMatches, DocumentQueryScratch, LSH_BANDS, LSH_ROWS,
    MAX_CANDIDATES_PER_BUCKET, MIN_RESUME_TOKENS, MINHASH_PERMUTATIONS, NEAR_DUPLICATE_SIMILARITY,
    ResumeSignature, SHINGLE_TOKENS, ShingleScratch, resume_signature,
};
pub use ingest::{IngestReport, Policy, RawFrames, ValueIssue, read_data_dir, read_table};
pub use reference::institutions::{
    HighRiskInstitution, HighRiskInstitutions, InstitutionMatch, MATCH_MAX_EDITS, MATCH_SIMILARITY,
    NEAREST_FLOOR, SHORT_NAME_CHARS, normalize_institution,
};
pub use reference::ip_ranges::{Cidr, IpRangeInfo, IpRangeTable, is_private_or_reserved, parse_ip};
pub use reference::time_zones::{
    ClaimedZones, OffsetBasis, Offsets, TZDATA_VERSION, local_hour, offset_distance_min,
    possible_offsets,
};
pub use signals::education::{DegreeCategory, EducationSignals, education_signals};
pub use signals::email_name::{
    EmailNameSignals, FREE_MAIL_DOMAINS, FREE_MAIL_FAMILIES, email_name_signals,
};
pub use signals::phone::{PhoneLineType, PhoneSignals, PhoneStyle, RegionCode, phone_signals};
pub use signals::profile::{NEW_PROFILE_DAYS, ProfileSignals, profile_signals};
pub use signals::remote_control::{
    KVM_SCREENS, LAG_FAR_MS, LAG_REMOTE_MS, RemoteControlScratch, RemoteControlSignals,
    RemoteToolClass, TYPING_FAST_MS, TelemetrySample, is_unusual_screen, remote_control_signals,
};
