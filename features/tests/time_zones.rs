//! Possible UTC offsets for a claimed country and region, through the public API.
//!
//! Every expected offset is worked out by hand from the civil-time rules in force at the
//! instant (references: the tz database's `northamerica`, `southamerica`, `australasia`,
//! `asia` and `europe` files, tzdata 2025b; the US Energy Policy Act of 2005 for US DST dates).
//! Offsets are exact integers: no tolerance applies.

use appfraud_features::{
    ClaimedZones, OffsetBasis, local_hour, offset_distance_min, possible_offsets,
};
use chrono::DateTime;

/// Microseconds since the epoch of an RFC 3339 instant.
fn at(rfc3339: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("test instants are valid RFC 3339")
        .timestamp_micros()
}

fn offsets(country: &str, region: Option<&str>, instant: &str) -> Vec<i32> {
    possible_offsets(country, region, at(instant))
        .as_slice()
        .to_vec()
}

// Mid-season instants used throughout: northern winter / southern summer, and the reverse.
const JANUARY: &str = "2024-01-15T12:00:00Z";
const JULY: &str = "2024-07-15T12:00:00Z";

#[test]
fn new_york_switches_to_daylight_time_on_2024_03_10_at_0700_utc() {
    // US DST starts on the second Sunday of March at 02:00 local standard time: 2024-03-10,
    // 02:00 EST (UTC-5) = 07:00 UTC. Before that instant EST (-300), from it EDT (-240).
    assert_eq!(
        offsets("US", Some("New York"), "2024-03-10T06:59:59Z"),
        [-300]
    );
    assert_eq!(
        offsets("US", Some("New York"), "2024-03-10T07:00:00Z"),
        [-240]
    );
    assert_eq!(offsets("US", Some("NY"), JANUARY), [-300]);
    assert_eq!(offsets("US", Some("NY"), JULY), [-240]);
}

#[test]
fn the_switch_happens_exactly_at_the_boundary_microsecond() {
    // 2024-03-10T07:00:00Z is 1_710_054_000 s after the epoch (19_792 days × 86_400 s + 7 h).
    let switch = 1_710_054_000_000_000_i64;
    assert_eq!(switch, at("2024-03-10T07:00:00Z"));
    let before = possible_offsets("US", Some("NY"), switch - 1);
    let from = possible_offsets("US", Some("NY"), switch);
    assert_eq!(before.as_slice(), [-300]);
    assert_eq!(from.as_slice(), [-240]);
    // Back to EST on the first Sunday of November at 02:00 EDT: 2024-11-03T06:00:00Z.
    let back = at("2024-11-03T06:00:00Z");
    assert_eq!(
        possible_offsets("US", Some("NY"), back - 1).as_slice(),
        [-240]
    );
    assert_eq!(possible_offsets("US", Some("NY"), back).as_slice(), [-300]);
}

#[test]
fn arizona_keeps_mst_but_the_navajo_nation_observes_dst() {
    // Phoenix: MST (-420) all year. Denver (Navajo Nation): MST -420 in winter, MDT -360 in
    // summer. "AZ" covers both zones.
    assert_eq!(offsets("US", Some("AZ"), JANUARY), [-420]);
    assert_eq!(offsets("US", Some("Arizona"), JULY), [-420, -360]);
    assert_eq!(offsets("US", Some("Navajo Nation"), JULY), [-360]);
    assert_eq!(offsets("US", Some("Navajo Nation"), JANUARY), [-420]);
    let arizona = ClaimedZones::resolve("US", Some("Ariz."));
    let names: Vec<&str> = arizona.zones().iter().map(|z| z.name()).collect();
    assert_eq!(names, ["America/Phoenix", "America/Denver"]);
}

#[test]
fn indiana_spans_eastern_and_central_time() {
    // Eastern zones (Indianapolis, ...): EST -300 / EDT -240; Central zones (Chicago, Tell
    // City, Knox): CST -360 / CDT -300. All of Indiana observes DST since 2006.
    assert_eq!(offsets("US", Some("Indiana"), JANUARY), [-360, -300]);
    assert_eq!(offsets("US", Some("IN"), JULY), [-300, -240]);
    assert_eq!(offsets("US", Some("ind."), JULY), [-300, -240]);
}

