//! The JSON bodies of the service, and their parsing with errors that name the field.
//!
//! Field names and meanings are the input contract's (`docs/input-contract.md`): an
//! `application` object has the columns of the applications table, each `telemetry` object
//! those of the telemetry table without `application_id` (implied by the application), a label
//! those of the labels table. Timestamps are RFC 3339 strings with a zone (`Z` or an offset),
//! kept to the microsecond, like the tables'; a timestamp without a zone is refused, because
//! its instant is unknown. A nullable field may be `null` or absent. Fields the contract does
//! not name are ignored, as extra columns are.

use appfraud_features::{ApplicationRecord, TelemetryRecord};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

/// Why a body was refused: the JSON path of the field (`application.submitted_at`,
/// `telemetry[2].event_at`; empty for the body as a whole) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError {
    /// The JSON path of the offending field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Parses `bytes` as a `T`, naming the field of the first error.
pub fn parse<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, BodyError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        // A syntax error has no field: the body is not JSON from that point on.
        let syntax = matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        BodyError {
            field: if field == "." || syntax {
                String::new()
            } else {
                field
            },
            message: describe(&inner),
        }
    })?;
    de.end().map_err(|e| BodyError {
        field: String::new(),
        message: describe(&e),
    })?;
    Ok(value)
}

/// serde_json's message without its line and column (the field names the place), and with the
/// classification of syntax errors spelled out.
fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    };
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("malformed JSON: {text}")
        }
        _ => text,
    }
}

/// An RFC 3339 timestamp with a zone, as µs since the Unix epoch (UTC).
fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let text = String::deserialize(d)?;
    parse_timestamp(&text).map_err(de::Error::custom)
}

fn optional_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => parse_timestamp(&text).map(Some).map_err(de::Error::custom),
    }
}

/// µs since the Unix epoch of an RFC 3339 timestamp with a zone.
pub fn parse_timestamp(text: &str) -> Result<i64, String> {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(t) => Ok(t.timestamp_micros()),
        Err(_) if chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok() => {
            Err("a timestamp without a zone: its instant is unknown; add `Z` or an offset such as `+02:00` (RFC 3339)".into())
        }
        Err(e) => Err(format!("not an RFC 3339 timestamp with a zone ({e})")),
    }
}

/// Formats µs since the Unix epoch as RFC 3339 in UTC, to the microsecond.
pub fn format_timestamp(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default()
}

/// The body a client sends to `POST /v1/score` or `POST /v1/observe` for `application` with
/// its `telemetry`: every field of the input contract, timestamps in UTC. Parsing it gives
/// back the same records, bit for bit.
pub fn application_body(
    application: &ApplicationRecord,
    telemetry: &[TelemetryRecord],
) -> serde_json::Value {
    let r = application;
    let ts = |v: Option<i64>| v.map(format_timestamp);
    serde_json::json!({
        "application": {
            "application_id": r.application_id,
            "submitted_at": format_timestamp(r.submitted_at),
            "job_id": r.job_id,
            "full_name": r.full_name,
            "email": r.email,
            "phone": r.phone,
            "claimed_country": r.claimed_country,
            "claimed_region": r.claimed_region,
            "claimed_city": r.claimed_city,
            "shipping_address": r.shipping_address,
            "ip": r.ip,
            "device_id": r.device_id,
            "user_agent": r.user_agent,
            "browser_tz_offset_min": r.browser_tz_offset_min,
            "profile_url": r.profile_url,
            "profile_created_at": ts(r.profile_created_at),
            "profile_prev_activity_at": ts(r.profile_prev_activity_at),
            "profile_recent_edits": r.profile_recent_edits,
            "profile_connections": r.profile_connections,
            "institution": r.institution,
            "degree": r.degree,
            "major": r.major,
            "graduation_year": r.graduation_year,
            "years_experience": r.years_experience,
            "resume_text": r.resume_text,
        },
        "telemetry": telemetry.iter().map(|t| serde_json::json!({
            "session_id": t.session_id,
            "event_at": format_timestamp(t.event_at),
            "ip": t.ip,
            "device_id": t.device_id,
            "tz_offset_min": t.tz_offset_min,
            "input_lag_ms": t.input_lag_ms,
            "typing_interval_ms": t.typing_interval_ms,
            "remote_tool": t.remote_tool,
            "is_virtual_machine": t.is_virtual_machine,
            "screen": t.screen,
        })).collect::<Vec<_>>(),
    })
}

