//! High-risk institution list: parsing, typed errors, and matching as typed.
//!
//! Expected distances are counted by hand on the normalised strings (the alignment is given in
//! each comment); similarities are `1 − edits / max(chars)`, computed with the same two f64
//! operations as the library, so they are compared exactly. The distance kernel itself is
//! checked against `strsim::osa_distance` in the crate's unit tests.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use appfraud_features::{
    CsvSyntax, HighRiskInstitutions, IngestError, InstitutionMatch, MATCH_MAX_EDITS,
    MATCH_SIMILARITY, NEAREST_FLOOR, normalize_institution,
};
use polars::prelude::*;

/// Four rows. Normalised names: "eastern meridian institute of technology" (40 characters),
/// "northstar open university" (25), "pacific institute of technology" (31), "universitat
/// grosswald" (21).
const LIST: &str = "\
name,aliases,country
Eastern Meridian Institute of Technology,EMIT;Eastern Meridian Tech,US
Northstar Open University,NSOU,KP
Pacific Institute of Technology,,CN
Universität Großwald,UG,de
";

fn list() -> HighRiskInstitutions {
    HighRiskInstitutions::from_reader("list.csv", LIST.as_bytes()).expect("valid list")
}

fn sim(edits: usize, max_chars: usize) -> f64 {
    1.0 - edits as f64 / max_chars as f64
}

/// The match of `query`, which must exist.
fn matched<'a>(list: &'a HighRiskInstitutions, query: &str) -> InstitutionMatch<'a> {
    list.best_match(query)
        .unwrap_or_else(|| panic!("{query:?} should match"))
}

#[test]
fn the_list_is_read_as_written() {
    let list = list();
    assert_eq!(list.len(), 4);
    let first = list.get(0).unwrap();
    assert_eq!(first.name, "Eastern Meridian Institute of Technology");
    assert_eq!(first.aliases, ["EMIT", "Eastern Meridian Tech"]);
    assert_eq!(first.country, "US");
    // Empty aliases; country upper-cased.
    assert!(list.get(2).unwrap().aliases.is_empty());
    assert_eq!(list.get(3).unwrap().country, "DE");
    assert!(list.get(4).is_none());
}

#[test]
fn exact_name() {
    let list = list();
    let m = matched(&list, "Northstar Open University");
    assert_eq!(
        m,
        InstitutionMatch {
            index: 1,
            name: "Northstar Open University",
            country: "KP",
            matched_alias: false,
            edits: 0,
            similarity: 1.0,
        }
    );
    assert_eq!(list.nearest("Northstar Open University"), Some(1.0));
}

#[test]
fn case_punctuation_and_abbreviations_are_exact_after_normalisation() {
    let list = list();
    // "INST." → "inst" → "institute"; upper case and the dot vanish: 0 edits.
    for query in [
        "EASTERN MERIDIAN INST. OF TECHNOLOGY",
        "eastern-meridian institute, of technology",
        "  Eastern   Meridian Inst of Technology ",
        "The Eastern Meridian Institute of Technology",
    ] {
        let m = matched(&list, query);
        assert_eq!(
            (m.index, m.name),
            (0, "Eastern Meridian Institute of Technology")
        );
        assert_eq!(
            (m.edits, m.similarity, m.matched_alias),
            (0, 1.0, false),
            "{query}"
        );
    }
}

#[test]
fn one_typo_of_each_kind_matches() {
    let list = list();
    // Each query is one edit from "eastern meridian institute of technology" (40 characters).
    let cases = [
        // Swap of neighbours: meridIAn → meridAIn; same length, similarity 1 − 1/40.
        ("Eastern Meridain Institute of Technology", 40),
        // Deletion: techNology → tecnology; 39 characters, the longer is the list's 40.
        ("Eastern Meridian Institute of Tecnology", 40),
        // Insertion: meRidian → meRRidian; 41 characters, similarity 1 − 1/41.
        ("Eastern Merridian Institute of Technology", 41),
        // Substitution: techNology → techMology.
        ("Eastern Meridian Institute of Techmology", 40),
    ];
    for (query, max_chars) in cases {
        let m = matched(&list, query);
        assert_eq!(
            (m.index, m.edits, m.matched_alias),
            (0, 1, false),
            "{query}"
        );
        assert_eq!(m.similarity, sim(1, max_chars), "{query}");
        assert_eq!(list.nearest(query), Some(sim(1, max_chars)), "{query}");
    }
}

