//! The phone classifier against a second, independent reference: Python `phonenumbers`
//! (libphonenumber's port, pinned in `./dev` to 9.0.33, the metadata release the `phonenumber`
//! crate bundles), through `features/tests/reference/phonenumbers_reference.py`.
//!
//! The corpus: every example number of every geographic region of the metadata, as "+CC NSN"
//! claimed from its own region and from the US, as the national form ("0…" where the region has a
//! national prefix) claimed from its own region, and one digit short and one digit long in "+"
//! form. Compared, exactly (all discrete): parsed, possible (full-number lengths only), valid,
//! valid for the claimed region, the number's region and its line type. Where the two libraries
//! read a number differently, the case is listed in [`KNOWN_DIFFERENCES`] with the reason; the
//! test fails on any other difference, and on a listed case that no longer differs.
//!
//! The interpreter is `APPFRAUD_PYTHON` when set, else the checkout's `.venv-ref/bin/python`
//! (`./dev test` installs it). Without it the test fails and says so: a reference is never
//! skipped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use appfraud_features::phone_signals;
use phonenumber::metadata::DATABASE;

/// The crate tests a number type's pattern with `find` and accepts a match that starts at the
/// first digit (`Descriptor::is_match`), where libphonenumber requires the pattern to match the
/// whole national number: one digit more is still valid to the crate whenever that length is
/// a possible one.
const PREFIX_MATCH: &str = "pattern matched at the start, not over the whole number";

/// The crate strips the national prefix (8 in RU, KZ, BY and LT; 0 in CO) from a national number
/// that starts with it even after "+CC" and even when the stripped number is no longer valid
/// (its guard compares the number with itself), then strips the prefix a second time;
/// libphonenumber keeps the number whole when stripping would make it invalid.
const NATIONAL_PREFIX: &str = "national prefix stripped where libphonenumber keeps it";

/// Cases where Python `phonenumbers` and the `phonenumber` crate (hence the classifier) disagree,
/// as (phone, claimed region, reason). The classifier reproduces the crate: changing what a field
/// means is out of its scope.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    ("+7 8001234567", "RU", NATIONAL_PREFIX),
    ("+7 8001234567", "US", NATIONAL_PREFIX),
    ("88001234567", "RU", NATIONAL_PREFIX),
    ("+7 8091234567", "RU", NATIONAL_PREFIX),
    ("+7 8091234567", "US", NATIONAL_PREFIX),
    ("88091234567", "RU", NATIONAL_PREFIX),
    ("+7 8081234567", "RU", NATIONAL_PREFIX),
    ("+7 8081234567", "US", NATIONAL_PREFIX),
    ("88081234567", "RU", NATIONAL_PREFIX),
    ("+7 8001234567", "KZ", NATIONAL_PREFIX),
    ("88001234567", "KZ", NATIONAL_PREFIX),
    ("+7 8091234567", "KZ", NATIONAL_PREFIX),
    ("88091234567", "KZ", NATIONAL_PREFIX),
    ("+7 8081234567", "KZ", NATIONAL_PREFIX),
    ("88081234567", "KZ", NATIONAL_PREFIX),
    ("+31 140201", "NL", PREFIX_MATCH),
    ("+36 801234561", "HU", PREFIX_MATCH),
    ("+39 8991234561", "IT", PREFIX_MATCH),
    ("+39 8991234561", "VA", PREFIX_MATCH),
    ("+49 90012345671", "DE", PREFIX_MATCH),
    ("+49 185001234561", "DE", PREFIX_MATCH),
    ("03211234567", "CO", NATIONAL_PREFIX),
    ("+60 1234567891", "MY", PREFIX_MATCH),
    ("+62 80012345671", "ID", PREFIX_MATCH),
    ("+63 23234567", "PH", PREFIX_MATCH),
    ("+63 2323456781", "PH", PREFIX_MATCH),
    ("+81 1201234561", "JP", PREFIX_MATCH),
    ("+84 19920001", "VN", PREFIX_MATCH),
    ("+86 101234567", "CN", PREFIX_MATCH),
    ("+86 10123456781", "CN", PREFIX_MATCH),
    ("+86 40012345671", "CN", PREFIX_MATCH),
    ("+92 211118258881", "PK", PREFIX_MATCH),
    ("+95 921234561", "MM", PREFIX_MATCH),
    ("+95 133312341", "MM", PREFIX_MATCH),
    ("+98 96011", "IR", PREFIX_MATCH),
    ("+213 123456781", "DZ", PREFIX_MATCH),
    ("+243 12345671", "CD", PREFIX_MATCH),
    ("+263 13123451", "ZW", PREFIX_MATCH),
    ("+264 886123451", "NA", PREFIX_MATCH),
    ("+353 22123451", "IE", PREFIX_MATCH),
    ("+359 430123451", "BG", PREFIX_MATCH),
    ("+370 80012345", "LT", NATIONAL_PREFIX),
    ("+370 80012345", "US", NATIONAL_PREFIX),
    ("+370 800123451", "LT", NATIONAL_PREFIX),
    ("+370 80812345", "LT", NATIONAL_PREFIX),
    ("+370 80812345", "US", NATIONAL_PREFIX),
    ("+370 808123451", "LT", NATIONAL_PREFIX),
    ("+370 80123456", "LT", NATIONAL_PREFIX),
    ("+370 80123456", "US", NATIONAL_PREFIX),
    ("+370 801234561", "LT", NATIONAL_PREFIX),
    ("+372 90012341", "EE", PREFIX_MATCH),
    ("+375 8011234567", "BY", NATIONAL_PREFIX),
    ("+375 8011234567", "US", NATIONAL_PREFIX),
    ("88011234567", "BY", NATIONAL_PREFIX),
    ("+381 6012345671", "RS", PREFIX_MATCH),
    ("+382 800800021", "ME", PREFIX_MATCH),
    ("+385 123456781", "HR", PREFIX_MATCH),
    ("+387 611234561", "BA", PREFIX_MATCH),
    ("+420 931234567891", "CZ", PREFIX_MATCH),
    ("+597 5612341", "SR", PREFIX_MATCH),
    ("+598 80012341", "UY", PREFIX_MATCH),
    ("+685 221231", "WS", PREFIX_MATCH),
    ("+688 9012341", "TV", PREFIX_MATCH),
    ("+855 237567891", "KH", PREFIX_MATCH),
    ("+855 912345671", "KH", PREFIX_MATCH),
    ("+855 190012345", "KH", PREFIX_MATCH),
    ("+880 271112341", "BD", PREFIX_MATCH),
    ("+886 70123456781", "TW", PREFIX_MATCH),
    ("+961 11234561", "LB", PREFIX_MATCH),
    ("+964 123456781", "IQ", PREFIX_MATCH),
    ("+967 12345671", "YE", PREFIX_MATCH),
    ("+976 531234561", "MN", PREFIX_MATCH),
];

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("APPFRAUD_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv-ref/bin/python");
    assert!(
        venv.is_file(),
        "the Python reference environment is missing: run ./dev test (it installs .venv-ref/ \
         with the pinned phonenumbers) or set APPFRAUD_PYTHON"
    );
    venv
}

