//! The point-in-time rule of `SCHEMA.md` for telemetry: every feature of an application
//! submitted at `t` uses its own row, its own telemetry, and rows of other applications dated
//! strictly before `t` (their telemetry by `event_at`). Another application's telemetry dated at
//! or after `t` (its later interviews) never reaches features at `t`; dated just before `t`, it
//! does.
//!
//! Explicit cases check every telemetry-derived shared-entity feature (IP, IP network, device,
//! device velocity) against values worked out by hand from the catalog's definitions, on both
//! paths: the batch frame, and the single-application snapshot (holding the application, not
//! holding it, and updated with the telemetry after it was built). A property test then draws
//! small worlds (shared IPs, devices, addresses, phones, emails and resumes; telemetry and labels
//! whose times collide with submission times) and checks that appending rows dated at or after
//! `t` changes no feature at `t`, and that both paths agree.
//!
//! Tolerance everywhere: exact equality of the f32 bits (counts are small integers, and both
//! paths run the same code).

#[path = "support/sample.rs"]
mod sample_dir;
#[path = "support/world.rs"]
mod world;

use std::collections::HashSet;
use std::sync::LazyLock;

use appfraud_features::{ApplicationRecord, HistorySnapshot, References, TelemetryRecord};
use proptest::prelude::*;
use world::{DAY, HOUR, World, application, feature_index, first_difference, sample};

/// The reference tables of the built-in sample (the IPs below are public addresses; their
/// ranges do not matter to the history).
static REFS: LazyLock<References> = LazyLock::new(|| {
    References::from_data_dir(&sample_dir::sample_dir()).expect("sample references")
});

/// 2025-06-02T00:00:00Z, the query time of the explicit cases.
const T: i64 = 1_748_822_400_000_000;

/// What another application's telemetry shares with application A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shared {
    /// A's IP (so also its /24).
    Ip,
    /// Another IP of A's /24.
    IpNetwork,
    /// A's device.
    Device,
}

const SHARED: [Shared; 3] = [Shared::Ip, Shared::IpNetwork, Shared::Device];

/// A at `T` (IP 24.0.0.10, device "laptop-a", no telemetry of its own); B submitted three days
/// earlier with neither in its row, labelled fraud two days before `T`, and one telemetry
/// sample of B at `sample_at` sharing `shared` with A.
fn case(shared: Shared, sample_at: i64) -> World {
    let mut a = application("app-a", T, "ann@example.com");
    a.ip = Some("24.0.0.10".into());
    a.device_id = Some("laptop-a".into());
    let b = application("app-b", T - 3 * DAY, "bo@example.com");
    let s = match shared {
        Shared::Ip => sample(sample_at, Some("24.0.0.10"), None),
        Shared::IpNetwork => sample(sample_at, Some("24.0.0.77"), None),
        Shared::Device => sample(sample_at, None, Some("laptop-a")),
    };
    World {
        apps: vec![b, a],
        telemetry: vec![("app-b".into(), s)],
        labels: vec![("app-b".into(), T - 2 * DAY, true)],
    }
}

/// The telemetry-derived shared-entity features with their expected values when B is linked
/// to A before `t` through `shared` (`linked`) or not: one earlier application in every window,
/// one other identity, one known fraud (B's label precedes `t`); 0 otherwise. A has an IP and a
/// device in its row, so these features are present (never NaN). Telemetry never links
/// components, so A's component is itself alone in every case.
fn expected(shared: Shared, linked: bool) -> Vec<(&'static str, f32)> {
    let reaches = |kind: &str| {
        linked
            && match shared {
                Shared::Ip => kind == "ip" || kind == "ip_network",
                Shared::IpNetwork => kind == "ip_network",
                Shared::Device => kind == "device",
            }
    };
    let mut out = Vec::new();
    for (kind, names) in [
        (
            "ip",
            [
                "shared_ip_apps_30d",
                "shared_ip_apps_365d",
                "shared_ip_identities",
                "shared_ip_known_fraud",
            ],
        ),
        (
            "ip_network",
            [
                "shared_ip_network_apps_30d",
                "shared_ip_network_apps_365d",
                "shared_ip_network_identities",
                "shared_ip_network_known_fraud",
            ],
        ),
        (
            "device",
            [
                "shared_device_apps_30d",
                "shared_device_apps_365d",
                "shared_device_identities",
                "shared_device_known_fraud",
            ],
        ),
    ] {
        let v = f32::from(u8::from(reaches(kind)));
        out.extend(names.map(|n| (n, v)));
    }
    // The sample just before `t` is inside the last 24 hours.
    let v = f32::from(u8::from(reaches("device")));
    out.push(("velocity_device_apps_24h", v));
    out.push(("velocity_device_apps_7d", v));
    out.push(("linked_component_size", 1.0));
    out
}

