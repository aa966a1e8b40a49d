//! The scoring service: a [`Scorer`] behind HTTP (axum on tokio).
//!
//! | route | |
//! |---|---|
//! | `POST /v1/score` | `{"application": {…}, "telemetry": [{…}]}` ([`wire`]) → probability, band, reasons, model; the history is not changed |
//! | `POST /v1/observe` | the same body, added to the history |
//! | `POST /v1/labels` | `[{"application_id", "is_fraud", "labeled_at"}]`, added to the history |
//! | `GET /v2/health/live`, `GET /v2/health/ready` | Open Inference Protocol v2 health; ready once the model and history are loaded |
//! | `GET /v2`, `GET /v2/models/{name}`, `GET /v2/models/{name}/ready` | OIP v2 server and model metadata: input `features` FP32 `[-1, F]`, output `probability` FP32 `[-1, 1]` |
//! | `POST /v2/models/{name}/infer` | OIP v2 inference on feature vectors |
//! | `GET /metrics` | Prometheus text ([`metrics`]) |
//! | `GET /openapi.json` | the OpenAPI 3.1 document of all of the above |
//!
//! Every error is JSON, `{"error": "…", "field": "…"}` (`field` is the JSON path of the
//! offending field, or `null`), with a 4xx status for anything the client can fix: 400 for a
//! body that does not parse or does not fit, 404 for an unknown route or model, 409 for an
//! application observed twice, 413 for a body over the limit, 422 for an application whose
//! features break the model's contract or a label of an unknown application, 503 while loading
//! or when a request runs past the timeout. Nothing a client sends makes the server panic, and
//! nothing it sends is logged.

pub mod metrics;
pub mod wire;

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use appfraud_features::{ApplicationRecord, TelemetryRecord};

use crate::{Scorer, ServeError};
use metrics::Metrics;
use wire::{ApplicationBody, InferRequest, LabelJson, ScoreJson};

/// The OpenAPI document served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The routes, as templates: what the metrics label requests with.
pub const ROUTES: [&str; 12] = [
    "/v1/score",
    "/v1/observe",
    "/v1/labels",
    "/v2",
    "/v2/health/live",
    "/v2/health/ready",
    "/v2/models/{name}",
    "/v2/models/{name}/ready",
    "/v2/models/{name}/infer",
    "/metrics",
    "/openapi.json",
    "unmatched",
];

/// How the service runs.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    /// The name clients use in `/v2/models/{name}`; the manifest's `model_id` when `None`.
    pub model_name: Option<String>,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How long a request may run before it is answered with 503.
    pub timeout: Duration,
}

impl Default for ServiceOptions {
    /// Bodies up to 1 MiB, 10 s per request.
    fn default() -> Self {
        ServiceOptions {
            model_name: None,
            body_limit: 1 << 20,
            timeout: Duration::from_secs(10),
        }
    }
}

/// The state behind the routes: the scorer once loaded, and the counters.
#[derive(Debug)]
pub struct Service {
    scorer: OnceLock<Arc<Scorer>>,
    model_name: OnceLock<String>,
    metrics: Metrics,
    options: ServiceOptions,
}

impl Service {
    /// A service that answers `loading` (503) until [`Service::set_scorer`].
    pub fn new(options: ServiceOptions) -> Arc<Service> {
        Arc::new(Service {
            scorer: OnceLock::new(),
            model_name: OnceLock::new(),
            metrics: Metrics::default(),
            options,
        })
    }

    /// A service ready with `scorer`.
    pub fn ready(scorer: Arc<Scorer>, options: ServiceOptions) -> Arc<Service> {
        let service = Service::new(options);
        service.set_scorer(scorer);
        service
    }

    /// Makes the service ready with `scorer` (the first call wins).
    pub fn set_scorer(&self, scorer: Arc<Scorer>) {
        let name = self
            .options
            .model_name
            .clone()
            .unwrap_or_else(|| scorer.model_id().to_owned());
        let _ = self.model_name.set(name);
        let _ = self.scorer.set(scorer);
    }

    /// The scorer, once loaded.
    pub fn scorer(&self) -> Option<&Arc<Scorer>> {
        self.scorer.get()
    }

