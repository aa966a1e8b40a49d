//! Time family: whether the clocks of the applicant's browser and sessions fit where they say
//! they live, and at what claimed-local hour they worked.
//!
//! [`time_signals`] reads the application's `submitted_at`, `browser_tz_offset_min`,
//! `claimed_country` and `claimed_region`, and the `telemetry` rows of the same application
//! (borrowed as [`TelemetrySample`]s; only `event_at` and `tz_offset_min` are read), and returns
//! [`TimeSignals`]. The batch path calls it once per application with that application's
//! telemetry group; the single-application path calls it the same way.
//!
//! ## Definitions
//!
//! - **Possible offsets** at an instant: the distinct UTC offsets (minutes east of UTC, UTC-5 is
//!   −300) of the zones of the claimed country and region at that instant, daylight-saving time
//!   included ([`ClaimedZones::resolve`], [`ClaimedZones::offsets_at`]). A recognised region
//!   gives the region's zones; a missing or unrecognised region, or a country without a region
//!   table, all zones of the country. An unknown country has none, and then every signal that
//!   needs them is `None`.
//! - **Valid offset**: an observed offset (`browser_tz_offset_min`, `tz_offset_min`) within
//!   −720 ..= 840 (UTC−12 to UTC+14, the offsets in use). Anything outside counts as missing.
//! - **Distance** of an observed offset: |observed − nearest possible offset| in minutes
//!   ([`offset_distance_min`]); 0 when the observed offset is possible.
//! - **Claimed-local offset** at an instant: the possible offset nearest to the observed one
//!   (the smaller one on a tie, [`Offsets::nearest`]); without a valid observed offset, the
//!   smallest (westernmost) possible offset. So the local hour is defined, and deterministic,
//!   whenever the country is known, and for a one-offset claim it is simply that offset. For the
//!   submission the observed offset is `browser_tz_offset_min`; for a telemetry sample it is the
//!   sample's own `tz_offset_min`.
//! - **Local hour**: the hour of day (0..=23) at the instant on a clock at the claimed-local
//!   offset ([`local_hour`]). **Night** is local hours 0 to 5, i.e. 00:00:00 ≤ local time <
//!   06:00:00.
//! - **Shares** are `part / whole` over the samples named in each field's documentation, in
//!   `0..=1`, and `None` when `whole` is 0.
//!
//! ## Cost
//!
//! One region lookup per call, and one tz-database lookup per claimed zone for the submission
//! and for each sample; no allocation. Never panics on input, including instants chrono cannot
//! represent (their possible offsets are empty, so they count as unknown).

use crate::reference::time_zones::{
    ClaimedZones, OffsetBasis, Offsets, local_hour, offset_distance_min,
};
use crate::signals::remote_control::TelemetrySample;

/// Smallest valid UTC offset in minutes (UTC−12).
pub const MIN_VALID_OFFSET_MIN: i32 = -720;
/// Largest valid UTC offset in minutes (UTC+14).
pub const MAX_VALID_OFFSET_MIN: i32 = 840;
/// Local hours below this one (0 ..= 5, i.e. 00:00:00 ≤ local time < 06:00:00) are night.
pub const NIGHT_END_HOUR: u8 = 6;

/// Time signals of one application. See the module docs for the definitions.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimeSignals {
    /// The claimed country has zones in the tz database (any case, `UK` = `GB`); when `false`
    /// every other field is `None` or 0.
    pub claimed_zone_known: bool,
    /// Which zones the claim resolved to: the region's, the whole country's (no region, unknown
    /// region, country without regions) or none ([`OffsetBasis`]).
    pub claimed_zone_basis: OffsetBasis,
    /// Number of distinct possible offsets at submission (0 when the country is unknown); above
    /// 1 the claimed-local hour is a choice among several.
    pub submission_possible_offsets: u8,
    /// Distance (minutes) of a valid `browser_tz_offset_min` from the offsets possible at
    /// submission; `None` when the browser offset is missing or invalid or the country unknown.
    pub browser_offset_distance_min: Option<u32>,
    /// [`browser_offset_distance_min`](Self::browser_offset_distance_min) is above 0: the
    /// browser's offset is impossible at the claimed place and date.
    pub browser_offset_mismatch: Option<bool>,
    /// Hour of submission (0..=23) in claimed-local time, the local offset chosen with the
    /// browser offset (module docs); `None` when the country is unknown.
    pub submission_local_hour: Option<u8>,
    /// [`submission_local_hour`](Self::submission_local_hour) is in 0..6 (night).
    pub submission_local_night: Option<bool>,
    /// Share of the samples with a valid `tz_offset_min` and a known country whose offset is not
    /// among the offsets possible at the sample's `event_at`.
    pub tel_offset_mismatch_share: Option<f32>,
    /// Largest distance (minutes) over the same samples; `None` without one.
    pub tel_offset_max_distance_min: Option<u32>,
    /// Share of the samples (all of them, when the country is known) whose `event_at` falls in
    /// the claimed-local night, the local offset chosen per sample with the sample's own
    /// `tz_offset_min`; `None` without samples or with an unknown country.
    pub tel_local_night_share: Option<f32>,
}

