//! Profile family: what the professional-network profile's history says about its owner.
//!
//! [`profile_signals`] reads `submitted_at`, `profile_created_at`, `profile_prev_activity_at`,
//! `profile_recent_edits`, `profile_connections` and `years_experience` and returns
//! [`ProfileSignals`]:
//!
//! - **Age** of the profile at submission, and whether it is brand new (under 30 days).
//! - **Dormancy gap**: submission minus the last activity before the 30 days preceding
//!   submission. `profile_prev_activity_at` is null when the profile was active throughout
//!   (`docs/input-contract.md`), and then there is no gap.
//! - **Edits after dormancy**: the edits of the last 30 days when the profile had been dormant
//!   before them. Hijacked dormant accounts are typically revived and reworked just before use;
//!   people who revive an old profile to look for a job do the same, so this is one signal
//!   among many.
//! - **Connections per claimed year of experience**: a senior claim with a thin network.
//!
//! Timestamps are microseconds since the Unix epoch (UTC). Ingest already nulls profile
//! timestamps after `submitted_at` and negative counts (`ingest/policy.rs`); this function reads
//! such values the same way (as missing), so the single-application path, which may not pass
//! through ingest, agrees with the batch path. Claimed experience that is NaN, infinite, negative
//! or above 70 years is missing too, as in ingest.

/// A profile younger than this at submission is brand new.
pub const NEW_PROFILE_DAYS: f32 = 30.0;

/// Claimed experience above this many years counts as missing (ingest's policy).
const MAX_YEARS_EXPERIENCE: f32 = 70.0;

const MICROS_PER_DAY: f64 = appfraud_core::primitives::MICROS_PER_DAY as f64;

/// The profile family's signals for one application.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProfileSignals {
    /// Days from `profile_created_at` to submission (fractional, ≥ 0). `None` without a
    /// creation time (or with one after submission).
    pub profile_age_days: Option<f32>,
    /// The profile was created less than [`NEW_PROFILE_DAYS`] days before submission. `None`
    /// without a creation time.
    pub new_profile: Option<bool>,
    /// Days from `profile_prev_activity_at` to submission (fractional; by the column's
    /// definition at least 30 when present). `None` when that column is null (active
    /// throughout, or no profile) or after submission.
    pub dormancy_gap_days: Option<f32>,
    /// Profile edits in the 30 days before submission if the profile was dormant before them
    /// ([`dormancy_gap_days`](Self::dormancy_gap_days) is `Some`), and `0` if it was not (no
    /// dormancy, so no burst after one). `None` when `profile_recent_edits` is null or negative.
    pub edits_after_dormancy: Option<u32>,
    /// `profile_connections / max(years_experience, 1)`, in connections per year: a claimed
    /// year count below one is taken as one, so new entrants are not divided by (almost) zero.
    /// `None` when either input is missing or out of range.
    pub connections_per_experience_year: Option<f32>,
}

