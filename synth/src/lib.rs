//! # appfraud-synth: synthetic applications with known fraud mechanics
//!
//! Writes a data directory exactly per `docs/input-contract.md` (applications, telemetry, labels,
//! reference files) whose ground truth is documented here, so that a reader knows what stands
//! behind every signal of `docs/signals.md`. Nothing in features, training or serving may depend on
//! this crate: it is a source of data, not a source of truth for the pipeline.
//!
//! ```no_run
//! use appfraud_synth::{GenerateParams, generate};
//! let params = GenerateParams::new().applications(20_000).seed(7).check()?;
//! let data = generate(&params);
//! data.write(std::path::Path::new("data"))?;
//! # Ok::<(), appfraud_synth::SynthError>(())
//! ```
//!
//! ## How it is generated
//!
//! Three phases, each deterministic for a seed and independent of the number of threads:
//!
//! 1. **Plan** (sequential, cheap): the window is `quarters` calendar quarters from `start`;
//!    hiring volume grows 5% a quarter; the fraud share starts at 2% and grows **27% per
//!    quarter** (capped at 50%). Each quarter's exact number of legitimate and fraudulent
//!    applications is filled by actors: households of legitimate people (8% of legitimate slots
//!    go to earlier applicants applying again), laptop farms (55% of fraud at the start, 75% at
//!    the end) and lone operatives.
//! 2. **Actors** (parallel, one random stream per actor): identities and their applications.
//! 3. **Telemetry** (parallel, one stream per application): sessions and samples.
//!
//! Applications are then ordered by `submitted_at` (ties broken by a random key) and given
//! opaque ids. The data set is "as of" the end of the window: telemetry samples and labels that
//! would come later are not written.
//!
//! ## Legitimate population
//!
//! People in 14 countries (64% US), each with a home city whose IANA zone gives the offsets
//! their browser reports (daylight-saving time included: Arizona, Hawaii, Queensland, Mexico
//! City and Brazil have none, the Canaries and Adelaide have their own). Phone numbers use real
//! numbering-plan prefixes and local writing styles ("(415) 555-0134", "0151 23456789",
//! "+44 7911 123456"); 22% write an international form ("+1 …", "+1415…") and 2% something
//! unusual. One person's applications share name, e-mail, phone, address, home IP and (88% of
//! the time) device.
//! Applications come at waking hours in the applicant's zone. Households (5%) share address,
//! home IP and sometimes a device; 12% live in apartment buildings shared with strangers (same
//! street address, another unit). Mobile users share carrier-NAT addresses; VPN users share exits.
//!
//! Hard negatives, each an independent trait: VPN users (7%), privacy-relay users (4%),
//! travellers (3%: foreign IP and time zone on some applications), satellite links (1.2% of US:
//! ~600 ms input lag, no remote tool), corporate VDI (2%: `rdp`/`citrix`, virtual machine,
//! business IP, 45 ms lag), developers in VMs (2%), revived dormant profiles (8%: a quiet spell
//! of 1–6 years then a burst of edits), fresh graduates with new profiles (10%), mid-career
//! degrees (4%: recent graduation with many years of experience), a popular public resume
//! template (3%), a phone from another country (4%) or another region (15%), browsers that
//! report UTC (1%), rare data-entry slips in years, rare malformed or private IPs, rare negative
//! latencies from clock skew.
//!
//! Labels: 75% of legitimate applications are cleared 2–200 days later (median 21), 0.2% of
//! them wrongly labeled fraud.
//!
//! ## Laptop farms
//!
//! A US facilitator hosts laptops for several identities (new identities keep joining; each
//! applies up to 8 times, sometimes in scripted batches with the exact same timestamp):
//!
//! - **Shared entities**: one shipping address written in varying spellings (suffix long or
//!   short, `Apt`/`#`/`Unit`, state name or code, ZIP+4, case, dropped comma); IPs rotating in
//!   the farm's residential /24 (60% of submissions), VPN exits (30%) or elsewhere; laptops
//!   per identity and a few shared devices; sessions from the farm's /24 in the farm's zone.
//! - **Remote control**: software (AnyDesk, TeamViewer, ...: 90–260 ms input lag, the tool
//!   detected in 60% of sessions early on and 25% late) or a hardware KVM (no tool, local lag,
//!   typing intervals of 25–60 ms in bursts, KVM capture resolutions such as 1024x768). KVMs
//!   rise from 20% to 80% of new farms over the window.
//! - **Per-row tells**, each firing at random with a farm-specific strength: the browser clock
//!   of the operator's zone (UTC+3…+10) on submission and in some sessions; unusual, invalid or
//!   foreign phone numbers; high-risk institutions written with typos, case changes or aliases;
//!   inconsistent education dates (more experience than years since graduation, graduation in
//!   the future or in childhood); hijacked dormant profiles (old account, quiet for 2–7 years,
//!   edit burst, link slug of another name: rising from 20% to 80% of profile tells) or brand-new
//!   profiles; a shared resume template with light edits; e-mail unrelated to the name;
//!   submissions at the operator's office hours (US night).
//! - **Stealth farms** (8% → 38% over the window) show almost no per-row tells, spread
//!   shipments over several drop addresses and work US hours; they are caught less often.
//!
//! ## Lone stolen identities
//!
//! One identity, one to three applications within two weeks: e-mail unrelated to the name
//! (70%), anonymising networks (VPN, Tor, hosting, relay), the operator's clock (60%), virtual
//! machines (60%), remote tools (25%), a "kit" resume template shared among operatives (30%).
//! Stealth variants use residential addresses, the claimed zone and their own resume.
//!
//! ## Label delay
//!
//! Fraud is caught 7–300 days after the application (median 45) with probability 92% (55% for
//! stealth); half of the uncaught are cleared by mistake (labeled not fraud). Only labels known
//! before the end of the window are written, so the newest applications are mostly unlabeled.

