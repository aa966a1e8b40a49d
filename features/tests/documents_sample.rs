//! The documents family over the built-in sample (`notebooks-data/sample`, 20,000 applications
//! made by the synthetic generator, seed 42), read through `read_data_dir`: every `resume_text`
//! gets a signature (or `None`), every signature goes into one index, and every application is
//! queried at its own `submitted_at` with identity = a hash of its lower-cased, trimmed e-mail.
//! The test prints how many applications have a near-duplicate from another identity (no rate is
//! asserted) and a timing (informative only), and checks invariants: bounds of the answers, and
//! the same answers from an index filled in the opposite order.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use appfraud_features::{
    DocumentIndex, DocumentMatches, DocumentQueryScratch, LSH_BANDS, MAX_CANDIDATES_PER_BUCKET,
    NEAR_DUPLICATE_SIMILARITY, ShingleScratch, read_data_dir, resume_signature,
};
use polars::prelude::*;

/// 64-bit FNV-1a: a fixed identity hash, the same in every run.
fn identity_of(email: &str) -> u64 {
    email
        .trim()
        .to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

#[test]
fn every_sample_resume_is_signed_indexed_and_queried() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample");
    let frames = read_data_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let apps = &frames.applications;
    let str_col = |name: &str| apps.column(name).unwrap().str().unwrap().clone();
    let (ids, emails, resumes) = (
        str_col("application_id"),
        str_col("email"),
        str_col("resume_text"),
    );
    let submitted = apps.column("submitted_at").unwrap();
    assert!(
        matches!(
            submitted.dtype(),
            DataType::Datetime(TimeUnit::Microseconds, _)
        ),
        "{:?}",
        submitted.dtype()
    );
    let submitted: Vec<i64> = submitted
        .cast(&DataType::Int64)
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .collect();
    let identities: Vec<u64> = emails.iter().map(|e| identity_of(e.unwrap())).collect();
    let labels = frames.labels.as_ref().expect("the sample has labels");
    let fraud_of: HashMap<&str, bool> = labels
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .zip(labels.column("is_fraud").unwrap().bool().unwrap().iter())
        .map(|(a, f)| (a.unwrap(), f.unwrap()))
        .collect();
    let rows = apps.height();

    let start = Instant::now();
    let mut shingles = ShingleScratch::default();
    let signatures: Vec<_> = resumes
        .iter()
        .map(|text| text.and_then(|t| resume_signature(t, &mut shingles)))
        .collect();
    let signed = start.elapsed();

    let mut index = DocumentIndex::new();
    for (row, sig) in signatures.iter().enumerate() {
        if let Some(sig) = sig {
            index.insert(row as u32, submitted[row], identities[row], sig);
        }
    }
    let indexed = start.elapsed();

    let mut scratch = DocumentQueryScratch::default();
    let results: Vec<Option<DocumentMatches>> = signatures
        .iter()
        .enumerate()
        .map(|(row, sig)| {
            sig.as_ref()
                .map(|s| index.query_with(s, submitted[row], identities[row], &mut scratch))
        })
        .collect();
    let queried = start.elapsed();
    eprintln!(
        "documents timing (this build profile, informative only): {rows} signatures {:.1} ms, \
         index {:.1} ms, queries {:.1} ms",
        signed.as_secs_f64() * 1e3,
        (indexed - signed).as_secs_f64() * 1e3,
        (queried - indexed).as_secs_f64() * 1e3,
    );

    // The same answers from an index filled in the opposite order (point in time: the
    // insertion order and the later rows in the index do not matter).
    let mut reversed = DocumentIndex::new();
    for (row, sig) in signatures.iter().enumerate().rev() {
        if let Some(sig) = sig {
            reversed.insert(row as u32, submitted[row], identities[row], sig);
        }
    }
    assert_eq!(reversed.len(), index.len());

    let with_text = resumes.iter().filter(|t| t.is_some()).count();
    let with_signature = index.len();
    let (mut near_any, mut candidate_any, mut max_count) = (0usize, 0usize, 0u32);
    let (mut fraud_near, mut fraud_all, mut legit_near, mut legit_all) = (0, 0, 0, 0);
    for (row, result) in results.iter().enumerate() {
        let Some(m) = result else {
            continue;
        };
        let sig = signatures[row].as_ref().unwrap();
        assert_eq!(
            reversed.query(sig, submitted[row], identities[row]),
            *m,
            "row {row}"
        );
        assert!(
            m.near_duplicate_identities as usize <= LSH_BANDS * MAX_CANDIDATES_PER_BUCKET,
            "row {row}: {m:?}"
        );
        if let Some(s) = m.max_similarity {
            assert!((0.0..=1.0).contains(&s), "row {row}: {m:?}");
            candidate_any += 1;
        }
        if m.near_duplicate_identities > 0 {
            assert!(
                m.max_similarity
                    .is_some_and(|s| s >= NEAR_DUPLICATE_SIMILARITY),
                "row {row}: {m:?}"
            );
        }
        let near = m.near_duplicate_identities > 0;
        near_any += usize::from(near);
        max_count = max_count.max(m.near_duplicate_identities);
        match fraud_of.get(ids.get(row).unwrap()) {
            Some(true) => {
                fraud_all += 1;
                fraud_near += usize::from(near);
            }
            Some(false) => {
                legit_all += 1;
                legit_near += usize::from(near);
            }
            None => {}
        }
    }
    println!(
        "applications {rows}, with resume_text {with_text}, with a signature {with_signature}, \
         with a candidate before t {candidate_any}, with >= 1 near-duplicate identity before t \
         {near_any} (largest count {max_count}); among labeled fraud {fraud_near}/{fraud_all}, \
         among labeled legitimate {legit_near}/{legit_all}"
    );
    assert!(with_signature <= with_text && with_text <= rows);
    assert!(near_any <= candidate_any && candidate_any <= with_signature);
}
