//! The high-risk institution list (`reference/high_risk_institutions.csv`) and matching an
//! institution as typed against it.
//!
//! This is the leaf the education signal family calls once per application, on the batch and
//! the single-application path alike, so it holds no dataframe code and a lookup allocates only
//! for the query itself, never per list entry.
//!
//! # How a lookup works
//!
//! 1. The query is normalised with [`normalize_institution`], the same function that normalised
//!    every name and alias when the list was loaded.
//! 2. **Exact**: a hash lookup of the normalised query among the normalised names and aliases.
//!    This is how acronym aliases ("NSOU", "n.s.o.u.") match: short strings (at most
//!    [`SHORT_NAME_CHARS`] characters) only ever match exactly.
//! 3. **Fuzzy**: the similarity of two normalised strings is
//!    `1 − osa(a, b) / max(chars(a), chars(b))`, where `osa` is the optimal-string-alignment
//!    distance ([`strsim::osa_distance`]: Damerau–Levenshtein where each substring is edited
//!    once; a swap of neighbours, a deletion, an insertion and a substitution each cost one
//!    edit). A fuzzy match needs similarity ≥ [`MATCH_SIMILARITY`] (0.9), i.e. at most one edit
//!    per ten characters of the longer string, and at most [`MATCH_MAX_EDITS`] (2) edits.
//! 4. [`HighRiskInstitutions::nearest`] reports the highest similarity whether or not it is a
//!    match, for the model to use as a feature; below [`NEAREST_FLOOR`] it reports the floor.
//!
//! Fuzzy candidates are pruned without computing a distance: names and aliases are kept sorted by
//! length, so only the lengths that could reach the required similarity are visited (the length
//! difference is a lower bound of the distance), then two cheap lower bounds from per-string
//! character histograms (which letters occur, how often) discard most of the rest. The
//! distance itself is computed only for the few candidates those bounds cannot rule out, with a
//! bit-parallel algorithm (one machine word per character, no allocation) that gives up as soon
//! as the candidate can no longer qualify. Against 200 institutions with 3 aliases each, an
//! unoptimised (debug) build takes about 3 µs per `best_match` and 12 µs per `nearest` on the
//! sample's institutions, and 8 and 21 µs when every query is one typo away from a name that
//! shares its tail with 40 others, normalisation included, on one core of a lightly loaded
//! machine (`cargo run -p appfraud-features --example institution_lookup`).
//!
//! # Ties and duplicates
//!
//! The same normalised string may be listed more than once (the sample list gives "Eastern
//! Meridian Tech" as an alias of three institutions). It resolves to the first row, in file
//! order, that has it as its name, else the first row that has it as an alias. Between fuzzy
//! candidates the higher similarity wins, then the earlier row, then a name over an alias.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use appfraud_core::schema::HIGH_RISK_INSTITUTIONS;

use crate::IngestError;

/// Minimum similarity of a fuzzy match: `1 − edits / max(chars)` ≥ 0.9, i.e. at most one edit
/// per ten characters of the longer normalised string, and never more than [`MATCH_MAX_EDITS`]:
/// 0 edits below 10 characters, 1 for 10–19, 2 from 20 on.
///
/// Why: a typo is one edit, so one typo in a name of 10+ characters and two in a name of 20+
/// still match. Distinct institutions that share most of their words stay below it: against
/// the sample list, "Georgia Institute of Technology" comes closest to "Harborview Institute of
/// Technology" (7 edits in 34 characters, 0.79), "Northeastern University" and "Open
/// University" no closer than 0.6 to any listed "… Open University".
pub const MATCH_SIMILARITY: f64 = 0.9;

/// Most edits a fuzzy match may have, however long the names: one or two typos match, while
/// different institutions whose long names differ in one short word do not ("Orion Valley
/// College of Information Science" vs "Falcon Valley College of Information Science": 4 edits
/// in 44 characters, similarity 0.91).
pub const MATCH_MAX_EDITS: usize = 2;

/// Similarities below this are reported as this value by [`HighRiskInstitutions::nearest`]:
/// unrelated institution names that merely share "University of" already score 0.3–0.65, so
/// below 0.7 the value carries no information about the list, and not computing it keeps the
/// lookup cheap.
pub const NEAREST_FLOOR: f64 = 0.7;

/// Normalised strings of at most this many characters (acronyms such as "EMIT") only match
/// exactly.
pub const SHORT_NAME_CHARS: usize = 5;

/// The edits a candidate may differ by, given the longer string's character count.
#[derive(Debug, Clone, Copy)]
struct Rule {
    /// `10 · edits ≤ edits_per_ten · max_chars`.
    edits_per_ten: usize,
    /// And `edits ≤ max_edits`.
    max_edits: usize,
    /// Candidates shorter than this are not compared.
    min_key_chars: usize,
}

