//! `reference/ip_ranges.csv`: CIDR ranges with their ASN, organisation, kind and country, and
//! longest-prefix lookup of an IP address in them.
//!
//! # Data structure
//!
//! Two CIDR networks are either disjoint or one contains the other. So the `n` ranges of one
//! address family cut the address line into at most `2n + 1` disjoint segments, on each of which
//! the most specific (longest-prefix) range is the same. Per family the table keeps the sorted
//! first address of every segment (`Vec<u32>` for IPv4, `Vec<u128>` for IPv6) and, in a parallel
//! vector, the range that wins on it (or none). A lookup is one binary search over those starts:
//! `O(log n)` comparisons of plain integers, no allocation, no hashing, and no dependence on how
//! many different prefix lengths the file uses.
//!
//! Building sorts the ranges by (first address, prefix length) and sweeps them with a stack of
//! the open ranges, each nested in the one below it: `O(n log n)` time, `O(n)` memory.
//!
//! IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are looked up as the IPv4 address they carry,
//! so the same client gets the same answer whichever way its address was logged.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use appfraud_core::IpKind;
use appfraud_core::schema::IP_RANGES;

use crate::IngestError;

// Column names come from the contract in `appfraud_core::schema`, in its order.
const COL_CIDR: &str = IP_RANGES.columns[0];
const COL_ASN: &str = IP_RANGES.columns[1];
const COL_ORG: &str = IP_RANGES.columns[2];
const COL_KIND: &str = IP_RANGES.columns[3];
const COL_COUNTRY: &str = IP_RANGES.columns[4];

/// A CIDR network: a network address whose bits below the prefix are all zero, and the prefix
/// length (`0..=32` for IPv4, `0..=128` for IPv6).
///
/// Only [`IpRangeTable`] builds one, from a validated `cidr` value, so that invariant always
/// holds. It displays in canonical form (`24.0.16.0/20`, `2a01:2c0::/32`), which may differ in
/// spelling from the file (`2a01:02c0:0::/32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr {
    network: IpAddr,
    prefix_len: u8,
}

impl Cidr {
    /// The network address, which is also the first address of the range.
    pub fn network(&self) -> IpAddr {
        self.network
    }

    /// The prefix length: `0..=32` for IPv4, `0..=128` for IPv6.
    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// The last address of the range (all host bits set).
    pub fn last(&self) -> IpAddr {
        match self.network {
            IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) | !mask_v4(self.prefix_len))),
            IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) | !mask_v6(self.prefix_len))),
        }
    }

    /// Whether `ip` lies in the range. An IPv4-mapped IPv6 address counts as its IPv4 address,
    /// as in [`IpRangeTable::lookup`]; an address of the other family is never contained.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                u32::from(a) & mask_v4(self.prefix_len) == u32::from(n)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                u128::from(a) & mask_v6(self.prefix_len) == u128::from(n)
            }
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix_len)
    }
}

/// One row of `reference/ip_ranges.csv`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IpRangeInfo {
    /// The range (`cidr`).
    pub cidr: Cidr,
    /// Autonomous system number (`asn`); `None` when the field is empty.
    pub asn: Option<u32>,
    /// Organisation holding the range (`org`), never empty.
    pub org: String,
    /// Kind of network (`kind`).
    pub kind: IpKind,
    /// ISO 3166-1 alpha-2 country, two upper-case letters (`country`); `None` when empty.
    pub country: Option<String>,
}

/// The ranges of `reference/ip_ranges.csv` with longest-prefix lookup.
///
/// Immutable once built; share it behind an `Arc` (it is `Send + Sync`). See the module docs for
/// the data structure and its costs.
#[derive(Debug, Clone)]
pub struct IpRangeTable {
    /// Distinct ranges in file order.
    entries: Vec<IpRangeInfo>,
    v4: Segments<u32>,
    v6: Segments<u128>,
}

