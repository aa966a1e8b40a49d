//! Expectations worked out by hand from the numbering plans and libphonenumber's metadata
//! (release 9.0.33, as bundled by the `phonenumber` crate); the reasoning is beside each case.

use super::*;

fn signals(phone: &str, country: &str, region: Option<&str>) -> PhoneSignals {
    phone_signals(Some(phone), country, region)
}

fn region(code: &str) -> Option<RegionCode> {
    RegionCode::parse(code)
}

/// A valid number of the claimed country, written as `style` with `digits` digits.
fn assert_home_number(s: PhoneSignals, style: PhoneStyle, digits: u8, home: &str) {
    assert_eq!(s.style, style, "{s:?}");
    assert_eq!(s.digit_count, digits, "{s:?}");
    assert!(!s.has_letters && !s.has_unusual_chars, "{s:?}");
    assert!(
        s.parsed && s.possible && s.valid && s.valid_for_claimed,
        "{s:?}"
    );
    assert_eq!(s.number_region, region(home), "{s:?}");
    assert_eq!(s.number_region_differs, Some(false), "{s:?}");
    assert_eq!(s.calling_code_differs, Some(false), "{s:?}");
}

#[test]
fn a_san_francisco_number_claimed_from_california_in_full() {
    // 415 is a San Francisco area code (geocoder: "California"); 555-0134 has a valid exchange
    // (NXX 555 is in the US fixed-line and mobile patterns: libphonenumber does not exclude the
    // 555-01xx fiction block). NANP numbers cannot be told apart as fixed or mobile.
    let expected = PhoneSignals {
        style: PhoneStyle::LocalNational,
        digit_count: 10,
        has_letters: false,
        has_unusual_chars: false,
        parsed: true,
        possible: true,
        valid: true,
        valid_for_claimed: true,
        number_region: region("US"),
        number_region_differs: Some(false),
        calling_code_differs: Some(false),
        line_type: Some(PhoneLineType::FixedLineOrMobile),
        area_code_matches_region: Some(true),
        e164: Some(14_155_550_134),
    };
    assert_eq!(signals("(415) 555-0134", "US", Some("CA")), expected);
}

#[test]
fn one_number_in_every_style_has_one_e164_key() {
    // E.164 of the US number is +1 415 555 0134; of the GB mobile +44 7911 123456; of the
    // Italian fixed line +39 06 1234 5678 (the leading 0 is part of Italian numbers).
    for (text, country) in [
        ("(415) 555-0134", "US"),
        ("4155550134", "US"),
        ("+1 415 555 0134", "US"),
        ("1-415-555-0134", "US"),
        ("001 415 555 0134", "DE"),
        ("+14155550134", "GB"),
    ] {
        assert_eq!(
            signals(text, country, None).e164,
            Some(14_155_550_134),
            "{text}"
        );
    }
    assert_eq!(
        signals("07911 123456", "GB", None).e164,
        Some(447_911_123_456)
    );
    assert_eq!(
        signals("+39 06 1234 5678", "IT", None).e164,
        Some(390_612_345_678)
    );
    assert_eq!(signals("call me", "US", None).e164, None);
    assert_eq!(signals("", "US", None).e164, None);
}

#[test]
fn a_us_number_in_every_usual_style_is_the_same_valid_us_number() {
    use PhoneStyle::*;
    // (text, style, digits): the ten digits 4155550134, plus the country code "1" where written,
    // plus "00" for the international prefix.
    let cases = [
        ("(415) 555-0134", LocalNational, 10),
        ("415-555-0134", LocalNational, 10),
        ("415.555.0134", LocalNational, 10),
        ("415 555 0134", LocalNational, 10),
        ("4155550134", PlainDigits, 10),
        ("+1 415 555 0134", InternationalPlus, 11),
        ("+1 (415) 555-0134", InternationalPlus, 11),
        ("+1-415-555-0134", InternationalPlus, 11),
        ("+14155550134", E164Compact, 11),
        // The NANP trunk/country code "1" without "+": libphonenumber strips it (source
        // "number without plus sign"), a style the advisories call out.
        ("1-415-555-0134", LeadingOneNoPlus, 11),
        ("1 415 555 0134", LeadingOneNoPlus, 11),
        ("1 (415) 555-0134", LeadingOneNoPlus, 11),
        ("(1) 415 555 0134", LeadingOneNoPlus, 11),
        ("14155550134", LeadingOneNoPlus, 11),
        // "00" is how most of the world dials abroad; the US exit code is 011, so the parser's
        // US reading fails and the text is re-read as "+1 415 555 0134".
        ("001 415 555 0134", InternationalDoubleZero, 13),
        ("0014155550134", InternationalDoubleZero, 13),
    ];
    for (text, style, digits) in cases {
        let s = signals(text, "US", Some("California"));
        assert_home_number(s, style, digits, "US");
        assert_eq!(
            s.line_type,
            Some(PhoneLineType::FixedLineOrMobile),
            "{text}"
        );
        assert_eq!(s.area_code_matches_region, Some(true), "{text}");
    }
}

