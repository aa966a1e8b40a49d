//! The IP address space of the synthetic world and `reference/ip_ranges.csv`.
//!
//! Layout (fixed, independent of the seed, like a real registry snapshot):
//!
//! - every claimed country has two residential ISPs (an IPv4 /14 and an IPv6 /32 each) and a
//!   mobile carrier (IPv4 /16 behind carrier-grade NAT, so many subscribers share few addresses,
//!   and an IPv6 /32); the first ISP's business customers sit in a /20 **nested inside** its
//!   residential /14 (longest prefix wins);
//! - hosting providers own IPv4 /15s and IPv6 /32s; VPN exits are /24s (and IPv6 /48s)
//!   **nested inside** hosting space; privacy-relay egress (kind `proxy`) exists per country and
//!   Tor exits are `proxy` too;
//! - a satellite ISP is an ordinary `residential` range: its users are known by their latency;
//! - addresses under 185.0.0.0/8 and 2c0f::/16 belong to small networks that are in no range:
//!   their kind and country are unknown.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use appfraud_core::IpKind;

use crate::geo::COUNTRIES;
use crate::rng::{Rng, mix64};
use crate::write::csv_field;

#[derive(Debug, Clone, Copy)]
enum Net {
    V4 { base: u32, prefix: u8 },
    V6 { base: u128, prefix: u8 },
}

/// One row of `reference/ip_ranges.csv`.
#[derive(Debug, Clone)]
pub(crate) struct IpRange {
    net: Net,
    pub asn: u32,
    pub org: String,
    pub kind: IpKind,
    pub country: &'static str,
}

impl IpRange {
    pub(crate) fn cidr(&self) -> String {
        match self.net {
            Net::V4 { base, prefix } => format!("{}/{prefix}", Ipv4Addr::from(base)),
            Net::V6 { base, prefix } => format!("{}/{prefix}", Ipv6Addr::from(base)),
        }
    }

    /// Address number `slot` of the range: the same slot always gives the same address, so
    /// actors that draw slots from a small pool share addresses (NAT, VPN exits, farms).
    pub(crate) fn address(&self, slot: u64) -> String {
        let h = mix64(slot ^ u64::from(self.asn).rotate_left(17));
        match self.net {
            Net::V4 { base, prefix } => {
                let size = 1u64 << (32 - prefix);
                let host = 1 + h % (size - 2);
                Ipv4Addr::from(base + host as u32).to_string()
            }
            Net::V6 { base, prefix } => {
                let host_bits = 128 - u32::from(prefix);
                let r = (u128::from(h) << 64) | u128::from(mix64(h));
                let mask = if host_bits >= 128 {
                    u128::MAX
                } else {
                    (1u128 << host_bits) - 1
                };
                Ipv6Addr::from(base | (r & mask)).to_string()
            }
        }
    }

    fn is_v6(&self) -> bool {
        matches!(self.net, Net::V6 { .. })
    }
}

/// All ranges plus indexes by use.
#[derive(Debug)]
pub(crate) struct Network {
    pub ranges: Vec<IpRange>,
    /// Per claimed country (index into `COUNTRIES`): residential v4, residential v6, mobile v4,
    /// mobile v6, business v4 (range indexes).
    residential_v4: Vec<Vec<usize>>,
    residential_v6: Vec<Vec<usize>>,
    mobile_v4: Vec<usize>,
    mobile_v6: Vec<usize>,
    business: Vec<usize>,
    relay: Vec<usize>,
    hosting: Vec<usize>,
    vpn: Vec<usize>,
    tor: Vec<usize>,
    satellite: usize,
}

/// What kind of address an actor wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Residential,
    Mobile,
    Business,
    Relay,
    Hosting,
    Vpn,
    Tor,
    Satellite,
}

const ISP_WORDS: &[&str] = &["Telecom", "Broadband", "Fiber", "Cable", "Net", "Online"];

