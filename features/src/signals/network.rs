//! Network family: where the application and its sessions came from, as the IP ranges of
//! `reference/ip_ranges.csv` tell it, against where the applicant says they live.
//!
//! [`network_signals`] reads the application's `ip` and `claimed_country`, the `telemetry` rows of
//! the same application (borrowed as [`TelemetrySample`]s, only `ip` is read) and an
//! [`IpRangeTable`], and returns [`NetworkSignals`]. The batch path groups telemetry by
//! `application_id` and calls it once per application; the single-application path calls it with
//! that application's samples. Both get the same numbers from the same code.
//!
//! ## Definitions
//!
//! - **Parsed IP**: the text parses with [`parse_ip`] (surrounding white space ignored; an
//!   IPv4-mapped IPv6 address such as `::ffff:24.0.20.17` is its IPv4 address). Null, empty and
//!   malformed text (`"unknown"`, `"24.0.20"`, `"1.2.3.4/24"`) is *unparsed*.
//! - **Public IP**: a parsed IP that [`is_private_or_reserved`] rejects. Private, shared and
//!   reserved space (RFC 1918, CGNAT, loopback, documentation, …) says nothing about the user's
//!   own network, so such an IP has no range, no kind and no country here, even if the reference
//!   file happens to list a range covering it.
//! - **Range** of a public IP: the most specific (longest-prefix) range of the table containing
//!   it ([`IpRangeTable::lookup`]). An IP in no range has unknown kind and country.
//! - **Anonymising kind**: `hosting`, `vpn` or `proxy` ([`IpKind::is_anonymising`]): the traffic
//!   leaves from someone else's network and hides the user's own.
//! - **Country comparison**: a country code is known when, after trimming, it is two ASCII
//!   letters; it is compared case-insensitively, and `UK` (reserved for the United Kingdom in
//!   ISO 3166) reads as `GB`, on both sides. A blank or malformed `claimed_country` is unknown, as
//!   is the country of a range with an empty `country` field or of an IP in no range; any
//!   comparison with an unknown country is `None`, never `false`.
//! - **Shares** are `part / whole` over the samples named in each field's documentation, in
//!   `0..=1`, and `None` when `whole` is 0. Every share and count is over *samples* (rows), so
//!   an IP seen in five samples weighs five times.
//!
//! ## Cost
//!
//! One binary search per parsed public IP ([`IpRangeTable::lookup`]), no allocation: distinct
//! countries are counted in a fixed 676-bit set (26 × 26 two-letter codes) on the stack. Never
//! panics on input.

use std::net::IpAddr;

use appfraud_core::IpKind;

use crate::reference::ip_ranges::{IpRangeTable, is_private_or_reserved, parse_ip};
use crate::signals::remote_control::TelemetrySample;

/// Network signals of one application. See the module docs for the definitions.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct NetworkSignals {
    /// The application's `ip` parses ([`parse_ip`]).
    pub ip_parsed: bool,
    /// The application's IP is private or reserved ([`is_private_or_reserved`]); `None` when
    /// it is unparsed.
    pub ip_private: Option<bool>,
    /// Kind of the longest-prefix range containing the application's IP; `None` when the IP is
    /// unparsed, private or reserved, or in no range.
    pub ip_kind: Option<IpKind>,
    /// The kind in [`ip_kind`](Self::ip_kind) is anonymising (hosting, VPN, proxy); `None`
    /// exactly when `ip_kind` is `None`.
    pub ip_anonymizing: Option<bool>,
    /// The country of the application IP's range differs from `claimed_country` (module docs:
    /// case-insensitive, `UK` = `GB`); `None` when the range country (no range, private,
    /// unparsed, empty `country` field) or the claimed country is unknown.
    pub ip_country_differs: Option<bool>,

    /// Telemetry samples whose `ip` parses (private ones included; saturates at `u32::MAX`).
    pub tel_ip_samples: u32,
    /// Distinct range countries over the samples with a parsed public IP whose range has a
    /// country (`UK` counted as `GB`); 0 without such a sample.
    pub tel_ip_countries_distinct: u32,
    /// Share of the samples with a parsed public IP whose range has a country in which that
    /// country differs from `claimed_country`; `None` without such a sample or when the claimed
    /// country is unknown.
    pub tel_ip_country_differs_share: Option<f32>,
    /// Share of the samples with a parsed public IP whose range kind is anonymising (hosting,
    /// VPN, proxy). A public IP in no range counts in the whole, as not anonymising; `None`
    /// without a sample with a parsed public IP.
    pub tel_anonymizing_share: Option<f32>,
    /// Share of the samples with a parsed IP (private ones included) whose IP differs from the
    /// application's parsed IP (after [`parse_ip`]'s normalisation, so `::ffff:1.2.3.4` equals
    /// `1.2.3.4`); `None` when the application's IP is unparsed or no sample has a parsed IP.
    pub tel_ip_differs_from_app_share: Option<f32>,
    /// Some sample's public IP lies in a `hosting` range (as its longest prefix).
    pub tel_hosting_seen: bool,
    /// Some sample's public IP lies in a `vpn` range (as its longest prefix).
    pub tel_vpn_seen: bool,
    /// Some sample's public IP lies in a `proxy` range (as its longest prefix).
    pub tel_proxy_seen: bool,
}

