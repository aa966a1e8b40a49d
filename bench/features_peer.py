#!/usr/bin/env python3
"""The pandas peer of `appfraud features`: the feature step a data-science team would write with
pandas and pyarrow over the same data directory (the input contract, docs/input-contract.md),
computing a simpler set of 44 features. It is the reference the feature pipeline's speed is
compared with (bench/features_vs_peer.sh).

Families, point in time as the input contract defines it (an application submitted at t sees its
own row, its own telemetry and other applications' rows dated before t):
  - own row (20): email (free-mail domain, digits and length of the local part), phone as
    typed (digit count, leading "+", leading "1", leading "00", letters), profile (age, dormancy
    gap, connections), graduation year against years of experience, submission hour in UTC,
    missing-value flags;
  - the application's own telemetry (12): sample and session counts, input lag mean / max / std,
    typing interval mean / std, distinct IPs, devices and UTC offsets, remote-access tool and
    virtual-machine flags (counts are 0 and the rest missing without telemetry);
  - shared entities (12): for the normalised email, the phone's digits, the device, the IP and
    the normalised shipping address, the number of applications with the same value submitted
    strictly before (equal timestamps do not see each other), in all and in the last 30 days;
    for the device and the IP, the number of those earlier applications labelled fraud with
    `labeled_at` strictly before the submission.

Usage:
  features_peer.py --data DIR --out FILE.parquet   compute and write the features; the time of
      each step and the total (reading to writing) go to stderr, then `peer_seconds=<total>` to
      stdout.
  features_peer.py --check                          build small data directories, compute their
      features and compare the point-in-time counts with hand-written values and with a
      brute-force count; exit status 1 on any difference.

The output holds application_id, submitted_at, then the features (float32, NaN = missing), one
row per application in input order.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

APPLICATION_COLUMNS = [
    "application_id",
    "submitted_at",
    "email",
    "phone",
    "shipping_address",
    "ip",
    "device_id",
    "browser_tz_offset_min",
    "profile_url",
    "profile_created_at",
    "profile_prev_activity_at",
    "profile_connections",
    "graduation_year",
    "years_experience",
]
TELEMETRY_COLUMNS = [
    "application_id",
    "session_id",
    "ip",
    "device_id",
    "tz_offset_min",
    "input_lag_ms",
    "typing_interval_ms",
    "remote_tool",
    "is_virtual_machine",
]
LABEL_COLUMNS = ["application_id", "is_fraud", "labeled_at"]
NUMERIC_COLUMNS = {
    "browser_tz_offset_min",
    "profile_connections",
    "graduation_year",
    "years_experience",
    "tz_offset_min",
    "input_lag_ms",
    "typing_interval_ms",
}
BOOL_COLUMNS = {"is_fraud", "is_virtual_machine"}
TIMESTAMP_COLUMNS = {
    "submitted_at",
    "profile_created_at",
    "profile_prev_activity_at",
    "event_at",
    "labeled_at",
}

FREE_MAIL_DOMAINS = [
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com",
    "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com",
    "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "tutanota.com", "tuta.io", "qq.com",
    "163.com", "126.com", "naver.com",
]  # fmt: skip
# Country domains of providers that are free mail everywhere ("yahoo.co.uk", "hotmail.fr").
FREE_MAIL_COUNTRY_VARIANT = r"^(?:yahoo|hotmail|outlook|live|gmx|yandex)\.[a-z]{2,3}(?:\.[a-z]{2,3})?$"

SHARED_KEYS = ["email", "phone", "device", "ip", "address"]
KNOWN_FRAUD_KEYS = ["device", "ip"]
WINDOW = pd.Timedelta(days=30)
DAY_SECONDS = 86_400.0


def read_table(data: Path, name: str, columns: list[str], required: bool) -> pd.DataFrame | None:
    """`name`.parquet, else `name`.csv (timestamps in RFC 3339), restricted to `columns`."""
    parquet, csv = data / f"{name}.parquet", data / f"{name}.csv"
    if parquet.exists():
        return pd.read_parquet(parquet, columns=columns)
    if csv.exists():
        strings = set(columns) - TIMESTAMP_COLUMNS - NUMERIC_COLUMNS - BOOL_COLUMNS
        frame = pd.read_csv(csv, usecols=columns, dtype={c: "str" for c in strings})
        for column in TIMESTAMP_COLUMNS.intersection(columns):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").astype(
                "datetime64[us, UTC]"
            )
        return frame[columns]
    if required:
        raise SystemExit(f"features_peer: {data} has neither {name}.parquet nor {name}.csv")
    return None


def own_row_features(apps: pd.DataFrame) -> pd.DataFrame:
    """Features of each application's own row, indexed like `apps`."""
    f = pd.DataFrame(index=apps.index)
    submitted = apps["submitted_at"]

    email = apps["email"].str.strip().str.lower()
    parts = email.str.extract(r"^(?P<local>.*)@(?P<domain>[^@]*)$")
    local, domain = parts["local"], parts["domain"]
    f["email_free_mail"] = domain.isin(FREE_MAIL_DOMAINS) | domain.str.match(
        FREE_MAIL_COUNTRY_VARIANT
    )
    f["email_free_mail"] = f["email_free_mail"].where(domain.notna())
    f["email_local_digits"] = local.str.count(r"[0-9]")
    f["email_local_length"] = local.str.len()

    phone = apps["phone"].str.strip()
    has_phone = phone.notna() & phone.ne("")
    digits = phone.str.replace(r"[^0-9]", "", regex=True)
    f["phone_missing"] = ~has_phone
    f["phone_digit_count"] = digits.str.len().where(has_phone)
    f["phone_leading_plus"] = phone.str.startswith("+").where(has_phone)
    # A bare "1" before the area code: North American area codes never start with 1.
    f["phone_leading_1"] = phone.str.startswith("1").where(has_phone)
    f["phone_leading_00"] = phone.str.startswith("00").where(has_phone)
    f["phone_has_letters"] = phone.str.contains(r"[A-Za-z]").where(has_phone)

    f["profile_missing"] = apps["profile_url"].isna()
    f["profile_age_days"] = (submitted - apps["profile_created_at"]).dt.total_seconds() / DAY_SECONDS
    f["profile_dormancy_days"] = (
        submitted - apps["profile_prev_activity_at"]
    ).dt.total_seconds() / DAY_SECONDS
    f["profile_connections"] = apps["profile_connections"]

    years_since_graduation = submitted.dt.year - apps["graduation_year"]
    f["years_since_graduation"] = years_since_graduation
    f["experience_before_graduation_years"] = apps["years_experience"] - years_since_graduation

    f["submission_hour_utc"] = submitted.dt.hour
    f["browser_offset_missing"] = apps["browser_tz_offset_min"].isna()
    f["ip_missing"] = apps["ip"].isna()
    f["device_missing"] = apps["device_id"].isna()
    f["address_missing"] = apps["shipping_address"].isna()
    return f


