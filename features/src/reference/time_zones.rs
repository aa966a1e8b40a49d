//! The UTC offsets a claimed country and region can have at an instant.
//!
//! The time signal family compares the browser's or OS's UTC offset with the offsets possible
//! where the applicant says they live, at the moment of the observation (so daylight-saving
//! time and historical rule changes count), and computes the submission hour in claimed-local
//! time. This module answers those questions for one application at a time; batch and
//! single-application paths call the same functions.
//!
//! Tables:
//!
//! - **Country → zones**, for every ISO 3166-1 alpha-2 code with zones in the tz database:
//!   generated from tzdata's `zone.tab` by `tools/gen_country_zones.py` (release
//!   [`TZDATA_VERSION`]). Zones are `chrono_tz::Tz` values, so a zone chrono-tz does not know
//!   does not compile. `UK` is read as `GB`. BV and HM (uninhabited) have no zone.
//! - **Region → zones**, for the countries whose zones differ by region: US (50 states, DC,
//!   territories, Navajo Nation), CA, AU, BR, MX and ES. A region lists every zone covering part
//!   of it. Other countries (RU among them) use all of their zones whatever the region says.
//!
//! The region is matched as typed, after normalisation: surrounding and inner white space and
//! punctuation are dropped, letters are lower-cased and Latin accents stripped (`"São Paulo"`,
//! `"sao paulo"`, `"SÃO-PAULO"` and `"SP"` are the same region). Official names, official codes
//! (with or without the country prefix, `"QC"`, `"CA-QC"`) and common abbreviations are known;
//! anything else falls back to all zones of the country, and [`Offsets::basis`] says which case
//! applied.
//!
//! Cost per call: a binary search over countries, and for a region one hash lookup of its
//! normalised name built in a stack buffer, then one chrono-tz lookup per zone. Nothing
//! allocates once the region index is built (on first use, in a [`LazyLock`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

mod country_zones;
mod regions;

pub use country_zones::TZDATA_VERSION;
use country_zones::{COUNTRY_ZONES, MAX_COUNTRY_ZONES};
use regions::{REGION_TABLES, Region};

/// How many distinct offsets an [`Offsets`] can hold: no country or region has more zones.
const CAPACITY: usize = MAX_COUNTRY_ZONES;

/// The longest normalised region name looked up; longer input cannot be a known region.
const MAX_REGION_KEY: usize = 64;

// Invariants of the static tables, checked at compile time: countries strictly sorted (binary
// search), no empty zone list, and no zone list longer than `CAPACITY` (so every distinct
// offset of a set fits into an `Offsets`).
const _: () = {
    assert!(CAPACITY <= u8::MAX as usize);
    let mut i = 0;
    while i < COUNTRY_ZONES.len() {
        let zones = COUNTRY_ZONES[i].1;
        assert!(!zones.is_empty() && zones.len() <= CAPACITY);
        if i > 0 {
            let (a, b) = (COUNTRY_ZONES[i - 1].0, COUNTRY_ZONES[i].0);
            assert!(a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]));
        }
        i += 1;
    }
    let mut t = 0;
    while t < REGION_TABLES.len() {
        let regions = REGION_TABLES[t].1;
        let mut r = 0;
        while r < regions.len() {
            let zones = regions[r].zones;
            assert!(!zones.is_empty() && zones.len() <= CAPACITY);
            r += 1;
        }
        t += 1;
    }
};

/// Which zones an [`Offsets`] (or a [`ClaimedZones`]) was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum OffsetBasis {
    /// The region was recognised: the zones of that region.
    Region,
    /// No region was given (`None`, or nothing left after normalisation): all zones of the
    /// country.
    NoRegion,
    /// A region was given but is not one known for this country: all zones of the country.
    UnknownRegion,
    /// The country has no region table (one zone, or regions not modelled, e.g. RU): all zones
    /// of the country; the region is not looked at.
    CountryWithoutRegions,
    /// The country is not an ISO 3166-1 alpha-2 code with zones in the tz database: no zones.
    UnknownCountry,
}

