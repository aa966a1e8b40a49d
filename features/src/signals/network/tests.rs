//! Unit tests of the network family against a small hand-made range table. Every expected value
//! is worked out by hand in the comments. Shares are small fractions compared exactly with the
//! `f32` nearest to them: the function divides in `f64` and rounds to `f32` (53 ≥ 2·24 + 2 bits,
//! so the double rounding gives the nearest `f32`), and an `f32` literal such as `4.0 / 7.0` is
//! that same nearest value.

use super::*;

/// Nested ranges, worked out by hand:
///
/// - `24.0.0.0/16` (business, US) spans 24.0.0.0 ..= 24.0.255.255;
/// - inside it `24.0.20.0/24` (vpn, NL) spans 24.0.20.0 ..= 24.0.20.255;
/// - inside that `24.0.20.16/28` (hosting, DE) spans 24.0.20.16 ..= 24.0.20.31 (the /28 fixes
///   the top 4 bits of the last octet: 16 = 0001_0000, so 0001_xxxx = 16..=31).
/// - `2a01::/32` (residential, GB) spans 2a01:0000:* (first two hextets fixed);
/// - inside it `2a01:0:5::/48` (proxy, FR) spans 2a01:0000:0005:* (three hextets fixed).
/// - `81.2.0.0/16` (mobile) has the country written `UK`, which the file format allows.
/// - `5.5.0.0/16` (residential) has no country.
/// - `10.0.0.0/8` (business, US) covers private space, which the family never looks up.
const RANGES: &str = "cidr,asn,org,kind,country\n\
    24.0.0.0/16,64601,Outer Business,business,US\n\
    24.0.20.0/24,64602,Middle VPN,vpn,NL\n\
    24.0.20.16/28,64603,Inner Hosting,hosting,DE\n\
    2a01::/32,64610,Six ISP,residential,GB\n\
    2a01:0:5::/48,64611,Six Proxy,proxy,FR\n\
    81.2.0.0/16,64620,Island Mobile,mobile,UK\n\
    5.5.0.0/16,64630,Nowhere ISP,residential,\n\
    10.0.0.0/8,64640,Corp LAN,business,US\n";

fn table() -> IpRangeTable {
    match IpRangeTable::from_reader("ranges.csv", RANGES.as_bytes()) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

fn app(ip: Option<&str>, claimed: &str) -> NetworkSignals {
    network_signals(ip, claimed, &[], &table())
}

fn tel(ip: Option<&str>) -> TelemetrySample<'_> {
    TelemetrySample {
        session_id: "s",
        ip: ip.and_then(parse_ip),
        ..TelemetrySample::default()
    }
}

#[test]
fn ipv4_longest_prefix_wins_at_every_range_edge() {
    // (address, expected kind, expected "differs from claimed US").
    let cases = [
        // /28 hosting DE: its first and last address.
        ("24.0.20.16", Some(IpKind::Hosting), Some(true)),
        ("24.0.20.31", Some(IpKind::Hosting), Some(true)),
        // One step outside the /28 on either side: back in the /24 vpn NL.
        ("24.0.20.15", Some(IpKind::Vpn), Some(true)),
        ("24.0.20.32", Some(IpKind::Vpn), Some(true)),
        ("24.0.20.0", Some(IpKind::Vpn), Some(true)),
        ("24.0.20.255", Some(IpKind::Vpn), Some(true)),
        // One step outside the /24: back in the /16 business US, the claimed country.
        ("24.0.19.255", Some(IpKind::Business), Some(false)),
        ("24.0.21.0", Some(IpKind::Business), Some(false)),
        ("24.0.0.0", Some(IpKind::Business), Some(false)),
        ("24.0.255.255", Some(IpKind::Business), Some(false)),
        // Outside the /16: no range, unknown kind and country.
        ("24.1.0.0", None, None),
        ("23.255.255.255", None, None),
    ];
    for (ip, kind, differs) in cases {
        let s = app(Some(ip), "US");
        assert!(s.ip_parsed, "{ip}");
        assert_eq!(s.ip_private, Some(false), "{ip}");
        assert_eq!(s.ip_kind, kind, "{ip}");
        assert_eq!(s.ip_anonymizing, kind.map(IpKind::is_anonymising), "{ip}");
        assert_eq!(s.ip_country_differs, differs, "{ip}");
    }
}

