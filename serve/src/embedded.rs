//! The embeddable scorer, [`Scorer`]: one application at a time, for a screening service.

use std::cell::RefCell;
use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use appfraud_core::{Band, ReasonCode};
use appfraud_features::{
    ApplicationRecord, HistorySnapshot, PreparedApplication, RecordIssue, References,
    SnapshotScratch, TelemetryRecord, record_issues, telemetry_issues,
};

use crate::batch::{contract_violation, required_features};
use crate::package::ReasonScratch;
use crate::{BatchScorer, EngineChoice, ModelPackage, ReasonScope, ServeError};

/// Where a [`Scorer`]'s history comes from.
#[derive(Debug)]
pub enum HistorySource<'a> {
    /// A snapshot file written by `appfraud snapshot build` ([`HistorySnapshot::load`]).
    Snapshot(&'a Path),
    /// A data directory, read and indexed ([`HistorySnapshot::from_data_dir`]).
    DataDir(&'a Path),
    /// No history yet, with these reference tables ([`HistorySnapshot::empty`]).
    Empty(Box<References>),
    /// A snapshot already in memory.
    InMemory(Box<HistorySnapshot>),
}

/// How a [`Scorer`] scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScorerOptions {
    /// Reason codes per application.
    pub reasons: usize,
    /// Which applications get them (the batch default: the `review` and `verify` bands).
    pub reasons_for: ReasonScope,
    /// The engine.
    pub engine: EngineChoice,
}

impl Default for ScorerOptions {
    /// Three reasons for flagged applications on the default engine, as `appfraud score`.
    fn default() -> Self {
        ScorerOptions {
            reasons: 3,
            reasons_for: ReasonScope::Flagged,
            engine: EngineChoice::Auto,
        }
    }
}

/// The score of one application.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The application's id.
    pub application_id: String,
    /// Calibrated probability of fraud.
    pub probability: f32,
    /// The band the manifest's thresholds put it in.
    pub band: Band,
    /// The features that pushed the score up most, largest first (empty when the options ask
    /// reasons for flagged applications only and this one is `clear`).
    pub reasons: Vec<ReasonCode>,
    /// The model's id (the manifest's `model_id`).
    pub model: String,
    /// Values the questionable-value policy kept as missing (the batch path counts the same
    /// values in its ingest report).
    pub questionable: Vec<RecordIssue>,
}

/// Buffers reused across calls on one thread.
#[derive(Default)]
struct Scratch {
    snapshot: SnapshotScratch,
    reasons: ReasonScratch,
    row: Vec<f32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The embeddable scorer: one application at a time, for a screening service.
///
/// A [`Scorer`] holds a verified model package, its engine and a history
/// ([`HistorySnapshot`]). [`Scorer::score`] computes the application's features with the one
/// feature pipeline (the same values as a batch run over the same history), its calibrated
/// probability, band and reason codes, exactly as `appfraud score` does for the same row.
/// [`Scorer::observe`] and [`Scorer::observe_label`] add to the history, so a long-running
/// service keeps its point-in-time features current.
///
/// **Concurrency.** `Scorer` is `Send + Sync`: share it behind an `Arc`. The history sits
/// behind a read–write lock. Everything that does not read the history (the questionable-value
/// policy, step one of the pipeline: phone, email, resume signature, telemetry signals; the
/// model; the reasons) runs outside it, so a score holds the read lock only for its history
/// queries, and an observation holds the write lock only to insert the keys of one
/// application (re-sorting the key groups it joins). An observation older than the newest one
/// held also undoes and redoes the component links made after its time, which costs the links
/// since then (a few for an application that arrives a little late), not the history.
pub struct Scorer {
    package: ModelPackage,
    engine: BatchScorer,
    references: Arc<References>,
    history: RwLock<HistorySnapshot>,
    required: Vec<bool>,
    options: ScorerOptions,
}

impl std::fmt::Debug for Scorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scorer")
            .field("model", &self.package.manifest().model_id)
            .field("engine", &self.engine.engine_name())
            .field("history", &self.history_len())
            .field("options", &self.options)
            .finish()
    }
}