/// One application, as in the applications table.
#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationJson {
    application_id: String,
    #[serde(deserialize_with = "timestamp")]
    submitted_at: i64,
    job_id: String,
    full_name: String,
    email: String,
    #[serde(default)]
    phone: Option<String>,
    claimed_country: String,
    #[serde(default)]
    claimed_region: Option<String>,
    #[serde(default)]
    claimed_city: Option<String>,
    #[serde(default)]
    shipping_address: Option<String>,
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    device_id: Option<String>,
    #[serde(default)]
    user_agent: Option<String>,
    #[serde(default)]
    browser_tz_offset_min: Option<i32>,
    #[serde(default)]
    profile_url: Option<String>,
    #[serde(default, deserialize_with = "optional_timestamp")]
    profile_created_at: Option<i64>,
    #[serde(default, deserialize_with = "optional_timestamp")]
    profile_prev_activity_at: Option<i64>,
    #[serde(default)]
    profile_recent_edits: Option<i32>,
    #[serde(default)]
    profile_connections: Option<i32>,
    #[serde(default)]
    institution: Option<String>,
    #[serde(default)]
    degree: Option<String>,
    #[serde(default)]
    major: Option<String>,
    #[serde(default)]
    graduation_year: Option<i32>,
    #[serde(default)]
    years_experience: Option<f32>,
    #[serde(default)]
    resume_text: Option<String>,
}

impl From<ApplicationJson> for ApplicationRecord {
    fn from(a: ApplicationJson) -> Self {
        ApplicationRecord {
            application_id: a.application_id,
            submitted_at: a.submitted_at,
            job_id: a.job_id,
            full_name: a.full_name,
            email: a.email,
            phone: a.phone,
            claimed_country: a.claimed_country,
            claimed_region: a.claimed_region,
            claimed_city: a.claimed_city,
            shipping_address: a.shipping_address,
            ip: a.ip,
            device_id: a.device_id,
            user_agent: a.user_agent,
            browser_tz_offset_min: a.browser_tz_offset_min,
            profile_url: a.profile_url,
            profile_created_at: a.profile_created_at,
            profile_prev_activity_at: a.profile_prev_activity_at,
            profile_recent_edits: a.profile_recent_edits,
            profile_connections: a.profile_connections,
            institution: a.institution,
            degree: a.degree,
            major: a.major,
            graduation_year: a.graduation_year,
            years_experience: a.years_experience,
            resume_text: a.resume_text,
        }
    }
}

/// One telemetry sample, as in the telemetry table (`application_id` is the application's).
#[derive(Debug, Clone, Deserialize)]
pub struct TelemetryJson {
    session_id: String,
    #[serde(deserialize_with = "timestamp")]
    event_at: i64,
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    device_id: Option<String>,
    #[serde(default)]
    tz_offset_min: Option<i32>,
    #[serde(default)]
    input_lag_ms: Option<f32>,
    #[serde(default)]
    typing_interval_ms: Option<f32>,
    #[serde(default)]
    remote_tool: Option<String>,
    #[serde(default)]
    is_virtual_machine: Option<bool>,
    #[serde(default)]
    screen: Option<String>,
}

impl From<TelemetryJson> for TelemetryRecord {
    fn from(t: TelemetryJson) -> Self {
        TelemetryRecord {
            session_id: t.session_id,
            event_at: t.event_at,
            ip: t.ip,
            device_id: t.device_id,
            tz_offset_min: t.tz_offset_min,
            input_lag_ms: t.input_lag_ms,
            typing_interval_ms: t.typing_interval_ms,
            remote_tool: t.remote_tool,
            is_virtual_machine: t.is_virtual_machine,
            screen: t.screen,
        }
    }
}

/// The body of `POST /v1/score` and `POST /v1/observe`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationBody {
    application: ApplicationJson,
    #[serde(default)]
    telemetry: Vec<TelemetryJson>,
}

impl ApplicationBody {
    /// The application and its telemetry as records.
    pub fn into_records(self) -> (ApplicationRecord, Vec<TelemetryRecord>) {
        (
            self.application.into(),
            self.telemetry.into_iter().map(Into::into).collect(),
        )
    }
}

/// One label of `POST /v1/labels`, as in the labels table.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelJson {
    /// The application.
    pub application_id: String,
    /// The outcome of the investigation.
    pub is_fraud: bool,
    /// When it became known (µs since the Unix epoch, UTC).
    #[serde(deserialize_with = "timestamp")]
    pub labeled_at: i64,
}

/// One reason of a score reply.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonJson {
    /// The feature.
    pub feature: String,
    /// Its value; `null` when missing.
    pub value: Option<f32>,
    /// Its contribution to the log-odds of fraud.
    pub contribution: f64,
    /// What the value means, for a reviewer.
    pub text: String,
}

