//! Phase one: who applies when. Cheap and sequential, so that the exact number of legitimate and
//! fraudulent applications per quarter follows the drift curve; everything else about the
//! actors is drawn later, in parallel, from per-actor random streams.

use appfraud_core::primitives::{MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_SECOND};

use crate::rng::Rng;

/// Hiring volume grows this much per quarter.
pub(crate) const VOLUME_GROWTH: f64 = 1.05;
/// Fraud share of applications in the first quarter.
pub const FRAUD_SHARE_START: f64 = 0.02;
/// Fraud share grows by this factor every quarter (+27% quarter over quarter).
pub const FRAUD_SHARE_GROWTH: f64 = 1.27;
/// The fraud share never exceeds this.
pub const FRAUD_SHARE_CAP: f64 = 0.5;

/// A legitimate household: one or more people at one address, each with application times.
#[derive(Debug)]
pub(crate) struct HouseholdPlan {
    pub key: u64,
    pub members: Vec<Vec<i64>>,
}

/// A laptop farm: identities with application times. `burst` marks an application scripted in
/// the same batch as the farm's previous one (same microsecond).
#[derive(Debug)]
pub(crate) struct FarmPlan {
    pub key: u64,
    pub start_quarter: u32,
    pub stealth: bool,
    pub identities: Vec<Vec<(i64, bool)>>,
}

/// A lone operative with a stolen identity.
#[derive(Debug)]
pub(crate) struct LonePlan {
    pub key: u64,
    pub quarter: u32,
    pub stealth: bool,
    pub times: Vec<i64>,
}

#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub households: Vec<HouseholdPlan>,
    pub farms: Vec<FarmPlan>,
    pub lone: Vec<LonePlan>,
}

/// Fraud share of quarter `q`.
pub fn fraud_share(q: u32) -> f64 {
    (FRAUD_SHARE_START * FRAUD_SHARE_GROWTH.powi(q as i32)).min(FRAUD_SHARE_CAP)
}

/// Position of quarter `q` in the window, 0 at the first quarter and 1 at the last.
pub(crate) fn progress(q: u32, quarters: u32) -> f64 {
    if quarters <= 1 {
        0.0
    } else {
        f64::from(q) / f64::from(quarters - 1)
    }
}

/// Applications per quarter, summing to `total`.
pub(crate) fn volumes(total: usize, quarters: u32) -> Vec<usize> {
    let w: Vec<f64> = (0..quarters)
        .map(|q| VOLUME_GROWTH.powi(q as i32))
        .collect();
    let sum: f64 = w.iter().sum();
    let mut v: Vec<usize> = w
        .iter()
        .map(|x| (total as f64 * x / sum).floor() as usize)
        .collect();
    let mut rest = total - v.iter().sum::<usize>();
    let mut i = v.len();
    while rest > 0 {
        i = if i == 0 { v.len() - 1 } else { i - 1 };
        v[i] += 1;
        rest -= 1;
    }
    v
}

fn time_in(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    rng.range(lo as u64, hi as u64) as i64
}