mod actors;
mod education;
mod error;
mod geo;
mod model;
mod network;
mod params;
mod people;
mod plan;
mod resume;
mod rng;
mod telemetry;
mod write;

use rayon::prelude::*;

pub use error::SynthError;
pub use model::{Control, Scheme, Truth};
pub use params::{GenerateParams, ValidGenerateParams};
pub use plan::{FRAUD_SHARE_CAP, FRAUD_SHARE_GROWTH, FRAUD_SHARE_START, fraud_share};
pub use write::WriteSummary;

use model::AppRecord;
use telemetry::TelemetryColumns;

/// A generated data set, in memory.
#[derive(Debug)]
pub struct Synthetic {
    apps: Vec<AppRecord>,
    ids: Vec<String>,
    telemetry: TelemetryColumns,
    ip_ranges_csv: String,
    risky_csv: String,
    as_of: i64,
    quarter_bounds: Vec<i64>,
}

impl Synthetic {
    /// Number of applications.
    pub fn applications(&self) -> usize {
        self.apps.len()
    }

    /// Number of telemetry rows.
    pub fn telemetry_rows(&self) -> usize {
        self.telemetry.len()
    }

    /// The end of the window, microseconds since the epoch: nothing at or after it is written.
    pub fn as_of_micros(&self) -> i64 {
        self.as_of
    }

    /// Quarter boundaries (microseconds since the epoch): quarter `q` is `[b[q], b[q+1])`.
    pub fn quarter_bounds(&self) -> &[i64] {
        &self.quarter_bounds
    }

    /// Application ids, submission times and truth, in file order.
    pub fn truth(&self) -> impl Iterator<Item = (&str, i64, &Truth)> {
        self.ids
            .iter()
            .zip(&self.apps)
            .map(|(id, a)| (id.as_str(), a.submitted_at, &a.truth))
    }
}

/// Opaque, unique application id for position `i`: a bijection of 40-bit integers keyed by the
/// seed, so ids reveal neither order nor time.
fn application_id(i: u64, seed: u64) -> String {
    const MASK: u64 = (1 << 40) - 1;
    let mut x = i & MASK;
    x = x.wrapping_mul(0x9e37_79b9_7f4b) & MASK; // odd multiplier: invertible mod 2^40
    x ^= x >> 20;
    x = (x + (rng::mix64(seed) & MASK)) & MASK;
    x = x.wrapping_mul(0xbf58_476d_1ce5) & MASK;
    x ^= x >> 17;
    format!("app-{x:010x}")
}

/// Generates a data set. Deterministic: the same parameters give identical data, whatever the
/// number of threads.
pub fn generate(params: &ValidGenerateParams) -> Synthetic {
    let (seed, applications) = (params.seed(), params.applications());
    let bounds = params.quarter_bounds();
    let as_of = *bounds.last().unwrap_or(&0);
    let mut rng = rng::Rng::new(seed, 0);
    let plan = plan::plan(applications, &bounds, &mut rng);
    let risky = education::risky_institutions();
    let network = network::Network::build();
    let world = actors::World {
        seed,
        bounds: bounds.clone(),
        popular_template: resume::Template::new(&mut rng.fork(1)),
        kit_template: resume::Template::new(&mut rng.fork(2)),
        buildings_per_city: (applications as u64 / 4000).max(3),
        ip_ranges_csv: network.to_csv(),
        risky_csv: education::risky_csv(&risky),
        network,
        risky,
    };

    let mut apps: Vec<AppRecord> = plan
        .households
        .par_iter()
        .flat_map_iter(|h| actors::household(&world, h))
        .chain(
            plan.farms
                .par_iter()
                .flat_map_iter(|f| actors::farm(&world, f)),
        )
        .chain(
            plan.lone
                .par_iter()
                .flat_map_iter(|l| actors::lone(&world, l)),
        )
        .collect();
    apps.par_sort_unstable_by_key(|a| (a.submitted_at, a.tiebreak));
    let ids: Vec<String> = (0..apps.len() as u64)
        .map(|i| application_id(i, seed))
        .collect();

    let chunk = 4096;
    let telemetry = apps
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, part)| {
            let mut cols = TelemetryColumns::default();
            for (j, a) in part.iter().enumerate() {
                let idx = (c * chunk + j) as u32;
                telemetry::sessions(seed, idx, a.submitted_at, &a.sessions, as_of, &mut cols);
            }
            cols
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(TelemetryColumns::default(), |mut acc, part| {
            acc.append(part);
            acc
        });

    Synthetic {
        apps,
        ids,
        telemetry,
        ip_ranges_csv: world.ip_ranges_csv,
        risky_csv: world.risky_csv,
        as_of,
        quarter_bounds: bounds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_ids_are_unique() {
        let mut ids: Vec<String> = (0..200_000).map(|i| application_id(i, 42)).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 200_000);
    }
}
