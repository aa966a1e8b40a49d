//! History index tests. Expected values are worked out by hand from the definitions in the
//! module documentation (all counts are exact integers: tolerance 0).

use super::*;
use crate::history::keys::{EntityKeys, KeyKind};
use appfraud_core::primitives::SplitMix64;

const DAY: i64 = MICROS_PER_DAY;

fn keys(address: Option<u64>, device: Option<u64>, email: u64) -> EntityKeys {
    let mut k = EntityKeys::default();
    k.keys[KeyKind::Address.index()] = address;
    k.keys[KeyKind::Device.index()] = device;
    k.keys[KeyKind::Email.index()] = Some(email);
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
    sample_keys.keys[KeyKind::Device.index()] = dev;
    let sample = SampleKeys {
        event_at: DAY,
        keys: sample_keys,
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

/// Deterministic draws for random tests.
struct Rng(SplitMix64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Applications, telemetry samples by slot and labels by slot.
type World = (
    Vec<ApplicationKeys>,
    Vec<(Slot, SampleKeys)>,
    Vec<(Slot, i64, bool)>,
);

fn random_world(seed: u64, n: usize) -> World {
    let mut rng = Rng(SplitMix64::new(seed));
    let small = |rng: &mut Rng, n: u64| (rng.below(3) > 0).then(|| 1 + rng.below(n));
    let apps: Vec<ApplicationKeys> = (0..n)
        .map(|_| {
            // Coarse times so that ties are common.
            let day = rng.below(60) as i64;
            let identity = 100 + rng.below(n as u64 / 2 + 1);
            let mut k = keys(small(&mut rng, 8), small(&mut rng, 12), identity);
            k.keys[KeyKind::Ip.index()] = small(&mut rng, 6).map(|v| v + 1000);
            k.keys[KeyKind::Phone.index()] = small(&mut rng, 10).map(|v| v + 2000);
            ApplicationKeys {
                submitted_at: day * DAY,
                identity,
                row: k,
            }
        })
        .collect();
    let mut samples = Vec::new();
    for (slot, app) in apps.iter().enumerate() {
        for _ in 0..rng.below(3) {
            let mut k = EntityKeys::default();
            k.keys[KeyKind::Device.index()] = small(&mut rng, 12);
            k.keys[KeyKind::Ip.index()] = small(&mut rng, 6).map(|v| v + 1000);
            let at = app.submitted_at + (rng.below(10) as i64 - 2) * DAY;
            samples.push((
                slot as Slot,
                SampleKeys {
                    event_at: at,
                    keys: k,
                },
            ));
        }
    }
    let mut labels = Vec::new();
    for (slot, app) in apps.iter().enumerate() {
        for _ in 0..rng.below(3) {
            let at = app.submitted_at + rng.below(30) as i64 * DAY;
            labels.push((slot as Slot, at, rng.below(2) == 0));
        }
    }
    (apps, samples, labels)
}

fn all_answers(
    index: &HistoryIndex,
    apps: &[ApplicationKeys],
    samples: &[(Slot, SampleKeys)],
) -> Vec<HistorySignals> {
    (0..apps.len())
        .map(|slot| {
            let own: Vec<SampleKeys> = samples
                .iter()
                .filter(|(s, _)| *s as usize == slot)
                .map(|(_, k)| *k)
                .collect();
            index.query(&HistoryQuery {
                slot: Some(slot as Slot),
                keys: apps[slot],
                samples: &own,
            })
        })
        .collect()
}

#[test]
fn appending_later_rows_changes_no_earlier_answer() {
    for seed in 0..20 {
        let (apps, samples, labels) = random_world(seed, 300);
        // Cut at day 40: the history of everything before it, then everything.
        let cut = 40 * DAY;
        let early: Vec<usize> = (0..apps.len())
            .filter(|&i| apps[i].submitted_at < cut)
            .collect();
        let remap: HashMap<usize, Slot> = early
            .iter()
            .enumerate()
            .map(|(new, &old)| (old, new as Slot))
            .collect();
        let early_apps: Vec<ApplicationKeys> = early.iter().map(|&i| apps[i]).collect();
        // Telemetry of early applications stays (their own rows, any time); labels of any
        // application that became known at or after the cut are later rows and are dropped.
        let early_samples: Vec<(Slot, SampleKeys)> = samples
            .iter()
            .filter_map(|(s, k)| Some((*remap.get(&(*s as usize))?, *k)))
            .collect();
        let early_labels: Vec<(Slot, i64, bool)> = labels
            .iter()
            .filter(|(_, at, _)| *at < cut)
            .filter_map(|(s, at, f)| Some((*remap.get(&(*s as usize))?, *at, *f)))
            .collect();
        let before = all_answers(
            &HistoryIndex::build(&early_apps, &early_samples, &early_labels),
            &early_apps,
            &early_samples,
        );
        let full = all_answers(
            &HistoryIndex::build(&apps, &samples, &labels),
            &apps,
            &samples,
        );
        for (new, &old) in early.iter().enumerate() {
            // A later application's telemetry dated before `t` is a row before `t` and counts
            // (samples here may precede their own submission by 2 days): the invariant is
            // about rows dated at or after `t`, so skip applications that such a sample
            // reaches.
            let t = apps[old].submitted_at;
            let leaked = samples
                .iter()
                .any(|(s, k)| apps[*s as usize].submitted_at >= cut && k.event_at < t);
            if !leaked {
                assert_eq!(before[new], full[old], "seed {seed}, application {old}");
            }
        }
    }
}

#[test]
fn incremental_appends_equal_one_build() {
    for seed in 0..10 {
        let (apps, samples, labels) = random_world(seed, 200);
        let built = HistoryIndex::build(&apps, &samples, &labels);
        // Append in a shuffled order: applications with their samples, then labels.
        let mut order: Vec<usize> = (0..apps.len()).collect();
        let mut rng = Rng(SplitMix64::new(seed ^ 0xABCD));
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut inc = HistoryIndex::new();
        let mut slot_of = vec![0 as Slot; apps.len()];
        for &i in &order {
            let own: Vec<SampleKeys> = samples
                .iter()
                .filter(|(s, _)| *s as usize == i)
                .map(|(_, k)| *k)
                .collect();
            slot_of[i] = inc.push_application(apps[i], &own, &[]);
        }
        for &(s, at, f) in &labels {
            inc.push_label(slot_of[s as usize], at, f);
        }
        let a = all_answers(&built, &apps, &samples);
        for i in 0..apps.len() {
            let own: Vec<SampleKeys> = samples
                .iter()
                .filter(|(s, _)| *s as usize == i)
                .map(|(_, k)| *k)
                .collect();
            let b = inc.query(&HistoryQuery {
                slot: Some(slot_of[i]),
                keys: apps[i],
                samples: &own,
            });
            assert_eq!(a[i], b, "seed {seed}, application {i}");
        }
    }
}