#[test]
fn toronto_number_is_canadian_through_the_nanp_metadata() {
    // +1 416 is Toronto. All NANP members share calling code 1; libphonenumber tries the main
    // country (US) first, whose patterns do not list 416, then the others until CA matches.
    let s = signals("(416) 555-0134", "CA", Some("ON"));
    assert_home_number(s, PhoneStyle::LocalNational, 10, "CA");
    assert_eq!(s.area_code_matches_region, Some(true));
    assert_eq!(
        signals("416-555-0134", "CA", Some("Ontario")).area_code_matches_region,
        Some(true)
    );

    // Claimed from the US: valid, but not for the US; same calling code, other region. "CA" in
    // the US is California, which 416 does not serve.
    let s = signals("416 555 0134", "US", Some("CA"));
    assert!(s.valid && !s.valid_for_claimed, "{s:?}");
    assert_eq!(s.number_region, region("CA"));
    assert_eq!(s.number_region_differs, Some(true));
    assert_eq!(s.calling_code_differs, Some(false));
    assert_eq!(s.area_code_matches_region, Some(false));
}

#[test]
fn gb_mobiles_local_and_international() {
    // 07400 123456: trunk "0" dropped, 7400123456 matches GB mobile 74[0-46-9]\d{7}.
    let s = signals("07400 123456", "GB", None);
    assert_home_number(s, PhoneStyle::LocalNational, 11, "GB");
    assert_eq!(s.line_type, Some(PhoneLineType::Mobile));
    let s = signals("+44 7400 123456", "GB", None);
    assert_home_number(s, PhoneStyle::InternationalPlus, 12, "GB");
    // The GB exit code is 00, so the parser strips "0044" itself.
    let s = signals("0044 7400 123456", "GB", None);
    assert_home_number(s, PhoneStyle::InternationalDoubleZero, 14, "GB");
    // "44" without "+": the parser sees GB's calling code in front of a 12-digit string that
    // is no GB national number, and strips it.
    let s = signals("44 7400 123456", "GB", None);
    assert_home_number(s, PhoneStyle::CountryCodeNoPlus, 12, "GB");

    // The textbook "07911 123456" lies in a Guernsey range: GB mobile allows only 7911[028],
    // GG mobile has 7911[17]\d{5}. It is valid, shares GB's calling code, but is not valid
    // *for GB* (libphonenumber's isValidNumberForRegion).
    for text in ["07911 123456", "+44 7911 123456"] {
        let s = signals(text, "GB", None);
        assert!(s.parsed && s.valid && !s.valid_for_claimed, "{text}: {s:?}");
        assert_eq!(s.number_region, region("GG"), "{text}");
        assert_eq!(s.number_region_differs, Some(true), "{text}");
        assert_eq!(s.calling_code_differs, Some(false), "{text}");
        assert_eq!(s.line_type, Some(PhoneLineType::Mobile), "{text}");
    }
}

#[test]
fn national_numbers_of_other_countries_are_valid_mobiles_there() {
    use PhoneStyle::*;
    let cases = [
        // DE: trunk "0" dropped, 15123456789 matches 15(?:[0-25-9]\d\d|…)\d{6}: 11 digits.
        ("0151 23456789", "DE", LocalNational, 12),
        ("+49 151 23456789", "DE", InternationalPlus, 13),
        // FR: 612345678 matches 6(?:[0-24-8]\d|…)\d{6}.
        ("06 12 34 56 78", "FR", LocalNational, 10),
        ("0612345678", "FR", PlainDigits, 10),
        // IN: 98765 43210 is in the 9[7-9]… mobile block; "+91" is written.
        ("+91 98765 43210", "IN", InternationalPlus, 12),
        ("91 98765 43210", "IN", CountryCodeNoPlus, 12),
        // BR: area code 11 (São Paulo) + 9 + eight digits matches 11(?:7|9\d)\d{7}.
        ("(11) 91234-5678", "BR", LocalNational, 11),
        // AU: trunk "0" dropped, 412345678 matches 4(?:[0-36]\d|…)\d{6}.
        ("0412 345 678", "AU", LocalNational, 10),
    ];
    for (text, country, style, digits) in cases {
        let s = signals(text, country, None);
        assert_home_number(s, style, digits, country);
        assert_eq!(s.line_type, Some(PhoneLineType::Mobile), "{text}");
        assert_eq!(s.area_code_matches_region, None, "{text}: not a NANP claim");
    }
}

