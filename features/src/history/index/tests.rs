//! History index tests. Expected values are worked out by hand from the definitions in the
//! module documentation (all counts are exact integers: tolerance 0).

use super::*;
use crate::history::keys::{EntityKeys, KeyKind};

const DAY: i64 = MICROS_PER_DAY;

fn keys(address: Option<u64>, device: Option<u64>, email: u64) -> EntityKeys {
    let mut k = EntityKeys::default();
    k.set(KeyKind::Address, address);
    k.set(KeyKind::Device, device);
    k.set(KeyKind::Email, Some(email));
    k
}

fn app(day: i64, address: Option<u64>, device: Option<u64>, identity: u64) -> ApplicationKeys {
    ApplicationKeys {
        submitted_at: day * DAY,
        identity,
        row: keys(address, device, identity),
    }
}

fn ask(index: &HistoryIndex, slot: Option<Slot>, a: ApplicationKeys) -> HistorySignals {
    index.query(&HistoryQuery {
        slot,
        keys: a,
        samples: &[],
    })
}

const ADDR: Option<u64> = Some(0xA);

#[test]
fn windows_identities_and_ties() {
    // Five applications at one address: days 0, 100, 300, 330 (twice, same instant).
    // Identities: 1, 1, 2, 3, 4.
    let apps = [
        app(0, ADDR, None, 1),
        app(100, ADDR, None, 1),
        app(300, ADDR, None, 2),
        app(330, ADDR, None, 3),
        app(330, ADDR, None, 4),
    ];
    let index = HistoryIndex::build(&apps, &[], &[]);
    let s = ask(&index, Some(3), apps[3]).by_kind[KeyKind::Address.index()];
    // Before day 330: days 0, 100, 300 (the twin at 330 is not before).
    assert_eq!(s.apps_before, 3);
    // Windows [t - w, t): 1 d → none; 7 d → none; 30 d → day 300; 90 d → 300; 365 d → 0 is
    // 330 days back (inside), so 0, 100, 300.
    assert_eq!(s.apps_in_window, [0, 0, 1, 1, 3]);
    // Identities 1 and 2 are earlier; the application's own identity 3 is not among them.
    assert_eq!(s.other_identities_before, 2);
    // Application 1 (identity 1, day 100): identity 1 appeared before (day 0) but is its own.
    let s1 = ask(&index, Some(1), apps[1]).by_kind[KeyKind::Address.index()];
    assert_eq!((s1.apps_before, s1.other_identities_before), (1, 0));
    // A kind the application does not have.
    let d = ask(&index, Some(3), apps[3]).by_kind[KeyKind::Device.index()];
    assert!(!d.present);
    assert_eq!(d, KeyStats::default());
}

#[test]
fn known_fraud_needs_label_before_t_and_link_before_t() {
    // A (day 0) and B (day 10) share a device; C (day 20) and D (day 40) ask about it.
    // A is labelled fraud on day 15 and cleared (not fraud) on day 30.
    // B is labelled fraud on day 20 exactly.
    let dev = Some(0xD);
    let apps = [
        app(0, None, dev, 1),
        app(10, None, dev, 2),
        app(20, None, dev, 3),
        app(40, None, dev, 4),
        app(30, None, dev, 5),
    ];
    let labels = [
        (0, 15 * DAY, true),
        (0, 30 * DAY, false),
        (1, 20 * DAY, true),
    ];
    let index = HistoryIndex::build(&apps, &[], &labels);
    let fraud = |slot: usize| {
        ask(&index, Some(slot as Slot), apps[slot]).by_kind[KeyKind::Device.index()].fraud_known
    };
    // Day 20: A's label (day 15) is known; B's (day 20) is not (labeled_at < t is strict).
    assert_eq!(fraud(2), 1);
    // Day 30: A's clearing label at day 30 is not yet known, B's is: 2.
    assert_eq!(fraud(4), 2);
    // Day 40: A is cleared, B still fraud: 1.
    assert_eq!(fraud(3), 1);
    // Day 10 (B itself): A's label comes later: 0.
    assert_eq!(fraud(1), 0);
}