#[test]
fn two_typos_match_three_do_not() {
    let list = list();
    // Two deletions (eastErn, institUte): 2 edits ≤ MATCH_MAX_EDITS, 38 vs 40 characters,
    // similarity 1 − 2/40 = 0.95.
    let m = matched(&list, "Eastrn Meridian Institte of Technology");
    assert_eq!((m.index, m.edits, m.similarity), (0, 2, sim(2, 40)));
    // A third deletion (meridIan): 3 edits. Similarity 1 − 3/40 = 0.925 is above 0.9, but more
    // than MATCH_MAX_EDITS: no match; `nearest` still reports 0.925.
    assert_eq!(MATCH_MAX_EDITS, 2);
    let query = "Eastrn Meridan Institte of Technology";
    assert!(list.best_match(query).is_none());
    assert_eq!(list.nearest(query), Some(sim(3, 40)));
    assert!(sim(3, 40) > MATCH_SIMILARITY);
}

#[test]
fn names_of_ten_to_nineteen_characters_allow_one_edit() {
    let list = HighRiskInstitutions::from_reader(
        "short.csv",
        "name,aliases,country\nAmber Ridge College,,US\n".as_bytes(),
    )
    .unwrap();
    // "amber ridge college" has 19 characters: 19 / 10 → 1 edit allowed.
    // One deletion (collEge → collge): 1 − 1/19.
    assert_eq!(matched(&list, "Amber Ridge Collge").similarity, sim(1, 19));
    // Swap (ambER → ambRE) plus deletion (collEge): 2 edits > 1.
    assert!(list.best_match("Ambre Ridge Collge").is_none());
    assert_eq!(list.nearest("Ambre Ridge Collge"), Some(sim(2, 19)));
}

#[test]
fn aliases_and_acronyms() {
    let list = list();
    // An alias, exactly: "eastern meridian tech" (21 characters).
    let m = matched(&list, "Eastern Meridian Tech");
    assert_eq!((m.index, m.matched_alias, m.edits), (0, true, 0));
    assert_eq!(m.name, "Eastern Meridian Institute of Technology");
    // An alias with one typo (meridIAn → meridAIn): 1 edit in 21 characters.
    let m = matched(&list, "eastern meridain tech");
    assert_eq!(
        (m.index, m.matched_alias, m.similarity),
        (0, true, sim(1, 21))
    );
    // Acronyms, case-insensitively and with dots or spaces: all normalise to "nsou" / "emit".
    for (query, index) in [
        ("NSOU", 1),
        ("nsou", 1),
        ("N.S.O.U.", 1),
        ("N S O U", 1),
        ("EMIT", 0),
    ] {
        let m = matched(&list, query);
        assert_eq!(
            (m.index, m.matched_alias, m.edits),
            (index, true, 0),
            "{query}"
        );
    }
    // Short strings only match exactly: "nsuo" is one swap from "nsou" (1 − 1/4 = 0.75) and
    // "emt" one deletion from "emit" (1 − 1/4), neither is a match; `nearest` reports them.
    assert!(list.best_match("NSUO").is_none());
    assert_eq!(list.nearest("NSUO"), Some(sim(1, 4)));
    assert!(list.best_match("EMT").is_none());
    assert_eq!(list.nearest("EMT"), Some(sim(1, 4)));
    // "UG" matches its acronym alias exactly, and nothing else is two letters.
    assert_eq!(matched(&list, "U.G.").index, 3);
}

#[test]
fn diacritics() {
    let list = list();
    // The list writes "Universität Großwald": ä → a, ß → ss gives "universitat grosswald".
    for query in [
        "Universitat Grosswald",
        "UNIVERSITÄT GROẞWALD",
        "Universita\u{308}t Großwald",
    ] {
        let m = matched(&list, query);
        assert_eq!((m.index, m.edits), (3, 0), "{query}");
    }
    // German transliteration ä → ae is one insertion away: 1 edit in 22 characters.
    let m = matched(&list, "Universitaet Grosswald");
    assert_eq!((m.index, m.edits, m.similarity), (3, 1, sim(1, 22)));
    // Diacritics typed where the list has none.
    assert_eq!(
        matched(&list, "Éastern Méridian Institüte of Technology").edits,
        0
    );
}

