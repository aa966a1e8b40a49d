#!/usr/bin/env python3
"""Regenerate features/src/reference/time_zones/country_zones.rs from the tz database.

Reads `zone.tab` (one ISO 3166-1 alpha-2 country per line: the zones where clocks have agreed
since 1970, intersected with the country), `iso3166.tab` (country names, for comments and for
listing the codes that have no zone) and the tzdata version (`tzdata.zi`'s first line, or a
`version` / `+VERSION` file), then writes the Rust table and runs rustfmt on it.

Usage, from the repository root:

    python3 tools/gen_country_zones.py [--tzdir /usr/share/zoneinfo] [--out PATH]

Use a tzdata release equal to the one chrono-tz bundles (`chrono_tz::IANA_TZDB_VERSION`); a unit
test in the time_zones module fails when the two differ. Zones are written as `chrono_tz::Tz`
variants, so a zone that chrono-tz does not know fails to compile.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

DEFAULT_OUT = Path("features/src/reference/time_zones/country_zones.rs")


def read_version(tzdir: Path) -> str:
    zi = tzdir / "tzdata.zi"
    if zi.exists():
        first = zi.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# version "):
            return first.removeprefix("# version ").strip()
    for name in ("version", "+VERSION"):
        path = tzdir / name
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
    sys.exit(f"cannot find the tzdata version under {tzdir}")


def rows(path: Path) -> list[list[str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


def variant(zone: str) -> str:
    """chrono-tz's enum variant for an IANA name: '/' -> '__', '-' dropped, '+' -> 'Plus'."""
    return "Tz::" + zone.replace("/", "__").replace("-", "").replace("+", "Plus")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tzdir", type=Path, default=Path("/usr/share/zoneinfo"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    version = read_version(args.tzdir)
    names = {r[0]: r[1] for r in rows(args.tzdir / "iso3166.tab")}
    zones: dict[str, list[str]] = {}
    for r in rows(args.tzdir / "zone.tab"):
        country, zone = r[0], r[2]
        if len(country) != 2 or not country.isupper():
            sys.exit(f"zone.tab: unexpected country code {country!r}")
        zones.setdefault(country, []).append(zone)
    without = sorted(set(names) - set(zones))
    unnamed = sorted(set(zones) - set(names))
    if unnamed:
        sys.exit(f"zone.tab codes missing from iso3166.tab: {unnamed}")
    most = max(len(z) for z in zones.values())

    lines = [
        "//! ISO 3166-1 alpha-2 country → IANA zones. **Generated** by `tools/gen_country_zones.py`",
        f"//! from the tz database's `zone.tab`, tzdata {version}; do not edit by hand, rerun the script.",
        "//!",
        "//! Each country lists the zones of `zone.tab` rows with its code: the zones where clocks have",
        "//! agreed since 1970 within that country, in `zone.tab` order (geographical, the most",
        "//! populous first where that fits). Codes of `iso3166.tab` without any zone (uninhabited):",
        "//! " + (", ".join(f"{c} ({names[c]})" for c in without) if without else "none") + ".",
        "",
        "use chrono_tz::Tz;",
        "",
        "/// The tzdata release (`zone.tab`) the country → zones table was generated from.",
        f'pub const TZDATA_VERSION: &str = "{version}";',
        "",
        "/// The largest number of zones of one country.",
        f"pub(super) const MAX_COUNTRY_ZONES: usize = {most};",
        "",
        "/// Country code (upper-case ASCII) → its zones, sorted by code.",
        "pub(super) const COUNTRY_ZONES: &[([u8; 2], &[Tz])] = &[",
    ]
    for country in sorted(zones):
        lines.append(f"    // {names[country]}")
        members = ", ".join(variant(z) for z in zones[country])
        lines.append(f'    (*b"{country}", &[{members}]),')
    lines.append("];")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(["rustfmt", "--edition", "2024", str(args.out)], check=True)
    total = sum(len(z) for z in zones.values())
    print(f"{args.out}: tzdata {version}, {len(zones)} countries, {total} zones")


if __name__ == "__main__":
    main()