impl Scorer {
    /// A scorer for `package` over the history `source`.
    ///
    /// # Errors
    ///
    /// The history's errors (an unreadable or foreign snapshot, a data directory the pipeline
    /// refuses), [`ServeError::FeatureSetMismatch`] when the package was trained on another
    /// feature set, and the engine's errors.
    pub fn new(
        package: ModelPackage,
        source: HistorySource<'_>,
        options: ScorerOptions,
    ) -> Result<Scorer, ServeError> {
        let engine = BatchScorer::new(&package, options.engine)?;
        let history = match source {
            HistorySource::Snapshot(path) => HistorySnapshot::load(path)?,
            HistorySource::DataDir(dir) => HistorySnapshot::from_data_dir(dir)?,
            HistorySource::Empty(references) => HistorySnapshot::empty(*references),
            HistorySource::InMemory(snapshot) => *snapshot,
        };
        package.check_feature_set(history.feature_set().hash().as_str())?;
        Ok(Scorer {
            required: required_features(&package),
            references: history.shared_references(),
            history: RwLock::new(history),
            engine,
            package,
            options,
        })
    }

    /// The model package.
    pub fn package(&self) -> &ModelPackage {
        &self.package
    }

    /// The model's id.
    pub fn model_id(&self) -> &str {
        &self.package.manifest().model_id
    }

