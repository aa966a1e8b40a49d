//! The compiled, lock-free phone classifier ([`phone_signals`]) against the reference it
//! replaces ([`phone_signals_reference`], the `phonenumber` crate's own parser and locked regex
//! cache): the same [`PhoneSignals`], field for field (exact equality, no tolerance: every field
//! is discrete), on
//!
//! - every phone of the built-in sample (`notebooks-data/sample`, 20,000 applications of the
//!   synthetic generator, seed 42) with its claimed country and region, where the compiled
//!   reader must also cover every phone itself (no hand-over to the reference);
//! - a corpus generated from the metadata: every example number of every region and number type
//!   (the crate's `DATABASE`, non-geographic entities included) written in the styles people use
//!   ("0…" national, bare, "+CC", "+CC-…", "00CC", "011 CC", "CC" without "+", "(CC)", spaces,
//!   dots, parentheses), one digit short, one digit long, with an extension, with letters and in
//!   full-width digits, claimed from its own region and from two others;
//! - a hand-written corpus of forms from more than forty countries (valid, invalid, foreign,
//!   blanks and garbage);
//! - random text over the characters the compiled reader handles (property test).

use appfraud_features::{
    PhoneSignals, phone_signals, phone_signals_compiled, phone_signals_reference,
};
use phonenumber::metadata::{DATABASE, Metadata};
use polars::prelude::*;
use proptest::prelude::*;
use std::fs::File;
use std::path::Path;

/// Whether the compiled reader must handle `phone` itself: only ASCII digits, spaces, `- . ( )`
/// and one leading "+", and at most 40 digits.
fn in_compiled_alphabet(phone: &str) -> bool {
    let t = phone.trim();
    t.chars().filter(char::is_ascii_digit).count() <= 40
        && t.char_indices().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0)
        })
}

/// Compares both implementations on `cases`; returns the number of cases the compiled reader
/// handed to the reference. Panics listing the first differing cases.
fn assert_same(cases: &[(String, String, Option<String>)]) -> usize {
    let mut differing = Vec::new();
    let mut handed_over = 0;
    for (phone, country, region) in cases {
        let compiled = phone_signals_compiled(Some(phone), country, region.as_deref());
        let reference = phone_signals_reference(Some(phone), country, region.as_deref());
        let public = phone_signals(Some(phone), country, region.as_deref());
        if compiled.is_none() {
            handed_over += 1;
            assert!(
                !in_compiled_alphabet(phone),
                "the compiled reader must handle {phone:?} claimed from {country:?}"
            );
        }
        if compiled.is_some_and(|c| c != reference) || public != reference {
            differing.push(format!(
                "{phone:?} claimed from {country:?} / {region:?}:\n  compiled  {compiled:?}\n  \
                 reference {reference:?}"
            ));
        }
    }
    assert!(
        differing.is_empty(),
        "{} of {} cases differ; first ones:\n{}",
        differing.len(),
        cases.len(),
        differing[..differing.len().min(15)].join("\n")
    );
    handed_over
}

fn case(phone: &str, country: &str, region: Option<&str>) -> (String, String, Option<String>) {
    (
        phone.to_owned(),
        country.to_owned(),
        region.map(str::to_owned),
    )
}

#[test]
fn every_sample_phone_reads_the_same_and_none_is_handed_over() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample/applications.parquet");
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let df = ParquetReader::new(file)
        .with_columns(Some(vec![
            "phone".into(),
            "claimed_country".into(),
            "claimed_region".into(),
        ]))
        .finish()
        .unwrap();
    let phone = df.column("phone").unwrap().str().unwrap();
    let country = df.column("claimed_country").unwrap().str().unwrap();
    let region = df.column("claimed_region").unwrap().str().unwrap();
    let mut cases = Vec::new();
    let mut absent = 0;
    for ((p, c), r) in phone.iter().zip(country.iter()).zip(region.iter()) {
        let c = c.unwrap_or_default();
        match p {
            Some(p) => cases.push(case(p, c, r)),
            None => {
                absent += 1;
                assert_eq!(
                    phone_signals(None, c, r),
                    phone_signals_reference(None, c, r)
                );
            }
        }
    }
    assert_eq!(cases.len() + absent, 20_000);
    assert_eq!(
        assert_same(&cases),
        0,
        "sample phones handed to the reference"
    );
}

