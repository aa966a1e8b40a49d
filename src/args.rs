//! Argument helpers shared by the commands: value parsers, conversions of parsed values to
//! library units, and the usage error that exits with 2.

use std::path::{Path, PathBuf};

use appfraud_serve::{EngineChoice, ReasonScope};
use chrono::NaiveDate;
use clap::ValueEnum;

/// A usage error detected after parsing (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Parses a `YYYY-MM-DD` date (a clap value parser).
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a date of the form YYYY-MM-DD ({e})"))
}

/// Microseconds since the Unix epoch of midnight UTC starting `date`.
pub fn date_micros(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_micros())
        .unwrap_or_default()
}

/// Refuses an output path `flag` (`--out`) that does not end in `.parquet`; `what` says what is
/// written there.
pub fn require_parquet(flag: &str, path: &std::path::Path, what: &str) -> Result<(), UsageError> {
    if path.extension().and_then(|e| e.to_str()) == Some("parquet") {
        Ok(())
    } else {
        Err(UsageError(format!(
            "{flag} {}: {what} written as Parquet; give a path ending in .parquet",
            path.display()
        )))
    }
}

/// The applications table of data directory `dir`: Parquet when present, else CSV (the
/// contract's rule).
pub fn applications_file(dir: &Path) -> Result<PathBuf, UsageError> {
    ["applications.parquet", "applications.csv"]
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            UsageError(format!(
                "{}: no applications.parquet or applications.csv to read the --group column from",
                dir.display()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_to_midnight_utc() {
        let d = parse_date("2024-03-01").unwrap();
        // 2024-03-01T00:00:00Z is 1_709_251_200 s after the epoch (date -u -d 2024-03-01 +%s).
        assert_eq!(date_micros(d), 1_709_251_200_000_000);
        assert!(parse_date("2024-13-01").is_err());
        assert!(parse_date("01/03/2024").is_err());
    }
}

/// The scoring engine, as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Native evaluator for tree models, ONNX Runtime for every other model.
    Auto,
    /// ONNX Runtime on model.onnx, one session per worker thread.
    Onnxruntime,
    /// The native tree evaluator compiled from model.onnx (tree models only).
    Native,
}

/// Which applications get reason codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReasonsFor {
    /// Applications in the review or verify band (exact TreeSHAP costs far more than a score).
    Flagged,
    /// Every scored application.
    All,
}

impl From<Engine> for EngineChoice {
    fn from(e: Engine) -> Self {
        match e {
            Engine::Auto => EngineChoice::Auto,
            Engine::Onnxruntime => EngineChoice::OnnxRuntime,
            Engine::Native => EngineChoice::Native,
        }
    }
}

impl From<ReasonsFor> for ReasonScope {
    fn from(r: ReasonsFor) -> Self {
        match r {
            ReasonsFor::Flagged => ReasonScope::Flagged,
            ReasonsFor::All => ReasonScope::All,
        }
    }
}

/// How applications are scored and explained: shared by `score` and `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ScoringArgs {
    /// Reason codes per application: the features that pushed its score up most, each with its
    /// value, its contribution and a plain-English sentence for a reviewer.
    #[arg(long, value_name = "K", default_value_t = 3)]
    pub reasons: usize,
    /// Which applications get reason codes: flagged (review and verify bands) or all.
    #[arg(long, value_enum, default_value_t = ReasonsFor::Flagged)]
    pub reasons_for: ReasonsFor,
    /// Scoring engine.
    #[arg(long, value_enum, default_value_t = Engine::Auto)]
    pub engine: Engine,
}