/// Profile signals of one application. Never fails and never panics.
pub fn profile_signals(
    submitted_at_micros: i64,
    profile_created_at: Option<i64>,
    profile_prev_activity_at: Option<i64>,
    profile_recent_edits: Option<i32>,
    profile_connections: Option<i32>,
    years_experience: Option<f32>,
) -> ProfileSignals {
    let days_before = |at: Option<i64>| {
        let delta = i128::from(submitted_at_micros) - i128::from(at?);
        (delta >= 0).then(|| (delta as f64 / MICROS_PER_DAY) as f32)
    };
    let profile_age_days = days_before(profile_created_at);
    let dormancy_gap_days = days_before(profile_prev_activity_at);
    let edits = profile_recent_edits.and_then(|e| u32::try_from(e).ok());
    let edits_after_dormancy = edits.map(|e| if dormancy_gap_days.is_some() { e } else { 0 });
    let experience = years_experience.filter(|y| (0.0..=MAX_YEARS_EXPERIENCE).contains(y));
    let connections = profile_connections.filter(|c| *c >= 0);
    let connections_per_experience_year = match (connections, experience) {
        (Some(c), Some(y)) => Some(c as f32 / y.max(1.0)),
        _ => None,
    };
    ProfileSignals {
        profile_age_days,
        new_profile: profile_age_days.map(|d| d < NEW_PROFILE_DAYS),
        dormancy_gap_days,
        edits_after_dormancy,
        connections_per_experience_year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-06-15T12:00:00Z in microseconds (`date -u -d 2025-06-15T12:00:00Z +%s` = 1749988800).
    const SUBMITTED: i64 = 1_749_988_800_000_000;
    const DAY: i64 = appfraud_core::primitives::MICROS_PER_DAY;

    #[test]
    fn dormancy_gap_of_exactly_a_year() {
        // Last activity 365 × 86,400 s before submission; 4 edits since, a decade-old profile.
        let s = profile_signals(
            SUBMITTED,
            Some(SUBMITTED - 3650 * DAY),
            Some(SUBMITTED - 365 * DAY),
            Some(4),
            Some(250),
            Some(5.0),
        );
        assert_eq!(s.dormancy_gap_days, Some(365.0));
        assert_eq!(s.edits_after_dormancy, Some(4));
        assert_eq!(s.profile_age_days, Some(3650.0));
        assert_eq!(s.new_profile, Some(false));
        // 250 connections over 5 claimed years = 50 per year.
        assert_eq!(s.connections_per_experience_year, Some(50.0));
    }

    #[test]
    fn new_profile_three_days_old_active_throughout() {
        // Created 3 days and 12 hours before submission: 3.5 days, brand new. No previous
        // activity (active throughout), so 7 recent edits are no burst after dormancy: 0.
        let s = profile_signals(
            SUBMITTED,
            Some(SUBMITTED - 3 * DAY - DAY / 2),
            None,
            Some(7),
            Some(12),
            Some(0.5),
        );
        assert_eq!(s.profile_age_days, Some(3.5));
        assert_eq!(s.new_profile, Some(true));
        assert_eq!(s.dormancy_gap_days, None);
        assert_eq!(s.edits_after_dormancy, Some(0));
        // 0.5 claimed years counts as 1: 12 connections per year.
        assert_eq!(s.connections_per_experience_year, Some(12.0));
        // The boundary: exactly 30 days old is not new.
        let s = profile_signals(
            SUBMITTED,
            Some(SUBMITTED - 30 * DAY),
            None,
            None,
            None,
            None,
        );
        assert_eq!(s.new_profile, Some(false));
    }

    #[test]
    fn nulls_negatives_and_future_timestamps_are_missing() {
        let s = profile_signals(SUBMITTED, None, None, None, None, None);
        assert_eq!(s.profile_age_days, None);
        assert_eq!(s.new_profile, None);
        assert_eq!(s.dormancy_gap_days, None);
        assert_eq!(s.edits_after_dormancy, None);
        assert_eq!(s.connections_per_experience_year, None);
        // Timestamps after submission (ingest nulls them) read as missing, not negative ages.
        let s = profile_signals(
            SUBMITTED,
            Some(SUBMITTED + DAY),
            Some(SUBMITTED + 1),
            Some(-1),
            Some(-5),
            Some(f32::NAN),
        );
        assert_eq!(s.profile_age_days, None);
        assert_eq!(s.dormancy_gap_days, None);
        assert_eq!(s.edits_after_dormancy, None);
        assert_eq!(s.connections_per_experience_year, None);
        // Extreme instants do not overflow.
        let s = profile_signals(
            i64::MAX,
            Some(i64::MIN),
            Some(i64::MIN),
            Some(1),
            Some(1),
            None,
        );
        assert!(s.profile_age_days.is_some_and(f32::is_finite));
        assert_eq!(s.edits_after_dormancy, Some(1));
        // Experience out of range (> 70 years) is missing.
        let s = profile_signals(SUBMITTED, None, None, None, Some(10), Some(71.0));
        assert_eq!(s.connections_per_experience_year, None);
    }
}
