//! Questionable values: what ingest does with values that parse but cannot be right.
//!
//! | table.column | questionable value | policy |
//! |---|---|---|
//! | applications.years_experience | NaN, ±∞, < 0, > 70 | kept as missing |
//! | applications.graduation_year | < 1940, or > 10 years after submission | kept as missing |
//! | applications.browser_tz_offset_min, telemetry.tz_offset_min | outside −720…+840 minutes | kept as missing |
//! | applications.profile_created_at, profile_prev_activity_at | after `submitted_at` | kept as missing |
//! | applications.profile_recent_edits, profile_connections | < 0 | kept as missing |
//! | applications.ip, telemetry.ip | not an IPv4 or IPv6 address | kept as missing |
//! | telemetry.input_lag_ms, typing_interval_ms | NaN, ±∞, < 0 (a negative duration) | kept as missing |
//! | telemetry rows | `application_id` not in applications (nor in the history snapshot the directory extends) | excluded from features |
//! | labels rows | `application_id` not in applications (nor in the history snapshot) | excluded from training |
//! | labels rows | a second label for one application | kept (the latest known before t applies) |
//! | labels.labeled_at | before the application was submitted | kept |
//!
//! Every case is counted in the [`IngestReport`] with its first row (0-based, in file order);
//! no application row is ever dropped, and nothing is dropped without being counted.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, Datelike};
use polars::prelude::*;

use crate::scan::rows_where;

/// What ingest did with a questionable value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// The value is kept as missing; the row stays.
    Missing,
    /// The row is not used (telemetry or labels of unknown applications).
    Excluded,
    /// The value is kept as it is, and counted.
    Kept,
}

impl Policy {
    fn as_str(self) -> &'static str {
        match self {
            Policy::Missing => "kept as missing",
            Policy::Excluded => "excluded",
            Policy::Kept => "kept",
        }
    }
}

/// One kind of questionable value found in one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueIssue {
    /// The table holding the values (`applications`, `telemetry`, `labels`).
    pub table: &'static str,
    /// The column holding the values (`application_id` for rows excluded or kept as a whole).
    pub column: &'static str,
    /// What is wrong with the values (`negative`, `not an IP address`).
    pub issue: &'static str,
    /// What ingest did with them.
    pub policy: Policy,
    /// How many rows have the issue.
    pub rows: usize,
    /// The 0-based row, in file order, of the first of them.
    pub first_row: usize,
}

/// Everything ingest counted. Empty when the data had nothing questionable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// One entry per column and kind of issue found, in the order ingest checks them.
    pub issues: Vec<ValueIssue>,
}

impl IngestReport {
    /// Rows affected by `issue` in `table.column`, 0 when none.
    pub fn count(&self, table: &str, column: &str, issue: &str) -> usize {
        self.issues
            .iter()
            .filter(|i| i.table == table && i.column == column && i.issue == issue)
            .map(|i| i.rows)
            .sum()
    }

    fn add(
        &mut self,
        table: &'static str,
        column: &'static str,
        issue: &'static str,
        policy: Policy,
        rows: &[usize],
    ) {
        if let Some(&first_row) = rows.first() {
            self.issues.push(ValueIssue {
                table,
                column,
                issue,
                policy,
                rows: rows.len(),
                first_row,
            });
        }
    }
}

impl fmt::Display for IngestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.issues.is_empty() {
            return writeln!(f, "no questionable values");
        }
        for i in &self.issues {
            writeln!(
                f,
                "{}.{}: {} in {} rows (first: row {}): {}",
                i.table,
                i.column,
                i.issue,
                i.rows,
                i.first_row,
                i.policy.as_str()
            )?;
        }
        Ok(())
    }
}

const TZ_RANGE: std::ops::RangeInclusive<i32> = -720..=840;

/// The tests behind the policy table, one per row, shared by the tables of a data directory
/// ([`apply`]) and by one application as a service receives it ([`record_issues`]), so that
/// both paths keep exactly the same values.
mod rules {
    use super::TZ_RANGE;

