//! Email and name family: whether the e-mail address and the profile link fit the name typed.
//!
//! [`email_name_signals`] reads `full_name` and `email` (as typed) and `profile_url` (nullable)
//! and returns [`EmailNameSignals`]:
//!
//! - **Domain**: whether the address is at a major free-mail provider ([`FREE_MAIL_DOMAINS`]).
//! - **Local part shape**: its length, its digits and their share.
//! - **Name–email similarity** in the spirit of BAF's `name_email_similarity`: how well the local
//!   part spells some usual arrangement of the name (see "Name similarity" below).
//! - **Profile slug vs name**: the same similarity for the slug of a professional-network link
//!   (`…/in/<slug>`), with the random suffix the network appends ("jane-doe-4b7a1c") removed.
//!
//! Names are used only for consistency with the address and the link, never as a feature of their
//! own (`docs/signals.md`, "What is never a feature"): no name length, character set or origin
//! leaves this module. A name written in a non-Latin script cannot be compared letter by letter
//! with an ASCII address without a transliteration, so its similarities are `None` (unknown), not
//! low.
//!
//! ## Name similarity
//!
//! Both sides go through [`crate::normalize_institution`] (Unicode lower case, Latin diacritics
//! folded by a small table: "José Müller" → "jose muller"; punctuation separates words). Then:
//!
//! - the **target** (local part before any `+tag`, or the slug) keeps only its letters: separators
//!   and digits are dropped, "john.smith99" → "johnsmith";
//! - the **name** gives words; `first` is the first word, and `last` is either the last word or
//!   all words after the first with one-letter words (middle initials) removed and joined
//!   ("Van der Berg" → "vanderberg", "John A. Smith" → "smith");
//! - candidates are `first+last`, `last+first`, `initial(first)+last`, `first` and `last`;
//! - the similarity is the best `strsim::normalized_levenshtein` (1 − edits / longer length)
//!   between the target and a candidate, in \[0, 1\]: 1.0 for an exact spelling.
//!
//! A one-word name uses that word as its only candidate.

use crate::normalize_institution;

/// Major free (consumer) mail providers, by exact domain. Country variants of the providers in
/// [`FREE_MAIL_FAMILIES`] ("yahoo.co.uk", "hotmail.fr") count too.
pub const FREE_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "rocketmail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "tutanota.com",
    "tuta.io",
    "qq.com",
    "163.com",
    "126.com",
    "naver.com",
];

/// Providers whose country domains are all free mail: `<family>.<suffix>` where the suffix is
/// one or two labels of at most three letters ("fr", "co.uk", "com.br").
pub const FREE_MAIL_FAMILIES: &[&str] = &["yahoo", "hotmail", "outlook", "live", "gmx", "yandex"];

/// The email and name family's signals for one application.
///
/// `Option` fields are `None` when the question has no answer: the address has no
/// `local@domain` shape, the name has no Latin letters to compare, the link has no slug.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EmailNameSignals {
    /// The address has the shape `local@domain`: a non-empty local part and a domain with a dot
    /// (split at the last "@", surrounding whitespace ignored). When `false`, every
    /// address-derived field is `None`.
    pub email_parsed: bool,
    /// The domain (case-insensitive, trailing dot ignored) is a major free-mail provider.
    pub free_mail_domain: Option<bool>,
    /// Length of the local part in characters (Unicode scalar values), saturating at 65,535.
    pub local_part_len: Option<u16>,
    /// Numeric characters in the local part, saturating at 65,535.
    pub local_part_digits: Option<u16>,
    /// `local_part_digits / local_part_len`, in \[0, 1\].
    pub local_part_digit_share: Option<f32>,
    /// Best similarity in \[0, 1\] between the local part and the name (module docs).
    /// `None` when the address did not parse, the local part has no letters, or the name has no
    /// Latin letters.
    pub name_email_similarity: Option<f32>,
    /// A non-blank `profile_url` was given.
    pub profile_link_present: bool,
    /// A slug was found after an `/in/` path segment of the link (case-insensitive, any host).
    pub profile_slug_found: bool,
    /// Best similarity in \[0, 1\] between the slug (percent-decoded, random suffix removed) and
    /// the name. `None` without a slug with letters or without Latin letters in the name.
    pub name_slug_similarity: Option<f32>,
}

