//! `appfraud serve`: the scoring service for a screening service that asks about one
//! applicant at a time (`appfraud_serve::http`). It listens at once and answers the health
//! routes while the model and the history load; `/v2/health/ready` turns 200 when they have.
//! SIGTERM or Ctrl-C stops it gracefully: no new connections, requests in flight finish.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use appfraud_features::{HistorySnapshot, References};
use appfraud_serve::http::{Service, ServiceOptions};
use appfraud_serve::{HistorySource, ModelPackage, Scorer, ScorerOptions};
use clap::Args;

use crate::args::{ScoringArgs, UsageError};
use crate::report::Reporter;

/// Arguments of `appfraud serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Model package directory (model.onnx + manifest.json).
    #[arg(long, value_name = "DIR")]
    pub model: PathBuf,
    /// Start from this history snapshot (`appfraud snapshot build`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["data", "references"])]
    pub snapshot: Option<PathBuf>,
    /// Start from the history of this data directory (read and indexed at start).
    #[arg(long, value_name = "DIR", conflicts_with = "references")]
    pub data: Option<PathBuf>,
    /// Start with an empty history, with the reference/ files of this data directory (the
    /// reference tables are needed even without history).
    #[arg(long, value_name = "DIR")]
    pub references: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The model's name in the /v2/models/{name} routes (default: the manifest's model_id).
    #[arg(long, value_name = "NAME")]
    pub model_name: Option<String>,
    #[command(flatten)]
    pub scoring: ScoringArgs,
    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub body_limit: usize,
    /// Seconds a request may run before it is answered with 503.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Worker threads of the server (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs `appfraud serve` until SIGTERM or Ctrl-C.
pub fn run(args: ServeArgs, report: &Reporter) -> Result<()> {
    if args.snapshot.is_none() && args.data.is_none() && args.references.is_none() {
        return Err(UsageError(
            "give the history: --snapshot FILE, --data DIR, or --references DIR for an empty history"
                .into(),
        )
        .into());
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(UsageError(format!(
            "--timeout {}: must be a positive number of seconds",
            args.timeout
        ))
        .into());
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args.threads {
        runtime.worker_threads(n.max(1));
    }
    let runtime = runtime
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(serve(args, report))
}

async fn serve(args: ServeArgs, report: &Reporter) -> Result<()> {
    let service = Service::new(ServiceOptions {
        model_name: args.model_name.clone(),
        body_limit: args.body_limit,
        timeout: Duration::from_secs_f64(args.timeout),
    });
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| UsageError(format!("--addr {}: cannot listen: {e}", args.addr)))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    report.step(format!("listening on http://{addr} (ready once loaded)"));

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(appfraud_serve::http::serve(
        listener,
        Arc::clone(&service),
        async move {
            tokio::select! {
                () = appfraud_serve::http::termination() => {},
                _ = stopped => {},
            }
        },
    ));

    let started = Instant::now();
    let loaded = tokio::task::spawn_blocking(move || load(&args)).await;
    let scorer = match loaded {
        Ok(Ok(scorer)) => scorer,
        Ok(Err(e)) => {
            let _ = stop.send(());
            let _ = server.await;
            return Err(e);
        }
        Err(e) => {
            let _ = stop.send(());
            return Err(anyhow::anyhow!("loading failed: {e}"));
        }
    };
    report.step(format!(
        "ready: model {} ({} engine), {} applications of history, loaded in {:.1} s",
        scorer.model_id(),
        scorer.engine_name(),
        scorer.history_len(),
        started.elapsed().as_secs_f64()
    ));
    service.set_scorer(Arc::new(scorer));
    let _keep_until_served = stop;
    server
        .await
        .context("the server task failed")?
        .context("serving")?;
    report.step(format!(
        "stopped: {} requests answered, the last in flight included",
        service.metrics().total()
    ));
    Ok(())
}

fn load(args: &ServeArgs) -> Result<Scorer> {
    let package = ModelPackage::load(&args.model)?;
    let references;
    let snapshot;
    let source = match (&args.snapshot, &args.data, &args.references) {
        (Some(path), _, _) => {
            snapshot = HistorySnapshot::load(path)?;
            HistorySource::InMemory(Box::new(snapshot))
        }
        (None, Some(dir), _) => HistorySource::DataDir(dir),
        (None, None, Some(dir)) => {
            references = References::from_data_dir(dir)?;
            HistorySource::Empty(Box::new(references))
        }
        (None, None, None) => unreachable!("checked before loading"),
    };
    Ok(Scorer::new(
        package,
        source,
        ScorerOptions {
            reasons: args.scoring.reasons,
            reasons_for: args.scoring.reasons_for.into(),
            engine: args.scoring.engine.into(),
        },
    )?)
}