/// Computes [`TimeSignals`] for one application.
///
/// `submitted_at_micros` and the samples' `event_at_micros` are microseconds since the Unix
/// epoch (UTC); offsets are minutes east of UTC. `claimed_country` is ISO 3166-1 alpha-2 in any
/// case, `claimed_region` the region as typed. Never fails and never panics; see the module docs
/// for the definitions.
pub fn time_signals(
    submitted_at_micros: i64,
    browser_tz_offset_min: Option<i32>,
    claimed_country: &str,
    claimed_region: Option<&str>,
    telemetry: &[TelemetrySample<'_>],
) -> TimeSignals {
    let zones = ClaimedZones::resolve(claimed_country, claimed_region);
    let browser = valid_offset(browser_tz_offset_min);

    let at_submission = zones.offsets_at(submitted_at_micros);
    let browser_offset_distance_min = browser.and_then(|b| distance(b, &at_submission));
    let submission_local_hour =
        local_offset(&at_submission, browser).map(|offset| local_hour(submitted_at_micros, offset));

    let (mut checked, mut mismatched) = (0usize, 0usize);
    let mut max_distance: Option<u32> = None;
    let (mut placed, mut night) = (0usize, 0usize);
    for sample in telemetry {
        let offsets = zones.offsets_at(sample.event_at_micros);
        let observed = valid_offset(sample.tz_offset_min);
        if let Some(d) = observed.and_then(|o| distance(o, &offsets)) {
            checked += 1;
            mismatched += usize::from(d > 0);
            max_distance = Some(max_distance.map_or(d, |m| m.max(d)));
        }
        if let Some(offset) = local_offset(&offsets, observed) {
            placed += 1;
            night += usize::from(is_night(local_hour(sample.event_at_micros, offset)));
        }
    }

    TimeSignals {
        claimed_zone_known: zones.basis() != OffsetBasis::UnknownCountry,
        claimed_zone_basis: zones.basis(),
        submission_possible_offsets: u8::try_from(at_submission.len()).unwrap_or(u8::MAX),
        browser_offset_distance_min,
        browser_offset_mismatch: browser_offset_distance_min.map(|d| d > 0),
        submission_local_hour,
        submission_local_night: submission_local_hour.map(is_night),
        tel_offset_mismatch_share: ratio(mismatched, checked),
        tel_offset_max_distance_min: max_distance,
        tel_local_night_share: ratio(night, placed),
    }
}

/// `offset` if it is within [`MIN_VALID_OFFSET_MIN`] ..= [`MAX_VALID_OFFSET_MIN`].
fn valid_offset(offset: Option<i32>) -> Option<i32> {
    offset.filter(|o| (MIN_VALID_OFFSET_MIN..=MAX_VALID_OFFSET_MIN).contains(o))
}

/// Distance of `observed` from the possible offsets; `None` when there is none.
fn distance(observed: i32, offsets: &Offsets) -> Option<u32> {
    offset_distance_min(observed, offsets).and_then(|d| u32::try_from(d).ok())
}

/// The claimed-local offset (module docs): nearest to `observed`, or the smallest possible.
fn local_offset(offsets: &Offsets, observed: Option<i32>) -> Option<i32> {
    match observed {
        Some(o) => offsets.nearest(o),
        None => offsets.as_slice().first().copied(),
    }
}

fn is_night(hour: u8) -> bool {
    hour < NIGHT_END_HOUR
}

/// `part / whole` as `f32`, `None` when `whole` is 0. The quotient is taken in `f64` (exact
/// for any count below 2^53) and rounded once to `f32`.
fn ratio(part: usize, whole: usize) -> Option<f32> {
    (whole > 0).then(|| (part as f64 / whole as f64) as f32)
}

#[cfg(test)]
mod tests;
