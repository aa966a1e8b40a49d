//! The bytes as `reference/ip_ranges.csv` and as `reference/high_risk_institutions.csv`
//! through their readers, then lookups in what was accepted: every listed range is found at
//! its network address by a range at least as specific, every listed name matches. The bytes
//! are also matched, as an institution typed by an applicant, against the sample's list.

#![no_main]

use std::sync::OnceLock;

use appfraud_features::{HighRiskInstitutions, IpRangeTable, normalize_institution};
use libfuzzer_sys::fuzz_target;

const SAMPLE_INSTITUTIONS: &[u8] =
    include_bytes!("../../notebooks-data/sample/reference/high_risk_institutions.csv");

fn sample() -> &'static HighRiskInstitutions {
    static LIST: OnceLock<HighRiskInstitutions> = OnceLock::new();
    LIST.get_or_init(|| {
        HighRiskInstitutions::from_reader("high_risk_institutions.csv", SAMPLE_INSTITUTIONS)
            .expect("the sample's institution list is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = IpRangeTable::from_reader("ip_ranges.csv", data) {
        for info in table.iter() {
            let network = info.cidr.network();
            if network.to_canonical() != network {
                continue;
            }
            let found = table.lookup(network).map(|i| i.cidr);
            assert!(
                found.is_some_and(
                    |c| c.contains(network) && c.prefix_len() >= info.cidr.prefix_len()
                ),
                "{} looked up as {found:?}",
                info.cidr
            );
        }
    }
    if let Ok(list) = HighRiskInstitutions::from_reader("high_risk_institutions.csv", data) {
        for entry in list.entries() {
            assert!(list.best_match(&entry.name).is_some(), "{:?}", entry.name);
            assert!(list.nearest(&entry.name).is_some(), "{:?}", entry.name);
        }
    }
    let typed = String::from_utf8_lossy(data);
    let _ = normalize_institution(&typed);
    let matched = sample().best_match(&typed).map(|m| m.similarity);
    let nearest = sample().nearest(&typed);
    if let Some(similarity) = matched {
        assert!(
            nearest.is_some_and(|n| n + 1e-12 >= similarity),
            "nearest {nearest:?} below the match's {similarity}"
        );
    }
});