impl IpRangeTable {
    /// Reads and validates the file at `path`; errors name that path.
    ///
    /// # Errors
    ///
    /// [`IngestError::Unreadable`] when the file cannot be opened or read, and every
    /// error of [`IpRangeTable::from_reader`].
    pub fn from_csv_path(path: &Path) -> Result<Self, IngestError> {
        let file = File::open(path).map_err(|e| IngestError::Unreadable {
            file: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Self::from_reader(path, file)
    }

    /// Reads and validates `ip_ranges.csv` text from `reader`; `name_for_errors` is the file
    /// named in errors.
    ///
    /// The text is UTF-8 CSV (RFC 4180 quoting, `\n` or `\r\n` line ends, an optional byte-order
    /// mark; empty lines are skipped) whose header holds the columns `cidr,asn,org,kind,country`
    /// spelled exactly, in any order; extra columns are ignored. Per row:
    ///
    /// - `cidr`: `address/prefix` with an IPv4 or IPv6 address (any valid spelling), a decimal
    ///   prefix without leading zeros, and no host bits set below the prefix.
    /// - `asn`: a decimal `u32`, or empty.
    /// - `org`: any text but empty.
    /// - `kind`: one of `residential`, `mobile`, `business`, `hosting`, `vpn`, `proxy`.
    /// - `country`: two upper-case ASCII letters, or empty.
    ///
    /// A network that appears twice with identical data is kept once; with different data it is
    /// an error. Rows are checked in file order and, within a row, in the column order above, so
    /// the error reports the first offence.
    ///
    /// # Errors
    ///
    /// [`IngestError::Unreadable`] (I/O), [`IngestError::Empty`] (no header),
    /// [`IngestError::MalformedCsv`] (quoting, a header column named twice),
    /// [`IngestError::RaggedRow`], [`IngestError::InvalidUtf8`],
    /// [`IngestError::MissingHeaderColumn`],
    /// [`IngestError::MalformedCidr`], [`IngestError::PrefixOutOfRange`],
    /// [`IngestError::UnknownKind`], [`IngestError::InvalidValue`] (`asn`, `org`, `country`) and
    /// [`IngestError::ConflictingDuplicate`]. Rows are 0-based data rows.
    pub fn from_reader(
        name_for_errors: impl Into<PathBuf>,
        reader: impl Read,
    ) -> Result<Self, IngestError> {
        let file = name_for_errors.into();
        let entries = parse_rows(&file, reader)?;
        Ok(Self::from_entries(entries))
    }

    fn from_entries(entries: Vec<IpRangeInfo>) -> Self {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for (index, info) in entries.iter().enumerate() {
            let len = info.cidr.prefix_len;
            match info.cidr.network {
                IpAddr::V4(a) => {
                    let first = u32::from(a);
                    v4.push((first, first | !mask_v4(len), len, index));
                }
                IpAddr::V6(a) => {
                    let first = u128::from(a);
                    v6.push((first, first | !mask_v6(len), len, index));
                }
            }
        }
        Self {
            entries,
            v4: Segments::build(v4),
            v6: Segments::build(v6),
        }
    }

    /// The most specific range containing `ip`, or `None` when no range does (unknown kind and
    /// country). An IPv4-mapped IPv6 address is looked up as its IPv4 address; IPv4 and IPv6
    /// ranges never match an address of the other family. `O(log n)`, allocation-free.
    pub fn lookup(&self, ip: IpAddr) -> Option<&IpRangeInfo> {
        let index = match ip.to_canonical() {
            IpAddr::V4(a) => self.v4.find(u32::from(a)),
            IpAddr::V6(a) => self.v6.find(u128::from(a)),
        }?;
        self.entries.get(index)
    }

    /// Number of distinct ranges.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no range (every lookup is `None`).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The distinct ranges in file order (an exact repeat appears once, at its first row).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &IpRangeInfo> {
        self.entries.iter()
    }
}

/// Parses an IP address as found in `applications.ip` and `telemetry.ip`.
///
/// Surrounding whitespace is ignored. Accepts dotted-quad IPv4 (no leading zeros) and IPv6 in
/// any standard form (compressed `::`, embedded IPv4), without zone (`%eth0`) or brackets. An
/// IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is returned as its IPv4 address. Anything else
/// (`""`, `"unknown"`, `"192.168.1"`, `"10.0.0.256"`, `"::ffff:zz"`, `"1.2.3.4/24"`) is `None`.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    text.trim()
        .parse::<IpAddr>()
        .ok()
        .map(|ip| ip.to_canonical())
}

