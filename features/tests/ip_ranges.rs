//! `reference/ip_ranges.csv`: golden longest-prefix cases worked out by hand, every typed parse
//! error with its file, row and column, IP parsing and special ranges, a property test against a
//! brute-force scan, and the sample reference file.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use appfraud_core::IpKind;
use appfraud_core::primitives::SplitMix64;
use appfraud_features::{IngestError, IpRangeTable, is_private_or_reserved, parse_ip};

const HEADER: &str = "cidr,asn,org,kind,country\n";

fn table(rows: &str) -> IpRangeTable {
    match IpRangeTable::from_reader("test.csv", format!("{HEADER}{rows}").as_bytes()) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

fn error(text: &str) -> IngestError {
    match IpRangeTable::from_reader("bad.csv", text.as_bytes()) {
        Ok(t) => panic!("accepted {text:?}: {} ranges", t.len()),
        Err(e) => e,
    }
}

fn ip(text: &str) -> IpAddr {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not an IP: {e}"))
}

/// The CIDR (canonical spelling) that `addr` resolves to, if any.
fn hit(t: &IpRangeTable, addr: &str) -> Option<String> {
    t.lookup(ip(addr)).map(|r| r.cidr.to_string())
}

fn bad_csv() -> PathBuf {
    PathBuf::from("bad.csv")
}

// ---------------------------------------------------------------- golden longest-prefix cases

/// 24.0.0.0/14 spans 24.0.0.0 ..= 24.3.255.255 (14 bits fixed: 24 = 8 bits, then 6 bits of the
/// second octet, so the second octet runs 0..=3). 24.0.16.0/20 spans 24.0.16.0 ..= 24.0.31.255
/// (third octet: 4 fixed bits 0001, 16..=31). 24.0.20.0/24 spans 24.0.20.0 ..= 24.0.20.255.
/// Each address below is the first or last of a range, or one step outside it; the expected
/// answer is the longest prefix that contains it.
#[test]
fn nested_ipv4_resolves_to_the_most_specific_range() {
    let t = table(
        "24.0.0.0/14,64601,Outer ISP,residential,US\n\
         24.0.16.0/20,64602,Middle Business,business,US\n\
         24.0.20.0/24,64603,Inner VPN,vpn,NL\n",
    );
    let cases = [
        // /24: its own ends; one step out on each side is back in the /20.
        ("24.0.20.0", Some("24.0.20.0/24")),
        ("24.0.20.255", Some("24.0.20.0/24")),
        ("24.0.19.255", Some("24.0.16.0/20")),
        ("24.0.21.0", Some("24.0.16.0/20")),
        // /20: its own ends; one step out on each side is back in the /14.
        ("24.0.16.0", Some("24.0.16.0/20")),
        ("24.0.31.255", Some("24.0.16.0/20")),
        ("24.0.15.255", Some("24.0.0.0/14")),
        ("24.0.32.0", Some("24.0.0.0/14")),
        // /14: its own ends; one step out on each side is in no range.
        ("24.0.0.0", Some("24.0.0.0/14")),
        ("24.3.255.255", Some("24.0.0.0/14")),
        ("23.255.255.255", None),
        ("24.4.0.0", None),
    ];
    for (addr, expected) in cases {
        assert_eq!(hit(&t, addr).as_deref(), expected, "{addr}");
    }
    let inner = t.lookup(ip("24.0.20.7")).expect("in the /24");
    assert_eq!(inner.asn, Some(64603));
    assert_eq!(inner.org, "Inner VPN");
    assert_eq!(inner.kind, IpKind::Vpn);
    assert_eq!(inner.country.as_deref(), Some("NL"));
}

/// Nested ranges that share the first or the last address of their parent: 24.8.0.0/16 spans
/// 24.8.0.0 ..= 24.8.255.255; 24.8.0.0/24 shares its first address, 24.8.255.0/24 its last.
#[test]
fn nested_ranges_sharing_an_end_with_their_parent() {
    let t = table(
        "24.8.255.0/24,3,Last,proxy,\n\
         24.8.0.0/16,1,Parent,mobile,US\n\
         24.8.0.0/24,2,First,vpn,\n",
    );
    let cases = [
        ("24.8.0.0", Some("24.8.0.0/24")),
        ("24.8.0.255", Some("24.8.0.0/24")),
        ("24.8.1.0", Some("24.8.0.0/16")),
        ("24.8.254.255", Some("24.8.0.0/16")),
        ("24.8.255.0", Some("24.8.255.0/24")),
        ("24.8.255.255", Some("24.8.255.0/24")),
        ("24.7.255.255", None),
        ("24.9.0.0", None),
    ];
    for (addr, expected) in cases {
        assert_eq!(hit(&t, addr).as_deref(), expected, "{addr}");
    }
}

/// 2a01:2c0::/32 spans 2a01:2c0:: ..= 2a01:2c0:ffff:ffff:ffff:ffff:ffff:ffff (first two groups
/// fixed). 2a01:2c0:100::/48 spans 2a01:2c0:100:: ..= 2a01:2c0:100:ffff:ffff:ffff:ffff:ffff
/// (three groups fixed); the addresses just outside it are the last of group 3 = 0xff and the
/// first of group 3 = 0x101.
#[test]
fn nested_ipv6_resolves_to_the_most_specific_range() {
    let t = table(
        "2a01:2c0::/32,64768,Lumen Compute,hosting,SG\n\
         2a01:2c0:100::/48,64756,ShieldWay VPN,vpn,NL\n",
    );
    let cases = [
        ("2a01:2c0:100::", Some("2a01:2c0:100::/48")),
        (
            "2a01:2c0:100:ffff:ffff:ffff:ffff:ffff",
            Some("2a01:2c0:100::/48"),
        ),
        (
            "2a01:2c0:ff:ffff:ffff:ffff:ffff:ffff",
            Some("2a01:2c0::/32"),
        ),
        ("2a01:2c0:101::", Some("2a01:2c0::/32")),
        ("2a01:2c0::", Some("2a01:2c0::/32")),
        (
            "2a01:2c0:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("2a01:2c0::/32"),
        ),
        ("2a01:2bf:ffff:ffff:ffff:ffff:ffff:ffff", None),
        ("2a01:2c1::", None),
    ];
    for (addr, expected) in cases {
        assert_eq!(hit(&t, addr).as_deref(), expected, "{addr}");
    }
}

/// A /0 contains every address of its family, including both extremes, and nothing of the
/// other family; a more specific range still wins inside it.
#[test]
fn default_routes_cover_their_whole_family_only() {
    let t = table(
        "0.0.0.0/0,1,Default v4,residential,\n\
         ::/0,2,Default v6,residential,\n\
         24.0.20.0/24,3,Inner,vpn,\n",
    );
    for addr in [
        "0.0.0.0",
        "255.255.255.255",
        "24.0.19.255",
        "24.0.21.0",
        "8.8.8.8",
    ] {
        assert_eq!(hit(&t, addr).as_deref(), Some("0.0.0.0/0"), "{addr}");
    }
    assert_eq!(hit(&t, "24.0.20.9").as_deref(), Some("24.0.20.0/24"));
    for addr in ["::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2a01::1"] {
        assert_eq!(hit(&t, addr).as_deref(), Some("::/0"), "{addr}");
    }

    let v4_only = table("0.0.0.0/0,1,Default v4,residential,\n");
    assert_eq!(hit(&v4_only, "2a01::1"), None);
    // IPv4-mapped addresses are IPv4 addresses.
    assert_eq!(
        hit(&v4_only, "::ffff:8.8.8.8").as_deref(),
        Some("0.0.0.0/0")
    );
    let v6_only = table("::/0,2,Default v6,residential,\n");
    assert_eq!(hit(&v6_only, "8.8.8.8"), None);
    assert_eq!(hit(&v6_only, "::ffff:8.8.8.8"), None);
}

/// A /32 or /128 is a single address: it wins over its /24 or /48 at that address only, its
/// neighbours fall back to the enclosing range. Host routes at the very first and very last
/// address of a family check the ends of the address line.
#[test]
fn host_routes_match_one_address() {
    let t = table(
        "24.0.20.0/24,1,Net,residential,\n\
         24.0.20.7/32,2,Host,proxy,\n\
         0.0.0.0/32,3,Zero,proxy,\n\
         255.255.255.255/32,4,Top,proxy,\n\
         2a01:2c0:100::/48,5,Net6,residential,\n\
         2a01:2c0:100::1/128,6,Host6,proxy,\n\
         ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128,7,Top6,proxy,\n",
    );
    let cases = [
        ("24.0.20.7", Some("24.0.20.7/32")),
        ("24.0.20.6", Some("24.0.20.0/24")),
        ("24.0.20.8", Some("24.0.20.0/24")),
        ("0.0.0.0", Some("0.0.0.0/32")),
        ("0.0.0.1", None),
        ("255.255.255.255", Some("255.255.255.255/32")),
        ("255.255.255.254", None),
        ("2a01:2c0:100::1", Some("2a01:2c0:100::1/128")),
        ("2a01:2c0:100::", Some("2a01:2c0:100::/48")),
        ("2a01:2c0:100::2", Some("2a01:2c0:100::/48")),
        (
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
        ),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", None),
    ];
    for (addr, expected) in cases {
        assert_eq!(hit(&t, addr).as_deref(), expected, "{addr}");
    }
}

#[test]
fn an_address_in_no_range_and_an_empty_table_give_none() {
    let t = table("24.0.0.0/14,1,ISP,residential,US\n2a01::/32,2,ISP,residential,US\n");
    assert_eq!(hit(&t, "8.8.8.8"), None);
    assert_eq!(hit(&t, "2606:4700::1"), None);

    let empty = table("");
    assert!(empty.is_empty());
    assert_eq!(hit(&empty, "24.0.0.1"), None);
    assert_eq!(hit(&empty, "::"), None);
}

/// ::ffff:24.0.20.1 carries 24.0.20.1, which is in 24.0.20.0/24 (and the /14 around it).
#[test]
fn ipv4_mapped_ipv6_is_looked_up_as_ipv4() {
    let t = table(
        "24.0.0.0/14,1,ISP,residential,US\n\
         24.0.20.0/24,2,VPN,vpn,NL\n",
    );
    assert_eq!(hit(&t, "::ffff:24.0.20.1").as_deref(), Some("24.0.20.0/24"));
    assert_eq!(hit(&t, "::ffff:1800:1401").as_deref(), Some("24.0.20.0/24"));
    assert_eq!(hit(&t, "::ffff:24.1.0.0").as_deref(), Some("24.0.0.0/14"));
    assert_eq!(hit(&t, "::ffff:18.0.0.1"), None);
    let range = &t.lookup(ip("24.0.20.1")).expect("in range").cidr;
    assert!(range.contains(ip("::ffff:24.0.20.1")));
}

#[test]
fn fields_optional_values_quoting_and_layout() {
    // Columns reordered, an extra column, CRLF line ends, a BOM, a blank line, quoted fields.
    let text = "\u{feff}kind,country,org,extra,cidr,asn\r\n\
                vpn,,\"Veil, \"\"net\"\" VPN\",x,24.172.25.0/24,\r\n\
                \r\n\
                mobile,US,\"Mobile\nCarrier\",,2A01:02C0:0::/32,64607\r\n";
    let t = match IpRangeTable::from_reader("layout.csv", text.as_bytes()) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(t.len(), 2);
    let vpn = t.lookup(ip("24.172.25.9")).expect("vpn range");
    assert_eq!(vpn.org, "Veil, \"net\" VPN");
    assert_eq!((vpn.asn, vpn.country.as_deref()), (None, None));
    let mobile = t.lookup(ip("2a01:2c0::1")).expect("mobile range");
    assert_eq!(mobile.cidr.to_string(), "2a01:2c0::/32");
    assert_eq!(mobile.org, "Mobile\nCarrier");
    assert_eq!((mobile.asn, mobile.kind), (Some(64607), IpKind::Mobile));
    let order: Vec<_> = t.iter().map(|r| r.cidr.to_string()).collect();
    assert_eq!(order, ["24.172.25.0/24", "2a01:2c0::/32"]);
}

#[test]
fn exact_repeats_are_kept_once() {
    // The same network spelled two ways, with the same data.
    let t = table(
        "2a01::/32,1,ISP,residential,US\n\
         24.0.0.0/14,2,ISP,residential,US\n\
         2a01:0::/32,1,ISP,residential,US\n",
    );
    assert_eq!(t.len(), 2);
}

// ---------------------------------------------------------------- typed errors

#[test]
fn missing_or_renamed_header_column_is_named() {
    let renamed = error("cidr,asn,organisation,kind,country\n24.0.0.0/14,1,ISP,residential,US\n");
    match &renamed {
        IngestError::MissingHeaderColumn {
            file,
            column,
            header,
        } => {
            assert_eq!((file, *column), (&bad_csv(), "org"));
            assert_eq!(header, "cidr,asn,organisation,kind,country");
        }
        other => panic!("{other:?}"),
    }
    let message = renamed.to_string();
    assert!(
        message.contains("bad.csv") && message.contains("`org`"),
        "{message}"
    );

    // Names are case-sensitive; an empty file has no header at all.
    assert!(matches!(
        error("CIDR,asn,org,kind,country\n"),
        IngestError::MissingHeaderColumn { column: "cidr", .. }
    ));
    assert!(matches!(error(""), IngestError::Empty { ref file } if *file == bad_csv()));
    assert!(matches!(
        error("24.0.0.0/14,1,ISP,residential,US\n"),
        IngestError::MissingHeaderColumn { column: "cidr", .. }
    ));
}

#[test]
fn malformed_cidr_names_row_column_and_value() {
    // Host bits set: 10.0.0.1/8 is rejected, and the message gives the network it meant.
    let text = format!("{HEADER}24.0.0.0/14,1,ISP,residential,US\n10.0.0.1/8,2,ISP,business,US\n");
    let err = error(&text);
    match &err {
        IngestError::MalformedCidr {
            file,
            row,
            column,
            value,
            reason,
        } => {
            assert_eq!((file, *row, *column), (&bad_csv(), 1, "cidr"));
            assert_eq!(value, "10.0.0.1/8");
            assert!(reason.contains("10.0.0.0/8"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("row 1"), "{err}");

    for value in [
        "",
        "10.0.0.0",
        "10.0.0/8",
        "10.0.0.256/32",
        "10.0.0.0/",
        "10.0.0.0/x",
        "10.0.0.0/-1",
        "10.0.0.0/08",
        " 10.0.0.0/8",
        "2a01::1/32",
        "::ffff:24.0.0.0/110",
        "fe80::%eth0/64",
    ] {
        let text = format!("{HEADER}\"{value}\",1,ISP,residential,US\n");
        match error(&text) {
            IngestError::MalformedCidr {
                row: 0,
                column: "cidr",
                value: found,
                ..
            } => assert_eq!(found, value),
            other => panic!("{value:?}: {other:?}"),
        }
    }
}

#[test]
fn prefix_out_of_range_names_the_family_limit() {
    for (value, max) in [
        ("10.0.0.0/33", 32),
        ("2a01::/129", 128),
        ("10.0.0.0/4294967296", 32),
    ] {
        let text = format!("{HEADER}24.0.0.0/14,1,ISP,residential,US\n{value},1,ISP,vpn,US\n");
        match error(&text) {
            IngestError::PrefixOutOfRange {
                file,
                row,
                column,
                value: found,
                max: limit,
            } => {
                assert_eq!((file, row, column), (bad_csv(), 1, "cidr"));
                assert_eq!((found.as_str(), limit), (value, max));
            }
            other => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn unknown_kind_lists_the_kinds() {
    for value in ["satellite", "VPN", ""] {
        let text = format!("{HEADER}24.0.0.0/14,1,ISP,{value},US\n");
        match error(&text) {
            IngestError::UnknownKind {
                file,
                row,
                column,
                value: found,
                expected,
            } => {
                assert_eq!((file, row, column), (bad_csv(), 0, "kind"));
                assert_eq!(found, value);
                assert!(expected.contains("residential") && expected.contains("proxy"));
            }
            other => panic!("{value:?}: {other:?}"),
        }
    }
}

#[test]
fn conflicting_duplicate_names_both_rows_and_the_column() {
    // Rows 0 and 2 are the same network (spelled differently); they differ first in `kind`.
    let text = format!(
        "{HEADER}2a01::/32,1,ISP,residential,US\n\
         24.0.0.0/14,2,ISP,residential,US\n\
         2a01:0:0::/32,1,ISP,vpn,GB\n"
    );
    match error(&text) {
        IngestError::ConflictingDuplicate {
            file,
            row,
            first_row,
            column,
            value,
        } => {
            assert_eq!((file, row, first_row), (bad_csv(), 2, 0));
            assert_eq!((column, value.as_str()), ("kind", "2a01:0:0::/32"));
        }
        other => panic!("{other:?}"),
    }
    let text =
        format!("{HEADER}24.0.0.0/14,1,ISP,residential,US\n24.0.0.0/14,1,ISP,residential,\n");
    assert!(matches!(
        error(&text),
        IngestError::ConflictingDuplicate {
            row: 1,
            first_row: 0,
            column: "country",
            ..
        }
    ));
}

#[test]
fn invalid_asn_org_and_country_are_named() {
    let cases = [
        ("AS64601,ISP,residential,US", "asn", "AS64601"),
        ("-1,ISP,residential,US", "asn", "-1"),
        ("+5,ISP,residential,US", "asn", "+5"),
        ("4294967296,ISP,residential,US", "asn", "4294967296"),
        ("1,,residential,US", "org", ""),
        ("1,ISP,residential,us", "country", "us"),
        ("1,ISP,residential,USA", "country", "USA"),
        ("1,ISP,residential,U1", "country", "U1"),
    ];
    for (rest, column, value) in cases {
        let text = format!("{HEADER}24.0.0.0/14,1,ISP,residential,US\n24.4.0.0/14,{rest}\n");
        match error(&text) {
            IngestError::InvalidValue {
                file,
                row,
                column: c,
                value: v,
                ..
            } => {
                assert_eq!((file, row), (bad_csv(), 1), "{rest}");
                assert_eq!((c, v.as_str()), (column, value), "{rest}");
            }
            other => panic!("{rest}: {other:?}"),
        }
    }
}

#[test]
fn malformed_csv_names_the_line() {
    // Line 3 holds the second data record (row 1), which has four fields.
    match error(&format!(
        "{HEADER}24.0.0.0/14,1,ISP,residential,US\n24.4.0.0/14,1,ISP,US\n"
    )) {
        IngestError::RaggedRow {
            file,
            line,
            row,
            expected,
            found,
        } => assert_eq!((file, line, row, expected, found), (bad_csv(), 3, 1, 5, 4)),
        other => panic!("{other:?}"),
    }
    let cases = [
        // A quote opened on line 2 is never closed.
        (format!("{HEADER}24.0.0.0/14,1,\"ISP,residential,US\n"), 2),
        // A stray quote in an unquoted field.
        (format!("{HEADER}24.0.0.0/14,1,I\"SP,residential,US\n"), 2),
        // A header column named twice.
        ("cidr,asn,org,kind,country,cidr\n".to_string(), 1),
    ];
    for (text, expected_line) in cases {
        match error(&text) {
            IngestError::MalformedCsv { file, line, .. } => {
                assert_eq!((file, line), (bad_csv(), expected_line), "{text:?}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn unreadable_input_is_named() {
    let missing = Path::new("/nonexistent/reference/ip_ranges.csv");
    assert!(matches!(
        IpRangeTable::from_csv_path(missing),
        Err(IngestError::Unreadable { ref file, .. }) if file == missing
    ));
    let not_utf8: &[u8] = b"cidr,asn,org,kind,country\n24.0.0.0/14,1,\xff,residential,US\n";
    assert!(matches!(
        IpRangeTable::from_reader("latin1.csv", not_utf8),
        Err(IngestError::InvalidUtf8 { line: 2, row: Some(0), ref column, .. })
            if column.as_deref() == Some("org")
    ));
}

// ---------------------------------------------------------------- parse_ip, special ranges

#[test]
fn parse_ip_accepts_addresses_and_normalises_mapped_ipv6() {
    let v4 = |a, b, c, d| Some(IpAddr::V4(Ipv4Addr::new(a, b, c, d)));
    assert_eq!(parse_ip("24.0.20.1"), v4(24, 0, 20, 1));
    assert_eq!(parse_ip("  24.0.20.1\t\n"), v4(24, 0, 20, 1));
    assert_eq!(parse_ip("::ffff:24.0.20.1"), v4(24, 0, 20, 1));
    assert_eq!(parse_ip("::FFFF:1800:1401"), v4(24, 0, 20, 1));
    assert_eq!(
        parse_ip(" 2a01:2c0:100::1 "),
        Some(IpAddr::V6(Ipv6Addr::new(
            0x2a01, 0x2c0, 0x100, 0, 0, 0, 0, 1
        )))
    );
    assert_eq!(parse_ip("::"), Some(IpAddr::V6(Ipv6Addr::UNSPECIFIED)));
    assert_eq!(parse_ip("::1"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    assert_eq!(
        parse_ip("2a01:2c0:0:0:0:0:0:1"),
        parse_ip("2a01:2c0::1"),
        "uncompressed and compressed spellings are the same address"
    );
}

#[test]
fn parse_ip_rejects_malformed_text() {
    for text in [
        "",
        "   ",
        "unknown",
        "192.168.1",
        "10.0.0.256",
        "010.0.0.1",
        "1.2.3.4.5",
        "1.2.3.4/24",
        "::ffff:zz",
        "2a01::2c0::1",
        "fe80::1%eth0",
        "[::1]",
        "1.2.3.4:80",
    ] {
        assert_eq!(parse_ip(text), None, "{text:?}");
    }
}

#[test]
fn private_and_reserved_ranges_at_their_edges() {
    let special = [
        "0.0.0.0",
        "10.0.0.0",
        "10.255.255.255",
        "100.64.0.0",
        "100.127.255.255",
        "127.0.0.1",
        "169.254.1.1",
        "172.16.0.0",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.168.0.1",
        "198.18.0.1",
        "198.19.255.255",
        "198.51.100.1",
        "203.0.113.255",
        "224.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "100::1",
        "2001:2::1",
        "2001:db8::1",
        "3fff:fff::1",
        "fc00::1",
        "fdff:ffff::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:100.64.0.1",
    ];
    for text in special {
        assert!(is_private_or_reserved(ip(text)), "{text}");
    }
    let public = [
        "9.255.255.255",
        "11.0.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "126.255.255.255",
        "128.0.0.0",
        "169.253.255.255",
        "172.15.255.255",
        "172.32.0.0",
        "192.0.1.0",
        "192.167.255.255",
        "192.169.0.0",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        "24.0.0.1",
        "8.8.8.8",
        "::2",
        "2001:db9::1",
        "2a01:2c0::1",
        "2606:4700::1",
        "fbff:ffff::1",
        "::ffff:8.8.8.8",
    ];
    for text in public {
        assert!(!is_private_or_reserved(ip(text)), "{text}");
    }
}

// ---------------------------------------------------------------- property: LPM = brute force

/// Deterministic draws of test cases.
struct Draws(SplitMix64);

impl Draws {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A 16-bit group drawn mostly from a few values, so that ranges nest and share ends often.
    fn group(&mut self) -> u16 {
        match self.below(6) {
            0 => 0,
            1 => 1,
            2 => 0x8000,
            3 => 0xffff,
            _ => self.next() as u16,
        }
    }

    fn v4(&mut self) -> u32 {
        (u32::from(self.group()) << 16) | u32::from(self.group())
    }

    fn v6(&mut self) -> u128 {
        (0..8).fold(0, |acc, _| (acc << 16) | u128::from(self.group()))
    }
}

fn mask(bits: u32, prefix_len: u32) -> u128 {
    let width_mask = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    if prefix_len == 0 {
        0
    } else {
        (u128::MAX << (bits - prefix_len)) & width_mask
    }
}

/// Brute force: the longest prefix among `ranges` (`(network, prefix_len, asn)`) containing
/// `addr`, by a linear scan.
fn brute_force(ranges: &[(u128, u32, u32)], bits: u32, addr: u128) -> Option<u32> {
    ranges
        .iter()
        .filter(|&&(net, len, _)| addr & mask(bits, len) == net)
        .max_by_key(|&&(_, len, _)| len)
        .map(|&(_, _, asn)| asn)
}

/// Probes: both ends of every range and one step outside each, the family's extremes, random
/// addresses.
fn probes(
    rng: &mut Draws,
    ranges: &[(u128, u32, u32)],
    bits: u32,
    draw: impl Fn(&mut Draws) -> u128,
) -> Vec<u128> {
    let top = mask(bits, bits);
    let mut out = vec![0, top];
    for &(net, len, _) in ranges {
        let last = net | (top & !mask(bits, len));
        out.extend([net, last]);
        out.extend(net.checked_sub(1));
        out.extend(last.checked_add(1).filter(|&a| a <= top));
    }
    out.extend((0..64).map(|_| draw(rng)));
    out
}

#[test]
fn longest_prefix_match_agrees_with_a_brute_force_scan() {
    let mut rng = Draws(SplitMix64::new(0x00C0_FFEE));
    let kinds = IpKind::ALL.map(IpKind::as_str);
    let mut checked = 0usize;
    for _trial in 0..200 {
        let count = 1 + rng.below(40);
        let mut seen = HashSet::new();
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        let mut csv = String::from(HEADER);
        for asn in 0..count as u32 {
            if rng.below(2) == 0 {
                let len = rng.below(33) as u32;
                let net = u128::from(rng.v4()) & mask(32, len);
                if seen.insert((4, net, len)) {
                    let addr = Ipv4Addr::from(net as u32);
                    let kind = kinds[asn as usize % kinds.len()];
                    csv.push_str(&format!("{addr}/{len},{asn},Org {asn},{kind},US\n"));
                    v4.push((net, len, asn));
                }
            } else {
                let len = rng.below(129) as u32;
                let net = rng.v6() & mask(128, len);
                let addr = Ipv6Addr::from(net);
                // Ranges inside ::ffff:0:0/96 are rejected by design; keep them out.
                if addr.to_ipv4_mapped().is_some() && len >= 96 {
                    continue;
                }
                if seen.insert((6, net, len)) {
                    let kind = kinds[asn as usize % kinds.len()];
                    csv.push_str(&format!("{addr}/{len},{asn},Org {asn},{kind},\n"));
                    v6.push((net, len, asn));
                }
            }
        }
        let t = match IpRangeTable::from_reader("random.csv", csv.as_bytes()) {
            Ok(t) => t,
            Err(e) => panic!("{e}\n{csv}"),
        };
        assert_eq!(t.len(), v4.len() + v6.len());

        for addr in probes(&mut rng, &v4, 32, |r| u128::from(r.v4())) {
            let a = Ipv4Addr::from(addr as u32);
            let expected = brute_force(&v4, 32, addr);
            let found = t.lookup(IpAddr::V4(a)).and_then(|r| r.asn);
            assert_eq!(found, expected, "{a} in\n{csv}");
            let mapped = t.lookup(IpAddr::V6(a.to_ipv6_mapped())).and_then(|r| r.asn);
            assert_eq!(mapped, expected, "{} in\n{csv}", a.to_ipv6_mapped());
            checked += 1;
        }
        for addr in probes(&mut rng, &v6, 128, |r| r.v6()) {
            let a = Ipv6Addr::from(addr);
            if a.to_ipv4_mapped().is_some() {
                continue; // looked up as IPv4, covered above
            }
            let expected = brute_force(&v6, 128, addr);
            let found = t.lookup(IpAddr::V6(a)).and_then(|r| r.asn);
            assert_eq!(found, expected, "{a} in\n{csv}");
            checked += 1;
        }
    }
    assert!(checked > 20_000, "only {checked} probes");
}

// ---------------------------------------------------------------- the sample reference file

/// Every range of the generated sample file resolves its own first and last address to itself or
/// to a more specific range nested in it, and nothing in it is dropped.
#[test]
fn sample_reference_file_resolves_every_range() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../notebooks-data/sample/reference/ip_ranges.csv"
    ));
    let t = match IpRangeTable::from_csv_path(path) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let text = std::fs::read_to_string(path).expect("sample file is readable");
    let data_lines = text.lines().filter(|l| !l.is_empty()).count() - 1;
    assert_eq!(t.len(), data_lines, "one distinct range per data line");
    assert!(t.iter().any(|r| r.cidr.network().is_ipv4()));
    assert!(t.iter().any(|r| r.cidr.network().is_ipv6()));

    for range in t.iter() {
        for addr in [range.cidr.network(), range.cidr.last()] {
            let found = t
                .lookup(addr)
                .unwrap_or_else(|| panic!("{addr} of {} resolves to nothing", range.cidr));
            assert!(
                found.cidr == range.cidr
                    || (found.cidr.prefix_len() > range.cidr.prefix_len()
                        && range.cidr.contains(found.cidr.network())),
                "{addr} of {} resolves to {}",
                range.cidr,
                found.cidr
            );
        }
    }
}
