//! The service over loopback with a real HTTP client (ureq): the happy path, every kind of bad
//! request (each answered with a 4xx JSON error naming the field), the Open Inference Protocol
//! v2 routes, metrics, the OpenAPI document, and concurrent requests answered exactly as
//! sequential ones.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use appfraud_features::{References, StoredApplication, read_data_dir, stored_applications};
use appfraud_serve::http::{ROUTES, Service, ServiceOptions};
use appfraud_serve::{HistorySource, ModelPackage, ReasonScope, Scorer, ScorerOptions};
use serde_json::{Value, json};

mod replay_common;
use replay_common::{Server, body, client, get, post, post_bytes};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample() -> PathBuf {
    workspace().join("notebooks-data/sample")
}

/// The first `n` applications of the sample, in submission order.
fn first_applications(n: usize) -> Vec<StoredApplication> {
    let raw = read_data_dir(&sample()).expect("sample");
    let mut all = stored_applications(&raw).expect("records");
    all.sort_by_key(|a| a.application.submitted_at);
    all.truncate(n);
    all
}

/// A scorer over an empty history (reasons for every application), and a service on it with
/// a 64 KiB body limit.
fn start() -> (Server, Arc<Scorer>) {
    let refs = References::from_data_dir(&sample()).expect("references");
    let package = ModelPackage::load(&workspace().join("models/baseline")).expect("baseline");
    let scorer = Arc::new(
        Scorer::new(
            package,
            HistorySource::Empty(Box::new(refs)),
            ScorerOptions {
                reasons: 3,
                reasons_for: ReasonScope::All,
                ..ScorerOptions::default()
            },
        )
        .expect("scorer"),
    );
    let service = Service::ready(
        Arc::clone(&scorer),
        ServiceOptions {
            body_limit: 64 << 10,
            timeout: Duration::from_secs(30),
            ..ServiceOptions::default()
        },
    );
    (Server::start(service), scorer)
}

/// Asserts a JSON error with `status` that names `field` (`None`: no field) and whose message
/// contains `words`.
fn assert_refused(reply: (u16, Value), status: u16, field: Option<&str>, words: &str) {
    let (got, body) = reply;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["field"].as_str(), field, "{body}");
    let message = body["error"].as_str().expect("an error message");
    assert!(
        message.contains(words),
        "{message:?} should mention {words:?}"
    );
}

#[test]
fn scoring_observing_and_labelling_one_application() {
    let (server, scorer) = start();
    let c = client();
    let url = |route: &str| format!("{}{route}", server.base);
    let apps = first_applications(2);
    let first = body(&apps[0]);

    let (status, reply) = post(&c, &url("/v1/score"), &first);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        reply["application_id"],
        apps[0].application.application_id.as_str()
    );
    let p = reply["probability"].as_f64().expect("a probability");
    assert!((0.0..=1.0).contains(&p));
    assert!(["clear", "review", "verify"].contains(&reply["band"].as_str().expect("band")));
    assert_eq!(reply["model"], scorer.model_id());
    assert_eq!(reply["reasons"].as_array().expect("reasons").len(), 3);
    for r in reply["reasons"].as_array().expect("reasons") {
        assert!(r["feature"].is_string() && r["contribution"].is_number() && r["text"].is_string());
    }
    // The same answer as the embedded scorer: the HTTP layer adds nothing.
    let embedded = scorer
        .score(&apps[0].application, &apps[0].telemetry)
        .expect("embedded score");
    assert_eq!(p as f32, embedded.probability);
    assert_eq!(
        scorer.history_len(),
        0,
        "scoring does not add to the history"
    );

    let (status, reply) = post(&c, &url("/v1/observe"), &first);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["history"], 1);
    assert_refused(
        post(&c, &url("/v1/observe"), &first),
        409,
        Some("application.application_id"),
        "already in the history",
    );

    let id = apps[0].application.application_id.as_str();
    let label =
        json!([{"application_id": id, "is_fraud": true, "labeled_at": "2030-01-01T00:00:00Z"}]);
    let (status, reply) = post(&c, &url("/v1/labels"), &label);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["labels"], 1);
    let unknown = json!([
        {"application_id": id, "is_fraud": false, "labeled_at": "2030-01-02T00:00:00Z"},
        {"application_id": "never-seen", "is_fraud": true, "labeled_at": "2030-01-01T00:00:00Z"}
    ]);
    assert_refused(
        post(&c, &url("/v1/labels"), &unknown),
        422,
        Some("[1].application_id"),
        "not in the history",
    );
}