/// A's features in `world` by every path: batch; a snapshot holding A; a snapshot without A
/// (A scored as new); a snapshot built without B's telemetry, which is appended afterwards.
fn every_path(world: &World) -> Vec<(&'static str, Vec<f32>)> {
    let refs = &*REFS;
    let batch = world
        .batch(refs)
        .remove("app-a")
        .expect("A has a batch row");
    let held = world.single(&world.snapshot(refs), "app-a");
    let new = world.single(&world.without("app-a").snapshot(refs), "app-a");
    let mut before_telemetry = world.clone();
    before_telemetry.telemetry.clear();
    let mut updated = before_telemetry.snapshot(refs);
    for (id, s) in &world.telemetry {
        updated
            .append_telemetry(id, &[s.view()])
            .expect("B is held");
    }
    let appended = world.single(&updated, "app-a");
    vec![
        ("batch", batch),
        ("snapshot holding A", held),
        ("snapshot without A", new),
        ("snapshot with B's telemetry appended", appended),
    ]
}

fn check(sample_at: i64, linked: bool) {
    for shared in SHARED {
        let world = case(shared, sample_at);
        for (path, row) in every_path(&world) {
            for (name, want) in expected(shared, linked) {
                let got = row[feature_index(name)];
                assert_eq!(
                    got.to_bits(),
                    want.to_bits(),
                    "{path}, B's telemetry sharing the {shared:?} at t{:+} µs: {name} is {got}, \
                     expected {want}",
                    sample_at - T
                );
            }
        }
    }
}

#[test]
fn the_cases_cover_every_feature_read_from_telemetry_keys() {
    // Telemetry gives IP, IP-network and device keys; every feature over those keys is
    // checked by the cases below.
    let catalog: Vec<String> = appfraud_features::feature_set()
        .features()
        .iter()
        .map(|f| f.name.clone())
        .filter(|n| {
            ["shared_ip_", "shared_device_", "velocity_device_"]
                .iter()
                .any(|p| n.starts_with(p))
        })
        .collect();
    let checked: Vec<&str> = expected(Shared::Ip, true)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| *n != "linked_component_size")
        .collect();
    assert_eq!(catalog, checked);
}

#[test]
fn another_applications_telemetry_after_t_never_reaches_features_at_t() {
    // B's interview the day after A's submission.
    check(T + DAY, false);
}

#[test]
fn another_applications_telemetry_exactly_at_t_never_reaches_features_at_t() {
    check(T, false);
}

#[test]
fn another_applications_telemetry_just_before_t_counts() {
    check(T - 1, true);
}

#[test]
fn a_held_application_queried_with_more_telemetry_than_the_snapshot_holds() {
    // The snapshot holds A without telemetry; A is then asked about with a session one hour
    // before its submission on a device that only a later application (C, after `t`) used.
    // The answer must be A's features against the history of everything else, exactly as for
    // A scored as new: no earlier application shares the device.
    let mut a = application("app-a", T, "ann@example.com");
    a.ip = Some("24.0.0.10".into());
    let mut c = application("app-c", T + DAY, "cy@example.org");
    c.device_id = Some("laptop-c".into());
    let world = World {
        apps: vec![a, c],
        ..World::default()
    };
    let mut asked = world.clone();
    asked
        .telemetry
        .push(("app-a".into(), sample(T - HOUR, None, Some("laptop-c"))));
    let refs = &*REFS;
    let held = asked.single(&world.snapshot(refs), "app-a");
    let new = asked.single(&world.without("app-a").snapshot(refs), "app-a");
    assert_eq!(first_difference(&held, &new), None);
    assert_eq!(held[feature_index("shared_device_apps_365d")], 0.0);
}