/// IPv4 special-purpose blocks (RFC 6890 registry) that say nothing about a user's own network.
const SPECIAL_V4: [(Ipv4Addr, u8); 14] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network" (RFC 791)
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private (RFC 1918)
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // carrier-grade NAT (RFC 6598)
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback (RFC 1122)
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local (RFC 3927)
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private (RFC 1918)
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments (RFC 6890)
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation TEST-NET-1 (RFC 5737)
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private (RFC 1918)
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking (RFC 2544)
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation TEST-NET-2 (RFC 5737)
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation TEST-NET-3 (RFC 5737)
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast (RFC 5771)
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, incl. broadcast (RFC 1112, RFC 919)
];

/// IPv6 special-purpose blocks that say nothing about a user's own network.
const SPECIAL_V6: [(Ipv6Addr, u8); 10] = [
    (Ipv6Addr::UNSPECIFIED, 128), // unspecified (RFC 4291)
    (Ipv6Addr::LOCALHOST, 128),   // loopback (RFC 4291)
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64), // discard-only (RFC 6666)
    (Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48), // benchmarking (RFC 5180)
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation (RFC 3849)
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation (RFC 9637)
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7), // unique local (RFC 4193)
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10), // link-local (RFC 4291)
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10), // site-local, deprecated (RFC 3879)
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8), // multicast (RFC 4291)
];

/// Whether `ip` is private, shared or reserved address space, which the network family treats as
/// an unknown network rather than as any kind of ISP.
///
/// IPv4: `0.0.0.0/8`, RFC 1918 (`10/8`, `172.16/12`, `192.168/16`), carrier-grade NAT
/// `100.64/10`, loopback `127/8`, link-local `169.254/16`, `192.0.0/24`, documentation
/// (`192.0.2/24`, `198.51.100/24`, `203.0.113/24`), benchmarking `198.18/15`, multicast
/// `224/4` and reserved `240/4` (with the broadcast address). IPv6: `::`, `::1`, discard
/// `100::/64`, benchmarking `2001:2::/48`, documentation (`2001:db8::/32`, `3fff::/20`), unique
/// local `fc00::/7`, link-local `fe80::/10`, site-local `fec0::/10` and multicast `ff00::/8`.
/// An IPv4-mapped IPv6 address is judged as its IPv4 address.
pub fn is_private_or_reserved(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(a) => SPECIAL_V4
            .iter()
            .any(|&(net, len)| u32::from(a) & mask_v4(len) == u32::from(net)),
        IpAddr::V6(a) => SPECIAL_V6
            .iter()
            .any(|&(net, len)| u128::from(a) & mask_v6(len) == u128::from(net)),
    }
}

/// Network mask of an IPv4 prefix length (`0` for `/0`; lengths above 32 give all ones).
fn mask_v4(prefix_len: u8) -> u32 {
    u32::MAX
        .checked_shl(32u32.saturating_sub(u32::from(prefix_len)))
        .unwrap_or(0)
}

/// Network mask of an IPv6 prefix length (`0` for `/0`; lengths above 128 give all ones).
fn mask_v6(prefix_len: u8) -> u128 {
    u128::MAX
        .checked_shl(128u32.saturating_sub(u32::from(prefix_len)))
        .unwrap_or(0)
}

/// Why a `cidr` value is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CidrProblem {
    Malformed(String),
    PrefixOutOfRange { max: u8 },
}