    pub(super) const YEARS_EXPERIENCE: &str = "NaN, infinite, negative or above 70";
    pub(super) const GRADUATION_YEAR: &str = "before 1940 or over 10 years after submission";
    pub(super) const TZ_OFFSET: &str = "outside -720..840 minutes";
    pub(super) const AFTER_SUBMISSION: &str = "after submission";
    pub(super) const NEGATIVE: &str = "negative";
    pub(super) const NOT_AN_IP: &str = "not an IP address";
    pub(super) const DURATION: &str = "NaN, infinite or negative duration";

    pub(super) fn bad_years_experience(v: f32) -> bool {
        !v.is_finite() || !(0.0..=70.0).contains(&v)
    }

    /// `submitted_year`: the calendar year (UTC) of submission, when known.
    pub(super) fn bad_graduation_year(v: i32, submitted_year: Option<i32>) -> bool {
        v < 1940 || submitted_year.is_some_and(|y| v > y + 10)
    }

    pub(super) fn bad_tz_offset(v: i32) -> bool {
        !TZ_RANGE.contains(&v)
    }

    pub(super) fn bad_profile_time(v: i64, submitted_at: Option<i64>) -> bool {
        submitted_at.is_some_and(|t| v > t)
    }

    pub(super) fn bad_count(v: i32) -> bool {
        v < 0
    }

    pub(super) fn bad_ip(v: &str) -> bool {
        crate::parse_ip(v).is_none()
    }

    pub(super) fn bad_duration(v: f32) -> bool {
        !v.is_finite() || v < 0.0
    }
}

fn year_of(micros: i64) -> Option<i32> {
    DateTime::from_timestamp_micros(micros).map(|d| d.year())
}

/// Sets `v` to `None` when it holds a value `bad` refuses; whether it did.
fn clear<T: Copy>(v: &mut Option<T>, bad: impl Fn(T) -> bool) -> bool {
    let hit = v.is_some_and(bad);
    if hit {
        *v = None;
    }
    hit
}

/// One questionable value of one application or telemetry sample, found by [`record_issues`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordIssue {
    /// `applications` or `telemetry`.
    pub table: &'static str,
    /// The column.
    pub column: &'static str,
    /// The telemetry sample's position in the list given; `None` for the application.
    pub sample: Option<usize>,
    /// What is wrong with the value (the policy table's wording).
    pub issue: &'static str,
}

/// Applies the policy table to one application and its telemetry samples, as ingest applies
/// it to whole tables: every value the table keeps as missing is set to `None` here, and each
/// is returned. (Rows excluded as a whole, telemetry or labels of unknown applications, do not
/// arise for one application.)
pub fn record_issues(
    app: &mut crate::ApplicationRecord,
    telemetry: &mut [crate::TelemetryRecord],
) -> Vec<RecordIssue> {
    use rules::*;
    let mut found = Vec::new();
    let mut app_issue = |column, issue| {
        found.push(RecordIssue {
            table: "applications",
            column,
            sample: None,
            issue,
        });
    };
    let submitted = app.submitted_at;
    if clear(&mut app.years_experience, bad_years_experience) {
        app_issue("years_experience", YEARS_EXPERIENCE);
    }
    if clear(&mut app.graduation_year, |v| {
        bad_graduation_year(v, year_of(submitted))
    }) {
        app_issue("graduation_year", GRADUATION_YEAR);
    }
    if clear(&mut app.browser_tz_offset_min, bad_tz_offset) {
        app_issue("browser_tz_offset_min", TZ_OFFSET);
    }
    if clear(&mut app.profile_created_at, |v| {
        bad_profile_time(v, Some(submitted))
    }) {
        app_issue("profile_created_at", AFTER_SUBMISSION);
    }
    if clear(&mut app.profile_prev_activity_at, |v| {
        bad_profile_time(v, Some(submitted))
    }) {
        app_issue("profile_prev_activity_at", AFTER_SUBMISSION);
    }
    if clear(&mut app.profile_recent_edits, bad_count) {
        app_issue("profile_recent_edits", NEGATIVE);
    }
    if clear(&mut app.profile_connections, bad_count) {
        app_issue("profile_connections", NEGATIVE);
    }
    if app.ip.as_deref().is_some_and(bad_ip) {
        app.ip = None;
        app_issue("ip", NOT_AN_IP);
    }
    found.extend(telemetry_issues(telemetry));
    found
}

