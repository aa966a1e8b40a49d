//! The phone family computed with the `phonenumber` crate's own parser and metadata matching:
//! the reference that [`super::phone_signals`] is tested against, and what it falls back to for
//! text its compiled reader does not handle.
//!
//! Every metadata match here goes through the crate's process-wide regex cache, behind one
//! mutex: correct from any thread, but serialised.

use std::sync::{Once, PoisonError};

use phonenumber::PhoneNumber;
use phonenumber::country::{Id, Source};
use phonenumber::metadata::{DATABASE, Descriptor, Metadata};

use super::{
    Claimed, Nsn, PhoneLineType, PhoneSignals, Reading, RegionCode, Shape,
    area_code_matches_region, ascii_form, fallback_text, style,
};

/// Phone signals of one application, computed with the `phonenumber` crate's parser and its
/// locked regex cache: the reference for [`super::phone_signals`], which returns the same value.
///
/// `phone` is the column exactly as typed (`None` for null), `claimed_country` the ISO 3166-1
/// alpha-2 code of the claimed residence (any case; anything else counts as unknown),
/// `claimed_region` the state or province as typed. Never fails and never panics: text that is
/// not a phone number yields `parsed == false` and [`super::PhoneStyle::Other`]; a blank phone yields
/// [`PhoneSignals::ABSENT`].
///
/// Besides the claimed country's own reading, two explicit international forms are re-read as
/// "+" numbers when that reading gives no valid number: "00…" (when the claimed country's exit
/// code is not 00, e.g. "001 415 555 0134" from the US) and a lone leading "1" before ten digits
/// claimed from outside the NANP ("1-415-555-0134" from GB). Bare digits are never guessed to be
/// foreign: "447911123456" claimed from the US is an invalid US number, not a GB one.
pub fn phone_signals_reference(
    phone: Option<&str>,
    claimed_country: &str,
    claimed_region: Option<&str>,
) -> PhoneSignals {
    let Some(text) = phone.map(str::trim).filter(|t| !t.is_empty()) else {
        return PhoneSignals::ABSENT;
    };
    keep_all_metadata_regexes();
    let shape = Shape::of(text);
    let claimed = Claimed::of(claimed_country);

    let primary = read(&shape, &claimed);
    let style = style(&shape, primary.as_ref());
    let reading = if primary.as_ref().is_some_and(Reading::valid) {
        primary
    } else {
        fallback_text(&shape, &claimed)
            .and_then(|plus_text| parse(None, &plus_text))
            .filter(Reading::valid)
            .or(primary)
    };

    let mut out = PhoneSignals {
        style,
        digit_count: shape.digit_count,
        has_letters: shape.has_letters,
        has_unusual_chars: shape.has_unusual_chars,
        ..PhoneSignals::ABSENT
    };
    let Some(reading) = reading else {
        return out;
    };
    out.parsed = true;
    out.e164 = reading.e164();
    out.possible = reading.possible();
    out.valid = reading.valid();
    out.line_type = reading.line_type;
    out.number_region = reading.region;
    if let Some(meta) = claimed.meta {
        out.calling_code_differs = Some(reading.code != meta.country_code());
        out.valid_for_claimed = reading.code == meta.country_code()
            && match reading.region_meta {
                Some(own) if own.id() == meta.id() => reading.line_type.is_some(),
                _ => line_type(meta, reading.nsn.as_str()).is_some(),
            };
        if out.valid {
            out.number_region_differs = Some(reading.region != claimed.code);
        }
    }
    out.area_code_matches_region = area_code_matches_region(&reading, &claimed, claimed_region);
    out
}

/// Regular expressions the `phonenumber` crate compiles lazily and keeps in one process-wide LRU
/// cache of 100. Validating numbers of a dozen countries touches more than that, so without this
/// every call recompiled patterns evicted by the previous one (measured in a debug build cycling
/// through 14 countries: 17 ms per call before, 45 µs after). 2,048 holds every pattern this module
/// can use (about 1,700 descriptor, prefix and leading-digit patterns over all regions); only
/// patterns actually used are ever compiled.
fn keep_all_metadata_regexes() {
    const CAPACITY: usize = 2048;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let cache = DATABASE.cache();
        let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.capacity() < CAPACITY {
            cache.set_capacity(CAPACITY);
        }
    });
}

