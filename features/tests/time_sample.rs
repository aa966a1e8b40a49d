//! The time family over the built-in sample (`notebooks-data/sample`, 20,000 applications and
//! about 194,000 telemetry rows made by the synthetic generator, seed 42), read through
//! [`read_data_dir`] as a user's directory would be. Every application is scored without a
//! panic, the signals keep their documented invariants, and the distribution is printed (run
//! with `--nocapture`), by label, for inspection.

use std::collections::HashMap;

use appfraud_features::{OffsetBasis, TelemetrySample, TimeSignals, read_data_dir, time_signals};

#[path = "support/sample.rs"]
mod sample;
use sample::{ByLabel, micros, sample_dir};

#[test]
fn every_sample_application_gets_sane_time_signals() {
    let frames = read_data_dir(&sample_dir()).unwrap_or_else(|e| panic!("{e}"));

    let apps = &frames.applications;
    let app_ids = apps.column("application_id").unwrap().str().unwrap();
    let submitted = micros(apps.column("submitted_at").unwrap());
    let browser = apps.column("browser_tz_offset_min").unwrap().i32().unwrap();
    let country = apps.column("claimed_country").unwrap().str().unwrap();
    let region = apps.column("claimed_region").unwrap().str().unwrap();

    let labels = frames.labels.as_ref().expect("the sample has labels");
    let label_of: HashMap<&str, bool> = labels
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .zip(labels.column("is_fraud").unwrap().bool().unwrap().iter())
        .map(|(a, f)| (a.unwrap(), f.unwrap()))
        .collect();

    let tel = frames.telemetry.as_ref().expect("the sample has telemetry");
    let tel_app = tel.column("application_id").unwrap().str().unwrap();
    let session = tel.column("session_id").unwrap().str().unwrap();
    let tz = tel.column("tz_offset_min").unwrap().i32().unwrap();
    let event_at = micros(tel.column("event_at").unwrap());
    let mut groups: HashMap<&str, Vec<TelemetrySample<'_>>> = HashMap::new();
    for (i, at) in event_at.iter().enumerate() {
        groups
            .entry(tel_app.get(i).unwrap())
            .or_default()
            .push(TelemetrySample {
                session_id: session.get(i).unwrap(),
                event_at_micros: at.unwrap(),
                tz_offset_min: tz.get(i),
                ..TelemetrySample::default()
            });
    }

    let mut known = 0usize;
    let mut region_recognised = 0usize;
    let mut hours = [0usize; 24];
    let mut browser_mismatch = ByLabel::default();
    let mut night_submission = ByLabel::default();
    let mut tel_mismatch = ByLabel::default();
    let mut tel_mostly_night = ByLabel::default();
    for (i, at) in submitted.iter().enumerate() {
        let id = app_ids.get(i).unwrap();
        let rows = groups.get(id).map_or(&[][..], Vec::as_slice);
        let s: TimeSignals = time_signals(
            at.unwrap(),
            browser.get(i),
            country.get(i).unwrap(),
            region.get(i),
            rows,
        );
        let label = label_of.get(id).copied();

        // Invariants of the definitions.
        assert_eq!(
            s.claimed_zone_known,
            s.submission_possible_offsets > 0,
            "{id}: {s:?}"
        );
        assert_eq!(
            s.claimed_zone_known,
            s.submission_local_hour.is_some(),
            "{id}: {s:?}"
        );
        assert_eq!(
            s.browser_offset_mismatch,
            s.browser_offset_distance_min.map(|d| d > 0),
            "{id}"
        );
        assert_eq!(
            s.submission_local_night,
            s.submission_local_hour.map(|h| h < 6),
            "{id}"
        );
        if let Some(h) = s.submission_local_hour {
            assert!(h < 24, "{id}: {s:?}");
            hours[usize::from(h)] += 1;
        }
        // No offset in use is more than 26 hours from another.
        for d in [s.browser_offset_distance_min, s.tel_offset_max_distance_min]
            .into_iter()
            .flatten()
        {
            assert!(d <= 26 * 60, "{id}: {s:?}");
        }
        assert_eq!(
            s.tel_offset_mismatch_share.is_some(),
            s.tel_offset_max_distance_min.is_some(),
            "{id}: {s:?}"
        );
        if s.tel_offset_mismatch_share == Some(0.0) {
            assert_eq!(s.tel_offset_max_distance_min, Some(0), "{id}: {s:?}");
        }
        for share in [s.tel_offset_mismatch_share, s.tel_local_night_share]
            .into_iter()
            .flatten()
        {
            assert!((0.0..=1.0).contains(&share), "{id}: {s:?}");
        }
        assert_eq!(
            s.tel_local_night_share.is_some(),
            s.claimed_zone_known && !rows.is_empty(),
            "{id}: {s:?}"
        );

        known += usize::from(s.claimed_zone_known);
        region_recognised += usize::from(s.claimed_zone_basis == OffsetBasis::Region);
        let opt = |v: Option<bool>| (v.is_some(), v == Some(true));
        let (k, h) = opt(s.browser_offset_mismatch);
        browser_mismatch.add(label, k, h);
        let (k, h) = opt(s.submission_local_night);
        night_submission.add(label, k, h);
        let (k, h) = opt(s.tel_offset_mismatch_share.map(|v| v > 0.0));
        tel_mismatch.add(label, k, h);
        let (k, h) = opt(s.tel_local_night_share.map(|v| v > 0.5));
        tel_mostly_night.add(label, k, h);
    }

    let summary = format!(
        "applications {}, claimed zone known {known}, region recognised {region_recognised}\n\
         submission hours (claimed-local, 0..23): {hours:?}\n\
         browser offset impossible at the claimed place: {}\n\
         submitted at claimed-local night: {}\n\
         some session offset impossible: {}\n\
         over half of the samples at claimed-local night: {}",
        apps.height(),
        browser_mismatch.show(),
        night_submission.show(),
        tel_mismatch.show(),
        tel_mostly_night.show(),
    );
    println!("{summary}");

    assert_eq!(apps.height(), 20_000, "{summary}");
    // Not tied to measured values (printed above): only that the sample exercises the family.
    assert!(known > 0, "{summary}");
    assert_eq!(hours.iter().sum::<usize>(), known, "{summary}");
}
