//! Entity keys: the normalised values by which applications are linked to each other.
//!
//! Each key is a 64-bit FNV-1a hash of a kind tag and the normalised value, so equal values of
//! different kinds never collide by construction, and the history index stores 8 bytes per
//! link whatever the text length. (At a million distinct values the chance of any 64-bit
//! collision is below 10⁻⁷.)
//!
//! | kind | normalisation | no key when |
//! |---|---|---|
//! | shipping address | [`normalize_address`]: case, punctuation, white space, street-type and unit abbreviations, ordinals | blank |
//! | IP | the parsed address ([`parse_ip`]; IPv4-mapped IPv6 is its IPv4 address) | unparsable, private or reserved |
//! | IP network | the /24 of an IPv4 address, the /48 of an IPv6 address | as IP |
//! | device | trimmed, case-folded `device_id` | blank |
//! | phone | E.164 digits ([`crate::PhoneSignals::e164`]), else the bare digits when there are 7–15 | no such number |
//! | email | [`normalize_email`]: case-folded, `+tag` dropped, dots of a Gmail local part dropped | no `@` |
//!
//! The email key doubles as the **identity** of an application: "distinct identities sharing
//! an address" counts distinct normalised emails. Names are never used to link.

use std::net::IpAddr;

use crate::reference::ip_ranges::{is_private_or_reserved, parse_ip};

/// The kinds of entity applications are linked by, in feature order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    /// The normalised shipping address.
    Address,
    /// A public IP address.
    Ip,
    /// The /24 network of an IPv4 address or the /48 of an IPv6 address.
    IpNetwork,
    /// The trimmed, case-folded device id.
    Device,
    /// The phone number in E.164, else its bare digits.
    Phone,
    /// The normalised email, which is also the identity of an application.
    Email,
}

impl KeyKind {
    /// All kinds, in feature order.
    pub const ALL: [KeyKind; 6] = [
        KeyKind::Address,
        KeyKind::Ip,
        KeyKind::IpNetwork,
        KeyKind::Device,
        KeyKind::Phone,
        KeyKind::Email,
    ];

    /// Position in [`KeyKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in feature names (`shared_{name}_…`).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Address => "address",
            KeyKind::Ip => "ip",
            KeyKind::IpNetwork => "ip_network",
            KeyKind::Device => "device",
            KeyKind::Phone => "phone",
            KeyKind::Email => "email",
        }
    }

    fn tag(self) -> u8 {
        b"AINDPE"[self.index()]
    }
}

/// A hashed, normalised entity value of one kind; never 0 (FNV-1a's rare 0 becomes `u64::MAX`).
pub type Key = u64;

/// The keys of one application row (or of one telemetry sample, which has only IP and device).
///
/// Keys are never 0, so each is stored in 8 bytes with 0 meaning "none" (`Option<NonZeroU64>`):
/// 48 bytes for the six kinds instead of 96, which matters for the millions of telemetry
/// samples a history holds. The serialised form is that of `Option<u64>`.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct EntityKeys {
    /// The key of each kind, indexed by [`KeyKind::index`]; `None` where the value gives none.
    keys: [Option<std::num::NonZeroU64>; 6],
}

impl EntityKeys {
    /// How many kinds have a key.
    pub fn len(&self) -> usize {
        self.keys.iter().filter(|k| k.is_some()).count()
    }

    /// Whether no kind has a key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key of `kind`, if any.
    pub fn get(&self, kind: KeyKind) -> Option<Key> {
        self.keys[kind.index()].map(std::num::NonZeroU64::get)
    }

    /// Sets (or, with `None`, clears) the key of `kind`. A key of 0 is stored as `u64::MAX`,
    /// the rule every key of this module follows.
    pub fn set(&mut self, kind: KeyKind, key: Option<Key>) {
        self.keys[kind.index()] =
            key.map(|k| std::num::NonZeroU64::new(k).unwrap_or(std::num::NonZeroU64::MAX));
    }

    /// Keys of an application row. `phone_e164` is [`crate::PhoneSignals::e164`].
    pub fn of_application(
        shipping_address: Option<&str>,
        ip: Option<&str>,
        device_id: Option<&str>,
        phone: Option<&str>,
        phone_e164: Option<u64>,
        email: &str,
    ) -> EntityKeys {
        let mut keys = EntityKeys::default();
        let mut buf = String::new();
        if let Some(a) = shipping_address {
            normalize_address(a, &mut buf);
            keys.set(KeyKind::Address, key_of(KeyKind::Address, buf.as_bytes()));
        }
        keys.set_network(ip.and_then(parse_ip), device_id);
        keys.set(KeyKind::Phone, phone_key(phone, phone_e164));
        keys.set(KeyKind::Email, identity_key(email));
        keys
    }

