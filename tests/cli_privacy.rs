//! No personal data in any output but the data files: the whole loop runs with the binary at
//! its most verbose setting (the default: step lines and the ingest report on stderr, results
//! on stdout; only `--quiet` turns them off), on generated data and on data directories broken
//! in the ways that reach the error messages (malformed phone, IP and timestamps, a duplicate
//! id, malformed CSV rows in applications and telemetry). Everything printed, every file of
//! the model package, and the sentence of every reason code in the scores files, are searched
//! for every email, phone, full name, shipping address and IP of the input.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use appfraud_core::schema::{self, TableSpec};
use chrono::{DateTime, SecondsFormat};
use polars::prelude::*;

mod common;
use common::{ok, read, run, s};

/// Values shorter than this are not searched for. A shorter value (a phone typed as a 5-digit
/// extension, a two-letter name) would also be found, as a whole word, in numbers and words the
/// commands legitimately print; every value of the generated data is longer, which the test
/// checks.
const MIN_LEN: usize = 6;

/// Where each searched text came from, and the text.
#[derive(Default)]
struct Printed {
    texts: Vec<(String, String)>,
}

impl Printed {
    /// Runs `appfraud ARGS` (never with `--quiet`) and keeps its stdout and stderr.
    fn run(&mut self, what: &str, args: &[&str]) -> Output {
        let out = run(args);
        self.keep(
            format!("{what}: stdout"),
            String::from_utf8_lossy(&out.stdout),
        );
        self.keep(
            format!("{what}: stderr"),
            String::from_utf8_lossy(&out.stderr),
        );
        out
    }

    fn keep(&mut self, what: String, text: impl Into<String>) {
        self.texts.push((what, text.into()));
    }

    /// Every text file of a model package, and the ONNX graph's bytes read as text.
    fn keep_package(&mut self, dir: &Path) {
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for path in names {
            let bytes = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            self.keep(name, String::from_utf8_lossy(&bytes));
        }
    }
}

/// Whether `c` can continue a value: a match only counts as the whole value when neither
/// neighbour is a letter or a digit ("24.0.0.1" inside "24.0.0.17" is another address).
fn continues(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// The `text` of every reason code of a scores file.
fn reason_texts(scores: &DataFrame) -> Vec<String> {
    let list = scores.column("reasons").unwrap().list().unwrap();
    let mut texts = Vec::new();
    for row in list.series_iter().flatten() {
        let text = row.struct_().unwrap().field_by_name("text").unwrap();
        texts.extend(text.str().unwrap().iter().flatten().map(str::to_owned));
    }
    texts
}

/// The personal values of a data directory's tables, each with its kind.
fn personal_values(apps: &DataFrame, telemetry: Option<&DataFrame>) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let mut add = |df: &DataFrame, table: &str, column: &str| {
        let col = df.column(column).unwrap().str().unwrap();
        for v in col.iter().flatten() {
            let v = v.trim();
            if !v.is_empty() {
                values.insert(v.to_owned(), format!("{table}.{column}"));
            }
        }
    };
    for column in ["email", "phone", "full_name", "shipping_address", "ip"] {
        add(apps, "applications", column);
    }
    if let Some(t) = telemetry {
        add(t, "telemetry", "ip");
    }
    values
}

