//! The single-application path: a history snapshot built once, queried one application at a
//! time with the same code as the batch path, and updatable with new rows.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use appfraud_core::FeatureSet;

use super::batch::{History, prepare, read_inputs};
use super::catalog::{CATALOG, feature_set, write_row};
use super::own::{OwnScratch, References, own_signals, sample_keys};
use super::record::Application;
use crate::FeatureError;
use crate::history::documents::DocumentQueryScratch;
use crate::history::index::{SampleKeys, Slot};
use crate::ingest::RawFrames;
use crate::signals::remote_control::TelemetrySample;

/// Reusable buffers for [`HistorySnapshot::features_into`]; one per thread.
#[derive(Debug, Default)]
pub struct SnapshotScratch {
    own: OwnScratch,
    documents: DocumentQueryScratch,
}

/// The history of a data directory, ready to compute the features of one new application.
///
/// `features` takes `&self`, so one snapshot can serve many threads (each with its own
/// [`SnapshotScratch`]); appending takes `&mut self`.
#[derive(Debug)]
pub struct HistorySnapshot {
    refs: Arc<References>,
    history: History,
    slot_of: HashMap<String, Slot>,
}

impl HistorySnapshot {
    /// Reads and validates data directory `dir` (tables and reference files) and indexes it.
    pub fn from_data_dir(dir: &Path) -> Result<HistorySnapshot, FeatureError> {
        let (raw, refs) = read_inputs(dir, &|_| {})?;
        HistorySnapshot::from_frames(&raw, refs)
    }

    /// Indexes already-validated tables.
    pub fn from_frames(raw: &RawFrames, refs: References) -> Result<HistorySnapshot, FeatureError> {
        let prepared = prepare(raw, &refs)?;
        let history = History::build(&prepared.own, &prepared.labels);
        let slot_of = prepared
            .ids
            .into_iter()
            .enumerate()
            .map(|(i, id)| (id, i as Slot))
            .collect();
        Ok(HistorySnapshot {
            refs: Arc::new(refs),
            history,
            slot_of,
        })
    }

    /// Applications held.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    /// Whether no application is held.
    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// The reference tables the snapshot was built with.
    pub fn references(&self) -> &References {
        &self.refs
    }

    /// The feature set of the rows [`features`](Self::features) returns.
    pub fn feature_set(&self) -> FeatureSet {
        feature_set()
    }

    /// The features of `app` with its telemetry `samples`, against the history before
    /// `app.submitted_at`, in [`FeatureSet`] order. Identical to the batch row of the same
    /// application over the same data. If the snapshot already holds an application with this
    /// id, its own rows are left out of its history exactly as the batch path does.
    pub fn features(&self, app: &Application<'_>, samples: &[TelemetrySample<'_>]) -> Vec<f32> {
        let mut out = vec![0.0; CATALOG.len()];
        self.features_into(app, samples, &mut SnapshotScratch::default(), &mut out);
        out
    }

    /// [`features`](Self::features) into `out` (length = number of features), reusing
    /// `scratch`.
    pub fn features_into(
        &self,
        app: &Application<'_>,
        samples: &[TelemetrySample<'_>],
        scratch: &mut SnapshotScratch,
        out: &mut [f32],
    ) {
        let own = own_signals(app, samples, &self.refs, &mut scratch.own);
        let slot = self.slot_of.get(app.application_id).copied();
        let row = self.history.row_signals(&own, slot, &mut scratch.documents);
        write_row(&row, out);
    }

    /// Adds an application, its telemetry and its labels (`(labeled_at, is_fraud)`) to the
    /// history. Rows may be older than rows already held.
    pub fn append(
        &mut self,
        app: &Application<'_>,
        samples: &[TelemetrySample<'_>],
        labels: &[(i64, bool)],
    ) -> Result<(), FeatureError> {
        if self.slot_of.contains_key(app.application_id) {
            return Err(FeatureError::DuplicateApplication {
                application_id: app.application_id.to_owned(),
            });
        }
        let own = own_signals(app, samples, &self.refs, &mut OwnScratch::default());
        let slot = self
            .history
            .entities
            .push_application(own.keys, &own.sample_keys, labels);
        if let Some(sig) = &own.resume {
            self.history
                .documents
                .insert(slot, own.keys.submitted_at, own.keys.identity, sig);
        }
        self.slot_of.insert(app.application_id.to_owned(), slot);
        Ok(())
    }

    /// Adds telemetry samples of an application already held (sessions recorded after it was
    /// appended, such as later interviews). Each sample counts in the history of other
    /// applications from its own `event_at` on, so samples dated at or after an application's
    /// `submitted_at` never reach that application's features.
    pub fn append_telemetry(
        &mut self,
        application_id: &str,
        samples: &[TelemetrySample<'_>],
    ) -> Result<(), FeatureError> {
        let slot = self.held(application_id)?;
        let keys: Vec<SampleKeys> = samples.iter().filter_map(sample_keys).collect();
        self.history.entities.push_samples(slot, &keys);
        Ok(())
    }

    /// The slot of a held application.
    fn held(&self, application_id: &str) -> Result<Slot, FeatureError> {
        self.slot_of
            .get(application_id)
            .copied()
            .ok_or_else(|| FeatureError::UnknownApplication {
                application_id: application_id.to_owned(),
            })
    }

    /// Adds a label that became known for an application already held.
    pub fn append_label(
        &mut self,
        application_id: &str,
        labeled_at: i64,
        is_fraud: bool,
    ) -> Result<(), FeatureError> {
        let slot = self.held(application_id)?;
        self.history.entities.push_label(slot, labeled_at, is_fraud);
        Ok(())
    }
}
