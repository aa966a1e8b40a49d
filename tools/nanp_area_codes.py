#!/usr/bin/env python3
"""Generate features/src/signals/phone/nanp_area_codes.rs: NANP area code -> US state / Canadian
province, from libphonenumber's geocoding data as shipped by the PyPI package `phonenumbers`.

Run from the repository root, in a throwaway virtual environment:

    python3 -m venv .venv-phone && .venv-phone/bin/pip install phonenumbers==9.0.33
    .venv-phone/bin/python tools/nanp_area_codes.py > features/src/signals/phone/nanp_area_codes.rs
    rm -rf .venv-phone

Use the phonenumbers release that matches the libphonenumber metadata of the `phonenumber` crate
(0.3.10+9.0.33 -> 9.0.33), so validity and geography come from the same release.

How an area code (NPA) gets its subdivisions, from the English geocoding entries whose prefix is
"1" + NPA (+ more digits):
- an NPA-level entry ("1415" -> "California") decides on its own; it may name several
  subdivisions ("Nova Scotia/Prince Edward Island") or a city ("Chicago, IL" -> IL);
- otherwise the union of the subdivisions named by the longer, city-level entries
  ("1310xxx" -> "Los Angeles, CA"), which must agree on one (the script stops if they do not);
- NPAs whose entries name no US state, DC or Canadian province/territory (other NANP members,
  US territories with their own ISO code such as PR and GU, non-geographic codes like 800) are left
  out, so they read as "unknown area" downstream.

The subdivision list (USPS and Canada Post codes, English names, accepted spellings) is not part
of libphonenumber; it is declared below.
"""

import re
import sys
from collections import defaultdict

import phonenumbers
from phonenumbers.geodata import GEOCODE_DATA

# (code, name, ISO country, extra accepted spellings). Names and codes are always accepted.
SUBDIVISIONS = [
    ("AL", "Alabama", "US", []),
    ("AK", "Alaska", "US", []),
    ("AZ", "Arizona", "US", []),
    ("AR", "Arkansas", "US", []),
    ("CA", "California", "US", []),
    ("CO", "Colorado", "US", []),
    ("CT", "Connecticut", "US", []),
    ("DE", "Delaware", "US", []),
    ("DC", "District of Columbia", "US", ["Washington DC", "Washington District of Columbia"]),
    ("FL", "Florida", "US", []),
    ("GA", "Georgia", "US", []),
    ("HI", "Hawaii", "US", []),
    ("ID", "Idaho", "US", []),
    ("IL", "Illinois", "US", []),
    ("IN", "Indiana", "US", []),
    ("IA", "Iowa", "US", []),
    ("KS", "Kansas", "US", []),
    ("KY", "Kentucky", "US", []),
    ("LA", "Louisiana", "US", []),
    ("ME", "Maine", "US", []),
    ("MD", "Maryland", "US", []),
    ("MA", "Massachusetts", "US", []),
    ("MI", "Michigan", "US", []),
    ("MN", "Minnesota", "US", []),
    ("MS", "Mississippi", "US", []),
    ("MO", "Missouri", "US", []),
    ("MT", "Montana", "US", []),
    ("NE", "Nebraska", "US", []),
    ("NV", "Nevada", "US", []),
    ("NH", "New Hampshire", "US", []),
    ("NJ", "New Jersey", "US", []),
    ("NM", "New Mexico", "US", []),
    ("NY", "New York", "US", ["New York State"]),
    ("NC", "North Carolina", "US", []),
    ("ND", "North Dakota", "US", []),
    ("OH", "Ohio", "US", []),
    ("OK", "Oklahoma", "US", []),
    ("OR", "Oregon", "US", []),
    ("PA", "Pennsylvania", "US", []),
    ("RI", "Rhode Island", "US", []),
    ("SC", "South Carolina", "US", []),
    ("SD", "South Dakota", "US", []),
    ("TN", "Tennessee", "US", []),
    ("TX", "Texas", "US", []),
    ("UT", "Utah", "US", []),
    ("VT", "Vermont", "US", []),
    ("VA", "Virginia", "US", []),
    ("WA", "Washington", "US", ["Washington State"]),
    ("WV", "West Virginia", "US", []),
    ("WI", "Wisconsin", "US", []),
    ("WY", "Wyoming", "US", []),
    ("AB", "Alberta", "CA", []),
    ("BC", "British Columbia", "CA", []),
    ("MB", "Manitoba", "CA", []),
    ("NB", "New Brunswick", "CA", []),
    ("NL", "Newfoundland and Labrador", "CA",
     ["Newfoundland & Labrador", "Newfoundland", "Labrador", "NF", "Nfld"]),
    ("NS", "Nova Scotia", "CA", []),
    ("NT", "Northwest Territories", "CA", ["NWT"]),
    ("NU", "Nunavut", "CA", []),
    ("ON", "Ontario", "CA", []),
    ("PE", "Prince Edward Island", "CA", ["PEI"]),
    ("QC", "Quebec", "CA", ["PQ"]),
    ("SK", "Saskatchewan", "CA", []),
    ("YT", "Yukon", "CA", ["Yukon Territory"]),
]

