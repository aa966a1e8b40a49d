//! Times institution lookups against the high-risk list and prints the figures.
//!
//! Every non-null `institution` of a data directory's applications is looked up with
//! `best_match` and with `nearest`, against the directory's list and against a generated list of
//! 200 institutions with 3 aliases each; then the generated names, each with one typo, against
//! the generated list. The mean time per query is printed, with how many matched.
//!
//! ```text
//! cargo run -p appfraud-features --example institution_lookup [DATA_DIR]
//! ```
//!
//! `DATA_DIR` defaults to the built-in sample (`notebooks-data/sample`). Use `--release` for
//! production figures; a debug build shows the cost of the design without the optimiser.

use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use appfraud_features::{HighRiskInstitutions, MATCH_SIMILARITY, normalize_institution};
use polars::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample"),
        PathBuf::from,
    );
    let sample_list =
        HighRiskInstitutions::from_csv_path(dir.join("reference/high_risk_institutions.csv"))?;
    let apps = ParquetReader::new(File::open(dir.join("applications.parquet"))?).finish()?;
    let institutions: Vec<String> = apps
        .column("institution")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let start = Instant::now();
    for q in &institutions {
        std::hint::black_box(normalize_institution(q));
    }
    let per_query = start.elapsed().as_secs_f64() * 1e6 / institutions.len() as f64;
    println!(
        "queries: {}; normalize_institution alone: {per_query:.2} µs/query",
        institutions.len()
    );
    time(&sample_list, &institutions, "the data directory's list");
    let large = HighRiskInstitutions::from_reader("generated", large_list().as_bytes())?;
    time(&large, &institutions, "a generated list");
    // The hard case: every query is one typo (a doubled letter) from a generated name, so it
    // is close to the ~40 names sharing its tail and the pruning has the least to discard.
    let near_misses: Vec<String> = large
        .entries()
        .iter()
        .map(|e| e.name.replacen('e', "ee", 1))
        .collect();
    time(
        &large,
        &near_misses,
        "the generated list, queries one typo from a name",
    );
    Ok(())
}

/// 200 made-up institutions with 3 aliases each: an acronym, "<head> Tech" and
/// "<head> International <tail>", over 40 two-word heads and 5 tails.
fn large_list() -> String {
    let first = [
        "Amber", "Birch", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Hollow",
    ];
    let second = ["Ridge", "Harbor", "Valley", "Crest", "Point"];
    let tails = [
        "Institute of Technology",
        "Polytechnic University",
        "University of Computer Science",
        "Open University",
        "College of Information Science",
    ];
    let mut csv = String::from("name,aliases,country\n");
    for a in first {
        for b in second {
            for tail in tails {
                let initials: String = format!("{a} {b} {tail}")
                    .split_whitespace()
                    .filter_map(|w| w.chars().next())
                    .filter(char::is_ascii_uppercase)
                    .collect();
                csv.push_str(&format!(
                    "{a} {b} {tail},{initials};{a} {b} Tech;{a} {b} International {tail},US\n"
                ));
            }
        }
    }
    csv
}

fn time(list: &HighRiskInstitutions, institutions: &[String], what: &str) {
    let keys: usize = list.entries().iter().map(|e| 1 + e.aliases.len()).sum();
    println!(
        "{what}: {} institutions, {keys} names and aliases, {} queries",
        list.len(),
        institutions.len()
    );

    let start = Instant::now();
    let matched = institutions
        .iter()
        .filter(|q| list.best_match(q).is_some())
        .count();
    let per_query = start.elapsed().as_secs_f64() * 1e6 / institutions.len() as f64;
    println!("best_match: {per_query:.2} µs/query, {matched} matched");

    let start = Instant::now();
    let near: Vec<f64> = institutions
        .iter()
        .filter_map(|q| list.nearest(q))
        .collect();
    let per_query = start.elapsed().as_secs_f64() * 1e6 / institutions.len() as f64;
    let at_least = near.iter().filter(|&&s| s >= MATCH_SIMILARITY).count();
    println!("nearest:    {per_query:.2} µs/query, {at_least} at least {MATCH_SIMILARITY}");
}