    /// The counters.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The routes, with the body limit, the timeout and the metrics.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/v1/score", post(score))
            .route("/v1/observe", post(observe))
            .route("/v1/labels", post(labels))
            .route("/v2", get(server_metadata))
            .route("/v2/health/live", get(live))
            .route("/v2/health/ready", get(ready))
            .route("/v2/models/{name}", get(model_metadata))
            .route("/v2/models/{name}/ready", get(model_ready))
            .route("/v2/models/{name}/infer", post(infer))
            .route("/metrics", get(metrics_text))
            .route("/openapi.json", get(openapi))
            .fallback(unknown_route)
            .method_not_allowed_fallback(method_not_allowed)
            .layer(DefaultBodyLimit::max(self.options.body_limit))
            .layer(middleware::from_fn_with_state(Arc::clone(self), track))
            .with_state(Arc::clone(self))
    }

    fn loaded(&self) -> Result<&Arc<Scorer>, Refusal> {
        self.scorer.get().ok_or_else(|| {
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the model and history are still loading",
                None,
            )
        })
    }

    fn model(&self, name: &str) -> Result<&Arc<Scorer>, Refusal> {
        let scorer = self.loaded()?;
        let served = self
            .model_name
            .get()
            .map(String::as_str)
            .unwrap_or_default();
        if name == served {
            Ok(scorer)
        } else {
            Err(error(
                StatusCode::NOT_FOUND,
                &format!("unknown model `{name}`; this server serves `{served}`"),
                None,
            ))
        }
    }
}

/// Serves `service` on `listener` until `shutdown` completes, then stops accepting
/// connections and waits for the requests in flight to finish.
///
/// # Errors
///
/// The listener's I/O errors.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: Arc<Service>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, service.router())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on SIGTERM or SIGINT (Ctrl-C).
pub async fn termination() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// A refused or failed request: its status, and the JSON error it is answered with.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"error": self.message, "field": self.field})),
        )
            .into_response()
    }
}

/// A JSON error reply.
fn error(status: StatusCode, message: &str, field: Option<&str>) -> Refusal {
    Refusal {
        status,
        message: message.to_owned(),
        field: field.map(str::to_owned),
    }
}

/// The reply for a body that could not be read (too large, or not readable).
fn body_rejection(r: BytesRejection) -> Refusal {
    let status = r.status();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "the request body is larger than the server's limit".to_owned()
    } else {
        format!("the request body could not be read: {}", r.body_text())
    };
    error(status, &message, None)
}

/// The reply for a failed [`Scorer`] call.
fn scorer_error(e: &ServeError) -> Refusal {
    use appfraud_features::FeatureError;
    match e {
        ServeError::Unscorable { .. } => {
            error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string(), None)
        }
        ServeError::Features(FeatureError::DuplicateApplication { .. }) => error(
            StatusCode::CONFLICT,
            &e.to_string(),
            Some("application.application_id"),
        ),
        ServeError::Features(FeatureError::UnknownApplication { .. }) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &e.to_string(),
            Some("application_id"),
        ),
        e if e.is_user_error() => error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string(), None),
        _ => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error while scoring",
            None,
        ),
    }
}

/// Runs `work` on the blocking pool (scoring is CPU work; an observation may wait for the
/// history's write lock).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Refusal> {
    tokio::task::spawn_blocking(work).await.map_err(|_| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error: the request's worker failed",
            None,
        )
    })
}

fn parsed<T: for<'de> serde::Deserialize<'de>>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, Refusal> {
    let bytes = body.map_err(body_rejection)?;
    wire::parse::<T>(&bytes).map_err(|e| {
        let field = (!e.field.is_empty()).then_some(e.field.as_str());
        error(StatusCode::BAD_REQUEST, &e.message, field)
    })
}