# Geocoder spellings that are not a subdivision name as declared above.
GEO_ALIASES = {
    "Washington State": ["WA"],
    "Washington D.C.": ["DC"],
    "British Colombia": ["BC"],  # sic, in the geocoding data
}


def key(text):
    """The matching key the Rust side computes: lower-case ASCII letters only."""
    return "".join(c.lower() for c in text if c.isascii() and c.isalpha())


def subdivisions_of(description, index_by_code, index_by_name):
    """Subdivision indices named by one geocoding description ([] when it names none)."""
    if description in GEO_ALIASES:
        return [index_by_code[c] for c in GEO_ALIASES[description]]
    city_state = re.fullmatch(r".*, ([A-Z]{2})", description)
    if city_state:
        return [index_by_code[city_state.group(1)]] if city_state.group(1) in index_by_code else []
    parts = description.split("/")
    found = [index_by_name[p] for p in parts if p in index_by_name]
    return found if len(found) == len(parts) else []


def main():
    index_by_code = {s[0]: i for i, s in enumerate(SUBDIVISIONS)}
    index_by_name = {s[1]: i for i, s in enumerate(SUBDIVISIONS)}
    assert len(SUBDIVISIONS) <= 64, "area codes store subdivisions as a u64 bit set"
    keys = {}
    for i, (code, name, _, aliases) in enumerate(SUBDIVISIONS):
        for spelling in [code, name, *aliases]:
            k = key(spelling)
            other = keys.setdefault((SUBDIVISIONS[i][2], k), i)
            assert other == i, f"{spelling!r} is ambiguous"

    npa_level = {}
    city_level = defaultdict(set)
    for prefix, names in GEOCODE_DATA.items():
        if not prefix.startswith("1") or len(prefix) < 4 or "en" not in names:
            continue
        found = subdivisions_of(names["en"], index_by_code, index_by_name)
        npa = int(prefix[1:4])
        if len(prefix) == 4:
            npa_level[npa] = found
        else:
            city_level[npa].update(found)

    table = {}
    for npa in sorted(set(npa_level) | set(city_level)):
        if npa in npa_level:
            found = npa_level[npa]
        else:
            found = sorted(city_level[npa])
            if len(found) > 1:
                sys.exit(f"area code {npa}: city entries disagree: {found}")
        if found:
            table[npa] = sorted(found)

    countries = {SUBDIVISIONS[i][2] for found in table.values() for i in found}
    assert countries == {"US", "CA"}, countries

    out = sys.stdout
    w = out.write
    w("// @generated by tools/nanp_area_codes.py from the geocoding data of the PyPI\n")
    w(f"// package phonenumbers {phonenumbers.__version__} (libphonenumber's geocoder).\n")
    w("// Do not edit by hand.\n")
    w(f"// {len(table)} area codes, {len(SUBDIVISIONS)} subdivisions.\n\n")
    w("use super::Subdivision;\n\n")
    w("/// US states, DC and Canadian provinces/territories. An area code's bit set uses these\n")
    w("/// positions. `keys` are the accepted spellings, as lower-case ASCII letters only.\n")
    w("#[rustfmt::skip]\n")
    w(f"pub(super) static SUBDIVISIONS: [Subdivision; {len(SUBDIVISIONS)}] = [\n")
    for code, name, country, aliases in SUBDIVISIONS:
        spellings = []
        for s in [code, name, *aliases]:
            if key(s) not in spellings:
                spellings.append(key(s))
        keys_src = ", ".join(f'"{k}"' for k in spellings)
        w(f'    Subdivision {{ code: "{code}", name: "{name}", country: *b"{country}", keys: &[{keys_src}] }},\n')
    w("];\n\n")
    w("/// NANP area code (NPA) -> bit set over [`SUBDIVISIONS`] it serves, sorted by area code.\n")
    w("#[rustfmt::skip]\n")
    w(f"pub(super) static AREA_CODES: [(u16, u64); {len(table)}] = [\n")
    for npa, found in table.items():
        mask = 0
        for i in found:
            mask |= 1 << i
        names = "/".join(SUBDIVISIONS[i][0] for i in found)
        w(f"    ({npa}, 0x{mask:016x}), // {names}\n")
    w("];\n")


if __name__ == "__main__":
    main()