// ---------------------------------------------------------------------------------------------
// The property: small random worlds.

/// Entity values the worlds draw from. Some normalise to the same key ("Ann+jobs@example.com"
/// is ann@example.com; " LAPTOP-1" is laptop-1; both 24.0.0.x addresses share a /24; 10.x is
/// private and has no key); the phones are one number typed two ways and another.
const EMAILS: [&str; 4] = [
    "ann@example.com",
    "Ann+jobs@example.com",
    "bo@example.com",
    "cy@example.org",
];
const IPS: [&str; 4] = ["24.0.0.10", "24.0.0.77", "24.0.17.5", "10.1.2.3"];
const DEVICES: [&str; 3] = ["laptop-1", " LAPTOP-1", "laptop-2"];
const ADDRESSES: [&str; 3] = ["1 Main Street", "1 main st", "9 Elm Road"];
const PHONES: [&str; 3] = ["+1 415 555 0100", "(415) 555-0100", "+1 212 555 0188"];
const RESUMES: [&str; 3] = [
    "senior backend engineer building payment systems in rust and go for eight years",
    "senior backend engineer building payment systems in rust and go for nine years",
    "frontend developer focused on accessible design systems and typescript tooling",
];

/// Start of the worlds' time line; times are on a 12-hour grid from here, so that windows
/// (1, 7, 30 days) and submissions fall on each other's boundaries.
/// Range of the `usize` fields that pick an application (reduced modulo the count, so they
/// shrink towards the first application).
const PICK: usize = 16;

const T0: i64 = 1_748_736_000_000_000;
const TICK: i64 = 12 * HOUR;

#[derive(Debug, Clone)]
struct AppSpec {
    tick: i64,
    email: usize,
    ip: Option<usize>,
    device: Option<usize>,
    address: Option<usize>,
    phone: Option<usize>,
    resume: Option<usize>,
}

#[derive(Debug, Clone)]
struct SampleSpec {
    /// Whose sample: an application's position modulo the number of applications.
    app: usize,
    tick: i64,
    /// Microseconds added to the tick: −1, 0 or +1.
    nudge: i64,
    ip: Option<usize>,
    device: Option<usize>,
}

#[derive(Debug, Clone)]
struct LabelSpec {
    app: usize,
    tick: i64,
    nudge: i64,
    fraud: bool,
}

/// Rows appended after the query time `t`: times are `t + tick·12h + nudge` with `tick`, `nudge`
/// ≥ 0, so some land exactly at `t`.
#[derive(Debug, Clone)]
struct Later {
    apps: Vec<AppSpec>,
    /// Telemetry of the world's other applications and of the later ones.
    samples: Vec<SampleSpec>,
    labels: Vec<LabelSpec>,
}

#[derive(Debug, Clone)]
struct Case {
    apps: Vec<AppSpec>,
    samples: Vec<SampleSpec>,
    labels: Vec<LabelSpec>,
    /// The queried application's position modulo the number of applications.
    query: usize,
    later: Later,
}

fn app_spec(ticks: i64) -> impl Strategy<Value = AppSpec> {
    (
        0..ticks,
        0..EMAILS.len(),
        proptest::option::of(0..IPS.len()),
        proptest::option::of(0..DEVICES.len()),
        proptest::option::of(0..ADDRESSES.len()),
        proptest::option::of(0..PHONES.len()),
        proptest::option::of(0..RESUMES.len()),
    )
        .prop_map(
            |(tick, email, ip, device, address, phone, resume)| AppSpec {
                tick,
                email,
                ip,
                device,
                address,
                phone,
                resume,
            },
        )
}

fn sample_spec(
    ticks: i64,
    nudges: std::ops::RangeInclusive<i64>,
) -> impl Strategy<Value = SampleSpec> {
    (
        0..PICK,
        0..ticks,
        nudges,
        proptest::option::of(0..IPS.len()),
        proptest::option::of(0..DEVICES.len()),
    )
        .prop_map(|(app, tick, nudge, ip, device)| SampleSpec {
            app,
            tick,
            nudge,
            ip,
            device,
        })
}