#[test]
fn bad_requests_get_a_4xx_json_error_naming_the_field() {
    let (server, _) = start();
    let c = client();
    let url = |route: &str| format!("{}{route}", server.base);
    let apps = first_applications(1);
    let good = body(&apps[0]);

    assert_refused(
        post_bytes(&c, &url("/v1/score"), b"{\"application\": {"),
        400,
        None,
        "malformed JSON",
    );
    let mut missing = good.clone();
    missing["application"]
        .as_object_mut()
        .expect("object")
        .remove("email");
    assert_refused(
        post(&c, &url("/v1/score"), &missing),
        400,
        Some("application"),
        "missing field `email`",
    );
    let mut wrong = good.clone();
    wrong["application"]["browser_tz_offset_min"] = json!("minus five hours");
    assert_refused(
        post(&c, &url("/v1/score"), &wrong),
        400,
        Some("application.browser_tz_offset_min"),
        "invalid type",
    );
    let mut naive = good.clone();
    naive["application"]["submitted_at"] = json!("2026-03-01T10:00:00");
    assert_refused(
        post(&c, &url("/v1/score"), &naive),
        400,
        Some("application.submitted_at"),
        "without a zone",
    );
    let mut bad_sample = good.clone();
    bad_sample["telemetry"] = json!([{"session_id": "s", "event_at": 17}]);
    assert_refused(
        post(&c, &url("/v1/observe"), &bad_sample),
        400,
        Some("telemetry[0].event_at"),
        "invalid type",
    );
    let mut huge = good.clone();
    huge["application"]["resume_text"] = json!("x".repeat(100 << 10));
    assert_refused(
        post(&c, &url("/v1/score"), &huge),
        413,
        None,
        "larger than the server's limit",
    );
    assert_refused(
        post_bytes(&c, &url("/v1/labels"), b"[{\"application_id\": \"a\"}]"),
        400,
        Some("[0]"),
        "missing field",
    );

    let (status, text) = get(&c, &url("/v1/nothing-here"));
    assert_eq!(status, 404);
    let reply: Value = serde_json::from_str(&text).expect("a JSON error");
    assert!(
        reply["error"]
            .as_str()
            .expect("message")
            .contains("no route")
    );
    let (status, _) = get(&c, &url("/v1/score"));
    assert_eq!(status, 405, "GET on a POST route");
    let (status, text) = get(&c, &url("/v2/models/not-this-one"));
    assert_eq!(status, 404, "{text}");
    assert!(text.contains("unknown model `not-this-one`"), "{text}");
    let (status, _) = post(
        &c,
        &url("/v2/models/not-this-one/infer"),
        &json!({"inputs": []}),
    );
    assert_eq!(status, 404);
}

