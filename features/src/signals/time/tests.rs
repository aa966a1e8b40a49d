//! Unit tests of the time family. Every expected offset is worked out by hand from the civil-time
//! rules in force at the instant (tz database `northamerica`, `europe`, `australasia` and `asia`
//! files; the rules are quoted where used). Offsets, distances and hours are exact integers;
//! shares are small fractions compared exactly with the `f32` nearest to them (the function's
//! `f64` quotient rounded to `f32` is that value, as is an `f32` literal such as `1.0 / 3.0`).

use chrono::DateTime;

use super::*;

/// Microseconds since the epoch of an RFC 3339 instant.
fn at(rfc3339: &str) -> i64 {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t.timestamp_micros(),
        Err(e) => panic!("{rfc3339}: {e}"),
    }
}

fn submit(instant: &str, browser: Option<i32>, country: &str, region: Option<&str>) -> TimeSignals {
    time_signals(at(instant), browser, country, region, &[])
}

fn sample(instant: &str, tz: Option<i32>) -> TelemetrySample<'static> {
    TelemetrySample {
        session_id: "s",
        event_at_micros: at(instant),
        tz_offset_min: tz,
        ..TelemetrySample::default()
    }
}

#[test]
fn new_york_spring_forward_at_0700_utc() {
    // US DST starts on the second Sunday of March at 02:00 local standard time: 2024-03-10
    // 02:00 EST (UTC−5) = 07:00 UTC. New York ("NY" is one zone, America/New_York) is −300
    // before that instant and −240 from it.
    //
    // 06:59:59Z, browser −300: possible {−300}, distance 0. Local 06:59:59 − 5 h = 01:59:59,
    // hour 1, night.
    let before = submit("2024-03-10T06:59:59Z", Some(-300), "US", Some("NY"));
    assert!(before.claimed_zone_known);
    assert_eq!(before.claimed_zone_basis, OffsetBasis::Region);
    assert_eq!(before.submission_possible_offsets, 1);
    assert_eq!(before.browser_offset_distance_min, Some(0));
    assert_eq!(before.browser_offset_mismatch, Some(false));
    assert_eq!(before.submission_local_hour, Some(1));
    assert_eq!(before.submission_local_night, Some(true));
    // 07:00:00Z, browser still −300 (the laptop has not switched): possible {−240}, distance
    // |−300 − (−240)| = 60. Local time is taken at the only possible offset, −240: 07:00 − 4 h
    // = 03:00, hour 3.
    let after = submit("2024-03-10T07:00:00Z", Some(-300), "US", Some("NY"));
    assert_eq!(after.browser_offset_distance_min, Some(60));
    assert_eq!(after.browser_offset_mismatch, Some(true));
    assert_eq!(after.submission_local_hour, Some(3));
    assert_eq!(after.submission_local_night, Some(true));
    // Browser −240 at the same instant: distance 0.
    let switched = submit("2024-03-10T07:00:00Z", Some(-240), "US", Some("New York"));
    assert_eq!(switched.browser_offset_distance_min, Some(0));
    assert_eq!(switched.browser_offset_mismatch, Some(false));
    // Back to EST on 2024-11-03 at 02:00 EDT = 06:00Z: browser −240 one second earlier is
    // right, from 06:00Z it is 60 minutes off.
    let fall = |instant| submit(instant, Some(-240), "US", Some("NY"));
    assert_eq!(
        fall("2024-11-03T05:59:59Z").browser_offset_distance_min,
        Some(0)
    );
    assert_eq!(
        fall("2024-11-03T06:00:00Z").browser_offset_distance_min,
        Some(60)
    );
}

#[test]
fn great_britain_spring_forward_at_0100_utc() {
    // EU rule: summer time starts on the last Sunday of March at 01:00 UTC; 2024-03-31. London
    // is GMT (0) before and BST (+60) from that instant. "UK" reads as GB.
    //
    // 00:59:59Z, browser 0: possible {0}, distance 0; local 00:59:59, hour 0, night.
    let before = submit("2024-03-31T00:59:59Z", Some(0), "UK", None);
    assert!(before.claimed_zone_known);
    assert_eq!(
        before.claimed_zone_basis,
        OffsetBasis::CountryWithoutRegions
    );
    assert_eq!(before.browser_offset_distance_min, Some(0));
    assert_eq!(before.submission_local_hour, Some(0));
    assert_eq!(before.submission_local_night, Some(true));
    // 01:00:00Z, browser 0: possible {+60}, distance 60; local 01:00 + 1 h = 02:00, hour 2.
    let after = submit("2024-03-31T01:00:00Z", Some(0), "gb", Some("London"));
    assert_eq!(after.browser_offset_distance_min, Some(60));
    assert_eq!(after.browser_offset_mismatch, Some(true));
    assert_eq!(after.submission_local_hour, Some(2));
    // Browser +60 at 01:00:00Z: distance 0.
    let right = submit("2024-03-31T01:00:00Z", Some(60), "GB", None);
    assert_eq!(right.browser_offset_distance_min, Some(0));
}