fn label_spec(
    ticks: i64,
    nudges: std::ops::RangeInclusive<i64>,
) -> impl Strategy<Value = LabelSpec> {
    (0..PICK, 0..ticks, nudges, any::<bool>()).prop_map(|(app, tick, nudge, fraud)| LabelSpec {
        app,
        tick,
        nudge,
        fraud,
    })
}

fn case_strategy() -> impl Strategy<Value = Case> {
    let later = (
        proptest::collection::vec(app_spec(3), 0..3),
        proptest::collection::vec(sample_spec(3, 0..=1), 0..5),
        proptest::collection::vec(label_spec(3, 0..=1), 0..4),
    )
        .prop_map(|(apps, samples, labels)| Later {
            apps,
            samples,
            labels,
        });
    (
        proptest::collection::vec(app_spec(10), 2..7),
        proptest::collection::vec(sample_spec(12, -1..=1), 0..10),
        proptest::collection::vec(label_spec(12, -1..=1), 0..6),
        0..PICK,
        later,
    )
        .prop_map(|(apps, samples, labels, query, later)| Case {
            apps,
            samples,
            labels,
            query,
            later,
        })
}

fn record(id: String, at: i64, spec: &AppSpec) -> ApplicationRecord {
    let mut a = application(&id, at, EMAILS[spec.email]);
    a.ip = spec.ip.map(|i| IPS[i].to_owned());
    a.device_id = spec.device.map(|i| DEVICES[i].to_owned());
    a.shipping_address = spec.address.map(|i| ADDRESSES[i].to_owned());
    a.phone = spec.phone.map(|i| PHONES[i].to_owned());
    a.resume_text = spec.resume.map(|i| RESUMES[i].to_owned());
    a
}

fn telemetry(at: i64, spec: &SampleSpec) -> TelemetryRecord {
    sample(at, spec.ip.map(|i| IPS[i]), spec.device.map(|i| DEVICES[i]))
}

/// The world, the query application's id and time, the world with the later rows appended,
/// and the ids whose own telemetry the later rows extend.
struct Drawn {
    world: World,
    query: String,
    t: i64,
    extended: World,
    later_telemetry_of: HashSet<String>,
}

fn draw(case: &Case) -> Drawn {
    let mut world = World::default();
    for (i, spec) in case.apps.iter().enumerate() {
        world
            .apps
            .push(record(format!("app-{i}"), T0 + spec.tick * TICK, spec));
    }
    let n = world.apps.len();
    for s in &case.samples {
        let id = format!("app-{}", s.app % n);
        world
            .telemetry
            .push((id, telemetry(T0 + s.tick * TICK + s.nudge, s)));
    }
    for l in &case.labels {
        let id = format!("app-{}", l.app % n);
        world
            .labels
            .push((id, T0 + l.tick * TICK + l.nudge, l.fraud));
    }
    let q = case.query % n;
    let query = format!("app-{q}");
    let t = world.apps[q].submitted_at;

    let mut extended = world.clone();
    for (i, spec) in case.later.apps.iter().enumerate() {
        extended
            .apps
            .push(record(format!("later-{i}"), t + spec.tick * TICK, spec));
    }
    // Telemetry and labels of any application but the query one (whose own telemetry is its
    // own at any time); a sample drawn for it goes to the next application instead.
    let all = extended.apps.len();
    let mut later_telemetry_of = HashSet::new();
    for s in &case.later.samples {
        let mut i = s.app % all;
        if i == q {
            i = (i + 1) % all;
        }
        let id = extended.apps[i].application_id.clone();
        later_telemetry_of.insert(id.clone());
        extended
            .telemetry
            .push((id, telemetry(t + s.tick * TICK + s.nudge, s)));
    }
    for l in &case.later.labels {
        let id = extended.apps[l.app % all].application_id.clone();
        extended
            .labels
            .push((id, t + l.tick * TICK + l.nudge, l.fraud));
    }
    Drawn {
        world,
        query,
        t,
        extended,
        later_telemetry_of,
    }
}