/// The zones a claimed country and region resolve to. Resolve once per application, then ask
/// for the offsets at as many instants as needed (submission, each telemetry sample).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimedZones {
    zones: &'static [Tz],
    basis: OffsetBasis,
}

impl ClaimedZones {
    /// Resolves `country` (ISO 3166-1 alpha-2, any case, surrounding white space ignored) and
    /// the optional `region` as typed (see the module documentation for how it is matched).
    /// Never fails: an unknown country gives no zones, an unknown region all zones of the
    /// country, as [`ClaimedZones::basis`] says.
    pub fn resolve(country: &str, region: Option<&str>) -> Self {
        let Some(code) = country_code(country) else {
            return Self::unknown_country();
        };
        let Some(country_zones) = zones_of_country(code) else {
            return Self::unknown_country();
        };
        let fallback = |basis| Self {
            zones: country_zones,
            basis,
        };
        let Some(regions) = REGION_INDEX.regions_of(code) else {
            return fallback(OffsetBasis::CountryWithoutRegions);
        };
        let Some(typed) = region else {
            return fallback(OffsetBasis::NoRegion);
        };
        let mut buf = [0u8; MAX_REGION_KEY];
        match normalise_region(typed, &mut buf) {
            Some("") => fallback(OffsetBasis::NoRegion),
            Some(key) => match regions.get(key) {
                Some(found) => Self {
                    zones: found.zones,
                    basis: OffsetBasis::Region,
                },
                None => fallback(OffsetBasis::UnknownRegion),
            },
            None => fallback(OffsetBasis::UnknownRegion),
        }
    }

    fn unknown_country() -> Self {
        Self {
            zones: &[],
            basis: OffsetBasis::UnknownCountry,
        }
    }

    /// The IANA zones, in table order (empty only for an unknown country).
    pub fn zones(&self) -> &'static [Tz] {
        self.zones
    }

    /// Which zones these are: the region's, the country's (and why), or none.
    pub fn basis(&self) -> OffsetBasis {
        self.basis
    }

    /// The distinct UTC offsets of these zones at `at_utc_micros` (microseconds since the Unix
    /// epoch, UTC), daylight-saving time included. Empty for an unknown country, and for an
    /// instant outside the range chrono can represent (about ±262,000 years).
    pub fn offsets_at(&self, at_utc_micros: i64) -> Offsets {
        let mut offsets = Offsets::empty(self.basis);
        let Some(at) = DateTime::from_timestamp_micros(at_utc_micros) else {
            return offsets;
        };
        let at = at.naive_utc();
        for &zone in self.zones {
            offsets.insert(offset_minutes(zone, &at));
        }
        offsets
    }
}

/// A small sorted set of distinct UTC offsets in minutes (east of UTC positive: UTC-5 is -300,
/// as `browser_tz_offset_min`), with the [`OffsetBasis`] it was built from. Fixed size, no
/// allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offsets {
    /// Sorted ascending, distinct; entries from `len` on are 0.
    minutes: [i32; CAPACITY],
    len: u8,
    basis: OffsetBasis,
}

impl Offsets {
    fn empty(basis: OffsetBasis) -> Self {
        Self {
            minutes: [0; CAPACITY],
            len: 0,
            basis,
        }
    }

    /// Inserts `minute` in order unless present. Never full: the compile-time checks bound
    /// every zone list by `CAPACITY`.
    fn insert(&mut self, minute: i32) {
        let len = usize::from(self.len);
        let Err(at) = self.as_slice().binary_search(&minute) else {
            return;
        };
        if len < CAPACITY {
            self.minutes.copy_within(at..len, at + 1);
            self.minutes[at] = minute;
            self.len += 1;
        }
    }