fn reply(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The scorer and the parsed application of a `/v1/score` or `/v1/observe` request.
type ApplicationRequest = (Arc<Scorer>, ApplicationRecord, Vec<TelemetryRecord>);

fn application_request(
    service: &Service,
    body: Result<Bytes, BytesRejection>,
) -> Result<ApplicationRequest, Refusal> {
    let scorer = Arc::clone(service.loaded()?);
    let (app, telemetry) = parsed::<ApplicationBody>(body)?.into_records();
    Ok((scorer, app, telemetry))
}

/// Runs a scorer call on the blocking pool and answers with its value as JSON.
async fn answer<T, J: serde::Serialize>(
    work: impl FnOnce() -> Result<T, ServeError> + Send + 'static,
    json: impl FnOnce(T) -> J,
) -> Result<Response, Refusal>
where
    T: Send + 'static,
{
    match blocking(work).await? {
        Ok(value) => Ok(Json(json(value)).into_response()),
        Err(e) => Err(scorer_error(&e)),
    }
}

async fn score(
    State(service): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    reply(
        async {
            let (scorer, app, telemetry) = application_request(&service, body)?;
            answer(move || scorer.score(&app, &telemetry), ScoreJson::from).await
        }
        .await,
    )
}

async fn observe(
    State(service): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    reply(
        async {
            let (scorer, app, telemetry) = application_request(&service, body)?;
            let id = app.application_id.clone();
            answer(
                move || {
                    let questionable = scorer.observe(&app, &telemetry)?;
                    Ok((questionable, scorer.history_len()))
                },
                |(questionable, history)| {
                    json!({
                        "application_id": id,
                        "history": history,
                        "questionable": wire::questionable(&questionable),
                    })
                },
            )
            .await
        }
        .await,
    )
}

async fn labels(
    State(service): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    reply(
        async {
            let scorer = Arc::clone(service.loaded()?);
            let labels = parsed::<Vec<LabelJson>>(body)?;
            let n = labels.len();
            let done = blocking(move || {
                // Check every label before adding any, so a refused request changes nothing.
                if let Some(i) = labels.iter().position(|l| !scorer.holds(&l.application_id)) {
                    return Err(error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &format!(
                            "application `{}` is not in the history; observe it first",
                            labels[i].application_id
                        ),
                        Some(&format!("[{i}].application_id")),
                    ));
                }
                for l in &labels {
                    scorer
                        .observe_label(&l.application_id, l.is_fraud, l.labeled_at)
                        .map_err(|e| scorer_error(&e))?;
                }
                Ok(())
            })
            .await?;
            done?;
            Ok(Json(json!({"labels": n})).into_response())
        }
        .await,
    )
}

async fn live() -> Response {
    Json(json!({"live": true})).into_response()
}

async fn ready(State(service): State<Arc<Service>>) -> Response {
    if service.scorer().is_some() {
        Json(json!({"ready": true})).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"ready": false})),
        )
            .into_response()
    }
}

async fn server_metadata() -> Response {
    Json(json!({
        "name": "appfraud",
        "version": env!("CARGO_PKG_VERSION"),
        "extensions": [],
    }))
    .into_response()
}

async fn model_metadata(State(service): State<Arc<Service>>, Path(name): Path<String>) -> Response {
    reply(service.model(&name).map(|scorer| {
        let package = scorer.package();
        Json(json!({
            "name": name,
            "versions": [scorer.model_id()],
            "platform": "onnxruntime_onnx",
            "inputs": [{
                "name": "features",
                "datatype": "FP32",
                "shape": [-1, package.n_features()],
            }],
            "outputs": [{
                "name": "probability",
                "datatype": "FP32",
                "shape": [-1, 1],
            }],
            "parameters": {
                "feature_names": package.feature_names(),
                "engine": scorer.engine_name(),
            },
        }))
        .into_response()
    }))
}

async fn model_ready(State(service): State<Arc<Service>>, Path(name): Path<String>) -> Response {
    reply(
        service
            .model(&name)
            .map(|_| Json(json!({"name": name, "ready": true})).into_response()),
    )
}

async fn infer(
    State(service): State<Arc<Service>>,
    Path(name): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    reply(
        async {
            let scorer = Arc::clone(service.model(&name)?);
            let request = parsed::<InferRequest>(body)?;
            let f = scorer.package().n_features();
            let (rows, n) = infer_rows(&request, f).map_err(|(field, message)| {
                error(StatusCode::BAD_REQUEST, &message, Some(&field))
            })?;
            let scorer2 = Arc::clone(&scorer);
            let p = blocking(move || scorer2.probabilities(&rows))
                .await?
                .map_err(|e| scorer_error(&e))?;
            Ok(Json(json!({
                "model_name": name,
                "model_version": scorer.model_id(),
                "id": request.id,
                "outputs": [{
                    "name": "probability",
                    "datatype": "FP32",
                    "shape": [n, 1],
                    "data": p,
                }],
            }))
            .into_response())
        }
        .await,
    )
}

/// The feature rows of an OIP v2 request (row-major; `null` = missing) and their count, or the
/// field at fault and why.
fn infer_rows(request: &InferRequest, f: usize) -> Result<(Vec<f32>, usize), (String, String)> {
    let [input] = request.inputs.as_slice() else {
        return Err((
            "inputs".into(),
            format!(
                "expected exactly one input, `features`; found {}",
                request.inputs.len()
            ),
        ));
    };
    if input.name != "features" {
        return Err((
            "inputs[0].name".into(),
            format!(
                "unknown input `{}`; the model's input is `features`",
                input.name
            ),
        ));
    }
    if input.datatype != "FP32" {
        return Err((
            "inputs[0].datatype".into(),
            format!("datatype `{}`; the model takes FP32", input.datatype),
        ));
    }
    let n = match input.shape.as_slice() {
        [rows, cols] if *rows >= 0 && usize::try_from(*cols).ok() == Some(f) => *rows as usize,
        _ => {
            return Err((
                "inputs[0].shape".into(),
                format!(
                    "shape {:?}; the model takes [rows, {f}] ({f} features per row)",
                    input.shape
                ),
            ));
        }
    };
    let mut rows = Vec::with_capacity(n.saturating_mul(f).min(1 << 24));
    flatten(&input.data, &mut rows).map_err(|m| ("inputs[0].data".to_owned(), m))?;
    if n.checked_mul(f) != Some(rows.len()) {
        return Err((
            "inputs[0].data".into(),
            format!(
                "{} values for shape [{n}, {f}], which needs {}",
                rows.len(),
                n.saturating_mul(f)
            ),
        ));
    }
    Ok((rows, n))
}

