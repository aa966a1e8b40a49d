//! Turning the generated records into the files of a data directory (docs/input-contract.md).

use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::{SynthError, Synthetic};

fn ts(name: &str, values: Vec<Option<i64>>) -> Column {
    Series::new(name.into(), values)
        .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
        .into_column()
}

fn table_err(path: &Path) -> impl Fn(PolarsError) -> SynthError + '_ {
    move |e| SynthError::Table {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

impl Synthetic {
    /// The `applications` table, in submission order.
    pub fn applications_frame(&self) -> PolarsResult<DataFrame> {
        let a = &self.apps;
        fn col_str<'a>(name: &str, n: usize, f: &dyn Fn(usize) -> Option<&'a str>) -> Column {
            Series::new(name.into(), (0..n).map(f).collect::<Vec<_>>()).into_column()
        }
        let n = a.len();
        let cols = vec![
            Series::new(
                "application_id".into(),
                self.ids.iter().map(String::as_str).collect::<Vec<_>>(),
            )
            .into_column(),
            ts(
                "submitted_at",
                a.iter().map(|r| Some(r.submitted_at)).collect(),
            ),
            col_str("job_id", n, &|i| Some(a[i].job_id.as_str())),
            col_str("full_name", n, &|i| Some(a[i].full_name.as_str())),
            col_str("email", n, &|i| Some(a[i].email.as_str())),
            col_str("phone", n, &|i| a[i].phone.as_deref()),
            col_str("claimed_country", n, &|i| Some(a[i].claimed_country)),
            col_str("claimed_region", n, &|i| a[i].claimed_region.as_deref()),
            col_str("claimed_city", n, &|i| a[i].claimed_city.as_deref()),
            col_str("shipping_address", n, &|i| a[i].shipping_address.as_deref()),
            col_str("ip", n, &|i| a[i].ip.as_deref()),
            col_str("device_id", n, &|i| a[i].device_id.as_deref()),
            col_str("user_agent", n, &|i| a[i].user_agent),
            Series::new(
                "browser_tz_offset_min".into(),
                a.iter()
                    .map(|r| r.browser_tz_offset_min)
                    .collect::<Vec<_>>(),
            )
            .into_column(),
            col_str("profile_url", n, &|i| a[i].profile_url.as_deref()),
            ts(
                "profile_created_at",
                a.iter().map(|r| r.profile_created_at).collect(),
            ),
            ts(
                "profile_prev_activity_at",
                a.iter().map(|r| r.profile_prev_activity_at).collect(),
            ),
            Series::new(
                "profile_recent_edits".into(),
                a.iter().map(|r| r.profile_recent_edits).collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "profile_connections".into(),
                a.iter().map(|r| r.profile_connections).collect::<Vec<_>>(),
            )
            .into_column(),
            col_str("institution", n, &|i| a[i].institution.as_deref()),
            col_str("degree", n, &|i| a[i].degree),
            col_str("major", n, &|i| a[i].major),
            Series::new(
                "graduation_year".into(),
                a.iter().map(|r| r.graduation_year).collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "years_experience".into(),
                a.iter().map(|r| r.years_experience).collect::<Vec<_>>(),
            )
            .into_column(),
            col_str("resume_text", n, &|i| a[i].resume_text.as_deref()),
        ];
        DataFrame::new(a.len(), cols)
    }

    /// The `telemetry` table, grouped by application in submission order, then by time.
    pub fn telemetry_frame(&self) -> PolarsResult<DataFrame> {
        let t = &self.telemetry;
        let mut session_ids = StringChunkedBuilder::new("session_id".into(), t.len());
        let mut buf = String::new();
        for (&a, &s) in t.app.iter().zip(&t.session) {
            use std::fmt::Write as _;
            buf.clear();
            let _ = write!(buf, "{}-s{}", self.ids[a as usize], s + 1);
            session_ids.append_value(&buf);
        }
        let plan = |row: usize| &self.apps[t.app[row] as usize].sessions;
        let ips: Vec<Option<&str>> = (0..t.len())
            .map(|i| t.ip[i].map(|k| plan(i).ips[usize::from(k)].as_str()))
            .collect();
        let devices: Vec<Option<&str>> = (0..t.len())
            .map(|i| match t.device_id[i] {
                Some(0) => plan(i).device.as_deref(),
                Some(_) => plan(i).alt_device.as_deref(),
                None => None,
            })
            .collect();
        let cols = vec![
            Series::new(
                "application_id".into(),
                t.app
                    .iter()
                    .map(|&a| self.ids[a as usize].as_str())
                    .collect::<Vec<_>>(),
            )
            .into_column(),
            session_ids.finish().into_series().into_column(),
            ts("event_at", t.event_at.iter().map(|&x| Some(x)).collect()),
            Series::new("ip".into(), ips).into_column(),
            Series::new("device_id".into(), devices).into_column(),
            Series::new("tz_offset_min".into(), t.tz_offset_min.clone()).into_column(),
            Series::new("input_lag_ms".into(), t.input_lag_ms.clone()).into_column(),
            Series::new("typing_interval_ms".into(), t.typing_interval_ms.clone()).into_column(),
            Series::new("remote_tool".into(), t.remote_tool.clone()).into_column(),
            Series::new("is_virtual_machine".into(), t.is_virtual_machine.clone()).into_column(),
            Series::new("screen".into(), t.screen.clone()).into_column(),
        ];
        DataFrame::new(t.len(), cols)
    }

    /// The `labels` table: outcomes known before the end of the window, by time they became known.
    pub fn labels_frame(&self) -> PolarsResult<DataFrame> {
        let mut rows: Vec<(i64, usize, bool)> = self
            .apps
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.label
                    .filter(|&(_, at)| at < self.as_of)
                    .map(|(y, at)| (at, i, y))
            })
            .collect();
        rows.sort_unstable();
        let cols = vec![
            Series::new(
                "application_id".into(),
                rows.iter()
                    .map(|&(_, i, _)| self.ids[i].as_str())
                    .collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "is_fraud".into(),
                rows.iter().map(|&(_, _, y)| y).collect::<Vec<_>>(),
            )
            .into_column(),
            ts(
                "labeled_at",
                rows.iter().map(|&(at, _, _)| Some(at)).collect(),
            ),
        ];
        DataFrame::new(rows.len(), cols)
    }

    /// The hidden truth per application (not part of a data directory): `application_id`,
    /// `is_fraud`, `scheme`, `actor`, `identity`, `stealth`, `control`.
    pub fn truth_frame(&self) -> PolarsResult<DataFrame> {
        let a = &self.apps;
        let cols = vec![
            Series::new(
                "application_id".into(),
                self.ids.iter().map(String::as_str).collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "is_fraud".into(),
                a.iter().map(|r| r.truth.is_fraud).collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "scheme".into(),
                a.iter()
                    .map(|r| r.truth.scheme.as_str())
                    .collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "actor".into(),
                a.iter().map(|r| r.truth.actor).collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "identity".into(),
                a.iter().map(|r| r.truth.identity).collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "stealth".into(),
                a.iter().map(|r| r.truth.stealth).collect::<Vec<_>>(),
            )
            .into_column(),
            Series::new(
                "control".into(),
                a.iter()
                    .map(|r| r.truth.control.as_str())
                    .collect::<Vec<_>>(),
            )
            .into_column(),
        ];
        DataFrame::new(a.len(), cols)
    }

    /// Writes the data directory `dir` (created if needed): `applications.parquet`,
    /// `telemetry.parquet`, `labels.parquet` and `reference/`. Each file is written to a
    /// temporary name and renamed, so a reader never sees half a file.
    pub fn write(&self, dir: &Path) -> Result<WriteSummary, SynthError> {
        let reference = dir.join(appfraud_core::schema::REFERENCE_DIR);
        fs::create_dir_all(&reference).map_err(|source| SynthError::Io {
            path: reference.clone(),
            source,
        })?;
        let mut summary = WriteSummary::default();
        type Build = fn(&Synthetic) -> PolarsResult<DataFrame>;
        let tables: [(String, Build); 3] = [
            (
                appfraud_core::schema::APPLICATIONS.parquet_file(),
                Synthetic::applications_frame,
            ),
            (
                appfraud_core::schema::TELEMETRY.parquet_file(),
                Synthetic::telemetry_frame,
            ),
            (
                appfraud_core::schema::LABELS.parquet_file(),
                Synthetic::labels_frame,
            ),
        ];
        // One frame at a time: each is built, written and dropped before the next.
        for (file, build) in tables {
            let path = dir.join(file);
            let mut df = build(self).map_err(table_err(&path))?;
            summary.rows.push((path.clone(), df.height()));
            write_parquet(&mut df, &path)?;
        }
        let csvs = [
            (
                appfraud_core::schema::HIGH_RISK_INSTITUTIONS.path,
                &self.risky_csv,
            ),
            (appfraud_core::schema::IP_RANGES.path, &self.ip_ranges_csv),
        ];
        for (rel, text) in csvs {
            let path = dir.join(rel);
            atomic_write(&path, |tmp| {
                fs::write(tmp, text.as_bytes()).map_err(|source| SynthError::Io {
                    path: path.clone(),
                    source,
                })
            })?;
            summary
                .rows
                .push((path.clone(), text.lines().count().saturating_sub(1)));
        }
        Ok(summary)
    }

    /// Writes the hidden truth to `path` as Parquet.
    pub fn write_truth(&self, path: &Path) -> Result<(), SynthError> {
        let mut df = self.truth_frame().map_err(table_err(path))?;
        write_parquet(&mut df, path)
    }
}

/// Files written and their row counts.
#[derive(Debug, Default, Clone)]
pub struct WriteSummary {
    /// `(path, rows)` per file, in the order written.
    pub rows: Vec<(PathBuf, usize)>,
}

fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), SynthError> {
    atomic_write(path, |tmp| {
        let file = fs::File::create(tmp).map_err(|source| SynthError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map(|_| ())
            .map_err(table_err(path))
    })
}

fn atomic_write(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), SynthError>,
) -> Result<(), SynthError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    if let Err(e) = write(&tmp) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    fs::rename(&tmp, path).map_err(|source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