#[test]
fn new_south_wales_april_dst_end_in_three_steps() {
    // New South Wales covers three zones; DST ends on the first Sunday of April, 2024-04-07:
    // - Lord Howe (+660 → +630): "Rule LH 2008 max - Apr Sun>=1 2:00 0" (wall clock), 02:00
    //   at +11 = 2024-04-06T15:00Z.
    // - Sydney (+660 → +600): "Rule AN 2008 max - Apr Sun>=1 2:00s 0", 02:00 standard (+10) =
    //   2024-04-06T16:00Z.
    // - Broken Hill (+630 → +570, South Australian rules): "Rule AS 2008 max - Apr Sun>=1
    //   2:00s 0", 02:00 standard (+9:30) = 2024-04-06T16:30Z.
    // Possible offsets:
    //   before 15:00Z     {660 Sydney, 630 Broken Hill, 660 Lord Howe} = {630, 660}
    //   15:00Z – 16:00Z   {660, 630, 630}                              = {630, 660}
    //   16:00Z – 16:30Z   {600, 630, 630}                              = {600, 630}
    //   from 16:30Z       {600, 570, 630}                              = {570, 600, 630}
    // A browser still at +660 (Sydney summer time):
    let nsw = |instant| submit(instant, Some(660), "AU", Some("NSW"));
    let s = nsw("2024-04-06T15:59:59Z");
    assert_eq!(s.submission_possible_offsets, 2);
    assert_eq!(s.browser_offset_distance_min, Some(0));
    // 15:59:59Z + 11 h = 02:59:59 on the 7th: hour 2.
    assert_eq!(s.submission_local_hour, Some(2));
    // From 16:00Z the nearest possible offset to 660 is Lord Howe's 630: distance 30, not the
    // 60 a Sydney-only claim would give. Local: 16:00 + 10:30 = 02:30, hour 2.
    let s = nsw("2024-04-06T16:00:00Z");
    assert_eq!(s.submission_possible_offsets, 2);
    assert_eq!(s.browser_offset_distance_min, Some(30));
    assert_eq!(s.browser_offset_mismatch, Some(true));
    assert_eq!(s.submission_local_hour, Some(2));
    let s = nsw("2024-04-06T16:30:00Z");
    assert_eq!(s.submission_possible_offsets, 3);
    assert_eq!(s.browser_offset_distance_min, Some(30));
    // A browser at +600 (Sydney standard time) fits from 16:00Z on, not before: the nearest
    // before is 630, distance 30.
    let sydney = |instant| submit(instant, Some(600), "AU", Some("New South Wales"));
    assert_eq!(
        sydney("2024-04-06T15:59:59Z").browser_offset_distance_min,
        Some(30)
    );
    assert_eq!(
        sydney("2024-04-06T16:00:00Z").browser_offset_distance_min,
        Some(0)
    );
    // Queensland (+600, no DST) at the same instants: always 0 for +600, 60 for +660.
    let qld = |instant, b| submit(instant, Some(b), "AU", Some("QLD"));
    assert_eq!(
        qld("2024-04-06T15:59:59Z", 600).browser_offset_distance_min,
        Some(0)
    );
    assert_eq!(
        qld("2024-04-06T15:59:59Z", 660).browser_offset_distance_min,
        Some(60)
    );
}

