//! Small hand-made data directories for point-in-time tests: applications, telemetry and labels
//! as records, written as `SCHEMA.md` CSV files and read back through the validating ingest
//! ([`read_data_dir`]), then fed to both feature paths.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use appfraud_core::schema::{self, TableSpec};
use appfraud_features::{
    ApplicationRecord, FeatureOptions, HistorySnapshot, RawFrames, References, TelemetryRecord,
    build_feature_frame, read_data_dir,
};
use chrono::{DateTime, SecondsFormat};

/// One hour in microseconds.
pub const HOUR: i64 = 3_600_000_000;
/// One day in microseconds.
pub const DAY: i64 = 24 * HOUR;

/// A data directory as records: applications, telemetry `(application_id, sample)` and labels
/// `(application_id, labeled_at, is_fraud)`, each in file order.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub apps: Vec<ApplicationRecord>,
    pub telemetry: Vec<(String, TelemetryRecord)>,
    pub labels: Vec<(String, i64, bool)>,
}

/// An application with the required columns filled and every optional one empty.
pub fn application(id: &str, submitted_at: i64, email: &str) -> ApplicationRecord {
    ApplicationRecord {
        application_id: id.to_owned(),
        submitted_at,
        job_id: "req-1".to_owned(),
        full_name: "Test Applicant".to_owned(),
        email: email.to_owned(),
        claimed_country: "US".to_owned(),
        ..ApplicationRecord::default()
    }
}

/// A telemetry sample at `event_at` with an IP and a device.
pub fn sample(event_at: i64, ip: Option<&str>, device: Option<&str>) -> TelemetryRecord {
    TelemetryRecord {
        session_id: format!("s{event_at}"),
        event_at,
        ip: ip.map(str::to_owned),
        device_id: device.map(str::to_owned),
        ..TelemetryRecord::default()
    }
}

fn timestamp(micros: i64) -> String {
    DateTime::from_timestamp_micros(micros)
        .expect("test timestamps are in range")
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// RFC 4180 quoting where needed.
fn field(value: Option<String>) -> String {
    match value {
        None => String::new(),
        Some(v) if v.contains([',', '"', '\n', '\r']) => format!("\"{}\"", v.replace('"', "\"\"")),
        Some(v) => v,
    }
}

fn write_table(dir: &Path, spec: &TableSpec, rows: &[HashMap<&'static str, String>]) {
    let mut text = spec
        .columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for row in rows {
        let line: Vec<String> = spec
            .columns
            .iter()
            .map(|c| field(row.get(c.name).cloned()))
            .collect();
        text.push_str(&line.join(","));
        text.push('\n');
    }
    std::fs::write(dir.join(spec.csv_file()), text).expect("write a test table");
}

fn application_row(a: &ApplicationRecord) -> HashMap<&'static str, String> {
    let mut row = HashMap::new();
    let mut put = |k: &'static str, v: Option<String>| {
        if let Some(v) = v {
            row.insert(k, v);
        }
    };
    put("application_id", Some(a.application_id.clone()));
    put("submitted_at", Some(timestamp(a.submitted_at)));
    put("job_id", Some(a.job_id.clone()));
    put("full_name", Some(a.full_name.clone()));
    put("email", Some(a.email.clone()));
    put("phone", a.phone.clone());
    put("claimed_country", Some(a.claimed_country.clone()));
    put("claimed_region", a.claimed_region.clone());
    put("claimed_city", a.claimed_city.clone());
    put("shipping_address", a.shipping_address.clone());
    put("ip", a.ip.clone());
    put("device_id", a.device_id.clone());
    put("user_agent", a.user_agent.clone());
    put(
        "browser_tz_offset_min",
        a.browser_tz_offset_min.map(|v| v.to_string()),
    );
    put("profile_url", a.profile_url.clone());
    put("profile_created_at", a.profile_created_at.map(timestamp));
    put(
        "profile_prev_activity_at",
        a.profile_prev_activity_at.map(timestamp),
    );
    put(
        "profile_recent_edits",
        a.profile_recent_edits.map(|v| v.to_string()),
    );
    put(
        "profile_connections",
        a.profile_connections.map(|v| v.to_string()),
    );
    put("institution", a.institution.clone());
    put("degree", a.degree.clone());
    put("major", a.major.clone());
    put("graduation_year", a.graduation_year.map(|v| v.to_string()));
    put(
        "years_experience",
        a.years_experience.map(|v| v.to_string()),
    );
    put("resume_text", a.resume_text.clone());
    row
}