fn parse_cidr(text: &str) -> Result<Cidr, CidrProblem> {
    use CidrProblem::Malformed;
    let Some((address, prefix)) = text.split_once('/') else {
        return Err(Malformed("no `/prefix`".to_string()));
    };
    let network: IpAddr = address
        .parse()
        .map_err(|_| Malformed(format!("{address:?} is not an IPv4 or IPv6 address")))?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Malformed(format!(
            "prefix length {prefix:?} is not a decimal number"
        )));
    }
    if prefix.len() > 1 && prefix.starts_with('0') {
        return Err(Malformed(format!(
            "prefix length {prefix:?} has a leading zero"
        )));
    }
    let max = if network.is_ipv4() { 32 } else { 128 };
    // Only digits and no leading zero, so a parse failure means a number above 255.
    let prefix_len = match prefix.parse::<u8>() {
        Ok(len) if len <= max => len,
        _ => return Err(CidrProblem::PrefixOutOfRange { max }),
    };
    let masked = match network {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask_v4(prefix_len))),
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask_v6(prefix_len))),
    };
    if masked != network {
        return Err(Malformed(format!(
            "host bits are set below the prefix; the network is {masked}/{prefix_len}"
        )));
    }
    if let IpAddr::V6(a) = network
        && prefix_len >= 96
        && let Some(v4) = a.to_ipv4_mapped()
    {
        return Err(Malformed(format!(
            "an IPv4-mapped IPv6 range is never matched (such addresses are looked up as \
             IPv4); write {v4}/{}",
            prefix_len - 96
        )));
    }
    Ok(Cidr {
        network,
        prefix_len,
    })
}

/// `asn`: empty, or a decimal `u32` (digits only).
fn parse_asn(text: &str) -> Result<Option<u32>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected a decimal number such as 64601 (no `AS` prefix), or empty".into());
    }
    text.parse::<u32>()
        .map(Some)
        .map_err(|_| format!("larger than {}", u32::MAX))
}

/// `country`: empty, or two upper-case ASCII letters.
fn parse_country(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(Some(text.to_string()))
    } else {
        Err("expected an ISO 3166-1 alpha-2 code in upper case (e.g. US), or empty".into())
    }
}

/// Validated, deduplicated rows of the CSV text in `reader`, in file order.
fn parse_rows(file: &Path, reader: impl Read) -> Result<Vec<IpRangeInfo>, IngestError> {
    let mut entries: Vec<IpRangeInfo> = Vec::new();
    // Network → (index in `entries`, data row where it first appeared).
    let mut seen: HashMap<Cidr, (usize, usize)> = HashMap::new();
    crate::csv::for_each_row(file, reader, IP_RANGES.columns, |row, values| {
        let info = parse_row(file, row, values)?;
        match seen.entry(info.cidr) {
            Entry::Vacant(slot) => {
                slot.insert((entries.len(), row));
                entries.push(info);
            }
            Entry::Occupied(slot) => {
                let (index, first_row) = *slot.get();
                let column = entries
                    .get(index)
                    .and_then(|first| first_difference(first, &info));
                if let Some(column) = column {
                    return Err(IngestError::ConflictingDuplicate {
                        file: file.to_path_buf(),
                        row,
                        first_row,
                        column,
                        value: field(values, COL_CIDR).to_string(),
                    });
                }
            }
        }
        Ok(())
    })?;
    Ok(entries)
}

/// The value of contract column `column` among `values` (in contract order).
fn field<'a>(values: &[&'a str], column: &str) -> &'a str {
    IP_RANGES
        .columns
        .iter()
        .position(|&c| c == column)
        .and_then(|at| values.get(at).copied())
        .unwrap_or_default()
}