/// Every region of the metadata (by calling code, so that each non-geographic "001" entity is
/// included), main region first.
fn all_regions() -> Vec<&'static Metadata> {
    (1..1000u16)
        .filter_map(|code| DATABASE.by_code(&code))
        .flatten()
        .collect()
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0xFF10 + (c as u32 - '0' as u32)).unwrap_or(c),
            '+' => '\u{FF0B}',
            c => c,
        })
        .collect()
}

/// The styles of one national significant number `nsn` of calling code `cc` with national
/// prefix `np`.
fn styles(nsn: &str, cc: u16, np: &str) -> Vec<String> {
    let (head, tail) = nsn.split_at(nsn.len().min(3));
    let mut out = vec![
        nsn.to_owned(),
        format!("{np}{nsn}"),
        format!("{np}{head} {tail}"),
        format!("({np}{head}) {tail}"),
        format!("{np}{head}.{tail}"),
        format!("{np}{head}-{tail}"),
        format!("+{cc}{nsn}"),
        format!("+{cc} {head} {tail}"),
        format!("+{cc}-{head}-{tail}"),
        format!("+{cc}({head}){tail}"),
        format!("+{cc} ({np}) {nsn}"),
        format!("00{cc} {nsn}"),
        format!("011 {cc} {nsn}"),
        format!("{cc} {nsn}"),
        format!("{cc}{nsn}"),
        format!("{cc}-{head}-{tail}"),
        format!("({cc}) {nsn}"),
        format!("{np}{}", &nsn[..nsn.len() - 1]),
        format!("+{cc} {}", &nsn[..nsn.len() - 1]),
        format!("{np}{nsn}7"),
        format!("+{cc} {nsn}7"),
        format!("{np}{nsn} ext. 12"),
        format!("{np}{nsn} x 7"),
        format!("{np}{head}-CALL"),
        full_width(&format!("+{cc} {nsn}")),
        full_width(&format!("{np}{nsn}")),
    ];
    out.retain(|s| !s.is_empty());
    out
}

#[test]
fn every_example_number_of_every_region_in_every_style_reads_the_same() {
    let regions = all_regions();
    assert!(regions.len() > 240, "{} regions", regions.len());
    let mut cases = Vec::new();
    for meta in &regions {
        let d = meta.descriptors();
        let examples = [
            Some(d.general()),
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|desc| desc.example())
        .filter(|e| !e.is_empty());
        let own = meta.id();
        let claimed: Vec<&str> = if own.len() == 2 {
            vec![own, "US", "DE"]
        } else {
            vec!["US", "FR"]
        };
        for example in examples {
            for text in styles(
                example,
                meta.country_code(),
                meta.national_prefix().unwrap_or(""),
            ) {
                for country in &claimed {
                    cases.push(case(&text, country, None));
                }
            }
        }
    }
    assert!(cases.len() > 40_000, "{} cases", cases.len());
    let handed_over = assert_same(&cases);
    println!(
        "{} cases, {handed_over} handed to the reference",
        cases.len()
    );
}

