//! Education family: whether the claimed degree, major, graduation year and experience fit
//! together.
//!
//! [`education_signals`] reads `degree` and `major` (as typed), `graduation_year`,
//! `years_experience` and `submitted_at` and returns [`EducationSignals`]:
//!
//! - **Years since graduation** at submission, as a difference of calendar years (negative for a
//!   graduation still to come).
//! - **Experience beyond the degree**: claimed experience minus years since graduation. Positive
//!   values are experience claimed before graduating. People who study mid-career or work while
//!   studying have them legitimately; the model weighs the value, nothing here decides. Implausible
//!   ages show up only through these differences: no age is estimated.
//! - **Degree category** ([`DegreeCategory`]) parsed from free text ("BSc", "B.S.", "Master of
//!   Science", "Ph.D.", "Bootcamp").
//! - **Contradictory claim**: the degree and major texts name a bootcamp together with an
//!   academic degree, or the major names an academic degree other than the degree's own.
//!   Unusual pairings of degree and field ("BEng" in "Music") are not contradictions.
//!
//! The high-risk institution match is a separate lookup ([`crate::HighRiskInstitutions`]).
//!
//! Out-of-range inputs follow ingest's policy (`ingest/policy.rs`) so the batch and
//! single-application paths agree: `years_experience` that is NaN, infinite, negative or above
//! 70, and a `graduation_year` before 1940 or more than 10 years after submission, count as
//! missing.

use std::fmt;

use chrono::{DateTime, Datelike};

/// Claimed experience above this many years counts as missing (ingest's policy).
const MAX_YEARS_EXPERIENCE: f32 = 70.0;
/// Graduation years before this count as missing (ingest's policy).
const MIN_GRADUATION_YEAR: i32 = 1940;
/// Graduation years more than this many years after submission count as missing (ingest's
/// policy).
const MAX_YEARS_UNTIL_GRADUATION: i32 = 10;

/// The kind of degree claimed, from the `degree` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DegreeCategory {
    /// No degree: null, empty or whitespace only.
    Missing,
    /// Associate degree: "Associate", "AA", "AS", "AAS".
    Associate,
    /// Bachelor's degree: "BSc", "BS", "B.S.", "BA", "BEng", "BTech", "Bachelor of …".
    Bachelor,
    /// Master's degree: "MSc", "MS", "MA", "MBA", "MEng", "Master of …", "Master's".
    Master,
    /// Doctorate: "PhD", "Ph.D.", "DPhil", "EdD", "DSc", "Doctor of …", "Doctorate".
    Doctorate,
    /// A coding bootcamp ("Bootcamp", "Boot camp"), also when the text names an academic level
    /// too (see [`EducationSignals::contradictory_claim`]).
    Bootcamp,
    /// Any other text ("Diploma", "Certificate", "High School").
    Other,
}

impl DegreeCategory {
    /// Every category, in declaration order (for one-hot encoding and reports).
    pub const ALL: [DegreeCategory; 7] = [
        DegreeCategory::Missing,
        DegreeCategory::Associate,
        DegreeCategory::Bachelor,
        DegreeCategory::Master,
        DegreeCategory::Doctorate,
        DegreeCategory::Bootcamp,
        DegreeCategory::Other,
    ];

    /// Stable snake_case name, e.g. `"bachelor"`.
    pub const fn name(self) -> &'static str {
        match self {
            DegreeCategory::Missing => "missing",
            DegreeCategory::Associate => "associate",
            DegreeCategory::Bachelor => "bachelor",
            DegreeCategory::Master => "master",
            DegreeCategory::Doctorate => "doctorate",
            DegreeCategory::Bootcamp => "bootcamp",
            DegreeCategory::Other => "other",
        }
    }
}