fn corpus() -> Vec<(String, String)> {
    let mut cases = Vec::new();
    for code in 1..1000u16 {
        for meta in DATABASE.by_code(&code).unwrap_or_default() {
            let id = meta.id();
            if id.len() != 2 {
                continue;
            }
            let d = meta.descriptors();
            let np = meta.national_prefix().unwrap_or("");
            let examples = [
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
            .filter(|e| e.len() >= 2);
            for nsn in examples {
                let cc = meta.country_code();
                cases.push((format!("+{cc} {nsn}"), id.to_owned()));
                cases.push((format!("+{cc} {nsn}"), "US".to_owned()));
                cases.push((format!("{np}{nsn}"), id.to_owned()));
                cases.push((format!("+{cc} {}", &nsn[..nsn.len() - 1]), id.to_owned()));
                cases.push((format!("+{cc} {nsn}1"), id.to_owned()));
            }
        }
    }
    cases
}

/// What the classifier says, in the script's format.
fn ours(phone: &str, region: &str) -> String {
    let s = phone_signals(Some(phone), region, None);
    let flag = |b: bool| u8::from(b).to_string();
    [
        flag(s.parsed),
        flag(s.possible),
        flag(s.valid),
        flag(s.valid_for_claimed),
        s.number_region.map_or("-".to_owned(), |r| r.to_string()),
        s.line_type.map_or("-".to_owned(), |t| t.name().to_owned()),
    ]
    .join("\t")
}

#[test]
fn classifier_agrees_with_python_phonenumbers_except_the_listed_cases() {
    let cases = corpus();
    assert!(cases.len() > 3000, "{} cases", cases.len());
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/phonenumbers_reference.py");
    let python = python();
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {} ({e}): run ./dev test", python.display()));
    let input: String = cases.iter().map(|(p, r)| format!("{p}\t{r}\n")).collect();
    // A reference that fails at start-up closes its input early: its status and message,
    // checked below, say why, not the broken pipe.
    let written = child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes());
    let output = child.wait_with_output().expect("the reference ran");
    if output.status.success() {
        written.expect("the reference read every case");
    }
    assert!(
        output.status.success(),
        "the phonenumbers reference failed (is phonenumbers installed? ./dev test reinstalls \
         .venv-ref/):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("version 9.0.33"), "pinned phonenumbers");
    let theirs: Vec<&str> = lines.collect();
    assert_eq!(theirs.len(), cases.len());

    let mut unexpected = Vec::new();
    let mut listed_seen = vec![false; KNOWN_DIFFERENCES.len()];
    for ((phone, region), theirs) in cases.iter().zip(&theirs) {
        let ours = ours(phone, region);
        if ours == *theirs {
            continue;
        }
        let mut listed = false;
        for (i, (p, r, _)) in KNOWN_DIFFERENCES.iter().enumerate() {
            if p == phone && r == region {
                listed_seen[i] = true;
                listed = true;
            }
        }
        if !listed {
            unexpected.push(format!(
                "(\"{phone}\", \"{region}\"): ours {ours:?}, phonenumbers {theirs:?}"
            ));
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} of {} cases differ from phonenumbers (fields: parsed possible valid \
         valid_for_region region line_type):\n{}",
        unexpected.len(),
        cases.len(),
        unexpected.join("\n")
    );
    let stale: Vec<_> = KNOWN_DIFFERENCES
        .iter()
        .zip(&listed_seen)
        .filter(|(_, seen)| !**seen)
        .map(|(case, _)| case)
        .collect();
    assert!(
        stale.is_empty(),
        "listed differences that no longer differ: {stale:?}"
    );
}
