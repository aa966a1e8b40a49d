//! Phase two: every actor of the plan becomes applications, each from its own random stream.
//!
//! See the crate documentation for the mechanics; the probabilities live next to the code that
//! uses them, named where they matter.

use appfraud_core::primitives::{MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE};
use chrono::{DateTime, Datelike, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::education::{self, DEGREES, INSTITUTIONS, MAJORS, RiskyInstitution};
use crate::geo::{
    self, AddressStyle, COUNTRIES, City, Country, FOREIGN_MOBILES, OPERATOR_ZONES, Region,
    TRAVEL_ZONES,
};
use crate::model::{AppRecord, Clock, Control, Scheme, SessionPlan, Truth};
use crate::network::{Access, Network, v4_slash24_address};
use crate::people::{self, Name, PhoneStyle};
use crate::plan::{FarmPlan, HouseholdPlan, LonePlan, progress};
use crate::resume::{self, Template};
use crate::rng::Rng;

const YEAR_US: i64 = 365 * MICROS_PER_DAY + MICROS_PER_DAY / 4;

/// Read-only context shared by all actors.
pub(crate) struct World {
    pub seed: u64,
    pub bounds: Vec<i64>,
    pub network: Network,
    pub risky: Vec<RiskyInstitution>,
    /// A popular public resume template some legitimate applicants start from.
    pub popular_template: Template,
    /// A "kit" template sold to lone operatives.
    pub kit_template: Template,
    /// Apartment buildings per city (shared by unrelated households).
    pub buildings_per_city: u64,
    pub ip_ranges_csv: String,
    pub risky_csv: String,
}

const USER_AGENTS: &[(&str, f64)] = &[
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        0.34,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        0.18,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        0.14,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
        0.1,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
        0.06,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
        0.06,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        0.05,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        0.04,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
        0.03,
    ),
];
const COMMON_SCREENS: &[(&str, f64)] = &[
    ("1920x1080", 0.36),
    ("2560x1440", 0.14),
    ("1536x864", 0.1),
    ("1440x900", 0.08),
    ("1366x768", 0.08),
    ("2560x1600", 0.07),
    ("3840x2160", 0.06),
    ("1680x1050", 0.04),
    ("3024x1964", 0.04),
    ("1280x800", 0.03),
];
/// Resolutions KVM capture devices report (EDID defaults) and that real laptops rarely have.
pub(crate) const KVM_SCREENS: &[&str] =
    &["1024x768", "1280x720", "1280x1024", "800x600", "1600x1200"];
const SOFTWARE_TOOLS: &[(&str, f64)] = &[
    ("anydesk", 0.35),
    ("teamviewer", 0.25),
    ("chrome_remote_desktop", 0.2),
    ("vnc", 0.1),
    ("rustdesk", 0.1),
];
const KVM_TOOLS: &[&str] = &["pikvm", "tinypilot"];
const SUFFIXES: &[(&str, &str)] = &[
    ("St", "Street"),
    ("Ave", "Avenue"),
    ("Rd", "Road"),
    ("Blvd", "Boulevard"),
    ("Dr", "Drive"),
    ("Ln", "Lane"),
];

fn utc_offset_min(clock: Clock, at_us: i64) -> i32 {
    match clock {
        Clock::Fixed(m) => m,
        Clock::Zone(tz) => offset_min(tz, at_us),
    }
}

/// UTC offset of `tz` at instant `at_us`, in minutes (UTC-5 is -300).
pub(crate) fn offset_min(tz: Tz, at_us: i64) -> i32 {
    let dt = DateTime::<Utc>::from_timestamp_micros(at_us).unwrap_or_default();
    tz.offset_from_utc_datetime(&dt.naive_utc())
        .fix()
        .local_minus_utc()
        / 60
}

/// Moves `t` to a time of day drawn from `hours` (local hour weights) in `tz`, on the same local
/// day, kept inside `[lo, hi)`.
pub(crate) fn at_local_hour(
    t: i64,
    tz: Tz,
    hours: &[f64; 24],
    lo: i64,
    hi: i64,
    rng: &mut Rng,
) -> i64 {
    let off = i64::from(offset_min(tz, t)) * MICROS_PER_MINUTE;
    let local_day = (t + off).div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY;
    let hour = rng.weighted(hours) as i64;
    let within = rng.range(0, MICROS_PER_HOUR as u64) as i64;
    let t = local_day - off + hour * MICROS_PER_HOUR + within;
    // Stay inside the quarter by moving whole days, never by piling rows onto its boundary.
    if t < lo {
        (t + MICROS_PER_DAY).min(hi - 1)
    } else if t >= hi {
        (t - MICROS_PER_DAY).max(lo)
    } else {
        t
    }
}

/// When people apply for jobs: evenings and office hours, rarely at night.
pub(crate) const WAKING_HOURS: [f64; 24] = [
    0.6, 0.3, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 3.0, 4.0, 4.5, 4.5, 4.0, 4.5, 4.5, 4.0, 4.0, 4.0, 4.0,
    4.5, 5.0, 4.5, 3.0, 1.5,
];
/// Office hours, for operators working a shift.
pub(crate) const SHIFT_HOURS: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.5, 3.0, 5.0, 5.0, 5.0, 3.0, 5.0, 5.0, 5.0, 5.0, 4.0, 2.0,
    1.0, 0.5, 0.2, 0.0, 0.0,
];

fn quarter_of(bounds: &[i64], t: i64) -> (i64, i64) {
    let i = bounds
        .partition_point(|&b| b <= t)
        .clamp(1, bounds.len() - 1);
    (bounds[i - 1], bounds[i])
}

/// Where someone lives.
#[derive(Debug, Clone, Copy)]
struct Home {
    ci: usize,
    region: &'static Region,
    city: &'static City,
}