impl fmt::Display for DegreeCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The education family's signals for one application (the institution match aside).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EducationSignals {
    /// Calendar year of submission (UTC) minus `graduation_year`, in years; negative when the
    /// graduation is still to come. `None` without a (credible) graduation year.
    pub years_since_graduation: Option<i32>,
    /// `years_experience − years_since_graduation`, in years: experience claimed before
    /// graduating (positive) or years since graduating without claimed work (negative). `None`
    /// when either is missing.
    pub experience_before_graduation_years: Option<f32>,
    /// The degree's kind; [`DegreeCategory::Missing`] exactly when no degree was given.
    pub degree_category: DegreeCategory,
    /// The claim contradicts itself: the degree and major texts together name a bootcamp and an
    /// academic degree ("Bootcamp" with major "MSc Computer Science"), or the major names an
    /// academic degree other than the degree's own ("BSc" with major "PhD Physics"). `None` when
    /// no degree was given; a missing major is judged on the degree text alone.
    pub contradictory_claim: Option<bool>,
}

/// Education signals of one application.
///
/// `degree` and `major` are the columns as typed (`None` for null), `graduation_year` and
/// `years_experience` as stored, `submitted_at_micros` the submission instant in microseconds
/// since the Unix epoch (UTC). Never fails and never panics.
pub fn education_signals(
    degree: Option<&str>,
    major: Option<&str>,
    graduation_year: Option<i32>,
    years_experience: Option<f32>,
    submitted_at_micros: i64,
) -> EducationSignals {
    let submitted_year = DateTime::from_timestamp_micros(submitted_at_micros).map(|t| t.year());
    let years_since_graduation = match (submitted_year, graduation_year) {
        (Some(now), Some(grad))
            if grad >= MIN_GRADUATION_YEAR && grad - now <= MAX_YEARS_UNTIL_GRADUATION =>
        {
            Some(now - grad)
        }
        _ => None,
    };
    let experience = years_experience.filter(|y| (0.0..=MAX_YEARS_EXPERIENCE).contains(y));
    let experience_before_graduation_years = match (experience, years_since_graduation) {
        (Some(e), Some(s)) => Some(e - s as f32),
        _ => None,
    };

    let degree = degree.map(str::trim).filter(|d| !d.is_empty());
    let degree_levels = degree.map(|d| Levels::of(d, true));
    let degree_category = degree_levels.map_or(DegreeCategory::Missing, |l| l.category());
    let contradictory_claim = degree_levels.map(|d| {
        let m = major.map_or(Levels::NONE, |m| Levels::of(m, false));
        let all = Levels(d.0 | m.0);
        let bootcamp_and_academic = all.has(Levels::BOOTCAMP) && all.academic() != 0;
        let other_academic_in_major = m.academic() & !d.academic() != 0;
        bootcamp_and_academic || other_academic_in_major
    });

    EducationSignals {
        years_since_graduation,
        experience_before_graduation_years,
        degree_category,
        contradictory_claim,
    }
}

/// The degree levels a text names, as a bit set.
#[derive(Debug, Clone, Copy)]
struct Levels(u8);

impl Levels {
    const NONE: Levels = Levels(0);
    const ASSOCIATE: u8 = 1;
    const BACHELOR: u8 = 2;
    const MASTER: u8 = 4;
    const DOCTORATE: u8 = 8;
    const BOOTCAMP: u8 = 16;