#[test]
fn foreign_numbers_keep_their_own_region() {
    // +86 138… is a China Mobile number (CN mobile 1(?:[38]\d|…)\d{8}). The crate on its own
    // would strip the US trunk "1" from it when parsing with US as default; "+" numbers are
    // read by their own calling code.
    let s = signals("+86 138 0013 8000", "US", Some("CA"));
    assert!(s.parsed && s.valid && !s.valid_for_claimed, "{s:?}");
    assert_eq!(s.style, PhoneStyle::InternationalPlus);
    assert_eq!(s.number_region, region("CN"));
    assert_eq!(s.number_region_differs, Some(true));
    assert_eq!(s.calling_code_differs, Some(true));
    assert_eq!(s.line_type, Some(PhoneLineType::Mobile));
    assert_eq!(s.area_code_matches_region, None, "not a +1 number");

    // The US exit code 011 before +44: the parser's US reading strips it; region GB.
    let s = signals("011 44 7400 123456", "US", None);
    assert_eq!(s.style, PhoneStyle::InternationalOtherPrefix);
    assert!(s.valid && !s.valid_for_claimed, "{s:?}");
    assert_eq!(s.number_region, region("GB"));

    // A US number with the lone NANP "1" claimed from GB: GB's reading of 14155550134 is no GB
    // number, so it is re-read as +1 415 555 0134.
    let s = signals("1-415-555-0134", "GB", None);
    assert_eq!(s.style, PhoneStyle::LeadingOneNoPlus);
    assert!(s.valid && !s.valid_for_claimed, "{s:?}");
    assert_eq!(s.number_region, region("US"));
    assert_eq!(s.calling_code_differs, Some(true));

    // +7 912 is a Russian mobile; Kazakhstan shares +7 (KZ numbers start 6 or 7).
    let s = signals("+7 912 345 67 89", "KZ", None);
    assert!(s.valid && !s.valid_for_claimed, "{s:?}");
    assert_eq!(s.number_region, region("RU"));
    assert_eq!(s.calling_code_differs, Some(false));

    // +800 is the international freephone code: valid, no region, so it differs from any
    // claimed country.
    let s = signals("+800 1234 5678", "US", None);
    assert!(s.valid && !s.valid_for_claimed, "{s:?}");
    assert_eq!(s.number_region, None);
    assert_eq!(s.number_region_differs, Some(true));
    assert_eq!(s.line_type, Some(PhoneLineType::TollFree));
}

#[test]
fn bare_digits_are_not_guessed_to_be_foreign() {
    // An Australian mobile typed nationally but claimed from the US is simply no US number.
    let s = signals("0412 345 678", "US", None);
    assert!(s.parsed && !s.valid && !s.valid_for_claimed, "{s:?}");
    assert_eq!(s.number_region, None);
    assert_eq!(s.number_region_differs, None, "region unknown, not 'same'");
    assert_eq!(s.calling_code_differs, Some(false), "read as +1");
}

#[test]
fn invalid_numbers() {
    // Nine digits: shorter than any US number (10), so neither possible nor valid.
    let s = signals("415 555 013", "US", Some("CA"));
    assert!(
        s.parsed && !s.possible && !s.valid && !s.valid_for_claimed,
        "{s:?}"
    );
    assert_eq!(s.digit_count, 9);
    assert_eq!(s.number_region_differs, None);
    assert_eq!(s.line_type, None);
    assert_eq!(s.area_code_matches_region, None, "no ten-digit NANP number");

    // Area code 015: NANP area codes start with 2-9. Ten digits is a possible length, but the
    // number is not valid anywhere in the NANP.
    let s = signals("(015) 555-0134", "US", Some("CA"));
    assert!(
        s.parsed && s.possible && !s.valid && !s.valid_for_claimed,
        "{s:?}"
    );
    assert_eq!(s.style, PhoneStyle::LocalNational);
    assert_eq!(s.number_region, None);
    assert_eq!(s.area_code_matches_region, None);

    // GB 07700 9xxxxx is Ofcom's drama range; libphonenumber's GB mobile lists only 7700[01].
    let s = signals("07700 900123", "GB", None);
    assert!(s.parsed && !s.valid, "{s:?}");
}

