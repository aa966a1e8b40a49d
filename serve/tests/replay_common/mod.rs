//! What the replay tests share: the order in which a screening service would see the sample,
//! and the batch rows its scores are compared with.

#![allow(dead_code)]

use std::collections::HashMap;

use appfraud_features::StoredApplication;
use polars::prelude::*;

/// One step of a replay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Score, then observe, application `i` of the stored list.
    Application(usize),
    /// Send a label of application `application` (already observed).
    Label {
        /// Index into the stored list.
        application: usize,
        /// When it became known (µs, UTC).
        labeled_at: i64,
        /// The outcome.
        is_fraud: bool,
    },
}

/// The sample as a service sees it: applications in `submitted_at` order (file order among
/// equal times), each label sent before the first application submitted after its
/// `labeled_at` (a label is never used by an application at or before its time), and never
/// before its own application has been observed.
pub fn replay_order(stored: &[StoredApplication]) -> Vec<Step> {
    let mut order: Vec<usize> = (0..stored.len()).collect();
    order.sort_by_key(|&i| (stored[i].application.submitted_at, i));
    let mut labels: Vec<(i64, usize, bool)> = stored
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.labels.iter().map(move |&(at, fraud)| (at, i, fraud)))
        .collect();
    labels.sort_by_key(|&(at, i, _)| (at, i));
    let mut observed = vec![false; stored.len()];
    let mut waiting: HashMap<usize, Vec<(i64, bool)>> = HashMap::new();
    let mut next = 0;
    let mut steps = Vec::new();
    for i in order {
        let t = stored[i].application.submitted_at;
        while next < labels.len() && labels[next].0 < t {
            let (at, a, fraud) = labels[next];
            if observed[a] {
                steps.push(Step::Label {
                    application: a,
                    labeled_at: at,
                    is_fraud: fraud,
                });
            } else {
                waiting.entry(a).or_default().push((at, fraud));
            }
            next += 1;
        }
        steps.push(Step::Application(i));
        observed[i] = true;
        for (at, fraud) in waiting.remove(&i).unwrap_or_default() {
            steps.push(Step::Label {
                application: i,
                labeled_at: at,
                is_fraud: fraud,
            });
        }
    }
    steps
}

/// One row of `appfraud score` output.
#[derive(Debug, Clone)]
pub struct BatchRow {
    pub probability: f32,
    pub band: String,
    pub reasons: Vec<(String, f32, f64)>,
    pub model: String,
}

impl BatchRow {
    /// Asserts that a service's answer for application `id` is this row: probability within
    /// 1e-6, the same band and model, the same reasons (feature and value exactly, `NaN` equal
    /// to `NaN`; contribution within 1e-9).
    pub fn assert_matches(
        &self,
        id: &str,
        probability: f32,
        band: &str,
        reasons: &[(String, f32, f64)],
        model: &str,
    ) {
        assert!(
            (f64::from(probability) - f64::from(self.probability)).abs() <= 1e-6,
            "{id}: probability {probability} against batch {}",
            self.probability
        );
        assert_eq!(band, self.band, "{id}: band");
        assert_eq!(model, self.model, "{id}: model");
        assert_eq!(
            reasons.len(),
            self.reasons.len(),
            "{id}: reasons {reasons:?} against {:?}",
            self.reasons
        );
        for (got, want) in reasons.iter().zip(&self.reasons) {
            assert_eq!(got.0, want.0, "{id}: reason feature");
            assert!(
                got.1.to_bits() == want.1.to_bits() || (got.1.is_nan() && want.1.is_nan()),
                "{id}: value of {}: {} against {}",
                got.0,
                got.1,
                want.1
            );
            assert!(
                (got.2 - want.2).abs() <= 1e-9,
                "{id}: contribution of {}: {} against {}",
                got.0,
                got.2,
                want.2
            );
        }
    }
}

/// The rows of a scores frame by application id.
pub fn batch_rows(frame: &DataFrame) -> HashMap<String, BatchRow> {
    let ids = frame
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    let p = frame.column("probability").unwrap().f32().unwrap().clone();
    let band = frame.column("band").unwrap().str().unwrap().clone();
    let model = frame.column("model").unwrap().str().unwrap().clone();
    let reasons = frame.column("reasons").unwrap().list().unwrap().clone();
    let mut out = HashMap::new();
    for i in 0..frame.height() {
        let list = reasons.get_as_series(i).expect("a reasons list per row");
        let fields = list.struct_().expect("reason structs").clone();
        let feature = fields.field_by_name("feature").unwrap();
        let value = fields.field_by_name("value").unwrap();
        let contribution = fields.field_by_name("contribution").unwrap();
        let rs = (0..list.len())
            .map(|j| {
                (
                    feature.str().unwrap().get(j).unwrap().to_owned(),
                    value.f32().unwrap().get(j).unwrap_or(f32::NAN),
                    contribution.f64().unwrap().get(j).unwrap(),
                )
            })
            .collect();
        out.insert(
            ids.get(i).unwrap().to_owned(),
            BatchRow {
                probability: p.get(i).expect("every sample row scores"),
                band: band.get(i).unwrap().to_owned(),
                reasons: rs,
                model: model.get(i).unwrap().to_owned(),
            },
        );
    }
    out
}

/// The `{"application": …, "telemetry": […]}` body of a stored application.
pub fn body(a: &StoredApplication) -> serde_json::Value {
    appfraud_serve::http::wire::application_body(&a.application, &a.telemetry)
}

/// µs since the epoch as RFC 3339 (UTC, to the microsecond).
pub fn rfc3339(micros: i64) -> String {
    appfraud_serve::http::wire::format_timestamp(micros)
}

/// A service on a loopback port of its own, stopped (gracefully) when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serves `service` on an ephemeral loopback port.
    pub fn start(service: std::sync::Arc<appfraud_serve::http::Service>) -> Server {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port");
                tx.send(listener.local_addr().expect("its address"))
                    .expect("the test waits");
                appfraud_serve::http::serve(listener, service, async {
                    let _ = stopped.await;
                })
                .await
                .expect("serving");
            });
        });
        let addr = rx.recv().expect("the server starts");
        Server {
            base: format!("http://{addr}"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A client that returns every status as a response (4xx and 5xx included).
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Posts `body` as JSON; the status and the JSON reply.
pub fn post(client: &ureq::Agent, url: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let mut response = client
        .post(url)
        .send_json(body)
        .expect("the server answers");
    let status = response.status().as_u16();
    let reply = response.body_mut().read_json().expect("a JSON reply");
    (status, reply)
}

/// Posts raw bytes with a JSON content type; the status and the JSON reply.
pub fn post_bytes(client: &ureq::Agent, url: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .expect("the server answers");
    let status = response.status().as_u16();
    let reply = response.body_mut().read_json().expect("a JSON reply");
    (status, reply)
}

/// GETs `url`; the status and the body as text.
pub fn get(client: &ureq::Agent, url: &str) -> (u16, String) {
    let mut response = client.get(url).call().expect("the server answers");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("a text reply");
    (status, text)
}
