//! The validated frames of a data directory as typed column vectors, read row by row into
//! [`Application`]s and [`TelemetrySample`]s. Ingest has already checked names, types and
//! nullability, so a failure here is an internal error, not bad input.

use std::collections::HashMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::record::Application;
use super::telemetry::CompactTelemetry;
use crate::signals::remote_control::TelemetrySample;

/// Application id → slot. Ids are input data, so the hash is seeded per process (foldhash's
/// `RandomState`): fast on short strings, unlike the default SipHash, without letting a file
/// choose colliding ids.
pub(crate) type IdMap<'a> = HashMap<&'a str, u32, foldhash::fast::RandomState>;

/// [`IdMap`] of `ids`, slot = position.
pub(crate) fn id_map<'a>(ids: &[&'a str]) -> IdMap<'a> {
    let mut map = IdMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, id) in ids.iter().enumerate() {
        map.insert(*id, i as u32);
    }
    map
}

fn required<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<Vec<&'a str>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(Option::unwrap_or_default)
        .collect())
}

/// The `applications` table, read row by row ([`row`](Self::row)) from the table itself: only
/// the ids are copied out (for the id map), so no column is duplicated.
///
/// Two columns may be absent, and then read as missing: `user_agent`, which no feature reads,
/// and `resume_text`, which the batch path reads in a pass of its own
/// ([`resume_text`](Self::resume_text)) before dropping it. Both are the largest columns of
/// the table.
pub(crate) struct ApplicationColumns<'a> {
    application_id: Vec<&'a str>,
    submitted_at: RowAccess<'a, Int64Type>,
    job_id: RowAccess<'a, StringType>,
    full_name: RowAccess<'a, StringType>,
    email: RowAccess<'a, StringType>,
    phone: RowAccess<'a, StringType>,
    claimed_country: RowAccess<'a, StringType>,
    claimed_region: RowAccess<'a, StringType>,
    claimed_city: RowAccess<'a, StringType>,
    shipping_address: RowAccess<'a, StringType>,
    ip: RowAccess<'a, StringType>,
    device_id: RowAccess<'a, StringType>,
    user_agent: Option<RowAccess<'a, StringType>>,
    browser_tz_offset_min: RowAccess<'a, Int32Type>,
    profile_url: RowAccess<'a, StringType>,
    profile_created_at: RowAccess<'a, Int64Type>,
    profile_prev_activity_at: RowAccess<'a, Int64Type>,
    profile_recent_edits: RowAccess<'a, Int32Type>,
    profile_connections: RowAccess<'a, Int32Type>,
    institution: RowAccess<'a, StringType>,
    degree: RowAccess<'a, StringType>,
    major: RowAccess<'a, StringType>,
    graduation_year: RowAccess<'a, Int32Type>,
    years_experience: RowAccess<'a, Float32Type>,
    resume_text: Option<RowAccess<'a, StringType>>,
}

fn series<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<&'a Series> {
    df.column(name).map(Column::as_materialized_series)
}

fn str_rows<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<RowAccess<'a, StringType>> {
    Ok(RowAccess::new(series(df, name)?.str()?))
}

/// [`str_rows`], `None` when the table has no column `name`.
fn optional_str_rows<'a>(
    df: &'a DataFrame,
    name: &str,
) -> PolarsResult<Option<RowAccess<'a, StringType>>> {
    match df.column(name) {
        Ok(_) => str_rows(df, name).map(Some),
        Err(_) => Ok(None),
    }
}

fn micros_rows<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<RowAccess<'a, Int64Type>> {
    Ok(RowAccess::new(series(df, name)?.datetime()?.physical()))
}

fn i32_rows<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<RowAccess<'a, Int32Type>> {
    Ok(RowAccess::new(series(df, name)?.i32()?))
}

fn f32_rows<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<RowAccess<'a, Float32Type>> {
    Ok(RowAccess::new(series(df, name)?.f32()?))
}