/// Appends the numbers of `data` (flat or nested arrays) to `out`; `null` is `NaN`.
fn flatten(data: &Value, out: &mut Vec<f32>) -> Result<(), String> {
    match data {
        Value::Array(items) => {
            for item in items {
                flatten(item, out)?;
            }
            Ok(())
        }
        Value::Number(x) => match x.as_f64() {
            Some(v) if v.is_finite() && v.abs() <= f64::from(f32::MAX) => {
                out.push(v as f32);
                Ok(())
            }
            _ => Err(format!(
                "value {x} at position {} is not a finite FP32",
                out.len()
            )),
        },
        Value::Null => {
            out.push(f32::NAN);
            Ok(())
        }
        other => Err(format!(
            "value {other} at position {} is not a number (FP32) or null",
            out.len()
        )),
    }
}

async fn metrics_text(State(service): State<Arc<Service>>) -> Response {
    let scorer = service.scorer();
    let text = service.metrics.render(
        scorer.map(|s| s.model_id()),
        scorer.map(|s| s.history_len()),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn unknown_route(request: Request) -> Response {
    reply(Err(error(
        StatusCode::NOT_FOUND,
        &format!(
            "no route {} {}; see /openapi.json",
            request.method(),
            request.uri().path()
        ),
        None,
    )))
}

async fn method_not_allowed(request: Request) -> Response {
    reply(Err(error(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!(
            "{} is not allowed on {}; see /openapi.json",
            request.method(),
            request.uri().path()
        ),
        None,
    )))
}

/// Times each request out after the service's timeout and counts it by route and status.
async fn track(State(service): State<Arc<Service>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|m| ROUTES.iter().find(|r| **r == m.as_str()).copied())
        .unwrap_or("unmatched");
    let timeout = service.options.timeout;
    let response = match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("the request took longer than {} s", timeout.as_secs_f64()),
            None,
        )
        .into_response(),
    };
    service
        .metrics
        .record(route, response.status().as_u16(), started.elapsed());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(shape: Vec<i64>, datatype: &str, data: Value) -> InferRequest {
        InferRequest {
            id: None,
            inputs: vec![wire::InferInput {
                name: "features".into(),
                shape,
                datatype: datatype.into(),
                data,
            }],
        }
    }

    #[test]
    fn infer_rows_take_flat_or_nested_data_and_name_the_field_at_fault() {
        let (rows, n) =
            infer_rows(&request(vec![2, 2], "FP32", json!([1, 2, 3, null])), 2).expect("flat");
        assert_eq!(n, 2);
        assert_eq!(&rows[..3], &[1.0, 2.0, 3.0]);
        assert!(rows[3].is_nan());
        let (nested, _) =
            infer_rows(&request(vec![2, 2], "FP32", json!([[1, 2], [3, 4]])), 2).expect("nested");
        assert_eq!(nested, vec![1.0, 2.0, 3.0, 4.0]);
        let field = |r: InferRequest| infer_rows(&r, 2).expect_err("refused").0;
        assert_eq!(
            field(request(vec![2, 3], "FP32", json!([]))),
            "inputs[0].shape"
        );
        assert_eq!(
            field(request(vec![2], "FP32", json!([]))),
            "inputs[0].shape"
        );
        assert_eq!(
            field(request(vec![1, 2], "INT64", json!([1, 2]))),
            "inputs[0].datatype"
        );
        assert_eq!(
            field(request(vec![2, 2], "FP32", json!([1, 2, 3]))),
            "inputs[0].data"
        );
        assert_eq!(
            field(request(vec![1, 2], "FP32", json!([1, "x"]))),
            "inputs[0].data"
        );
        assert_eq!(
            field(request(vec![1, 2], "FP32", json!([1, 1e300]))),
            "inputs[0].data"
        );
    }
}