#[test]
fn a_country_without_region_allows_all_its_zones() {
    // US without a region in January 2024 (all of the US on standard time): Eastern −300,
    // Central −360, Mountain −420, Pacific −480, Alaska −540, Hawaii and Adak −600. So the
    // possible offsets are {−600, −540, −480, −420, −360, −300}.
    let instant = "2024-01-15T12:00:00Z";
    let s = submit(instant, Some(-300), "US", None);
    assert_eq!(s.claimed_zone_basis, OffsetBasis::NoRegion);
    assert_eq!(s.submission_possible_offsets, 6);
    assert_eq!(s.browser_offset_distance_min, Some(0));
    // Local offset is the browser's own −300: 12:00 − 5 h = 07:00, hour 7, day.
    assert_eq!(s.submission_local_hour, Some(7));
    assert_eq!(s.submission_local_night, Some(false));
    // Browser −240 (Atlantic): nearest −300, distance 60; local time at −300 → hour 7.
    let s = submit(instant, Some(-240), "US", None);
    assert_eq!(s.browser_offset_distance_min, Some(60));
    assert_eq!(s.submission_local_hour, Some(7));
    // Browser +60 (Central Europe): nearest is −300, distance 360.
    assert_eq!(
        submit(instant, Some(60), "US", None).browser_offset_distance_min,
        Some(360)
    );
    // No browser offset: local time at the smallest possible offset, −600: 12:00 − 10 h =
    // 02:00, hour 2, night. Distance and mismatch are unknown.
    let s = submit(instant, None, "US", None);
    assert_eq!(s.browser_offset_distance_min, None);
    assert_eq!(s.browser_offset_mismatch, None);
    assert_eq!(s.submission_local_hour, Some(2));
    assert_eq!(s.submission_local_night, Some(true));
    // An unrecognised region falls back to the same six offsets.
    let s = submit(instant, Some(-300), "US", Some("Atlantis"));
    assert_eq!(s.claimed_zone_basis, OffsetBasis::UnknownRegion);
    assert_eq!(s.submission_possible_offsets, 6);
    assert_eq!(s.browser_offset_distance_min, Some(0));
}

#[test]
fn local_hour_at_midnight_and_six_oclock_boundaries() {
    // Japan: Asia/Tokyo, +540 all year. Local = UTC + 9 h.
    let jp = |instant| submit(instant, Some(540), "JP", None);
    // 14:59:59Z = 23:59:59 local: hour 23, not night.
    assert_eq!(jp("2024-01-15T14:59:59Z").submission_local_hour, Some(23));
    assert_eq!(
        jp("2024-01-15T14:59:59Z").submission_local_night,
        Some(false)
    );
    // 15:00:00Z = 00:00:00 local (next day): hour 0, night.
    assert_eq!(jp("2024-01-15T15:00:00Z").submission_local_hour, Some(0));
    assert_eq!(
        jp("2024-01-15T15:00:00Z").submission_local_night,
        Some(true)
    );
    // 20:59:59Z = 05:59:59 local: hour 5, night.
    assert_eq!(jp("2024-01-15T20:59:59Z").submission_local_hour, Some(5));
    assert_eq!(
        jp("2024-01-15T20:59:59Z").submission_local_night,
        Some(true)
    );
    // 21:00:00Z = 06:00:00 local: hour 6, not night.
    assert_eq!(jp("2024-01-15T21:00:00Z").submission_local_hour, Some(6));
    assert_eq!(
        jp("2024-01-15T21:00:00Z").submission_local_night,
        Some(false)
    );
    // A negative offset across UTC midnight: New York in January (−300). 04:59:59Z =
    // 23:59:59 the previous day; 05:00:00Z = 00:00:00.
    let ny = |instant| submit(instant, None, "US", Some("NY"));
    assert_eq!(ny("2024-01-16T04:59:59Z").submission_local_hour, Some(23));
    assert_eq!(ny("2024-01-16T05:00:00Z").submission_local_hour, Some(0));
    // The half-hour zone of India (+330): 18:29:59Z = 23:59:59, 18:30:00Z = 00:00:00.
    let india = |instant| submit(instant, Some(330), "IN", None);
    assert_eq!(
        india("2024-01-15T18:29:59Z").submission_local_hour,
        Some(23)
    );
    assert_eq!(india("2024-01-15T18:30:00Z").submission_local_hour, Some(0));
}