impl Nsn {
    /// The national significant number of a number the crate parsed.
    fn of_number(number: &PhoneNumber) -> Nsn {
        let national = number.national();
        let mut buf = [b'0'; 24];
        let zeros = usize::from(national.zeros()).min(buf.len());
        let mut value = national.value();
        let mut tail = [0u8; 20];
        let mut n = 0;
        loop {
            tail[n] = b'0' + (value % 10) as u8;
            n += 1;
            value /= 10;
            if value == 0 || n == tail.len() {
                break;
            }
        }
        let len = (zeros + n).min(buf.len());
        for (slot, digit) in buf[zeros..len].iter_mut().zip(tail[..n].iter().rev()) {
            *slot = *digit;
        }
        Nsn { buf, len }
    }
}

/// The claimed country's reading of the text, as libphonenumber intends it: a number written
/// with "+" or an exit code is read by its own calling code only. (The `phonenumber` crate would
/// strip the default region's national prefix from it: "+86 138…" read for US would lose its
/// leading "1".)
fn read(shape: &Shape<'_>, claimed: &Claimed) -> Option<Reading> {
    let text = ascii_form(shape.number);
    if shape.leading_plus || claimed.id.is_none() {
        return parse(None, &text);
    }
    let reading = parse(claimed.id, &text)?;
    if reading.source != Source::Idd {
        return Some(reading);
    }
    let after_exit_code = claimed.meta.and_then(|meta| {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let exit_code = meta.international_prefix()?.find(&digits)?;
        (exit_code.start() == 0).then(|| format!("+{}", &digits[exit_code.end()..]))
    });
    match after_exit_code.and_then(|plus_text| parse(None, &plus_text)) {
        Some(reread) => Some(Reading {
            source: Source::Idd,
            ..reread
        }),
        None => Some(reading),
    }
}

fn parse(country: Option<Id>, text: &str) -> Option<Reading> {
    let number = phonenumber::parse(country, text).ok()?;
    let code = number.code().value();
    let nsn = Nsn::of_number(&number);
    let region_meta = region_metadata(code, nsn.as_str());
    let line_type = region_meta.and_then(|m| line_type(m, nsn.as_str()));
    let region = match (line_type, region_meta) {
        (Some(_), Some(m)) => RegionCode::parse(m.id()),
        _ => None,
    };
    Some(Reading {
        code,
        source: number.code().source(),
        national_value: number.national().value(),
        national_zeros: number.national().zeros(),
        nsn,
        region_meta,
        line_type,
        region,
    })
}

/// The region metadata a number belongs to, as libphonenumber's `getRegionCodeForNumber`
/// decides among the regions sharing its calling code.
fn region_metadata(code: u16, nsn: &str) -> Option<&'static Metadata> {
    let candidates = DATABASE.by_code(&code)?;
    if candidates.len() == 1 {
        return candidates.into_iter().next();
    }
    candidates
        .into_iter()
        .find(|meta| match meta.leading_digits() {
            Some(re) => re.find(nsn).is_some_and(|m| m.start() == 0),
            None => line_type(meta, nsn).is_some(),
        })
}

/// libphonenumber's `getNumberTypeHelper`: `None` is its `UNKNOWN` (not valid in `meta`).
fn line_type(meta: &Metadata, nsn: &str) -> Option<PhoneLineType> {
    let d = meta.descriptors();
    if !d.general().is_match(nsn) {
        return None;
    }
    let matches = |desc: Option<&Descriptor>| desc.is_some_and(|d| d.is_match(nsn));
    let ordered = [
        (d.premium_rate(), PhoneLineType::PremiumRate),
        (d.toll_free(), PhoneLineType::TollFree),
        (d.shared_cost(), PhoneLineType::SharedCost),
        (d.voip(), PhoneLineType::Voip),
        (d.personal_number(), PhoneLineType::PersonalNumber),
        (d.pager(), PhoneLineType::Pager),
        (d.uan(), PhoneLineType::Uan),
        (d.voicemail(), PhoneLineType::Voicemail),
    ];
    if let Some((_, kind)) = ordered.into_iter().find(|(desc, _)| matches(*desc)) {
        return Some(kind);
    }
    if matches(d.fixed_line()) {
        let same_pattern = match (d.fixed_line(), d.mobile()) {
            (Some(f), Some(m)) => f.national_number().as_str() == m.national_number().as_str(),
            _ => false,
        };
        return Some(if same_pattern || matches(d.mobile()) {
            PhoneLineType::FixedLineOrMobile
        } else {
            PhoneLineType::FixedLine
        });
    }
    matches(d.mobile()).then_some(PhoneLineType::Mobile)
}