/// [`record_issues`] for telemetry samples alone (later sessions of an application already
/// held).
pub fn telemetry_issues(telemetry: &mut [crate::TelemetryRecord]) -> Vec<RecordIssue> {
    use rules::*;
    let mut found = Vec::new();
    for (i, t) in telemetry.iter_mut().enumerate() {
        let mut issue = |column, issue| {
            found.push(RecordIssue {
                table: "telemetry",
                column,
                sample: Some(i),
                issue,
            });
        };
        if clear(&mut t.input_lag_ms, bad_duration) {
            issue("input_lag_ms", DURATION);
        }
        if clear(&mut t.typing_interval_ms, bad_duration) {
            issue("typing_interval_ms", DURATION);
        }
        if clear(&mut t.tz_offset_min, bad_tz_offset) {
            issue("tz_offset_min", TZ_OFFSET);
        }
        if t.ip.as_deref().is_some_and(bad_ip) {
            t.ip = None;
            issue("ip", NOT_AN_IP);
        }
    }
    found
}

/// Sets `column` to null at the rows where `bad` holds; returns those rows. The rows are found
/// on every core and the column is rebuilt only when there are some.
fn null_where<T>(
    df: &mut DataFrame,
    column: &str,
    bad: impl Fn(usize, T::Native) -> bool + Sync,
) -> PolarsResult<Vec<usize>>
where
    T: PolarsNumericType,
{
    let col = df.column(column)?;
    let dtype = col.dtype().clone();
    let physical = col.to_physical_repr();
    let ca: &ChunkedArray<T> = physical.as_materialized_series().as_ref().as_ref();
    let rows = rows_where(ca, |i, v| v.is_some_and(|x| bad(i, x)));
    if !rows.is_empty() {
        let series =
            ChunkedArray::<T>::from_iter_options(column.into(), without_rows(ca.iter(), &rows))
                .into_series()
                .cast(&dtype)?;
        df.with_column(series.into_column())?;
    }
    Ok(rows)
}

/// `values` with the values at the ascending positions `rows` replaced by `None`.
fn without_rows<'r, V>(
    values: impl Iterator<Item = Option<V>> + 'r,
    rows: &'r [usize],
) -> impl Iterator<Item = Option<V>> + 'r {
    let mut bad = rows.iter().copied().peekable();
    values.enumerate().map(move |(i, v)| {
        if bad.next_if_eq(&i).is_some() {
            None
        } else {
            v
        }
    })
}

/// Sets unparseable IP strings to null; returns their rows.
fn null_bad_ips(df: &mut DataFrame, column: &str) -> PolarsResult<Vec<usize>> {
    let ca = df.column(column)?.str()?.clone();
    // Found first, so that the column is rebuilt only when it has a bad value (millions of
    // telemetry rows usually have none).
    let rows = rows_where(&ca, |_, v| v.is_some_and(rules::bad_ip));
    if !rows.is_empty() {
        let values: Vec<Option<&str>> = without_rows(ca.iter(), &rows).collect();
        df.with_column(Series::new(column.into(), values).into_column())?;
    }
    Ok(rows)
}

/// Removes the rows at the sorted positions `rows`.
fn drop_rows(df: &mut DataFrame, rows: &[usize]) -> PolarsResult<()> {
    if !rows.is_empty() {
        let keep: BooleanChunked = (0..df.height())
            .map(|i| rows.binary_search(&i).is_err())
            .collect();
        *df = df.filter(&keep)?;
    }
    Ok(())
}