fn parse_row(file: &Path, row: usize, values: &[&str]) -> Result<IpRangeInfo, IngestError> {
    let invalid = |column: &'static str, value: &str, reason: String| IngestError::InvalidValue {
        file: file.to_path_buf(),
        row,
        column,
        value: value.to_string(),
        reason,
    };

    let text = field(values, COL_CIDR);
    let cidr = parse_cidr(text).map_err(|problem| match problem {
        CidrProblem::Malformed(reason) => IngestError::MalformedCidr {
            file: file.to_path_buf(),
            row,
            column: COL_CIDR,
            value: text.to_string(),
            reason,
        },
        CidrProblem::PrefixOutOfRange { max } => IngestError::PrefixOutOfRange {
            file: file.to_path_buf(),
            row,
            column: COL_CIDR,
            value: text.to_string(),
            max,
        },
    })?;

    let text = field(values, COL_ASN);
    let asn = parse_asn(text).map_err(|reason| invalid(COL_ASN, text, reason))?;

    let org = field(values, COL_ORG);
    if org.is_empty() {
        return Err(invalid(COL_ORG, org, "must not be empty".to_string()));
    }

    let text = field(values, COL_KIND);
    let kind = text
        .parse::<IpKind>()
        .map_err(|_| IngestError::UnknownKind {
            file: file.to_path_buf(),
            row,
            column: COL_KIND,
            value: text.to_string(),
            expected: IpKind::ALL.map(IpKind::as_str).join(", "),
        })?;

    let text = field(values, COL_COUNTRY);
    let country = parse_country(text).map_err(|reason| invalid(COL_COUNTRY, text, reason))?;

    Ok(IpRangeInfo {
        cidr,
        asn,
        org: org.to_string(),
        kind,
        country,
    })
}

/// The first column, in contract order, in which two rows for the same network differ.
fn first_difference(a: &IpRangeInfo, b: &IpRangeInfo) -> Option<&'static str> {
    if a.asn != b.asn {
        Some(COL_ASN)
    } else if a.org != b.org {
        Some(COL_ORG)
    } else if a.kind != b.kind {
        Some(COL_KIND)
    } else if a.country != b.country {
        Some(COL_COUNTRY)
    } else {
        None
    }
}

/// An address of one family as an unsigned integer.
trait Address: Copy + Ord {
    /// The next address, `None` past the last one.
    fn successor(self) -> Option<Self>;
}

impl Address for u32 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

impl Address for u128 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

/// Marks a segment that no range covers.
const NO_RANGE: usize = usize::MAX;

/// The address line of one family cut into segments with a constant most specific range.
///
/// Invariants: `starts` is strictly increasing and as long as `ranges`; segment `i` covers
/// `starts[i] ..= starts[i + 1] - 1` (the last one runs to the end of the family); addresses
/// below `starts[0]` are in no range; no two neighbours have the same range.
#[derive(Debug, Clone)]
struct Segments<A> {
    starts: Vec<A>,
    ranges: Vec<usize>,
}

impl<A: Address> Segments<A> {
    /// `ranges`: `(first, last, prefix_len, entry)` of distinct CIDR networks of one family, so
    /// any two are disjoint or nested.
    fn build(mut ranges: Vec<(A, A, u8, usize)>) -> Self {
        // Containing ranges before the ranges they contain.
        ranges.sort_unstable_by_key(|&(first, _, prefix_len, _)| (first, prefix_len));
        let mut cuts: Vec<(A, usize)> = Vec::with_capacity(2 * ranges.len() + 1);
        // Open ranges as (last, entry); each is nested in the one below it.
        let mut open: Vec<(A, usize)> = Vec::new();
        let close = |open: &mut Vec<(A, usize)>, cuts: &mut Vec<(A, usize)>| {
            if let Some((last, _)) = open.pop()
                && let Some(resume) = last.successor()
            {
                cuts.push((resume, open.last().map_or(NO_RANGE, |&(_, entry)| entry)));
            }
        };
        for (first, last, _, entry) in ranges {
            while open.last().is_some_and(|&(open_last, _)| open_last < first) {
                close(&mut open, &mut cuts);
            }
            // What stays open contains `first`, hence (nested or disjoint) all of this range.
            cuts.push((first, entry));
            open.push((last, entry));
        }
        while !open.is_empty() {
            close(&mut open, &mut cuts);
        }

        // `cuts` is sorted by start; at equal starts the later cut wins.
        let mut starts: Vec<A> = Vec::with_capacity(cuts.len());
        let mut winners: Vec<usize> = Vec::with_capacity(cuts.len());
        for (start, entry) in cuts {
            if starts.last() == Some(&start) {
                starts.pop();
                winners.pop();
            }
            if winners.last() != Some(&entry) {
                starts.push(start);
                winners.push(entry);
            }
        }
        Self {
            starts,
            ranges: winners,
        }
    }