impl Home {
    fn country(&self) -> &'static Country {
        &COUNTRIES[self.ci]
    }

    fn draw(rng: &mut Rng, ci: usize) -> Home {
        let country = &COUNTRIES[ci];
        let region = rng.pick(country.regions);
        let city = rng.pick(region.cities);
        Home { ci, region, city }
    }

    fn draw_country(rng: &mut Rng) -> usize {
        let w: Vec<f64> = COUNTRIES.iter().map(|c| c.weight).collect();
        rng.weighted(&w)
    }

    fn region_typed(&self, rng: &mut Rng) -> Option<String> {
        if rng.chance(0.03) {
            return None;
        }
        let us_like = matches!(self.country().code, "US" | "CA" | "AU");
        Some(match rng.index(20) {
            0 => self.region.name.to_lowercase(),
            i if i < (if us_like { 11 } else { 5 }) => self.region.abbrev.to_string(),
            _ => self.region.name.to_string(),
        })
    }

    fn city_typed(&self, rng: &mut Rng) -> Option<String> {
        if rng.chance(0.02) {
            return None;
        }
        Some(if rng.chance(0.05) {
            self.city.name.to_lowercase()
        } else {
            self.city.name.to_string()
        })
    }

    fn area_code(&self, rng: &mut Rng) -> Option<&'static str> {
        (!self.city.area_codes.is_empty()).then(|| *rng.pick(self.city.area_codes))
    }
}

/// A street address with its parts, so that variants of the same place can be written.
#[derive(Debug, Clone)]
struct Address {
    number: u32,
    street: &'static str,
    suffix: (&'static str, &'static str),
    unit: Option<String>,
    home: Home,
    postal: String,
}

impl Address {
    fn draw(home: Home, rng: &mut Rng) -> Address {
        let country = home.country();
        Address {
            number: rng.int(1, 9899) as u32,
            street: rng.choose(country.streets),
            suffix: *rng.pick(SUFFIXES),
            unit: rng.chance(0.25).then(|| format!("{}", rng.int(1, 40))),
            home,
            postal: postal_code(home, rng),
        }
    }

    /// The canonical spelling.
    fn written(&self) -> String {
        self.variant(0)
    }

    /// Spelling variant `v` (0 is canonical): long/short suffix, unit markers, case, state name,
    /// ZIP+4, a dropped comma.
    fn variant(&self, v: u64) -> String {
        let c = self.home.country();
        let long = v & 1 == 1;
        let unit = self.unit.as_ref().map(|u| match (v >> 1) % 3 {
            0 => format!("Apt {u}"),
            1 => format!("#{u}"),
            _ => format!("Unit {u}"),
        });
        let state = if (v >> 3) & 1 == 1 {
            self.home.region.name
        } else {
            self.home.region.abbrev
        };
        let postal = if (v >> 4) & 1 == 1 && c.code == "US" {
            format!("{}-{:04}", self.postal, self.number % 9973)
        } else {
            self.postal.clone()
        };
        let s = match c.address {
            AddressStyle::NumberFirst => {
                let suffix = if c.code == "US" || c.code == "CA" {
                    format!(" {}", if long { self.suffix.1 } else { self.suffix.0 })
                } else {
                    String::new()
                };
                let mut s = format!("{} {}{}", self.number, self.street, suffix);
                if let Some(u) = unit {
                    s.push_str(&format!(", {u}"));
                }
                if c.code == "US" || c.code == "CA" || c.code == "AU" {
                    format!("{s}, {}, {state} {postal}", self.home.city.name)
                } else {
                    format!("{s}, {} {postal}", self.home.city.name)
                }
            }
            AddressStyle::StreetFirst => {
                let mut s = format!("{} {}", self.street, self.number);
                if let Some(u) = unit {
                    s.push_str(&format!(" {u}"));
                }
                format!("{s}, {postal} {}", self.home.city.name)
            }
        };
        let s = if (v >> 5) & 1 == 1 {
            s.replacen(", ", " ", 1)
        } else {
            s
        };
        match (v >> 6) % 8 {
            1 => s.to_lowercase(),
            2 => s.to_uppercase(),
            _ => s,
        }
    }
}

fn postal_code(home: Home, rng: &mut Rng) -> String {
    let p = home.city.postal;
    match home.country().code {
        "US" => format!("{p}{:02}", rng.int(1, 99)),
        "GB" => format!(
            "{p} {}{}{}",
            rng.int(1, 9),
            (b'A' + rng.range(0, 26) as u8) as char,
            (b'A' + rng.range(0, 26) as u8) as char
        ),
        "CA" => format!(
            "{p} {}{}{}",
            rng.int(1, 9),
            (b'A' + rng.range(0, 26) as u8) as char,
            rng.int(0, 9)
        ),
        _ => p.to_string(),
    }
}

/// The address of apartment building `b` in `home`'s city: the same for every household that
/// draws it (only the unit differs).
fn building_address(world: &World, home: Home, b: u64) -> Address {
    let mut r = Rng::new(
        world.seed ^ 0xb11d,
        (home.ci as u64) << 40 | (home.city.name.len() as u64) << 32 | b,
    );
    let mut a = Address::draw(home, &mut r);
    a.unit = None;
    a
}

fn device_id(rng: &mut Rng) -> String {
    rng.hex(16)
}

fn profile_times(rng: &mut Rng, t: i64, age_years: f64) -> i64 {
    t - (age_years * YEAR_US as f64) as i64 - rng.range(0, MICROS_PER_DAY as u64) as i64
}

fn year_of(t: i64) -> i32 {
    DateTime::<Utc>::from_timestamp_micros(t)
        .unwrap_or_default()
        .year()
}

fn job_id(rng: &mut Rng, bounds: &[i64], t: i64) -> String {
    let q = bounds.partition_point(|&b| b <= t).saturating_sub(1);
    format!("JR-{:02}{:03}", q + 10, rng.int(0, 119))
}

fn round_half(x: f64) -> f32 {
    ((x * 2.0).round() / 2.0).max(0.0) as f32
}

/// Education as claimed: (institution as typed, degree, major, graduation year, years of
/// experience at time `t`).
struct Education {
    institution: Option<String>,
    degree: Option<&'static str>,
    major: Option<&'static str>,
    graduation_year: Option<i32>,
    years_at_first: f64,
}

