//! The phone family over the built-in sample (`notebooks-data/sample`, 20,000 applications made
//! by the synthetic generator, seed 42): every row is read without a panic, absent phones are
//! exactly the null or blank ones, and the shares of valid numbers, styles and area-code matches
//! stay near what was measured when this test was written (bounds below).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use appfraud_features::{PhoneStyle, phone_signals};
use polars::prelude::*;

fn sample_applications() -> DataFrame {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample/applications.parquet");
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(file)
        .with_columns(Some(vec![
            "phone".into(),
            "claimed_country".into(),
            "claimed_region".into(),
        ]))
        .finish()
        .unwrap()
}

#[test]
fn sample_phones_are_read_and_about_95_percent_are_valid_for_the_claimed_country() {
    let df = sample_applications();
    let phone = df.column("phone").unwrap().str().unwrap();
    let country = df.column("claimed_country").unwrap().str().unwrap();
    let region = df.column("claimed_region").unwrap().str().unwrap();

    let mut rows = 0usize;
    let mut blank = 0usize;
    let mut present = 0usize;
    let mut valid_for_claimed = 0usize;
    let mut area_known = 0usize;
    let mut area_match = 0usize;
    let mut styles: BTreeMap<&str, usize> = BTreeMap::new();
    for ((p, c), r) in phone.iter().zip(country.iter()).zip(region.iter()) {
        rows += 1;
        blank += usize::from(p.is_none_or(|p| p.trim().is_empty()));
        let s = phone_signals(p, c.unwrap_or_default(), r);
        *styles.entry(s.style.name()).or_default() += 1;
        if s.style == PhoneStyle::Absent {
            continue;
        }
        present += 1;
        valid_for_claimed += usize::from(s.valid_for_claimed);
        if let Some(m) = s.area_code_matches_region {
            area_known += 1;
            area_match += usize::from(m);
        }
    }
    let share = |n: usize, of: usize| n as f64 / of.max(1) as f64;
    let summary = format!(
        "rows {rows}, present {present}, valid for claimed {valid_for_claimed} ({:.4}), \
         area code known {area_known}, matching {area_match} ({:.4}), styles {styles:?}",
        share(valid_for_claimed, present),
        share(area_match, area_known),
    );
    println!("{summary}");

    assert_eq!(rows, 20_000, "{summary}");
    assert_eq!(
        rows - present,
        blank,
        "absent exactly when null or blank: {summary}"
    );
    // Measured: 18,465 of 19,418 present phones (0.9509) are valid for the claimed country; the
    // rest are the generator's foreign and malformed numbers and ranges that libphonenumber's
    // metadata does not list (GB 07700 1xxxxx, 07911 3xxxxx).
    let valid_share = share(valid_for_claimed, present);
    assert!((0.93..=0.97).contains(&valid_share), "{summary}");
    // Measured: 12,856 US/CA phones whose area code and claimed region are both known, 0.8610
    // of them matching (fraud rows and movers claim another state).
    assert!(area_known >= 12_000, "{summary}");
    assert!(
        (0.80..=0.92).contains(&share(area_match, area_known)),
        "{summary}"
    );
    // Locals write locally: national formatting is the most common style.
    let most_common = styles.iter().max_by_key(|(_, n)| **n).map(|(s, _)| *s);
    assert_eq!(most_common, Some("local_national"), "{summary}");
}