impl Network {
    pub(crate) fn build() -> Network {
        let mut ranges = Vec::new();
        let mut next_v4: u32 = u32::from(Ipv4Addr::new(24, 0, 0, 0));
        let mut next_v6_top: u32 = 0x2a01_0000;
        let mut asn = 64_600u32;
        let mut alloc_v4 = |prefix: u8| {
            let size = 1u32 << (32 - prefix);
            next_v4 = next_v4.div_ceil(size) * size;
            let base = next_v4;
            next_v4 += size;
            Net::V4 { base, prefix }
        };
        let mut alloc_v6 = || {
            let base = u128::from(next_v6_top) << 96;
            next_v6_top += 0x10;
            Net::V6 { base, prefix: 32 }
        };
        let mut push = |ranges: &mut Vec<IpRange>, net, org: String, kind, country| {
            asn += 1;
            ranges.push(IpRange {
                net,
                asn,
                org,
                kind,
                country,
            });
            ranges.len() - 1
        };

        let n = COUNTRIES.len();
        let mut residential_v4 = vec![Vec::new(); n];
        let mut residential_v6 = vec![Vec::new(); n];
        let mut mobile_v4 = Vec::with_capacity(n);
        let mut mobile_v6 = Vec::with_capacity(n);
        let mut business = Vec::with_capacity(n);
        let mut relay = Vec::with_capacity(n);
        for (ci, c) in COUNTRIES.iter().enumerate() {
            for isp in 0..2 {
                let org = format!(
                    "{} {} {}",
                    c.code,
                    ISP_WORDS[(ci + isp) % ISP_WORDS.len()],
                    ["One", "Plus"][isp]
                );
                let net = alloc_v4(14);
                let r = push(&mut ranges, net, org.clone(), IpKind::Residential, c.code);
                residential_v4[ci].push(r);
                if isp == 0 {
                    // Business customers of the first ISP: nested inside its residential /14.
                    let Net::V4 { base, .. } = net else {
                        unreachable!()
                    };
                    let b = push(
                        &mut ranges,
                        Net::V4 {
                            base: base + (1 << 12),
                            prefix: 20,
                        },
                        format!("{org} Business"),
                        IpKind::Business,
                        c.code,
                    );
                    business.push(b);
                }
                let r6 = push(&mut ranges, alloc_v6(), org, IpKind::Residential, c.code);
                residential_v6[ci].push(r6);
            }
            let org = format!("{} Mobile", c.code);
            mobile_v4.push(push(
                &mut ranges,
                alloc_v4(16),
                org.clone(),
                IpKind::Mobile,
                c.code,
            ));
            mobile_v6.push(push(&mut ranges, alloc_v6(), org, IpKind::Mobile, c.code));
            relay.push(push(
                &mut ranges,
                alloc_v4(22),
                "Private Relay".into(),
                IpKind::Proxy,
                c.code,
            ));
        }
        let satellite = push(
            &mut ranges,
            alloc_v4(16),
            "Orbital Broadband".into(),
            IpKind::Residential,
            "US",
        );

        let mut hosting = Vec::new();
        let mut vpn = Vec::new();
        let mut tor = Vec::new();
        let hosts = [
            ("Nimbus Cloud", "US"),
            ("Stratus Hosting", "DE"),
            ("Bitforge Servers", "NL"),
            ("Lumen Compute", "SG"),
        ];
        let vpns = ["ShieldWay VPN", "Veilnet VPN", "Tunnelbear Labs VPN"];
        let vpn_countries = [
            "US", "US", "GB", "NL", "DE", "CH", "SE", "JP", "CA", "US", "FR", "SG",
        ];
        for (hi, (org, country)) in hosts.iter().enumerate() {
            let net = alloc_v4(15);
            hosting.push(push(
                &mut ranges,
                net,
                (*org).into(),
                IpKind::Hosting,
                country,
            ));
            let net6 = alloc_v6();
            hosting.push(push(
                &mut ranges,
                net6,
                (*org).into(),
                IpKind::Hosting,
                country,
            ));
            let (Net::V4 { base, .. }, Net::V6 { base: base6, .. }) = (net, net6) else {
                unreachable!()
            };
            // VPN exits rent servers from hosting providers: /24s nested in the provider's /15.
            for (vi, vorg) in vpns.iter().enumerate() {
                for k in 0..4u32 {
                    let idx = vi * 4 + k as usize;
                    let c = vpn_countries[(idx + hi * 3) % vpn_countries.len()];
                    let sub = base + ((17 + 8 * vi as u32 + k) << 8);
                    vpn.push(push(
                        &mut ranges,
                        Net::V4 {
                            base: sub,
                            prefix: 24,
                        },
                        (*vorg).into(),
                        IpKind::Vpn,
                        c,
                    ));
                }
                let sub6 = base6 | ((0x100 + vi as u128) << 80);
                vpn.push(push(
                    &mut ranges,
                    Net::V6 {
                        base: sub6,
                        prefix: 48,
                    },
                    (*vorg).into(),
                    IpKind::Vpn,
                    country,
                ));
            }
            let t = base + ((200 + hi as u32) << 8);
            tor.push(push(
                &mut ranges,
                Net::V4 {
                    base: t,
                    prefix: 24,
                },
                "Tor exit relays".into(),
                IpKind::Proxy,
                country,
            ));
        }
        Network {
            ranges,
            residential_v4,
            residential_v6,
            mobile_v4,
            mobile_v6,
            business,
            relay,
            hosting,
            vpn,
            tor,
            satellite,
        }
    }

