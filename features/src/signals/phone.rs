//! Phone family: what the phone number as typed says about the claimed residence.
//!
//! [`phone_signals`] reads `phone` (exactly as typed), `claimed_country` (ISO 3166-1 alpha-2) and
//! `claimed_region` (as typed) and returns [`PhoneSignals`]:
//!
//! - **Validity and region** come from libphonenumber's metadata (the `phonenumber` crate). The
//!   number is parsed with the claimed country as the default region, so "(415) 555-0134" claimed
//!   from the US is +1 415 555 0134 and "07911 123456" claimed from GB is +44 7911 123456. The
//!   number's own region is resolved the way libphonenumber does it, which separates the members
//!   of a shared calling code: +1 416 is CA, +1 415 is US, +44 7911 12 is GG (Guernsey).
//! - **Format style** ([`PhoneStyle`]) says how the number was written: as a local writes it, or
//!   with "+", "00", another exit code, or the country code without "+" ("1-415-…"). Published
//!   advisories name "+1" vs "1" formatting as a red flag; the style keeps what the text shows and
//!   leaves the weighing to the model.
//! - **Area code vs claimed region**: for +1 numbers, the area code's US state or Canadian
//!   province (a table generated from libphonenumber's geocoding data, see
//!   `tools/nanp_area_codes.py`) against `claimed_region`, which may be a full name or a
//!   USPS / Canada Post code in any case and punctuation.
//!
//! Keyboard layout is a national-origin proxy (`docs/signals.md`), so characters that an input
//! method produces (full-width or Arabic-Indic digits, full-width "+", ideographic space) count as
//! the digits and separators they stand for, not as unusual characters.
//!
//! ## How the metadata is matched
//!
//! The `phonenumber` crate keeps its compiled metadata regexes in one process-wide cache behind
//! a mutex, so its parser serialises every thread. [`phone_signals`] instead reads numbers with
//! `reader` (the crate's parse steps, redone) over `rules` (each region's patterns compiled once
//! on first use, searched with per-thread state): no lock, and an order of magnitude faster. It
//! answers exactly what the crate-based [`phone_signals_reference`] answers: the reader covers
//! the text people type (digits, spaces, `- . ( )`, a leading "+") and hands anything else to the
//! reference. The equality is tested on the sample data, on a corpus of formats from every region
//! of the metadata, and against Python `phonenumbers` (`features/tests/phone_reference.rs`).

use std::borrow::Cow;
use std::fmt;

use phonenumber::country::{Id, Source};
use phonenumber::metadata::{DATABASE, Metadata};

mod nanp_area_codes;
mod reader;
mod reference;
mod rules;

use nanp_area_codes::{AREA_CODES, SUBDIVISIONS};
pub use reference::phone_signals_reference;
use rules::{Region, Scratch, Unsupported};

/// How the phone number was written, from the text (and, where the text alone is ambiguous, from
/// how libphonenumber read it for the claimed country). A trailing extension ("ext. 12", "x12",
/// "#12") is set aside first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PhoneStyle {
    /// No phone: null, empty or whitespace only. See [`PhoneSignals::ABSENT`].
    Absent,
    /// National form with separators, as a local writes it: "(415) 555-0134", "415.555.0134",
    /// "0151 23456789", "06 12 34 56 78", "(11) 91234-5678".
    LocalNational,
    /// National form, digits only: "4155550134", "015123456789".
    PlainDigits,
    /// "+" and the country code, with separators: "+1 415 555 0134", "+44 7911 123456",
    /// "+1 (415) 555-0134".
    InternationalPlus,
    /// "+" and digits only (E.164): "+14155550134".
    E164Compact,
    /// "00" instead of "+": "001 415 555 0134", "0044 7911 123456". Locals of most of the world
    /// dial abroad with 00; nobody in the NANP does.
    InternationalDoubleZero,
    /// Another exit code that the claimed country's dialling plan recognises, such as the NANP's
    /// "011" in "011 44 7911 123456" claimed from the US.
    InternationalOtherPrefix,
    /// The NANP country code "1" written before the ten-digit number without "+":
    /// "1-415-555-0134", "1 (415) 555-0134", "(1) 415 555 0134", and "14155550134" when claimed
    /// from a NANP country.
    LeadingOneNoPlus,
    /// The claimed country's own calling code (other than 1) written without "+", as
    /// libphonenumber reads it: "44 7911 123456" claimed from GB, "91 98765 43210" from IN.
    CountryCodeNoPlus,
    /// Not a number as people write one: no digits, letters (vanity numbers, words), or unusual
    /// characters such as "*", ",", "_" or a "+" in the middle.
    Other,
}

