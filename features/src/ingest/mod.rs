//! Reading and validating the tables of a data directory.

use std::fs::File;
use std::path::{Path, PathBuf};

use appfraud_core::schema::{self, ColumnSpec, ColumnType, TableSpec};
use polars::prelude::*;
use rayon::prelude::*;

use crate::IngestError;

mod csv;
mod policy;

pub use policy::{IngestReport, Policy, RecordIssue, ValueIssue, record_issues, telemetry_issues};

/// The validated tables of a data directory, restricted to the contract's columns in contract
/// order (extra columns are ignored, as `docs/input-contract.md` says).
#[derive(Debug, Clone)]
pub struct RawFrames {
    /// `applications`.
    pub applications: DataFrame,
    /// `telemetry`, if the directory has it.
    pub telemetry: Option<DataFrame>,
    /// `labels`, if the directory has it.
    pub labels: Option<DataFrame>,
    /// Questionable values found and what was done with them (see the policy table of
    /// [`IngestReport`]'s module).
    pub report: IngestReport,
}

/// Reads and validates the tables of data directory `dir`.
pub fn read_data_dir(dir: &Path) -> Result<RawFrames, IngestError> {
    read_data_dir_extending(dir, &|_| None, &[])
}

/// Contract columns that no feature reads: the feature pipeline checks their type in a Parquet
/// file's schema but does not decode them (`user_agent` is a sixth of a generated
/// applications table). A CSV file is parsed whole, so there they are read and then dropped.
pub(crate) const UNREAD_BY_FEATURES: &[&str] = &["user_agent"];

/// Reads and validates the tables of data directory `dir`, which extends a history held
/// elsewhere: `held` gives the `submitted_at` of an application the directory's telemetry or
/// labels may name without holding it, so those rows are kept instead of excluded. The
/// nullable columns named in `unread` are validated but left out of the frames (see
/// [`UNREAD_BY_FEATURES`]).
pub(crate) fn read_data_dir_extending(
    dir: &Path,
    held: &(dyn Fn(&str) -> Option<i64> + Sync),
    unread: &[&str],
) -> Result<RawFrames, IngestError> {
    let mut applications = read_applications(dir, unread)?;
    let mut telemetry = read_table_without(dir, &schema::TELEMETRY, unread)?;
    let mut labels = read_table_without(dir, &schema::LABELS, unread)?;
    let report =
        policy::apply(&mut applications, &mut telemetry, &mut labels, held).map_err(|e| {
            IngestError::Unreadable {
                file: dir.to_path_buf(),
                reason: e.to_string(),
            }
        })?;
    Ok(RawFrames {
        applications,
        telemetry,
        labels,
        report,
    })
}

/// The validated `applications` table of `dir` (required), without the columns of `unread`.
fn read_applications(dir: &Path, unread: &[&str]) -> Result<DataFrame, IngestError> {
    read_table_without(dir, &schema::APPLICATIONS, unread)?.ok_or(IngestError::MissingFile {
        dir: dir.to_path_buf(),
        stem: schema::APPLICATIONS.stem,
    })
}

/// Reads table `spec` from `dir` (Parquet preferred, else CSV) and validates it; `Ok(None)` when
/// an optional table is absent, [`IngestError::MissingFile`] when a required one is.
pub fn read_table(dir: &Path, spec: &TableSpec) -> Result<Option<DataFrame>, IngestError> {
    read_table_without(dir, spec, &[])
}

/// [`read_table`] leaving out the nullable columns of `spec` named in `unread`: a Parquet file
/// is decoded for the other contract columns only (extra columns are not decoded either), and
/// the type of an unread column is checked in its schema.
fn read_table_without(
    dir: &Path,
    spec: &TableSpec,
    unread: &[&str],
) -> Result<Option<DataFrame>, IngestError> {
    let unread = unread_columns(spec, unread);
    let Some(file) = locate(dir, spec)? else {
        return Ok(None);
    };
    let df = match &file {
        TableFile::Parquet(path) => read_parquet(path, spec, &unread)?,
        TableFile::Csv(path) => csv::read_csv(path, spec)?,
    };
    let file = file.path().to_path_buf();
    let df = validate(&file, df, spec, &unread, 0)?;
    if spec.stem == schema::APPLICATIONS.stem {
        if df.height() == 0 {
            return Err(IngestError::Empty { file });
        }
        check_unique(&file, &df, "application_id")?;
    }
    Ok(Some(df))
}