#[test]
fn hawaii_has_no_dst() {
    // HST, UTC-10, all year.
    assert_eq!(offsets("US", Some("Hawaii"), JANUARY), [-600]);
    assert_eq!(offsets("US", Some("HI"), JULY), [-600]);
}

#[test]
fn australian_states_with_and_without_dst_and_half_hours() {
    // South Australia: ACST +9:30 (+570), ACDT +10:30 (+630) from the first Sunday of October
    // to the first Sunday of April, so January is daylight time.
    assert_eq!(offsets("AU", Some("South Australia"), JANUARY), [630]);
    assert_eq!(offsets("AU", Some("SA"), JULY), [570]);
    // Queensland: AEST +10 all year (Brisbane and the Whitsundays, Lindeman).
    assert_eq!(offsets("AU", Some("QLD"), JANUARY), [600]);
    assert_eq!(offsets("AU", Some("Queensland"), JULY), [600]);
    // Lord Howe Island: +10:30 standard, a half-hour shift to +11 in summer.
    assert_eq!(offsets("AU", Some("Lord Howe Island"), JANUARY), [660]);
    assert_eq!(offsets("AU", Some("Lord Howe Island"), JULY), [630]);
    // New South Wales = Sydney (+600/+660), Broken Hill on South Australian time (+570/+630)
    // and Lord Howe (+630/+660). January: {660, 630, 660}; July: {600, 570, 630}.
    assert_eq!(offsets("AU", Some("NSW"), JANUARY), [630, 660]);
    assert_eq!(offsets("AU", Some("NSW"), JULY), [570, 600, 630]);
}

#[test]
fn brazil_has_had_no_dst_since_2019() {
    // Sao Paulo: BRT -180; the last DST (BRST -120) ran 2018-11-04 to 2019-02-17.
    assert_eq!(offsets("BR", Some("SP"), "2019-01-15T12:00:00Z"), [-120]);
    assert_eq!(offsets("BR", Some("SP"), JANUARY), [-180]);
    assert_eq!(offsets("BR", Some("SP"), JULY), [-180]);
}

#[test]
fn mexico_city_dropped_dst_in_2022_but_tijuana_follows_the_us() {
    // Mexico City: CDT -300 until 2022-10-30 02:00 local (07:00 UTC), then CST -360 all year.
    assert_eq!(offsets("MX", Some("CDMX"), "2022-07-15T12:00:00Z"), [-300]);
    assert_eq!(offsets("MX", Some("CDMX"), "2022-10-30T06:59:59Z"), [-300]);
    assert_eq!(
        offsets("MX", Some("Ciudad de México"), "2022-10-30T07:00:00Z"),
        [-360]
    );
    assert_eq!(offsets("MX", Some("Mexico City"), JULY), [-360]);
    // Baja California (Tijuana) keeps US Pacific rules: PST -480 in winter, PDT -420 in summer.
    assert_eq!(offsets("MX", Some("Baja California"), JANUARY), [-480]);
    assert_eq!(offsets("MX", Some("BC"), JULY), [-420]);
    // Baja California Sur (Mazatlan) is another region: MST -420 all year since 2022.
    assert_eq!(offsets("MX", Some("BCS"), JULY), [-420]);
}

#[test]
fn mainland_spain_and_the_canaries_are_an_hour_apart() {
    // Mainland: CET +60 / CEST +120. Canary Islands: WET 0 / WEST +60.
    assert_eq!(offsets("ES", Some("Madrid"), JANUARY), [60]);
    assert_eq!(offsets("ES", Some("Barcelona"), JULY), [120]);
    assert_eq!(offsets("ES", Some("Canarias"), JANUARY), [0]);
    assert_eq!(offsets("ES", Some("Canary Islands"), JULY), [60]);
    assert_eq!(offsets("ES", Some("Tenerife"), JULY), [60]);
    // No region: mainland, Ceuta/Melilla (same as mainland) and the Canaries.
    assert_eq!(offsets("ES", None, JANUARY), [0, 60]);
}