#[test]
fn telemetry_night_share_and_offset_mismatches() {
    // Claimed JP (+540 only). Samples:
    //   1. 20:59:59Z, tz +540  → 05:59:59 local: night;  offset possible (distance 0)
    //   2. 21:00:00Z, tz +540  → 06:00:00 local: day;    distance 0
    //   3. 15:00:00Z, tz +480  → 00:00:00 local: night;  distance 60 (mismatch)
    //   4. 14:59:59Z, tz null  → 23:59:59 local: day;    no offset to check
    //   5. 20:00:00Z, tz 9999  → invalid, so missing: local at +540, 05:00: night; not checked
    //   6. 12:00:00Z, tz −721  → invalid (below −720): local 21:00: day; not checked
    // Local offsets are all +540 (the only possible one, whatever the sample's offset).
    // Night: 1, 3, 5 → 3/6 = 0.5. Checked offsets: 1, 2, 3 → mismatched 1/3, max distance 60.
    let samples = [
        sample("2024-01-15T20:59:59Z", Some(540)),
        sample("2024-01-15T21:00:00Z", Some(540)),
        sample("2024-01-15T15:00:00Z", Some(480)),
        sample("2024-01-15T14:59:59Z", None),
        sample("2024-01-15T20:00:00Z", Some(9999)),
        sample("2024-01-15T12:00:00Z", Some(-721)),
    ];
    let s = time_signals(at("2024-01-15T03:00:00Z"), Some(540), "JP", None, &samples);
    assert_eq!(s.tel_local_night_share, Some(0.5));
    assert_eq!(s.tel_offset_mismatch_share, Some(1.0 / 3.0));
    assert_eq!(s.tel_offset_max_distance_min, Some(60));
    // Submission: 03:00Z = 12:00 local.
    assert_eq!(s.submission_local_hour, Some(12));
    assert_eq!(s.submission_local_night, Some(false));
    // The extreme valid offsets are valid: +840 is 300 from +540, −720 is 1260 from it.
    let edges = [
        sample("2024-01-15T03:00:00Z", Some(840)),
        sample("2024-01-15T03:00:00Z", Some(-720)),
    ];
    let s = time_signals(at("2024-01-15T03:00:00Z"), Some(840), "JP", None, &edges);
    assert_eq!(s.browser_offset_distance_min, Some(300));
    assert_eq!(s.tel_offset_mismatch_share, Some(1.0));
    assert_eq!(s.tel_offset_max_distance_min, Some(1260));
}

#[test]
fn each_sample_picks_its_local_offset_with_its_own_offset() {
    // Indiana in January: Eastern zones −300, Central zones −360 → possible {−360, −300}. At
    // 11:30Z the local time is 05:30 at −360 (night) and 06:30 at −300 (day), so the sample's
    // own offset decides:
    //   tz −360 → −360: night          tz −300 → −300: day
    //   tz null → smallest, −360: night
    //   tz −330 → tie (30 from each) → the smaller, −360: night
    //   tz −240 → nearest −300: day (and a mismatch of 60)
    // Night: 3 of 5 = 0.6. Checked offsets: −360, −300, −330, −240 → mismatches −330 (30) and
    // −240 (60): 2/4 = 0.5, max 60.
    let samples = [
        sample("2024-01-15T11:30:00Z", Some(-360)),
        sample("2024-01-15T11:30:00Z", Some(-300)),
        sample("2024-01-15T11:30:00Z", None),
        sample("2024-01-15T11:30:00Z", Some(-330)),
        sample("2024-01-15T11:30:00Z", Some(-240)),
    ];
    let s = time_signals(at("2024-01-15T11:30:00Z"), None, "US", Some("IN"), &samples);
    assert_eq!(s.tel_local_night_share, Some(0.6));
    assert_eq!(s.tel_offset_mismatch_share, Some(0.5));
    assert_eq!(s.tel_offset_max_distance_min, Some(60));
    // The submission without a browser offset uses −360 as well: 05:30, night.
    assert_eq!(s.submission_local_hour, Some(5));
    assert_eq!(s.submission_local_night, Some(true));
    // With browser −300 it is 06:30, day; with −330 (tie) −360 again.
    let with = |b| time_signals(at("2024-01-15T11:30:00Z"), Some(b), "US", Some("IN"), &[]);
    assert_eq!(with(-300).submission_local_hour, Some(6));
    assert_eq!(with(-330).submission_local_hour, Some(5));
    assert_eq!(with(-330).browser_offset_distance_min, Some(30));
}

