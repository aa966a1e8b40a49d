//! The validated frames of a data directory as typed column vectors, read row by row into
//! [`Application`]s and [`TelemetrySample`]s. Ingest has already checked names, types and
//! nullability, so a failure here is an internal error, not bad input.

use std::collections::HashMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::record::Application;
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

fn strs<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<Vec<Option<&'a str>>> {
    Ok(df.column(name)?.str()?.iter().collect())
}

fn required<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<Vec<&'a str>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(Option::unwrap_or_default)
        .collect())
}

fn micros(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    let physical = df.column(name)?.to_physical_repr();
    Ok(physical.i64()?.iter().collect())
}

fn i32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i32>>> {
    Ok(df.column(name)?.i32()?.iter().collect())
}

fn f32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f32>>> {
    Ok(df.column(name)?.f32()?.iter().collect())
}

/// The `applications` table as columns.
pub(crate) struct ApplicationColumns<'a> {
    application_id: Vec<&'a str>,
    submitted_at: Vec<Option<i64>>,
    job_id: Vec<&'a str>,
    full_name: Vec<&'a str>,
    email: Vec<&'a str>,
    phone: Vec<Option<&'a str>>,
    claimed_country: Vec<&'a str>,
    claimed_region: Vec<Option<&'a str>>,
    claimed_city: Vec<Option<&'a str>>,
    shipping_address: Vec<Option<&'a str>>,
    ip: Vec<Option<&'a str>>,
    device_id: Vec<Option<&'a str>>,
    user_agent: Vec<Option<&'a str>>,
    browser_tz_offset_min: Vec<Option<i32>>,
    profile_url: Vec<Option<&'a str>>,
    profile_created_at: Vec<Option<i64>>,
    profile_prev_activity_at: Vec<Option<i64>>,
    profile_recent_edits: Vec<Option<i32>>,
    profile_connections: Vec<Option<i32>>,
    institution: Vec<Option<&'a str>>,
    degree: Vec<Option<&'a str>>,
    major: Vec<Option<&'a str>>,
    graduation_year: Vec<Option<i32>>,
    years_experience: Vec<Option<f32>>,
    resume_text: Vec<Option<&'a str>>,
}

impl<'a> ApplicationColumns<'a> {
    pub(crate) fn new(df: &'a DataFrame) -> PolarsResult<Self> {
        Ok(ApplicationColumns {
            application_id: required(df, "application_id")?,
            submitted_at: micros(df, "submitted_at")?,
            job_id: required(df, "job_id")?,
            full_name: required(df, "full_name")?,
            email: required(df, "email")?,
            phone: strs(df, "phone")?,
            claimed_country: required(df, "claimed_country")?,
            claimed_region: strs(df, "claimed_region")?,
            claimed_city: strs(df, "claimed_city")?,
            shipping_address: strs(df, "shipping_address")?,
            ip: strs(df, "ip")?,
            device_id: strs(df, "device_id")?,
            user_agent: strs(df, "user_agent")?,
            browser_tz_offset_min: i32s(df, "browser_tz_offset_min")?,
            profile_url: strs(df, "profile_url")?,
            profile_created_at: micros(df, "profile_created_at")?,
            profile_prev_activity_at: micros(df, "profile_prev_activity_at")?,
            profile_recent_edits: i32s(df, "profile_recent_edits")?,
            profile_connections: i32s(df, "profile_connections")?,
            institution: strs(df, "institution")?,
            degree: strs(df, "degree")?,
            major: strs(df, "major")?,
            graduation_year: i32s(df, "graduation_year")?,
            years_experience: f32s(df, "years_experience")?,
            resume_text: strs(df, "resume_text")?,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.application_id.len()
    }

    pub(crate) fn ids(&self) -> &[&'a str] {
        &self.application_id
    }

    pub(crate) fn row(&self, i: usize) -> Application<'a> {
        Application {
            application_id: self.application_id[i],
            submitted_at: self.submitted_at[i].unwrap_or_default(),
            job_id: self.job_id[i],
            full_name: self.full_name[i],
            email: self.email[i],
            phone: self.phone[i],
            claimed_country: self.claimed_country[i],
            claimed_region: self.claimed_region[i],
            claimed_city: self.claimed_city[i],
            shipping_address: self.shipping_address[i],
            ip: self.ip[i],
            device_id: self.device_id[i],
            user_agent: self.user_agent[i],
            browser_tz_offset_min: self.browser_tz_offset_min[i],
            profile_url: self.profile_url[i],
            profile_created_at: self.profile_created_at[i],
            profile_prev_activity_at: self.profile_prev_activity_at[i],
            profile_recent_edits: self.profile_recent_edits[i],
            profile_connections: self.profile_connections[i],
            institution: self.institution[i],
            degree: self.degree[i],
            major: self.major[i],
            graduation_year: self.graduation_year[i],
            years_experience: self.years_experience[i],
            resume_text: self.resume_text[i],
        }
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

/// The columns of the `telemetry` table that samples are read from.
struct TelemetryColumns<'a> {
    session: RowAccess<'a, StringType>,
    event_at: RowAccess<'a, Int64Type>,
    ip: RowAccess<'a, StringType>,
    device: RowAccess<'a, StringType>,
    tz: RowAccess<'a, Int32Type>,
    lag: RowAccess<'a, Float32Type>,
    typing: RowAccess<'a, Float32Type>,
    tool: RowAccess<'a, StringType>,
    vm: RowAccess<'a, BooleanType>,
    screen: RowAccess<'a, StringType>,
}

impl<'a> TelemetryColumns<'a> {
    fn new(df: &'a DataFrame) -> PolarsResult<Self> {
        let column = |name: &str| df.column(name).map(Column::as_materialized_series);
        Ok(TelemetryColumns {
            session: RowAccess::new(column("session_id")?.str()?),
            event_at: RowAccess::new(column("event_at")?.datetime()?.physical()),
            ip: RowAccess::new(column("ip")?.str()?),
            device: RowAccess::new(column("device_id")?.str()?),
            tz: RowAccess::new(column("tz_offset_min")?.i32()?),
            lag: RowAccess::new(column("input_lag_ms")?.f32()?),
            typing: RowAccess::new(column("typing_interval_ms")?.f32()?),
            tool: RowAccess::new(column("remote_tool")?.str()?),
            vm: RowAccess::new(column("is_virtual_machine")?.bool()?),
            screen: RowAccess::new(column("screen")?.str()?),
        })
    }

    fn sample(&self, row: usize) -> TelemetrySample<'a> {
        TelemetrySample {
            session_id: self.session.get(row).unwrap_or_default(),
            event_at_micros: self.event_at.get(row).unwrap_or_default(),
            ip: self.ip.get(row),
            device_id: self.device.get(row),
            tz_offset_min: self.tz.get(row),
            input_lag_ms: self.lag.get(row),
            typing_interval_ms: self.typing.get(row),
            remote_tool: self.tool.get(row),
            is_virtual_machine: self.vm.get(row),
            screen: self.screen.get(row),
        }
    }
}

/// The `telemetry` table grouped by application slot (slots follow the row order of
/// `applications`), read lazily: it holds the table's row numbers in slot order, 4 bytes per
/// row, and builds an application's samples from the table only when asked
/// ([`samples_into`](Self::samples_into)), so millions of samples are never materialised at
/// once. Samples of unknown applications are left out, as ingest's policy says (and counts).
pub(crate) struct TelemetryBySlot<'a> {
    columns: Option<TelemetryColumns<'a>>,
    /// Telemetry row numbers, grouped by slot, in file order within a slot.
    rows: Vec<u32>,
    /// `rows[offsets[slot]..offsets[slot + 1]]` belong to `slot`.
    offsets: Vec<usize>,
}