#[test]
fn half_and_quarter_hour_countries() {
    // India: IST +5:30 all year; Nepal: NPT +5:45 since 1986. Neither has a region table:
    // the region is not looked at.
    let india = possible_offsets("IN", Some("Karnataka"), at(JULY));
    assert_eq!(india.as_slice(), [330]);
    assert_eq!(india.basis(), OffsetBasis::CountryWithoutRegions);
    assert!(!india.region_recognised());
    assert_eq!(offsets("NP", None, JANUARY), [345]);
}

#[test]
fn unknown_country_gives_no_offsets_and_no_distance() {
    for country in ["XX", "", "USA", "U S", "  "] {
        let none = possible_offsets(country, Some("NY"), at(JULY));
        assert!(none.is_empty(), "{country:?}");
        assert_eq!(none.basis(), OffsetBasis::UnknownCountry);
        assert_eq!(offset_distance_min(-240, &none), None);
    }
    // Bouvet Island is an ISO country without a zone in zone.tab.
    assert!(possible_offsets("BV", None, at(JULY)).is_empty());
}

#[test]
fn region_spellings_as_typed() {
    for typed in [
        "são paulo",
        "Sao Paulo",
        "SP",
        " SÃO-PAULO ",
        "sp.",
        "BR-SP",
    ] {
        let sp = possible_offsets("br", Some(typed), at(JULY));
        assert_eq!(sp.basis(), OffsetBasis::Region, "{typed:?}");
        assert_eq!(sp.as_slice(), [-180], "{typed:?}");
    }
    // Québec = Toronto (EST -300 / EDT -240), Blanc-Sablon (AST -240 all year) and the Magdalen
    // Islands on Halifax time (AST -240 / ADT -180).
    for typed in ["québec", "Quebec", "QC", "qc", "P.Q.", "CA-QC"] {
        let qc = ClaimedZones::resolve("CA", Some(typed));
        assert_eq!(qc.basis(), OffsetBasis::Region, "{typed:?}");
        assert_eq!(qc.offsets_at(at(JANUARY)).as_slice(), [-300, -240]);
        assert_eq!(qc.offsets_at(at(JULY)).as_slice(), [-240, -180]);
    }
    assert_eq!(offsets("US", Some("Calif."), JULY), [-420]);
    assert_eq!(offsets("US", Some("washington d.c."), JULY), [-240]);
    // "Washington" alone is the state (Pacific), not DC.
    assert_eq!(offsets("US", Some("Washington"), JULY), [-420]);
}

#[test]
fn unknown_or_missing_region_falls_back_to_the_country() {
    // All 29 US zones in July 2024: HST -600 (Honolulu), HDT -540 (Adak), AKDT -480, PDT and
    // MST -420 (Los Angeles, Phoenix), MDT -360, CDT -300, EDT -240.
    let all = [-600, -540, -480, -420, -360, -300, -240];
    let unknown = possible_offsets("US", Some("Narnia"), at(JULY));
    assert_eq!(unknown.as_slice(), all);
    assert_eq!(unknown.basis(), OffsetBasis::UnknownRegion);
    let missing = possible_offsets("US", None, at(JULY));
    assert_eq!(missing.as_slice(), all);
    assert_eq!(missing.basis(), OffsetBasis::NoRegion);
    // Only punctuation left: treated as no region.
    assert_eq!(
        possible_offsets("US", Some(" - "), at(JULY)).basis(),
        OffsetBasis::NoRegion
    );
    let known = possible_offsets("US", Some("Texas"), at(JULY));
    assert!(known.region_recognised());
    // Texas: Central (CDT -300) and El Paso on Mountain (MDT -360).
    assert_eq!(known.as_slice(), [-360, -300]);
}