    /// A range of the wanted access for someone in country `ci`; `v6` asks for IPv6 where the
    /// range kind has it.
    pub(crate) fn range_for(&self, access: Access, ci: usize, v6: bool, rng: &mut Rng) -> usize {
        match access {
            Access::Residential if v6 => *rng.pick(&self.residential_v6[ci]),
            Access::Residential => *rng.pick(&self.residential_v4[ci]),
            Access::Mobile if v6 => self.mobile_v6[ci],
            Access::Mobile => self.mobile_v4[ci],
            Access::Business => self.business[ci],
            Access::Relay => self.relay[ci],
            Access::Hosting => {
                let v: Vec<usize> = self
                    .hosting
                    .iter()
                    .copied()
                    .filter(|&r| self.ranges[r].is_v6() == v6)
                    .collect();
                *rng.pick(&v)
            }
            Access::Vpn => {
                let v: Vec<usize> = self
                    .vpn
                    .iter()
                    .copied()
                    .filter(|&r| self.ranges[r].is_v6() == v6)
                    .collect();
                *rng.pick(&v)
            }
            Access::Tor => *rng.pick(&self.tor),
            Access::Satellite => self.satellite,
        }
    }

    /// An address of `access` for country `ci`, drawn from a pool of `pool` addresses per range
    /// (small pools make strangers share addresses: NAT, VPN exits).
    pub(crate) fn address(
        &self,
        access: Access,
        ci: usize,
        v6: bool,
        pool: u64,
        rng: &mut Rng,
    ) -> String {
        let r = self.range_for(access, ci, v6, rng);
        self.ranges[r].address(rng.range(0, pool))
    }

    /// Address `slot` of range `r`.
    pub(crate) fn address_in(&self, r: usize, slot: u64) -> String {
        self.ranges[r].address(slot)
    }

    /// `reference/ip_ranges.csv` as text.
    pub(crate) fn to_csv(&self) -> String {
        let mut out = String::from("cidr,asn,org,kind,country\n");
        for r in &self.ranges {
            let _ = writeln!(
                out,
                "{},{},{},{},{}",
                r.cidr(),
                r.asn,
                csv_field(&r.org),
                r.kind.as_str(),
                r.country
            );
        }
        out
    }
}

/// An address in no listed range.
pub(crate) fn unlisted_address(v6: bool, rng: &mut Rng) -> String {
    if v6 {
        let r = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
        Ipv6Addr::from((0x2c0fu128 << 112) | (r >> 16)).to_string()
    } else {
        Ipv4Addr::from(
            u32::from(Ipv4Addr::new(185, 0, 0, 0)) | (rng.next_u64() as u32 & 0x00ff_ffff),
        )
        .to_string()
    }
}

/// Host `host` of the /24 that holds IPv4 address `base_addr` ("24.1.2.9", 17 → "24.1.2.17"):
/// a farm's rotating addresses share its network part.
pub(crate) fn v4_slash24_address(base_addr: &str, host: u8) -> String {
    match base_addr.rsplit_once('.') {
        Some((net, _)) => format!("{net}.{}", host.max(1)),
        None => base_addr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_v4(cidr: &str) -> (u32, u8) {
        let (a, p) = cidr.split_once('/').unwrap();
        (
            u32::from(a.parse::<Ipv4Addr>().unwrap()),
            p.parse().unwrap(),
        )
    }

    #[test]
    fn ranges_are_aligned_and_nested_only_where_intended() {
        let net = Network::build();
        let v4: Vec<(u32, u8, IpKind)> = net
            .ranges
            .iter()
            .filter(|r| !r.is_v6())
            .map(|r| {
                let (b, p) = parse_v4(&r.cidr());
                (b, p, r.kind)
            })
            .collect();
        for (b, p, _) in &v4 {
            assert_eq!(
                b & ((1u64 << (32 - p)) - 1) as u32,
                0,
                "unaligned {b:x}/{p}"
            );
        }
        let mut nested = 0;
        for (i, (b1, p1, k1)) in v4.iter().enumerate() {
            for (j, (b2, p2, k2)) in v4.iter().enumerate() {
                if i == j || p2 <= p1 {
                    continue;
                }
                let mask = if *p1 == 0 { 0 } else { u32::MAX << (32 - p1) };
                if b2 & mask == *b1 {
                    nested += 1;
                    assert_ne!(k1, k2, "nesting only changes the kind");
                }
            }
        }
        assert!(nested > 20, "VPN and business ranges are nested: {nested}");
    }

    #[test]
    fn addresses_fall_inside_their_range() {
        let net = Network::build();
        for r in net.ranges.iter().filter(|r| !r.is_v6()) {
            let (b, p) = parse_v4(&r.cidr());
            for slot in 0..20 {
                let a = u32::from(r.address(slot).parse::<Ipv4Addr>().unwrap());
                assert_eq!(a & (u32::MAX << (32 - p)), b);
            }
        }
    }
}