impl Rule {
    /// [`MATCH_SIMILARITY`] and [`MATCH_MAX_EDITS`], long strings only.
    const MATCH: Rule = Rule {
        edits_per_ten: 1,
        max_edits: MATCH_MAX_EDITS,
        min_key_chars: SHORT_NAME_CHARS + 1,
    };
    /// [`NEAREST_FLOOR`], any string.
    const NEAREST: Rule = Rule {
        edits_per_ten: 3,
        max_edits: usize::MAX,
        min_key_chars: 0,
    };

    fn allowed(self, max_chars: usize) -> usize {
        (self.edits_per_ten * max_chars / 10).min(self.max_edits)
    }
}

const _: () = assert!(HIGH_RISK_INSTITUTIONS.columns.len() == 3);
const COLUMN_NAME: &str = HIGH_RISK_INSTITUTIONS.columns[0];
const COLUMN_ALIASES: &str = HIGH_RISK_INSTITUTIONS.columns[1];
const COLUMN_COUNTRY: &str = HIGH_RISK_INSTITUTIONS.columns[2];

/// One row of the list, as written in the file (values trimmed, empty alias items left out,
/// country upper-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HighRiskInstitution {
    /// Canonical name.
    pub name: String,
    /// Other names, from the `;`-separated `aliases` column; may be empty.
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country: String,
}

/// The entry an institution as typed was matched to, and how closely.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InstitutionMatch<'a> {
    /// Row of the entry in the list (0-based, file order); see [`HighRiskInstitutions::get`].
    pub index: usize,
    /// The entry's canonical name.
    pub name: &'a str,
    /// The entry's country.
    pub country: &'a str,
    /// Whether the closest string was one of the entry's aliases rather than its name.
    pub matched_alias: bool,
    /// Edits (optimal string alignment distance) between the normalised strings; 0 for an exact
    /// match.
    pub edits: usize,
    /// `1 − edits / max(chars)` over the normalised strings, in `[0, 1]`; 1 for an exact match.
    pub similarity: f64,
}

/// The high-risk institution list, ready for lookups. Immutable once loaded; `Send + Sync`, so
/// one list can be shared (e.g. behind an `Arc`) by every scoring thread.
#[derive(Debug, Clone)]
pub struct HighRiskInstitutions {
    entries: Vec<HighRiskInstitution>,
    /// Distinct normalised names and aliases, sorted by character count.
    keys: Vec<Key>,
    /// Normalised string → position in `keys`.
    exact: HashMap<Box<str>, usize>,
}

/// A distinct normalised name or alias with what the fuzzy bounds need, computed once.
#[derive(Debug, Clone)]
struct Key {
    text: Box<str>,
    /// `text` as characters, the text side of [`Pattern::distance_within`].
    chars: Box<[char]>,
    profile: Profile,
    entry: usize,
    alias: bool,
}

/// Character count and histogram of a normalised string.
#[derive(Debug, Clone)]
struct Profile {
    chars: usize,
    /// Bit `b` set when some character falls in bucket `b`.
    present: u32,
    /// Characters per bucket, one byte lane per bucket (bucket `b` in byte `b % 8` of word
    /// `b / 8`), saturating at 127 so that [`Profile::l1`] can work on whole words.
    counts: [u64; BUCKETS / 8],
}

const BUCKETS: usize = 32;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const LOW_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;

impl Profile {
    fn of(s: &str) -> Profile {
        let mut profile = Profile {
            chars: 0,
            present: 0,
            counts: [0; BUCKETS / 8],
        };
        for c in s.chars() {
            let b = bucket(c);
            profile.chars += 1;
            profile.present |= 1 << b;
            let (word, shift) = (b / 8, 8 * (b % 8));
            if (profile.counts[word] >> shift) & 0xff < 127 {
                profile.counts[word] += 1 << shift;
            }
        }
        profile
    }

    /// Lower bounds of the distance to `other`: from the buckets only one of the two strings
    /// uses (cheap), and from the L1 distance of the histograms. An edit changes the L1 distance
    /// plus the length difference by at most two (a substitution moves one character between
    /// buckets, an insertion or deletion adds or removes one and changes the length, a swap of
    /// neighbours changes neither), and each bucket used by one string only adds at least one to
    /// the L1 distance. Merging characters into buckets and saturating counts only lower the L1
    /// distance, so both stay lower bounds.
    fn presence_bound(&self, other: &Profile) -> usize {
        let distinct = (self.present ^ other.present).count_ones() as usize;
        (distinct + self.chars.abs_diff(other.chars)).div_ceil(2)
    }

    fn histogram_bound(&self, other: &Profile) -> usize {
        (self.l1(other) + self.chars.abs_diff(other.chars)).div_ceil(2)
    }