impl PhoneStyle {
    /// Every style, in declaration order (for one-hot encoding and reports).
    pub const ALL: [PhoneStyle; 10] = [
        PhoneStyle::Absent,
        PhoneStyle::LocalNational,
        PhoneStyle::PlainDigits,
        PhoneStyle::InternationalPlus,
        PhoneStyle::E164Compact,
        PhoneStyle::InternationalDoubleZero,
        PhoneStyle::InternationalOtherPrefix,
        PhoneStyle::LeadingOneNoPlus,
        PhoneStyle::CountryCodeNoPlus,
        PhoneStyle::Other,
    ];

    /// Stable snake_case name, e.g. `"leading_one_no_plus"`.
    pub const fn name(self) -> &'static str {
        match self {
            PhoneStyle::Absent => "absent",
            PhoneStyle::LocalNational => "local_national",
            PhoneStyle::PlainDigits => "plain_digits",
            PhoneStyle::InternationalPlus => "international_plus",
            PhoneStyle::E164Compact => "e164_compact",
            PhoneStyle::InternationalDoubleZero => "international_double_zero",
            PhoneStyle::InternationalOtherPrefix => "international_other_prefix",
            PhoneStyle::LeadingOneNoPlus => "leading_one_no_plus",
            PhoneStyle::CountryCodeNoPlus => "country_code_no_plus",
            PhoneStyle::Other => "other",
        }
    }
}

impl fmt::Display for PhoneStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of line a valid number is, by libphonenumber's metadata of its region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PhoneLineType {
    /// Fixed (landline) number.
    FixedLine,
    /// Mobile number.
    Mobile,
    /// Either: the numbering plan does not tell them apart (all of the NANP).
    FixedLineOrMobile,
    /// Freephone ("800" in the NANP).
    TollFree,
    /// Premium rate.
    PremiumRate,
    /// Shared cost.
    SharedCost,
    /// Voice over IP.
    Voip,
    /// Personal number, routed to another line (e.g. UK 070).
    PersonalNumber,
    /// Pager.
    Pager,
    /// Universal access (company) number.
    Uan,
    /// Voicemail access.
    Voicemail,
}

impl PhoneLineType {
    /// Stable snake_case name, e.g. `"fixed_line_or_mobile"`.
    pub const fn name(self) -> &'static str {
        match self {
            PhoneLineType::FixedLine => "fixed_line",
            PhoneLineType::Mobile => "mobile",
            PhoneLineType::FixedLineOrMobile => "fixed_line_or_mobile",
            PhoneLineType::TollFree => "toll_free",
            PhoneLineType::PremiumRate => "premium_rate",
            PhoneLineType::SharedCost => "shared_cost",
            PhoneLineType::Voip => "voip",
            PhoneLineType::PersonalNumber => "personal_number",
            PhoneLineType::Pager => "pager",
            PhoneLineType::Uan => "uan",
            PhoneLineType::Voicemail => "voicemail",
        }
    }
}

impl fmt::Display for PhoneLineType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An upper-case ISO 3166-1 alpha-2 code, as libphonenumber names regions ("US", "GB", "GG").
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct RegionCode([u8; 2]);