/// The world's snapshot updated with the later rows through the append API, in the order a
/// service would receive them: applications (with their telemetry), then other telemetry, then
/// labels.
fn appended_snapshot(d: &Drawn) -> HistorySnapshot {
    let mut snapshot = d.world.snapshot(&REFS);
    let known: HashSet<&str> = d
        .world
        .apps
        .iter()
        .map(|a| a.application_id.as_str())
        .collect();
    let new_apps: Vec<&ApplicationRecord> = d.extended.apps[d.world.apps.len()..].iter().collect();
    for a in &new_apps {
        let samples: Vec<TelemetryRecord> = d.extended.samples_of(&a.application_id);
        let views: Vec<_> = samples.iter().map(TelemetryRecord::view).collect();
        snapshot
            .append(&a.view(), &views, &[])
            .expect("a new application");
    }
    for (id, s) in &d.extended.telemetry[d.world.telemetry.len()..] {
        if known.contains(id.as_str()) {
            snapshot
                .append_telemetry(id, &[s.view()])
                .expect("a held application");
        }
    }
    for (id, at, fraud) in &d.extended.labels[d.world.labels.len()..] {
        snapshot
            .append_label(id, *at, *fraud)
            .expect("a held application");
    }
    snapshot
}

/// The property; `Err` names the path and the first feature that differs.
fn point_in_time_holds(case: &Case) -> Result<(), String> {
    let d = draw(case);
    let refs = &*REFS;
    let batch = d.world.batch(refs);
    let batch_extended = d.extended.batch(refs);
    let expect = |what: &str, got: &[f32], want: &[f32]| match first_difference(got, want) {
        None => Ok(()),
        Some(diff) => Err(format!("{what}: {diff}")),
    };
    // Appending later rows changes no feature of any application submitted at or before `t`
    // whose own telemetry they do not extend.
    for a in &d.world.apps {
        let id = &a.application_id;
        if a.submitted_at <= d.t && !d.later_telemetry_of.contains(id) {
            expect(
                &format!(
                    "batch, {id} at t{:+}, with later rows",
                    a.submitted_at - d.t
                ),
                &batch_extended[id],
                &batch[id],
            )?;
        }
    }
    // Batch equals single-application for every application of the world.
    let snapshot = d.world.snapshot(refs);
    for a in &d.world.apps {
        let id = &a.application_id;
        expect(
            &format!("snapshot holding {id}"),
            &d.world.single(&snapshot, id),
            &batch[id],
        )?;
    }
    let want = &batch[&d.query];
    expect(
        "query scored as new",
        &d.world
            .single(&d.world.without(&d.query).snapshot(refs), &d.query),
        want,
    )?;
    expect(
        "query in a snapshot of the world with later rows",
        &d.world.single(&d.extended.snapshot(refs), &d.query),
        want,
    )?;
    expect(
        "query after appending the later rows to the snapshot",
        &d.world.single(&appended_snapshot(&d), &d.query),
        want,
    )?;
    Ok(())
}

/// 48 cases by default (a few seconds in a debug build); `PROPTEST_CASES` sets another count.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rows_at_or_after_t_never_change_features_at_t_and_both_paths_agree(case in case_strategy()) {
        point_in_time_holds(&case).map_err(TestCaseError::fail)?;
    }
}

/// The property check can fail: the same check, handed a "later" sample of another
/// application dated one microsecond before `t` (which is history, not a later row), reports
/// the device feature it changes.
#[test]
fn the_property_check_reports_a_row_before_t() {
    let a = AppSpec {
        tick: 4,
        email: 0,
        ip: None,
        device: Some(2),
        address: None,
        phone: None,
        resume: None,
    };
    let b = AppSpec {
        tick: 0,
        email: 2,
        device: None,
        ..a.clone()
    };
    let mut case = Case {
        apps: vec![a, b],
        samples: vec![],
        labels: vec![],
        query: 0,
        later: Later {
            apps: vec![],
            samples: vec![SampleSpec {
                app: 1,
                tick: 0,
                nudge: 0,
                ip: None,
                device: Some(2),
            }],
            labels: vec![],
        },
    };
    assert_eq!(point_in_time_holds(&case), Ok(()));
    case.later.samples[0].nudge = -1;
    let err = point_in_time_holds(&case).expect_err("a row before t is not a later row");
    assert!(
        err.starts_with("batch, app-0 at t+0, with later rows: shared_device_apps_30d: 1 vs 0"),
        "{err}"
    );
}