#[test]
fn open_inference_protocol_v2_routes() {
    let (server, scorer) = start();
    let c = client();
    let url = |route: &str| format!("{}{route}", server.base);
    let name = scorer.model_id().to_owned();
    let f = scorer.package().n_features();

    assert_eq!(get(&c, &url("/v2/health/live")).0, 200);
    assert_eq!(get(&c, &url("/v2/health/ready")).0, 200);
    assert_eq!(get(&c, &url(&format!("/v2/models/{name}/ready"))).0, 200);
    let (status, text) = get(&c, &url(&format!("/v2/models/{name}")));
    assert_eq!(status, 200);
    let meta: Value = serde_json::from_str(&text).expect("JSON metadata");
    assert_eq!(meta["inputs"][0]["name"], "features");
    assert_eq!(meta["inputs"][0]["datatype"], "FP32");
    assert_eq!(meta["inputs"][0]["shape"], json!([-1, f]));
    assert_eq!(meta["outputs"][0]["name"], "probability");

    // Feature rows of three sample applications: the reply is the scorer's probabilities.
    let apps = first_applications(3);
    let rows: Vec<Vec<f32>> = apps
        .iter()
        .map(|a| scorer.features(&a.application, &a.telemetry))
        .collect();
    let flat: Vec<f32> = rows.concat();
    let want = scorer.probabilities(&flat).expect("probabilities");
    let data: Vec<Value> = rows
        .iter()
        .map(|r| {
            Value::Array(
                r.iter()
                    .map(|v| if v.is_nan() { Value::Null } else { json!(v) })
                    .collect(),
            )
        })
        .collect();
    let request = json!({"id": "r-1", "inputs": [{"name": "features", "shape": [3, f], "datatype": "FP32", "data": data}]});
    let (status, reply) = post(&c, &url(&format!("/v2/models/{name}/infer")), &request);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["id"], "r-1");
    assert_eq!(reply["outputs"][0]["shape"], json!([3, 1]));
    let got: Vec<f32> = reply["outputs"][0]["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|v| v.as_f64().expect("a number") as f32)
        .collect();
    assert_eq!(got, want, "FP32 values survive JSON exactly");

    let infer = url(&format!("/v2/models/{name}/infer"));
    let mut shape = request.clone();
    shape["inputs"][0]["shape"] = json!([3, f + 1]);
    assert_refused(
        post(&c, &infer, &shape),
        400,
        Some("inputs[0].shape"),
        "shape",
    );
    let mut dtype = request.clone();
    dtype["inputs"][0]["datatype"] = json!("FP64");
    assert_refused(
        post(&c, &infer, &dtype),
        400,
        Some("inputs[0].datatype"),
        "FP32",
    );
    let mut short = request.clone();
    short["inputs"][0]["shape"] = json!([4, f]);
    assert_refused(
        post(&c, &infer, &short),
        400,
        Some("inputs[0].data"),
        "values for shape",
    );
    let mut text = request.clone();
    text["inputs"][0]["data"][0][0] = json!("zero");
    assert_refused(
        post(&c, &infer, &text),
        400,
        Some("inputs[0].data"),
        "not a number",
    );
}

