//! # appfraud-features: the only path from a data directory to a feature matrix
//!
//! Design:
//!
//! - **Ingest** reads a `docs/input-contract.md` data directory and validates it against the
//!   contract written down once in [`appfraud_core::schema`]: required files and columns present,
//!   logical types as declared, no null in a non-nullable column, unique `application_id`,
//!   well-formed UTF-8 CSV. Every failure is an [`IngestError`] naming the file, the column and,
//!   for values, the first offending row. Values that parse but cannot be right (NaN, negative
//!   durations, absurd years, malformed IPs, telemetry or labels of unknown applications) follow a
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
//!   [`network_signals`] → [`NetworkSignals`] looks the application's and its sessions' IPs up
//!   in an [`IpRangeTable`] (longest prefix; private space as unknown) for their kind
//!   (hosting, VPN, proxy, …) and country against the claimed one.
//!   [`time_signals`] → [`TimeSignals`] compares browser and session UTC offsets with the
//!   offsets possible at the claimed country and region at that instant (DST-aware) and places
//!   the submission and the sessions in claimed-local time (hour, night).
//! - **Point-in-time history** (`history/`): entity keys (normalised address, public IP and its
//!   network, device, phone as E.164, email; the normalised email is the identity) and one
//!   [`HistoryIndex`] that answers, for an application at `t`, how many earlier applications and
//!   distinct identities share each key in windows, how many of them were known fraud before
//!   `t`, and the size of its linked component at `t`. Only rows strictly before `t` count;
//!   equal timestamps never see each other. Labels reach features only through this rule
//!   (`labeled_at < t`). [`DocumentIndex`] counts the distinct other identities with a
//!   near-duplicate [`ResumeSignature`] (MinHash over word 3-shingles, LSH banding) before `t`
//!   and reports the closest one's estimated similarity.
//! - **The pipeline** (`pipeline/`): every feature is defined once in the [`catalog`] (name,
//!   family, missing policy, description, how to read it); [`feature_set`] is its ordered,
//!   hashed [`FeatureSet`](appfraud_core::FeatureSet). A data directory becomes a feature frame
//!   through one entry point, [`features_from_data_dir`] (ingest, reference files, batch
//!   frame, with progress). The batch path ([`build_feature_frame`]) and the
//!   single-application path ([`HistorySnapshot`]) run the same two steps (own signals, then
//!   the history query) and differ only in how many rows they feed them; tests prove their
//!   outputs equal.
//! - **History snapshots** persist that history: [`HistorySnapshot::save`] writes it to a
//!   versioned, checksummed file (atomically), [`HistorySnapshot::load`] reads it back,
//!   [`HistorySnapshot::extend_from_data_dir`] adds a directory of new rows (any time order;
//!   telemetry and labels of held applications too), and [`HistorySnapshot::features_of`]
//!   computes only the new applications' rows, equal to a batch run over everything
//!   ([`features_with_snapshot`] does the three). The nightly job and the scoring service
//!   start from one instead of recomputing the history.

mod csv;
mod error;
mod history;
mod ingest;
mod pipeline;
mod reference;
mod scan;
mod signals;

pub use error::{CsvSyntax, FeatureError, IngestError};
pub use history::documents::{
    DocId, DocumentIndex, DocumentMatches, DocumentQueryScratch, LSH_BANDS, LSH_ROWS,
    MAX_CANDIDATES_PER_BUCKET, MIN_RESUME_TOKENS, MINHASH_PERMUTATIONS, NEAR_DUPLICATE_SIMILARITY,
    ResumeSignature, SHINGLE_TOKENS, ShingleScratch, resume_signature,
};
pub use history::index::{
    HistoryIndex, HistoryQuery, HistorySignals, KeyStats, MICROS_PER_DAY, WINDOWS_DAYS,
};
pub use history::keys::{
    EntityKeys, KeyKind, SampleEntityKeys, normalize_address, normalize_email,
};
pub use ingest::{
    IngestReport, Policy, RawFrames, RecordIssue, ValueIssue, read_data_dir, read_generic_table,
    read_table, record_issues, telemetry_issues,
};
pub use pipeline::batch::{
    DirProgress, FeatureBlock, FeatureBlocks, FeatureFrame, FeatureOptions, Stage,
    StoredApplication, WrittenFeatures, build_feature_frame, features_from_data_dir,
    for_each_feature_block, stored_applications, write_feature_frame, write_features_from_data_dir,
    write_parquet_atomically,
};
pub use pipeline::catalog::{self as catalog, feature_set};
pub use pipeline::own::{ReferenceSources, References};
pub use pipeline::record::{Application, ApplicationRecord, TelemetryRecord};
pub use pipeline::snapshot::{
    Extension, FORMAT_VERSION as SNAPSHOT_FORMAT_VERSION, HistorySnapshot, PreparedApplication,
    SnapshotFileError, SnapshotScratch, features_with_snapshot,
};
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
pub use signals::network::{NetworkSignals, network_signals};
pub use signals::phone::{
    PhoneLineType, PhoneSignals, PhoneStyle, RegionCode, phone_signals, phone_signals_compiled,
    phone_signals_reference,
};
pub use signals::profile::{NEW_PROFILE_DAYS, ProfileSignals, profile_signals};
pub use signals::remote_control::{
    KVM_SCREENS, LAG_FAR_MS, LAG_REMOTE_MS, RemoteControlScratch, RemoteControlSignals,
    RemoteToolClass, TYPING_FAST_MS, TelemetrySample, is_unusual_screen, remote_control_signals,
};
pub use signals::time::{
    MAX_VALID_OFFSET_MIN, MIN_VALID_OFFSET_MIN, NIGHT_END_HOUR, TimeSignals, time_signals,
};