fn telemetry_row(id: &str, s: &TelemetryRecord) -> HashMap<&'static str, String> {
    let mut row = HashMap::new();
    let mut put = |k: &'static str, v: Option<String>| {
        if let Some(v) = v {
            row.insert(k, v);
        }
    };
    put("application_id", Some(id.to_owned()));
    put("session_id", Some(s.session_id.clone()));
    put("event_at", Some(timestamp(s.event_at)));
    put("ip", s.ip.clone());
    put("device_id", s.device_id.clone());
    put("tz_offset_min", s.tz_offset_min.map(|v| v.to_string()));
    put("input_lag_ms", s.input_lag_ms.map(|v| v.to_string()));
    put(
        "typing_interval_ms",
        s.typing_interval_ms.map(|v| v.to_string()),
    );
    put("remote_tool", s.remote_tool.clone());
    put(
        "is_virtual_machine",
        s.is_virtual_machine.map(|v| v.to_string()),
    );
    put("screen", s.screen.clone());
    row
}

impl World {
    /// Writes the tables as CSV into `dir` (telemetry and labels only when they have rows).
    pub fn write(&self, dir: &Path) {
        let apps: Vec<_> = self.apps.iter().map(application_row).collect();
        write_table(dir, &schema::APPLICATIONS, &apps);
        if !self.telemetry.is_empty() {
            let rows: Vec<_> = self
                .telemetry
                .iter()
                .map(|(id, s)| telemetry_row(id, s))
                .collect();
            write_table(dir, &schema::TELEMETRY, &rows);
        }
        if !self.labels.is_empty() {
            let rows: Vec<_> = self
                .labels
                .iter()
                .map(|(id, at, fraud)| {
                    HashMap::from([
                        ("application_id", id.clone()),
                        ("is_fraud", fraud.to_string()),
                        ("labeled_at", timestamp(*at)),
                    ])
                })
                .collect();
            write_table(dir, &schema::LABELS, &rows);
        }
    }

    /// The world read back through the validating ingest.
    pub fn raw(&self) -> RawFrames {
        let dir = tempfile::tempdir().expect("temporary directory");
        self.write(dir.path());
        read_data_dir(dir.path()).expect("the test world is valid input")
    }

    /// The telemetry samples of application `id`, in file order.
    pub fn samples_of(&self, id: &str) -> Vec<TelemetryRecord> {
        self.telemetry
            .iter()
            .filter(|(a, _)| a == id)
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// The application called `id`.
    pub fn app(&self, id: &str) -> &ApplicationRecord {
        self.apps
            .iter()
            .find(|a| a.application_id == id)
            .expect("the application is in the world")
    }

    /// The world without application `id` and its telemetry and labels.
    pub fn without(&self, id: &str) -> World {
        World {
            apps: self
                .apps
                .iter()
                .filter(|a| a.application_id != id)
                .cloned()
                .collect(),
            telemetry: self
                .telemetry
                .iter()
                .filter(|(a, _)| a != id)
                .cloned()
                .collect(),
            labels: self
                .labels
                .iter()
                .filter(|(a, _, _)| a != id)
                .cloned()
                .collect(),
        }
    }

    /// The batch feature rows, by application id.
    pub fn batch(&self, refs: &References) -> HashMap<String, Vec<f32>> {
        let frame = build_feature_frame(&self.raw(), refs, FeatureOptions::default(), &|_| {})
            .expect("batch features");
        let df = &frame.frame;
        let ids = df.column("application_id").unwrap().str().unwrap();
        let columns: Vec<Vec<f32>> = df.columns()[2..]
            .iter()
            .map(|c| c.f32().unwrap().into_no_null_iter().collect())
            .collect();
        ids.iter()
            .enumerate()
            .map(|(i, id)| {
                let id = id.expect("application ids are never null").to_owned();
                (id, columns.iter().map(|c| c[i]).collect())
            })
            .collect()
    }

    /// A single-application snapshot holding the whole world.
    pub fn snapshot(&self, refs: &References) -> HistorySnapshot {
        HistorySnapshot::from_frames(&self.raw(), refs.clone()).expect("snapshot")
    }

    /// The single-application features of `id` (held by `snapshot` or not) with its own
    /// telemetry from this world.
    pub fn single(&self, snapshot: &HistorySnapshot, id: &str) -> Vec<f32> {
        let samples = self.samples_of(id);
        let views: Vec<_> = samples.iter().map(TelemetryRecord::view).collect();
        snapshot.features(&self.app(id).view(), &views)
    }
}

/// The position of feature `name` in the feature set.
pub fn feature_index(name: &str) -> usize {
    appfraud_features::feature_set()
        .features()
        .iter()
        .position(|f| f.name == name)
        .unwrap_or_else(|| panic!("no feature {name}"))
}

/// Whether two feature rows are equal bit for bit (NaN equal to NaN); on the first difference,
/// the feature's name and both values.
pub fn first_difference(a: &[f32], b: &[f32]) -> Option<String> {
    let set = appfraud_features::feature_set();
    if a.len() != b.len() {
        return Some(format!("{} features vs {}", a.len(), b.len()));
    }
    a.iter()
        .zip(b)
        .enumerate()
        .find(|(_, (x, y))| !(x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())))
        .map(|(j, (x, y))| format!("{}: {x} vs {y}", set.features()[j].name))
}
