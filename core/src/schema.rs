//! The input contract (`docs/input-contract.md`, version 1), as data.
//!
//! A data directory holds `applications`, optional `telemetry`, `labels` (training only) as
//! Parquet (or CSV with the same columns), and two reference CSV files under `reference/`.
//! All timestamps are UTC with microsecond precision.

use crate::CoreError;

/// Version of the input contract described here.
pub const SCHEMA_VERSION: u32 = 1;

/// Logical type of a column, as docs/input-contract.md names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// UTF-8 string.
    Utf8,
    /// Timestamp, microseconds since the Unix epoch, UTC (`timestamp[us, UTC]`).
    TimestampUs,
    /// 32-bit signed integer.
    Int32,
    /// 32-bit float.
    Float32,
    /// Boolean.
    Bool,
}

impl ColumnType {
    /// The name used in docs/input-contract.md and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Utf8 => "utf8",
            ColumnType::TimestampUs => "timestamp[us, UTC]",
            ColumnType::Int32 => "int32",
            ColumnType::Float32 => "float32",
            ColumnType::Bool => "bool",
        }
    }
}

/// One column of a table in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Column name, exactly as in the files.
    pub name: &'static str,
    /// Logical type.
    pub ty: ColumnType,
    /// Whether nulls are allowed.
    pub nullable: bool,
}

const fn col(name: &'static str, ty: ColumnType, nullable: bool) -> ColumnSpec {
    ColumnSpec { name, ty, nullable }
}

/// One table of a data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    /// File stem: the table lives in `<stem>.parquet` or `<stem>.csv`.
    pub stem: &'static str,
    /// Whether a data directory must contain it for every use.
    pub required: bool,
    /// Columns in contract order. Extra columns in a file are ignored.
    pub columns: &'static [ColumnSpec],
}

impl TableSpec {
    /// The column called `name`, if the contract has one.
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Parquet file name of the table.
    pub fn parquet_file(&self) -> String {
        format!("{}.parquet", self.stem)
    }

    /// CSV file name of the table.
    pub fn csv_file(&self) -> String {
        format!("{}.csv", self.stem)
    }
}

use ColumnType::{Bool, Float32, Int32, TimestampUs, Utf8};

/// `applications`: one row per job application (required).
pub const APPLICATIONS: TableSpec = TableSpec {
    stem: "applications",
    required: true,
    columns: &[
        col("application_id", Utf8, false),
        col("submitted_at", TimestampUs, false),
        col("job_id", Utf8, false),
        col("full_name", Utf8, false),
        col("email", Utf8, false),
        col("phone", Utf8, true),
        col("claimed_country", Utf8, false),
        col("claimed_region", Utf8, true),
        col("claimed_city", Utf8, true),
        col("shipping_address", Utf8, true),
        col("ip", Utf8, true),
        col("device_id", Utf8, true),
        col("user_agent", Utf8, true),
        col("browser_tz_offset_min", Int32, true),
        col("profile_url", Utf8, true),
        col("profile_created_at", TimestampUs, true),
        col("profile_prev_activity_at", TimestampUs, true),
        col("profile_recent_edits", Int32, true),
        col("profile_connections", Int32, true),
        col("institution", Utf8, true),
        col("degree", Utf8, true),
        col("major", Utf8, true),
        col("graduation_year", Int32, true),
        col("years_experience", Float32, true),
        col("resume_text", Utf8, true),
    ],
};

/// `telemetry`: device/session samples, many per application (optional).
pub const TELEMETRY: TableSpec = TableSpec {
    stem: "telemetry",
    required: false,
    columns: &[
        col("application_id", Utf8, false),
        col("session_id", Utf8, false),
        col("event_at", TimestampUs, false),
        col("ip", Utf8, true),
        col("device_id", Utf8, true),
        col("tz_offset_min", Int32, true),
        col("input_lag_ms", Float32, true),
        col("typing_interval_ms", Float32, true),
        col("remote_tool", Utf8, true),
        col("is_virtual_machine", Bool, true),
        col("screen", Utf8, true),
    ],
};

/// `labels`: investigation outcomes (required for training only).
pub const LABELS: TableSpec = TableSpec {
    stem: "labels",
    required: false,
    columns: &[
        col("application_id", Utf8, false),
        col("is_fraud", Bool, false),
        col("labeled_at", TimestampUs, false),
    ],
};

/// The three data tables, in the order they are read.
pub const TABLES: [TableSpec; 3] = [APPLICATIONS, TELEMETRY, LABELS];

/// A reference CSV file under `reference/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceSpec {
    /// Path relative to the data directory.
    pub path: &'static str,
    /// Header, in order.
    pub columns: &'static [&'static str],
}

/// Directory of the reference files inside a data directory.
pub const REFERENCE_DIR: &str = "reference";

/// `reference/high_risk_institutions.csv`: `aliases` is `;`-separated.
pub const HIGH_RISK_INSTITUTIONS: ReferenceSpec = ReferenceSpec {
    path: "reference/high_risk_institutions.csv",
    columns: &["name", "aliases", "country"],
};

/// `reference/ip_ranges.csv`: longest prefix wins; an IP in no range has unknown kind.
pub const IP_RANGES: ReferenceSpec = ReferenceSpec {
    path: "reference/ip_ranges.csv",
    columns: &["cidr", "asn", "org", "kind", "country"],
};

/// `kind` of an IP range in `reference/ip_ranges.csv`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum IpKind {
    /// Addresses a consumer internet provider assigns to homes.
    Residential,
    /// Addresses of a mobile carrier.
    Mobile,
    /// Addresses assigned to a company's own network.
    Business,
    /// Data-centre and cloud addresses; anonymising.
    Hosting,
    /// Exit addresses of a VPN service; anonymising.
    Vpn,
    /// Addresses of an open or commercial proxy; anonymising.
    Proxy,
}

impl IpKind {
    /// All kinds, in a fixed order.
    pub const ALL: [IpKind; 6] = [
        IpKind::Residential,
        IpKind::Mobile,
        IpKind::Business,
        IpKind::Hosting,
        IpKind::Vpn,
        IpKind::Proxy,
    ];

    /// The spelling used in the reference file.
    pub fn as_str(self) -> &'static str {
        match self {
            IpKind::Residential => "residential",
            IpKind::Mobile => "mobile",
            IpKind::Business => "business",
            IpKind::Hosting => "hosting",
            IpKind::Vpn => "vpn",
            IpKind::Proxy => "proxy",
        }
    }

    /// Whether traffic from this kind hides the user's own network (VPN, proxy, hosting).
    pub fn is_anonymising(self) -> bool {
        matches!(self, IpKind::Hosting | IpKind::Vpn | IpKind::Proxy)
    }
}

impl std::str::FromStr for IpKind {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IpKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| CoreError::UnknownVariant {
                what: "ip range kind",
                found: s.to_string(),
                expected: IpKind::ALL.map(IpKind::as_str).join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_kind_round_trips_and_rejects_unknown() {
        for kind in IpKind::ALL {
            assert_eq!(kind.as_str().parse::<IpKind>(), Ok(kind));
        }
        let err = "satellite".parse::<IpKind>().unwrap_err();
        assert!(err.to_string().contains("satellite"), "{err}");
    }

    #[test]
    fn column_names_are_unique_per_table() {
        for table in TABLES {
            let mut names: Vec<_> = table.columns.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), table.columns.len(), "{}", table.stem);
        }
    }
}
