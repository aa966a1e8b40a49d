//! Institutions, degrees and majors, and `reference/high_risk_institutions.csv`.
//!
//! The high-risk list is fictional: made-up institutions that investigators in this world have
//! tied to fraudulent credentials, each with aliases. Fraudulent applicants write these names the
//! way the list never does (typos, case, punctuation, an alias), so only fuzzy matching finds
//! them. Legitimate applicants write their real institutions with the same kinds of variation.

use std::fmt::Write as _;

use crate::rng::Rng;
use crate::write::csv_field;

/// A real-world institution a legitimate applicant may have attended, with spellings people use.
pub(crate) struct Institution {
    pub spellings: &'static [&'static str],
    pub bootcamp: bool,
}

macro_rules! inst {
    ($($s:expr),+) => { Institution { spellings: &[$($s),+], bootcamp: false } };
}
macro_rules! camp {
    ($($s:expr),+) => { Institution { spellings: &[$($s),+], bootcamp: true } };
}

pub(crate) static INSTITUTIONS: &[Institution] = &[
    inst!(
        "University of Michigan",
        "UMich",
        "University of Michigan - Ann Arbor"
    ),
    inst!("Georgia Institute of Technology", "Georgia Tech"),
    inst!(
        "University of Texas at Austin",
        "UT Austin",
        "The University of Texas at Austin"
    ),
    inst!("Arizona State University", "ASU"),
    inst!("Ohio State University", "The Ohio State University"),
    inst!("Purdue University"),
    inst!("University of Washington", "UW Seattle"),
    inst!("Rutgers University", "Rutgers"),
    inst!("Pennsylvania State University", "Penn State"),
    inst!("University of Florida", "UF"),
    inst!("San Jose State University", "SJSU"),
    inst!("Northeastern University"),
    inst!("University of Illinois Urbana-Champaign", "UIUC"),
    inst!("University of California, Berkeley", "UC Berkeley"),
    inst!("Carnegie Mellon University", "CMU"),
    inst!("University of Toronto", "UofT"),
    inst!("University of Waterloo"),
    inst!("University of Manchester"),
    inst!("Technical University of Munich", "TU München", "TUM"),
    inst!("Indian Institute of Technology Bombay", "IIT Bombay"),
    inst!("University of São Paulo", "USP"),
    inst!("Universidad Nacional Autónoma de México", "UNAM"),
    inst!("University of the Philippines Diliman"),
    inst!("University of Lagos", "UNILAG"),
    inst!("Warsaw University of Technology"),
    inst!("Universidad Politécnica de Madrid"),
    inst!("Delft University of Technology", "TU Delft"),
    inst!("Sorbonne University"),
    inst!("University of Sydney"),
    inst!("Western Governors University", "WGU"),
    inst!("Southern New Hampshire University", "SNHU"),
    inst!("De Anza College"),
    camp!("General Assembly"),
    camp!("Flatiron School"),
    camp!("App Academy"),
    camp!("Hack Reactor"),
];

/// A high-risk institution: canonical name, aliases and country.
#[derive(Debug, Clone)]
pub(crate) struct RiskyInstitution {
    pub name: String,
    pub aliases: Vec<String>,
    pub country: &'static str,
}

const RISKY_HEADS: &[&str] = &[
    "Eastern Meridian",
    "Northstar",
    "Golden Crest",
    "Pinnacle Ridge",
    "Silverline",
    "Westbridge",
    "Crescent Bay",
    "Sovereign Coast",
    "Keystone Heights",
    "Orion Valley",
    "Atlas Summit",
    "Harborview",
    "Bluewater",
    "Iron Gate",
    "Summit Peak",
    "Starlight",
    "Evergreen Crossing",
    "Royal Cascade",
    "Blackstone Hill",
    "Clearwater Bay",
];
const RISKY_TAILS: &[(&str, &str)] = &[
    ("Institute of Technology", "IT"),
    ("Polytechnic University", "PU"),
    ("University of Computer Science", "UCS"),
    ("Open University", "OU"),
    ("College of Information Science", "CIS"),
];
const RISKY_COUNTRIES: &[&str] = &["US", "US", "GB", "CN", "KP", "RU", "VN", "NG", "AE", "US"];