    /// Sum over buckets of |count difference|, eight byte lanes per word at a time: for lanes
    /// below 128, `(x | 0x80) − y` is `128 + x − y` per lane without borrowing from the next, its
    /// top bit says whether `x ≥ y`, and its low seven bits are then `x − y`.
    fn l1(&self, other: &Profile) -> usize {
        let mut sum = 0;
        for (&x, &y) in self.counts.iter().zip(&other.counts) {
            let x_minus_y = (x | HIGH_BITS) - y;
            let y_minus_x = (y | HIGH_BITS) - x;
            let x_ge_y = ((x_minus_y & HIGH_BITS) >> 7) * 0xff;
            let abs = ((x_minus_y & x_ge_y) | (y_minus_x & !x_ge_y)) & LOW_BITS;
            let pairs = (abs & 0x00ff_00ff_00ff_00ff) + ((abs >> 8) & 0x00ff_00ff_00ff_00ff);
            sum += (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize;
        }
        sum
    }
}

/// Letters a–z one bucket each, digits, space, and everything else spread over four buckets.
/// Merging characters into a bucket only weakens the histogram bounds; it never breaks them.
fn bucket(c: char) -> usize {
    match c {
        'a'..='z' => c as usize - 'a' as usize,
        '0'..='9' => 26,
        ' ' => 27,
        _ => 28 + (c as usize & 3),
    }
}

impl HighRiskInstitutions {
    /// Reads the list from a CSV file (`name,aliases,country`, see [`Self::from_reader`]).
    ///
    /// Errors: [`IngestError::Unreadable`] when the file cannot be opened or read, and every
    /// error of [`Self::from_reader`].
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, IngestError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| IngestError::Unreadable {
            file: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Self::from_reader(path, file)
    }