/// The nullable columns of `spec` named in `unread`.
fn unread_columns<'s>(spec: &'s TableSpec, unread: &[&str]) -> Vec<&'s ColumnSpec> {
    spec.columns
        .iter()
        .filter(|c| c.nullable && unread.contains(&c.name))
        .collect()
}

/// The file a table is read from.
enum TableFile {
    Parquet(PathBuf),
    Csv(PathBuf),
}

impl TableFile {
    fn path(&self) -> &Path {
        match self {
            TableFile::Parquet(p) | TableFile::Csv(p) => p,
        }
    }
}

/// The file of table `spec` in `dir`: Parquet preferred, else CSV; `Ok(None)` when an optional
/// table is absent, [`IngestError::MissingFile`] when a required one is, [`IngestError::Empty`]
/// for a file of zero bytes.
fn locate(dir: &Path, spec: &TableSpec) -> Result<Option<TableFile>, IngestError> {
    let parquet = dir.join(spec.parquet_file());
    let csv = dir.join(spec.csv_file());
    for path in [&parquet, &csv] {
        if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
            return Err(IngestError::Empty { file: path.clone() });
        }
    }
    if parquet.is_file() {
        Ok(Some(TableFile::Parquet(parquet)))
    } else if csv.is_file() {
        Ok(Some(TableFile::Csv(csv)))
    } else if spec.required {
        Err(IngestError::MissingFile {
            dir: dir.to_path_buf(),
            stem: spec.stem,
        })
    } else {
        Ok(None)
    }
}

/// Telemetry rows per chunk when the table is streamed ([`read_data_dir_streaming`]): a chunk
/// is a run of whole Parquet row groups of at least this many rows (or one row group, however
/// large), so the decoded table is never held whole.
pub(crate) const TELEMETRY_CHUNK_ROWS: usize = 1 << 20;

/// One validated chunk of the telemetry table, as [`read_data_dir_streaming`] hands it over.
pub(crate) struct TelemetryChunk<'a> {
    /// The chunk's rows of known applications: the contract columns but the unread ones, after
    /// the policy.
    pub(crate) frame: &'a DataFrame,
    /// Per row of `frame`, the row of its application in `applications`.
    pub(crate) slots: &'a [u32],
}