fn micros(df: &DataFrame, column: &str) -> PolarsResult<Vec<Option<i64>>> {
    Ok(df
        .column(column)?
        .to_physical_repr()
        .i64()?
        .iter()
        .collect())
}

/// The `application_id` column (a cheap handle on the table's own buffers: millions of
/// telemetry ids are read in place, never copied).
fn ids(df: &DataFrame) -> PolarsResult<StringChunked> {
    Ok(df.column("application_id")?.str()?.clone())
}

/// Applies the policy table to the tables in place and reports what it found. `held` answers,
/// for an id absent from `applications`, the `submitted_at` of an application held elsewhere (a
/// history snapshot the directory extends); telemetry and labels of such applications are kept.
pub(super) fn apply(
    applications: &mut DataFrame,
    telemetry: &mut Option<DataFrame>,
    labels: &mut Option<DataFrame>,
    held: &(dyn Fn(&str) -> Option<i64> + Sync),
) -> PolarsResult<IngestReport> {
    let mut report = IngestReport::default();
    let checked = CheckedApplications::new(applications, &mut report)?;
    let known = checked.rows();
    if let Some(tel) = telemetry.as_mut() {
        let mut issues = TelemetryIssues::default();
        checked.telemetry(tel, 0, &known, held, &mut issues)?;
        issues.report_into(&mut report);
    }
    if let Some(lab) = labels.as_mut() {
        checked.labels(lab, &known, held, &mut report)?;
    }
    Ok(report)
}

/// The `applications` table once its policy is applied: what the telemetry and labels checks
/// read of it (each id's row, each row's `submitted_at`).
pub(super) struct CheckedApplications {
    ids: StringChunked,
    submitted: Vec<Option<i64>>,
}

/// Application id → its row in `applications` (ids are input data: a seeded fast hash).
pub(super) type IdRows<'a> = HashMap<&'a str, usize, foldhash::fast::RandomState>;

/// The telemetry checks, in the order they are reported: (column, issue, policy).
const TELEMETRY_CHECKS: [(&str, &str, Policy); 5] = [
    ("input_lag_ms", rules::DURATION, Policy::Missing),
    ("typing_interval_ms", rules::DURATION, Policy::Missing),
    ("tz_offset_min", rules::TZ_OFFSET, Policy::Missing),
    ("ip", rules::NOT_AN_IP, Policy::Missing),
    ("application_id", "unknown application", Policy::Excluded),
];

/// What the telemetry checks found so far, per check of [`TELEMETRY_CHECKS`]: rows and first
/// row. A table read a chunk at a time is reported as the whole table would be.
#[derive(Debug, Default)]
pub(super) struct TelemetryIssues {
    found: [(usize, Option<usize>); 5],
}

impl TelemetryIssues {
    /// Counts the rows of check `check` found in a chunk starting at `first_row` (`rows` are
    /// the chunk's, ascending).
    fn add(&mut self, check: usize, first_row: usize, rows: &[usize]) {
        let (count, first) = &mut self.found[check];
        *count += rows.len();
        if first.is_none() {
            *first = rows.first().map(|r| r + first_row);
        }
    }

    /// Adds the issues found to `report`, in check order.
    pub(super) fn report_into(&self, report: &mut IngestReport) {
        for (&(column, issue, policy), &(rows, first)) in TELEMETRY_CHECKS.iter().zip(&self.found) {
            if let Some(first_row) = first {
                report.issues.push(ValueIssue {
                    table: "telemetry",
                    column,
                    issue,
                    policy,
                    rows,
                    first_row,
                });
            }
        }
    }
}