    /// Reads the list from RFC 4180 CSV text; `name_for_errors` is the file named in errors.
    ///
    /// Contract:
    /// - UTF-8; a header naming the columns `name`, `aliases` and `country` exactly (other
    ///   columns are ignored); CRLF or LF line ends; quoted fields with `""` for a quote.
    /// - `name`: required, with at least one letter or digit.
    /// - `aliases`: `;`-separated, may be empty; items are trimmed and empty items (`a;;b`, a
    ///   trailing `;`) skipped; a non-empty item needs a letter or digit.
    /// - `country`: two ASCII letters (stored upper case).
    ///
    /// Names and aliases may repeat across rows; see the module docs for how a repeated string
    /// resolves. Rows are numbered from 0, not counting the header or blank lines.
    ///
    /// Errors: [`IngestError::Unreadable`] (I/O), [`IngestError::Empty`] (no header),
    /// [`IngestError::MissingHeaderColumn`], [`IngestError::MalformedCsv`] (quoting, a required
    /// column named twice), [`IngestError::RaggedRow`], [`IngestError::InvalidUtf8`] and
    /// [`IngestError::InvalidValue`] (the value rules above), each naming `name_for_errors`.
    pub fn from_reader(
        name_for_errors: impl AsRef<Path>,
        reader: impl Read,
    ) -> Result<Self, IngestError> {
        let file = name_for_errors.as_ref();
        let mut entries = Vec::new();
        crate::csv::for_each_row(
            file,
            reader,
            HIGH_RISK_INSTITUTIONS.columns,
            |row, values| {
                let invalid =
                    |column: &'static str, value: &str, reason: &str| IngestError::InvalidValue {
                        file: file.to_path_buf(),
                        row,
                        column,
                        value: value.to_string(),
                        reason: reason.to_string(),
                    };
                let &[name, aliases, country] = values else {
                    return Err(invalid(
                        COLUMN_NAME,
                        "",
                        &format!("{} values instead of 3", values.len()),
                    ));
                };
                let name = name.trim().to_string();
                if normalize_institution(&name).is_empty() {
                    return Err(invalid(COLUMN_NAME, &name, "has no letter or digit"));
                }
                let mut alias_list = Vec::new();
                for alias in aliases.split(';').map(str::trim).filter(|a| !a.is_empty()) {
                    if normalize_institution(alias).is_empty() {
                        return Err(invalid(
                            COLUMN_ALIASES,
                            alias,
                            "alias has no letter or digit",
                        ));
                    }
                    alias_list.push(alias.to_string());
                }
                let country = country.trim();
                if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(invalid(
                        COLUMN_COUNTRY,
                        country,
                        "not an ISO 3166-1 alpha-2 code",
                    ));
                }
                entries.push(HighRiskInstitution {
                    name,
                    aliases: alias_list,
                    country: country.to_ascii_uppercase(),
                });
                Ok(())
            },
        )?;
        Ok(Self::index(entries))
    }

    /// Builds the lookup structures over validated entries.
    fn index(entries: Vec<HighRiskInstitution>) -> Self {
        // Names of all rows first, then aliases, so a string resolves to the first row naming
        // it, else the first row listing it as an alias.
        let names = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (i, false, e.name.as_str()));
        let aliases = entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.aliases.iter().map(move |a| (i, true, a.as_str())));
        let mut seen: HashMap<String, (usize, bool)> = HashMap::new();
        for (entry, alias, text) in names.chain(aliases) {
            if let Entry::Vacant(v) = seen.entry(normalize_institution(text)) {
                v.insert((entry, alias));
            }
        }
        let mut keys: Vec<Key> = seen
            .into_iter()
            .map(|(text, (entry, alias))| Key {
                profile: Profile::of(&text),
                chars: text.chars().collect(),
                text: text.into_boxed_str(),
                entry,
                alias,
            })
            .collect();
        keys.sort_by(|a, b| {
            (a.profile.chars, a.entry, a.alias, &a.text).cmp(&(
                b.profile.chars,
                b.entry,
                b.alias,
                &b.text,
            ))
        });
        let exact = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.text.clone(), i))
            .collect();
        HighRiskInstitutions {
            entries,
            keys,
            exact,
        }
    }

    /// Number of institutions (rows) in the list.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list has no institutions.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The institution at row `index` (as in [`InstitutionMatch::index`]), if there is one.
    pub fn get(&self, index: usize) -> Option<&HighRiskInstitution> {
        self.entries.get(index)
    }

    /// All institutions, in file order.
    pub fn entries(&self) -> &[HighRiskInstitution] {
        &self.entries
    }

    /// The listed institution that `institution_as_typed` refers to, if any: an exact match of
    /// the normalised strings (name or alias), else the most similar name or alias with
    /// similarity ≥ [`MATCH_SIMILARITY`] and at most [`MATCH_MAX_EDITS`] edits, when both
    /// normalised strings are longer than [`SHORT_NAME_CHARS`]. Any text is valid input; text
    /// that normalises to nothing (empty, whitespace, punctuation) gives `None`.
    pub fn best_match(&self, institution_as_typed: &str) -> Option<InstitutionMatch<'_>> {
        let query = normalize_institution(institution_as_typed);
        if query.is_empty() {
            return None;
        }
        if let Some(&k) = self.exact.get(query.as_str()) {
            return Some(self.matched(k, 0, 1));
        }
        let profile = Profile::of(&query);
        if profile.chars <= SHORT_NAME_CHARS {
            return None;
        }
        self.closest(&query, &profile, Rule::MATCH)
            .map(|(k, edits, max_chars)| self.matched(k, edits, max_chars))
    }

    /// The highest similarity between `institution_as_typed` and any listed name or alias (the
    /// similarity of [`InstitutionMatch::similarity`], computed for every pair including short
    /// ones), saturated below at [`NEAREST_FLOOR`]: a value in `[NEAREST_FLOOR, 1]`, where
    /// `NEAREST_FLOOR` means "at most that close". `None` when the input normalises to nothing,
    /// so a missing institution stays distinguishable from a far one.
    ///
    /// Consistent with [`Self::best_match`]: when `best_match` is `Some`, `nearest` is at least
    /// its similarity (so at least [`MATCH_SIMILARITY`]); the converse fails only for a pair
    /// more than [`MATCH_MAX_EDITS`] apart.
    pub fn nearest(&self, institution_as_typed: &str) -> Option<f64> {
        let query = normalize_institution(institution_as_typed);
        if query.is_empty() {
            return None;
        }
        if self.exact.contains_key(query.as_str()) {
            return Some(1.0);
        }
        let profile = Profile::of(&query);
        let similarity = self
            .closest(&query, &profile, Rule::NEAREST)
            .map_or(NEAREST_FLOOR, |(_, edits, max_chars)| {
                similarity(edits, max_chars)
            });
        Some(similarity.max(NEAREST_FLOOR))
    }

    fn matched(&self, key: usize, edits: usize, max_chars: usize) -> InstitutionMatch<'_> {
        let k = &self.keys[key];
        let entry = &self.entries[k.entry];
        InstitutionMatch {
            index: k.entry,
            name: &entry.name,
            country: &entry.country,
            matched_alias: k.alias,
            edits,
            similarity: similarity(edits, max_chars),
        }
    }

    /// The key most similar to `query` among those `rule` allows, as (key, edits, max_chars).
    fn closest(&self, query: &str, profile: &Profile, rule: Rule) -> Option<(usize, usize, usize)> {
        let q_chars = profile.chars;
        // Only keys whose length difference alone leaves the rule satisfiable: a shorter key
        // needs q − k ≤ allowed(q), a longer one k − q ≤ allowed(k).
        let min_chars = (q_chars - rule.allowed(q_chars)).max(rule.min_key_chars);
        let max_chars = q_chars
            .saturating_add(rule.max_edits)
            .min(10 * q_chars / (10 - rule.edits_per_ten));
        let start = self.keys.partition_point(|k| k.profile.chars < min_chars);
        let end = self.keys.partition_point(|k| k.profile.chars <= max_chars);
        if start >= end {
            // Also when `min_key_chars` exceeds every length the rule allows.
            return None;
        }

        let pattern = Pattern::new(query);
        // Best so far as (key, edits, max_chars); its similarity is 1 − edits / max_chars.
        let mut best: Option<(usize, usize, usize)> = None;
        // Visit keys from the query's length outwards: the closest key usually has about the
        // query's length, and once it is the best, the bounds discard nearly all the others.
        let pivot = self.keys[start..end].partition_point(|k| k.profile.chars < q_chars) + start;
        let (mut down, mut up) = (pivot, pivot);
        loop {
            let below = (down > start).then(|| q_chars - self.keys[down - 1].profile.chars);
            let above = (up < end).then(|| self.keys[up].profile.chars - q_chars);
            let i = match (below, above) {
                (None, None) => break,
                (Some(b), a) if a.is_none_or(|a| b < a) => {
                    down -= 1;
                    down
                }
                _ => {
                    up += 1;
                    up - 1
                }
            };
            let key = &self.keys[i];
            let m = q_chars.max(key.profile.chars);
            // Whether a distance of `lower_bound` could still satisfy the rule and beat or tie
            // the best.
            let may_qualify = |lower_bound: usize| {
                lower_bound <= rule.allowed(m)
                    && best.is_none_or(|(_, d, bm)| lower_bound * bm <= d * m)
            };
            if !may_qualify(profile.presence_bound(&key.profile))
                || !may_qualify(profile.histogram_bound(&key.profile))
            {
                continue;
            }
            // The most edits that still qualify and beat or tie the best.
            let limit = best.map_or(rule.allowed(m), |(_, d, bm)| {
                rule.allowed(m).min(d * m / bm)
            });
            let edits = match &pattern {
                Some(pattern) => match pattern.distance_within(&key.chars, limit) {
                    Some(edits) => edits,
                    None => continue,
                },
                None => strsim::osa_distance(query, &key.text),
            };
            if edits > limit {
                continue;
            }
            let better = match best {
                None => true,
                Some((b, d, bm)) => {
                    let (lhs, rhs) = (edits * bm, d * m);
                    lhs < rhs
                        || (lhs == rhs
                            && (key.entry, key.alias) < (self.keys[b].entry, self.keys[b].alias))
                }
            };
            if better {
                best = Some((i, edits, m));
            }
        }
        best
    }
}