#[test]
fn letters_garbage_and_unusual_characters() {
    // Words: no digits, nothing to parse.
    for text in ["call me", "n/a", "none"] {
        let s = signals(text, "US", Some("CA"));
        assert_eq!(s.style, PhoneStyle::Other, "{text}");
        assert!(s.has_letters && !s.parsed && !s.valid, "{text}: {s:?}");
        assert_eq!(s.digit_count, 0, "{text}");
        assert_eq!(s.calling_code_differs, None, "{text}");
    }
    // Only separators.
    let s = signals("--", "US", None);
    assert_eq!(s.style, PhoneStyle::Other);
    assert!(!s.has_letters && !s.has_unusual_chars && !s.parsed, "{s:?}");

    // A vanity number: libphonenumber maps keypad letters to digits (FLOWERS = 3569377), so
    // 1-800-356-9377 is a valid US toll-free number; the text still is not a plain number.
    let s = signals("1-800-FLOWERS", "US", None);
    assert_eq!(s.style, PhoneStyle::Other);
    assert!(s.has_letters && s.valid && s.valid_for_claimed, "{s:?}");
    assert_eq!(s.digit_count, 4);
    assert_eq!(s.line_type, Some(PhoneLineType::TollFree));

    // "*" separators and a "+" in the middle are unusual; the digits still parse.
    let s = signals("415*555*0134", "US", None);
    assert_eq!(s.style, PhoneStyle::Other);
    assert!(s.has_unusual_chars && !s.has_letters && s.valid, "{s:?}");
    let s = signals("415 555+0134", "US", None);
    assert_eq!(s.style, PhoneStyle::Other);
    assert!(s.has_unusual_chars, "{s:?}");
}

#[test]
fn blank_or_null_phone_is_absent() {
    assert_eq!(phone_signals(None, "US", Some("CA")), PhoneSignals::ABSENT);
    for text in ["", "   ", "\t\n", "\u{a0}"] {
        assert_eq!(
            signals(text, "US", Some("CA")),
            PhoneSignals::ABSENT,
            "{text:?}"
        );
    }
    assert_eq!(PhoneSignals::ABSENT.style, PhoneStyle::Absent);
}

#[test]
fn a_trailing_extension_is_set_aside() {
    for text in [
        "(415) 555-0134 ext. 12",
        "(415) 555-0134 x12",
        "415-555-0134, extension 7",
        "415-555-0134 #12",
    ] {
        let s = signals(text, "US", Some("CA"));
        assert_home_number(s, PhoneStyle::LocalNational, 10, "US");
    }
    // Not an extension: letters inside the number.
    assert_eq!(
        signals("415-555-0134 call after 5", "US", None).style,
        PhoneStyle::Other
    );
}

#[test]
fn input_method_characters_count_as_what_they_stand_for() {
    // Full-width digits and "+" (East Asian input methods) and Arabic-Indic digits are not
    // "unusual": that would make keyboard layout a feature (docs/signals.md, fairness).
    let s = signals("４１５ ５５５ ０１３４", "US", None);
    assert_home_number(s, PhoneStyle::LocalNational, 10, "US");
    let s = signals("＋１ ４１５ ５５５ ０１３４", "US", None);
    assert_home_number(s, PhoneStyle::InternationalPlus, 11, "US");
    // The re-reading of "00" works on them too.
    let s = signals("００１ ４１５ ５５５ ０１３４", "US", None);
    assert_home_number(s, PhoneStyle::InternationalDoubleZero, 13, "US");
    // Egyptian mobile 010 1234 5678 in Arabic-Indic digits.
    let s = signals("٠١٠ ١٢٣٤ ٥٦٧٨", "EG", None);
    assert_home_number(s, PhoneStyle::LocalNational, 11, "EG");
    // En dashes from word processors are separators.
    let s = signals("415–555–0134", "US", None);
    assert_home_number(s, PhoneStyle::LocalNational, 10, "US");
}