fn legit_education(rng: &mut Rng, t: i64, fresh_grad: bool, mid_career: bool) -> Education {
    let year = year_of(t);
    let inst = rng.pick(INSTITUTIONS);
    let (degree, major) = if inst.bootcamp {
        (
            "Bootcamp",
            if rng.chance(0.5) {
                "Software Engineering"
            } else {
                "Web Development"
            },
        )
    } else {
        (*rng.pick_weighted(DEGREES), *rng.pick_weighted(MAJORS))
    };
    let (since_grad, years) = if fresh_grad {
        let s = rng.uniform(0.0, 1.2);
        (s, rng.uniform(0.0, 1.0))
    } else if mid_career {
        // Went back to school mid-career: a recent degree after many years of work.
        (rng.uniform(0.0, 3.0), rng.uniform(6.0, 20.0))
    } else {
        let s = rng.lognormal(7.0, 0.7).clamp(1.0, 38.0);
        (s, (s - rng.uniform(0.0, 1.5)).max(0.0))
    };
    let spelling = rng.pick(inst.spellings);
    Education {
        institution: (!rng.chance(0.04)).then(|| education::as_typed(spelling, 0.02, rng)),
        degree: (!rng.chance(0.03)).then_some(degree),
        major: (!rng.chance(0.04)).then_some(major),
        graduation_year: (!rng.chance(0.04)).then(|| {
            let y = year - since_grad.floor() as i32;
            // Rare data-entry slips: digits swapped or a century typo.
            if rng.chance(0.0008) {
                if rng.chance(0.5) { y + 70 } else { y % 100 }
            } else {
                y
            }
        }),
        years_at_first: years,
    }
}

/// Legitimate person's traits, each drawn independently: hard negatives are ordinary people who
/// trip one or two fraud signals.
struct LegitTraits {
    vpn: bool,
    relay: bool,
    traveller: bool,
    satellite: bool,
    corporate_vdi: bool,
    vm_developer: bool,
    dormant: bool,
    fresh_grad: bool,
    mid_career: bool,
    popular_template: bool,
    foreign_phone: bool,
    moved: bool,
    mobile: bool,
    privacy_clock: bool,
}

impl LegitTraits {
    fn draw(rng: &mut Rng, ci: usize) -> LegitTraits {
        LegitTraits {
            vpn: rng.chance(0.07),
            relay: rng.chance(0.04),
            traveller: rng.chance(0.03),
            satellite: ci == geo::US && rng.chance(0.012),
            corporate_vdi: rng.chance(0.02),
            vm_developer: rng.chance(0.02),
            dormant: rng.chance(0.08),
            fresh_grad: rng.chance(0.1),
            mid_career: rng.chance(0.04),
            popular_template: rng.chance(0.03),
            foreign_phone: rng.chance(0.04),
            moved: rng.chance(0.15),
            mobile: rng.chance(0.2),
            privacy_clock: rng.chance(0.01),
        }
    }
}

fn legit_screen(rng: &mut Rng) -> &'static str {
    rng.choose_weighted(COMMON_SCREENS)
}