/// A query of at most 64 characters prepared for the bit-parallel optimal-string-alignment
/// distance of Hyyrö ("A bit-vector algorithm for computing Levenshtein and Damerau edit
/// distances", 2003): one machine word per text character instead of a row of the dynamic
/// programming table, and no allocation per candidate. The result equals
/// [`strsim::osa_distance`] (tested against it); longer queries use that function directly.
struct Pattern {
    len: usize,
    /// Bit `i` set when query character `i` is `a`–`z`, `0`–`9` or space, by [`ascii_slot`].
    ascii: [u64; 37],
    /// The same for other characters (empty for most queries).
    other: Vec<(char, u64)>,
}

fn ascii_slot(c: char) -> Option<usize> {
    match c {
        'a'..='z' => Some(c as usize - 'a' as usize),
        '0'..='9' => Some(26 + c as usize - '0' as usize),
        ' ' => Some(36),
        _ => None,
    }
}

impl Pattern {
    /// `None` when `query` is empty or longer than 64 characters.
    fn new(query: &str) -> Option<Pattern> {
        let mut pattern = Pattern {
            len: 0,
            ascii: [0; 37],
            other: Vec::new(),
        };
        for (i, c) in query.chars().enumerate() {
            if i == 64 {
                return None;
            }
            let bit = 1u64 << i;
            match ascii_slot(c) {
                Some(slot) => pattern.ascii[slot] |= bit,
                None => match pattern.other.iter_mut().find(|(o, _)| *o == c) {
                    Some((_, mask)) => *mask |= bit,
                    None => pattern.other.push((c, bit)),
                },
            }
            pattern.len = i + 1;
        }
        (pattern.len > 0).then_some(pattern)
    }

    fn eq(&self, c: char) -> u64 {
        match ascii_slot(c) {
            Some(slot) => self.ascii[slot],
            None => self
                .other
                .iter()
                .find(|(o, _)| *o == c)
                .map_or(0, |(_, mask)| *mask),
        }
    }

    /// The distance between the query and `text` if it is at most `limit`, else `None`
    /// (possibly before reading all of `text`).
    fn distance_within(&self, text: &[char], limit: usize) -> Option<usize> {
        let last = 1u64 << (self.len - 1);
        // Vertical deltas of the current column: +1 (vp) or −1 (vn) per row; column 0 is
        // 0, 1, …, len, all +1.
        let mut vp = u64::MAX;
        let mut vn = 0u64;
        let mut d0 = 0u64;
        let mut prev_eq = 0u64;
        // Distance between the whole query and the text read so far.
        let mut score = self.len;
        for (j, &c) in text.iter().enumerate() {
            let eq = self.eq(c);
            let transposed = ((!d0 & eq) << 1) & prev_eq;
            d0 = ((eq & vp).wrapping_add(vp) ^ vp) | eq | vn | transposed;
            let mut hp = vn | !(d0 | vp);
            let mut hn = vp & d0;
            if hp & last != 0 {
                score += 1;
            } else if hn & last != 0 {
                score = score.saturating_sub(1);
            }
            // The top row is 0, 1, 2, …: every horizontal delta entering it is +1.
            hp = (hp << 1) | 1;
            hn <<= 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            prev_eq = eq;
            // Each remaining text character lowers the final distance by at most one.
            let remaining = text.len() - j - 1;
            if score > limit + remaining {
                return None;
            }
        }
        (score <= limit).then_some(score)
    }
}