def telemetry_features(apps: pd.DataFrame, tel: pd.DataFrame | None) -> pd.DataFrame:
    """Aggregates of each application's own telemetry, indexed like `apps`."""
    counts = ["telemetry_samples", "telemetry_sessions"]
    stats = [
        "input_lag_mean_ms", "input_lag_max_ms", "input_lag_std_ms",
        "typing_interval_mean_ms", "typing_interval_std_ms", "telemetry_ips", "telemetry_devices",
        "telemetry_tz_offsets", "remote_tool_any", "virtual_machine_any",
    ]  # fmt: skip
    if tel is None:
        f = pd.DataFrame(np.nan, index=apps.index, columns=counts + stats)
        f[counts] = 0.0
        return f
    tel = tel.assign(
        remote=tel["remote_tool"].notna(),
        vm=tel["is_virtual_machine"].astype("float32"),
    )
    agg = tel.groupby("application_id", sort=False).agg(
        telemetry_samples=("session_id", "size"),
        telemetry_sessions=("session_id", "nunique"),
        input_lag_mean_ms=("input_lag_ms", "mean"),
        input_lag_max_ms=("input_lag_ms", "max"),
        input_lag_std_ms=("input_lag_ms", "std"),
        typing_interval_mean_ms=("typing_interval_ms", "mean"),
        typing_interval_std_ms=("typing_interval_ms", "std"),
        telemetry_ips=("ip", "nunique"),
        telemetry_devices=("device_id", "nunique"),
        telemetry_tz_offsets=("tz_offset_min", "nunique"),
        remote_tool_any=("remote", "max"),
        virtual_machine_any=("vm", "max"),
    )
    f = agg.reindex(apps["application_id"]).set_axis(apps.index)
    f[counts] = f[counts].fillna(0)
    return f