#[test]
fn own_rows_are_subtracted_and_new_applications_match() {
    // Application 0 (day 5) has a telemetry sample on day 1 on device X, shared with
    // application 1 (day 3). Its own early sample must not count for itself.
    let dev = Some(0xD);
    let apps = [app(5, None, None, 1), app(3, None, dev, 2)];
    let mut sample_keys = EntityKeys::default();
    sample_keys.set(KeyKind::Device, dev);
    let sample = SampleKeys {
        event_at: DAY,
        keys: sample_keys.into(),
    };
    let index = HistoryIndex::build(&apps, &[(0, sample)], &[(0, 0, true)]);
    let q = HistoryQuery {
        slot: Some(0),
        keys: apps[0],
        samples: &[sample],
    };
    let s = index.query(&q).by_kind[KeyKind::Device.index()];
    // Before day 5 the device group has application 0 (day 1, itself) and 1 (day 3): 1 other.
    assert_eq!(s.apps_before, 1);
    assert_eq!(s.other_identities_before, 1);
    // Its own fraud label (known from day 0) is not a linked application's.
    assert_eq!(s.fraud_known, 0);
    // Components link application rows only; its row has no device: itself alone.
    assert_eq!(index.query(&q).component_size, 1);

    // The same application scored as new against an index of application 1 only.
    let only_other = HistoryIndex::build(&apps[1..], &[], &[]);
    let new = only_other.query(&HistoryQuery { slot: None, ..q });
    assert_eq!(new, index.query(&q));
}

#[test]
fn components_grow_through_chains_at_their_times() {
    // Day 1: A (address P, device X). Day 2: B (device X, address Q). Day 3: C (address Q).
    // Day 4: D (address P). At day 4, D joins {A, B, C} through P: size 4. At day 3, C joins
    // {A, B} through Q: size 3. Ask about a new E at day 2 with address Q: B is at day 2 (not
    // before), so Q has no earlier application: size 1.
    let (p, q) = (Some(1), Some(2));
    let x = Some(9);
    let apps = [
        app(1, p, x, 10),
        app(2, q, x, 11),
        app(3, q, None, 12),
        app(4, p, None, 13),
    ];
    let index = HistoryIndex::build(&apps, &[], &[]);
    assert_eq!(ask(&index, Some(3), apps[3]).component_size, 4);
    assert_eq!(ask(&index, Some(2), apps[2]).component_size, 3);
    assert_eq!(ask(&index, Some(1), apps[1]).component_size, 2);
    assert_eq!(ask(&index, Some(0), apps[0]).component_size, 1);
    assert_eq!(ask(&index, None, app(2, q, None, 14)).component_size, 1);
    // Clusters see every link: all four are one cluster; a stranger is its own.
    let with_stranger = HistoryIndex::build(
        &[
            apps[0],
            apps[1],
            apps[2],
            apps[3],
            app(5, Some(7), None, 15),
        ],
        &[],
        &[],
    );
    let c: Vec<u32> = (0..5).map(|s| with_stranger.cluster(s)).collect();
    assert!(c[..4].iter().all(|x| *x == c[0]));
    assert_ne!(c[4], c[0]);
}

// ---------------------------------------------------------------------------------------------
// Properties over small random worlds (proptest: drawn from values, so failures shrink to a
// minimal world). Times are whole days so that submissions, telemetry and labels collide.

use proptest::prelude::*;

/// Applications, telemetry samples by slot and labels by slot.
type World = (
    Vec<ApplicationKeys>,
    Vec<(Slot, SampleKeys)>,
    Vec<(Slot, i64, bool)>,
);

/// A key drawn from `1..=n` two times in three, else none; `base` keeps kinds apart.
fn small_key(n: u64, base: u64) -> impl Strategy<Value = Option<u64>> {
    proptest::option::weighted(0.67, (1..=n).prop_map(move |v| v + base))
}