/// [`read_data_dir_extending`] (with nothing held) that never holds the telemetry table whole:
/// it is read a chunk of about `chunk_rows` rows at a time, each chunk validated and checked as
/// the whole table would be (errors and the report name the same rows) and handed to
/// `on_chunk`. The returned frames have no telemetry; the number is the rows handed over.
pub(crate) fn read_data_dir_streaming(
    dir: &Path,
    unread: &[&str],
    chunk_rows: usize,
    on_chunk: &mut dyn FnMut(TelemetryChunk<'_>) -> PolarsResult<()>,
) -> Result<(RawFrames, usize), IngestError> {
    let mut applications = read_applications(dir, unread)?;
    let failed = |e: PolarsError| IngestError::Unreadable {
        file: dir.to_path_buf(),
        reason: e.to_string(),
    };
    let mut report = IngestReport::default();
    let checked =
        policy::CheckedApplications::new(&mut applications, &mut report).map_err(failed)?;
    let known = checked.rows();
    let mut issues = policy::TelemetryIssues::default();
    let mut kept = 0usize;
    for_each_chunk(
        dir,
        &schema::TELEMETRY,
        unread,
        chunk_rows,
        &mut |mut chunk, first_row| {
            checked
                .telemetry(&mut chunk, first_row, &known, &|_| None, &mut issues)
                .map_err(failed)?;
            let ids = chunk
                .column("application_id")
                .and_then(|c| c.str().cloned())
                .map_err(failed)?;
            let slots: Vec<u32> = crate::scan::pieces(&ids)
                .into_par_iter()
                .flat_map_iter(|piece| {
                    piece
                        .iter()
                        .map(|id| {
                            id.and_then(|id| known.get(id))
                                .map_or(u32::MAX, |&r| r as u32)
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            kept += chunk.height();
            if u32::try_from(kept).is_err() {
                return Err(failed(polars_err!(
                    ComputeError: "the telemetry table has more than 2^32 rows"
                )));
            }
            on_chunk(TelemetryChunk {
                frame: &chunk,
                slots: &slots,
            })
            .map_err(failed)
        },
    )?;
    issues.report_into(&mut report);
    let mut labels = read_table_without(dir, &schema::LABELS, unread)?;
    if let Some(lab) = labels.as_mut() {
        checked
            .labels(lab, &known, &|_| None, &mut report)
            .map_err(failed)?;
    }
    Ok((
        RawFrames {
            applications,
            telemetry: None,
            labels,
            report,
        },
        kept,
    ))
}

/// Reads table `spec` of `dir` a chunk at a time (without the columns of `unread`), each chunk
/// validated as [`read_table`] validates the whole, and hands each with its first row to `f`.
/// A Parquet file is read in runs of whole row groups of at least `chunk_rows` rows; a CSV
/// file, parsed whole, is one chunk. An absent optional table hands over nothing.
fn for_each_chunk(
    dir: &Path,
    spec: &TableSpec,
    unread: &[&str],
    chunk_rows: usize,
    f: &mut dyn FnMut(DataFrame, usize) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let unread = unread_columns(spec, unread);
    match locate(dir, spec)? {
        None => Ok(()),
        Some(TableFile::Csv(path)) => {
            let df = csv::read_csv(&path, spec)?;
            f(validate(&path, df, spec, &unread, 0)?, 0)
        }
        Some(TableFile::Parquet(path)) => {
            let unreadable = unreadable_parquet(&path);
            let (mut reader, columns) = parquet_projection(&path, spec, &unread)?;
            let metadata = reader.get_metadata().map_err(&unreadable)?.clone();
            let mut runs = Vec::new();
            let (mut start, mut len) = (0usize, 0usize);
            for group in &metadata.row_groups {
                len += group.num_rows();
                if len >= chunk_rows {
                    runs.push((start, len));
                    (start, len) = (start + len, 0);
                }
            }
            if len > 0 || runs.is_empty() {
                // The rest, or a table without rows (read once, so that it is validated).
                runs.push((start, len));
            }
            for (start, len) in runs {
                let mut reader = ParquetReader::new(open(&path)?);
                reader.set_metadata(metadata.clone());
                let df = reader
                    .with_columns(Some(columns.clone()))
                    .with_slice(Some((start, len)))
                    .finish()
                    .map_err(&unreadable)?;
                f(validate(&path, df, spec, &unread, start)?, start)?;
            }
            Ok(())
        }
    }
}

fn open(path: &Path) -> Result<File, IngestError> {
    File::open(path).map_err(|e| IngestError::Unreadable {
        file: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Fails with [`IngestError::Duplicate`] at the first repeated value of `column`.
fn check_unique(file: &Path, df: &DataFrame, column: &'static str) -> Result<(), IngestError> {
    let values = df
        .column(column)
        .and_then(|c| c.str().cloned())
        .map_err(|e| IngestError::Unreadable {
            file: file.to_path_buf(),
            reason: e.to_string(),
        })?;
    // Ids are input data: a seeded fast hash (foldhash), not SipHash, and not a fixed seed.
    let mut seen: std::collections::HashMap<&str, usize, foldhash::fast::RandomState> =
        std::collections::HashMap::with_capacity_and_hasher(values.len(), Default::default());
    for (row, v) in values.iter().enumerate() {
        if let Some(v) = v {
            if let Some(&first_row) = seen.get(v) {
                return Err(IngestError::Duplicate {
                    file: file.to_path_buf(),
                    column,
                    row,
                    first_row,
                });
            }
            seen.insert(v, row);
        }
    }
    Ok(())
}

fn type_matches(col: &ColumnSpec, dtype: &DataType) -> bool {
    match (col.ty, dtype) {
        (ColumnType::TimestampUs, DataType::Datetime(TimeUnit::Microseconds, Some(tz))) => {
            tz.as_str() == "UTC"
        }
        (ColumnType::Utf8, DataType::String) => true,
        (ColumnType::Int32, DataType::Int32) => true,
        (ColumnType::Float32, DataType::Float32) => true,
        (ColumnType::Bool, DataType::Boolean) => true,
        _ => false,
    }
}

/// Reads the contract columns of the Parquet file `path` but those of `unread`, whose types
/// are checked in the file's schema.
fn read_parquet(
    path: &Path,
    spec: &TableSpec,
    unread: &[&ColumnSpec],
) -> Result<DataFrame, IngestError> {
    let (reader, columns) = parquet_projection(path, spec, unread)?;
    reader
        .with_columns(Some(columns))
        .finish()
        .map_err(unreadable_parquet(path))
}

/// The error of a Parquet file `path` that polars cannot read.
fn unreadable_parquet(path: &Path) -> impl Fn(PolarsError) -> IngestError + '_ {
    move |e| IngestError::Unreadable {
        file: path.to_path_buf(),
        reason: format!("not a readable Parquet file (truncated or corrupt): {e}"),
    }
}

/// A reader of the Parquet file `path` and the columns to read of it: the contract columns it
/// has but those of `unread`, whose types are checked in the file's schema here.
fn parquet_projection(
    path: &Path,
    spec: &TableSpec,
    unread: &[&ColumnSpec],
) -> Result<(ParquetReader<File>, Vec<String>), IngestError> {
    let unreadable = unreadable_parquet(path);
    let mut reader = ParquetReader::new(open(path)?);
    let file_schema = reader.schema().map_err(unreadable)?;
    let mut read = Vec::with_capacity(spec.columns.len());
    for col in spec.columns {
        let Some(field) = file_schema.get(col.name) else {
            // Left for `validate` to name as missing.
            continue;
        };
        if unread.iter().any(|u| u.name == col.name) {
            let dtype = DataType::from_arrow_field(field);
            if !type_matches(col, &dtype) {
                return Err(IngestError::WrongType {
                    file: path.to_path_buf(),
                    column: col.name,
                    expected: col.ty.name(),
                    found: dtype.to_string(),
                });
            }
        } else {
            read.push(col.name.to_string());
        }
    }
    Ok((reader, read))
}

/// Checks `df` (rows of a table from its row `first_row` on) against `spec` and keeps the
/// contract's columns in contract order; the columns of `unread` are left out when absent (a
/// Parquet reader already checked their type), and dropped when present (a CSV file).
fn validate(
    file: &Path,
    df: DataFrame,
    spec: &TableSpec,
    unread: &[&ColumnSpec],
    first_row: usize,
) -> Result<DataFrame, IngestError> {
    let file: PathBuf = file.to_path_buf();
    let mut columns = Vec::with_capacity(spec.columns.len());
    for col in spec.columns {
        let skipped = unread.iter().any(|u| u.name == col.name);
        if skipped && df.column(col.name).is_err() {
            continue;
        }
        let Ok(c) = df.column(col.name) else {
            return Err(IngestError::MissingColumn {
                file,
                column: col.name,
            });
        };
        if !type_matches(col, c.dtype()) {
            return Err(IngestError::WrongType {
                file,
                column: col.name,
                expected: col.ty.name(),
                found: c.dtype().to_string(),
            });
        }
        if !col.nullable && c.null_count() > 0 {
            let nulls = c.is_null();
            let row = nulls.iter().position(|n| n == Some(true)).unwrap_or(0);
            return Err(IngestError::NullValue {
                file,
                column: col.name,
                row: first_row + row,
            });
        }
        if !skipped {
            columns.push(c.clone());
        }
    }
    DataFrame::new(df.height(), columns).map_err(|e| IngestError::Unreadable {
        file,
        reason: e.to_string(),
    })
}

/// Reads any Parquet or CSV table (by extension; CSV with a header, types inferred from the
/// first 10,000 rows), without a contract: the generic `--table` mode of training and scoring.
/// [`IngestError::Unreadable`] for another extension or unreadable contents,
/// [`IngestError::Empty`] for a table without rows.
pub fn read_generic_table(path: &Path) -> Result<DataFrame, IngestError> {
    let unreadable = |reason: String| IngestError::Unreadable {
        file: path.to_path_buf(),
        reason,
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let f = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let df = match ext {
        "parquet" => ParquetReader::new(f)
            .finish()
            .map_err(|e| unreadable(e.to_string()))?,
        "csv" => CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(10_000))
            .into_reader_with_file_handle(f)
            .finish()
            .map_err(|e| unreadable(e.to_string()))?,
        _ => return Err(unreadable("expected a .parquet or .csv file".into())),
    };
    if df.height() == 0 {
        return Err(IngestError::Empty {
            file: path.to_path_buf(),
        });
    }
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample")
    }

    /// A copy of the built-in sample whose telemetry is `telemetry`, written in row groups of
    /// 5,000 rows (so that chunks of a few thousand rows cut it in many places).
    fn dir_with_telemetry(mut telemetry: DataFrame) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for table in ["applications", "labels"] {
            let name = format!("{table}.parquet");
            std::fs::copy(sample_dir().join(&name), dir.path().join(&name)).expect("copied");
        }
        let file = File::create(dir.path().join("telemetry.parquet")).expect("created");
        ParquetWriter::new(file)
            .with_row_group_size(Some(5_000))
            .finish(&mut telemetry)
            .expect("written");
        dir
    }

    /// Replaces string column `name` of `df` with `f(row, value)` of each row.
    fn rewrite(df: &mut DataFrame, name: &str, f: impl Fn(usize, Option<&str>) -> Option<String>) {
        let values: Vec<Option<String>> = df
            .column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, v)| f(i, v))
            .collect();
        df.with_column(Column::new(name.into(), values)).unwrap();
    }

    fn sample_telemetry() -> DataFrame {
        let file = File::open(sample_dir().join("telemetry.parquet")).expect("sample");
        ParquetReader::new(file).finish().expect("readable")
    }

    /// Streamed in chunks, the telemetry is the table read whole (the reference): the same
    /// rows kept in the same order, each with its application's row, and the same report, its
    /// counts and first rows, with questionable values and unknown applications in several
    /// chunks. Applications and labels are the same frames.
    #[test]
    fn streamed_telemetry_is_the_whole_table_chunk_by_chunk() {
        let mut telemetry = sample_telemetry();
        let n = telemetry.height();
        assert!(n > 50_000, "{n}");
        // Unknown applications and bad IPs early, in the middle and at the end.
        rewrite(&mut telemetry, "application_id", |i, v| match i {
            3 | 20_000 | 20_001 => Some(format!("unknown-{i}")),
            _ if i == n - 1 => Some("unknown-last".to_owned()),
            _ => v.map(str::to_owned),
        });
        rewrite(&mut telemetry, "ip", |i, v| {
            if i % 9_973 == 17 {
                Some("not an ip".to_owned())
            } else {
                v.map(str::to_owned)
            }
        });
        let dir = dir_with_telemetry(telemetry);

        let whole = read_data_dir_extending(dir.path(), &|_| None, &["user_agent"]).unwrap();
        let mut chunks: Vec<DataFrame> = Vec::new();
        let mut slots: Vec<u32> = Vec::new();
        let (streamed, rows) =
            read_data_dir_streaming(dir.path(), &["user_agent"], 7_000, &mut |chunk| {
                chunks.push(chunk.frame.clone());
                slots.extend_from_slice(chunk.slots);
                Ok(())
            })
            .unwrap();
        assert!(chunks.len() > 5, "{} chunks", chunks.len());
        assert_eq!(streamed.report, whole.report);
        assert_eq!(
            whole
                .report
                .count("telemetry", "application_id", "unknown application"),
            4
        );
        assert!(whole.report.count("telemetry", "ip", "not an IP address") >= 6);
        assert!(streamed.applications.equals_missing(&whole.applications));
        let (a, b) = (streamed.labels.unwrap(), whole.labels.unwrap());
        assert!(a.equals_missing(&b));
        assert!(streamed.telemetry.is_none());

        let expected = whole.telemetry.unwrap();
        assert_eq!(rows, expected.height());
        let mut joined = chunks[0].clone();
        for c in &chunks[1..] {
            joined.vstack_mut(c).unwrap();
        }
        assert!(joined.equals_missing(&expected));
        let app_rows: std::collections::HashMap<&str, u32> = whole
            .applications
            .column("application_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, v)| (v.unwrap(), i as u32))
            .collect();
        let expected_slots: Vec<u32> = expected
            .column("application_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| app_rows[v.unwrap()])
            .collect();
        assert_eq!(slots, expected_slots);
    }

    /// A null in a required telemetry column far into the table is the same error, naming the
    /// same file, column and row, whether the table is read whole or in chunks.
    #[test]
    fn a_null_in_a_late_chunk_names_the_row_of_the_table() {
        let mut telemetry = sample_telemetry();
        let row = telemetry.height() - 10;
        rewrite(&mut telemetry, "session_id", |i, v| {
            (i != row).then(|| v.unwrap().to_owned())
        });
        let dir = dir_with_telemetry(telemetry);
        let whole = read_data_dir_extending(dir.path(), &|_| None, &["user_agent"])
            .expect_err("a null session");
        let streamed = read_data_dir_streaming(dir.path(), &["user_agent"], 7_000, &mut |_| Ok(()))
            .expect_err("a null session");
        assert!(
            matches!(&streamed, IngestError::NullValue { column: "session_id", row: r, .. } if *r == row),
            "{streamed}"
        );
        assert_eq!(streamed.to_string(), whole.to_string());
    }
}