fn similarity(edits: usize, max_chars: usize) -> f64 {
    if max_chars == 0 {
        1.0
    } else {
        1.0 - edits as f64 / max_chars as f64
    }
}

/// Normalises an institution name for matching. Both the list and the query go through it; any
/// text is valid input, and text without letters or digits gives the empty string.
///
/// Rules, in order:
///
/// 1. Characters are lower-cased with Unicode rules (`char::to_lowercase`).
/// 2. Latin letters lose their diacritics through a small explicit table (Latin-1, Latin
///    Extended-A, ơ ư ș ț, Latin Extended Additional incl. Vietnamese): é→e, ü→u, ñ→n, ç→c,
///    ł→l, ø→o, đ→d, ı→i, ß→ss, æ→ae, œ→oe, þ→th. Combining marks (U+0300–U+036F and the other
///    combining diacritical blocks) are dropped, so decomposed "e\u{301}" is "e" too. Other
///    scripts are kept as they are (lower-cased).
/// 3. Apostrophes (`'` `’` `‘` `` ` `` `´` `ʼ` `ʻ`) are removed without a trace: "King's" →
///    "kings", "Int'l" → "intl".
/// 4. `&` becomes the word "and".
/// 5. Every other character that is not a letter or digit (punctuation, symbols, any
///    whitespace) separates words; words are joined by single spaces, with none at either end.
/// 6. A leading word "the" is dropped when other words follow.
/// 7. A run of two or more one-character words is joined into one word, so dotted or spaced
///    acronyms read as the plain acronym: "N.S.O.U." and "N S O U" → "nsou".
/// 8. Whole-word abbreviations are expanded: `univ` → university, `inst` → institute, `coll`
///    → college, `intl` → international (the dot of "Univ." is already a separator by rule 5).
///
/// `tech` is deliberately **not** expanded. It abbreviates technology, technical,
/// technological and polytechnic alike ("Virginia Tech" is a polytechnic institute, "Texas
/// Tech" a university), so expanding it to one of them would manufacture agreement the writer
/// did not express and lengthen short "X Tech" strings into ones that share the long
/// "technology" suffix with every "Institute of Technology". Listed aliases written "X Tech"
/// still match "X Tech" as typed, exactly or with typos.
pub fn normalize_institution(s: &str) -> String {
    // Appends `text` as part of a word, starting a new word first if a separator came before.
    fn push(folded: &mut String, separated: &mut bool, text: &str) {
        if *separated && !folded.is_empty() {
            folded.push(' ');
        }
        *separated = false;
        folded.push_str(text);
    }
    let mut folded = String::with_capacity(s.len());
    let mut separated = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            // The common case, without the Unicode tables below.
            push(
                &mut folded,
                &mut separated,
                c.to_ascii_lowercase().encode_utf8(&mut [0; 4]),
            );
            continue;
        }
        for c in c.to_lowercase() {
            if is_combining_mark(c) || is_apostrophe(c) {
                continue;
            }
            if c == '&' {
                separated = true;
                push(&mut folded, &mut separated, "and");
                separated = true;
            } else if let Some(plain) = fold_latin(c) {
                push(&mut folded, &mut separated, plain);
            } else if c.is_alphanumeric() {
                push(&mut folded, &mut separated, c.encode_utf8(&mut [0; 4]));
            } else {
                separated = true;
            }
        }
    }

    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let skip = usize::from(words.len() > 1 && words[0] == "the");
    let mut out = String::with_capacity(folded.len() + 16);
    let mut rest = &words[skip..];
    while let Some((&word, tail)) = rest.split_first() {
        if !out.is_empty() {
            out.push(' ');
        }
        let run = rest
            .iter()
            .take_while(|w| w.chars().nth(1).is_none())
            .count();
        if run >= 2 {
            for w in &rest[..run] {
                out.push_str(w);
            }
            rest = &rest[run..];
        } else {
            out.push_str(match word {
                "univ" => "university",
                "inst" => "institute",
                "coll" => "college",
                "intl" => "international",
                other => other,
            });
            rest = tail;
        }
    }
    out
}

fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
    )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ' | 'ʻ')
}

