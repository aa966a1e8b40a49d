//! The network family over the built-in sample (`notebooks-data/sample`, 20,000 applications and
//! about 194,000 telemetry rows made by the synthetic generator, seed 42, with its
//! `reference/ip_ranges.csv`), read through [`read_data_dir`] as a user's directory would be.
//! Every application is scored without a panic, the signals keep their documented invariants,
//! and the distribution is printed (run with `--nocapture`), by label, for inspection.

use std::collections::HashMap;

use appfraud_core::IpKind;
use appfraud_features::{
    IpRangeTable, NetworkSignals, TelemetrySample, network_signals, parse_ip, read_data_dir,
};

#[path = "support/sample.rs"]
mod sample;
use sample::{ByLabel, micros, sample_dir};

#[test]
fn every_sample_application_gets_sane_network_signals() {
    let dir = sample_dir();
    let frames = read_data_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let ranges = IpRangeTable::from_csv_path(&dir.join("reference/ip_ranges.csv"))
        .unwrap_or_else(|e| panic!("{e}"));

    let apps = &frames.applications;
    let app_ids = apps.column("application_id").unwrap().str().unwrap();
    let app_ip = apps.column("ip").unwrap().str().unwrap();
    let country = apps.column("claimed_country").unwrap().str().unwrap();

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
    let tel_ip = tel.column("ip").unwrap().str().unwrap();
    let event_at = micros(tel.column("event_at").unwrap());
    let mut groups: HashMap<&str, Vec<TelemetrySample<'_>>> = HashMap::new();
    for (i, at) in event_at.iter().enumerate() {
        groups
            .entry(tel_app.get(i).unwrap())
            .or_default()
            .push(TelemetrySample {
                session_id: session.get(i).unwrap(),
                event_at_micros: at.unwrap(),
                ip: tel_ip.get(i).and_then(appfraud_features::parse_ip),
                ..TelemetrySample::default()
            });
    }

    let mut kinds: HashMap<Option<IpKind>, usize> = HashMap::new();
    let (mut parsed, mut private) = (0usize, 0usize);
    let mut tel_ip_samples = 0usize;
    let mut app_differs = ByLabel::default();
    let mut app_anonymizing = ByLabel::default();
    let mut tel_differs = ByLabel::default();
    let mut tel_anonymizing = ByLabel::default();
    let mut tel_other_ip = ByLabel::default();
    let mut multi_country = ByLabel::default();
    for i in 0..apps.height() {
        let id = app_ids.get(i).unwrap();
        let rows = groups.get(id).map_or(&[][..], Vec::as_slice);
        let s: NetworkSignals =
            network_signals(app_ip.get(i), country.get(i).unwrap(), rows, &ranges);
        let label = label_of.get(id).copied();

        // Invariants of the definitions.
        assert_eq!(
            s.ip_parsed,
            app_ip.get(i).and_then(parse_ip).is_some(),
            "{id}"
        );
        assert_eq!(s.ip_private.is_some(), s.ip_parsed, "{id}: {s:?}");
        if s.ip_private != Some(false) {
            assert_eq!(s.ip_kind, None, "{id}: {s:?}");
            assert_eq!(s.ip_country_differs, None, "{id}: {s:?}");
        }
        assert_eq!(
            s.ip_anonymizing,
            s.ip_kind.map(IpKind::is_anonymising),
            "{id}"
        );
        assert!(s.tel_ip_samples as usize <= rows.len(), "{id}: {s:?}");
        assert!(
            s.tel_ip_countries_distinct <= s.tel_ip_samples,
            "{id}: {s:?}"
        );
        for share in [
            s.tel_ip_country_differs_share,
            s.tel_anonymizing_share,
            s.tel_ip_differs_from_app_share,
        ]
        .into_iter()
        .flatten()
        {
            assert!((0.0..=1.0).contains(&share), "{id}: {s:?}");
        }
        if s.tel_ip_samples == 0 {
            assert_eq!(s.tel_anonymizing_share, None, "{id}: {s:?}");
            assert_eq!(s.tel_ip_differs_from_app_share, None, "{id}: {s:?}");
        }
        if s.tel_hosting_seen || s.tel_vpn_seen || s.tel_proxy_seen {
            assert!(
                s.tel_anonymizing_share.is_some_and(|v| v > 0.0),
                "{id}: {s:?}"
            );
        } else {
            assert!(
                s.tel_anonymizing_share.is_none_or(|v| v == 0.0),
                "{id}: {s:?}"
            );
        }

        *kinds.entry(s.ip_kind).or_default() += 1;
        parsed += usize::from(s.ip_parsed);
        private += usize::from(s.ip_private == Some(true));
        tel_ip_samples += s.tel_ip_samples as usize;
        app_differs.add(
            label,
            s.ip_country_differs.is_some(),
            s.ip_country_differs == Some(true),
        );
        app_anonymizing.add(
            label,
            s.ip_anonymizing.is_some(),
            s.ip_anonymizing == Some(true),
        );
        let some_positive = |v: Option<f32>| (v.is_some(), v.is_some_and(|v| v > 0.0));
        let (k, h) = some_positive(s.tel_ip_country_differs_share);
        tel_differs.add(label, k, h);
        let (k, h) = some_positive(s.tel_anonymizing_share);
        tel_anonymizing.add(label, k, h);
        let (k, h) = some_positive(s.tel_ip_differs_from_app_share);
        tel_other_ip.add(label, k, h);
        multi_country.add(label, s.tel_ip_samples > 0, s.tel_ip_countries_distinct > 1);
    }

    let mut kinds: Vec<_> = kinds
        .into_iter()
        .map(|(k, n)| (k.map_or("none", IpKind::as_str), n))
        .collect();
    kinds.sort_unstable();
    let summary = format!(
        "applications {}, ip parsed {parsed}, private {private}, kinds {kinds:?}, telemetry \
         samples with a parsed ip {tel_ip_samples} of {}\n\
         application ip country differs: {}\n\
         application ip anonymising: {}\n\
         some session ip country differs: {}\n\
         some session ip anonymising: {}\n\
         some session ip differs from the application's: {}\n\
         sessions in more than one country: {}",
        apps.height(),
        tel.height(),
        app_differs.show(),
        app_anonymizing.show(),
        tel_differs.show(),
        tel_anonymizing.show(),
        tel_other_ip.show(),
        multi_country.show(),
    );
    println!("{summary}");

    assert_eq!(apps.height(), 20_000, "{summary}");
    // Not tied to measured values (printed above): only that the sample exercises the family,
    // with parsed IPs on both sides and some of them in a range of the reference file.
    let no_kind = kinds
        .iter()
        .find(|(k, _)| *k == "none")
        .map_or(0, |&(_, n)| n);
    assert!(parsed > 0 && tel_ip_samples > 0, "{summary}");
    assert!(no_kind < apps.height(), "{summary}");
}