    /// `native` or `onnxruntime`.
    pub fn engine_name(&self) -> &'static str {
        self.engine.engine_name()
    }

    /// The options it scores with.
    pub fn options(&self) -> ScorerOptions {
        self.options
    }

    /// Whether the history holds an application with this id.
    pub fn holds(&self, application_id: &str) -> bool {
        self.read().contains(application_id)
    }

    /// Applications in the history.
    pub fn history_len(&self) -> usize {
        self.read().len()
    }

    /// The score of `application` with its `telemetry`, against the history before its
    /// `submitted_at`. The history is not changed. If the history already holds an application
    /// with this id, its own rows are left out of its history, as in the batch path.
    ///
    /// # Errors
    ///
    /// [`ServeError::Unscorable`] when one of its features breaks the model's contract (the
    /// batch path leaves such a row unscored with the same reason); the engine's errors.
    pub fn score(
        &self,
        application: &ApplicationRecord,
        telemetry: &[TelemetryRecord],
    ) -> Result<Score, ServeError> {
        let (prepared, questionable) = self.prepare(application, telemetry);
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch {
                snapshot,
                reasons,
                row,
            } = scratch;
            row.resize(self.package.n_features(), 0.0);
            self.read().prepared_features_into(&prepared, snapshot, row);
            self.score_row(application.application_id.clone(), row, reasons)
                .map(|mut score| {
                    score.questionable = questionable;
                    score
                })
        })
    }

    /// The features of `application` with its `telemetry` against the history, in the
    /// package's feature order: what [`score`](Self::score) feeds the model.
    pub fn features(
        &self,
        application: &ApplicationRecord,
        telemetry: &[TelemetryRecord],
    ) -> Vec<f32> {
        let (prepared, _) = self.prepare(application, telemetry);
        let mut row = vec![0.0; self.package.n_features()];
        SCRATCH.with_borrow_mut(|scratch| {
            self.read()
                .prepared_features_into(&prepared, &mut scratch.snapshot, &mut row);
        });
        row
    }

    /// Calibrated probabilities of feature rows (row-major, [`ModelPackage::n_features`] per
    /// row, `NaN` = missing), on the calling thread: for clients that compute features
    /// themselves.
    ///
    /// # Errors
    ///
    /// [`ServeError::Shape`] if `rows` is not a whole number of rows; the engine's errors.
    pub fn probabilities(&self, rows: &[f32]) -> Result<Vec<f32>, ServeError> {
        self.engine.probabilities_here(rows)
    }

    /// Adds `application` and its `telemetry` to the history: later applications see it, from
    /// its `submitted_at` (and each sample from its `event_at`) on.
    ///
    /// # Errors
    ///
    /// [`ServeError::Features`] with `FeatureError::DuplicateApplication` when the history
    /// already holds an application with this id (the history is then unchanged).
    pub fn observe(
        &self,
        application: &ApplicationRecord,
        telemetry: &[TelemetryRecord],
    ) -> Result<Vec<RecordIssue>, ServeError> {
        let (prepared, questionable) = self.prepare(application, telemetry);
        self.write().append_prepared(prepared, &[])?;
        Ok(questionable)
    }

    /// Adds the outcome of an investigation of an application in the history: applications
    /// submitted after `labeled_at` (µs since the Unix epoch, UTC) see it.
    ///
    /// # Errors
    ///
    /// [`ServeError::Features`] with `FeatureError::UnknownApplication` when the history
    /// does not hold the application.
    pub fn observe_label(
        &self,
        application_id: &str,
        is_fraud: bool,
        labeled_at: i64,
    ) -> Result<(), ServeError> {
        self.write()
            .append_label(application_id, labeled_at, is_fraud)
            .map_err(ServeError::from)
    }

    /// Adds telemetry samples of an application already in the history (later sessions, such
    /// as an interview): applications submitted after each sample's `event_at` see it.
    ///
    /// # Errors
    ///
    /// [`ServeError::Features`] with `FeatureError::UnknownApplication` when the history
    /// does not hold the application.
    pub fn observe_telemetry(
        &self,
        application_id: &str,
        telemetry: &[TelemetryRecord],
    ) -> Result<Vec<RecordIssue>, ServeError> {
        let mut samples = telemetry.to_vec();
        let questionable = telemetry_issues(&mut samples);
        let views: Vec<_> = samples.iter().map(TelemetryRecord::view).collect();
        self.write()
            .append_telemetry(application_id, &views)
            .map_err(ServeError::from)?;
        Ok(questionable)
    }

    /// Writes the history to a snapshot file (atomically; see [`HistorySnapshot::save`]),
    /// holding the read lock while it writes. Returns the file's size in bytes.
    ///
    /// # Errors
    ///
    /// [`ServeError::Features`] when the file cannot be written.
    pub fn save_history(&self, path: &Path) -> Result<u64, ServeError> {
        self.read().save(path).map_err(ServeError::from)
    }

    /// The questionable-value policy, then step one of the pipeline, outside any lock.
    fn prepare(
        &self,
        application: &ApplicationRecord,
        telemetry: &[TelemetryRecord],
    ) -> (PreparedApplication, Vec<RecordIssue>) {
        let mut app = application.clone();
        let mut samples = telemetry.to_vec();
        let questionable = record_issues(&mut app, &mut samples);
        let views: Vec<_> = samples.iter().map(TelemetryRecord::view).collect();
        let prepared = SCRATCH.with_borrow_mut(|scratch| {
            PreparedApplication::new(&self.references, &app.view(), &views, &mut scratch.snapshot)
        });
        (prepared, questionable)
    }

    /// The model and the reasons for one feature row, as the batch path computes them.
    fn score_row(
        &self,
        application_id: String,
        row: &[f32],
        scratch: &mut ReasonScratch,
    ) -> Result<Score, ServeError> {
        if let Some(reason) = contract_violation(row, &self.required, &self.package) {
            return Err(ServeError::Unscorable { reason });
        }
        let p = self.engine.probabilities_here(row)?;
        crate::scorer::check_output_len(self.engine.engine_name(), 1, p.len())?;
        let probability = p[0];
        if !probability.is_finite() {
            return Err(ServeError::Unscorable {
                reason: format!("the model returned {probability}"),
            });
        }
        let band = self.package.manifest().bands.band(f64::from(probability));
        let k = match self.options.reasons_for {
            ReasonScope::All => self.options.reasons,
            ReasonScope::Flagged if band != Band::Clear => self.options.reasons,
            ReasonScope::Flagged => 0,
        };
        let reasons = self
            .package
            .reasons_of_rows(row, &[k], scratch)
            .pop()
            .unwrap_or_default();
        Ok(Score {
            application_id,
            probability,
            band,
            reasons,
            model: self.package.manifest().model_id.clone(),
            questionable: Vec::new(),
        })
    }

    /// The history for reading. A writer that panicked left no half-inserted application
    /// (insertion does not panic on any input), so a poisoned lock is read through.
    fn read(&self) -> RwLockReadGuard<'_, HistorySnapshot> {
        self.history
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, HistorySnapshot> {
        self.history
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `Scorer` is shared across threads behind an `Arc`: this fails to compile if it ever stops
/// being `Send + Sync`.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Scorer>();
    shared::<Arc<Scorer>>();
};