/// Builds the plan for `total` applications over quarters bounded by `bounds`.
pub(crate) fn plan(total: usize, bounds: &[i64], rng: &mut Rng) -> Plan {
    let quarters = (bounds.len() - 1) as u32;
    let mut plan = Plan::default();
    let mut next_key = 0u64;
    let mut key = || {
        next_key += 1;
        next_key
    };
    // Farms that continue into the current quarter.
    let mut active: Vec<usize> = Vec::new();

    for (q, &n_q) in volumes(total, quarters).iter().enumerate() {
        let q = q as u32;
        let (qs, qe) = (bounds[q as usize], bounds[q as usize + 1]);
        let prog = progress(q, quarters);
        let fraud_q = (n_q as f64 * fraud_share(q)).round() as usize;
        let mut legit_left = n_q - fraud_q;

        // Legitimate applicants: new households, plus earlier applicants who apply again.
        while legit_left > 0 {
            if !plan.households.is_empty() && rng.chance(0.08) {
                let h = rng.index(plan.households.len());
                let m = rng.index(plan.households[h].members[..].len());
                plan.households[h].members[m].push(time_in(rng, qs, qe));
                legit_left -= 1;
                continue;
            }
            let size = if rng.chance(0.05) {
                2 + rng.index(3)
            } else {
                1
            };
            let mut members = Vec::with_capacity(size);
            for _ in 0..size {
                if legit_left == 0 {
                    break;
                }
                let k = (1 + rng.geometric(0.55) as usize).min(6).min(legit_left);
                legit_left -= k;
                let first = time_in(rng, qs, qe);
                let mut times = vec![first];
                let mut t = first;
                for _ in 1..k {
                    t += (rng.exponential(18.0) * MICROS_PER_DAY as f64) as i64 + MICROS_PER_HOUR;
                    times.push(if t < qe { t } else { time_in(rng, qs, qe) });
                }
                members.push(times);
            }
            plan.households.push(HouseholdPlan {
                key: key(),
                members,
            });
        }

        // Fraud: farms take a growing part of it.
        let farm_q = (fraud_q as f64 * (0.55 + 0.2 * prog)).round() as usize;
        let mut lone_left = fraud_q - farm_q;
        active.retain(|_| rng.chance(0.65));
        let mut capacity: Vec<(usize, usize)> = active
            .iter()
            .map(|&f| (f, rng.lognormal(12.0, 0.6).clamp(3.0, 60.0) as usize))
            .collect();
        let mut farm_left = farm_q;
        let mut slot = 0;
        while farm_left > 0 {
            if slot >= capacity.len() {
                let stealth = rng.chance(0.08 + 0.3 * prog);
                plan.farms.push(FarmPlan {
                    key: key(),
                    start_quarter: q,
                    stealth,
                    identities: Vec::new(),
                });
                let f = plan.farms.len() - 1;
                active.push(f);
                capacity.push((f, rng.lognormal(12.0, 0.6).clamp(3.0, 60.0) as usize));
            }
            let (f, cap) = capacity[slot];
            let take = cap.min(farm_left);
            let farm = &mut plan.farms[f];
            let mut last: Option<i64> = None;
            for _ in 0..take {
                let reuse = farm
                    .identities
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.len() < 8)
                    .count();
                let id = if reuse == 0 || (farm.identities.len() < 25 && rng.chance(0.45)) {
                    farm.identities.push(Vec::new());
                    farm.identities.len() - 1
                } else {
                    let open: Vec<usize> = (0..farm.identities.len())
                        .filter(|&i| farm.identities[i].len() < 8)
                        .collect();
                    *rng.pick(&open)
                };
                let (t, burst) = match last {
                    Some(l) if rng.chance(0.1) => (l, true),
                    Some(l) if rng.chance(0.3) => {
                        let t = l
                            + (rng.exponential(2.0) * MICROS_PER_HOUR as f64) as i64
                            + MICROS_PER_SECOND;
                        (if t < qe { t } else { time_in(rng, qs, qe) }, false)
                    }
                    _ => (time_in(rng, qs, qe), false),
                };
                last = Some(t);
                farm.identities[id].push((t, burst));
            }
            farm_left -= take;
            slot += 1;
        }

        // Lone operatives: one to three applications within two weeks.
        while lone_left > 0 {
            let k = (1 + rng.geometric(0.6) as usize).min(3).min(lone_left);
            lone_left -= k;
            let first = time_in(rng, qs, qe);
            let times = (0..k)
                .map(|i| {
                    let t = first
                        + if i == 0 {
                            0
                        } else {
                            (rng.uniform(0.1, 14.0) * MICROS_PER_DAY as f64) as i64
                        };
                    if t < qe { t } else { time_in(rng, qs, qe) }
                })
                .collect();
            let stealth = rng.chance(0.1 + 0.3 * prog);
            plan.lone.push(LonePlan {
                key: key(),
                quarter: q,
                stealth,
                times,
            });
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_sum_to_the_total() {
        for total in [1, 7, 1000, 20_001] {
            assert_eq!(volumes(total, 8).iter().sum::<usize>(), total);
        }
    }

    #[test]
    fn plan_has_exact_counts_per_quarter() {
        let bounds: Vec<i64> = (0..=4).map(|q| q * 90 * MICROS_PER_DAY).collect();
        let mut rng = Rng::new(1, 2);
        let p = plan(10_000, &bounds, &mut rng);
        let legit: usize = p
            .households
            .iter()
            .flat_map(|h| &h.members)
            .map(Vec::len)
            .sum();
        let farm: usize = p
            .farms
            .iter()
            .flat_map(|f| &f.identities)
            .map(Vec::len)
            .sum();
        let lone: usize = p.lone.iter().map(|l| l.times.len()).sum();
        assert_eq!(legit + farm + lone, 10_000);
        // Expected fraud count: sum over quarters of round(n_q * 0.02 * 1.27^q).
        let expected: usize = volumes(10_000, 4)
            .iter()
            .enumerate()
            .map(|(q, &n)| (n as f64 * fraud_share(q as u32)).round() as usize)
            .sum();
        assert_eq!(farm + lone, expected);
    }
}