/// The plain Latin spelling of a lower-case Latin letter with a diacritic (or a ligature); the
/// ranges of Latin Extended-A and Extended Additional interleave upper and lower case of one
/// base letter, so they are listed whole.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'Ā'..='ą' | 'Ạ'..='ặ' | 'Ḁ'..='ḁ' => "a",
        'Ḃ'..='ḇ' => "b",
        'ç' | 'Ć'..='č' | 'Ḉ'..='ḉ' => "c",
        'ð' | 'Ď'..='đ' | 'Ḋ'..='ḓ' => "d",
        'è'..='ë' | 'Ē'..='ě' | 'Ḕ'..='ḝ' | 'Ẹ'..='ệ' => "e",
        'Ḟ'..='ḟ' => "f",
        'Ĝ'..='ģ' | 'Ḡ'..='ḡ' => "g",
        'Ĥ'..='ħ' | 'Ḣ'..='ḫ' => "h",
        'ì'..='ï' | 'Ĩ'..='į' | 'ı' | 'Ḭ'..='ḯ' | 'Ỉ'..='ị' => "i",
        'Ĵ'..='ĵ' => "j",
        'Ķ'..='ĸ' | 'Ḱ'..='ḵ' => "k",
        'Ĺ'..='ł' | 'Ḷ'..='ḽ' => "l",
        'Ḿ'..='ṃ' => "m",
        'ñ' | 'Ń'..='ŋ' | 'Ṅ'..='ṋ' => "n",
        'ò'..='ö' | 'ø' | 'Ō'..='ő' | 'Ơ'..='ơ' | 'Ṍ'..='ṓ' | 'Ọ'..='ợ' => "o",
        'Ṕ'..='ṗ' => "p",
        'Ŕ'..='ř' | 'Ṙ'..='ṟ' => "r",
        'Ś'..='š' | 'ſ' | 'Ș'..='ș' | 'Ṡ'..='ṩ' => "s",
        'Ţ'..='ŧ' | 'Ț'..='ț' | 'Ṫ'..='ṱ' => "t",
        'ù'..='ü' | 'Ũ'..='ų' | 'Ư'..='ư' | 'Ṳ'..='ṻ' | 'Ụ'..='ự' => "u",
        'Ṽ'..='ṿ' => "v",
        'Ŵ'..='ŵ' | 'Ẁ'..='ẉ' => "w",
        'Ẋ'..='ẍ' => "x",
        'ý' | 'ÿ' | 'Ŷ'..='Ÿ' | 'Ẏ'..='ẏ' | 'Ỳ'..='ỹ' => "y",
        'Ź'..='ž' | 'Ẑ'..='ẕ' => "z",
        'ß' => "ss",
        'æ' => "ae",
        'œ' | 'Œ' => "oe",
        'Ĳ' | 'ĳ' => "ij",
        'þ' => "th",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_rules() {
        let cases = [
            // Rule 1, 5: case, punctuation and whitespace runs.
            (
                "  EASTERN   Meridian--Institute,of\tTechnology. ",
                "eastern meridian institute of technology",
            ),
            // Rule 2: diacritics, precomposed and combining; ß, ł, ø, æ.
            ("Universität München", "universitat munchen"),
            (
                "Universidad Nacional Autónoma de México",
                "universidad nacional autonoma de mexico",
            ),
            ("Politechnika Łódzka", "politechnika lodzka"),
            ("Technische Universita\u{308}t", "technische universitat"),
            ("Straße Øster Æbeltoft", "strasse oster aebeltoft"),
            ("Đại học Bách khoa Hà Nội", "dai hoc bach khoa ha noi"),
            (
                "İSTANBUL TEKNİK ÜNİVERSİTESİ",
                "istanbul teknik universitesi",
            ),
            // Rule 3, 4, 8.
            (
                "King's College & Int'l Inst.",
                "kings college and international institute",
            ),
            ("Texas A&M Univ.", "texas a and m university"),
            ("Royal Coll. of Art", "royal college of art"),
            // Rule 6: only a leading "the", and not when it is the only word.
            ("The Ohio State University", "ohio state university"),
            ("Theatre Academy of the Arts", "theatre academy of the arts"),
            ("The", "the"),
            // Rule 7: dotted and spaced acronyms.
            ("N.S.O.U.", "nsou"),
            ("n s o u", "nsou"),
            ("U.S. Naval Academy", "us naval academy"),
            // "tech" is kept; longer words starting with an abbreviation are untouched.
            ("Georgia Tech", "georgia tech"),
            ("Institute of Technology", "institute of technology"),
            ("University", "university"),
            // Non-Latin scripts are kept.
            ("Московский Университет", "московский университет"),
            ("清华大学", "清华大学"),
            // Nothing to match on.
            ("", ""),
            (" \t\n", ""),
            ("--.,;", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_institution(input), want, "{input:?}");
        }
    }

    /// Reference: `strsim::osa_distance`, exact (integers). Random strings over a small
    /// alphabet (so that transpositions and repeats are frequent), lengths 0–64 for the query
    /// and 0–80 for the text, from a fixed xorshift seed; plus non-ASCII characters.
    #[test]
    fn bit_parallel_distance_equals_strsim() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let alphabet = ['a', 'b', 'c', ' ', 'é', 'ж'];
        for _ in 0..5000 {
            let mut word = |max_len: u64| -> String {
                let len = next(max_len + 1);
                (0..len).map(|_| alphabet[next(6) as usize]).collect()
            };
            let query = word(64);
            let text = word(80);
            let Some(pattern) = Pattern::new(&query) else {
                assert!(query.is_empty());
                continue;
            };
            let chars: Vec<char> = text.chars().collect();
            let want = strsim::osa_distance(&query, &text);
            assert_eq!(pattern.distance_within(&chars, usize::MAX / 2), Some(want));
            // Early exit: the limit decides, never the value.
            assert_eq!(pattern.distance_within(&chars, want), Some(want));
            if want > 0 {
                assert_eq!(pattern.distance_within(&chars, want - 1), None);
            }
        }
        assert!(Pattern::new(&"a".repeat(64)).is_some());
        assert!(Pattern::new(&"a".repeat(65)).is_none());
    }

    /// Reference: a brute-force scan over every key with `strsim::osa_distance`, the same rule
    /// and the same tie-break, with no length window, no bounds and no early exit. Queries:
    /// every sample name and alias, each also twice with 1–4 random edits (fixed xorshift seed),
    /// and real institution names.
    #[test]
    fn pruned_scan_equals_brute_force() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../notebooks-data/sample/reference/high_risk_institutions.csv"
        );
        let list = HighRiskInstitutions::from_csv_path(path).unwrap();
        let brute = |query: &str, rule: Rule| -> Option<(usize, bool, usize, usize)> {
            let q_chars = query.chars().count();
            let mut best: Option<(usize, bool, usize, usize)> = None;
            for key in list
                .keys
                .iter()
                .filter(|k| k.profile.chars >= rule.min_key_chars)
            {
                let d = strsim::osa_distance(query, &key.text);
                let m = q_chars.max(key.profile.chars);
                if d > rule.allowed(m) {
                    continue;
                }
                let better = best.is_none_or(|(e, a, bd, bm)| {
                    d * bm < bd * m || (d * bm == bd * m && (key.entry, key.alias) < (e, a))
                });
                if better {
                    best = Some((key.entry, key.alias, d, m));
                }
            }
            best
        };
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut queries: Vec<String> = [
            "university of michigan",
            "georgia institute of technology",
            "northeastern university",
            "asu",
            "open university",
            "indian institute of technology bombay",
            // Longer than 64 characters: the strsim fallback.
            "blackstone hill international university of computer science and engineering",
        ]
        .map(String::from)
        .to_vec();
        for key in &list.keys {
            queries.push(key.text.to_string());
            for _ in 0..2 {
                let mut chars: Vec<char> = key.text.chars().collect();
                for _ in 0..1 + next(4) {
                    let i = next(chars.len());
                    match next(4) {
                        0 if i + 1 < chars.len() => chars.swap(i, i + 1),
                        1 if chars.len() > 1 => {
                            chars.remove(i);
                        }
                        2 => chars.insert(i, (b'a' + next(26) as u8) as char),
                        _ => chars[i] = (b'a' + next(26) as u8) as char,
                    }
                }
                queries.push(chars.into_iter().collect());
            }
        }
        for query in &queries {
            let profile = Profile::of(query);
            for rule in [Rule::MATCH, Rule::NEAREST] {
                let got = list.closest(query, &profile, rule).map(|(k, d, m)| {
                    let key = &list.keys[k];
                    (key.entry, key.alias, d, m)
                });
                assert_eq!(got, brute(query, rule), "{query:?} {rule:?}");
            }
        }
    }

    #[test]
    fn histogram_bounds_never_exceed_the_distance() {
        // The pruning is only correct if both bounds are lower bounds of the OSA distance.
        let words: [&str; 14] = [
            "eastern meridian institute of technology",
            "estern meridian institute of technology",
            "eastern meridain institute of technology",
            "northeastern university",
            "open university",
            "emit",
            "eimt",
            "московский университет",
            "",
            "aaaa",
            "ab",
            "ba",
            // Saturated counts (200 and 127 of one letter).
            &"e".repeat(200),
            &"e".repeat(127),
        ];
        for a in words {
            for b in words {
                let (pa, pb) = (Profile::of(a), Profile::of(b));
                let d = strsim::osa_distance(a, b);
                assert!(pa.presence_bound(&pb) <= d, "{a:?} {b:?}");
                assert!(pa.histogram_bound(&pb) <= d, "{a:?} {b:?}");
                // The word-wise L1 equals the per-bucket sum of saturated counts.
                let lane = |p: &Profile, b: usize| (p.counts[b / 8] >> (8 * (b % 8))) & 0xff;
                let naive: u64 = (0..BUCKETS)
                    .map(|b| lane(&pa, b).abs_diff(lane(&pb, b)))
                    .sum();
                assert_eq!(pa.l1(&pb) as u64, naive, "{a:?} {b:?}");
            }
        }
    }
}