#[test]
fn legitimate_institutions_sharing_words_do_not_match() {
    let list = list();
    // "open university" (15) vs "northstar open university" (25): at least the 10-character
    // length difference, exactly 10 (drop "northstar "): similarity 0.6, below the floor, and
    // every other name is further, so `nearest` reports NEAREST_FLOOR.
    assert!(list.best_match("Open University").is_none());
    assert_eq!(list.nearest("Open University"), Some(NEAREST_FLOOR));
    // "northeastern university" (23) vs "northstar open university" (25): 7 edits (eastern →
    // drop e, a → stern; e → a gives star; insert " ope" before n), and at least 3 by
    // counting characters: 2 for the length, and the query lacks a 'p', an 'o' and a space
    // while it has an extra 'e'. Similarity 1 − 7/25 = 0.72.
    assert!(list.best_match("Northeastern University").is_none());
    assert_eq!(list.nearest("Northeastern University"), Some(sim(7, 25)));
    // "northstar university" (20) vs "northstar open university" (25): the 5 characters of
    // "open " are missing, 5 edits, similarity 0.8.
    assert!(list.best_match("Northstar University").is_none());
    assert_eq!(list.nearest("Northstar University"), Some(sim(5, 25)));
    // "california institute of technology" (34) vs "pacific institute of technology" (31):
    // the 24-character tail agrees; california → pacific is c→p, l→c, drop o r n, a→c: 6
    // edits (at least 3 from the length alone, more than MATCH_MAX_EDITS either way).
    assert!(
        list.best_match("California Institute of Technology")
            .is_none()
    );
    assert_eq!(
        list.nearest("California Institute of Technology"),
        Some(sim(6, 34))
    );
    // "georgia" vs "pacific": same length, six substitutions (only the 'i' lines up).
    assert!(list.best_match("Georgia Institute of Technology").is_none());
    assert_eq!(
        list.nearest("Georgia Institute of Technology"),
        Some(sim(6, 31))
    );
    // Other real names and acronyms: nothing close.
    for query in [
        "Eastern Michigan University",
        "MIT",
        "Pacific University",
        "Caltech",
    ] {
        assert!(list.best_match(query).is_none(), "{query}");
    }
}

#[test]
fn empty_and_whitespace_input() {
    let list = list();
    for query in ["", " ", "\t\n", " - . , "] {
        assert!(list.best_match(query).is_none(), "{query:?}");
        assert_eq!(list.nearest(query), None, "{query:?}");
    }
}

#[test]
fn repeated_strings_resolve_to_the_first_row_and_ties_to_the_earlier_row() {
    let csv = "\
name,aliases,country
Amber Ridge College,Ridge Tech,US
Ember Ridge College,Ridge Tech;Amber Ridge College,GB
";
    let list = HighRiskInstitutions::from_reader("dup.csv", csv.as_bytes()).unwrap();
    // An alias of both rows: the first row.
    let m = matched(&list, "Ridge Tech");
    assert_eq!((m.index, m.matched_alias), (0, true));
    // Row 1 lists row 0's name as an alias: the name wins.
    let m = matched(&list, "Amber Ridge College");
    assert_eq!((m.index, m.matched_alias), (0, false));
    // "omber" is one substitution from both "amber" and "ember": equal similarity, the earlier
    // row wins.
    let m = matched(&list, "Omber Ridge College");
    assert_eq!((m.index, m.edits), (0, 1));
}

#[test]
fn a_match_implies_nearest_is_at_least_its_similarity() {
    let list = list();
    for query in [
        "Eastern Meridain Institute of Technology",
        "Eastrn Meridian Institte of Technology",
        "eastern meridain tech",
        "Universitaet Grosswald",
        "NSOU",
        "Northstar Opn University",
    ] {
        let m = matched(&list, query);
        let nearest = list.nearest(query).unwrap();
        assert!(
            nearest >= m.similarity && nearest >= MATCH_SIMILARITY,
            "{query}"
        );
    }
}

#[test]
fn the_list_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<HighRiskInstitutions>();
}

// ---- Malformed files: each gives its typed error with file, row and column. ----

fn parse(csv: &str) -> Result<HighRiskInstitutions, IngestError> {
    HighRiskInstitutions::from_reader("bad.csv", csv.as_bytes())
}