def entity_keys(apps: pd.DataFrame) -> pd.DataFrame:
    """The normalised values applications are linked by, as integer codes (equal values get
    equal codes), indexed like `apps`; -1 where a row has no value."""
    email = apps["email"].str.strip().str.lower().str.replace(r"\+[^@]*@", "@", regex=True)
    address = (
        apps["shipping_address"]
        .str.lower()
        .str.replace(r"[^0-9a-z]+", " ", regex=True)
        .str.strip()
    )
    values = {
        "email": email,
        "phone": apps["phone"].str.replace(r"[^0-9]", "", regex=True),
        "device": apps["device_id"].str.strip().str.lower(),
        "ip": apps["ip"].str.strip(),
        "address": address,
    }
    return pd.DataFrame(
        {kind: pd.factorize(v.where(v.ne("")))[0] for kind, v in values.items()},
        index=apps.index,
    )


def running_counts(key: pd.Series, at: pd.Series) -> pd.DataFrame:
    """Events given by their key code and instant, as the number of events of each key at or
    before each instant: columns key, at, events_so_far, sorted by `at` (the right side of
    `count_before`). Events without a key (-1) are left out."""
    events = pd.DataFrame({"key": key, "at": at})
    return (
        events[events["key"] >= 0]
        .groupby(["key", "at"], sort=True)
        .size()
        .groupby(level="key")
        .cumsum()
        .rename("events_so_far")
        .reset_index()
        .sort_values("at", kind="stable")
    )


def count_before(key: pd.Series, at: pd.Series, events: pd.DataFrame) -> pd.Series:
    """For each row i, the number of `events` (from `running_counts`) with key[i] and an instant
    strictly before at[i]: an event at the same instant is not counted. Rows without a key get
    0, like rows whose key has no earlier event."""
    queries = pd.DataFrame({"key": key, "at": at})
    queries = queries[queries["key"] >= 0].sort_values("at", kind="stable")
    matched = pd.merge_asof(
        queries, events, on="at", by="key", allow_exact_matches=False, direction="backward"
    )
    so_far = pd.Series(matched["events_so_far"].to_numpy(), index=queries.index)
    return so_far.reindex(key.index).fillna(0)


def shared_entity_features(
    apps: pd.DataFrame, keys: pd.DataFrame, labels: pd.DataFrame | None
) -> pd.DataFrame:
    """Point-in-time counts of earlier applications sharing each key, indexed like `apps`;
    missing where the application has no value of that key."""
    f = pd.DataFrame(index=apps.index)
    submitted = apps["submitted_at"]
    if labels is not None:
        label = apps[["application_id"]].merge(
            labels.drop_duplicates("application_id", keep="last"), on="application_id", how="left"
        )
        fraud = label["is_fraud"].eq(True).to_numpy()
        # An earlier fraud application counts at t once it was submitted and labelled before t.
        fraud_known_at = np.maximum(submitted, label["labeled_at"].set_axis(apps.index))[fraud]
    for kind in SHARED_KEYS:
        key = keys[kind]
        applications = running_counts(key, submitted)
        earlier = count_before(key, submitted, applications)
        before_window = count_before(key, submitted - WINDOW, applications)
        f[f"shared_{kind}_apps"] = earlier.where(key >= 0)
        f[f"shared_{kind}_apps_30d"] = (earlier - before_window).where(key >= 0)
    for kind in KNOWN_FRAUD_KEYS:
        key = keys[kind]
        if labels is None:
            known = pd.Series(0.0, index=apps.index)
        else:
            known = count_before(key, submitted, running_counts(key[fraud], fraud_known_at))
        f[f"shared_{kind}_known_fraud"] = known.where(key >= 0)
    return f