/// The fixed high-risk list (60 institutions).
pub(crate) fn risky_institutions() -> Vec<RiskyInstitution> {
    let mut out = Vec::new();
    for i in 0..60 {
        let head = RISKY_HEADS[i % RISKY_HEADS.len()];
        let (tail, tail_abbr) = RISKY_TAILS[(i * 7 / 3) % RISKY_TAILS.len()];
        if out
            .iter()
            .any(|r: &RiskyInstitution| r.name == format!("{head} {tail}"))
        {
            continue;
        }
        let initials: String = head
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect();
        let mut aliases = vec![format!("{initials}{tail_abbr}")];
        if i % 2 == 0 {
            aliases.push(format!("{head} Tech"));
        }
        if i % 3 == 0 {
            aliases.push(format!("{head} International {tail}"));
        }
        out.push(RiskyInstitution {
            name: format!("{head} {tail}"),
            aliases,
            country: RISKY_COUNTRIES[i % RISKY_COUNTRIES.len()],
        });
    }
    out
}

/// `reference/high_risk_institutions.csv` as text.
pub(crate) fn risky_csv(list: &[RiskyInstitution]) -> String {
    let mut out = String::from("name,aliases,country\n");
    for r in list {
        let _ = writeln!(
            out,
            "{},{},{}",
            csv_field(&r.name),
            csv_field(&r.aliases.join(";")),
            r.country
        );
    }
    out
}

/// Writes `name` with the small variations of a hurried typist: case, punctuation,
/// abbreviations. `typo_p` adds one character-level typo.
pub(crate) fn as_typed(name: &str, typo_p: f64, rng: &mut Rng) -> String {
    let mut s = name.to_string();
    if rng.chance(0.15) {
        s = s
            .replace("University", "Univ.")
            .replace("Institute", "Inst.");
    }
    if rng.chance(0.1) {
        s = s.replace(" of ", " Of ");
    }
    match rng.index(10) {
        0 => s = s.to_lowercase(),
        1 => s = s.to_uppercase(),
        _ => {}
    }
    if rng.chance(0.05) {
        s = s.replace(',', "");
    }
    if rng.chance(typo_p) {
        s = typo(&s, rng);
    }
    s
}

/// One character-level edit: swap of neighbours, deletion, duplication or substitution.
pub(crate) fn typo(s: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 4 {
        return s.to_string();
    }
    let i = 1 + rng.index(chars.len() - 2);
    match rng.index(4) {
        0 => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        2 => chars.insert(i, chars[i]),
        _ => {
            let c = (b'a' + rng.range(0, 26) as u8) as char;
            chars[i] = c;
        }
    }
    chars.into_iter().collect()
}

pub(crate) static MAJORS: &[(&str, f64)] = &[
    ("Computer Science", 0.45),
    ("Software Engineering", 0.1),
    ("Electrical Engineering", 0.07),
    ("Information Technology", 0.07),
    ("Mathematics", 0.06),
    ("Data Science", 0.05),
    ("Physics", 0.04),
    ("Information Systems", 0.05),
    ("Economics", 0.04),
    ("Mechanical Engineering", 0.03),
    ("Psychology", 0.02),
    ("Music", 0.02),
];

pub(crate) static DEGREES: &[(&str, f64)] = &[
    ("BSc", 0.32),
    ("BS", 0.18),
    ("BA", 0.08),
    ("MSc", 0.18),
    ("MS", 0.08),
    ("MBA", 0.03),
    ("PhD", 0.05),
    ("Associate", 0.04),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risky_list_has_unique_names_and_aliases() {
        let list = risky_institutions();
        assert!(list.len() >= 40, "{}", list.len());
        let mut names: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), list.len());
        assert!(
            list.iter()
                .all(|r| !r.aliases.is_empty() && !r.name.contains(','))
        );
    }

    #[test]
    fn a_typo_is_one_edit() {
        let mut rng = Rng::new(3, 3);
        for _ in 0..100 {
            let t = typo("Northstar Open University", &mut rng);
            let diff = (t.len() as i64 - 25).abs();
            assert!(diff <= 1, "{t}");
        }
    }
}