impl<'a> ApplicationColumns<'a> {
    pub(crate) fn new(df: &'a DataFrame) -> PolarsResult<Self> {
        Ok(ApplicationColumns {
            application_id: required(df, "application_id")?,
            submitted_at: micros_rows(df, "submitted_at")?,
            job_id: str_rows(df, "job_id")?,
            full_name: str_rows(df, "full_name")?,
            email: str_rows(df, "email")?,
            phone: str_rows(df, "phone")?,
            claimed_country: str_rows(df, "claimed_country")?,
            claimed_region: str_rows(df, "claimed_region")?,
            claimed_city: str_rows(df, "claimed_city")?,
            shipping_address: str_rows(df, "shipping_address")?,
            ip: str_rows(df, "ip")?,
            device_id: str_rows(df, "device_id")?,
            user_agent: optional_str_rows(df, "user_agent")?,
            browser_tz_offset_min: i32_rows(df, "browser_tz_offset_min")?,
            profile_url: str_rows(df, "profile_url")?,
            profile_created_at: micros_rows(df, "profile_created_at")?,
            profile_prev_activity_at: micros_rows(df, "profile_prev_activity_at")?,
            profile_recent_edits: i32_rows(df, "profile_recent_edits")?,
            profile_connections: i32_rows(df, "profile_connections")?,
            institution: str_rows(df, "institution")?,
            degree: str_rows(df, "degree")?,
            major: str_rows(df, "major")?,
            graduation_year: i32_rows(df, "graduation_year")?,
            years_experience: f32_rows(df, "years_experience")?,
            resume_text: optional_str_rows(df, "resume_text")?,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.application_id.len()
    }

    pub(crate) fn ids(&self) -> &[&'a str] {
        &self.application_id
    }

    /// Row `i`; required columns (never null after ingest) read as their value.
    pub(crate) fn row(&self, i: usize) -> Application<'a> {
        Application {
            application_id: self.application_id[i],
            submitted_at: self.submitted_at.get(i).unwrap_or_default(),
            job_id: self.job_id.get(i).unwrap_or_default(),
            full_name: self.full_name.get(i).unwrap_or_default(),
            email: self.email.get(i).unwrap_or_default(),
            phone: self.phone.get(i),
            claimed_country: self.claimed_country.get(i).unwrap_or_default(),
            claimed_region: self.claimed_region.get(i),
            claimed_city: self.claimed_city.get(i),
            shipping_address: self.shipping_address.get(i),
            ip: self.ip.get(i),
            device_id: self.device_id.get(i),
            user_agent: self.user_agent.as_ref().and_then(|c| c.get(i)),
            browser_tz_offset_min: self.browser_tz_offset_min.get(i),
            profile_url: self.profile_url.get(i),
            profile_created_at: self.profile_created_at.get(i),
            profile_prev_activity_at: self.profile_prev_activity_at.get(i),
            profile_recent_edits: self.profile_recent_edits.get(i),
            profile_connections: self.profile_connections.get(i),
            institution: self.institution.get(i),
            degree: self.degree.get(i),
            major: self.major.get(i),
            graduation_year: self.graduation_year.get(i),
            years_experience: self.years_experience.get(i),
            resume_text: self.resume_text(i),
        }
    }

    /// The `resume_text` of row `i` (`None` as well when the column is absent).
    pub(crate) fn resume_text(&self, i: usize) -> Option<&'a str> {
        self.resume_text.as_ref().and_then(|c| c.get(i))
    }
}

/// Random access by row into a column that may span many chunks (one per Parquet row group or
/// CSV batch): the chunks' arrays and the row at which each starts.
struct RowAccess<'a, T: PolarsDataType> {
    arrays: Vec<&'a T::Array>,
    /// `starts[c]` is the first row of chunk `c`; one more entry holds the length.
    starts: Vec<usize>,
}

impl<'a, T: PolarsDataType> RowAccess<'a, T> {
    fn new(ca: &'a ChunkedArray<T>) -> Self {
        let arrays: Vec<&'a T::Array> = ca.downcast_iter().collect();
        let mut starts = Vec::with_capacity(arrays.len() + 1);
        starts.push(0);
        for len in ca.chunk_lengths() {
            starts.push(starts.last().copied().unwrap_or(0) + len);
        }
        RowAccess { arrays, starts }
    }

    /// The value of `row` (`None` = null); `row` must be below the column's length.
    #[inline]
    fn get(&self, row: usize) -> Option<T::Physical<'a>> {
        let chunk = if self.arrays.len() == 1 {
            0
        } else {
            self.starts.partition_point(|&s| s <= row) - 1
        };
        self.arrays[chunk].get(row - self.starts[chunk])
    }
}

/// The `telemetry` table grouped by application slot (slots follow the row order of
/// `applications`): its samples held compactly ([`CompactTelemetry`], 40 bytes a row, so the
/// table itself can be dropped), with the row numbers in slot order, 4 bytes a row. An
/// application's samples are built only when asked ([`samples_into`](Self::samples_into)), so
/// millions of samples are never materialised at once. Samples of unknown applications are
/// left out, as ingest's policy says (and counts).
pub(crate) struct TelemetryBySlot {
    samples: CompactTelemetry,
    /// Telemetry row numbers, grouped by slot, in file order within a slot.
    rows: Vec<u32>,
    /// `rows[offsets[slot]..offsets[slot + 1]]` belong to `slot` (the table has fewer than
    /// 2^32 rows).
    offsets: Vec<u32>,
}

/// Which telemetry rows belong to which application slot: the grouping of
/// [`TelemetryBySlot`] without the table, so that the table's `application_id` column can be
/// dropped once it is made (it is read for nothing else).
pub(crate) struct SlotOrder {
    /// Telemetry row numbers, grouped by slot, in file order within a slot.
    rows: Vec<u32>,
    /// `rows[offsets[slot]..offsets[slot + 1]]` belong to `slot` (the table has fewer than
    /// 2^32 rows).
    offsets: Vec<u32>,
}