#[test]
fn ipv6_longest_prefix_wins() {
    let cases = [
        // Inside the /48: proxy FR, differs from claimed GB.
        ("2a01:0:5::", Some(IpKind::Proxy), Some(true)),
        ("2a01:0:5::1", Some(IpKind::Proxy), Some(true)),
        (
            "2a01:0:5:ffff:ffff:ffff:ffff:ffff",
            Some(IpKind::Proxy),
            Some(true),
        ),
        // In the /32 but one step outside the /48 on either side: residential GB.
        (
            "2a01:0:4:ffff:ffff:ffff:ffff:ffff",
            Some(IpKind::Residential),
            Some(false),
        ),
        ("2a01:0:6::", Some(IpKind::Residential), Some(false)),
        // The first and last addresses of the /32: its first 32 bits are 2a01:0000.
        ("2a01::", Some(IpKind::Residential), Some(false)),
        (
            "2a01:0:ffff:ffff:ffff:ffff:ffff:ffff",
            Some(IpKind::Residential),
            Some(false),
        ),
        // Spelled with leading zeros and upper case: the same address.
        (
            "2A01:0000:0005:0000:0000:0000:0000:0009",
            Some(IpKind::Proxy),
            Some(true),
        ),
        // One step past the last address of the /32 (2a01:0:ffff:…:ffff + 1 = 2a01:1::), and
        // another /16 altogether.
        ("2a01:1::", None, None),
        ("2a02::1", None, None),
    ];
    for (ip, kind, differs) in cases {
        let s = app(Some(ip), "GB");
        assert!(s.ip_parsed, "{ip}");
        assert_eq!(s.ip_private, Some(false), "{ip}");
        assert_eq!(s.ip_kind, kind, "{ip}");
        assert_eq!(s.ip_country_differs, differs, "{ip}");
    }
}

#[test]
fn ipv4_mapped_ipv6_is_its_ipv4_address() {
    // ::ffff:24.0.20.17 carries 24.0.20.17, inside the /28 (16..=31): hosting DE.
    let mapped = app(Some("::ffff:24.0.20.17"), "US");
    let plain = app(Some("24.0.20.17"), "US");
    assert_eq!(mapped, plain);
    assert_eq!(mapped.ip_kind, Some(IpKind::Hosting));
    assert_eq!(mapped.ip_anonymizing, Some(true));
    assert_eq!(mapped.ip_country_differs, Some(true));
    // The same in hexadecimal: 24.0.20.17 = 0x1800:0x1411.
    assert_eq!(app(Some("::ffff:1800:1411"), "US"), plain);
    // Surrounding white space is ignored.
    assert_eq!(app(Some("  24.0.20.17\t"), "US"), plain);
}

#[test]
fn private_ips_are_unknown_networks_even_inside_a_listed_range() {
    // 10.1.2.3 is RFC 1918 space; the table lists 10.0.0.0/8 as business US, but private space
    // is never looked up: kind and country unknown.
    let s = app(Some("10.1.2.3"), "NL");
    assert!(s.ip_parsed);
    assert_eq!(s.ip_private, Some(true));
    assert_eq!(s.ip_kind, None);
    assert_eq!(s.ip_anonymizing, None);
    assert_eq!(s.ip_country_differs, None);
    // IPv6 unique local and a mapped private IPv4.
    for ip in ["fd00::1", "::ffff:192.168.0.1", "127.0.0.1", "::1"] {
        let s = app(Some(ip), "US");
        assert_eq!(s.ip_private, Some(true), "{ip}");
        assert_eq!(s.ip_kind, None, "{ip}");
    }
}

#[test]
fn malformed_and_missing_ips_are_unparsed() {
    for ip in [
        None,
        Some(""),
        Some("   "),
        Some("unknown"),
        Some("24.0.20"),
        Some("24.0.20.256"),
        Some("24.0.20.17/28"),
        Some("::ffff:zz"),
        Some("fe80::1%eth0"),
    ] {
        let s = app(ip, "US");
        assert_eq!(s, NetworkSignals::default(), "{ip:?}");
        assert!(!s.ip_parsed, "{ip:?}");
        assert_eq!(s.ip_private, None, "{ip:?}");
    }
}