/// The reply of `POST /v1/score`.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreJson {
    /// The application's id.
    pub application_id: String,
    /// Calibrated probability of fraud.
    pub probability: f32,
    /// `clear`, `review` or `verify`.
    pub band: &'static str,
    /// The features that pushed the score up most, largest first.
    pub reasons: Vec<ReasonJson>,
    /// The model's id.
    pub model: String,
    /// Values the questionable-value policy kept as missing: `table.column` (with the
    /// telemetry sample's position) and why.
    pub questionable: Vec<String>,
}

impl From<crate::Score> for ScoreJson {
    fn from(s: crate::Score) -> Self {
        ScoreJson {
            application_id: s.application_id,
            probability: s.probability,
            band: s.band.as_str(),
            reasons: s
                .reasons
                .into_iter()
                .map(|r| ReasonJson {
                    feature: r.feature,
                    value: (!r.value.is_nan()).then_some(r.value),
                    contribution: r.contribution,
                    text: r.text,
                })
                .collect(),
            model: s.model,
            questionable: questionable(&s.questionable),
        }
    }
}

/// `table.column: issue` (with `[i]` after `telemetry` for sample `i`) for each issue.
pub fn questionable(issues: &[appfraud_features::RecordIssue]) -> Vec<String> {
    issues
        .iter()
        .map(|i| match i.sample {
            Some(k) => format!("{}[{k}].{}: {}", i.table, i.column, i.issue),
            None => format!("{}.{}: {}", i.table, i.column, i.issue),
        })
        .collect()
}

/// One tensor of an Open Inference Protocol v2 request.
#[derive(Debug, Clone, Deserialize)]
pub struct InferInput {
    /// The input's name; `features`.
    pub name: String,
    /// Its shape, `[rows, features]`.
    pub shape: Vec<i64>,
    /// Its data type; `FP32`.
    pub datatype: String,
    /// Its values, row-major: flat or nested by row; `null` is a missing value.
    pub data: serde_json::Value,
}

/// An Open Inference Protocol v2 inference request.
#[derive(Debug, Clone, Deserialize)]
pub struct InferRequest {
    /// Echoed in the reply.
    #[serde(default)]
    pub id: Option<String>,
    /// The inputs: exactly one, `features`.
    pub inputs: Vec<InferInput>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field() {
        let err = parse::<ApplicationBody>(br#"{"application": {"application_id": 5}}"#)
            .expect_err("an id must be text");
        assert_eq!(err.field, "application.application_id");
        assert!(err.message.contains("expected a string"), "{}", err.message);

        let body = r#"{"application": {"application_id": "a", "submitted_at": "2026-01-02T03:04:05",
            "job_id": "j", "full_name": "n", "email": "e", "claimed_country": "US"}}"#;
        let err = parse::<ApplicationBody>(body.as_bytes()).expect_err("a naive timestamp");
        assert_eq!(err.field, "application.submitted_at");
        assert!(err.message.contains("without a zone"), "{}", err.message);

        let err = parse::<ApplicationBody>(br#"{"application": {"application_id": "a""#)
            .expect_err("truncated");
        assert!(err.message.starts_with("malformed JSON"), "{}", err.message);
    }

    #[test]
    fn a_body_parses_back_to_the_same_records() {
        let app = ApplicationRecord {
            application_id: "a-1".into(),
            submitted_at: 1_767_323_045_123_456,
            job_id: "j".into(),
            full_name: "N".into(),
            email: "e@x.org".into(),
            claimed_country: "DE".into(),
            years_experience: Some(3.3),
            profile_created_at: Some(-86_400_000_001),
            browser_tz_offset_min: Some(60),
            ..ApplicationRecord::default()
        };
        let telemetry = vec![TelemetryRecord {
            session_id: "s".into(),
            event_at: 1_767_323_045_000_001,
            input_lag_ms: Some(0.1),
            is_virtual_machine: Some(false),
            ..TelemetryRecord::default()
        }];
        let json = application_body(&app, &telemetry).to_string();
        let (a, t) = parse::<ApplicationBody>(json.as_bytes())
            .expect("parses")
            .into_records();
        assert_eq!(a, app);
        assert_eq!(t, telemetry);
    }

    #[test]
    fn timestamps_keep_their_instant_to_the_microsecond() {
        // 2026-01-02T03:04:05.123456Z is 1_767_323_045_123_456 µs after the epoch (worked out
        // with Python's datetime: int(datetime(2026,1,2,3,4,5,123456,tzinfo=utc).timestamp()
        // * 1e6)).
        assert_eq!(
            parse_timestamp("2026-01-02T03:04:05.123456Z"),
            Ok(1_767_323_045_123_456)
        );
        assert_eq!(
            parse_timestamp("2026-01-02T05:04:05.123456+02:00"),
            Ok(1_767_323_045_123_456)
        );
        assert_eq!(
            format_timestamp(1_767_323_045_123_456),
            "2026-01-02T03:04:05.123456Z"
        );
    }
}