    /// The offsets in minutes, ascending and distinct.
    pub fn as_slice(&self) -> &[i32] {
        self.minutes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Whether the set is empty (unknown country, or instant out of range).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many distinct offsets the set holds.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether `offset_min` is one of the possible offsets.
    pub fn contains(&self, offset_min: i32) -> bool {
        self.as_slice().binary_search(&offset_min).is_ok()
    }

    /// Which zones the set was built from.
    pub fn basis(&self) -> OffsetBasis {
        self.basis
    }

    /// Whether the claimed region was recognised (the set is the region's, not the country's).
    pub fn region_recognised(&self) -> bool {
        self.basis == OffsetBasis::Region
    }

    /// The possible offset closest to `observed_min` (the smaller one on a tie), or `None` if
    /// the set is empty. Use it as the claimed-local offset for [`local_hour`].
    pub fn nearest(&self, observed_min: i32) -> Option<i32> {
        self.as_slice()
            .iter()
            .copied()
            .min_by_key(|&m| (i64::from(observed_min) - i64::from(m)).abs())
    }
}

/// The distinct UTC offsets (minutes) possible in `country` / `region` at `at_utc_micros`:
/// [`ClaimedZones::resolve`] then [`ClaimedZones::offsets_at`].
pub fn possible_offsets(country: &str, region: Option<&str>, at_utc_micros: i64) -> Offsets {
    ClaimedZones::resolve(country, region).offsets_at(at_utc_micros)
}

/// The smallest absolute difference in minutes between `observed` (a UTC offset in minutes,
/// e.g. `browser_tz_offset_min`) and the possible offsets; 0 when `observed` is possible.
/// `None` if the set is empty (unknown country). Saturates at `i32::MAX` for absurd input.
pub fn offset_distance_min(observed: i32, offsets: &Offsets) -> Option<i32> {
    let nearest = offsets.nearest(observed)?;
    let distance = (i64::from(observed) - i64::from(nearest)).abs();
    Some(i32::try_from(distance).unwrap_or(i32::MAX))
}

/// The hour of day (0..=23) at `at_utc_micros` (microseconds since the Unix epoch, UTC) on a
/// clock `offset_min` minutes east of UTC. Defined for every input (floor division, no
/// overflow).
pub fn local_hour(at_utc_micros: i64, offset_min: i32) -> u8 {
    use appfraud_core::primitives::MICROS_PER_MINUTE;
    const MINUTES_PER_DAY: i64 = 24 * 60;
    let utc_minute = at_utc_micros.div_euclid(MICROS_PER_MINUTE);
    let local_minute_of_day = (utc_minute + i64::from(offset_min)).rem_euclid(MINUTES_PER_DAY);
    // 0..1440 / 60 is 0..=23.
    u8::try_from(local_minute_of_day / 60).unwrap_or(0)
}

/// `zone`'s UTC offset at `at`, rounded to the nearest minute (only local mean times before
/// standard time have seconds).
fn offset_minutes(zone: Tz, at: &NaiveDateTime) -> i32 {
    let seconds = zone.offset_from_utc_datetime(at).fix().local_minus_utc();
    (seconds + 30).div_euclid(60)
}

/// Upper-case ASCII code of a trimmed two-letter country code; `UK` (reserved for the United
/// Kingdom in ISO 3166) reads as `GB`.
fn country_code(country: &str) -> Option<[u8; 2]> {
    let &[a, b] = country.trim().as_bytes() else {
        return None;
    };
    if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
        return None;
    }
    let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
    Some(if code == *b"UK" { *b"GB" } else { code })
}

fn zones_of_country(code: [u8; 2]) -> Option<&'static [Tz]> {
    COUNTRY_ZONES
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .and_then(|i| COUNTRY_ZONES.get(i))
        .map(|(_, zones)| *zones)
}

/// Writes the normalised form of a region as typed into `buf`: ASCII letters and digits
/// lower-cased, Latin letters with diacritics folded to ASCII ("ã" → "a", "ß" → "ss"), other
/// letters and digits lower-cased as they are, everything else (white space, punctuation,
/// combining marks, modifier apostrophes such as Hawaiian ʻokina) dropped. `None` if the result
/// does not fit into `buf`.
fn normalise_region<'b>(typed: &str, buf: &'b mut [u8; MAX_REGION_KEY]) -> Option<&'b str> {
    let mut len = 0;
    let mut push = |bytes: &[u8]| -> Option<()> {
        let end = len + bytes.len();
        buf.get_mut(len..end)?.copy_from_slice(bytes);
        len = end;
        Some(())
    };
    for c in typed.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                push(&[c.to_ascii_lowercase() as u8])?;
            }
            continue;
        }
        for lower in c.to_lowercase() {
            if let Some(ascii) = fold_latin(lower) {
                push(ascii.as_bytes())?;
            } else if lower.is_alphanumeric() && !is_modifier_letter(lower) {
                push(lower.encode_utf8(&mut [0; 4]).as_bytes())?;
            }
        }
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

