//! The `phonenumber` crate's `parse` (0.3.10: `parser::parse_with` and its helpers), redone over
//! the compiled [`rules`](super::rules) for the text the phone family meets in practice.
//!
//! It handles text made of ASCII digits, spaces, `-`, `.`, `(`, `)` and at most one `+` in first
//! position, and answers exactly what the crate answers for it: the same calling code, the same
//! source of that code and the same national number, or no number where the crate gives an
//! error. Any other text (letters, other punctuation, a `+` further in, over
//! [`MAX_DIGITS`] digits) is [`Unsupported`], as is the one metadata corner where the crate
//! panics; the caller then asks the crate itself.
//!
//! The steps, in the crate's order (libphonenumber's `PhoneNumberUtil.parse` reworked):
//!
//! 1. **Text**: the RFC 3966 reader first (no spaces allowed; "+CC" before the first `-.()` is
//!    taken as the calling code), else the natural reader: from the first digit or `+` to the
//!    last digit. The result must be "viable": two digits and nothing else, or at least three
//!    digits.
//! 2. **Calling code**: a leading `+` (source `Plus`), else the claimed country's exit code at
//!    the start (source `Idd`; skipped when a `0` follows it; after a `+` it is stripped too),
//!    then the first one to three digits that are a calling code. Without `+` or exit code the
//!    claimed country's code is taken, and a leading copy of it is dropped (source `Number`) when
//!    the digits are not a valid-looking national number of that country as they stand.
//! 3. **National prefix**: with the claimed country's metadata (or, without a claimed country,
//!    the region the digits belong to), `national_prefix_for_parsing` and its transform rule,
//!    then the national prefix once more; kept only if the result is not too short.
//! 4. **Limits**: 2 to 17 digits, the value without leading zeros below 2^56.

use phonenumber::country::{Id, Source};
use phonenumber::metadata::Metadata;

use super::rules::{self, Region, Scratch, Unsupported};

/// Most digits the reader handles; longer text is [`Unsupported`].
pub(super) const MAX_DIGITS: usize = 40;

/// Shortest national number the crate accepts (`MIN_LENGTH_FOR_NSN`).
const MIN_NSN: usize = 2;
/// Longest national number the crate accepts (`MAX_LENGTH_FOR_NSN`).
const MAX_NSN: usize = 17;

/// ASCII decimal digits, at most [`MAX_DIGITS`], on the stack.
#[derive(Clone, Copy)]
pub(super) struct Digits {
    buf: [u8; MAX_DIGITS],
    len: usize,
}

impl Digits {
    /// The ASCII digits of `text`, in order; `None` if there are more than [`MAX_DIGITS`].
    fn of(text: &str) -> Option<Digits> {
        let mut out = Digits {
            buf: [b'0'; MAX_DIGITS],
            len: 0,
        };
        for b in text.bytes().filter(u8::is_ascii_digit) {
            *out.buf.get_mut(out.len)? = b;
            out.len += 1;
        }
        Some(out)
    }

    /// `text` itself, which must be digits only; `None` otherwise.
    fn exactly(text: &str) -> Option<Digits> {
        if text.bytes().all(|b| b.is_ascii_digit()) {
            Digits::of(text)
        } else {
            None
        }
    }

    pub(super) fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Without the first `n` digits.
    fn skip(&self, n: usize) -> Digits {
        let n = n.min(self.len);
        let mut out = Digits {
            buf: [b'0'; MAX_DIGITS],
            len: self.len - n,
        };
        out.buf[..out.len].copy_from_slice(&self.buf[n..self.len]);
        out
    }
}

/// What the crate's `parse` returns on success.
pub(super) struct Parsed {
    pub(super) code: u16,
    pub(super) source: Source,
    /// The national significant number, leading zeros included.
    pub(super) national: Digits,
    /// Its value without the leading zeros.
    pub(super) national_value: u64,
    /// Its leading zeros.
    pub(super) national_zeros: u8,
}