impl CheckedApplications {
    /// Applies the policy to `applications` in place, reporting to `report`.
    pub(super) fn new(apps: &mut DataFrame, report: &mut IngestReport) -> PolarsResult<Self> {
        let submitted = micros(apps, "submitted_at")?;
        let year = |row: usize| submitted[row].and_then(year_of);
        use rules::*;

        let bad =
            null_where::<Float32Type>(apps, "years_experience", |_, v| bad_years_experience(v))?;
        report.add(
            "applications",
            "years_experience",
            YEARS_EXPERIENCE,
            Policy::Missing,
            &bad,
        );
        let bad = null_where::<Int32Type>(apps, "graduation_year", |i, v| {
            bad_graduation_year(v, year(i))
        })?;
        report.add(
            "applications",
            "graduation_year",
            GRADUATION_YEAR,
            Policy::Missing,
            &bad,
        );
        let bad = null_where::<Int32Type>(apps, "browser_tz_offset_min", |_, v| bad_tz_offset(v))?;
        report.add(
            "applications",
            "browser_tz_offset_min",
            TZ_OFFSET,
            Policy::Missing,
            &bad,
        );
        for column in ["profile_created_at", "profile_prev_activity_at"] {
            let bad =
                null_where::<Int64Type>(apps, column, |i, v| bad_profile_time(v, submitted[i]))?;
            report.add(
                "applications",
                column,
                AFTER_SUBMISSION,
                Policy::Missing,
                &bad,
            );
        }
        for column in ["profile_recent_edits", "profile_connections"] {
            let bad = null_where::<Int32Type>(apps, column, |_, v| bad_count(v))?;
            report.add("applications", column, NEGATIVE, Policy::Missing, &bad);
        }
        let bad = null_bad_ips(apps, "ip")?;
        report.add("applications", "ip", NOT_AN_IP, Policy::Missing, &bad);
        Ok(CheckedApplications {
            ids: ids(apps)?,
            submitted,
        })
    }