/// Spacing modifier letters (U+02B0..U+02FF): apostrophe-like marks such as ʻ and ʼ that are
/// letters to Unicode but punctuation to whoever types them.
fn is_modifier_letter(c: char) -> bool {
    ('\u{02B0}'..='\u{02FF}').contains(&c)
}

/// ASCII for a lower-case Latin-1 or Latin Extended-A letter with a diacritic (or a ligature).
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ª' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'º' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Normalised region key → region, for one country.
type RegionKeys = HashMap<Box<str>, &'static Region>;

/// The region keys of every country with a region table.
struct RegionIndex {
    by_country: Vec<([u8; 2], RegionKeys)>,
}

static REGION_INDEX: LazyLock<RegionIndex> = LazyLock::new(|| RegionIndex::build().0);

impl RegionIndex {
    /// Indexes every region by its name, code, prefixed code ("US-NY") and aliases. Also
    /// returns the keys that two different regions of one country claim (the first keeps the
    /// key); a unit test requires none.
    fn build() -> (Self, Vec<String>) {
        let mut clashes = Vec::new();
        let mut by_country = Vec::with_capacity(REGION_TABLES.len());
        for (code, regions) in REGION_TABLES {
            let country = String::from_utf8_lossy(code);
            let mut index = RegionKeys::new();
            for region in *regions {
                for spelling in spellings(&country, region) {
                    let mut buf = [0u8; MAX_REGION_KEY];
                    let Some(key) = normalise_region(&spelling, &mut buf).filter(|k| !k.is_empty())
                    else {
                        clashes.push(format!("{country}: {spelling:?} has no usable key"));
                        continue;
                    };
                    match index.get(key) {
                        Some(other) if !std::ptr::eq(*other, region) => clashes.push(format!(
                            "{country}: {key:?} ({spelling:?}) is both {} and {}",
                            other.name, region.name
                        )),
                        Some(_) => {}
                        None => {
                            index.insert(key.into(), region);
                        }
                    }
                }
            }
            by_country.push((*code, index));
        }
        (Self { by_country }, clashes)
    }

    fn regions_of(&self, code: [u8; 2]) -> Option<&RegionKeys> {
        self.by_country
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, index)| index)
    }
}