impl SlotOrder {
    /// Groups the rows of telemetry table `df` (`None`: no telemetry) by the slot of their
    /// `application_id` among `slots` applications; rows of unknown applications are left out.
    pub(crate) fn new(
        df: Option<&DataFrame>,
        slot_of: &IdMap<'_>,
        slots: usize,
    ) -> PolarsResult<Self> {
        let Some(df) = df else {
            return Ok(SlotOrder {
                rows: Vec::new(),
                offsets: vec![0u32; slots + 1],
            });
        };
        if u32::try_from(df.height()).is_err() {
            polars_bail!(ComputeError: "the telemetry table has {} rows, more than 2^32", df.height());
        }
        // The slot of each row (`u32::MAX` = unknown application), piece by piece on every core.
        let apps = df.column("application_id")?.str()?;
        let per_chunk: Vec<Vec<u32>> = crate::scan::pieces(apps)
            .into_par_iter()
            .map(|piece| {
                piece
                    .iter()
                    .map(|a| a.and_then(|a| slot_of.get(a).copied()).unwrap_or(u32::MAX))
                    .collect()
            })
            .collect();
        Ok(Self::from_slots(
            || per_chunk.iter().flatten().copied(),
            slots,
        ))
    }

    /// The grouping of rows whose slots (`u32::MAX`: none) `slot_of_rows` lists in row order
    /// (it is called twice), among `slots` applications: a counting sort by slot, keeping row
    /// order within an application.
    pub(crate) fn from_slots<I: Iterator<Item = u32>>(
        slot_of_rows: impl Fn() -> I,
        slots: usize,
    ) -> Self {
        let mut offsets = vec![0u32; slots + 1];
        for s in slot_of_rows() {
            if s != u32::MAX {
                offsets[s as usize + 1] += 1;
            }
        }
        for i in 0..slots {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; offsets[slots] as usize];
        for (row, s) in slot_of_rows().enumerate() {
            if s != u32::MAX {
                rows[next[s as usize] as usize] = row as u32;
                next[s as usize] += 1;
            }
        }
        SlotOrder { rows, offsets }
    }
}

impl TelemetryBySlot {
    pub(crate) fn new(
        df: Option<&DataFrame>,
        slot_of: &IdMap<'_>,
        slots: usize,
    ) -> PolarsResult<Self> {
        let order = SlotOrder::new(df, slot_of, slots)?;
        Self::from_order(df, order)
    }

    /// The table `df` read in the grouping `order` made of it ([`SlotOrder::new`] on the same
    /// table, which may since have lost its `application_id` column). Nothing borrows `df`
    /// afterwards.
    pub(crate) fn from_order(df: Option<&DataFrame>, order: SlotOrder) -> PolarsResult<Self> {
        let samples = df
            .map(CompactTelemetry::from_frame)
            .transpose()?
            .unwrap_or_default();
        Ok(Self::from_parts(samples, order))
    }

    /// `samples` (the telemetry table's rows) in the grouping `order` made of the same rows.
    pub(crate) fn from_parts(samples: CompactTelemetry, order: SlotOrder) -> Self {
        let SlotOrder { rows, offsets } = order;
        TelemetryBySlot {
            samples,
            rows,
            offsets,
        }
    }

    /// Number of samples of `slot`.
    pub(crate) fn len_of(&self, slot: usize) -> usize {
        (self.offsets[slot + 1] - self.offsets[slot]) as usize
    }

    /// The rows of `slot`.
    fn rows_of(&self, slot: usize) -> &[u32] {
        &self.rows[self.offsets[slot] as usize..self.offsets[slot + 1] as usize]
    }

    /// Replaces the contents of `out` with the samples of `slot`, in file order.
    pub(crate) fn samples_into<'s>(&'s self, slot: usize, out: &mut Vec<TelemetrySample<'s>>) {
        out.clear();
        out.extend(
            self.rows_of(slot)
                .iter()
                .map(|&row| self.samples.sample(row as usize)),
        );
    }

    /// The samples of `slot`, in file order (allocates; see
    /// [`samples_into`](Self::samples_into)).
    pub(crate) fn samples_of(&self, slot: usize) -> Vec<TelemetrySample<'_>> {
        let mut out = Vec::with_capacity(self.len_of(slot));
        self.samples_into(slot, &mut out);
        out
    }
}

/// The `labels` table as `(slot, labeled_at, is_fraud)`; labels of unknown applications are
/// left out (ingest counts them).
pub(crate) fn labels_by_slot(
    df: Option<&DataFrame>,
    slot_of: &IdMap<'_>,
) -> PolarsResult<Vec<(u32, i64, bool)>> {
    let Some(df) = df else {
        return Ok(Vec::new());
    };
    let app = series(df, "application_id")?.str()?;
    let at = series(df, "labeled_at")?.datetime()?.physical();
    let fraud = series(df, "is_fraud")?.bool()?;
    Ok(app
        .iter()
        .zip(at.iter())
        .zip(fraud.iter())
        .filter_map(|((a, at), f)| Some((*slot_of.get(a?)?, at?, f?)))
        .collect())
}