#[test]
fn header_must_name_the_columns_exactly() {
    assert!(matches!(
        parse("name,alias,country\nA College,,US\n"),
        Err(IngestError::MissingHeaderColumn { column: "aliases", file, .. })
            if file == Path::new("bad.csv")
    ));
    assert!(matches!(
        parse("Name,aliases,country\n"),
        Err(IngestError::MissingHeaderColumn { column: "name", .. })
    ));
    assert!(matches!(parse(""), Err(IngestError::Empty { .. })));
    // Extra columns are ignored, in any order.
    let list = parse("country,notes,aliases,name\nUS,x,ACU,A College\n").unwrap();
    assert_eq!(list.get(0).unwrap().name, "A College");
    assert_eq!(list.get(0).unwrap().aliases, ["ACU"]);
}

#[test]
fn quoting_follows_rfc_4180() {
    let csv = "name,aliases,country\r\n\
               \"Crescent Bay College, Hanoi\",\"CBC;\"\"The\"\" Bay\",VN\r\n\
               \"Multi\nLine Institute\",,US\r\n";
    let list = parse(csv).unwrap();
    assert_eq!(list.get(0).unwrap().name, "Crescent Bay College, Hanoi");
    assert_eq!(list.get(0).unwrap().aliases, ["CBC", "\"The\" Bay"]);
    assert_eq!(list.get(1).unwrap().name, "Multi\nLine Institute");
    assert_eq!(matched(&list, "multi line institute").index, 1);
    // Empty alias items are skipped; trailing separator allowed.
    let list = parse("name,aliases,country\nA College,;AC;;,US\n").unwrap();
    assert_eq!(list.get(0).unwrap().aliases, ["AC"]);
}

