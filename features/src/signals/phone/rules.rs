//! libphonenumber's metadata (as the `phonenumber` crate bundles it) compiled once per region
//! into regular expressions that are matched without any shared lock.
//!
//! The crate compiles its metadata patterns lazily into one process-wide LRU cache behind a
//! mutex, so every match of every thread takes the same lock. Here each region's patterns are
//! compiled the first time a number of that region is read (a [`OnceLock`] per region), and the
//! mutable search state every regex engine needs lives in a per-thread [`Scratch`]: a search
//! touches only its own thread's state.
//!
//! Matching follows the crate to the letter. The crate asks `find(text)` and accepts only a match
//! starting at 0; with leftmost-first semantics that is exactly an anchored search, which is what
//! [`Pattern`] runs (same pattern text, same `ignore_whitespace` flag, same match semantics, so
//! the same match end and the same capture groups).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex_automata::meta::{Cache, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};

use super::PhoneLineType;

/// Slots handed out to compiled patterns; each indexes the per-thread search state.
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

/// One metadata pattern, compiled for anchored searches.
pub(super) struct Pattern {
    regex: Regex,
    slot: usize,
}

impl Pattern {
    /// Compiles `source` as the crate does (`ignore_whitespace` on, everything else default);
    /// `None` if it does not compile.
    fn compile(source: &str) -> Option<Pattern> {
        let regex = Regex::builder()
            .syntax(syntax::Config::new().ignore_whitespace(true))
            .build(source)
            .ok()?;
        Some(Pattern {
            regex,
            slot: NEXT_SLOT.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Whether some match starts at the beginning of `text`.
    pub(super) fn matches_start(&self, scratch: &mut Scratch, text: &str) -> bool {
        let input = Input::new(text).anchored(Anchored::Yes).earliest(true);
        let cache = scratch.cache(self);
        self.regex.search_half_with(cache, &input).is_some()
    }

    /// The end of the leftmost-first match starting at the beginning of `text`.
    pub(super) fn match_end(&self, scratch: &mut Scratch, text: &str) -> Option<usize> {
        let input = Input::new(text).anchored(Anchored::Yes);
        let cache = scratch.cache(self);
        self.regex.search_with(cache, &input).map(|m| m.end())
    }

    /// The capture groups of the leftmost-first match starting at the beginning of `text`.
    pub(super) fn captures_start(&self, scratch: &mut Scratch, text: &str) -> Option<Captures> {
        let input = Input::new(text).anchored(Anchored::Yes);
        let mut caps = self.regex.create_captures();
        let cache = scratch.cache(self);
        self.regex.search_captures_with(cache, &input, &mut caps);
        caps.is_match().then_some(caps)
    }
}

/// One thread's search state for every compiled pattern it has used.
#[derive(Default)]
pub(super) struct Scratch {
    caches: Vec<Option<Cache>>,
}

impl Scratch {
    fn cache(&mut self, pattern: &Pattern) -> &mut Cache {
        if self.caches.len() <= pattern.slot {
            self.caches.resize_with(pattern.slot + 1, || None);
        }
        self.caches[pattern.slot].get_or_insert_with(|| pattern.regex.create_cache())
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's [`Scratch`]. `f` must not call back into `with_scratch`.
pub(super) fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        // Not reachable through this module's callers; a fresh state keeps it correct anyway.
        Err(_) => f(&mut Scratch::default()),
    })
}

/// A number-type descriptor: its possible lengths and its national-number pattern.
pub(super) struct Desc {
    lengths: Vec<u16>,
    pattern: Pattern,
}

impl Desc {
    fn compile(desc: &Descriptor) -> Option<Desc> {
        Some(Desc {
            lengths: desc.possible_length().to_vec(),
            pattern: Pattern::compile(desc.national_number().as_str())?,
        })
    }

    /// The crate's `Descriptor::is_match`: a possible length (when any are listed) and a
    /// pattern match at the start.
    pub(super) fn is_match(&self, scratch: &mut Scratch, nsn: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.iter().any(|&l| usize::from(l) == nsn.len()))
            && self.pattern.matches_start(scratch, nsn)
    }
}

/// A region's compiled patterns.
pub(super) struct Rules {
    pub(super) general: Desc,
    /// The types tested before fixed line and mobile, in libphonenumber's order.
    special: Vec<(Desc, PhoneLineType)>,
    fixed_line: Option<Desc>,
    mobile: Option<Desc>,
    /// Fixed-line and mobile patterns are the same text (the whole NANP).
    fixed_is_mobile: bool,
    pub(super) leading_digits: Option<Pattern>,
    pub(super) international_prefix: Option<Pattern>,
    pub(super) national_prefix_for_parsing: Option<Pattern>,
}

fn optional(desc: Option<&Descriptor>) -> Option<Option<Desc>> {
    match desc {
        Some(d) => Some(Some(Desc::compile(d)?)),
        None => Some(None),
    }
}

fn optional_pattern(source: Option<&str>) -> Option<Option<Pattern>> {
    match source {
        Some(s) => Some(Some(Pattern::compile(s)?)),
        None => Some(None),
    }
}

impl Rules {
    fn compile(meta: &Metadata) -> Option<Rules> {
        let d = meta.descriptors();
        let mut special = Vec::new();
        for (desc, kind) in [
            (d.premium_rate(), PhoneLineType::PremiumRate),
            (d.toll_free(), PhoneLineType::TollFree),
            (d.shared_cost(), PhoneLineType::SharedCost),
            (d.voip(), PhoneLineType::Voip),
            (d.personal_number(), PhoneLineType::PersonalNumber),
            (d.pager(), PhoneLineType::Pager),
            (d.uan(), PhoneLineType::Uan),
            (d.voicemail(), PhoneLineType::Voicemail),
        ] {
            if let Some(desc) = desc {
                special.push((Desc::compile(desc)?, kind));
            }
        }
        let fixed_is_mobile = match (d.fixed_line(), d.mobile()) {
            (Some(f), Some(m)) => f.national_number().as_str() == m.national_number().as_str(),
            _ => false,
        };
        Some(Rules {
            general: Desc::compile(d.general())?,
            special,
            fixed_line: optional(d.fixed_line())?,
            mobile: optional(d.mobile())?,
            fixed_is_mobile,
            leading_digits: optional_pattern(meta.leading_digits().map(|r| r.as_str()))?,
            international_prefix: optional_pattern(
                meta.international_prefix().map(|r| r.as_str()),
            )?,
            national_prefix_for_parsing: optional_pattern(
                meta.national_prefix_for_parsing().map(|r| r.as_str()),
            )?,
        })
    }