    /// Words and abbreviations naming a level, compared with each word of the text after
    /// lower-casing and removing dots and apostrophes ("B.S." → "bs", "Master's" → "masters").
    /// Two-letter abbreviations that are also English words or common initials ("as", "be",
    /// "ma", "ms", "ba", "bs", "aa") are read only in a degree text, never in a major.
    const WORDS: &'static [(&'static str, u8, bool)] = &[
        ("associate", Self::ASSOCIATE, false),
        ("associates", Self::ASSOCIATE, false),
        ("aa", Self::ASSOCIATE, true),
        ("as", Self::ASSOCIATE, true),
        ("aas", Self::ASSOCIATE, false),
        ("bachelor", Self::BACHELOR, false),
        ("bachelors", Self::BACHELOR, false),
        ("baccalaureate", Self::BACHELOR, false),
        ("bs", Self::BACHELOR, true),
        ("ba", Self::BACHELOR, true),
        ("be", Self::BACHELOR, true),
        ("bsc", Self::BACHELOR, false),
        ("beng", Self::BACHELOR, false),
        ("btech", Self::BACHELOR, false),
        ("bba", Self::BACHELOR, false),
        ("bca", Self::BACHELOR, false),
        ("bcs", Self::BACHELOR, false),
        ("bfa", Self::BACHELOR, false),
        ("bcom", Self::BACHELOR, false),
        ("master", Self::MASTER, false),
        ("masters", Self::MASTER, false),
        ("ms", Self::MASTER, true),
        ("ma", Self::MASTER, true),
        ("msc", Self::MASTER, false),
        ("mba", Self::MASTER, false),
        ("meng", Self::MASTER, false),
        ("mtech", Self::MASTER, false),
        ("mphil", Self::MASTER, false),
        ("mres", Self::MASTER, false),
        ("mfa", Self::MASTER, false),
        ("mca", Self::MASTER, false),
        ("mcs", Self::MASTER, false),
        ("doctor", Self::DOCTORATE, false),
        ("doctorate", Self::DOCTORATE, false),
        ("doctoral", Self::DOCTORATE, false),
        ("phd", Self::DOCTORATE, false),
        ("dphil", Self::DOCTORATE, false),
        ("edd", Self::DOCTORATE, false),
        ("dsc", Self::DOCTORATE, false),
        ("bootcamp", Self::BOOTCAMP, false),
        ("bootcamps", Self::BOOTCAMP, false),
    ];

    /// Levels named in `text`. `degree_field` admits the ambiguous two-letter abbreviations.
    /// "Boot camp" (two words) is a bootcamp; a text whose letters alone spell an abbreviation
    /// ("B. Sc", "Ph. D.") is read as that abbreviation.
    fn of(text: &str, degree_field: bool) -> Levels {
        let mut bits = 0u8;
        let mut previous = String::new();
        let mut lookup = |word: &str| {
            for &(w, level, ambiguous) in Self::WORDS {
                if w == word && (degree_field || !ambiguous) {
                    bits |= level;
                }
            }
        };
        for raw in text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '\'' | '’'))) {
            let word: String = raw
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            if word.is_empty() {
                continue;
            }
            lookup(&word);
            if previous == "boot" && word == "camp" {
                lookup("bootcamp");
            }
            previous = word;
        }
        let compact: String = text
            .chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        if compact.len() <= 5 {
            lookup(&compact);
        }
        Levels(bits)
    }

    fn has(self, level: u8) -> bool {
        self.0 & level != 0
    }

    fn academic(self) -> u8 {
        self.0 & !Self::BOOTCAMP
    }

    /// Bootcamp wins (its contradiction is flagged separately); otherwise the highest level.
    fn category(self) -> DegreeCategory {
        if self.has(Self::BOOTCAMP) {
            DegreeCategory::Bootcamp
        } else if self.has(Self::DOCTORATE) {
            DegreeCategory::Doctorate
        } else if self.has(Self::MASTER) {
            DegreeCategory::Master
        } else if self.has(Self::BACHELOR) {
            DegreeCategory::Bachelor
        } else if self.has(Self::ASSOCIATE) {
            DegreeCategory::Associate
        } else {
            DegreeCategory::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-06-15T12:00:00Z in microseconds since the epoch (`date -u -d … +%s` = 1749988800).
    const JUNE_2025: i64 = 1_749_988_800_000_000;

    #[test]
    fn degree_parsing_table() {
        use DegreeCategory::*;
        let table: &[(Option<&str>, DegreeCategory)] = &[
            (None, Missing),
            (Some("   "), Missing),
            (Some("BSc"), Bachelor),
            (Some("B.S."), Bachelor),
            (Some("BS"), Bachelor),
            (Some("B. Sc"), Bachelor),
            (Some("BA"), Bachelor),
            (Some("Bachelor of Engineering"), Bachelor),
            (Some("Bachelor's"), Bachelor),
            (Some("MSc"), Master),
            (Some("M.S."), Master),
            (Some("Master of Science"), Master),
            (Some("Master’s degree"), Master),
            (Some("MBA"), Master),
            (Some("PhD"), Doctorate),
            (Some("Ph.D."), Doctorate),
            (Some("Ph. D."), Doctorate),
            (Some("Doctor of Philosophy"), Doctorate),
            (Some("Associate"), Associate),
            (Some("A.A.S."), Associate),
            (Some("Bootcamp"), Bootcamp),
            (Some("Coding Boot Camp"), Bootcamp),
            (Some("Diploma"), Other),
            (Some("High School"), Other),
            // Combined programmes read as the highest level.
            (Some("BS/MS"), Master),
        ];
        for &(text, expected) in table {
            let s = education_signals(text, None, None, None, JUNE_2025);
            assert_eq!(s.degree_category, expected, "{text:?}");
        }
    }

    #[test]
    fn contradictory_claims_are_conservative() {
        let flag = |d: Option<&str>, m: Option<&str>| {
            education_signals(d, m, None, None, JUNE_2025).contradictory_claim
        };
        // Bootcamp and an academic degree together: contradictory.
        assert_eq!(
            flag(Some("Bootcamp"), Some("MSc Computer Science")),
            Some(true)
        );
        assert_eq!(flag(Some("PhD Bootcamp"), None), Some(true));
        // The major names another academic level than the degree.
        assert_eq!(flag(Some("BSc"), Some("PhD Physics")), Some(true));
        // The same level repeated is consistent.
        assert_eq!(
            flag(Some("MSc"), Some("Master of Computer Science")),
            Some(false)
        );
        // Unusual fields are not contradictions, nor are majors with two-letter words.
        assert_eq!(flag(Some("BEng"), Some("Music")), Some(false));
        assert_eq!(flag(Some("Bootcamp"), Some("Web Development")), Some(false));
        assert_eq!(flag(Some("BSc"), Some("Data as a Service")), Some(false));
        assert_eq!(flag(Some("BA"), None), Some(false));
        // No degree: nothing to contradict.
        assert_eq!(flag(None, Some("PhD Physics")), None);
    }

    #[test]
    fn experience_against_graduation() {
        // Submitted in 2025, graduated 2023: 2 years since graduation; 12 years of experience
        // claimed → 12 − 2 = +10 years claimed before graduating.
        let s = education_signals(Some("MSc"), None, Some(2023), Some(12.0), JUNE_2025);
        assert_eq!(s.years_since_graduation, Some(2));
        assert_eq!(s.experience_before_graduation_years, Some(10.0));
        // Graduation next year: −1; 0.5 years of experience → 0.5 − (−1) = 1.5.
        let s = education_signals(Some("BSc"), None, Some(2026), Some(0.5), JUNE_2025);
        assert_eq!(s.years_since_graduation, Some(-1));
        assert_eq!(s.experience_before_graduation_years, Some(1.5));
        // Graduated 2015, 7.5 years of experience: 10 years since, −2.5 (a gap year or two).
        let s = education_signals(Some("BSc"), None, Some(2015), Some(7.5), JUNE_2025);
        assert_eq!(s.experience_before_graduation_years, Some(-2.5));
    }

    #[test]
    fn missing_and_out_of_range_inputs_give_none() {
        let s = education_signals(None, None, None, None, JUNE_2025);
        assert_eq!(s.years_since_graduation, None);
        assert_eq!(s.experience_before_graduation_years, None);
        assert_eq!(s.degree_category, DegreeCategory::Missing);
        assert_eq!(s.contradictory_claim, None);
        // Experience without a graduation year, and the reverse.
        let s = education_signals(Some("BSc"), None, None, Some(5.0), JUNE_2025);
        assert_eq!(s.experience_before_graduation_years, None);
        let s = education_signals(Some("BSc"), None, Some(2020), None, JUNE_2025);
        assert_eq!(s.years_since_graduation, Some(5));
        assert_eq!(s.experience_before_graduation_years, None);
        // Ingest's policy: NaN / negative / > 70 years of experience, graduation before 1940 or
        // more than 10 years after submission (2025 + 11 = 2036) count as missing.
        for bad in [f32::NAN, f32::INFINITY, -1.0, 71.0] {
            let s = education_signals(None, None, Some(2020), Some(bad), JUNE_2025);
            assert_eq!(s.experience_before_graduation_years, None, "{bad}");
        }
        for bad in [1939, 2036, i32::MIN, i32::MAX] {
            let s = education_signals(None, None, Some(bad), Some(1.0), JUNE_2025);
            assert_eq!(s.years_since_graduation, None, "{bad}");
        }
        // An instant outside chrono's range has no year.
        let s = education_signals(None, None, Some(2020), Some(1.0), i64::MAX);
        assert_eq!(s.years_since_graduation, None);
    }
}