/// Each place where a value of `values` appears whole in `printed`.
fn leaks(printed: &Printed, values: &BTreeMap<String, String>) -> Vec<String> {
    // Index every 6-byte window of the texts so that only values whose start occurs anywhere
    // are searched for in full.
    let window = |b: &[u8]| -> u64 {
        b[..MIN_LEN]
            .iter()
            .fold(0u64, |k, &x| (k << 8) | u64::from(x))
    };
    let mut windows: HashSet<u64> = HashSet::new();
    for (_, text) in &printed.texts {
        for w in text.as_bytes().windows(MIN_LEN) {
            windows.insert(window(w));
        }
    }
    let mut found = Vec::new();
    for (value, kind) in values {
        if value.len() < MIN_LEN || !windows.contains(&window(value.as_bytes())) {
            continue;
        }
        for (what, text) in &printed.texts {
            for (at, _) in text.match_indices(value.as_str()) {
                let before = text[..at].chars().next_back();
                let after = text[at + value.len()..].chars().next();
                if !continues(before) && !continues(after) {
                    found.push(format!("{what}: the {kind} {value:?}"));
                }
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Broken data directories, written as CSV from the first rows of the generated tables.

/// A table as text cells: the header, then the rows. A cell starting with [`RAW`] is written as
/// it is (the rest of it), without CSV quoting.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

const RAW: char = '\u{1}';

impl Table {
    /// The first `n` rows of `df` (contract columns only), timestamps as RFC 3339.
    fn of(df: &DataFrame, spec: &TableSpec, n: usize) -> Table {
        let df = df.head(Some(n));
        let header: Vec<String> = spec.columns.iter().map(|c| c.name.to_owned()).collect();
        let columns: Vec<Vec<String>> = spec
            .columns
            .iter()
            .map(|c| {
                let col = df.column(c.name).unwrap();
                if matches!(col.dtype(), DataType::Datetime(..)) {
                    let micros = col.to_physical_repr();
                    micros
                        .i64()
                        .unwrap()
                        .iter()
                        .map(|v| v.map(timestamp).unwrap_or_default())
                        .collect()
                } else {
                    let text = col.cast(&DataType::String).unwrap();
                    text.str()
                        .unwrap()
                        .iter()
                        .map(|v| v.unwrap_or_default().to_owned())
                        .collect()
                }
            })
            .collect();
        let rows = (0..df.height())
            .map(|i| columns.iter().map(|c| c[i].clone()).collect())
            .collect();
        Table { header, rows }
    }

    fn column(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap()
    }

    fn get(&self, row: usize, column: &str) -> String {
        self.rows[row][self.column(column)].clone()
    }

    fn set(&mut self, row: usize, column: &str, value: impl Into<String>) {
        let c = self.column(column);
        self.rows[row][c] = value.into();
    }

    fn write(&self, path: &Path) {
        let cell = |v: &String| match v.strip_prefix(RAW) {
            Some(raw) => raw.to_owned(),
            None if v.contains([',', '"', '\n', '\r']) => format!("\"{}\"", v.replace('"', "\"\"")),
            None => v.clone(),
        };
        let mut text = self.header.join(",");
        text.push('\n');
        for row in &self.rows {
            text.push_str(&row.iter().map(cell).collect::<Vec<_>>().join(","));
            text.push('\n');
        }
        std::fs::write(path, text).unwrap();
    }
}

fn timestamp(micros: i64) -> String {
    DateTime::from_timestamp_micros(micros)
        .unwrap()
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The first rows of the generated data as CSV tables.
struct Small {
    apps: Table,
    telemetry: Table,
    labels: Table,
}

impl Small {
    fn of(data: &Path) -> Small {
        const ROWS: usize = 150;
        let apps = read(&data.join("applications.parquet"));
        let ids: Vec<String> = apps
            .column("application_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .take(ROWS)
            .map(|v| v.unwrap().to_owned())
            .collect();
        let of_these = |df: DataFrame| {
            let keep: BooleanChunked = df
                .column("application_id")
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| Some(v.is_some_and(|v| ids.iter().any(|i| i == v))))
                .collect();
            df.filter(&keep).unwrap()
        };
        let telemetry = of_these(read(&data.join("telemetry.parquet")));
        let labels = of_these(read(&data.join("labels.parquet")));
        Small {
            apps: Table::of(&apps, &schema::APPLICATIONS, ROWS),
            telemetry: Table::of(&telemetry, &schema::TELEMETRY, telemetry.height()),
            labels: Table::of(&labels, &schema::LABELS, labels.height()),
        }
    }

    /// Writes the tables and the generated reference files into `dir`.
    fn write(&self, data: &Path, dir: &Path) {
        std::fs::create_dir_all(dir.join("reference")).unwrap();
        for file in [schema::HIGH_RISK_INSTITUTIONS.path, schema::IP_RANGES.path] {
            std::fs::copy(data.join(file), dir.join(file)).unwrap();
        }
        self.apps.write(&dir.join("applications.csv"));
        self.telemetry.write(&dir.join("telemetry.csv"));
        self.labels.write(&dir.join("labels.csv"));
    }

    /// The first telemetry row with an IP.
    fn telemetry_row_with_ip(&self) -> usize {
        (0..self.telemetry.rows.len())
            .find(|&r| !self.telemetry.get(r, "ip").is_empty())
            .unwrap()
    }
}

/// One way of breaking the data, and whether the commands should still accept it.
struct Broken {
    name: &'static str,
    accepted: bool,
    data: Small,
}

/// The broken data directories, with the values they add to the input (searched for too).
fn broken(data: &Path, added: &mut BTreeMap<String, String>) -> Vec<Broken> {
    let mut out = Vec::new();
    let mut case = |name, accepted, change: &mut dyn FnMut(&mut Small)| {
        let mut small = Small::of(data);
        change(&mut small);
        out.push(Broken {
            name,
            accepted,
            data: small,
        });
    };
    let mut add = |value: &str, kind: &str| {
        added.insert(value.to_owned(), kind.to_owned());
    };
    let phone = "+1 (415) 555-01OO ext. 7";
    let app_ip = "300.17.2.33";
    let session_ip = "24.0.0.999";
    add(phone, "malformed applications.phone");
    add(app_ip, "malformed applications.ip");
    add(session_ip, "malformed telemetry.ip");
    case("a phone that is no number", true, &mut |d| {
        d.apps.set(3, "phone", phone)
    });
    case("malformed IPs", true, &mut |d| {
        d.apps.set(5, "ip", app_ip);
        let r = d.telemetry_row_with_ip();
        d.telemetry.set(r, "ip", session_ip);
    });
    case("an unparsable submitted_at", false, &mut |d| {
        d.apps.set(4, "submitted_at", "2025-02-30T25:61:00Z")
    });
    case("an email in the submitted_at column", false, &mut |d| {
        let email = d.apps.get(6, "email");
        d.apps.set(6, "submitted_at", email);
    });
    case("a phone in the graduation_year column", false, &mut |d| {
        let phone = (0..d.apps.rows.len())
            .map(|r| d.apps.get(r, "phone"))
            .find(|p| !p.is_empty())
            .unwrap();
        d.apps.set(7, "graduation_year", phone);
    });
    case("a duplicate application_id", false, &mut |d| {
        let id = d.apps.get(2, "application_id");
        d.apps.set(9, "application_id", id);
    });
    case("a quote inside an unquoted name", false, &mut |d| {
        let name = d.apps.get(8, "full_name");
        d.apps.set(8, "full_name", format!("{RAW}{name} \"Jr\""));
    });
    case("an unclosed quote in an address", false, &mut |d| {
        let address = d.apps.get(11, "shipping_address");
        d.apps
            .set(11, "shipping_address", format!("{RAW}\"{address}"));
    });
    case(
        "an applications row with a field missing",
        false,
        &mut |d| {
            d.apps.rows[10].pop();
        },
    );
    case("an IP in the telemetry event_at column", false, &mut |d| {
        let r = d.telemetry_row_with_ip();
        let ip = d.telemetry.get(r, "ip");
        d.telemetry.set(r, "event_at", ip);
    });
    case("a quote inside an unquoted telemetry IP", false, &mut |d| {
        let r = d.telemetry_row_with_ip();
        let ip = d.telemetry.get(r, "ip");
        d.telemetry.set(r, "ip", format!("{RAW}{ip}\"x"));
    });
    case("a telemetry row with an extra field", false, &mut |d| {
        let r = d.telemetry_row_with_ip();
        let ip = d.telemetry.get(r, "ip");
        d.telemetry.rows[r].push(ip);
    });
    case("telemetry of an unknown application", true, &mut |d| {
        d.telemetry.set(0, "application_id", "no-such-application");
    });
    case("an unparsable labeled_at", false, &mut |d| {
        d.labels.set(0, "labeled_at", "yesterday")
    });
    out
}

#[test]
fn nothing_printed_and_no_model_file_holds_personal_data_of_the_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    let model = dir.join("model");
    let config = dir.join("train.toml");
    let features = dir.join("features.parquet");
    let scores = dir.join("scores.parquet");
    std::fs::write(
        &config,
        "bootstrap_resamples = 20\n[gbdt]\nnum_trees = 20\n",
    )
    .unwrap();
    let mut printed = Printed::default();

    // The whole loop on generated data, every command at its default (most verbose) setting.
    let steps: [(&str, Vec<&str>); 5] = [
        (
            "generate",
            vec![
                "generate",
                "--out",
                s(&data),
                "--applications",
                "2500",
                "--quarters",
                "4",
                "--seed",
                "3",
            ],
        ),
        (
            "features",
            vec!["features", "--data", s(&data), "--out", s(&features)],
        ),
        (
            "train",
            vec![
                "train",
                "--data",
                s(&data),
                "--out",
                s(&model),
                "--config",
                s(&config),
            ],
        ),
        (
            "evaluate",
            vec!["evaluate", "--model", s(&model), "--data", s(&data)],
        ),
        (
            "score",
            vec![
                "score",
                "--model",
                s(&model),
                "--data",
                s(&data),
                "--out",
                s(&scores),
            ],
        ),
    ];
    for (what, args) in &steps {
        let out = printed.run(what, args);
        ok(&out);
    }
    printed.keep_package(&model);
    let stderr_of_features = &printed.texts[3].1;
    assert!(
        stderr_of_features.contains("computing feature rows"),
        "the step lines are printed: {stderr_of_features}"
    );
    // The sentences of the reason codes in the scores files: of the flagged applications, and
    // of every application with --reasons-for all.
    let scores_all = dir.join("scores-all.parquet");
    ok(&printed.run(
        "score --reasons-for all",
        &[
            "score",
            "--model",
            s(&model),
            "--data",
            s(&data),
            "--out",
            s(&scores_all),
            "--reasons-for",
            "all",
        ],
    ));
    let mut sentences = 0;
    for file in [&scores, &scores_all] {
        let texts = reason_texts(&read(file));
        assert!(!texts.is_empty(), "{}: no reasons", file.display());
        sentences += texts.len();
        printed.keep(
            format!("{}: reason sentences", file.display()),
            texts.join("\n"),
        );
    }
    assert!(sentences > 2500, "{sentences} reason sentences");

    let apps = read(&data.join("applications.parquet"));
    let telemetry = read(&data.join("telemetry.parquet"));
    let mut values = personal_values(&apps, Some(&telemetry));

    // The same commands on broken copies of the first rows.
    for (k, b) in broken(&data, &mut values).into_iter().enumerate() {
        let bad = dir.join(format!("broken-{k}"));
        b.data.write(&data, &bad);
        let (bad_features, bad_model, bad_scores) = (
            bad.join("f.parquet"),
            bad.join("model"),
            bad.join("s.parquet"),
        );
        let runs: [(&str, Vec<&str>); 4] = [
            (
                "features",
                vec!["features", "--data", s(&bad), "--out", s(&bad_features)],
            ),
            (
                "train",
                vec![
                    "train",
                    "--data",
                    s(&bad),
                    "--out",
                    s(&bad_model),
                    "--config",
                    s(&config),
                ],
            ),
            (
                "evaluate",
                vec!["evaluate", "--model", s(&model), "--data", s(&bad)],
            ),
            (
                "score",
                vec![
                    "score",
                    "--model",
                    s(&model),
                    "--data",
                    s(&bad),
                    "--out",
                    s(&bad_scores),
                ],
            ),
        ];
        for (what, args) in &runs {
            let out = printed.run(&format!("{what} on {}", b.name), args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            // A crash would print whatever its message holds: every run ends in a result or a
            // one-line error.
            assert!(
                matches!(out.status.code(), Some(0..=2)) && !stderr.contains("panicked"),
                "{what} on {}: {:?}: {stderr}",
                b.name,
                out.status
            );
            if *what == "features" {
                if b.accepted {
                    assert!(out.status.success(), "{}: {stderr}", b.name);
                } else {
                    // Refused with a one-line error (exit code 2), not a crash.
                    assert_eq!(out.status.code(), Some(2), "{}: {stderr}", b.name);
                    assert!(stderr.contains("error: "), "{}: {stderr}", b.name);
                }
            }
        }
        if bad_model.is_dir() {
            printed.keep_package(&bad_model);
        }
    }
    let report = printed
        .texts
        .iter()
        .find(|(what, _)| what == "features on malformed IPs: stderr")
        .map(|(_, text)| text.as_str())
        .unwrap_or_default();
    assert!(
        report.contains("applications.ip") && report.contains("telemetry.ip"),
        "the ingest report is printed: {report}"
    );

    let short = values.keys().filter(|v| v.len() < MIN_LEN).count();
    assert!(
        values.len() > 5000 && short * 1000 < values.len(),
        "{} values, {short} too short to search for",
        values.len()
    );
    let found = leaks(&printed, &values);
    assert!(
        found.is_empty(),
        "personal data in the output:\n{}",
        found.join("\n")
    );
}