#[test]
fn malformed_records_name_their_row() {
    let cases = [
        // Row 1 (0-based data rows), line 3, opens a quote it never closes.
        (
            "name,aliases,country\nA College,,US\n\"B College,,US\n",
            1,
            3,
            CsvSyntax::UnclosedQuote,
        ),
        // Row 0 has a quote inside an unquoted field.
        (
            "name,aliases,country\nA \"College\",,US\n",
            0,
            2,
            CsvSyntax::QuoteInUnquotedField,
        ),
        // Row 0: text after a closing quote.
        (
            "name,aliases,country\n\"A College\"x,,US\n",
            0,
            2,
            CsvSyntax::TextAfterClosingQuote,
        ),
    ];
    for (csv, want_row, want_line, want_problem) in cases {
        match parse(csv) {
            Err(IngestError::MalformedCsv {
                file,
                line,
                row,
                column,
                problem,
            }) => {
                assert_eq!(file, PathBuf::from("bad.csv"));
                assert_eq!(
                    (line, row, column.as_deref(), problem),
                    (want_line, Some(want_row), Some("name"), want_problem),
                    "{csv:?}"
                );
            }
            other => panic!("{csv:?}: {other:?}"),
        }
    }
    // Row 2 has two fields.
    match parse("name,aliases,country\nA College,,US\nB College,,US\nC College,US\n") {
        Err(IngestError::RaggedRow {
            file,
            line,
            row,
            expected,
            found,
        }) => {
            assert_eq!(file, PathBuf::from("bad.csv"));
            assert_eq!((line, row, expected, found), (4, 2, 3, 2));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_values_name_their_row_and_column() {
    let cases = [
        ("name,aliases,country\n,,US\n", 0, "name"),
        (
            "name,aliases,country\nA College,,US\n --- ,,US\n",
            1,
            "name",
        ),
        ("name,aliases,country\nA College,AC;...,US\n", 0, "aliases"),
        ("name,aliases,country\nA College,,USA\n", 0, "country"),
        (
            "name,aliases,country\nA College,,US\nB College,,\n",
            1,
            "country",
        ),
        ("name,aliases,country\nA College,,U1\n", 0, "country"),
    ];
    for (csv, want_row, want_column) in cases {
        match parse(csv) {
            Err(IngestError::InvalidValue {
                file, row, column, ..
            }) => {
                assert_eq!(file, PathBuf::from("bad.csv"));
                assert_eq!((row, column), (want_row, want_column), "{csv:?}");
            }
            other => panic!("{csv:?}: {other:?}"),
        }
    }
    let message = parse("name,aliases,country\nA College,,USA\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "bad.csv: row 0, column `country`: invalid value \"USA\": not an ISO 3166-1 alpha-2 code"
    );
}

#[test]
fn unreadable_files() {
    assert!(matches!(
        HighRiskInstitutions::from_csv_path("/nonexistent/high_risk_institutions.csv"),
        Err(IngestError::Unreadable { .. })
    ));
    assert!(matches!(
        HighRiskInstitutions::from_reader(
            "latin1.csv",
            &b"name,aliases,country\nUniversit\xe4t,,DE\n"[..]
        ),
        Err(IngestError::InvalidUtf8 { line: 2, row: Some(0), ref column, .. })
            if column.as_deref() == Some("name")
    ));
}

// ---- The generated sample. ----

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample")
}

fn sample_list() -> HighRiskInstitutions {
    HighRiskInstitutions::from_csv_path(sample_dir().join("reference/high_risk_institutions.csv"))
        .expect("the sample list is valid")
}

#[test]
fn every_sample_name_and_alias_matches_its_own_entry() {
    let list = sample_list();
    assert_eq!(list.len(), 60);
    // A string listed by several rows resolves to the first row naming it, else the first
    // row listing it as an alias. The sample repeats aliases across rows ("Eastern Meridian
    // Tech" on rows 0, 20 and 40, "CBCIS" on rows 6 and 19, "SPU" on rows 24 and 35, ...), so
    // the expected row is computed from that rule; for every other string it is the own row.
    let mut first_row: HashMap<String, (usize, bool)> = HashMap::new();
    for (i, e) in list.entries().iter().enumerate() {
        first_row
            .entry(normalize_institution(&e.name))
            .or_insert((i, false));
    }
    for (i, e) in list.entries().iter().enumerate() {
        for a in &e.aliases {
            first_row
                .entry(normalize_institution(a))
                .or_insert((i, true));
        }
    }
    let mut shared = 0;
    for (i, e) in list.entries().iter().enumerate() {
        let m = matched(&list, &e.name);
        assert_eq!(
            (m.index, m.matched_alias, m.edits),
            (i, false, 0),
            "{}",
            e.name
        );
        for a in &e.aliases {
            let m = matched(&list, a);
            let want = first_row[&normalize_institution(a)];
            assert_eq!(
                (m.index, m.matched_alias, m.edits),
                (want.0, want.1, 0),
                "{a}"
            );
            assert!(m.index <= i);
            if m.index != i {
                shared += 1;
            }
            // Typed differently, it still finds the same row.
            assert_eq!(matched(&list, &a.to_uppercase()).index, want.0, "{a}");
        }
    }
    // The sample's repeated aliases that point to an earlier row: 20 "<head> Tech" aliases
    // (10 heads have one on each of their 3 rows) and 3 acronyms (CBCIS, SPU, CBUCS).
    assert_eq!(shared, 23);
}

#[test]
fn the_most_common_sample_institutions_do_not_match() {
    let list = sample_list();
    let file = File::open(sample_dir().join("applications.parquet")).unwrap();
    let apps = ParquetReader::new(file).finish().unwrap();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let institutions = apps.column("institution").unwrap().str().unwrap();
    for value in institutions.iter().flatten() {
        *counts.entry(value).or_default() += 1;
    }
    let mut by_count: Vec<(&str, usize)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top: Vec<&str> = by_count.iter().take(30).map(|&(v, _)| v).collect();
    // The 30 most frequent values are real institutions as legitimate applicants write them
    // ("De Anza College" 447 times, "Northeastern University", "General Assembly", ...,
    // acronyms such as "ASU", "UF", "CMU", "UIUC"); the high-risk names, typed with variations
    // by fraudulent applicants, are spread over many rarer spellings.
    assert!(top.contains(&"Northeastern University") && top.contains(&"ASU"));
    let matches: Vec<&str> = top
        .iter()
        .copied()
        .filter(|v| list.best_match(v).is_some())
        .collect();
    // None of them matches.
    assert_eq!(matches, Vec::<&str>::new());
    // And none comes close: all are at the floor except "ASU", one insertion from the acronym
    // alias "ASOU" (Atlas Summit Open University), 1 − 1/4 = 0.75 — a short string, so not a
    // match.
    for v in &top {
        let want = if *v == "ASU" { 0.75 } else { NEAREST_FLOOR };
        assert_eq!(list.nearest(v), Some(want), "{v}");
    }
}