/// The crate's `parse(country, text)`: `Ok(None)` where it returns an error.
pub(super) fn parse(
    country: Option<Region>,
    text: &str,
    scratch: &mut Scratch,
) -> Result<Option<Parsed>, Unsupported> {
    let mut digit_count = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'0'..=b'9' => digit_count += 1,
            b' ' | b'-' | b'.' | b'(' | b')' => {}
            b'+' if i == 0 => {}
            _ => return Err(Unsupported),
        }
    }
    if digit_count > MAX_DIGITS {
        return Err(Unsupported);
    }
    let Some((national_text, rfc_prefix)) = text_stage(text) else {
        return Ok(None);
    };
    if !viable(national_text) {
        return Ok(None);
    }
    let Some(mut national) = Digits::of(national_text) else {
        return Err(Unsupported);
    };

    // Step 2: the calling code (the crate's `country_code` and `international_prefix`).
    let mut source;
    let code: u16;
    if let Some(prefix) = rfc_prefix {
        source = Source::Plus;
        if national.len() <= MIN_NSN {
            return Ok(None);
        }
        match prefix.parse::<u16>() {
            Ok(c) if rules::code_exists(c) => code = c,
            _ => return Ok(None),
        }
    } else {
        source = if national_text.starts_with('+') {
            Source::Plus
        } else {
            Source::Default
        };
        let exit_code = country.and_then(|r| r.rules.international_prefix.as_ref());
        if let Some(end) = exit_code.and_then(|p| p.match_end(scratch, national.as_str()))
            && !national.as_str()[end..].starts_with('0')
        {
            if source != Source::Plus {
                source = Source::Idd;
            }
            national = national.skip(end);
        }
        if source == Source::Default {
            let Some(region) = country else {
                return Ok(None);
            };
            code = region.meta.country_code();
            let code_text = code.to_string();
            if national.as_str().starts_with(&code_text)
                && (!region.rules.general.is_match(scratch, national.as_str())
                    || !length(region.meta, national.len()).is_possible())
            {
                source = Source::Number;
                national = national.skip(code_text.len());
            }
        } else {
            if national.len() <= MIN_NSN || national.as_str().starts_with('0') {
                return Ok(None);
            }
            let found = (1..=3).find_map(|len| {
                let c = national.as_str()[..len].parse::<u16>().ok()?;
                rules::code_exists(c).then_some((c, len))
            });
            let Some((c, len)) = found else {
                return Ok(None);
            };
            code = c;
            national = national.skip(len);
        }
    }

    // Step 3: the national prefix, under the claimed country or the number's own region.
    let region = match country {
        Some(region) => Some(region),
        None => {
            let zeros = national.as_str().bytes().take_while(|&b| b == b'0').count();
            source_for(code, &national.as_str()[zeros..], scratch)?
        }
    };
    if let Some(region) = region {
        let mut potential = national_number(region, national, scratch)?;
        if let Some(prefix) = region.meta.national_prefix()
            && potential.as_str().starts_with(prefix)
        {
            potential = potential.skip(prefix.len());
        }
        if length(region.meta, potential.len()) != Length::TooShort {
            national = potential;
        }
    }

    // Step 4: the limits of a national number.
    if !(MIN_NSN..=MAX_NSN).contains(&national.len()) {
        return Ok(None);
    }
    let zeros = national.as_str().bytes().take_while(|&b| b == b'0').count();
    let Ok(value) = national.as_str()[zeros..].parse::<u64>() else {
        return Ok(None);
    };
    if value >= 1 << 56 {
        return Ok(None);
    }
    Ok(Some(Parsed {
        code,
        source,
        national,
        national_value: value,
        national_zeros: u8::try_from(zeros).map_err(|_| Unsupported)?,
    }))
}

/// The crate's text readers (`rfc3966::phone_number`, then `natural::phone_number`) for text of
/// the handled characters: the national part as text and the calling code an RFC 3966 "+CC"
/// gave, or `None` when neither reader accepts the text.
fn text_stage(text: &str) -> Option<(&str, Option<&str>)> {
    let b = text.as_bytes();
    if !b.is_empty() && !b.contains(&b' ') {
        if b[0] == b'+' {
            // "+" then the calling code up to the first RFC 3966 separator, then the number.
            let end = b[1..]
                .iter()
                .position(|c| matches!(c, b'-' | b'.' | b'(' | b')'))
                .map_or(b.len(), |i| i + 1);
            if end > 1 && end < b.len() {
                return Some((&text[end..], Some(&text[1..end])));
            }
        } else {
            return Some((text, None));
        }
    }
    let start = b.iter().position(|c| c.is_ascii_digit() || *c == b'+')?;
    let end = b.iter().rposition(u8::is_ascii_digit)? + 1;
    (start < end).then(|| (&text[start..end], None))
}

