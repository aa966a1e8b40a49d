//! The bytes as IP text ([`parse_ip`], as for the `ip` columns) and as CIDR text (the `cidr`
//! column of a one-row `ip_ranges.csv`, the only way a CIDR is parsed). Besides "no panic":
//! an accepted address survives its own display, and an accepted range contains and is found
//! at its first and last address.

#![no_main]

use std::net::IpAddr;

use appfraud_features::{IpRangeTable, is_private_or_reserved, parse_ip};
use libfuzzer_sys::fuzz_target;

/// Whether `ip` is looked up as itself (an IPv4-mapped IPv6 address is looked up as IPv4).
fn canonical(ip: IpAddr) -> bool {
    ip.to_canonical() == ip
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(ip) = parse_ip(&text) {
        assert!(canonical(ip), "parse_ip returns canonical addresses");
        assert_eq!(parse_ip(&ip.to_string()), Some(ip));
        let _ = is_private_or_reserved(ip);
    }

    let csv = format!(
        "cidr,asn,org,kind,country\n\"{}\",64500,Fuzz Net,hosting,US\n",
        text.replace('"', "\"\"")
    );
    let Ok(table) = IpRangeTable::from_reader("ip_ranges.csv", csv.as_bytes()) else {
        return;
    };
    assert_eq!(table.len(), 1);
    let Some(info) = table.iter().next() else {
        return;
    };
    let cidr = info.cidr;
    for ip in [cidr.network(), cidr.last()] {
        if canonical(ip) {
            assert!(cidr.contains(ip), "{cidr} contains {ip}");
            assert_eq!(
                table.lookup(ip).map(|i| i.cidr),
                Some(cidr),
                "{ip} in {cidr}"
            );
        }
    }
    // The canonical spelling reads back as the same range.
    let again = format!("cidr,asn,org,kind,country\n{cidr},64500,Fuzz Net,hosting,US\n");
    let reread = IpRangeTable::from_reader("ip_ranges.csv", again.as_bytes())
        .map(|t| t.iter().next().map(|i| i.cidr));
    assert!(
        matches!(reread, Ok(Some(c)) if c == cidr),
        "{cidr} reads back: {reread:?}"
    );
});