    /// Keys of a telemetry sample: IP, IP network and device only.
    pub fn of_sample(ip: Option<IpAddr>, device_id: Option<&str>) -> EntityKeys {
        let mut keys = EntityKeys::default();
        keys.set_network(ip, device_id);
        keys
    }

    fn set_network(&mut self, ip: Option<IpAddr>, device_id: Option<&str>) {
        if let Some(ip) = ip.filter(|ip| !is_private_or_reserved(*ip)) {
            let (full, net) = ip_bytes(ip);
            self.set(KeyKind::Ip, key_of(KeyKind::Ip, &full));
            self.set(KeyKind::IpNetwork, key_of(KeyKind::IpNetwork, &net));
        }
        if let Some(d) = device_id.map(str::trim).filter(|d| !d.is_empty()) {
            // Fingerprints are usually lower-case hex already: their folded form is themselves,
            // so the common case hashes the text without making a copy.
            let key = if d.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
                key_of(KeyKind::Device, d.as_bytes())
            } else {
                key_of(KeyKind::Device, d.to_lowercase().as_bytes())
            };
            self.set(KeyKind::Device, key);
        }
    }
}

/// The keys a telemetry sample can have (IP, IP network, device) in 24 bytes: a history holds
/// millions of samples, and the other three kinds of [`EntityKeys`] are always empty for them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SampleEntityKeys {
    /// IP, IP network and device, in [`SampleEntityKeys::KINDS`] order.
    keys: [Option<std::num::NonZeroU64>; 3],
}

impl SampleEntityKeys {
    /// How many kinds have a key.
    pub fn len(&self) -> usize {
        self.keys.iter().filter(|k| k.is_some()).count()
    }

    /// Whether no kind has a key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The kinds a sample can have, in storage order.
    pub const KINDS: [KeyKind; 3] = [KeyKind::Ip, KeyKind::IpNetwork, KeyKind::Device];

    /// The key of `kind`; always `None` for a kind samples do not have.
    pub fn get(&self, kind: KeyKind) -> Option<Key> {
        let at = Self::KINDS.iter().position(|&k| k == kind)?;
        self.keys[at].map(std::num::NonZeroU64::get)
    }

    /// The same keys as [`EntityKeys`].
    pub fn to_entity_keys(&self) -> EntityKeys {
        let mut keys = EntityKeys::default();
        for (kind, key) in Self::KINDS.iter().zip(&self.keys) {
            keys.keys[kind.index()] = *key;
        }
        keys
    }
}

/// Keeps the sample kinds of `keys` (IP, IP network, device) and drops the others.
impl From<EntityKeys> for SampleEntityKeys {
    fn from(keys: EntityKeys) -> Self {
        SampleEntityKeys {
            keys: Self::KINDS.map(|kind| keys.keys[kind.index()]),
        }
    }
}

/// The identity of an application: its normalised email ([`normalize_email`]), hashed.
pub fn identity_key(email: &str) -> Option<Key> {
    let normalized = normalize_email(email)?;
    key_of(KeyKind::Email, normalized.as_bytes())
}

/// Lower-cases an email, drops a `+tag` from the local part and, for `gmail.com` and
/// `googlemail.com`, the dots of the local part (those providers ignore them). `None` without
/// a non-empty local part and domain.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or_default();
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    let local: String = if domain == "gmail.com" {
        local.chars().filter(|c| *c != '.').collect()
    } else {
        local.to_owned()
    };
    Some(format!("{local}@{domain}"))
}

/// Phone key: E.164 when the number parsed, else its bare digits when there are 7–15 of them
/// (a number libphonenumber cannot read is still the same string of digits when reused).
fn phone_key(phone: Option<&str>, e164: Option<u64>) -> Option<Key> {
    if let Some(n) = e164 {
        return key_of(KeyKind::Phone, &n.to_be_bytes());
    }
    let digits: Vec<u8> = phone?.bytes().filter(u8::is_ascii_digit).collect();
    if (7..=15).contains(&digits.len()) {
        let mut tagged = Vec::with_capacity(digits.len() + 1);
        tagged.push(b'#');
        tagged.extend_from_slice(&digits);
        key_of(KeyKind::Phone, &tagged)
    } else {
        None
    }
}

/// The address bytes and the network bytes (IPv4 /24, IPv6 /48) of an IP.
fn ip_bytes(ip: IpAddr) -> (Vec<u8>, Vec<u8>) {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (o.to_vec(), vec![4, o[0], o[1], o[2]])
        }
        IpAddr::V6(v6) => {
            let o = v6.octets();
            let mut net = vec![6];
            net.extend_from_slice(&o[..6]);
            (o.to_vec(), net)
        }
    }
}