#[test]
fn countries_compare_case_insensitively_with_uk_as_gb() {
    // 2a01:0:1:: is in the /32 only: residential, country GB.
    let gb_ip = Some("2a01:0:1::1");
    for claimed in ["GB", "gb", " Gb ", "UK", "uk"] {
        assert_eq!(
            app(gb_ip, claimed).ip_country_differs,
            Some(false),
            "{claimed:?}"
        );
    }
    assert_eq!(app(gb_ip, "IE").ip_country_differs, Some(true));
    // 81.2.3.4 is in 81.2.0.0/16, whose country is written UK: the same as GB.
    let uk_ip = Some("81.2.3.4");
    assert_eq!(app(uk_ip, "GB").ip_kind, Some(IpKind::Mobile));
    assert_eq!(app(uk_ip, "GB").ip_country_differs, Some(false));
    assert_eq!(app(uk_ip, "uk").ip_country_differs, Some(false));
    assert_eq!(app(uk_ip, "FR").ip_country_differs, Some(true));
    // Unknown claimed country (blank, not two letters): no comparison.
    for claimed in ["", "  ", "GBR", "G", "1B", "ÜS"] {
        assert_eq!(app(gb_ip, claimed).ip_country_differs, None, "{claimed:?}");
        // The kind does not depend on the claim.
        assert_eq!(app(gb_ip, claimed).ip_kind, Some(IpKind::Residential));
    }
    // A range without a country: kind known, comparison unknown.
    let s = app(Some("5.5.5.5"), "US");
    assert_eq!(s.ip_kind, Some(IpKind::Residential));
    assert_eq!(s.ip_country_differs, None);
}

#[test]
fn telemetry_shares_with_null_unparseable_private_and_unlisted_ips() {
    // Application: 24.0.21.5, in the /16 only (business US), claimed US.
    // Samples, with what each contributes:
    //   1. null                   — nothing
    //   2. "garbage"              — nothing (unparsed)
    //   3. 24.0.21.5              — parsed, same as app; public; business US
    //   4. 24.0.20.20             — parsed, differs; public; hosting DE (/28: 16..=31)
    //   5. 24.0.20.40             — parsed, differs; public; vpn NL (/24, outside the /28)
    //   6. 192.168.0.10           — parsed, differs; private (not looked up)
    //   7. 99.99.99.99            — parsed, differs; public; no range
    //   8. ::ffff:24.0.21.5       — parsed, the app's IP once mapped; public; business US
    //   9. 2a01:0:5::9            — parsed, differs; public; proxy FR
    //  10. " 24.0.20.20 "         — parsed (trimmed), differs; public; hosting DE
    // Parsed: 3..=10 → 8. Differs from the app: 4, 5, 6, 7, 9, 10 → 6/8 = 0.75.
    // Public: 3, 4, 5, 7, 8, 9, 10 → 7; anonymising: 4, 5, 9, 10 → 4/7.
    // With a range country: 3 US, 4 DE, 5 NL, 8 US, 9 FR, 10 DE → 6; differing from US: 4, 5,
    // 9, 10 → 4/6 = 2/3. Distinct countries: US, DE, NL, FR → 4.
    let samples = [
        tel(None),
        tel(Some("garbage")),
        tel(Some("24.0.21.5")),
        tel(Some("24.0.20.20")),
        tel(Some("24.0.20.40")),
        tel(Some("192.168.0.10")),
        tel(Some("99.99.99.99")),
        tel(Some("::ffff:24.0.21.5")),
        tel(Some("2a01:0:5::9")),
        tel(Some(" 24.0.20.20 ")),
    ];
    let s = network_signals(Some("24.0.21.5"), "US", &samples, &table());
    assert_eq!(s.ip_kind, Some(IpKind::Business));
    assert_eq!(s.ip_country_differs, Some(false));
    assert_eq!(s.tel_ip_samples, 8);
    assert_eq!(s.tel_ip_differs_from_app_share, Some(0.75));
    assert_eq!(s.tel_anonymizing_share, Some(4.0 / 7.0));
    assert_eq!(s.tel_ip_country_differs_share, Some(2.0 / 3.0));
    assert_eq!(s.tel_ip_countries_distinct, 4);
    assert!(s.tel_hosting_seen && s.tel_vpn_seen && s.tel_proxy_seen);

    // The same samples claimed from DE: differing are 3 US, 5 NL, 8 US, 9 FR → 4/6.
    let de = network_signals(Some("24.0.21.5"), "de", &samples, &table());
    assert_eq!(de.tel_ip_country_differs_share, Some(2.0 / 3.0));
    assert_eq!(de.ip_country_differs, Some(true));
    // Unknown claimed country: no country share, but the distinct count stays.
    let unknown = network_signals(Some("24.0.21.5"), "", &samples, &table());
    assert_eq!(unknown.tel_ip_country_differs_share, None);
    assert_eq!(unknown.tel_ip_countries_distinct, 4);
    // Unparsed application IP: no comparison with it; the other shares stay.
    let no_app = network_signals(Some("n/a"), "US", &samples, &table());
    assert_eq!(no_app.tel_ip_differs_from_app_share, None);
    assert_eq!(no_app.tel_anonymizing_share, Some(4.0 / 7.0));
    assert_eq!(no_app.tel_ip_samples, 8);
}