    /// libphonenumber's `getNumberTypeHelper` as the crate implements it (`validator::
    /// number_type`): `None` is `UNKNOWN`, the number is not valid in this region.
    pub(super) fn line_type(&self, scratch: &mut Scratch, nsn: &str) -> Option<PhoneLineType> {
        if !self.general.is_match(scratch, nsn) {
            return None;
        }
        if let Some((_, kind)) = self
            .special
            .iter()
            .find(|(desc, _)| desc.is_match(scratch, nsn))
        {
            return Some(*kind);
        }
        let mut matches =
            |desc: &Option<Desc>| desc.as_ref().is_some_and(|d| d.is_match(scratch, nsn));
        if matches(&self.fixed_line) {
            return Some(if self.fixed_is_mobile || matches(&self.mobile) {
                PhoneLineType::FixedLineOrMobile
            } else {
                PhoneLineType::FixedLine
            });
        }
        matches(&self.mobile).then_some(PhoneLineType::Mobile)
    }
}

/// A region of the metadata with its compiled rules.
#[derive(Clone, Copy)]
pub(super) struct Region {
    pub(super) meta: &'static Metadata,
    pub(super) rules: &'static Rules,
}

/// Every region of the metadata, with rules compiled on first use.
struct Regions {
    metas: Vec<&'static Metadata>,
    rules: Vec<OnceLock<Option<Rules>>>,
    /// Position in `metas` by metadata address (non-geographic entities all have id "001", so
    /// the id does not identify one).
    by_address: HashMap<usize, usize>,
    /// Per calling code, its regions in the crate's order (the main region first).
    by_code: HashMap<u16, Vec<usize>>,
}

fn address(meta: &Metadata) -> usize {
    std::ptr::from_ref(meta) as usize
}

static REGIONS: LazyLock<Regions> = LazyLock::new(|| {
    let mut metas: Vec<&'static Metadata> = Vec::new();
    let mut by_address = HashMap::new();
    let mut by_code = HashMap::new();
    // Calling codes have one to three digits.
    for code in 1..1000u16 {
        let Some(list) = DATABASE.by_code(&code) else {
            continue;
        };
        let indices = list
            .into_iter()
            .map(|meta| {
                *by_address.entry(address(meta)).or_insert_with(|| {
                    metas.push(meta);
                    metas.len() - 1
                })
            })
            .collect::<Vec<usize>>();
        by_code.insert(code, indices);
    }
    Regions {
        rules: metas.iter().map(|_| OnceLock::new()).collect(),
        metas,
        by_address,
        by_code,
    }
});

/// The outcome that the compiled rules cannot reproduce exactly; the caller defers to the
/// reference implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unsupported;

fn region_at(index: usize) -> Result<Region, Unsupported> {
    let regions = &*REGIONS;
    let meta = regions.metas[index];
    let rules = regions.rules[index]
        .get_or_init(|| Rules::compile(meta))
        .as_ref()
        .ok_or(Unsupported)?;
    Ok(Region { meta, rules })
}

/// The compiled rules of `meta`, a region of [`DATABASE`].
pub(super) fn region_of(meta: &'static Metadata) -> Result<Region, Unsupported> {
    let index = REGIONS
        .by_address
        .get(&address(meta))
        .copied()
        .ok_or(Unsupported)?;
    region_at(index)
}

/// Whether calling code `code` exists in the metadata.
pub(super) fn code_exists(code: u16) -> bool {
    REGIONS.by_code.contains_key(&code)
}

/// The regions of calling code `code`, main region first; empty for an unknown code.
pub(super) fn regions_of_code(code: u16) -> &'static [usize] {
    REGIONS.by_code.get(&code).map_or(&[], Vec::as_slice)
}