/// A legitimate household's applications.
pub(crate) fn household(world: &World, plan: &HouseholdPlan) -> Vec<AppRecord> {
    let mut rng = Rng::new(world.seed, plan.key);
    let ci = Home::draw_country(&mut rng);
    let home = Home::draw(&mut rng, ci);
    let address = if rng.chance(0.12) {
        let mut a = building_address(world, home, rng.range(0, world.buildings_per_city));
        a.unit = Some(format!(
            "{}{}",
            rng.int(1, 30),
            ["A", "B", "C", "D", ""][rng.index(5)]
        ));
        a
    } else {
        Address::draw(home, &mut rng)
    };
    let v6 = rng.chance(0.22);
    let home_ip = if rng.chance(0.04) {
        crate::network::unlisted_address(v6, &mut rng)
    } else {
        world
            .network
            .address(Access::Residential, ci, v6, u64::MAX, &mut rng)
    };
    let shared_device = (plan.members.len() > 1 && rng.chance(0.3)).then(|| device_id(&mut rng));
    let mut out = Vec::new();
    for (m, times) in plan.members.iter().enumerate() {
        let mut prng = rng.fork(m as u64);
        let identity = plan.key << 8 | m as u64;
        person(
            world,
            &mut prng,
            home,
            &address,
            &home_ip,
            shared_device.as_deref(),
            times,
            plan.key,
            identity,
            &mut out,
        );
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn person(
    world: &World,
    rng: &mut Rng,
    home: Home,
    address: &Address,
    home_ip: &str,
    shared_device: Option<&str>,
    times: &[i64],
    actor: u64,
    identity: u64,
    out: &mut Vec<AppRecord>,
) {
    let ci = home.ci;
    let country = home.country();
    let tr = LegitTraits::draw(rng, ci);
    let name = Name::draw(rng);
    let full_name = name.typed(rng);
    let email = people::email_for(&name, rng, 0.35);
    let phone = if rng.chance(0.03) {
        None
    } else if tr.foreign_phone {
        // Kept the number from the country they came from.
        let other = &COUNTRIES[rng.index(COUNTRIES.len())];
        let area = other.regions[0].cities[0].area_codes.first().copied();
        Some(people::local_phone(other, area, rng).0)
    } else if tr.moved && !home.city.area_codes.is_empty() {
        // Moved and kept the old number: an area code of another region of the same country.
        let r = rng.pick(country.regions);
        let c = rng.pick(r.cities);
        Some(people::local_phone(country, c.area_codes.first().copied(), rng).0)
    } else {
        Some(people::local_phone(country, home.area_code(rng), rng).0)
    };
    let region = home.region_typed(rng);
    let city = home.city_typed(rng);
    let ship = (!rng.chance(0.04)).then(|| {
        address.variant(if rng.chance(0.8) {
            0
        } else {
            rng.range(0, 4) * 2
        })
    });
    let ua = *rng.pick_weighted(USER_AGENTS);
    let device = shared_device
        .map(str::to_string)
        .unwrap_or_else(|| device_id(rng));
    let first = times.iter().copied().min().unwrap_or(0);
    let edu = legit_education(rng, first, tr.fresh_grad, tr.mid_career);
    let has_profile = !rng.chance(0.08);
    let profile_url = has_profile.then(|| people::profile_url(&name, rng));
    let profile_age = if tr.fresh_grad {
        rng.uniform(0.1, 1.0)
    } else {
        (edu.years_at_first + rng.uniform(0.5, 4.0)).min(20.0)
    };
    let profile_created = profile_times(rng, first, profile_age);
    let template_years = edu.years_at_first as f32;
    let resume = if rng.chance(0.05) {
        None
    } else if tr.popular_template {
        Some(world.popular_template.instance(template_years, 0.3, rng))
    } else {
        Some(resume::personal(template_years, rng))
    };
    let clock = if tr.privacy_clock {
        Clock::Fixed(0)
    } else {
        Clock::Zone(home.city.zone)
    };
    let typing = rng.lognormal(190.0, 0.25).clamp(80.0, 450.0);
    let screen = legit_screen(rng);
    let v6 = home_ip.contains(':');

    let mut sorted: Vec<i64> = times.to_vec();
    sorted.sort_unstable();
    for (k, &planned) in sorted.iter().enumerate() {
        let (qs, qe) = quarter_of(&world.bounds, planned);
        let travelling = tr.traveller && rng.chance(0.5);
        let travel = *rng.pick(TRAVEL_ZONES);
        let local_zone = if travelling { travel.1 } else { home.city.zone };
        let t = at_local_hour(planned, local_zone, &WAKING_HOURS, qs, qe, rng);
        let ip = if travelling {
            let access = if rng.chance(0.5) {
                Access::Business
            } else {
                Access::Mobile
            };
            let tci = geo::country_index(travel.0).unwrap_or(geo::US);
            world.network.address(access, tci, false, 200, rng)
        } else if tr.vpn && rng.chance(0.6) {
            world.network.address(Access::Vpn, ci, v6, 64, rng)
        } else if tr.relay && rng.chance(0.8) {
            world.network.address(Access::Relay, ci, false, 400, rng)
        } else if tr.satellite {
            world
                .network
                .address(Access::Satellite, ci, false, 4000, rng)
        } else if tr.corporate_vdi && rng.chance(0.5) {
            world.network.address(Access::Business, ci, false, 64, rng)
        } else if tr.mobile && rng.chance(0.6) {
            world.network.address(Access::Mobile, ci, v6, 300, rng)
        } else {
            home_ip.to_string()
        };
        let ip = noisy_ip(ip, rng);
        let browser_clock = if travelling {
            Clock::Zone(travel.1)
        } else {
            clock
        };
        let years = edu.years_at_first + (t - first) as f64 / YEAR_US as f64;
        // Dormancy shows on the first application after a long quiet spell only.
        let dormant_now = tr.dormant && k == 0;
        let prev_activity = if dormant_now {
            let gap = rng.uniform(1.0, 6.0).min(profile_age.max(1.1) - 0.05);
            Some(
                (t - (gap * YEAR_US as f64) as i64)
                    .max(profile_created)
                    .min(t - 31 * MICROS_PER_DAY),
            )
        } else {
            None
        };
        let edits = if dormant_now {
            rng.int(3, 25) as i32
        } else {
            rng.poisson(1.2) as i32
        };
        let connections = if tr.fresh_grad {
            rng.lognormal(60.0, 0.7)
        } else {
            rng.lognormal(40.0 + 35.0 * years, 0.6)
        }
        .min(30_000.0) as i32;
        let device_now = if rng.chance(0.12) {
            device_id(rng)
        } else {
            device.clone()
        };
        let sessions = SessionPlan {
            key: rng.next_u64(),
            sessions: session_count(rng),
            ips: vec![
                ip.clone().unwrap_or_else(|| home_ip.to_string()),
                home_ip.to_string(),
            ],
            alt_ip_p: if travelling { 0.2 } else { 0.15 },
            device: Some(device_now.clone()),
            alt_device: Some(device_id(rng)),
            alt_device_p: 0.08,
            clock: browser_clock,
            leak_clock: None,
            leak_p: 0.0,
            activity_zone: local_zone,
            lag_median_ms: if tr.satellite {
                600.0
            } else if tr.corporate_vdi {
                45.0
            } else {
                rng.lognormal(12.0, 0.3)
            },
            lag_sigma: if tr.satellite { 0.12 } else { 0.45 },
            typing_median_ms: typing,
            typing_sigma: 0.25,
            tool: tr
                .corporate_vdi
                .then(|| if rng.chance(0.7) { "rdp" } else { "citrix" }),
            tool_p: if tr.corporate_vdi { 0.7 } else { 0.0 },
            vm_p: if tr.corporate_vdi {
                0.8
            } else if tr.vm_developer {
                0.5
            } else {
                0.003
            },
            screen,
            odd_screen_p: 0.01,
        };
        out.push(AppRecord {
            submitted_at: t,
            tiebreak: rng.next_u64(),
            job_id: job_id(rng, &world.bounds, t),
            full_name: full_name.clone(),
            email: if rng.chance(0.05) {
                people::email_for(&name, rng, 0.5)
            } else {
                email.clone()
            },
            phone: phone.clone(),
            claimed_country: country.code,
            claimed_region: region.clone(),
            claimed_city: city.clone(),
            shipping_address: ship.clone(),
            ip,
            device_id: (!rng.chance(0.01)).then_some(device_now),
            user_agent: (!rng.chance(0.01)).then_some(ua),
            browser_tz_offset_min: (!rng.chance(0.02)).then(|| utc_offset_min(browser_clock, t)),
            profile_url: profile_url.clone(),
            profile_created_at: has_profile.then_some(profile_created),
            profile_prev_activity_at: if has_profile { prev_activity } else { None },
            profile_recent_edits: has_profile.then_some(edits),
            profile_connections: has_profile.then_some(connections),
            institution: edu.institution.clone(),
            degree: edu.degree,
            major: edu.major,
            graduation_year: edu.graduation_year,
            years_experience: (!rng.chance(0.03)).then(|| round_half(years)),
            resume_text: resume.clone(),
            truth: Truth {
                is_fraud: false,
                scheme: Scheme::Legitimate,
                actor,
                identity,
                stealth: false,
                control: Control::Local,
            },
            label: legit_label(rng, t),
            sessions,
        });
    }
}

/// Rare malformed or private addresses, as real logs contain.
fn noisy_ip(ip: String, rng: &mut Rng) -> Option<String> {
    let x = rng.f64();
    if x < 0.01 {
        None
    } else if x < 0.0102 {
        Some(["unknown", "192.168.1", "10.0.0.256", "::ffff:zz"][rng.index(4)].to_string())
    } else if x < 0.0112 {
        Some(format!(
            "10.{}.{}.{}",
            rng.int(0, 255),
            rng.int(0, 255),
            rng.int(1, 254)
        ))
    } else {
        Some(ip)
    }
}

fn session_count(rng: &mut Rng) -> u8 {
    // Application form, then the assessment (usually) and up to two interviews.
    1 + u8::from(rng.chance(0.75)) + u8::from(rng.chance(0.45)) + u8::from(rng.chance(0.25))
}

/// Legitimate applications: most are cleared by a check weeks later; a few are wrongly flagged.
fn legit_label(rng: &mut Rng, t: i64) -> Option<(bool, i64)> {
    if !rng.chance(0.75) {
        return None;
    }
    let delay = (rng.lognormal(21.0, 0.5).clamp(2.0, 200.0) * MICROS_PER_DAY as f64) as i64;
    Some((rng.chance(0.002), t + delay))
}

/// Fraudulent applications: most are caught, weeks to months later; stealthy ones less often,
/// and some uncaught ones are cleared by mistake.
fn fraud_label(rng: &mut Rng, t: i64, stealth: bool) -> Option<(bool, i64)> {
    let caught = rng.chance(if stealth { 0.55 } else { 0.92 });
    if caught {
        let delay = (rng.lognormal(45.0, 0.6).clamp(7.0, 300.0) * MICROS_PER_DAY as f64) as i64;
        Some((true, t + delay))
    } else if rng.chance(0.5) {
        let delay = (rng.lognormal(21.0, 0.5).clamp(2.0, 200.0) * MICROS_PER_DAY as f64) as i64;
        Some((false, t + delay))
    } else {
        None
    }
}

/// Per-row tells of a fraud actor: each fires with its own probability on each row.
struct Tells {
    tz_leak: f64,
    phone: f64,
    risky_institution: f64,
    education_dates: f64,
    profile: f64,
    hijack_share: f64,
    template: f64,
    email_mismatch: f64,
    shared_device: f64,
}

impl Tells {
    fn draw(rng: &mut Rng, stealth: bool, prog: f64) -> Tells {
        let base = if stealth {
            0.03
        } else {
            rng.uniform(0.25, 0.7) * (1.0 - 0.3 * prog)
        };
        let p = |rng: &mut Rng, spread: f64| {
            (base * rng.uniform(1.0 - spread, 1.0 + spread)).clamp(0.0, 0.95)
        };
        Tells {
            tz_leak: p(rng, 0.5),
            phone: p(rng, 0.5),
            risky_institution: p(rng, 0.6) * 0.7,
            education_dates: p(rng, 0.5) * 0.6,
            profile: p(rng, 0.4) * 1.3,
            hijack_share: 0.2 + 0.6 * prog,
            template: if stealth { 0.0 } else { rng.uniform(0.4, 0.95) },
            email_mismatch: p(rng, 0.5) * 0.6,
            shared_device: if stealth {
                0.0
            } else {
                rng.uniform(0.05, 0.35)
            },
        }
    }
}

/// A phone number with one of the anomalies of the scheme: a local-looking number in an unusual
/// format, an invalid number, or a foreign one.
fn anomalous_phone(country: &Country, area: Option<&str>, rng: &mut Rng) -> String {
    match rng.index(4) {
        0 | 1 => {
            let nsn = people::national_number(&country.numbering, area, rng);
            let style = if rng.chance(0.6) {
                PhoneStyle::Unusual
            } else {
                PhoneStyle::E164
            };
            people::format_phone(&country.numbering, &nsn, style, rng)
        }
        2 => {
            // Invalid: a digit short, or an area code that does not exist.
            let mut nsn = people::national_number(&country.numbering, area, rng);
            if rng.chance(0.5) {
                nsn.pop();
            } else {
                nsn.replace_range(0..1, "0");
            }
            people::format_phone(&country.numbering, &nsn, PhoneStyle::Local, rng)
        }
        _ => {
            let numbering = rng.pick(FOREIGN_MOBILES);
            let nsn = people::national_number(numbering, None, rng);
            people::format_phone(numbering, &nsn, PhoneStyle::International, rng)
        }
    }
}

/// A fraudulent identity's education, with tells.
fn fraud_education(world: &World, rng: &mut Rng, t: i64, tells: &Tells) -> Education {
    let year = year_of(t);
    let risky = rng.chance(tells.risky_institution);
    let institution = if risky {
        let r = rng.pick(&world.risky);
        let base = if !r.aliases.is_empty() && rng.chance(0.35) {
            rng.pick(&r.aliases).clone()
        } else {
            r.name.clone()
        };
        education::as_typed(&base, 0.6, rng)
    } else {
        let inst = rng.pick(INSTITUTIONS);
        education::as_typed(rng.choose(inst.spellings), 0.02, rng)
    };
    let years = rng.uniform(5.0, 15.0);
    let grad_year = if rng.chance(tells.education_dates) {
        match rng.index(3) {
            // Claims more experience than the years since graduation allow.
            0 => year - rng.int(0, 2) as i32,
            // Graduated in the future.
            1 => year + rng.int(1, 3) as i32,
            // Would have graduated as a child.
            _ => year - (years as i32) - rng.int(25, 40) as i32,
        }
    } else {
        year - (years + rng.uniform(0.0, 2.0)) as i32
    };
    let degree = if risky && rng.chance(0.3) {
        "PhD"
    } else {
        *rng.pick_weighted(DEGREES)
    };
    Education {
        institution: (!rng.chance(0.03)).then_some(institution),
        degree: Some(degree),
        major: Some(if rng.chance(0.08) {
            "Music"
        } else {
            "Computer Science"
        }),
        graduation_year: Some(grad_year),
        years_at_first: years,
    }
}

/// Profile fields of a fraudulent identity at its first application: hijacked dormant account,
/// brand-new account, or an unremarkable (bought, aged) one.
struct FraudProfile {
    url: Option<String>,
    created: Option<i64>,
    dormant_since: Option<i64>,
    edits: (i64, i64),
    connections: (f64, f64),
}

fn fraud_profile(rng: &mut Rng, name: &Name, t: i64, tells: &Tells) -> FraudProfile {
    if rng.chance(0.07) {
        return FraudProfile {
            url: None,
            created: None,
            dormant_since: None,
            edits: (0, 0),
            connections: (0.0, 0.0),
        };
    }
    if rng.chance(tells.profile) {
        if rng.chance(tells.hijack_share) {
            // Hijacked: someone else's old account; its link still carries the owner's name.
            let owner = Name::draw(rng);
            let created = t - (rng.uniform(6.0, 14.0) * YEAR_US as f64) as i64;
            let dormant = t - (rng.uniform(2.0, 7.0) * YEAR_US as f64) as i64;
            FraudProfile {
                url: Some(people::profile_url(
                    if rng.chance(0.7) { &owner } else { name },
                    rng,
                )),
                created: Some(created),
                dormant_since: Some(dormant),
                edits: (8, 40),
                connections: (90.0, 0.7),
            }
        } else {
            let created =
                t - rng.range(3 * MICROS_PER_DAY as u64, 28 * MICROS_PER_DAY as u64) as i64;
            FraudProfile {
                url: Some(people::profile_url(name, rng)),
                created: Some(created),
                dormant_since: None,
                edits: (5, 30),
                connections: (12.0, 0.8),
            }
        }
    } else {
        let created = t - (rng.uniform(3.0, 12.0) * YEAR_US as f64) as i64;
        FraudProfile {
            url: Some(people::profile_url(name, rng)),
            created: Some(created),
            dormant_since: None,
            edits: (0, 3),
            connections: (250.0, 0.6),
        }
    }
}

/// The US (mostly) identity a fraud actor claims.
fn stolen_home(rng: &mut Rng) -> Home {
    let ci = if rng.chance(0.9) {
        geo::US
    } else {
        geo::country_index(if rng.chance(0.6) { "CA" } else { "GB" }).unwrap_or(geo::US)
    };
    Home::draw(rng, ci)
}

/// A laptop farm's applications.
pub(crate) fn farm(world: &World, plan: &FarmPlan) -> Vec<AppRecord> {
    let mut rng = Rng::new(world.seed, plan.key);
    let quarters = (world.bounds.len() - 1) as u32;
    let prog = progress(plan.start_quarter, quarters);
    let stealth = plan.stealth;
    let tells = Tells::draw(&mut rng, stealth, prog);
    let base = Home::draw(&mut rng, geo::US);
    // Stealth farms spread shipments over a few drop addresses.
    let drops: Vec<Address> = (0..if stealth { rng.int(2, 4) } else { 1 })
        .map(|_| Address::draw(base, &mut rng))
        .collect();
    let isp = world
        .network
        .range_for(Access::Residential, geo::US, false, &mut rng);
    let farm_ip = world.network.address_in(isp, rng.next_u64());
    let control = if rng.chance(0.2 + 0.6 * prog) {
        Control::HardwareKvm
    } else {
        Control::Software
    };
    let tool = *rng.pick_weighted(SOFTWARE_TOOLS);
    let tool_p = (0.6 - 0.35 * prog).max(0.1) * if stealth { 0.3 } else { 1.0 };
    let operator = *rng.pick_weighted(OPERATOR_ZONES);
    let us_hours = rng.chance(if stealth { 0.8 } else { 0.15 + 0.3 * prog });
    let template = Template::new(&mut rng);
    let shared_devices: Vec<String> = (0..rng.int(1, 3)).map(|_| device_id(&mut rng)).collect();
    let ua = *rng.pick_weighted(USER_AGENTS);
    let screen = if control == Control::HardwareKvm {
        *rng.pick(KVM_SCREENS)
    } else {
        legit_screen(&mut rng)
    };
    let mut out = Vec::new();
    for (i, times) in plan.identities.iter().enumerate() {
        if times.is_empty() {
            continue;
        }
        let mut r = rng.fork(i as u64);
        let rng = &mut r;
        let identity = plan.key << 8 | i as u64;
        let home = stolen_home(rng);
        let country = home.country();
        let name = Name::draw(rng);
        let full_name = name.typed(rng);
        let email = if rng.chance(tells.email_mismatch) {
            people::unrelated_email(rng)
        } else {
            people::email_for(&name, rng, 0.8)
        };
        let phone = if rng.chance(tells.phone) {
            anomalous_phone(country, home.area_code(rng), rng)
        } else {
            people::local_phone(country, home.area_code(rng), rng).0
        };
        let region = home.region_typed(rng);
        let city = home.city_typed(rng);
        let first = times.iter().map(|t| t.0).min().unwrap_or(0);
        let edu = fraud_education(world, rng, first, &tells);
        let profile = fraud_profile(rng, &name, first, &tells);
        let laptop = device_id(rng);
        let uses_template = rng.chance(tells.template);
        let own_resume = resume::personal(edu.years_at_first as f32, rng);
        let leak = rng.chance(tells.tz_leak);
        let mut prev: Option<i64> = None;
        let mut sorted = times.clone();
        sorted.sort_unstable();
        for (k, &(planned, burst)) in sorted.iter().enumerate() {
            let (qs, qe) = quarter_of(&world.bounds, planned);
            let t = match (burst, prev) {
                (true, Some(p)) => p,
                _ => {
                    let (zone, hours) = if us_hours {
                        (base.city.zone, &SHIFT_HOURS)
                    } else {
                        (operator, &SHIFT_HOURS)
                    };
                    at_local_hour(planned, zone, hours, qs, qe, rng)
                }
            };
            prev = Some(t);
            let drop = rng.pick(&drops);
            let ship = if stealth && rng.chance(0.5) {
                Some(Address::draw(home, rng).written())
            } else {
                Some(drop.variant(if rng.chance(0.3) { 0 } else { rng.next_u64() }))
            };
            let ip = match rng.index(10) {
                0..=5 => v4_slash24_address(&farm_ip, rng.int(2, 254) as u8),
                6..=8 => world.network.address(Access::Vpn, geo::US, false, 32, rng),
                _ => world
                    .network
                    .address(Access::Residential, geo::US, false, u64::MAX, rng),
            };
            let device = if rng.chance(tells.shared_device) {
                rng.pick(&shared_devices).clone()
            } else {
                laptop.clone()
            };
            let browser_clock = if leak && rng.chance(0.8) {
                Clock::Zone(operator)
            } else {
                Clock::Zone(home.city.zone)
            };
            let years = edu.years_at_first + (t - first) as f64 / YEAR_US as f64;
            let dormant_now = k == 0 && profile.dormant_since.is_some();
            let lag = if control == Control::Software {
                rng.uniform(90.0, 260.0)
            } else {
                rng.lognormal(14.0, 0.3)
            };
            let sessions = SessionPlan {
                key: rng.next_u64(),
                sessions: session_count(rng),
                ips: vec![
                    v4_slash24_address(&farm_ip, rng.int(2, 254) as u8),
                    ip.clone(),
                ],
                alt_ip_p: 0.25,
                device: Some(device.clone()),
                alt_device: Some(rng.pick(&shared_devices).clone()),
                alt_device_p: tells.shared_device,
                clock: Clock::Zone(base.city.zone),
                leak_clock: Some(Clock::Zone(operator)),
                leak_p: tells.tz_leak * 0.5,
                activity_zone: if us_hours { base.city.zone } else { operator },
                lag_median_ms: lag,
                lag_sigma: if control == Control::Software {
                    0.35
                } else {
                    0.45
                },
                typing_median_ms: if control == Control::HardwareKvm {
                    rng.uniform(25.0, 60.0)
                } else {
                    rng.lognormal(170.0, 0.25)
                },
                typing_sigma: if control == Control::HardwareKvm {
                    0.7
                } else {
                    0.4
                },
                tool: Some(if control == Control::HardwareKvm {
                    *rng.pick(KVM_TOOLS)
                } else {
                    tool
                }),
                tool_p: if control == Control::HardwareKvm {
                    0.04
                } else {
                    tool_p
                },
                vm_p: if stealth { 0.02 } else { 0.15 },
                screen,
                odd_screen_p: if control == Control::HardwareKvm {
                    0.6
                } else {
                    0.02
                },
            };
            out.push(AppRecord {
                submitted_at: t,
                tiebreak: rng.next_u64(),
                job_id: job_id(rng, &world.bounds, t),
                full_name: full_name.clone(),
                email: email.clone(),
                phone: (!rng.chance(0.02)).then(|| phone.clone()),
                claimed_country: country.code,
                claimed_region: region.clone(),
                claimed_city: city.clone(),
                shipping_address: ship,
                ip: Some(ip),
                device_id: Some(device),
                user_agent: Some(ua),
                browser_tz_offset_min: (!rng.chance(0.02))
                    .then(|| utc_offset_min(browser_clock, t)),
                profile_url: profile.url.clone(),
                profile_created_at: profile.created,
                profile_prev_activity_at: if dormant_now {
                    profile.dormant_since
                } else {
                    None
                },
                profile_recent_edits: profile.url.as_ref().map(|_| {
                    if k == 0 {
                        rng.int(profile.edits.0, profile.edits.1.max(profile.edits.0)) as i32
                    } else {
                        rng.poisson(1.5) as i32
                    }
                }),
                profile_connections: profile
                    .url
                    .as_ref()
                    .map(|_| rng.lognormal(profile.connections.0, profile.connections.1) as i32),
                institution: edu.institution.clone(),
                degree: edu.degree,
                major: edu.major,
                graduation_year: edu.graduation_year,
                years_experience: Some(round_half(years)),
                resume_text: Some(if uses_template {
                    template.instance(edu.years_at_first as f32, 0.15, rng)
                } else {
                    own_resume.clone()
                }),
                truth: Truth {
                    is_fraud: true,
                    scheme: Scheme::LaptopFarm,
                    actor: plan.key,
                    identity,
                    stealth,
                    control,
                },
                label: fraud_label(rng, t, stealth),
                sessions,
            });
        }
    }
    out
}

/// A lone operative's applications under one stolen identity.
pub(crate) fn lone(world: &World, plan: &LonePlan) -> Vec<AppRecord> {
    let mut rng = Rng::new(world.seed, plan.key);
    let rng = &mut rng;
    let quarters = (world.bounds.len() - 1) as u32;
    let prog = progress(plan.quarter, quarters);
    let stealth = plan.stealth;
    let tells = Tells::draw(rng, stealth, prog);
    let home = stolen_home(rng);
    let country = home.country();
    let name = Name::draw(rng);
    let full_name = name.typed(rng);
    let email = if rng.chance(if stealth { 0.05 } else { 0.7 }) {
        people::unrelated_email(rng)
    } else {
        people::email_for(&name, rng, 0.6)
    };
    let phone = if rng.chance(if stealth { 0.03 } else { 0.4 }) {
        anomalous_phone(country, home.area_code(rng), rng)
    } else {
        people::local_phone(country, home.area_code(rng), rng).0
    };
    let access = if stealth && rng.chance(0.8) {
        Access::Residential
    } else {
        *rng.pick_weighted(&[
            (Access::Vpn, 0.35),
            (Access::Tor, 0.15),
            (Access::Hosting, 0.25),
            (Access::Relay, 0.05),
            (Access::Residential, 0.2),
        ])
    };
    let operator = *rng.pick_weighted(OPERATOR_ZONES);
    let clock = if rng.chance(if stealth { 0.1 } else { 0.6 }) {
        Clock::Zone(operator)
    } else {
        Clock::Zone(home.city.zone)
    };
    let vm = rng.chance(if stealth { 0.1 } else { 0.6 });
    let remote = rng.chance(if stealth { 0.05 } else { 0.25 });
    let first = plan.times.iter().copied().min().unwrap_or(0);
    let edu = fraud_education(world, rng, first, &tells);
    let profile = fraud_profile(rng, &name, first, &tells);
    let resume = if rng.chance(if stealth { 0.0 } else { 0.3 }) {
        world
            .kit_template
            .instance(edu.years_at_first as f32, 0.2, rng)
    } else {
        resume::personal(edu.years_at_first as f32, rng)
    };
    let device = device_id(rng);
    let ua = *rng.pick_weighted(USER_AGENTS);
    let ship = (!rng.chance(0.2)).then(|| Address::draw(home, rng).written());
    let mut out = Vec::new();
    let mut sorted = plan.times.clone();
    sorted.sort_unstable();
    for (k, &planned) in sorted.iter().enumerate() {
        let (qs, qe) = quarter_of(&world.bounds, planned);
        let zone = if stealth { home.city.zone } else { operator };
        let t = at_local_hour(planned, zone, &SHIFT_HOURS, qs, qe, rng);
        let ip = world.network.address(access, home.ci, false, 64, rng);
        let years = edu.years_at_first + (t - first) as f64 / YEAR_US as f64;
        let sessions = SessionPlan {
            key: rng.next_u64(),
            sessions: session_count(rng),
            ips: vec![
                ip.clone(),
                world.network.address(access, home.ci, false, 64, rng),
            ],
            alt_ip_p: 0.4,
            device: Some(device.clone()),
            alt_device: Some(device_id(rng)),
            alt_device_p: 0.1,
            clock,
            leak_clock: Some(Clock::Zone(operator)),
            leak_p: if stealth { 0.02 } else { 0.3 },
            activity_zone: zone,
            lag_median_ms: if remote {
                rng.uniform(90.0, 260.0)
            } else {
                rng.lognormal(14.0, 0.3)
            },
            lag_sigma: 0.4,
            typing_median_ms: rng.lognormal(180.0, 0.25),
            typing_sigma: 0.3,
            tool: remote.then(|| *rng.pick_weighted(SOFTWARE_TOOLS)),
            tool_p: 0.5,
            vm_p: if vm { 0.9 } else { 0.01 },
            screen: legit_screen(rng),
            odd_screen_p: 0.05,
        };
        out.push(AppRecord {
            submitted_at: t,
            tiebreak: rng.next_u64(),
            job_id: job_id(rng, &world.bounds, t),
            full_name: full_name.clone(),
            email: email.clone(),
            phone: Some(phone.clone()),
            claimed_country: country.code,
            claimed_region: home.region_typed(rng),
            claimed_city: home.city_typed(rng),
            shipping_address: ship.clone(),
            ip: Some(ip),
            device_id: Some(device.clone()),
            user_agent: Some(ua),
            browser_tz_offset_min: (!rng.chance(0.02)).then(|| utc_offset_min(clock, t)),
            profile_url: profile.url.clone(),
            profile_created_at: profile.created,
            profile_prev_activity_at: if k == 0 { profile.dormant_since } else { None },
            profile_recent_edits: profile
                .url
                .as_ref()
                .map(|_| rng.int(profile.edits.0, profile.edits.1.max(profile.edits.0)) as i32),
            profile_connections: profile
                .url
                .as_ref()
                .map(|_| rng.lognormal(profile.connections.0, profile.connections.1) as i32),
            institution: edu.institution.clone(),
            degree: edu.degree,
            major: edu.major,
            graduation_year: edu.graduation_year,
            years_experience: Some(round_half(years)),
            resume_text: Some(resume.clone()),
            truth: Truth {
                is_fraud: true,
                scheme: Scheme::StolenIdentity,
                actor: plan.key,
                identity: plan.key << 8,
                stealth,
                control: if remote {
                    Control::Software
                } else {
                    Control::Local
                },
            },
            label: fraud_label(rng, t, stealth),
            sessions,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> i64 {
        Utc.from_utc_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap(),
        )
        .timestamp_micros()
    }

    #[test]
    fn offsets_follow_daylight_saving_time() {
        // Worked out from the tz database: New York EST -5 / EDT -4 (DST from 2024-03-10 07:00
        // UTC); Phoenix MST -7 all year; Adelaide ACDT +10:30 in January, ACST +9:30 in July;
        // the Canaries WET 0 / WEST +1; Kolkata +5:30 all year.
        assert_eq!(
            offset_min(chrono_tz::America::New_York, at(2024, 1, 15, 12)),
            -300
        );
        assert_eq!(
            offset_min(chrono_tz::America::New_York, at(2024, 3, 10, 6)),
            -300
        );
        assert_eq!(
            offset_min(chrono_tz::America::New_York, at(2024, 3, 10, 7)),
            -240
        );
        assert_eq!(
            offset_min(chrono_tz::America::Phoenix, at(2024, 7, 1, 0)),
            -420
        );
        assert_eq!(
            offset_min(chrono_tz::Australia::Adelaide, at(2024, 1, 15, 0)),
            630
        );
        assert_eq!(
            offset_min(chrono_tz::Australia::Adelaide, at(2024, 7, 15, 0)),
            570
        );
        assert_eq!(
            offset_min(chrono_tz::Atlantic::Canary, at(2024, 7, 15, 0)),
            60
        );
        assert_eq!(
            offset_min(chrono_tz::Asia::Kolkata, at(2024, 7, 15, 0)),
            330
        );
    }

    #[test]
    fn local_hours_stay_inside_the_window_without_piling_up() {
        let mut rng = Rng::new(1, 1);
        let (lo, hi) = (at(2024, 1, 1, 0), at(2024, 4, 1, 0));
        let mut at_lo = 0;
        for _ in 0..10_000 {
            let t = rng.range(lo as u64, hi as u64) as i64;
            let moved = at_local_hour(
                t,
                chrono_tz::Asia::Pyongyang,
                &SHIFT_HOURS,
                lo,
                hi,
                &mut rng,
            );
            assert!((lo..hi).contains(&moved));
            at_lo += usize::from(moved == lo);
        }
        assert_eq!(at_lo, 0);
    }

    #[test]
    fn address_variants_keep_number_and_street() {
        let mut rng = Rng::new(2, 2);
        let home = Home::draw(&mut rng, geo::US);
        let a = Address::draw(home, &mut rng);
        let key = format!("{} {}", a.number, a.street.to_lowercase());
        for v in 0..256 {
            assert!(
                a.variant(v).to_lowercase().starts_with(&key),
                "{}",
                a.variant(v)
            );
        }
    }
}