/// One application on a day of `days`: identity, address, device, IP and phone keys.
fn application_keys(days: std::ops::Range<i64>) -> impl Strategy<Value = ApplicationKeys> {
    (
        days,
        0..12u64,
        small_key(6, 0),
        small_key(8, 0),
        small_key(5, 1000),
        small_key(6, 2000),
    )
        .prop_map(move |(day, identity, address, device, ip, phone)| {
            let identity = 100 + identity;
            let mut k = keys(address, device, identity);
            k.set(KeyKind::Ip, ip);
            k.set(KeyKind::Phone, phone);
            ApplicationKeys {
                submitted_at: day * DAY,
                identity,
                row: k,
            }
        })
}

/// A sample: which application (a position reduced modulo the count), its day relative to
/// that application's submission (from two days before), and its device and IP keys.
fn sample_draw() -> impl Strategy<Value = (usize, i64, Option<u64>, Option<u64>)> {
    (0..64usize, -2..8i64, small_key(8, 0), small_key(5, 1000))
}

/// A label: which application, days after its submission, the outcome.
fn label_draw() -> impl Strategy<Value = (usize, i64, bool)> {
    (0..64usize, 0..30i64, any::<bool>())
}

fn sample_keys(at: i64, device: Option<u64>, ip: Option<u64>) -> SampleKeys {
    let mut k = EntityKeys::default();
    k.set(KeyKind::Device, device);
    k.set(KeyKind::Ip, ip);
    SampleKeys {
        event_at: at,
        keys: k.into(),
    }
}

fn world() -> impl Strategy<Value = World> {
    (
        proptest::collection::vec(application_keys(0..60), 1..40),
        proptest::collection::vec(sample_draw(), 0..60),
        proptest::collection::vec(label_draw(), 0..30),
    )
        .prop_map(|(apps, samples, labels)| {
            let n = apps.len();
            let samples = samples
                .into_iter()
                .map(|(a, day, device, ip)| {
                    let slot = a % n;
                    let at = apps[slot].submitted_at + day * DAY;
                    (slot as Slot, sample_keys(at, device, ip))
                })
                .collect();
            let labels = labels
                .into_iter()
                .map(|(a, day, fraud)| {
                    let slot = a % n;
                    (slot as Slot, apps[slot].submitted_at + day * DAY, fraud)
                })
                .collect();
            (apps, samples, labels)
        })
}

/// Rows to append after a query time `t`: applications, samples and labels dated `t + day` with
/// `day ≥ 0` (so some exactly at `t`; applications carry `day` as their time); samples and
/// labels name any application of the world or of these, by position.
type LaterDraw = (
    Vec<ApplicationKeys>,
    Vec<(usize, i64, Option<u64>, Option<u64>)>,
    Vec<(usize, i64, bool)>,
);

fn later() -> impl Strategy<Value = LaterDraw> {
    (
        proptest::collection::vec(application_keys(0..4), 0..8),
        proptest::collection::vec(
            (0..64usize, 0..4i64, small_key(8, 0), small_key(5, 1000)),
            0..12,
        ),
        proptest::collection::vec((0..64usize, 0..4i64, any::<bool>()), 0..8),
    )
}

/// The samples of application `slot`, in order.
fn own_samples(samples: &[(Slot, SampleKeys)], slot: usize) -> Vec<SampleKeys> {
    samples
        .iter()
        .filter(|(s, _)| *s as usize == slot)
        .map(|(_, k)| *k)
        .collect()
}

fn all_answers(
    index: &HistoryIndex,
    apps: &[ApplicationKeys],
    samples: &[(Slot, SampleKeys)],
) -> Vec<HistorySignals> {
    (0..apps.len())
        .map(|slot| {
            let own = own_samples(samples, slot);
            index.query(&HistoryQuery {
                slot: Some(slot as Slot),
                keys: apps[slot],
                samples: &own,
            })
        })
        .collect()
}