#[test]
fn quiet_telemetry_sees_no_anonymiser() {
    // Two residential GB samples (in the /32, outside the /48) and one mobile UK: nothing
    // anonymising, every known country is GB (UK = GB), so one distinct country and none
    // differing from GB. Both IPv6 samples differ from the app's 81.2.0.1; the third is it.
    let samples = [
        tel(Some("2a01::1")),
        tel(Some("2a01:0:6::1")),
        tel(Some("81.2.0.1")),
    ];
    let s = network_signals(Some("81.2.0.1"), "GB", &samples, &table());
    assert_eq!(s.tel_anonymizing_share, Some(0.0));
    assert_eq!(s.tel_ip_country_differs_share, Some(0.0));
    assert_eq!(s.tel_ip_countries_distinct, 1);
    assert_eq!(s.tel_ip_differs_from_app_share, Some(2.0 / 3.0));
    assert!(!s.tel_hosting_seen && !s.tel_vpn_seen && !s.tel_proxy_seen);
}

#[test]
fn empty_or_ip_less_telemetry_gives_no_telemetry_signal() {
    let expected_app = app(Some("24.0.20.17"), "US");
    let empty = network_signals(Some("24.0.20.17"), "US", &[], &table());
    assert_eq!(empty, expected_app);
    assert_eq!(empty.tel_ip_samples, 0);
    assert_eq!(empty.tel_ip_countries_distinct, 0);
    assert_eq!(empty.tel_ip_country_differs_share, None);
    assert_eq!(empty.tel_anonymizing_share, None);
    assert_eq!(empty.tel_ip_differs_from_app_share, None);
    assert!(!empty.tel_hosting_seen && !empty.tel_vpn_seen && !empty.tel_proxy_seen);
    // Only null and malformed IPs: the same.
    let samples = [tel(None), tel(Some("")), tel(Some("1.2.3"))];
    assert_eq!(
        network_signals(Some("24.0.20.17"), "US", &samples, &table()),
        expected_app
    );
    // Only a private IP: parsed (so it differs from the app's), but no public share.
    let private = [tel(Some("10.0.0.1"))];
    let s = network_signals(Some("24.0.20.17"), "US", &private, &table());
    assert_eq!(s.tel_ip_samples, 1);
    assert_eq!(s.tel_ip_differs_from_app_share, Some(1.0));
    assert_eq!(s.tel_anonymizing_share, None);
    assert_eq!(s.tel_ip_country_differs_share, None);
    assert_eq!(s.tel_ip_countries_distinct, 0);
}

#[test]
fn an_empty_table_knows_no_kind_or_country() {
    let empty =
        match IpRangeTable::from_reader("empty.csv", "cidr,asn,org,kind,country\n".as_bytes()) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
    let s = network_signals(Some("24.0.20.17"), "US", &[tel(Some("24.0.20.17"))], &empty);
    assert!(s.ip_parsed);
    assert_eq!(s.ip_private, Some(false));
    assert_eq!(s.ip_kind, None);
    assert_eq!(s.ip_country_differs, None);
    // One public sample, in no range: not anonymising, no country; the same IP as the app's.
    assert_eq!(s.tel_anonymizing_share, Some(0.0));
    assert_eq!(s.tel_ip_country_differs_share, None);
    assert_eq!(s.tel_ip_differs_from_app_share, Some(0.0));
}

#[test]
fn country_set_counts_every_code_once() {
    let mut set = CountrySet::default();
    assert_eq!(set.len(), 0);
    set.insert(*b"AA");
    set.insert(*b"ZZ"); // index 25·26 + 25 = 675, the last bit
    set.insert(*b"ZZ");
    set.insert(*b"GB");
    set.insert(*b"gb"); // not upper case: ignored
    set.insert([0xff, b'A']); // not a letter: ignored
    assert_eq!(set.len(), 3);
}