/// Email and name signals of one application. Never fails and never panics; any text is valid
/// input.
pub fn email_name_signals(
    full_name: &str,
    email: &str,
    profile_url: Option<&str>,
) -> EmailNameSignals {
    let name = NameCandidates::of(full_name);
    let mut out = EmailNameSignals {
        email_parsed: false,
        free_mail_domain: None,
        local_part_len: None,
        local_part_digits: None,
        local_part_digit_share: None,
        name_email_similarity: None,
        profile_link_present: false,
        profile_slug_found: false,
        name_slug_similarity: None,
    };

    if let Some((local, domain)) = split_email(email) {
        let len = local.chars().count();
        let digits = local.chars().filter(|c| c.is_numeric()).count();
        out.email_parsed = true;
        out.free_mail_domain = Some(is_free_mail(domain));
        out.local_part_len = Some(saturate(len));
        out.local_part_digits = Some(saturate(digits));
        out.local_part_digit_share = Some(digits as f32 / len as f32);
        let untagged = local.split('+').next().unwrap_or(local);
        out.name_email_similarity = name.as_ref().and_then(|n| n.similarity(untagged));
    }

    if let Some(url) = profile_url.map(str::trim).filter(|u| !u.is_empty()) {
        out.profile_link_present = true;
        if let Some(slug) = profile_slug(url) {
            out.profile_slug_found = true;
            out.name_slug_similarity = name
                .as_ref()
                .and_then(|n| n.similarity(strip_random_suffix(&slug)));
        }
    }
    out
}

fn saturate(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// `(local, domain)` of `local@domain`, split at the last "@".
fn split_email(email: &str) -> Option<(&str, &str)> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.');
    let domain_ok = domain.contains('.') && !domain.starts_with('.');
    (!local.is_empty() && domain_ok).then_some((local, domain))
}

fn is_free_mail(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    if FREE_MAIL_DOMAINS.contains(&domain.as_str()) {
        return true;
    }
    let Some((family, suffix)) = domain.split_once('.') else {
        return false;
    };
    let labels: Vec<&str> = suffix.split('.').collect();
    FREE_MAIL_FAMILIES.contains(&family)
        && (1..=2).contains(&labels.len())
        && labels
            .iter()
            .all(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()))
}