fn config() -> ProptestConfig {
    // 64 cases by default; `PROPTEST_CASES` sets another count.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// The point-in-time property for one world, queried application and later rows.
fn check_point_in_time(
    (apps, samples, labels): World,
    query: usize,
    (later_apps, later_samples, later_labels): LaterDraw,
) -> Result<(), TestCaseError> {
    let q = query % apps.len();
    let t = apps[q].submitted_at;
    let mut all_apps = apps.clone();
    all_apps.extend(later_apps.iter().map(|a| ApplicationKeys {
        submitted_at: t + a.submitted_at,
        ..*a
    }));
    let n = all_apps.len();
    // Telemetry of any application but the queried one (its own telemetry counts at any
    // time): a sample drawn for it goes to the next application.
    let mut all_samples = samples.clone();
    let mut extended = std::collections::HashSet::new();
    for &(a, day, device, ip) in &later_samples {
        let slot = if a % n == q { (q + 1) % n } else { a % n };
        extended.insert(slot);
        all_samples.push((slot as Slot, sample_keys(t + day * DAY, device, ip)));
    }
    let mut all_labels = labels.clone();
    all_labels.extend(
        later_labels
            .iter()
            .map(|&(a, day, f)| ((a % n) as Slot, t + day * DAY, f)),
    );

    let index = HistoryIndex::build(&apps, &samples, &labels);
    let before = all_answers(&index, &apps, &samples);
    let after = all_answers(
        &HistoryIndex::build(&all_apps, &all_samples, &all_labels),
        &all_apps,
        &all_samples,
    );
    for (slot, app) in apps.iter().enumerate() {
        if app.submitted_at <= t && !extended.contains(&slot) {
            prop_assert_eq!(
                before[slot],
                after[slot],
                "application {} at t{:+} days",
                slot,
                (app.submitted_at - t) / DAY
            );
        }
    }
    // The queried application scored as new against everything else.
    let others: Vec<usize> = (0..apps.len()).filter(|&s| s != q).collect();
    let remap = |s: Slot| {
        others
            .iter()
            .position(|&o| o == s as usize)
            .map(|p| p as Slot)
    };
    let other_apps: Vec<ApplicationKeys> = others.iter().map(|&s| apps[s]).collect();
    let other_samples: Vec<(Slot, SampleKeys)> = samples
        .iter()
        .filter_map(|&(s, k)| Some((remap(s)?, k)))
        .collect();
    let other_labels: Vec<(Slot, i64, bool)> = labels
        .iter()
        .filter_map(|&(s, at, f)| Some((remap(s)?, at, f)))
        .collect();
    let own: Vec<SampleKeys> = samples
        .iter()
        .filter(|(s, _)| *s as usize == q)
        .map(|(_, k)| *k)
        .collect();
    let new =
        HistoryIndex::build(&other_apps, &other_samples, &other_labels).query(&HistoryQuery {
            slot: None,
            keys: apps[q],
            samples: &own,
        });
    prop_assert_eq!(new, before[q]);
    Ok(())
}

/// Appending applications one at a time in `order` (each with its first `split` samples, the
/// rest appended afterwards), then the labels, answers exactly as one build.
fn check_incremental(
    (apps, samples, labels): World,
    order: Vec<usize>,
    split: usize,
) -> Result<(), TestCaseError> {
    let built = HistoryIndex::build(&apps, &samples, &labels);
    let own_of = |i: usize| own_samples(&samples, i);
    let mut inc = HistoryIndex::new();
    let mut slot_of = vec![0 as Slot; apps.len()];
    for &i in &order {
        let own = own_of(i);
        slot_of[i] = inc.push_application(apps[i], &own[..own.len().min(split)], &[]);
    }
    for &i in order.iter().rev() {
        let own = own_of(i);
        inc.push_samples(slot_of[i], &own[own.len().min(split)..]);
    }
    for &(s, at, f) in &labels {
        inc.push_label(slot_of[s as usize], at, f);
    }
    let expected = all_answers(&built, &apps, &samples);
    for (i, want) in expected.into_iter().enumerate() {
        let got = inc.query(&HistoryQuery {
            slot: Some(slot_of[i]),
            keys: apps[i],
            samples: &own_of(i),
        });
        prop_assert_eq!(got, want, "application {}", i);
    }
    Ok(())
}

/// Appending the applications in `order` in `batches` calls of [`HistoryIndex::extend`]
/// (samples and labels in their application's batch or a later one) answers exactly as one
/// build; so does [`HistoryIndex::query_held`], on both.
fn check_extend(
    (apps, samples, labels): World,
    order: Vec<usize>,
    batches: usize,
) -> Result<(), TestCaseError> {
    let built = HistoryIndex::build(&apps, &samples, &labels);
    let own_of = |i: usize| own_samples(&samples, i);
    let n = apps.len();
    let per_batch = n.div_ceil(batches);
    let mut batch_of = vec![0usize; n];
    let mut slot_of = vec![0 as Slot; n];
    for (k, &i) in order.iter().enumerate() {
        batch_of[i] = k / per_batch;
        slot_of[i] = k as Slot;
    }
    // A row goes to its application's batch or, by its position, a later one.
    let later = |owner: usize, row: usize| batch_of[owner] + row % (batches - batch_of[owner]);
    let mut inc = HistoryIndex::new();
    for b in 0..batches {
        let new: Vec<ApplicationKeys> = order
            .iter()
            .filter(|&&i| batch_of[i] == b)
            .map(|&i| apps[i])
            .collect();
        let batch_samples: Vec<(Slot, SampleKeys)> = samples
            .iter()
            .enumerate()
            .filter(|(row, (s, _))| later(*s as usize, *row) == b)
            .map(|(_, (s, k))| (slot_of[*s as usize], *k))
            .collect();
        let batch_labels: Vec<(Slot, i64, bool)> = labels
            .iter()
            .enumerate()
            .filter(|(row, (s, _, _))| later(*s as usize, *row) == b)
            .map(|(_, &(s, at, f))| (slot_of[s as usize], at, f))
            .collect();
        inc.extend(&new, &batch_samples, &batch_labels);
    }
    let expected = all_answers(&built, &apps, &samples);
    for (i, want) in expected.into_iter().enumerate() {
        let got = inc.query(&HistoryQuery {
            slot: Some(slot_of[i]),
            keys: apps[i],
            samples: &own_of(i),
        });
        prop_assert_eq!(got, want, "application {} after extend", i);
        prop_assert_eq!(
            inc.query_held(slot_of[i]),
            want,
            "held query of {} after extend",
            i
        );
        prop_assert_eq!(
            built.query_held(i as Slot),
            want,
            "held query of {} after build",
            i
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Batches appended with `extend`, in any order and with telemetry and labels arriving in
    /// later batches, equal one build; the held query equals the general one.
    #[test]
    fn extending_in_batches_equals_one_build(
        (w, order) in world().prop_flat_map(|w| {
            let n = w.0.len();
            (Just(w), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
        batches in 1..4usize,
    ) {
        check_extend(w, order, batches)?;
    }

    /// Appending applications, other applications' telemetry and labels dated at or after `t`
    /// changes no answer at `t`, for the queried application and for every application
    /// submitted at or before `t` whose own telemetry the appended rows do not extend; and
    /// the queried application's answer equals the one it gets as a new application.
    #[test]
    fn appending_rows_at_or_after_t_changes_no_answer_at_t(
        w in world(),
        query in 0..64usize,
        later in later(),
    ) {
        check_point_in_time(w, query, later)?;
    }

    /// Incremental appends in any order, telemetry split between the application and later
    /// appends, equal one build.
    #[test]
    fn incremental_appends_equal_one_build(
        (w, order) in world().prop_flat_map(|w| {
            let n = w.0.len();
            (Just(w), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
        split in 0..3usize,
    ) {
        check_incremental(w, order, split)?;
    }
}
