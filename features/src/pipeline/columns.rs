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

/// The `telemetry` table as samples grouped by application slot (slots follow the row order
/// of `applications`). Samples of unknown applications are left out, as ingest's policy
/// says (and counts).
pub(crate) struct TelemetryBySlot<'a> {
    samples: Vec<TelemetrySample<'a>>,
    /// `samples[offsets[slot]..offsets[slot + 1]]` belong to `slot`.
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
                samples: Vec::new(),
                offsets: vec![0; slots + 1],
            });
        };
        // Millions of rows: the columns are read out on every core.
        let (mut app, mut session, mut event_at, mut ip) = (None, None, None, None);
        let (mut device, mut tz, mut lag, mut typing) = (None, None, None, None);
        let (mut tool, mut vm, mut screen) = (None, None, None);
        rayon::scope(|s| {
            s.spawn(|_| app = Some(required(df, "application_id")));
            s.spawn(|_| session = Some(required(df, "session_id")));
            s.spawn(|_| event_at = Some(micros(df, "event_at")));
            s.spawn(|_| ip = Some(strs(df, "ip")));
            s.spawn(|_| device = Some(strs(df, "device_id")));
            s.spawn(|_| tz = Some(i32s(df, "tz_offset_min")));
            s.spawn(|_| lag = Some(f32s(df, "input_lag_ms")));
            s.spawn(|_| typing = Some(f32s(df, "typing_interval_ms")));
            s.spawn(|_| tool = Some(strs(df, "remote_tool")));
            s.spawn(|_| {
                vm = Some(
                    df.column("is_virtual_machine")
                        .and_then(|c| Ok(c.bool()?.iter().collect::<Vec<Option<bool>>>())),
                )
            });
            s.spawn(|_| screen = Some(strs(df, "screen")));
        });
        let done = |what: &str| PolarsError::ComputeError(format!("{what} was not read").into());
        let app = app.ok_or_else(|| done("application_id"))??;
        let session = session.ok_or_else(|| done("session_id"))??;
        let event_at = event_at.ok_or_else(|| done("event_at"))??;
        let ip = ip.ok_or_else(|| done("ip"))??;
        let device = device.ok_or_else(|| done("device_id"))??;
        let tz = tz.ok_or_else(|| done("tz_offset_min"))??;
        let lag = lag.ok_or_else(|| done("input_lag_ms"))??;
        let typing = typing.ok_or_else(|| done("typing_interval_ms"))??;
        let tool = tool.ok_or_else(|| done("remote_tool"))??;
        let vm = vm.ok_or_else(|| done("is_virtual_machine"))??;
        let screen = screen.ok_or_else(|| done("screen"))??;

        // Counting sort by slot, keeping file order within an application.
        let row_slot: Vec<Option<u32>> = app.par_iter().map(|a| slot_of.get(a).copied()).collect();
        let mut offsets = vec![0usize; slots + 1];
        for s in row_slot.iter().flatten() {
            offsets[*s as usize + 1] += 1;
        }
        for i in 0..slots {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut samples = vec![TelemetrySample::default(); offsets[slots]];
        for (row, slot) in row_slot.iter().enumerate() {
            let Some(slot) = slot else { continue };
            samples[next[*slot as usize]] = TelemetrySample {
                session_id: session[row],
                event_at_micros: event_at[row].unwrap_or_default(),
                ip: ip[row],
                device_id: device[row],
                tz_offset_min: tz[row],
                input_lag_ms: lag[row],
                typing_interval_ms: typing[row],
                remote_tool: tool[row],
                is_virtual_machine: vm[row],
                screen: screen[row],
            };
            next[*slot as usize] += 1;
        }
        Ok(TelemetryBySlot { samples, offsets })
    }

    pub(crate) fn of(&self, slot: usize) -> &[TelemetrySample<'a>] {
        &self.samples[self.offsets[slot]..self.offsets[slot + 1]]
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