/// The path segment after `/in/`, percent-decoded; `None` when there is none or it is empty.
fn profile_slug(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let start = lower.find("/in/")? + "/in/".len();
    let rest = &url[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let slug = percent_decode(&rest[..end]);
    (!slug.trim().is_empty()).then_some(slug)
}

/// Decodes `%XX` escapes (invalid UTF-8 is replaced); malformed escapes are kept as typed.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The slug without a final `-` segment of 3 or more hex digits that contains a digit
/// ("jane-doe-4b7a1c" → "jane-doe", "john-smith-123" → "john-smith"); "jane-bead" is kept.
fn strip_random_suffix(slug: &str) -> &str {
    match slug.rsplit_once('-') {
        Some((head, tail))
            if !head.is_empty()
                && tail.len() >= 3
                && tail.bytes().all(|b| b.is_ascii_hexdigit())
                && tail.bytes().any(|b| b.is_ascii_digit()) =>
        {
            head
        }
        _ => slug,
    }
}

/// The name arrangements a local part or slug is compared with (module docs).
struct NameCandidates {
    candidates: Vec<String>,
}

impl NameCandidates {
    /// `None` when the name has no letters, or letters outside ASCII after folding (a script
    /// other than Latin).
    fn of(full_name: &str) -> Option<NameCandidates> {
        let normalized = normalize_institution(full_name);
        let words: Vec<&str> = normalized
            .split(' ')
            .map(|w| w.trim_matches(|c: char| c.is_numeric()))
            .filter(|w| w.chars().any(char::is_alphabetic))
            .collect();
        if words.is_empty()
            || words
                .iter()
                .any(|w| w.chars().any(|c| c.is_alphabetic() && !c.is_ascii()))
        {
            return None;
        }
        let letters = |w: &str| -> String { w.chars().filter(char::is_ascii_alphabetic).collect() };
        let first = letters(words[0]);
        let mut candidates = vec![first.clone()];
        if words.len() > 1 {
            let last_word = letters(words[words.len() - 1]);
            let rest: String = words[1..]
                .iter()
                .filter(|w| w.chars().count() > 1)
                .map(|w| letters(w))
                .collect();
            let initial: String = first.chars().take(1).collect();
            for last in [last_word, rest] {
                if last.is_empty() {
                    continue;
                }
                candidates.push(format!("{first}{last}"));
                candidates.push(format!("{last}{first}"));
                candidates.push(format!("{initial}{last}"));
                candidates.push(last);
            }
        }
        candidates.retain(|c| !c.is_empty());
        (!candidates.is_empty()).then_some(NameCandidates { candidates })
    }

    /// Best normalized Levenshtein similarity of `target`'s letters to a candidate; `None` when
    /// `target` has no letters.
    fn similarity(&self, target: &str) -> Option<f32> {
        let letters: String = normalize_institution(target)
            .chars()
            .filter(|c| c.is_alphabetic())
            .collect();
        if letters.is_empty() {
            return None;
        }
        let best = match BitPattern::of(&letters) {
            // Candidates are ASCII letters (see `of`): the bit-parallel distance applies.
            Some(pattern) => self
                .candidates
                .iter()
                .map(|c| {
                    let longest = letters.len().max(c.len());
                    1.0 - pattern.distance(c.as_bytes()) as f64 / longest as f64
                })
                .fold(0.0_f64, f64::max),
            None => self
                .candidates
                .iter()
                .map(|c| strsim::normalized_levenshtein(&letters, c))
                .fold(0.0_f64, f64::max),
        };
        Some(best as f32)
    }
}

/// An ASCII string of 1 to 64 bytes prepared for Myers' bit-vector Levenshtein distance
/// (G. Myers, J. ACM 46(3), 1999, in H. Hyyrö's formulation for the distance between two whole
/// strings): one word of state per text byte instead of a row of the dynamic program, and no
/// allocation. The distance is exactly the Levenshtein distance (unit insertions, deletions
/// and substitutions), as `strsim::levenshtein` computes it.
struct BitPattern {
    /// Per byte value, the positions of the pattern holding it.
    peq: [u64; 128],
    /// The bit of the pattern's last position.
    last: u64,
    len: usize,
}

impl BitPattern {
    /// `None` for an empty, longer than 64 bytes, or non-ASCII pattern.
    fn of(pattern: &str) -> Option<BitPattern> {
        let bytes = pattern.as_bytes();
        if bytes.is_empty() || bytes.len() > 64 || !pattern.is_ascii() {
            return None;
        }
        let mut peq = [0u64; 128];
        for (i, &b) in bytes.iter().enumerate() {
            peq[usize::from(b)] |= 1 << i;
        }
        Some(BitPattern {
            peq,
            last: 1 << (bytes.len() - 1),
            len: bytes.len(),
        })
    }

    /// The Levenshtein distance between the pattern and `text` (any bytes; a non-ASCII byte
    /// matches no pattern position).
    fn distance(&self, text: &[u8]) -> usize {
        let mut pv = u64::MAX;
        let mut mv = 0u64;
        let mut score = self.len;
        for &c in text {
            let eq = self.peq.get(usize::from(c)).copied().unwrap_or(0);
            let xv = eq | mv;
            let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
            let mut ph = mv | !(xh | pv);
            let mut mh = pv & xh;
            if ph & self.last != 0 {
                score += 1;
            } else if mh & self.last != 0 {
                score -= 1;
            }
            ph = (ph << 1) | 1;
            mh <<= 1;
            pv = mh | !(xv | ph);
            mv = ph & xv;
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bit-parallel distance against `strsim::levenshtein` (the reference, a textbook
    /// dynamic program) on random ASCII strings over small and large alphabets, of every
    /// pattern length from 1 to 64 and texts of 0 to 80 bytes: equal distances.
    #[test]
    fn bit_parallel_levenshtein_equals_strsim() {
        let mut rng = appfraud_core::primitives::SplitMix64::new(3);
        let mut word = |len: usize, alphabet: u64| -> String {
            (0..len)
                .map(|_| char::from(b'a' + (rng.next_u64() % alphabet) as u8))
                .collect()
        };
        for len in 1..=64 {
            for alphabet in [2, 4, 26] {
                for _ in 0..20 {
                    let a = word(len, alphabet);
                    let text_len = (len * 3 / 2 + 16) % 81;
                    let b = word(text_len, alphabet);
                    let pattern = BitPattern::of(&a).expect("ASCII, 1 to 64 bytes");
                    assert_eq!(
                        pattern.distance(b.as_bytes()),
                        strsim::levenshtein(&a, &b),
                        "{a} / {b}"
                    );
                    assert_eq!(pattern.distance(b""), len);
                }
            }
        }
        assert!(BitPattern::of("").is_none());
        assert!(BitPattern::of(&"a".repeat(65)).is_none());
        assert!(BitPattern::of("é").is_none());
    }

    fn close(a: Option<f32>, b: f32) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-6)
    }

    #[test]
    fn gmail_address_spelling_the_name_with_two_digits() {
        // "john.smith99": 12 characters, 2 digits, share 2/12. Letters "johnsmith" are exactly
        // first+last of "John Smith", so the similarity is 1.0.
        let s = email_name_signals("John Smith", "john.smith99@gmail.com", None);
        assert!(s.email_parsed);
        assert_eq!(s.free_mail_domain, Some(true));
        assert_eq!(s.local_part_len, Some(12));
        assert_eq!(s.local_part_digits, Some(2));
        assert!(close(s.local_part_digit_share, 2.0 / 12.0));
        assert!(close(s.name_email_similarity, 1.0));
        assert!(!s.profile_link_present);
        assert!(!s.profile_slug_found);
        assert_eq!(s.name_slug_similarity, None);
    }

    #[test]
    fn address_of_another_person_is_dissimilar() {
        // Letters "kzhang" (6) vs the candidates of "John Smith":
        // - "john": k→j, z→o, keep h, drop a, keep n, drop g = 4 edits → 1 − 4/6 = 1/3;
        // - "jsmith": six substitutions, no cheaper alignment → 0; "smith": 6 edits → 0;
        // - "johnsmith", "smithjohn" (9): at least 9 − 2 shared letters = 7 edits → ≤ 2/9.
        // Best 1/3.
        let s = email_name_signals("John Smith", "k.zhang77@outlook.com", None);
        assert_eq!(s.free_mail_domain, Some(true));
        assert!(close(s.name_email_similarity, 1.0 / 3.0), "{s:?}");
    }

    #[test]
    fn diacritics_and_case_are_folded() {
        // "José Müller" folds to "jose muller"; "Jose.Muller" letters "josemuller" = first+last.
        let s = email_name_signals("José Müller", "Jose.Muller@example.org", None);
        assert_eq!(s.free_mail_domain, Some(false));
        assert!(close(s.name_email_similarity, 1.0));
        // Initial+last with a middle initial and a multi-word surname.
        let s = email_name_signals("Anna B. van der Berg", "avanderberg@web.de", None);
        assert_eq!(s.free_mail_domain, Some(true));
        assert!(close(s.name_email_similarity, 1.0), "{s:?}");
        // Last+first and plus-addressing: "smith_john+jobs" → "smithjohn".
        let s = email_name_signals("JOHN SMITH", "smith_john+jobs@yahoo.co.uk", None);
        assert_eq!(s.free_mail_domain, Some(true));
        assert!(close(s.name_email_similarity, 1.0));
    }

    #[test]
    fn profile_slug_with_and_without_random_suffix() {
        // "jane-doe-4b7a1c": suffix of 6 hex characters with digits is removed, "janedoe" is
        // first+last → 1.0.
        let s = email_name_signals(
            "Jane Doe",
            "jane@doe.dev",
            Some("https://www.linkedin.com/in/jane-doe-4b7a1c/"),
        );
        assert!(s.profile_link_present && s.profile_slug_found);
        assert!(close(s.name_slug_similarity, 1.0));
        // "markjones" (9 letters) shares at most 3 letters in order with any candidate of
        // "Jane Doe" ("jane", "janedoe", "doejane", "jdoe", "doe": e.g. a-n-e, j-n-e, o-n-e), so
        // every comparison needs at least 9 − 3 = 6 edits → similarity at most 1/3.
        let s = email_name_signals(
            "Jane Doe",
            "jane@doe.dev",
            Some("linkedin.com/in/mark-jones"),
        );
        assert!(s.profile_slug_found);
        let sim = s.name_slug_similarity.unwrap_or(1.0);
        assert!(sim <= 1.0 / 3.0 + 1e-6, "{sim}");
        // Percent-encoded diacritics: "jos%C3%A9-m%C3%BCller" → "josé-müller".
        let s = email_name_signals(
            "José Müller",
            "x@y.com",
            Some("https://linkedin.com/in/jos%C3%A9-m%C3%BCller?trk=1"),
        );
        assert!(close(s.name_slug_similarity, 1.0));
    }

    #[test]
    fn missing_and_malformed_inputs() {
        let s = email_name_signals("Jane Doe", "not an email", Some("  "));
        assert!(!s.email_parsed);
        assert_eq!(s.free_mail_domain, None);
        assert_eq!(s.local_part_len, None);
        assert_eq!(s.local_part_digit_share, None);
        assert_eq!(s.name_email_similarity, None);
        assert!(!s.profile_link_present);
        // A link without /in/ is present but has no slug.
        let s = email_name_signals("Jane Doe", "@gmail.com", Some("https://example.com/jane"));
        assert!(!s.email_parsed);
        assert!(s.profile_link_present && !s.profile_slug_found);
        // A local part of digits only: share 1.0, no letters to compare.
        let s = email_name_signals("Jane Doe", "12345@gmail.com", None);
        assert!(close(s.local_part_digit_share, 1.0));
        assert_eq!(s.name_email_similarity, None);
        // A name in a non-Latin script is not compared (unknown, not low).
        let s = email_name_signals("王伟", "wang.wei@qq.com", None);
        assert_eq!(s.free_mail_domain, Some(true));
        assert_eq!(s.name_email_similarity, None);
    }

    #[test]
    fn free_mail_country_variants_only_with_short_suffixes() {
        assert!(is_free_mail("hotmail.fr"));
        assert!(is_free_mail("yahoo.com.br"));
        assert!(is_free_mail("GMAIL.COM"));
        assert!(!is_free_mail("live.example.com"));
        assert!(!is_free_mail("acme-corp.com"));
    }

    #[test]
    fn random_suffix_rules() {
        assert_eq!(strip_random_suffix("jane-doe-4b7a1c"), "jane-doe");
        assert_eq!(strip_random_suffix("john-smith-123"), "john-smith");
        assert_eq!(strip_random_suffix("jane-bead"), "jane-bead");
        assert_eq!(strip_random_suffix("jane-doe-12"), "jane-doe-12");
        assert_eq!(strip_random_suffix("4b7a1c"), "4b7a1c");
    }
}