def compute(data: Path, out: Path, log=sys.stderr) -> float:
    """Reads `data`, writes the features to `out`; returns the total seconds."""
    started = time.perf_counter()
    step = started

    def lap(name: str) -> None:
        nonlocal step
        now = time.perf_counter()
        print(f"[peer] {name:<16}{now - step:8.2f} s", file=log)
        step = now

    apps = read_table(data, "applications", APPLICATION_COLUMNS, required=True)
    tel = read_table(data, "telemetry", TELEMETRY_COLUMNS, required=False)
    labels = read_table(data, "labels", LABEL_COLUMNS, required=False)
    if apps["application_id"].duplicated().any():
        raise SystemExit("features_peer: applications: duplicate application_id")
    lap("read")
    own = own_row_features(apps)
    lap("own row")
    telemetry = telemetry_features(apps, tel)
    lap("telemetry")
    shared = shared_entity_features(apps, entity_keys(apps), labels)
    lap("shared entities")
    features = pd.concat([own, telemetry, shared], axis=1).astype("float32")
    frame = pd.concat([apps[["application_id", "submitted_at"]], features], axis=1)
    frame.to_parquet(out, index=False)
    lap("write")
    total = time.perf_counter() - started
    print(
        f"[peer] {'total':<16}{total:8.2f} s ({len(frame)} applications, "
        f"{features.shape[1]} features)",
        file=log,
    )
    return total


# ---- self-check ---------------------------------------------------------------------------------


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def hand_built_case() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict[str, float]]]:
    """Eight applications on one device and one IP with equal timestamps, a 30-day boundary,
    rows listed out of time order, labels known before, at and after submission. Returns the
    applications, the labels and the expected counts per application."""
    rows = [
        # id, submitted_at, device, ip
        ("a1", "2024-01-01T00:00:00Z", "DEV-1", "203.0.113.5"),
        ("a2", "2024-01-01T00:00:00Z", "dev-1 ", "203.0.113.5"),  # same instant as a1
        ("a3", "2024-01-10T00:00:00Z", "dev-1", None),
        ("a4", "2024-01-31T00:00:00Z", "dev-1", "203.0.113.5"),  # a1, a2 exactly 30 days back
        ("a5", "2024-01-31T00:00:00.000001Z", "dev-1", "203.0.113.5"),  # a1, a2 just over 30
        ("a6", "2024-03-01T00:00:00Z", "dev-2", "203.0.113.5"),
        ("a7", "2024-03-05T00:00:00Z", "dev-1", "198.51.100.7"),
        ("a0", "2024-05-01T00:00:00Z", "dev-1", "203.0.113.5"),  # listed first in the file
    ]
    apps = pd.DataFrame(rows, columns=["application_id", "submitted_at", "device_id", "ip"])
    apps["submitted_at"] = pd.to_datetime(apps["submitted_at"], format="ISO8601").astype(
        "datetime64[us, UTC]"
    )
    apps = pd.concat([apps.iloc[[7]], apps.iloc[:7]], ignore_index=True)
    apps["email"] = [f"person{i}@example.com" for i in range(len(apps))]
    labels = pd.DataFrame(
        [
            ("a1", True, ts("2024-01-20")),  # known before a4, a5, a6, a7, a0
            ("a2", True, ts("2024-03-01")),  # known exactly at a6: not for a6, yes for a7
            ("a3", False, ts("2024-01-12")),
            ("a4", True, ts("2024-06-01")),  # known after every application here
            ("a6", True, ts("2024-03-02")),  # known before a7 (other device), a0
        ],
        columns=LABEL_COLUMNS,
    )
    labels["labeled_at"] = labels["labeled_at"].astype("datetime64[us, UTC]")
    nan = float("nan")
    expected = {
        # device dev-1 holds a1..a5, a7, a0; ip 203.0.113.5 holds a1, a2, a4, a5, a6, a0.
        "a1": dict(device=0, device_30d=0, ip=0, ip_30d=0, device_fraud=0, ip_fraud=0),
        "a2": dict(device=0, device_30d=0, ip=0, ip_30d=0, device_fraud=0, ip_fraud=0),
        "a3": dict(device=2, device_30d=2, ip=nan, ip_30d=nan, device_fraud=0, ip_fraud=nan),
        "a4": dict(device=3, device_30d=3, ip=2, ip_30d=2, device_fraud=1, ip_fraud=1),
        "a5": dict(device=4, device_30d=2, ip=3, ip_30d=1, device_fraud=1, ip_fraud=1),
        "a6": dict(device=0, device_30d=0, ip=4, ip_30d=2, device_fraud=0, ip_fraud=1),
        "a7": dict(device=5, device_30d=0, ip=0, ip_30d=0, device_fraud=2, ip_fraud=0),
        "a0": dict(device=6, device_30d=0, ip=5, ip_30d=0, device_fraud=2, ip_fraud=3),
    }
    return apps, labels, expected