    /// Application id → row.
    pub(super) fn rows(&self) -> IdRows<'_> {
        let mut known = HashMap::with_capacity_and_hasher(self.ids.len(), Default::default());
        known.extend(
            self.ids
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (v, i))),
        );
        known
    }

    /// Applies the policy to the telemetry rows `tel`, which start at row `first_row` of their
    /// table, counting in `issues`; rows of unknown applications (absent from `known`, the id
    /// map of [`rows`](Self::rows), and from `held`) are removed from `tel`.
    pub(super) fn telemetry(
        &self,
        tel: &mut DataFrame,
        first_row: usize,
        known: &IdRows<'_>,
        held: &(dyn Fn(&str) -> Option<i64> + Sync),
        issues: &mut TelemetryIssues,
    ) -> PolarsResult<()> {
        use rules::*;
        for (check, column) in ["input_lag_ms", "typing_interval_ms"]
            .into_iter()
            .enumerate()
        {
            let bad = null_where::<Float32Type>(tel, column, |_, v| bad_duration(v))?;
            issues.add(check, first_row, &bad);
        }
        let bad = null_where::<Int32Type>(tel, "tz_offset_min", |_, v| bad_tz_offset(v))?;
        issues.add(2, first_row, &bad);
        let bad = null_bad_ips(tel, "ip")?;
        issues.add(3, first_row, &bad);
        let unknown = rows_where(&ids(tel)?, |_, v| {
            v.is_none_or(|v| !known.contains_key(v) && held(v).is_none())
        });
        issues.add(4, first_row, &unknown);
        drop_rows(tel, &unknown)
    }

    /// Applies the policy to the labels table `lab`, reporting to `report`; labels of unknown
    /// applications are removed from `lab`.
    pub(super) fn labels(
        &self,
        lab: &mut DataFrame,
        known: &IdRows<'_>,
        held: &(dyn Fn(&str) -> Option<i64> + Sync),
        report: &mut IngestReport,
    ) -> PolarsResult<()> {
        let label_ids = ids(lab)?;
        let labeled_at = micros(lab, "labeled_at")?;
        let mut unknown = Vec::new();
        let mut before = Vec::new();
        let mut repeated = Vec::new();
        let mut seen: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
        for (i, id) in label_ids.iter().enumerate() {
            let Some(id) = id else { continue };
            let submitted_at = match known.get(id) {
                Some(&a) => Some(self.submitted[a]),
                None => held(id).map(Some),
            };
            match submitted_at {
                None => unknown.push(i),
                Some(submitted_at) => {
                    if let (Some(l), Some(s)) = (labeled_at[i], submitted_at)
                        && l < s
                    {
                        before.push(i);
                    }
                    if !seen.insert(id) {
                        repeated.push(i);
                    }
                }
            }
        }
        report.add(
            "labels",
            "application_id",
            "unknown application",
            Policy::Excluded,
            &unknown,
        );
        report.add(
            "labels",
            "application_id",
            "second label for one application",
            Policy::Kept,
            &repeated,
        );
        report.add(
            "labels",
            "labeled_at",
            "before the application was submitted",
            Policy::Kept,
            &before,
        );
        drop_rows(lab, &unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApplicationRecord, TelemetryRecord};

    /// Each row of the policy table that applies to one application, against values chosen on
    /// both sides of its bound: the bad ones are cleared and listed, the good ones kept.
    #[test]
    fn a_record_gets_the_policy_table() {
        // 2026-03-01T00:00:00Z, in µs.
        let submitted = 1_772_323_200_000_000;
        let mut app = ApplicationRecord {
            submitted_at: submitted,
            years_experience: Some(71.0),
            graduation_year: Some(2037),
            browser_tz_offset_min: Some(841),
            profile_created_at: Some(submitted + 1),
            profile_prev_activity_at: Some(submitted),
            profile_recent_edits: Some(-1),
            profile_connections: Some(0),
            ip: Some("10.0.0.256".into()),
            ..ApplicationRecord::default()
        };
        let mut telemetry = vec![
            TelemetryRecord {
                input_lag_ms: Some(f32::NAN),
                typing_interval_ms: Some(0.0),
                tz_offset_min: Some(-720),
                ip: Some(" 2001:db8::1 ".into()),
                ..TelemetryRecord::default()
            },
            TelemetryRecord {
                input_lag_ms: Some(-0.5),
                tz_offset_min: Some(-721),
                ip: Some("unknown".into()),
                ..TelemetryRecord::default()
            },
        ];
        let found: Vec<(&str, &str, Option<usize>)> = record_issues(&mut app, &mut telemetry)
            .iter()
            .map(|i| (i.table, i.column, i.sample))
            .collect();
        assert_eq!(
            found,
            vec![
                ("applications", "years_experience", None),
                ("applications", "graduation_year", None),
                ("applications", "browser_tz_offset_min", None),
                ("applications", "profile_created_at", None),
                ("applications", "profile_recent_edits", None),
                ("applications", "ip", None),
                ("telemetry", "input_lag_ms", Some(0)),
                ("telemetry", "input_lag_ms", Some(1)),
                ("telemetry", "tz_offset_min", Some(1)),
                ("telemetry", "ip", Some(1)),
            ]
        );
        // 2036 is 10 years after 2026: kept; equal to submission: kept; zero: kept.
        assert_eq!(app.years_experience, None);
        assert_eq!(app.graduation_year, None);
        assert_eq!(app.profile_prev_activity_at, Some(submitted));
        assert_eq!(app.profile_connections, Some(0));
        assert_eq!(telemetry[0].typing_interval_ms, Some(0.0));
        assert_eq!(telemetry[0].tz_offset_min, Some(-720));
        assert_eq!(telemetry[0].ip.as_deref(), Some(" 2001:db8::1 "));
        assert_eq!(telemetry[1].ip, None);
        let mut kept = ApplicationRecord {
            submitted_at: submitted,
            graduation_year: Some(2036),
            years_experience: Some(70.0),
            ..ApplicationRecord::default()
        };
        assert!(record_issues(&mut kept, &mut []).is_empty());
        assert_eq!(kept.graduation_year, Some(2036));
    }
}