#[test]
fn hand_written_formats_from_many_countries_read_the_same() {
    let cases: Vec<_> = [
        // North America: every style, area codes against regions.
        ("(415) 555-0134", "US", Some("California")),
        ("415-555-0134", "US", Some("NY")),
        ("415.555.0134", "us", Some("ca")),
        ("4155550134", "US", None),
        ("+1 415 555 0134", "US", Some("CA")),
        ("+14155550134", "US", None),
        ("1-415-555-0134", "US", None),
        ("1 (415) 555-0134", "US", None),
        ("(1) 415 555 0134", "US", None),
        ("14155550134", "US", None),
        ("001 415 555 0134", "US", None),
        ("011 44 7911 123456", "US", None),
        ("011-49-151-23456789", "US", None),
        ("+1-(415)-555-0134", "US", None),
        ("555-0134", "US", None),
        ("(416) 555-0134", "CA", Some("Ontario")),
        ("(416) 555-0134", "US", Some("Ontario")),
        ("514 555 0134", "CA", Some("Québec")),
        ("1-800-555-0199", "US", None),
        ("1-800-FLOWERS", "US", None),
        ("+1 876 555 0134", "JM", None),
        ("(787) 555-0134", "PR", None),
        // Europe.
        ("07911 123456", "GB", Some("England")),
        ("07911 123456", "GG", None),
        ("+44 7911 123456", "GB", None),
        ("+44 (0) 7911 123456", "GB", None),
        ("0044 7911 123456", "GB", None),
        ("44 7911 123456", "GB", None),
        ("020 7946 0018", "GB", None),
        ("1-415-555-0134", "GB", None),
        ("0151 23456789", "DE", None),
        ("030/12345678", "DE", None),
        ("+49 30 12345678", "DE", None),
        ("0049 151 23456789", "AT", None),
        ("06 12 34 56 78", "FR", None),
        ("+33 6 12 34 56 78", "FR", None),
        ("0033612345678", "FR", None),
        ("06.12.34.56.78", "FR", None),
        ("06 12 34 56 78", "BE", None),
        ("0470 12 34 56", "BE", None),
        ("06 1234 5678", "NL", None),
        ("+31 6 12345678", "NL", None),
        ("06 1234 5678", "IT", None),
        ("+39 06 1234 5678", "IT", None),
        ("312 345 6789", "IT", None),
        ("612 34 56 78", "ES", None),
        ("+34 612 34 56 78", "ES", None),
        ("912 345 678", "PT", None),
        ("079 123 45 67", "CH", None),
        ("0664 1234567", "AT", None),
        ("512 345 678", "PL", None),
        ("070-123 45 67", "SE", None),
        ("412 34 567", "NO", None),
        ("20 12 34 56", "DK", None),
        ("040 123 4567", "FI", None),
        ("087 123 4567", "IE", None),
        ("8 (912) 345-67-89", "RU", None),
        ("+7 912 345-67-89", "RU", None),
        ("050 123 4567", "UA", None),
        ("0532 123 45 67", "TR", None),
        ("691 234 5678", "GR", None),
        ("0721 234 567", "RO", None),
        // Asia and Oceania.
        ("98765 43210", "IN", None),
        ("+91 98765 43210", "IN", None),
        ("91 98765 43210", "IN", None),
        ("098765 43210", "IN", None),
        ("138 0013 8000", "CN", None),
        ("+86 138 0013 8000", "CN", None),
        ("+86 138 0013 8000", "US", None),
        ("090-1234-5678", "JP", None),
        ("010-1234-5678", "KR", None),
        ("0912 345 678", "TW", None),
        ("9123 4567", "SG", None),
        ("5123 4567", "HK", None),
        ("0917 123 4567", "PH", None),
        ("0812-3456-7890", "ID", None),
        ("012-345 6789", "MY", None),
        ("081 234 5678", "TH", None),
        ("091 234 56 78", "VN", None),
        ("0300 1234567", "PK", None),
        ("01712-345678", "BD", None),
        ("050 123 4567", "AE", None),
        ("050 123 4567", "SA", None),
        ("050-123-4567", "IL", None),
        ("0412 345 678", "AU", None),
        ("+61 412 345 678", "AU", None),
        ("021 123 4567", "NZ", None),
        ("03-331 6005", "NZ", None),
        // Africa and Latin America.
        ("0803 123 4567", "NG", None),
        ("0712 345678", "KE", None),
        ("071 234 5678", "ZA", None),
        ("0100 123 4567", "EG", None),
        ("0612-345678", "MA", None),
        ("(11) 91234-5678", "BR", None),
        ("+55 11 91234 5678", "BR", None),
        ("012 3121286979", "BR", None),
        ("55 1234 5678", "MX", None),
        ("+52 1 55 1234 5678", "MX", None),
        ("011 15-2345-6789", "AR", None),
        ("15 2345 6789", "AR", None),
        ("0 11 15 2345 6789", "AR", None),
        ("+54 9 11 2345 6789", "AR", None),
        ("300 1234567", "CO", None),
        ("9 1234 5678", "CL", None),
        ("912 345 678", "PE", None),
        // Non-geographic, unknown or missing claimed country.
        ("+800 1234 5678", "US", None),
        ("+882 1234 5678", "DE", None),
        ("+44 7911 123456", "", None),
        ("+44 7911 123456", "ZZ", None),
        ("07911 123456", "", None),
        ("07911 123456", "XX", None),
        // Garbage, blanks, odd characters.
        ("n/a", "US", None),
        ("none", "GB", None),
        ("-", "US", None),
        ("+", "US", None),
        ("++1 415 555 0134", "US", None),
        ("00", "DE", None),
        ("12", "NZ", None),
        ("1", "US", None),
        ("()", "US", None),
        ("-12", "US", None),
        ("+12", "US", None),
        ("+1", "US", None),
        ("+1-", "US", None),
        ("+1415-555-0134", "US", None),
        ("+044-7911-123456", "US", None),
        ("+0044 7911 123456", "GB", None),
        ("+011 44 7911 123456", "US", None),
        ("0000000000", "US", None),
        ("123456789012345678901234567890", "US", None),
        (
            "1234567890123456789012345678901234567890123456789",
            "DE",
            None,
        ),
        ("+999 123 456 789", "US", None),
        ("415*555*0134", "US", None),
        ("415_555_0134", "US", None),
        ("415 555 0134 #12", "US", None),
        ("415-555-0134;ext=12", "US", None),
        ("tel:+1-415-555-0134", "US", None),
        (
            "\u{FF08}\u{FF14}\u{FF11}\u{FF15}\u{FF09}\u{FF15}\u{FF15}\u{FF15}-0134",
            "US",
            None,
        ),
        (
            "\u{0660}\u{0665}\u{0660} \u{0661}\u{0662}\u{0663} \u{0664}\u{0665}\u{0666}\u{0667}",
            "AE",
            None,
        ),
        ("415\u{3000}555\u{3000}0134", "US", None),
        ("415\t555\t0134", "US", None),
        ("  +44 7911 123456  ", "GB", None),
        ("call me at 415 555 0134", "US", None),
        ("someone1110@example.com", "US", None),
    ]
    .into_iter()
    .map(|(p, c, r)| case(p, c, r))
    .collect();
    let handed_over = assert_same(&cases);
    println!(
        "{} cases, {handed_over} handed to the reference",
        cases.len()
    );
}