/// The region at position `index` of [`regions_of_code`].
pub(super) fn region(index: usize) -> Result<Region, Unsupported> {
    region_at(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_of_the_metadata_compiles() {
        let regions = &*REGIONS;
        // Geographic regions plus one entry per non-geographic calling code ("001").
        assert!(regions.metas.len() > 240, "{} regions", regions.metas.len());
        let failed: Vec<&str> = (0..regions.metas.len())
            .filter(|&i| region_at(i).is_err())
            .map(|i| regions.metas[i].id())
            .collect();
        assert!(
            failed.is_empty(),
            "regions whose patterns do not compile: {failed:?}"
        );
    }

    #[test]
    fn calling_codes_list_their_regions_main_region_first() {
        let nanp: Vec<&str> = regions_of_code(1)
            .iter()
            .map(|&i| REGIONS.metas[i].id())
            .collect();
        assert_eq!(nanp.first(), Some(&"US"), "{nanp:?}");
        assert!(nanp.contains(&"CA") && nanp.contains(&"JM"), "{nanp:?}");
        let uk: Vec<&str> = regions_of_code(44)
            .iter()
            .map(|&i| REGIONS.metas[i].id())
            .collect();
        assert_eq!(uk.first(), Some(&"GB"), "{uk:?}");
        assert!(
            uk.contains(&"GG") && uk.contains(&"JE") && uk.contains(&"IM"),
            "{uk:?}"
        );
        // Non-geographic codes each have their own "001" entry.
        for code in [800, 808, 870, 882, 883] {
            let ids: Vec<&str> = regions_of_code(code)
                .iter()
                .map(|&i| REGIONS.metas[i].id())
                .collect();
            assert_eq!(ids, ["001"], "+{code}");
            let meta = REGIONS.metas[regions_of_code(code)[0]];
            assert_eq!(meta.country_code(), code);
        }
        assert!(regions_of_code(999).is_empty());
        assert!(!code_exists(0) && !code_exists(999) && code_exists(7));
    }

    #[test]
    fn patterns_match_from_the_first_digit_only() {
        let us = region_of(DATABASE.by_id("US").unwrap()).unwrap();
        let mut scratch = Scratch::default();
        // The crate's exit code for the US is 011; a match must start at the first digit.
        let exit = us.rules.international_prefix.as_ref().unwrap();
        assert_eq!(exit.match_end(&mut scratch, "01144791112345"), Some(3));
        assert_eq!(exit.match_end(&mut scratch, "5011"), None);
        assert!(us.rules.general.is_match(&mut scratch, "4155550134"));
        assert!(!us.rules.general.is_match(&mut scratch, "155550134"));
        assert_eq!(
            us.rules.line_type(&mut scratch, "4155550134"),
            Some(PhoneLineType::FixedLineOrMobile)
        );
        assert_eq!(
            us.rules.line_type(&mut scratch, "8005550199"),
            Some(PhoneLineType::TollFree)
        );
    }
}