#[test]
fn every_state_and_province_resolves_by_official_code() {
    let tables: [(&str, &[&str]); 5] = [
        (
            "US",
            &[
                "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
                "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
                "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
                "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
            ],
        ),
        (
            "CA",
            &[
                "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
            ],
        ),
        ("AU", &["NSW", "VIC", "QLD", "SA", "WA", "TAS", "NT", "ACT"]),
        (
            "BR",
            &[
                "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA",
                "PB", "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
            ],
        ),
        (
            "MX",
            &[
                "AGU", "BCN", "BCS", "CAM", "CHP", "CHH", "CMX", "COA", "COL", "DUR", "GUA", "GRO",
                "HID", "JAL", "MEX", "MIC", "MOR", "NAY", "NLE", "OAX", "PUE", "QUE", "ROO", "SLP",
                "SIN", "SON", "TAB", "TAM", "TLA", "VER", "YUC", "ZAC",
            ],
        ),
    ];
    let counts: Vec<usize> = tables.iter().map(|(_, codes)| codes.len()).collect();
    assert_eq!(counts, [51, 13, 8, 27, 32]);
    for (country, codes) in tables {
        for code in codes {
            let claimed = ClaimedZones::resolve(country, Some(code));
            assert_eq!(claimed.basis(), OffsetBasis::Region, "{country}-{code}");
        }
    }
}

#[test]
fn distance_is_zero_when_possible_and_the_gap_otherwise() {
    let new_york_winter = possible_offsets("US", Some("NY"), at(JANUARY));
    assert_eq!(offset_distance_min(-300, &new_york_winter), Some(0));
    // A browser on Korea Standard Time (+540) against EST (-300): 840 minutes apart.
    assert_eq!(offset_distance_min(540, &new_york_winter), Some(840));
    // Indiana in July {-300, -240}: -360 is 60 from -300; -270 is 30 from both, the smaller
    // offset (-300) is the nearest.
    let indiana = possible_offsets("US", Some("IN"), at(JULY));
    assert_eq!(offset_distance_min(-360, &indiana), Some(60));
    assert_eq!(indiana.nearest(-270), Some(-300));
    assert_eq!(offset_distance_min(-270, &indiana), Some(30));
    // Absurd input saturates instead of overflowing: the nearest offset to i32::MAX is -240,
    // and i32::MAX + 240 does not fit; i32::MIN is 2^31 - 300 = 2_147_483_348 from -300.
    assert_eq!(offset_distance_min(i32::MAX, &indiana), Some(i32::MAX));
    assert_eq!(offset_distance_min(i32::MIN, &indiana), Some(2_147_483_348));
}

#[test]
fn local_hour_in_claimed_time() {
    // 2024-03-10T07:00:00Z on EDT (-240) is 03:00; one second earlier on EST (-300) 01:59:59.
    assert_eq!(local_hour(at("2024-03-10T07:00:00Z"), -240), 3);
    assert_eq!(local_hour(at("2024-03-10T06:59:59Z"), -300), 1);
    // Kathmandu (+345): 2024-01-15T12:00Z is 17:45.
    assert_eq!(local_hour(at(JANUARY), 345), 17);
    // Before the epoch, floor division: 1969-12-31T23:30Z is 23 h UTC and 00:30 at +60.
    assert_eq!(local_hour(at("1969-12-31T23:30:00Z"), 0), 23);
    assert_eq!(local_hour(at("1969-12-31T23:30:00Z"), 60), 0);
    // Defined everywhere, no overflow.
    assert!(local_hour(i64::MIN, i32::MIN) < 24);
    assert!(local_hour(i64::MAX, i32::MAX) < 24);
}

#[test]
fn resolving_once_matches_resolving_per_call() {
    // The batch path resolves a claim once and asks per instant; the single-application path
    // calls possible_offsets. Both must agree.
    let claimed = ClaimedZones::resolve("AU", Some("nsw"));
    for instant in [
        JANUARY,
        JULY,
        "2024-04-07T02:59:59Z",
        "2024-10-06T16:00:00Z",
    ] {
        assert_eq!(
            claimed.offsets_at(at(instant)),
            possible_offsets("AU", Some("nsw"), at(instant))
        );
    }
}

#[test]
fn instants_outside_chronos_range_give_no_offsets() {
    let claimed = ClaimedZones::resolve("US", Some("NY"));
    assert!(claimed.offsets_at(i64::MAX).is_empty());
    assert_eq!(claimed.offsets_at(i64::MAX).basis(), OffsetBasis::Region);
}