/// The crate's `is_viable` for text of the handled characters.
fn viable(national: &str) -> bool {
    let digits = national.bytes().filter(u8::is_ascii_digit).count();
    national.len() >= MIN_NSN && (digits >= 3 || (digits == 2 && national.len() == 2))
}

/// The crate's `validator::Validation` for the general descriptor (`validator::length` with
/// `Type::Unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Possible,
    PossibleLocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

impl Length {
    fn is_possible(self) -> bool {
        matches!(self, Length::Possible | Length::PossibleLocalOnly)
    }
}

fn length(meta: &Metadata, len: usize) -> Length {
    let general = meta.descriptors().general();
    let possible = general.possible_length();
    let (Some(&min), Some(&max)) = (possible.first(), possible.last()) else {
        return Length::Invalid;
    };
    let len = u16::try_from(len).unwrap_or(u16::MAX);
    if general.possible_local_length().contains(&len) {
        Length::PossibleLocalOnly
    } else if len == min {
        Length::Possible
    } else if len < min {
        Length::TooShort
    } else if len > max {
        Length::TooLong
    } else if possible.contains(&len) {
        Length::Possible
    } else {
        Length::Invalid
    }
}

/// The crate's `validator::source_for`: the region of calling code `code` whose metadata reads
/// `national` (leading zeros removed).
fn source_for(
    code: u16,
    national: &str,
    scratch: &mut Scratch,
) -> Result<Option<Region>, Unsupported> {
    let regions = rules::regions_of_code(code);
    if let [only] = regions {
        let region = rules::region(*only)?;
        let id = region.meta.id();
        return Ok((id == "001" || id.parse::<Id>().is_ok()).then_some(region));
    }
    for &index in regions {
        let region = rules::region(index)?;
        let chosen = match &region.rules.leading_digits {
            Some(pattern) => pattern.matches_start(scratch, national),
            None => region.rules.line_type(scratch, national).is_some(),
        };
        if chosen {
            // The crate unwraps the region's `country::Id` here.
            if region.meta.id().parse::<Id>().is_err() {
                return Err(Unsupported);
            }
            return Ok(Some(region));
        }
    }
    Ok(None)
}

/// The crate's `helper::national_number`: strips the national prefix (and carrier code) with
/// `national_prefix_for_parsing` and its transform rule.
fn national_number(
    region: Region,
    national: Digits,
    scratch: &mut Scratch,
) -> Result<Digits, Unsupported> {
    let meta = region.meta;
    let Some(parsing) = &region.rules.national_prefix_for_parsing else {
        if let Some(prefix) = meta.national_prefix()
            && national.as_str().starts_with(prefix)
        {
            return Ok(national.skip(prefix.len()));
        }
        return Ok(national);
    };
    let text = national.as_str();
    let Some(caps) = parsing.captures_start(scratch, text) else {
        return Ok(national);
    };
    let Some(whole) = caps.get_match() else {
        return Ok(national);
    };
    let end = whole.end();
    let first = caps.get_group(1);
    let last = caps.get_group(caps.group_len().saturating_sub(1));
    match (meta.national_prefix_transform_rule(), last) {
        (Some(rule), Some(_)) => {
            let viable = region.rules.general.is_match(scratch, text);
            let mut transformed = String::with_capacity(text.len() + rule.len());
            caps.interpolate_string_into(text, rule, &mut transformed);
            transformed.push_str(&text[end..]);
            if viable && !region.rules.general.is_match(scratch, &transformed) {
                return Ok(national);
            }
            if first.is_none() {
                // The crate unwraps the first group here.
                return Err(Unsupported);
            }
            Digits::exactly(&transformed).ok_or(Unsupported)
        }
        // The crate's guard here compares the number with itself and never fires.
        _ => Ok(national.skip(end)),
    }
}