impl RegionCode {
    /// Reads two ASCII letters, in any case, around optional whitespace; `None` for anything else.
    pub fn parse(text: &str) -> Option<RegionCode> {
        match text.trim().as_bytes() {
            &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(RegionCode([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    /// The code, e.g. `"US"`.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The phone family's signals for one application.
///
/// `Option` fields are `None` when the question has no answer (not "no"): the number could not be
/// read, the claimed country is not a known alpha-2 code, the claimed region is not a known
/// subdivision, and so on. An absent phone gives [`PhoneSignals::ABSENT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PhoneSignals {
    /// How the number was written; [`PhoneStyle::Absent`] exactly when no phone was given.
    pub style: PhoneStyle,
    /// Decimal digits in the number (country code and prefixes included, a trailing extension
    /// excluded), saturating at 255.
    pub digit_count: u8,
    /// The number contains letters ("1-800-FLOWERS", "call me").
    pub has_letters: bool,
    /// The number contains characters other than digits, letters, whitespace, a leading "+" and
    /// the separators `- . ( ) / [ ]` (Unicode dashes and full-width forms included).
    pub has_unusual_chars: bool,
    /// libphonenumber extracted a country code and national number (with the claimed country as
    /// the default region).
    pub parsed: bool,
    /// The national number has a length that full numbers of its calling code can have
    /// (libphonenumber's "possible"; local-only lengths such as a 7-digit US number do not count).
    pub possible: bool,
    /// The number is valid in some region (libphonenumber's `isValidNumber`).
    pub valid: bool,
    /// The number is valid for the claimed country (libphonenumber's `isValidNumberForRegion`):
    /// a +1 416 number is not valid for US, a +44 7911 12xxxx (Guernsey range) not for GB.
    pub valid_for_claimed: bool,
    /// The region of a valid number ([`None`] for an invalid number and for non-geographic
    /// numbers such as +800).
    pub number_region: Option<RegionCode>,
    /// Whether the number belongs to another region than the claimed country: `Some` for a valid
    /// number and a known claimed country (a non-geographic number counts as differing).
    pub number_region_differs: Option<bool>,
    /// Whether the number's calling code differs from the claimed country's: `Some` whenever the
    /// number parsed and the claimed country is known, valid or not.
    pub calling_code_differs: Option<bool>,
    /// Line type of a valid number.
    pub line_type: Option<PhoneLineType>,
    /// For a +1 number whose area code libphonenumber's geocoder places in a US state, DC or a
    /// Canadian province/territory, and a claimed region recognised among the claimed country's
    /// (US or CA) subdivisions: whether the area code serves that region. `None` otherwise
    /// (claimed country not US/CA, unknown region text, toll-free or non-US/CA area code).
    pub area_code_matches_region: Option<bool>,
    /// The number in E.164 digits read as an integer (calling code, then the national
    /// significant number with its leading zeros: "+39 06 1234 5678" → 390612345678), whenever
    /// it parsed. Equal numbers typed in different styles get the same value, so the shared-
    /// entities family links them; not a model feature itself.
    pub e164: Option<u64>,
}

impl PhoneSignals {
    /// The value for a missing phone (null, empty or whitespace only): style
    /// [`PhoneStyle::Absent`], every count `0`, every flag `false`, every `Option` `None`.
    /// The `false`s here mean "not observed", not "invalid": consumers that encode missing
    /// values read `style == Absent` and mark the family's columns missing.
    pub const ABSENT: PhoneSignals = PhoneSignals {
        style: PhoneStyle::Absent,
        digit_count: 0,
        has_letters: false,
        has_unusual_chars: false,
        parsed: false,
        possible: false,
        valid: false,
        valid_for_claimed: false,
        number_region: None,
        number_region_differs: None,
        calling_code_differs: None,
        line_type: None,
        area_code_matches_region: None,
        e164: None,
    };
}

/// Phone signals of one application.
///
/// `phone` is the column exactly as typed (`None` for null), `claimed_country` the ISO 3166-1
/// alpha-2 code of the claimed residence (any case; anything else counts as unknown),
/// `claimed_region` the state or province as typed. Never fails and never panics: text that is
/// not a phone number yields `parsed == false` and [`PhoneStyle::Other`]; a blank phone yields
/// [`PhoneSignals::ABSENT`].
///
/// Besides the claimed country's own reading, two explicit international forms are re-read as
/// "+" numbers when that reading gives no valid number: "00…" (when the claimed country's exit
/// code is not 00, e.g. "001 415 555 0134" from the US) and a lone leading "1" before ten digits
/// claimed from outside the NANP ("1-415-555-0134" from GB). Bare digits are never guessed to be
/// foreign: "447911123456" claimed from the US is an invalid US number, not a GB one.
///
/// Takes no lock: safe and fast to call from every thread at once. Text with characters other
/// than digits, spaces, `- . ( )` and a leading "+" (after full-width and other-script forms are
/// read as ASCII and an extension is set aside) is read by [`phone_signals_reference`], which
/// returns the same value through the `phonenumber` crate's locked cache.
pub fn phone_signals(
    phone: Option<&str>,
    claimed_country: &str,
    claimed_region: Option<&str>,
) -> PhoneSignals {
    phone_signals_compiled(phone, claimed_country, claimed_region)
        .unwrap_or_else(|| phone_signals_reference(phone, claimed_country, claimed_region))
}

/// [`phone_signals`] through the compiled metadata only: `None` when the text is one that only
/// [`phone_signals_reference`] reads (see [`phone_signals`]); otherwise the same value.
pub fn phone_signals_compiled(
    phone: Option<&str>,
    claimed_country: &str,
    claimed_region: Option<&str>,
) -> Option<PhoneSignals> {
    let Some(text) = phone.map(str::trim).filter(|t| !t.is_empty()) else {
        return Some(PhoneSignals::ABSENT);
    };
    rules::with_scratch(|scratch| compiled_signals(text, claimed_country, claimed_region, scratch))
        .ok()
}

fn compiled_signals(
    text: &str,
    claimed_country: &str,
    claimed_region: Option<&str>,
    scratch: &mut Scratch,
) -> Result<PhoneSignals, Unsupported> {
    let shape = Shape::of(text);
    let claimed = Claimed::of(claimed_country);
    let claimed_rules = claimed.meta.map(rules::region_of).transpose()?;

    let primary = read(&shape, claimed_rules, scratch)?;
    let style = style(&shape, primary.as_ref());
    let reading = if primary.as_ref().is_some_and(Reading::valid) {
        primary
    } else {
        let reread = match fallback_text(&shape, &claimed) {
            Some(plus_text) => parse(None, &plus_text, scratch)?,
            None => None,
        };
        reread.filter(Reading::valid).or(primary)
    };

    let mut out = PhoneSignals {
        style,
        digit_count: shape.digit_count,
        has_letters: shape.has_letters,
        has_unusual_chars: shape.has_unusual_chars,
        ..PhoneSignals::ABSENT
    };
    let Some(reading) = reading else {
        return Ok(out);
    };
    out.parsed = true;
    out.e164 = reading.e164();
    out.possible = reading.possible();
    out.valid = reading.valid();
    out.line_type = reading.line_type;
    out.number_region = reading.region;
    if let Some(home) = claimed_rules {
        let meta = home.meta;
        out.calling_code_differs = Some(reading.code != meta.country_code());
        out.valid_for_claimed = reading.code == meta.country_code()
            && match reading.region_meta {
                Some(own) if own.id() == meta.id() => reading.line_type.is_some(),
                _ => home
                    .rules
                    .line_type(scratch, reading.nsn.as_str())
                    .is_some(),
            };
        if out.valid {
            out.number_region_differs = Some(reading.region != claimed.code);
        }
    }
    out.area_code_matches_region = area_code_matches_region(&reading, &claimed, claimed_region);
    Ok(out)
}

/// The claimed country, resolved against libphonenumber's metadata.
struct Claimed {
    code: Option<RegionCode>,
    id: Option<Id>,
    meta: Option<&'static Metadata>,
}

impl Claimed {
    fn of(text: &str) -> Claimed {
        let code = RegionCode::parse(text);
        let id = code.and_then(|c| c.as_str().parse::<Id>().ok());
        let meta = code.and_then(|c| DATABASE.by_id(c.as_str()));
        match (id, meta) {
            // Only countries with metadata reach the parser, which expects them to have it.
            (Some(id), Some(meta)) => Claimed {
                code,
                id: Some(id),
                meta: Some(meta),
            },
            _ => Claimed {
                code,
                id: None,
                meta: None,
            },
        }
    }

    fn is_nanp(&self) -> bool {
        self.meta.is_some_and(|m| m.country_code() == 1)
    }
}

/// What the text looks like, before any parsing.
struct Shape<'a> {
    /// The trimmed text without a trailing extension.
    number: &'a str,
    digit_count: u8,
    has_letters: bool,
    has_unusual_chars: bool,
    /// The first non-space character is "+".
    leading_plus: bool,
    /// Only digits follow the leading "+".
    compact_after_plus: bool,
    /// Digits only.
    all_digits: bool,
    /// The first two digits are "00".
    double_zero: bool,
    /// The first digit group is a lone "1" ("1-…", "1 (…", "(1) …") and eleven digits in all.
    lone_leading_one: bool,
}

enum CharClass {
    Digit(u8),
    Plus,
    Separator,
    Letter,
    Unusual,
}

fn classify(c: char) -> CharClass {
    match c {
        '0'..='9' => CharClass::Digit(c as u8 - b'0'),
        // Digits as input methods type them (full-width, Arabic-Indic, Persian, Devanagari).
        '\u{FF10}'..='\u{FF19}' => CharClass::Digit((c as u32 - 0xFF10) as u8),
        '\u{0660}'..='\u{0669}' => CharClass::Digit((c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => CharClass::Digit((c as u32 - 0x06F0) as u8),
        '\u{0966}'..='\u{096F}' => CharClass::Digit((c as u32 - 0x0966) as u8),
        '+' | '\u{FF0B}' => CharClass::Plus,
        '-' | '.' | '(' | ')' | '/' | '[' | ']' => CharClass::Separator,
        '\u{2010}'..='\u{2015}' | '\u{2212}' => CharClass::Separator,
        '\u{FF08}' | '\u{FF09}' | '\u{FF0D}' | '\u{FF0E}' | '\u{FF0F}' => CharClass::Separator,
        c if c.is_whitespace() => CharClass::Separator,
        c if c.is_alphabetic() => CharClass::Letter,
        _ => CharClass::Unusual,
    }
}

impl<'a> Shape<'a> {
    fn of(text: &'a str) -> Shape<'a> {
        let number = strip_extension(text);
        let mut shape = Shape {
            number,
            digit_count: 0,
            has_letters: false,
            has_unusual_chars: false,
            leading_plus: false,
            compact_after_plus: true,
            all_digits: true,
            double_zero: false,
            lone_leading_one: false,
        };
        let mut digits = 0usize;
        let mut first_digits = [0u8; 2];
        let mut first_group_len = 0usize;
        let mut first_group_open = true;
        for (i, c) in number.chars().enumerate() {
            let class = classify(c);
            if !matches!(class, CharClass::Digit(_)) {
                shape.all_digits = false;
                if shape.leading_plus {
                    shape.compact_after_plus = false;
                }
                if digits > 0 {
                    first_group_open = false;
                }
            }
            match class {
                CharClass::Digit(d) => {
                    if digits < first_digits.len() {
                        first_digits[digits] = d;
                    }
                    digits += 1;
                    if first_group_open {
                        first_group_len += 1;
                    }
                }
                CharClass::Plus if i == 0 => shape.leading_plus = true,
                CharClass::Plus | CharClass::Unusual => shape.has_unusual_chars = true,
                CharClass::Letter => shape.has_letters = true,
                CharClass::Separator => {}
            }
        }
        shape.digit_count = u8::try_from(digits).unwrap_or(u8::MAX);
        shape.double_zero = digits >= 2 && first_digits == [0, 0];
        shape.lone_leading_one =
            digits == 11 && first_digits[0] == 1 && first_group_len == 1 && !shape.all_digits;
        shape
    }
}

/// The text without a trailing extension ("ext. 12", "extension 12", "x12", "#12"), trimmed.
fn strip_extension(text: &str) -> &str {
    let Some(start) = text.find(|c: char| c.is_alphabetic() || c == '#') else {
        return text;
    };
    let head = text[..start].trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';');
    if !head
        .chars()
        .any(|c| matches!(classify(c), CharClass::Digit(_)))
    {
        return text;
    }
    let tail = &text[start..];
    let lower_starts = |prefix: &str| {
        tail.get(..prefix.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(prefix))
    };
    let marker = ["extension", "ext", "x", "#"]
        .into_iter()
        .find(|m| lower_starts(m));
    let Some(marker) = marker else {
        return text;
    };
    let rest = tail[marker.len()..].trim_start_matches(['.', ':']).trim();
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    if (1..=7).contains(&digits) && rest.len() == digits {
        head
    } else {
        text
    }
}

/// "+…" text to re-read when the claimed country's reading gives no valid number.
fn fallback_text(shape: &Shape<'_>, claimed: &Claimed) -> Option<String> {
    if shape.has_letters || shape.has_unusual_chars || shape.leading_plus {
        return None;
    }
    if shape.double_zero {
        // Drop everything up to and including the second digit (both zeros).
        let mut zeros = 0;
        let after = shape.number.char_indices().find_map(|(i, c)| {
            if matches!(classify(c), CharClass::Digit(_)) {
                zeros += 1;
                if zeros == 2 {
                    return Some(i + c.len_utf8());
                }
            }
            None
        })?;
        return Some(format!("+{}", ascii_form(&shape.number[after..])));
    }
    if shape.lone_leading_one && !claimed.is_nanp() {
        return Some(format!("+{}", ascii_form(shape.number)));
    }
    None
}

fn style(shape: &Shape<'_>, primary: Option<&Reading>) -> PhoneStyle {
    if shape.digit_count == 0 || shape.has_letters || shape.has_unusual_chars {
        return PhoneStyle::Other;
    }
    if shape.leading_plus {
        return if shape.compact_after_plus {
            PhoneStyle::E164Compact
        } else {
            PhoneStyle::InternationalPlus
        };
    }
    if shape.double_zero {
        return PhoneStyle::InternationalDoubleZero;
    }
    match primary.map(|r| (r.source, r.code)) {
        Some((Source::Idd, _)) => return PhoneStyle::InternationalOtherPrefix,
        Some((Source::Number, 1)) => return PhoneStyle::LeadingOneNoPlus,
        Some((Source::Number, _)) => return PhoneStyle::CountryCodeNoPlus,
        _ => {}
    }
    if shape.lone_leading_one {
        // The claimed country's reading did not take the "1" as a country code: claimed from
        // outside the NANP, or what follows is no NANP number.
        return PhoneStyle::LeadingOneNoPlus;
    }
    if shape.all_digits {
        PhoneStyle::PlainDigits
    } else {
        PhoneStyle::LocalNational
    }
}

/// A national significant number as digits (leading zeros kept), without allocation.
/// libphonenumber caps national numbers at 17 digits; longer ones are cut, never overflow.
struct Nsn {
    buf: [u8; 24],
    len: usize,
}

impl Nsn {
    /// `digits` (ASCII digits, at most 17 for a parsed number).
    fn from_digits(digits: &str) -> Nsn {
        let mut buf = [b'0'; 24];
        let len = digits.len().min(buf.len());
        buf[..len].copy_from_slice(&digits.as_bytes()[..len]);
        Nsn { buf, len }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// One reading of the text by libphonenumber.
struct Reading {
    code: u16,
    source: Source,
    nsn: Nsn,
    /// Zero-free value of the national number (for the NANP area code).
    national_value: u64,
    national_zeros: u8,
    /// Metadata of the region the number belongs to, when libphonenumber can tell.
    region_meta: Option<&'static Metadata>,
    /// Line type under `region_meta`; `Some` exactly when the number is valid.
    line_type: Option<PhoneLineType>,
    region: Option<RegionCode>,
}

impl Reading {
    /// E.164 digits as an integer; `None` if they would not fit 15 digits.
    fn e164(&self) -> Option<u64> {
        let mut value = u64::from(self.code);
        for b in self.nsn.as_str().bytes() {
            value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        }
        (value < 1_000_000_000_000_000).then_some(value)
    }

    fn valid(&self) -> bool {
        self.line_type.is_some()
    }

    /// libphonenumber's `isPossibleNumber` for full numbers: the national number's length is one
    /// that some number type of the calling code's main region has.
    fn possible(&self) -> bool {
        let Some(main) = DATABASE
            .by_code(&self.code)
            .and_then(|m| m.into_iter().next())
        else {
            return false;
        };
        let Ok(len) = u16::try_from(self.nsn.len) else {
            return false;
        };
        let d = main.descriptors();
        [
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
        .any(|desc| desc.possible_length().contains(&len))
    }
}

/// The text with the digits, "+" and separators of other scripts and full-width forms written
/// in ASCII, which is what the parser understands. Allocates only for non-ASCII text.
fn ascii_form(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match classify(c) {
                CharClass::Digit(d) => char::from(b'0' + d),
                CharClass::Plus => '+',
                CharClass::Separator if !c.is_ascii() => ' ',
                _ => c,
            })
            .collect(),
    )
}

/// The claimed country's reading of the text, as libphonenumber intends it: a number written
/// with "+" or an exit code is read by its own calling code only. (The `phonenumber` crate would
/// strip the default region's national prefix from it: "+86 138…" read for US would lose its
/// leading "1".)
fn read(
    shape: &Shape<'_>,
    claimed: Option<Region>,
    scratch: &mut Scratch,
) -> Result<Option<Reading>, Unsupported> {
    let text = ascii_form(shape.number);
    let home = match claimed {
        Some(home) if !shape.leading_plus => home,
        _ => return parse(None, &text, scratch),
    };
    let Some(reading) = parse(Some(home), &text, scratch)? else {
        return Ok(None);
    };
    if reading.source != Source::Idd {
        return Ok(Some(reading));
    }
    let after_exit_code = home.rules.international_prefix.as_ref().and_then(|exit| {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let end = exit.match_end(scratch, &digits)?;
        Some(format!("+{}", &digits[end..]))
    });
    let reread = match after_exit_code {
        Some(plus_text) => parse(None, &plus_text, scratch)?,
        None => None,
    };
    Ok(Some(match reread {
        Some(reread) => Reading {
            source: Source::Idd,
            ..reread
        },
        None => reading,
    }))
}

/// The `phonenumber` crate's `parse(country, text)` ([`reader::parse`]), then the number's
/// region and line type.
fn parse(
    country: Option<Region>,
    text: &str,
    scratch: &mut Scratch,
) -> Result<Option<Reading>, Unsupported> {
    let Some(parsed) = reader::parse(country, text, scratch)? else {
        return Ok(None);
    };
    let nsn = parsed.national.as_str();
    let region = number_region(parsed.code, nsn, scratch)?;
    let line_type = match region {
        Some(r) => r.rules.line_type(scratch, nsn),
        None => None,
    };
    let region_code = match (line_type, region) {
        (Some(_), Some(r)) => RegionCode::parse(r.meta.id()),
        _ => None,
    };
    Ok(Some(Reading {
        code: parsed.code,
        source: parsed.source,
        nsn: Nsn::from_digits(nsn),
        national_value: parsed.national_value,
        national_zeros: parsed.national_zeros,
        region_meta: region.map(|r| r.meta),
        line_type,
        region: region_code,
    }))
}

/// The region a number belongs to, as libphonenumber's `getRegionCodeForNumber` decides among
/// the regions sharing its calling code: the first whose leading digits start the national
/// number or, for a region without them, whose metadata makes the number valid.
fn number_region(
    code: u16,
    nsn: &str,
    scratch: &mut Scratch,
) -> Result<Option<Region>, Unsupported> {
    let candidates = rules::regions_of_code(code);
    if let [only] = candidates {
        return rules::region(*only).map(Some);
    }
    for &index in candidates {
        let region = rules::region(index)?;
        let belongs = match &region.rules.leading_digits {
            Some(pattern) => pattern.matches_start(scratch, nsn),
            None => region.rules.line_type(scratch, nsn).is_some(),
        };
        if belongs {
            return Ok(Some(region));
        }
    }
    Ok(None)
}

/// A US state, DC, or Canadian province/territory (see `nanp_area_codes.rs`).
struct Subdivision {
    /// USPS / Canada Post code.
    #[allow(dead_code, reason = "documents the generated table; read by tests")]
    code: &'static str,
    /// English name.
    #[allow(dead_code, reason = "documents the generated table; read by tests")]
    name: &'static str,
    /// ISO country.
    country: [u8; 2],
    /// Accepted spellings as lower-case ASCII letters (see [`fold_letter`]).
    keys: &'static [&'static str],
}

const _: () = assert!(SUBDIVISIONS.len() <= 64, "area codes store a u64 bit set");

fn area_code_matches_region(
    reading: &Reading,
    claimed: &Claimed,
    claimed_region: Option<&str>,
) -> Option<bool> {
    if reading.code != 1 || reading.national_zeros != 0 {
        return None;
    }
    if !(2_000_000_000..10_000_000_000).contains(&reading.national_value) {
        return None;
    }
    let npa = u16::try_from(reading.national_value / 10_000_000).ok()?;
    let served = AREA_CODES
        .binary_search_by_key(&npa, |&(code, _)| code)
        .ok()
        .map(|i| AREA_CODES[i].1)?;
    let region = subdivision_index(claimed.code?, claimed_region?)?;
    Some(served & (1u64 << region) != 0)
}

/// Position in [`SUBDIVISIONS`] of the subdivision of `country` that `text` names.
fn subdivision_index(country: RegionCode, text: &str) -> Option<usize> {
    SUBDIVISIONS
        .iter()
        .position(|s| s.country == country.0 && s.keys.iter().any(|key| spells(text, key)))
}

/// Whether `text`, folded by [`fold_letter`], is exactly `key`.
fn spells(text: &str, key: &str) -> bool {
    let mut folded = text.chars().filter_map(fold_letter);
    key.bytes().all(|b| folded.next() == Some(b)) && folded.next().is_none()
}

/// Lower-case ASCII for a letter (accents dropped for the letters of Canadian French names),
/// `None` for what matching ignores (spaces, punctuation, digits), and a byte no key contains for
/// any other letter.
fn fold_letter(c: char) -> Option<u8> {
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_lowercase() as u8);
    }
    match c {
        'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => Some(b'a'),
        'ç' | 'Ç' => Some(b'c'),
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => Some(b'e'),
        'î' | 'ï' | 'Î' | 'Ï' => Some(b'i'),
        'ô' | 'ö' | 'Ô' | 'Ö' => Some(b'o'),
        'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => Some(b'u'),
        c if c.is_alphabetic() => Some(0),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