fn claimed_country() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "US", "CA", "GB", "DE", "FR", "IT", "IN", "BR", "AR", "MX", "CN", "JP", "RU", "AU", "NZ",
        "NG", "ZA", "GG", "JM", "", "ZZ",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Random text over the compiled reader's characters, biased towards digits: the same
    /// signals, and never a hand-over.
    #[test]
    fn random_text_of_digits_and_separators_reads_the_same(
        text in "\\+?[0-9 .()\\-]{0,3}[0-9]{0,6}[0-9 .()\\-]{0,4}[0-9]{0,10}[ .()\\-]{0,2}",
        country in claimed_country(),
    ) {
        let compiled = phone_signals_compiled(Some(&text), country, None);
        let reference = phone_signals_reference(Some(&text), country, None);
        prop_assert_eq!(compiled, Some(reference), "{:?} claimed from {:?}", text, country);
    }
}

#[test]
fn blank_phones_are_absent_in_both() {
    for blank in [None, Some(""), Some("   "), Some("\t")] {
        assert_eq!(phone_signals(blank, "US", None), PhoneSignals::ABSENT);
        assert_eq!(
            phone_signals_reference(blank, "US", None),
            PhoneSignals::ABSENT
        );
    }
}

#[test]
fn threads_reading_at_once_get_the_reference_values() {
    // Each thread keeps its own search state; four threads over the same numbers, interleaved
    // with the reference, must all see the reference's values.
    let cases: Vec<(String, &str)> = [
        ("(415) 555-0134", "US"),
        ("+44 7911 123456", "GB"),
        ("0151 23456789", "DE"),
        ("06 12 34 56 78", "FR"),
        ("+86 138 0013 8000", "US"),
        ("011 44 7911 123456", "US"),
        ("98765 43210", "IN"),
        ("(11) 91234-5678", "BR"),
        ("8 (912) 345-67-89", "RU"),
        ("+800 1234 5678", "DE"),
    ]
    .into_iter()
    .map(|(p, c)| (p.to_owned(), c))
    .collect();
    let expected: Vec<PhoneSignals> = cases
        .iter()
        .map(|(p, c)| phone_signals_reference(Some(p), c, None))
        .collect();
    std::thread::scope(|scope| {
        for t in 0..4 {
            let (cases, expected) = (&cases, &expected);
            scope.spawn(move || {
                for round in 0..50 {
                    for k in 0..cases.len() {
                        let i = (k + t + round) % cases.len();
                        let (p, c) = &cases[i];
                        assert_eq!(
                            phone_signals_compiled(Some(p), c, None),
                            Some(expected[i]),
                            "{p:?} from {c:?} on thread {t}"
                        );
                    }
                }
            });
        }
    });
}