    /// Entry index of the most specific range containing `address`.
    fn find(&self, address: A) -> Option<usize> {
        let segment = self
            .starts
            .partition_point(|&start| start <= address)
            .checked_sub(1)?;
        self.ranges
            .get(segment)
            .copied()
            .filter(|&entry| entry != NO_RANGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_columns_in_contract_order() {
        assert_eq!(
            [COL_CIDR, COL_ASN, COL_ORG, COL_KIND, COL_COUNTRY],
            ["cidr", "asn", "org", "kind", "country"]
        );
    }

    #[test]
    fn table_is_send_and_sync() {
        fn shareable<T: Send + Sync>() {}
        shareable::<IpRangeTable>();
    }

    #[test]
    fn masks_at_the_extremes() {
        assert_eq!(mask_v4(0), 0);
        assert_eq!(mask_v4(1), 0x8000_0000);
        assert_eq!(mask_v4(32), u32::MAX);
        assert_eq!(mask_v6(0), 0);
        assert_eq!(mask_v6(128), u128::MAX);
        assert_eq!(mask_v6(127), u128::MAX - 1);
    }

    #[test]
    fn cidr_problems() {
        let malformed = |s: &str| match parse_cidr(s) {
            Err(CidrProblem::Malformed(reason)) => reason,
            other => panic!("{s}: {other:?}"),
        };
        assert!(malformed("10.0.0.0").contains("no `/prefix`"));
        assert!(malformed("10.0.0/8").contains("not an IPv4 or IPv6"));
        assert!(malformed("10.0.0.0/").contains("not a decimal"));
        assert!(malformed("10.0.0.0/+8").contains("not a decimal"));
        assert!(malformed("10.0.0.0/ 8").contains("not a decimal"));
        assert!(malformed("10.0.0.0/08").contains("leading zero"));
        assert!(malformed("10.0.0.1/8").contains("the network is 10.0.0.0/8"));
        assert!(malformed("2a01::1/32").contains("the network is 2a01::/32"));
        assert!(malformed("::ffff:10.0.0.0/104").contains("write 10.0.0.0/8"));
        assert!(malformed("fe80::%eth0/64").contains("not an IPv4 or IPv6"));
        let out = |s: &str| parse_cidr(s);
        assert_eq!(
            out("10.0.0.0/33"),
            Err(CidrProblem::PrefixOutOfRange { max: 32 })
        );
        assert_eq!(
            out("::/129"),
            Err(CidrProblem::PrefixOutOfRange { max: 128 })
        );
        assert_eq!(
            out("::/99999999999999999999"),
            Err(CidrProblem::PrefixOutOfRange { max: 128 })
        );
        // A range that merely contains the mapped block is an ordinary IPv6 range.
        assert_eq!(out("::/64").map(|c| c.to_string()), Ok("::/64".to_string()));
        assert_eq!(out("0.0.0.0/0").map(|c| c.prefix_len()), Ok(0));
    }

    #[test]
    fn segments_of_nested_ranges_sharing_ends() {
        // [0, 99] ⊃ [0, 9] and [90, 99]; [200, 255] alone at the very top of a u32 stand-in.
        let segments = Segments::<u32>::build(vec![
            (90, 99, 2, 2),
            (0, 99, 1, 0),
            (0, 9, 2, 1),
            (u32::MAX - 55, u32::MAX, 26, 3),
        ]);
        assert_eq!(segments.starts, vec![0, 10, 90, 100, u32::MAX - 55]);
        assert_eq!(segments.ranges, vec![1, 0, 2, NO_RANGE, 3]);
        assert_eq!(segments.find(u32::MAX), Some(3));
        assert_eq!(segments.find(150), None);
    }

    #[test]
    fn empty_segments_find_nothing() {
        let segments = Segments::<u128>::build(Vec::new());
        assert_eq!(segments.find(0), None);
        assert_eq!(segments.find(u128::MAX), None);
    }
}