/// Computes [`NetworkSignals`] for one application.
///
/// `ip` and `claimed_country` are the application's columns as stored, `telemetry` the
/// application's telemetry rows in any order (only their `ip` is read), `ranges` the parsed
/// `reference/ip_ranges.csv`. Never fails and never panics; see the module docs for the
/// definitions.
pub fn network_signals(
    ip: Option<&str>,
    claimed_country: &str,
    telemetry: &[TelemetrySample<'_>],
    ranges: &IpRangeTable,
) -> NetworkSignals {
    let claimed = country_code(claimed_country);
    let differs = |country: Option<[u8; 2]>| Some(country? != claimed?);

    let app_ip = ip.and_then(parse_ip);
    let app = app_ip.map(|a| classify(a, ranges));
    let mut s = NetworkSignals {
        ip_parsed: app_ip.is_some(),
        ip_private: app.map(|a| a.private),
        ip_kind: app.and_then(|a| a.kind),
        ip_anonymizing: app.and_then(|a| a.kind).map(IpKind::is_anonymising),
        ip_country_differs: differs(app.and_then(|a| a.country)),
        ..NetworkSignals::default()
    };

    let mut countries = CountrySet::default();
    let mut parsed = 0usize;
    let (mut public, mut anonymizing) = (0usize, 0usize);
    let (mut with_country, mut country_differs) = (0usize, 0usize);
    let mut differs_from_app = 0usize;
    for tel_ip in telemetry.iter().filter_map(|t| t.ip) {
        parsed += 1;
        differs_from_app += usize::from(app_ip.is_some_and(|a| a != tel_ip));
        let c = classify(tel_ip, ranges);
        if c.private {
            continue;
        }
        public += 1;
        match c.kind {
            Some(IpKind::Hosting) => s.tel_hosting_seen = true,
            Some(IpKind::Vpn) => s.tel_vpn_seen = true,
            Some(IpKind::Proxy) => s.tel_proxy_seen = true,
            _ => {}
        }
        anonymizing += usize::from(c.kind.is_some_and(IpKind::is_anonymising));
        if let Some(country) = c.country {
            countries.insert(country);
            with_country += 1;
            country_differs += usize::from(differs(Some(country)) == Some(true));
        }
    }
    s.tel_ip_samples = u32::try_from(parsed).unwrap_or(u32::MAX);
    s.tel_ip_countries_distinct = countries.len();
    s.tel_anonymizing_share = ratio(anonymizing, public);
    if claimed.is_some() {
        s.tel_ip_country_differs_share = ratio(country_differs, with_country);
    }
    if app_ip.is_some() {
        s.tel_ip_differs_from_app_share = ratio(differs_from_app, parsed);
    }
    s
}

/// What the table says about one parsed IP.
#[derive(Debug, Clone, Copy)]
struct Classified {
    private: bool,
    kind: Option<IpKind>,
    country: Option<[u8; 2]>,
}

/// Private or reserved IPs are not looked up (module docs).
fn classify(ip: IpAddr, ranges: &IpRangeTable) -> Classified {
    if is_private_or_reserved(ip) {
        return Classified {
            private: true,
            kind: None,
            country: None,
        };
    }
    let range = ranges.lookup(ip);
    Classified {
        private: false,
        kind: range.map(|r| r.kind),
        country: range
            .and_then(|r| r.country.as_deref())
            .and_then(country_code),
    }
}

/// Upper-case two-letter code of a trimmed country code, `UK` read as `GB`; `None` unless it is
/// two ASCII letters.
fn country_code(country: &str) -> Option<[u8; 2]> {
    let &[a, b] = country.trim().as_bytes() else {
        return None;
    };
    if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
        return None;
    }
    let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
    Some(if code == *b"UK" { *b"GB" } else { code })
}

/// `part / whole` as `f32`, `None` when `whole` is 0. The quotient is taken in `f64` (exact
/// for any count below 2^53) and rounded once to `f32`.
fn ratio(part: usize, whole: usize) -> Option<f32> {
    (whole > 0).then(|| (part as f64 / whole as f64) as f32)
}

/// A set of upper-case two-letter country codes: one bit per code, 26 × 26 = 676 bits.
#[derive(Debug, Default)]
struct CountrySet {
    bits: [u64; 11],
}

impl CountrySet {
    /// Inserts an upper-case ASCII code; anything else is ignored.
    fn insert(&mut self, code: [u8; 2]) {
        let [a, b] = code;
        if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() {
            return;
        }
        let index = usize::from(a - b'A') * 26 + usize::from(b - b'A');
        if let Some(word) = self.bits.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }

    fn len(&self) -> u32 {
        self.bits.iter().map(|w| w.count_ones()).sum()
    }
}

#[cfg(test)]
mod tests;