#[test]
fn claimed_country_is_alpha_2_in_any_case_else_unknown() {
    let s = signals("(415) 555-0134", " us ", Some("ca"));
    assert_home_number(s, PhoneStyle::LocalNational, 10, "US");
    assert_eq!(s.area_code_matches_region, Some(true));
    for country in ["USA", "", "U", "ZZ", "1"] {
        // A national number needs a country to be read at all.
        let s = signals("(415) 555-0134", country, Some("CA"));
        assert!(!s.parsed && !s.valid_for_claimed, "{country:?}: {s:?}");
        assert_eq!(s.style, PhoneStyle::LocalNational, "{country:?}");
        // A "+" number is read anyway; comparisons with the claim stay unknown.
        let s = signals("+44 7400 123456", country, None);
        assert!(s.valid && !s.valid_for_claimed, "{country:?}: {s:?}");
        assert_eq!(s.number_region, region("GB"));
        assert_eq!(s.number_region_differs, None, "{country:?}");
        assert_eq!(s.calling_code_differs, None, "{country:?}");
    }
}

#[test]
fn area_code_against_claimed_region() {
    let m = |phone: &str, country: &str, region: Option<&str>| {
        signals(phone, country, region).area_code_matches_region
    };
    // 415: San Francisco, California.
    for r in [
        "CA",
        "ca",
        "California",
        "CALIFORNIA",
        " california. ",
        "C.A.",
    ] {
        assert_eq!(m("(415) 555-0134", "US", Some(r)), Some(true), "{r}");
    }
    assert_eq!(m("(415) 555-0134", "US", Some("TX")), Some(false));
    assert_eq!(m("(415) 555-0134", "US", Some("Texas")), Some(false));
    // 416: Toronto, Ontario.
    for r in ["ON", "Ontario", "ontario"] {
        assert_eq!(m("(416) 555-0134", "CA", Some(r)), Some(true), "{r}");
    }
    assert_eq!(m("(416) 555-0134", "CA", Some("BC")), Some(false));
    // Unknown region text, no region, or a region of another country: unknown, not false.
    assert_eq!(m("(415) 555-0134", "US", Some("Bay Area")), None);
    assert_eq!(m("(415) 555-0134", "US", Some("")), None);
    assert_eq!(m("(415) 555-0134", "US", None), None);
    assert_eq!(
        m("(415) 555-0134", "US", Some("Ontario")),
        None,
        "not a US state"
    );
    assert_eq!(
        m("(416) 555-0134", "CA", Some("CA")),
        None,
        "not a province"
    );
    // Claimed outside the US and Canada: the area code says nothing about the region.
    assert_eq!(m("+1 415 555 0134", "GB", Some("CA")), None);
    // Non-geographic area code (toll-free 800).
    assert_eq!(m("(800) 555-0134", "US", Some("CA")), None);
    // A number of another US state claimed from California.
    assert_eq!(m("(212) 555-0134", "US", Some("California")), Some(false));
    assert_eq!(m("(212) 555-0134", "US", Some("New York")), Some(true));
    // Area codes that serve several subdivisions (geocoder: "Northwest
    // Territories/Nunavut/Yukon", "Nova Scotia/Prince Edward Island").
    assert_eq!(m("(867) 667-1234", "CA", Some("Yukon")), Some(true));
    assert_eq!(m("(867) 979-1234", "CA", Some("NU")), Some(true));
    assert_eq!(m("(867) 667-1234", "CA", Some("Alberta")), Some(false));
    assert_eq!(m("(902) 892-1234", "CA", Some("P.E.I.")), Some(true));
    assert_eq!(m("(902) 492-1234", "CA", Some("Nova Scotia")), Some(true));
    // French spelling and the old postal code of Quebec.
    assert_eq!(m("(514) 555-0134", "CA", Some("Québec")), Some(true));
    assert_eq!(m("(514) 555-0134", "CA", Some("PQ")), Some(true));
    // Washington DC vs Washington State.
    assert_eq!(
        m("(202) 555-0134", "US", Some("Washington, D.C.")),
        Some(true)
    );
    assert_eq!(m("(202) 555-0134", "US", Some("Washington")), Some(false));
    assert_eq!(m("(206) 555-0134", "US", Some("Washington")), Some(true));
}