def random_case(seed: int, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`n` applications over a few keys and a few distinct instants (many ties), with labels."""
    rng = np.random.default_rng(seed)
    start = ts("2024-01-01")
    instants = start + pd.to_timedelta(np.sort(rng.choice(120, size=25, replace=False)), unit="D")
    apps = pd.DataFrame(
        {
            "application_id": [f"r{i}" for i in range(n)],
            "submitted_at": rng.choice(instants, size=n),
            "device_id": rng.choice(np.array(["d1", "d2", "D3", None], dtype=object), size=n),
            "ip": rng.choice(np.array(["192.0.2.1", "192.0.2.2", None], dtype=object), size=n),
            "email": rng.choice(np.array(["x@a.com", "X+jobs@a.com", "y@b.org"]), size=n),
        }
    )
    apps["submitted_at"] = apps["submitted_at"].astype("datetime64[us, UTC]")
    labelled = apps.sample(frac=0.6, random_state=seed)
    labels = pd.DataFrame(
        {
            "application_id": labelled["application_id"].to_numpy(),
            "is_fraud": rng.random(len(labelled)) < 0.5,
            # Some labels land exactly on another application's instant.
            "labeled_at": rng.choice(instants, size=len(labelled)),
        }
    )
    labels["labeled_at"] = labels["labeled_at"].astype("datetime64[us, UTC]")
    return apps, labels


def brute_force(apps: pd.DataFrame, labels: pd.DataFrame) -> dict[str, dict[str, float]]:
    """The definitions, applied row against row: device case-folded and trimmed, email
    case-folded without its "+tag", IP as given."""
    label_of = {r.application_id: (r.is_fraud, r.labeled_at) for r in labels.itertuples()}
    rows = list(apps.itertuples())
    key_of = {
        "device": lambda r: r.device_id.strip().lower() if isinstance(r.device_id, str) else None,
        "ip": lambda r: r.ip if isinstance(r.ip, str) else None,
        "email": lambda r: r.email.lower().replace("+jobs", ""),
    }
    result = {}
    for r in rows:
        out = {}
        for name, key in key_of.items():
            mine = key(r)
            if mine is None:
                out.update({name: np.nan, f"{name}_30d": np.nan})
                if name != "email":
                    out[f"{name}_fraud"] = np.nan
                continue
            earlier = [o for o in rows if key(o) == mine and o.submitted_at < r.submitted_at]
            out[name] = len(earlier)
            out[f"{name}_30d"] = sum(o.submitted_at >= r.submitted_at - WINDOW for o in earlier)
            if name != "email":
                known = 0
                for o in earlier:
                    is_fraud, labeled_at = label_of.get(o.application_id, (False, None))
                    known += bool(is_fraud) and labeled_at < r.submitted_at
                out[f"{name}_fraud"] = known
        result[r.application_id] = out
    return result


def run_on(apps: pd.DataFrame, labels: pd.DataFrame, directory: Path, fmt: str) -> pd.DataFrame:
    """Writes `apps` (other columns empty) and `labels` as a data directory in `fmt` (parquet or
    csv), runs the feature step on it and reads the result back, indexed by application_id."""
    full = apps.reindex(columns=APPLICATION_COLUMNS)
    for column in APPLICATION_COLUMNS:
        if column in TIMESTAMP_COLUMNS:
            full[column] = full[column].astype("datetime64[us, UTC]")
        elif column not in NUMERIC_COLUMNS:
            full[column] = full[column].astype("str")
    directory.mkdir()
    if fmt == "parquet":
        full.to_parquet(directory / "applications.parquet", index=False)
        labels.to_parquet(directory / "labels.parquet", index=False)
    else:
        full.to_csv(directory / "applications.csv", index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ")
        labels.to_csv(directory / "labels.csv", index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ")
    out = directory / "features.parquet"
    with open(directory / "log.txt", "w") as log:
        compute(directory, out, log=log)
    return pd.read_parquet(out).set_index("application_id")


def compare(got: pd.DataFrame, expected: dict[str, dict[str, float]], what: str) -> int:
    """Prints every difference between `got` and `expected`; returns their number."""
    columns = {
        "device": "shared_device_apps", "device_30d": "shared_device_apps_30d",
        "ip": "shared_ip_apps", "ip_30d": "shared_ip_apps_30d",
        "email": "shared_email_apps", "email_30d": "shared_email_apps_30d",
        "device_fraud": "shared_device_known_fraud", "ip_fraud": "shared_ip_known_fraud",
    }  # fmt: skip
    failures = 0
    for app, values in expected.items():
        for name, want in values.items():
            have = float(got.at[app, columns[name]])
            if not (have == want or (np.isnan(have) and np.isnan(want))):
                print(f"check {what}: {app} {columns[name]} = {have}, expected {want}", file=sys.stderr)
                failures += 1
    return failures


def check() -> int:
    failures = 0
    compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        apps, labels, expected = hand_built_case()
        for fmt in ["parquet", "csv"]:
            got = run_on(apps, labels, Path(tmp) / f"hand-{fmt}", fmt)
            failures += compare(got, expected, f"hand-built ({fmt})")
            compared += sum(len(v) for v in expected.values())
        # The hand-written expectation and the brute force agree with each other, too.
        brute = brute_force(apps, labels)
        for app, values in expected.items():
            for name, want in values.items():
                have = brute[app][name]
                if not (have == want or (np.isnan(have) and np.isnan(want))):
                    print(f"check: brute force {app} {name} = {have}, hand {want}", file=sys.stderr)
                    failures += 1
        for seed in range(3):
            apps, labels = random_case(seed, 300)
            got = run_on(apps, labels, Path(tmp) / f"random-{seed}", "parquet")
            brute = brute_force(apps, labels)
            failures += compare(got, brute, f"random seed {seed}")
            compared += sum(len(v) for v in brute.values())
            # Appending later applications leaves the earlier rows' features unchanged.
            later = apps.assign(
                application_id=apps["application_id"] + "-late",
                submitted_at=apps["submitted_at"] + pd.Timedelta(days=365),
            )
            grown = run_on(
                pd.concat([apps, later], ignore_index=True),
                labels,
                Path(tmp) / f"random-{seed}-grown",
                "parquet",
            )
            same = grown.loc[got.index, got.columns]
            if not same.equals(got):
                print(f"check random seed {seed}: later rows changed earlier features", file=sys.stderr)
                failures += 1
    print(f"features_peer check: {compared} counts compared, {failures} differences")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="input data directory")
    parser.add_argument("--out", type=Path, help="output Parquet file")
    parser.add_argument("--check", action="store_true", help="run the point-in-time self-check")
    args = parser.parse_args()
    if args.check:
        return check()
    if args.data is None or args.out is None:
        parser.error("--data and --out are required (or --check)")
    total = compute(args.data, args.out)
    print(f"peer_seconds={total:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