/// FNV-1a 64 of the kind tag followed by `bytes`; `None` for empty input. The one hash in
/// 2⁶⁴ that is 0 becomes `u64::MAX`, so a key is never 0 ([`EntityKeys`] stores 0 as "none").
fn key_of(kind: KeyKind, bytes: &[u8]) -> Option<Key> {
    if bytes.is_empty() {
        return None;
    }
    Some(match fnv1a(kind.tag(), bytes) {
        0 => u64::MAX,
        h => h,
    })
}

/// FNV-1a, 64-bit, over `tag` then `bytes` (a fixed, documented function: keys are stable
/// across runs, platforms and releases).
pub(crate) fn fnv1a(tag: u8, bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for &b in std::iter::once(&tag).chain(bytes) {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// Street-type, direction and unit words and their canonical short form (USPS Publication 28
/// abbreviations, plus the unit designators people type).
const ADDRESS_WORDS: &[(&str, &str)] = &[
    ("street", "st"),
    ("str", "st"),
    ("avenue", "ave"),
    ("av", "ave"),
    ("road", "rd"),
    ("boulevard", "blvd"),
    ("drive", "dr"),
    ("lane", "ln"),
    ("court", "ct"),
    ("place", "pl"),
    ("terrace", "ter"),
    ("circle", "cir"),
    ("highway", "hwy"),
    ("parkway", "pkwy"),
    ("square", "sq"),
    ("trail", "trl"),
    ("way", "way"),
    ("north", "n"),
    ("south", "s"),
    ("east", "e"),
    ("west", "w"),
    ("northeast", "ne"),
    ("northwest", "nw"),
    ("southeast", "se"),
    ("southwest", "sw"),
    ("apartment", "#"),
    ("apt", "#"),
    ("unit", "#"),
    ("suite", "#"),
    ("ste", "#"),
    ("number", "#"),
    ("no", "#"),
    ("floor", "fl"),
    ("first", "1"),
    ("second", "2"),
    ("third", "3"),
    ("fourth", "4"),
    ("fifth", "5"),
];

/// Normalises a shipping address into `out`: lower-case; every run of characters other than
/// letters, digits and `#` is one separator (so "Apt. 4B," and "apt 4b" agree); street-type,
/// direction and unit words are replaced by one canonical form from a fixed table ("Street",
/// "Str" and "St" all read "st"; "Apartment", "Apt", "Unit", "Suite" and "#" all read "#");
/// English ordinal suffixes are dropped from numbers ("5th" → "5"); a lone "#" is joined to the
/// word after it. The words stay in their order.
pub fn normalize_address(address: &str, out: &mut String) {
    out.clear();
    let lower = address.to_lowercase();
    let mut pending_hash = false;
    for word in lower.split(|c: char| !(c.is_alphanumeric() || c == '#')) {
        let mut word = word;
        let mut has_hash = false;
        while let Some(rest) = word.strip_prefix('#') {
            has_hash = true;
            word = rest;
        }
        if word.is_empty() {
            pending_hash |= has_hash;
            continue;
        }
        let canonical = canonical_word(word);
        if canonical == "#" {
            pending_hash = true;
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if pending_hash || has_hash {
            out.push('#');
            pending_hash = false;
        }
        out.push_str(&canonical);
    }
    if pending_hash {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push('#');
    }
}

fn canonical_word(word: &str) -> String {
    if let Some((_, short)) = ADDRESS_WORDS.iter().find(|(long, _)| *long == word) {
        return (*short).to_owned();
    }
    // "5th", "21st", "2nd", "3rd" → the number.
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(&word[digits..], "st" | "nd" | "rd" | "th") {
        return word[..digits].to_owned();
    }
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> String {
        let mut out = String::new();
        normalize_address(s, &mut out);
        out
    }

    #[test]
    fn address_variants_agree() {
        // Worked by hand from the rules in `normalize_address`.
        let canonical = "1200 w 5 st #4b springfield il 62704";
        for variant in [
            "1200 W 5th Street, Apt 4B, Springfield, IL 62704",
            "1200 West 5th St. #4B Springfield IL 62704",
            "1200 w. fifth str., unit 4b, springfield, il 62704",
            "1200 W 5TH ST # 4B, SPRINGFIELD, IL 62704",
            "  1200  W 5th Street Suite 4B Springfield IL 62704 ",
        ] {
            assert_eq!(addr(variant), canonical, "{variant}");
        }
        assert_ne!(addr("1200 W 5th St Apt 4C"), addr("1200 W 5th St Apt 4B"));
        assert_eq!(addr(""), "");
        assert_eq!(addr(" ,. "), "");
        assert_eq!(addr("Main St #"), "main st #");
    }

    #[test]
    fn emails_normalise() {
        assert_eq!(
            normalize_email(" John.Doe+jobs@GMail.com ").as_deref(),
            Some("johndoe@gmail.com")
        );
        assert_eq!(
            normalize_email("j.doe@googlemail.com").as_deref(),
            Some("jdoe@gmail.com")
        );
        assert_eq!(
            normalize_email("j.doe@example.org").as_deref(),
            Some("j.doe@example.org")
        );
        assert_eq!(normalize_email("no-at-sign"), None);
        assert_eq!(normalize_email("+tag@example.org"), None);
        assert_eq!(normalize_email("a@"), None);
    }

    #[test]
    fn network_keys_skip_private_and_join_networks() {
        let a = EntityKeys::of_sample(parse_ip("81.2.69.7"), Some(" DEV-1 "));
        let b = EntityKeys::of_sample(parse_ip("81.2.69.200"), Some("dev-1"));
        assert_ne!(a.get(KeyKind::Ip), b.get(KeyKind::Ip));
        assert_eq!(a.get(KeyKind::IpNetwork), b.get(KeyKind::IpNetwork));
        assert_eq!(a.get(KeyKind::Device), b.get(KeyKind::Device));
        let mapped = EntityKeys::of_sample(parse_ip("::ffff:81.2.69.7"), None);
        assert_eq!(mapped.get(KeyKind::Ip), a.get(KeyKind::Ip));
        let private = EntityKeys::of_sample(parse_ip("10.1.2.3"), Some(""));
        assert_eq!(private, EntityKeys::default());
        // Same /48, and a neighbouring /48 (2001:db8::/32 is reserved, so public space).
        let g1 = EntityKeys::of_sample(parse_ip("2a00:1450:4001:2::1"), None);
        let g2 = EntityKeys::of_sample(parse_ip("2a00:1450:4001:ffff::9"), None);
        let g3 = EntityKeys::of_sample(parse_ip("2a00:1450:4002::1"), None);
        assert!(g1.get(KeyKind::IpNetwork).is_some());
        assert_eq!(g1.get(KeyKind::IpNetwork), g2.get(KeyKind::IpNetwork));
        assert_ne!(g1.get(KeyKind::IpNetwork), g3.get(KeyKind::IpNetwork));
    }

    /// A sample's compact keys hold exactly the sample kinds of the full keys: `get` and the
    /// round trip agree with `EntityKeys` (the reference) kind by kind, and the kinds a sample
    /// cannot have are dropped.
    #[test]
    fn sample_keys_keep_exactly_the_sample_kinds() {
        let sample = EntityKeys::of_sample(parse_ip("24.0.0.10"), Some("Dev-1"));
        assert!(sample.get(KeyKind::Ip).is_some() && sample.get(KeyKind::Device).is_some());
        let compact = SampleEntityKeys::from(sample);
        assert_eq!(compact.to_entity_keys(), sample);
        for kind in KeyKind::ALL {
            assert_eq!(compact.get(kind), sample.get(kind), "{kind:?}");
        }
        let row = EntityKeys::of_application(
            Some("1 Main St"),
            Some("24.0.0.10"),
            None,
            Some("+1 415 555 0100"),
            None,
            "a@b.example",
        );
        let kept = SampleEntityKeys::from(row).to_entity_keys();
        for kind in KeyKind::ALL {
            let expected = SampleEntityKeys::KINDS
                .contains(&kind)
                .then(|| row.get(kind))
                .flatten();
            assert_eq!(kept.get(kind), expected, "{kind:?}");
        }
        assert!(row.get(KeyKind::Address).is_some() && kept.get(KeyKind::Address).is_none());
    }

    #[test]
    fn phone_keys() {
        let e = EntityKeys::of_application(None, None, None, Some("x"), Some(14155550100), "a@b");
        let f = EntityKeys::of_application(None, None, None, Some("y"), Some(14155550100), "c@d");
        assert_eq!(e.get(KeyKind::Phone), f.get(KeyKind::Phone));
        let g = EntityKeys::of_application(None, None, None, Some("(415) 555-01"), None, "c@d");
        let h = EntityKeys::of_application(None, None, None, Some("41555501"), None, "c@d");
        assert_eq!(g.get(KeyKind::Phone), h.get(KeyKind::Phone));
        assert!(g.get(KeyKind::Phone).is_some());
        let short = EntityKeys::of_application(None, None, None, Some("12345"), None, "c@d");
        assert_eq!(short.get(KeyKind::Phone), None);
        assert_ne!(e.get(KeyKind::Email), f.get(KeyKind::Email));
    }
}