#[test]
fn the_area_code_table_is_well_formed() {
    assert!(
        AREA_CODES.windows(2).all(|w| w[0].0 < w[1].0),
        "sorted, unique"
    );
    for &(npa, served) in &AREA_CODES {
        assert!((200..1000).contains(&npa), "{npa}");
        assert_ne!(served, 0, "{npa}");
        let beyond = u32::try_from(SUBDIVISIONS.len()).unwrap();
        assert_eq!(served.checked_shr(beyond).unwrap_or(0), 0, "{npa}");
    }
    let count = |c: &[u8; 2]| SUBDIVISIONS.iter().filter(|s| &s.country == c).count();
    assert_eq!(count(b"US"), 51, "50 states and DC");
    assert_eq!(count(b"CA"), 13, "10 provinces and 3 territories");
    for (i, s) in SUBDIVISIONS.iter().enumerate() {
        assert_eq!(s.code.len(), 2, "{}", s.name);
        for key in s.keys {
            assert!(key.bytes().all(|b| b.is_ascii_lowercase()), "{key}");
            // No spelling of one subdivision names another of the same country.
            assert_eq!(
                subdivision_index(RegionCode(s.country), key),
                Some(i),
                "{key}"
            );
        }
        assert!(s.keys.iter().any(|k| spells(s.code, k)), "{}", s.code);
        assert!(s.keys.iter().any(|k| spells(s.name, k)), "{}", s.name);
    }
    // Spot checks against the geocoder's own descriptions.
    let served = |npa: u16| -> Vec<&str> {
        let mask = AREA_CODES
            .iter()
            .find(|(n, _)| *n == npa)
            .map_or(0, |(_, m)| *m);
        SUBDIVISIONS
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| s.code)
            .collect()
    };
    assert_eq!(served(415), ["CA"]);
    assert_eq!(served(212), ["NY"]);
    assert_eq!(
        served(310),
        ["CA"],
        "only city-level entries (Los Angeles, CA)"
    );
    assert_eq!(served(416), ["ON"]);
    assert_eq!(served(604), ["BC"]);
    assert_eq!(served(867), ["NT", "NU", "YT"]);
    assert_eq!(served(800), Vec::<&str>::new(), "toll-free");
    assert_eq!(
        served(787),
        Vec::<&str>::new(),
        "Puerto Rico is its own region"
    );
}

#[test]
fn region_codes() {
    assert_eq!(
        RegionCode::parse(" gb ").map(|r| r.to_string()),
        Some("GB".into())
    );
    for bad in ["", "G", "GBR", "G1", "é1", "  "] {
        assert_eq!(RegionCode::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn style_names_are_distinct() {
    let mut names: Vec<_> = PhoneStyle::ALL.iter().map(|s| s.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), PhoneStyle::ALL.len());
}

#[test]
fn arbitrary_text_never_panics() {
    // Deterministic pseudo-random strings over the characters that matter to the parser,
    // RFC 3966 fragments (the crate's published panics were in that parser) and multi-byte
    // characters around them, for claimed countries with and without metadata.
    const PIECES: &[&str] = &[
        "0",
        "1",
        "4",
        "7",
        "9",
        "00",
        "011",
        "+",
        "+1",
        "+44",
        "(",
        ")",
        "-",
        ".",
        " ",
        "/",
        "x",
        "ext",
        "#",
        "*",
        ";",
        ",",
        "tel:",
        ";phone-context=",
        "+;phone-context=",
        "é",
        "\u{a0}",
        "\u{ff11}",
        "\u{ff0b}",
        "\u{0661}",
        "\u{1F4A9}",
        "a",
        "Z",
        "\u{2013}",
        "\u{200b}",
        "\u{0}",
        "555",
        "415",
        "07911",
        "000000000000000000000000",
    ];
    const COUNTRIES: &[&str] = &[
        "US", "CA", "GB", "DE", "IN", "CN", "BR", "IT", "ZZ", "", "x",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |bound: usize| {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % bound
    };
    let mut text = String::new();
    for _ in 0..6_000 {
        text.clear();
        for _ in 0..next(14) {
            text.push_str(PIECES[next(PIECES.len())]);
        }
        let country = COUNTRIES[next(COUNTRIES.len())];
        let s = phone_signals(Some(&text), country, Some(&text));
        assert_eq!(
            s.style == PhoneStyle::Absent,
            text.trim().is_empty(),
            "{text:?}"
        );
        assert!(!s.valid_for_claimed || s.valid, "{text:?} {country}: {s:?}");
        assert!(!s.valid || s.parsed, "{text:?} {country}: {s:?}");
    }
    for crafted in [
        ".;phone-context=",
        "+dwPAA;phone-context=AA",
        "tel:;phone-context=+",
        "+\u{1F4A9};phone-context=\u{1F4A9}",
        "tel:+\u{FF1B}phone-context=",
        "+0",
        "+",
        "00",
        "+999 1234567",
    ] {
        for country in COUNTRIES {
            let _ = phone_signals(Some(crafted), country, Some(crafted));
        }
    }
}