#[test]
fn metrics_and_the_openapi_document() {
    let (server, scorer) = start();
    let c = client();
    let url = |route: &str| format!("{}{route}", server.base);
    let apps = first_applications(1);
    post(&c, &url("/v1/score"), &body(&apps[0]));
    post_bytes(&c, &url("/v1/score"), b"not json");
    let (status, text) = get(&c, &url("/metrics"));
    assert_eq!(status, 200);
    assert!(
        text.contains("appfraud_http_requests_total{route=\"/v1/score\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("appfraud_http_requests_total{route=\"/v1/score\",status=\"400\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("appfraud_http_request_duration_seconds_count{route=\"/v1/score\"} 2"),
        "{text}"
    );
    assert!(text.contains(&format!(
        "appfraud_model_info{{model_id=\"{}\"}} 1",
        scorer.model_id()
    )));
    assert!(text.contains("appfraud_history_applications 0"));

    let (status, text) = get(&c, &url("/openapi.json"));
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&text).expect("the document is JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    documented.sort_unstable();
    let mut served: Vec<&str> = ROUTES
        .iter()
        .copied()
        .filter(|r| *r != "unmatched")
        .collect();
    served.sort_unstable();
    assert_eq!(
        documented, served,
        "every route is documented, and only those"
    );
}

#[test]
fn the_service_is_not_ready_until_its_scorer_is_set() {
    let service = Service::new(ServiceOptions::default());
    let server = Server::start(Arc::clone(&service));
    let c = client();
    let url = |route: &str| format!("{}{route}", server.base);
    assert_eq!(get(&c, &url("/v2/health/live")).0, 200);
    assert_eq!(get(&c, &url("/v2/health/ready")).0, 503);
    let apps = first_applications(1);
    assert_refused(
        post(&c, &url("/v1/score"), &body(&apps[0])),
        503,
        None,
        "loading",
    );
    let (_, scorer) = start();
    service.set_scorer(scorer);
    assert_eq!(get(&c, &url("/v2/health/ready")).0, 200);
    assert_eq!(post(&c, &url("/v1/score"), &body(&apps[0])).0, 200);
}

#[test]
fn concurrent_requests_get_the_same_answers_as_sequential_ones() {
    let (server, _) = start();
    let apps = first_applications(120);
    let c = client();
    // History: the first 60 observed; the other 60 scored against it.
    for a in &apps[..60] {
        assert_eq!(
            post(&c, &format!("{}/v1/observe", server.base), &body(a)).0,
            200
        );
    }
    let bodies: Vec<Value> = apps[60..].iter().map(body).collect();
    let url = format!("{}/v1/score", server.base);
    let sequential: Vec<Value> = bodies.iter().map(|b| post(&c, &url, b).1).collect();
    let concurrent: Vec<Vec<(usize, Value)>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..6)
            .map(|w| {
                let bodies = &bodies;
                let url = &url;
                s.spawn(move || {
                    let c = client();
                    // Each worker scores every body, starting at a different place.
                    (0..bodies.len())
                        .map(|k| {
                            let i = (k + w * 7) % bodies.len();
                            let (status, reply) = post(&c, url, &bodies[i]);
                            assert_eq!(status, 200, "{reply}");
                            (i, reply)
                        })
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|h| h.join().expect("a worker"))
            .collect()
    });
    for (i, reply) in concurrent.into_iter().flatten() {
        assert_eq!(reply, sequential[i], "application {i}");
    }
}

#[test]
fn hostile_bodies_get_4xx_and_the_server_stays_up() {
    let (server, scorer) = start();
    let c = client();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
    let hostile: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"null".to_vec(),
        b"\"text\"".to_vec(),
        b"{\"application\": null}".to_vec(),
        b"{\"application\": {}, \"telemetry\": {}}".to_vec(),
        b"{\"application\": {\"application_id\": \"a\"}} trailing".to_vec(),
        b"{\"inputs\": [{\"name\": \"features\", \"shape\": [-1, 3], \"datatype\": \"FP32\", \"data\": []}]}".to_vec(),
        b"{\"inputs\": [{\"name\": \"features\", \"shape\": [9223372036854775807, 110], \"datatype\": \"FP32\", \"data\": [1]}]}".to_vec(),
        b"{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 110], \"datatype\": \"FP32\", \"data\": [1e400]}]}".to_vec(),
        deep.into_bytes(),
        deep_object.into_bytes(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        "{\"application\": {\"application_id\": \"\u{1F600}\", \"submitted_at\": \"9999999-01-01T00:00:00Z\"}}"
            .as_bytes()
            .to_vec(),
    ];
    let name = scorer.model_id();
    for route in [
        "/v1/score".to_owned(),
        "/v1/observe".to_owned(),
        "/v1/labels".to_owned(),
        format!("/v2/models/{name}/infer"),
    ] {
        for body in &hostile {
            let (status, reply) = post_bytes(&c, &format!("{}{route}", server.base), body);
            assert!(
                (400..500).contains(&status),
                "{route} answered {status} to {:?}: {reply}",
                String::from_utf8_lossy(&body[..body.len().min(80)])
            );
            assert!(reply["error"].is_string(), "{reply}");
        }
    }
    assert_eq!(get(&c, &format!("{}/v2/health/live", server.base)).0, 200);
}