/// Every spelling a region is known by.
fn spellings(country: &str, region: &Region) -> Vec<String> {
    let mut all = vec![region.name.to_owned()];
    if !region.code.is_empty() {
        all.push(region.code.to_owned());
        all.push(format!("{country}-{}", region.code));
    }
    all.extend(region.aliases.iter().map(|a| (*a).to_owned()));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalised(typed: &str) -> Option<String> {
        let mut buf = [0u8; MAX_REGION_KEY];
        normalise_region(typed, &mut buf).map(str::to_owned)
    }

    /// A table generated from another tzdata release than chrono-tz's may list zones chrono-tz
    /// handles differently, or miss new ones: rerun `tools/gen_country_zones.py` with the
    /// matching tzdata when this fails.
    #[test]
    fn country_table_matches_the_tzdata_release_of_chrono_tz() {
        assert_eq!(TZDATA_VERSION, chrono_tz::IANA_TZDB_VERSION);
    }

    #[test]
    fn every_spelling_of_every_region_has_its_own_key() {
        let (_, clashes) = RegionIndex::build();
        assert!(clashes.is_empty(), "{clashes:#?}");
    }

    /// Guards against a typo in the hand-written table: a region's zones are zones of its
    /// country in `zone.tab` (for a US territory, of the territory's own ISO code).
    #[test]
    fn region_zones_belong_to_the_country() {
        for (code, regions) in REGION_TABLES {
            for region in *regions {
                let owner = if *code == *b"US" && regions::US_TERRITORIES.contains(&region.code) {
                    country_code(region.code).unwrap()
                } else {
                    *code
                };
                let allowed = zones_of_country(owner).unwrap();
                for zone in region.zones {
                    assert!(
                        allowed.contains(zone),
                        "{} lists {zone}, not a zone.tab zone of {}",
                        region.name,
                        String::from_utf8_lossy(&owner)
                    );
                }
            }
        }
    }

    #[test]
    fn every_region_resolves_by_name_code_and_prefixed_code() {
        for (code, regions) in REGION_TABLES {
            let country = std::str::from_utf8(code).unwrap();
            for region in *regions {
                for spelling in spellings(country, region) {
                    let claimed = ClaimedZones::resolve(country, Some(&spelling));
                    assert_eq!(claimed.basis(), OffsetBasis::Region, "{country} {spelling}");
                    assert_eq!(claimed.zones(), region.zones, "{country} {spelling}");
                }
            }
        }
    }

    #[test]
    fn normalisation_drops_case_space_punctuation_and_accents() {
        assert_eq!(normalised("  São Paulo ").as_deref(), Some("saopaulo"));
        assert_eq!(normalised("SÃO-PAULO").as_deref(), Some("saopaulo"));
        assert_eq!(normalised("N.Y.").as_deref(), Some("ny"));
        assert_eq!(
            normalised("Île-du-Prince-Édouard").as_deref(),
            Some("ileduprinceedouard")
        );
        // "é" written as "e" + U+0301 COMBINING ACUTE ACCENT (NFD): the mark is dropped.
        assert_eq!(normalised("Que\u{301}bec").as_deref(), Some("quebec"));
        // U+02BB MODIFIER LETTER TURNED COMMA (ʻokina) is punctuation here.
        assert_eq!(normalised("Hawaiʻi").as_deref(), Some("hawaii"));
        assert_eq!(normalised("Straße").as_deref(), Some("strasse"));
        assert_eq!(normalised("Łódź").as_deref(), Some("lodz"));
        // Non-Latin letters stay, lower-cased: they simply match no key.
        assert_eq!(normalised("ΑΘΗΝΑ").as_deref(), Some("αθηνα"));
        assert_eq!(normalised(" -/. ").as_deref(), Some(""));
        assert_eq!(
            normalised(&"a".repeat(MAX_REGION_KEY)).map(|k| k.len()),
            Some(64)
        );
        assert_eq!(normalised(&"a".repeat(MAX_REGION_KEY + 1)), None);
    }

    #[test]
    fn country_codes_are_trimmed_and_case_insensitive() {
        assert_eq!(country_code(" us "), Some(*b"US"));
        assert_eq!(country_code("uK"), Some(*b"GB"));
        assert_eq!(country_code("USA"), None);
        assert_eq!(country_code("U"), None);
        assert_eq!(country_code("1A"), None);
        assert_eq!(country_code("ÜS"), None);
    }

    /// Properties over every table entry: offsets are sorted, distinct, within the range of
    /// offsets in use (UTC-12 to UTC+14), and present for every known country and region.
    #[test]
    fn every_country_and_region_has_plausible_offsets() {
        // 2024-01-15T12:00:00Z and 2024-07-15T12:00:00Z: both hemispheres' DST seasons.
        let instants = [1_705_320_000_000_000, 1_721_044_800_000_000];
        let check = |claimed: ClaimedZones, what: &str| {
            for at in instants {
                let offsets = claimed.offsets_at(at);
                let s = offsets.as_slice();
                assert!(!s.is_empty(), "{what}");
                assert!(s.windows(2).all(|w| w[0] < w[1]), "{what}: {s:?}");
                assert!(s.iter().all(|m| (-720..=840).contains(m)), "{what}: {s:?}");
            }
        };
        for (code, _) in COUNTRY_ZONES {
            let country = std::str::from_utf8(code).unwrap();
            check(ClaimedZones::resolve(country, None), country);
        }
        for (code, regions) in REGION_TABLES {
            let country = std::str::from_utf8(code).unwrap();
            for region in *regions {
                check(
                    ClaimedZones::resolve(country, Some(region.name)),
                    region.name,
                );
            }
        }
    }
}