#[test]
fn samples_across_a_dst_switch_are_checked_at_their_own_instant() {
    // New York: −300 until 2024-03-10T07:00Z, −240 from then. A machine left at −300 is right
    // before the switch and 60 minutes off after it. Local hours: 06:59:59Z at −300 = 01:59:59
    // (night); 07:00:00Z at −240 = 03:00 (night); 12:00Z at −240 = 08:00 (day).
    let samples = [
        sample("2024-03-10T06:59:59Z", Some(-300)),
        sample("2024-03-10T07:00:00Z", Some(-300)),
        sample("2024-03-10T12:00:00Z", Some(-300)),
    ];
    let s = time_signals(
        at("2024-03-10T12:00:00Z"),
        Some(-300),
        "US",
        Some("NY"),
        &samples,
    );
    assert_eq!(s.tel_offset_mismatch_share, Some(2.0 / 3.0));
    assert_eq!(s.tel_offset_max_distance_min, Some(60));
    assert_eq!(s.tel_local_night_share, Some(2.0 / 3.0));
}

#[test]
fn invalid_offsets_are_missing() {
    // 9999 and −721 are outside −720..=840: as if null. Claimed NY in January (−300).
    for bad in [9999, -721, 841, i32::MIN, i32::MAX] {
        let s = submit("2024-01-15T12:00:00Z", Some(bad), "US", Some("NY"));
        assert_eq!(s.browser_offset_distance_min, None, "{bad}");
        assert_eq!(s.browser_offset_mismatch, None, "{bad}");
        // Local hour falls back to the (only) possible offset: 12:00 − 5 h = 07:00.
        assert_eq!(s.submission_local_hour, Some(7), "{bad}");
        assert_eq!(s, submit("2024-01-15T12:00:00Z", None, "US", Some("NY")));
    }
    // Samples with only invalid offsets: nothing checked, but the night share is defined.
    let samples = [sample("2024-01-15T12:00:00Z", Some(9999))];
    let s = time_signals(at("2024-01-15T12:00:00Z"), None, "US", Some("NY"), &samples);
    assert_eq!(s.tel_offset_mismatch_share, None);
    assert_eq!(s.tel_offset_max_distance_min, None);
    assert_eq!(s.tel_local_night_share, Some(0.0));
}

#[test]
fn unknown_country_and_empty_telemetry_give_no_signal() {
    let samples = [sample("2024-01-15T12:00:00Z", Some(-300))];
    for country in ["XX", "", "USA", "  "] {
        let s = time_signals(
            at("2024-01-15T12:00:00Z"),
            Some(-300),
            country,
            None,
            &samples,
        );
        assert!(!s.claimed_zone_known, "{country:?}");
        assert_eq!(s.claimed_zone_basis, OffsetBasis::UnknownCountry);
        assert_eq!(s.submission_possible_offsets, 0);
        assert_eq!(s.browser_offset_distance_min, None);
        assert_eq!(s.browser_offset_mismatch, None);
        assert_eq!(s.submission_local_hour, None);
        assert_eq!(s.submission_local_night, None);
        assert_eq!(s.tel_offset_mismatch_share, None);
        assert_eq!(s.tel_offset_max_distance_min, None);
        assert_eq!(s.tel_local_night_share, None);
    }
    let s = submit("2024-01-15T12:00:00Z", Some(-300), "US", Some("NY"));
    assert_eq!(s.tel_offset_mismatch_share, None);
    assert_eq!(s.tel_offset_max_distance_min, None);
    assert_eq!(s.tel_local_night_share, None);
}

#[test]
fn instants_chrono_cannot_represent_are_unknown_not_a_panic() {
    // i64::MIN and i64::MAX microseconds are about ±292,000 years, beyond chrono's ±262,000:
    // no possible offsets, so nothing is computed, and nothing panics.
    for t in [i64::MIN, i64::MAX] {
        let samples = [TelemetrySample {
            event_at_micros: t,
            tz_offset_min: Some(-300),
            ..TelemetrySample::default()
        }];
        let s = time_signals(t, Some(-300), "US", Some("NY"), &samples);
        assert!(s.claimed_zone_known);
        assert_eq!(s.submission_possible_offsets, 0);
        assert_eq!(s.browser_offset_distance_min, None);
        assert_eq!(s.submission_local_hour, None);
        assert_eq!(s.tel_offset_mismatch_share, None);
        assert_eq!(s.tel_local_night_share, None);
    }
}