impl<'a> TelemetryBySlot<'a> {
    pub(crate) fn new(
        df: Option<&'a DataFrame>,
        slot_of: &IdMap<'_>,
        slots: usize,
    ) -> PolarsResult<Self> {
        let Some(df) = df else {
            return Ok(TelemetryBySlot {
                columns: None,
                rows: Vec::new(),
                offsets: vec![0; slots + 1],
            });
        };
        if u32::try_from(df.height()).is_err() {
            polars_bail!(ComputeError: "the telemetry table has {} rows, more than 2^32", df.height());
        }
        let columns = TelemetryColumns::new(df)?;
        // The slot of each row (`u32::MAX` = unknown application), chunk by chunk on every core.
        let apps = df.column("application_id")?.str()?;
        let per_chunk: Vec<Vec<u32>> = apps
            .downcast_iter()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|arr| {
                arr.iter()
                    .map(|a| a.and_then(|a| slot_of.get(a).copied()).unwrap_or(u32::MAX))
                    .collect()
            })
            .collect();
        // Counting sort by slot, keeping file order within an application.
        let mut offsets = vec![0usize; slots + 1];
        for &s in per_chunk.iter().flatten() {
            if s != u32::MAX {
                offsets[s as usize + 1] += 1;
            }
        }
        for i in 0..slots {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; offsets[slots]];
        for (row, &s) in per_chunk.iter().flatten().enumerate() {
            if s != u32::MAX {
                rows[next[s as usize]] = row as u32;
                next[s as usize] += 1;
            }
        }
        Ok(TelemetryBySlot {
            columns: Some(columns),
            rows,
            offsets,
        })
    }

    /// Number of samples of `slot`.
    pub(crate) fn len_of(&self, slot: usize) -> usize {
        self.offsets[slot + 1] - self.offsets[slot]
    }

    /// Replaces the contents of `out` with the samples of `slot`, in file order.
    pub(crate) fn samples_into(&self, slot: usize, out: &mut Vec<TelemetrySample<'a>>) {
        out.clear();
        if let Some(columns) = &self.columns {
            let rows = &self.rows[self.offsets[slot]..self.offsets[slot + 1]];
            out.extend(rows.iter().map(|&row| columns.sample(row as usize)));
        }
    }

    /// The samples of `slot`, in file order (allocates; see
    /// [`samples_into`](Self::samples_into)).
    pub(crate) fn samples_of(&self, slot: usize) -> Vec<TelemetrySample<'a>> {
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
    let app = required(df, "application_id")?;
    let at = micros(df, "labeled_at")?;
    let fraud: Vec<Option<bool>> = df.column("is_fraud")?.bool()?.iter().collect();
    Ok(app
        .iter()
        .zip(at)
        .zip(fraud)
        .filter_map(|((a, at), f)| Some((*slot_of.get(a)?, at?, f?)))
        .collect())
}
