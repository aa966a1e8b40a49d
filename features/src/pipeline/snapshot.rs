//! The single-application path: a history snapshot built once, queried one application at a
//! time with the same code as the batch path, and updatable with new rows; and the snapshot
//! file it is kept in between runs ([`file`]).
//!
//! **What is O(history) and what is O(batch).** Loading a snapshot reads and decodes the whole
//! history (its size on disk is about that of the index in memory). Extending it with a data
//! directory of new rows, and computing their features, costs O(new rows) plus a re-sort and
//! recount of each key group the new rows touch (and, when new rows predate held ones, undoing
//! and redoing the component links made after the oldest of them); the held rows are never
//! recomputed.

mod file;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use appfraud_core::FeatureSet;
use appfraud_core::schema::{HIGH_RISK_INSTITUTIONS, IP_RANGES};
use serde::{Deserialize, Serialize};

use super::batch::{
    DirProgress, FeatureFrame, FeatureOptions, HeldResume, History, Stage, feature_columns,
    own_rows, prepare, prepare_owned, read_inputs,
};
use super::catalog::{CATALOG, feature_set, write_row};
use super::columns::{ApplicationColumns, IdMap, TelemetryBySlot, labels_by_slot};
use super::own::{OwnScratch, References, own_signals, sample_keys};
use super::record::Application;
use crate::FeatureError;
use crate::history::documents::{DocumentIndex, DocumentQueryScratch};
use crate::history::index::{HistoryIndex, SampleKeys, Slot};
use crate::ingest::{RawFrames, UNREAD_BY_FEATURES, read_data_dir_extending};
use crate::signals::remote_control::TelemetrySample;

pub use file::{FORMAT_VERSION, SnapshotFileError};

/// Reusable buffers for [`HistorySnapshot::features_into`]; one per thread.
#[derive(Debug, Default)]
pub struct SnapshotScratch {
    own: OwnScratch,
    documents: DocumentQueryScratch,
}

/// One application with its telemetry after step one (its own signals and its history keys),
/// which reads no history: a service computes it before taking any lock on the snapshot, then
/// asks [`HistorySnapshot::prepared_features_into`] or [`HistorySnapshot::append_prepared`].
#[derive(Debug, Clone)]
pub struct PreparedApplication {
    application_id: Box<str>,
    submitted_at: i64,
    own: super::own::OwnRow,
}

impl PreparedApplication {
    /// Step one of `app` with its telemetry `samples`, with the reference tables `refs` (a
    /// snapshot's [`HistorySnapshot::shared_references`]).
    pub fn new(
        refs: &References,
        app: &Application<'_>,
        samples: &[TelemetrySample<'_>],
        scratch: &mut SnapshotScratch,
    ) -> PreparedApplication {
        PreparedApplication {
            application_id: app.application_id.into(),
            submitted_at: app.submitted_at,
            own: own_signals(app, samples, refs, &mut scratch.own),
        }
    }

    /// The application's id.
    pub fn application_id(&self) -> &str {
        &self.application_id
    }

    /// When it was submitted (µs since the Unix epoch, UTC).
    pub fn submitted_at(&self) -> i64 {
        self.submitted_at
    }
}

/// The history of a data directory, ready to compute the features of one new application.
///
/// `features` takes `&self`, so one snapshot can serve many threads (each with its own
/// [`SnapshotScratch`]); appending takes `&mut self`.
#[derive(Debug)]
pub struct HistorySnapshot {
    refs: Arc<References>,
    history: History,
    slot_of: HashMap<Box<str>, Slot>,
}

/// The first section of a snapshot file: the reference tables as the bytes of their files and
/// the application ids by slot. The history index and the resume index follow as sections of
/// their own, so a reader decodes the three in parallel.
#[derive(Serialize, Deserialize)]
struct Head<'a> {
    ip_ranges_csv: std::borrow::Cow<'a, [u8]>,
    institutions_csv: std::borrow::Cow<'a, [u8]>,
    ids: Vec<std::borrow::Cow<'a, str>>,
}

/// What [`HistorySnapshot::extend_from_data_dir`] added: the new applications (their slots in
/// the snapshot, in `applications` row order), with what ingest found questionable.
#[derive(Debug, Clone)]
pub struct Extension {
    /// The slots of the directory's applications, in row order.
    slots: Vec<Slot>,
    /// Their ids and submission times, in row order.
    ids: Vec<String>,
    submitted_at: Vec<i64>,
    /// Their own rows (step one), kept to compute their features without recomputing it.
    own: Vec<super::own::OwnRow>,
    /// Telemetry rows and labels of applications the snapshot held before.
    held_telemetry_rows: usize,
    held_labels: usize,
    report: crate::IngestReport,
}

impl Extension {
    /// Applications the directory added.
    pub fn applications(&self) -> usize {
        self.slots.len()
    }

    /// Telemetry rows of applications held before the extension (later sessions).
    pub fn held_telemetry_rows(&self) -> usize {
        self.held_telemetry_rows
    }

    /// Labels of applications held before the extension (outcomes learned since).
    pub fn held_labels(&self) -> usize {
        self.held_labels
    }

    /// What ingest found questionable in the directory.
    pub fn report(&self) -> &crate::IngestReport {
        &self.report
    }
}

impl HistorySnapshot {
    /// Reads and validates data directory `dir` (tables and reference files) and indexes it.
    pub fn from_data_dir(dir: &Path) -> Result<HistorySnapshot, FeatureError> {
        HistorySnapshot::from_data_dir_with_progress(dir, &|_| {})
    }

    /// [`from_data_dir`](Self::from_data_dir), reporting progress as
    /// [`crate::features_from_data_dir`] does.
    pub fn from_data_dir_with_progress(
        dir: &Path,
        progress: &dyn Fn(DirProgress<'_>),
    ) -> Result<HistorySnapshot, FeatureError> {
        let (raw, refs) = read_inputs(dir, progress)?;
        progress(DirProgress::Stage(Stage::OwnSignals));
        let (prepared, _) = prepare_owned(raw, &refs)?;
        progress(DirProgress::Stage(Stage::History));
        Ok(HistorySnapshot::from_prepared(prepared, refs))
    }

    /// A snapshot holding no application, with reference tables `refs`: for a service that
    /// starts without history and builds it with [`append`](Self::append).
    pub fn empty(refs: References) -> HistorySnapshot {
        HistorySnapshot {
            refs: Arc::new(refs),
            history: History::build(Vec::new(), Default::default(), &[]),
            slot_of: HashMap::new(),
        }
    }

    /// Indexes already-validated tables.
    pub fn from_frames(raw: &RawFrames, refs: References) -> Result<HistorySnapshot, FeatureError> {
        Ok(HistorySnapshot::from_prepared(prepare(raw, &refs)?, refs))
    }

    fn from_prepared(prepared: super::batch::Prepared, refs: References) -> HistorySnapshot {
        let history = History::build(prepared.history, prepared.resumes, &prepared.labels);
        let slot_of = (0..prepared.ids.len())
            .map(|i| (Box::from(prepared.ids.get(i)), i as Slot))
            .collect();
        HistorySnapshot {
            refs: Arc::new(refs),
            history,
            slot_of,
        }
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
        let prepared = PreparedApplication::new(&self.refs, app, samples, scratch);
        self.prepared_features_into(&prepared, scratch, out);
    }

    /// The features of an application prepared with [`PreparedApplication::new`], into `out`:
    /// the same values as [`features_into`](Self::features_into) of that application. Only
    /// this step reads the history, so a service that guards the snapshot with a lock holds it
    /// only for the history queries.
    pub fn prepared_features_into(
        &self,
        prepared: &PreparedApplication,
        scratch: &mut SnapshotScratch,
        out: &mut [f32],
    ) {
        let slot = self.slot_of.get(&*prepared.application_id).copied();
        let row = self
            .history
            .row_signals(&prepared.own, slot, &mut scratch.documents);
        write_row(&row, out);
    }

    /// The reference tables, shared: what [`PreparedApplication::new`] reads.
    pub fn shared_references(&self) -> Arc<References> {
        Arc::clone(&self.refs)
    }

    /// Whether an application with this id is held.
    pub fn contains(&self, application_id: &str) -> bool {
        self.slot_of.contains_key(application_id)
    }

    /// Adds an application, its telemetry and its labels (`(labeled_at, is_fraud)`) to the
    /// history. Rows may be older than rows already held.
    pub fn append(
        &mut self,
        app: &Application<'_>,
        samples: &[TelemetrySample<'_>],
        labels: &[(i64, bool)],
    ) -> Result<(), FeatureError> {
        let prepared =
            PreparedApplication::new(&self.refs, app, samples, &mut SnapshotScratch::default());
        self.append_prepared(prepared, labels)
    }

    /// [`append`](Self::append) of an application prepared with [`PreparedApplication::new`]
    /// (with this snapshot's [`shared_references`](Self::shared_references)); the costly step
    /// one is already done, so this only inserts keys.
    ///
    /// # Errors
    ///
    /// [`FeatureError::DuplicateApplication`] when an application with the same id is held;
    /// the snapshot is then unchanged.
    pub fn append_prepared(
        &mut self,
        prepared: PreparedApplication,
        labels: &[(i64, bool)],
    ) -> Result<(), FeatureError> {
        if self.slot_of.contains_key(&*prepared.application_id) {
            return Err(FeatureError::DuplicateApplication {
                application_id: prepared.application_id.into_string(),
            });
        }
        let own = prepared.own;
        let slot = self
            .history
            .entities
            .push_application(own.keys, &own.sample_keys, labels);
        if let Some(sig) = &own.resume {
            self.history
                .documents
                .insert(slot, own.keys.submitted_at, own.keys.identity, sig);
        }
        self.slot_of.insert(prepared.application_id, slot);
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

    /// Writes the snapshot to `path` atomically (module [`file`]): versioned, checksummed,
    /// tagged with the [`FeatureSet`] hash of this build. Returns the file's size in bytes.
    ///
    /// # Errors
    ///
    /// [`FeatureError::Snapshot`] when the file cannot be written (the previous file, if any,
    /// is left intact).
    pub fn save(&self, path: &Path) -> Result<u64, FeatureError> {
        let mut ids = vec![std::borrow::Cow::Borrowed(""); self.slot_of.len()];
        for (id, &slot) in &self.slot_of {
            ids[slot as usize] = std::borrow::Cow::Borrowed(&**id);
        }
        let head = Head {
            ip_ranges_csv: std::borrow::Cow::Borrowed(&self.refs.sources.ip_ranges),
            institutions_csv: std::borrow::Cow::Borrowed(&self.refs.sources.institutions),
            ids,
        };
        file::write(path, feature_set().hash().as_str(), |out| {
            out.section(&head)?;
            out.section(&self.history.entities)?;
            out.section(&self.history.documents)
        })
        .map_err(|e| e.at(path))
    }

    /// Reads a snapshot written by [`save`](Self::save).
    ///
    /// # Errors
    ///
    /// [`FeatureError::Snapshot`] naming the file when it cannot be read, is not a snapshot,
    /// fails its checksum (truncated, corrupted or edited), has another format version, or was
    /// built for another feature set; [`FeatureError::Ingest`] if its stored reference tables
    /// do not parse.
    pub fn load(path: &Path) -> Result<HistorySnapshot, FeatureError> {
        let checked = file::read(path, feature_set().hash().as_str()).map_err(|e| e.at(path))?;
        let inconsistent = |what: &str| {
            SnapshotFileError::Decode {
                reason: what.to_owned(),
            }
            .at(path)
        };
        type HeadParts = (Arc<[u8]>, Arc<[u8]>, HashMap<Box<str>, Slot>);
        let head = || -> Result<HeadParts, FeatureError> {
            let head: Head<'static> = checked.section(0).map_err(|e| e.at(path))?;
            let mut slot_of = HashMap::with_capacity(head.ids.len());
            for (slot, id) in head.ids.into_iter().enumerate() {
                if slot_of
                    .insert(id.into_owned().into_boxed_str(), slot as Slot)
                    .is_some()
                {
                    return Err(inconsistent("an application id appears twice"));
                }
            }
            Ok((
                head.ip_ranges_csv.into_owned().into(),
                head.institutions_csv.into_owned().into(),
                slot_of,
            ))
        };
        let ((head, documents), entities) = rayon::join(
            || {
                rayon::join(head, || {
                    checked.section::<DocumentIndex>(2).map_err(|e| e.at(path))
                })
            },
            || checked.section::<HistoryIndex>(1).map_err(|e| e.at(path)),
        );
        let (ip_ranges, institutions, slot_of) = head?;
        let entities = entities?;
        if slot_of.len() != entities.len() {
            return Err(inconsistent(
                "application ids and history disagree in length",
            ));
        }
        let refs = References::from_csv_bytes(
            &path.join(IP_RANGES.path),
            ip_ranges,
            &path.join(HIGH_RISK_INSTITUTIONS.path),
            institutions,
        )?;
        Ok(HistorySnapshot {
            refs: Arc::new(refs),
            history: History {
                entities,
                documents: documents?,
            },
            slot_of,
        })
    }

    /// Adds the rows of data directory `dir` (new applications with their telemetry and labels;
    /// telemetry and labels of applications already held, such as later sessions and outcomes
    /// learned since), in any time order. The directory's reference files, when it has them,
    /// replace the snapshot's for the new rows and for later extensions; without them the
    /// snapshot's are used. History is never recomputed: the held rows' keys stay as built.
    ///
    /// # Errors
    ///
    /// What [`crate::features_from_data_dir`] returns for a bad directory, and
    /// [`FeatureError::HeldApplication`] naming the row of an application already held.
    pub fn extend_from_data_dir(
        &mut self,
        dir: &Path,
        progress: &dyn Fn(DirProgress<'_>),
    ) -> Result<Extension, FeatureError> {
        let held = |id: &str| {
            self.slot_of
                .get(id)
                .map(|&slot| self.history.entities.submitted_at(slot))
        };
        let raw = read_data_dir_extending(dir, &held, UNREAD_BY_FEATURES)?;
        progress(DirProgress::Ingested {
            frames: &raw,
            telemetry_rows: raw
                .telemetry
                .as_ref()
                .map_or(0, polars::prelude::DataFrame::height),
        });
        let refs = if dir.join(IP_RANGES.path).is_file()
            || dir.join(HIGH_RISK_INSTITUTIONS.path).is_file()
        {
            Arc::new(References::from_data_dir(dir)?)
        } else {
            Arc::clone(&self.refs)
        };
        self.extend_from_frames(dir, &raw, refs, &|stage| {
            progress(DirProgress::Stage(stage))
        })
    }

    /// [`extend_from_data_dir`](Self::extend_from_data_dir) on tables already read and
    /// validated against this snapshot, with reference tables `refs` (which the snapshot keeps
    /// once the rows are in); `dir` is named in errors. On an error the snapshot is unchanged.
    fn extend_from_frames(
        &mut self,
        dir: &Path,
        raw: &RawFrames,
        refs: Arc<References>,
        progress: &dyn Fn(Stage),
    ) -> Result<Extension, FeatureError> {
        progress(Stage::OwnSignals);
        let cols = ApplicationColumns::new(&raw.applications)?;
        let n = cols.len();
        let base = self.len();
        // Local slots: the directory's applications first (0..n), then the held applications
        // its telemetry and labels name (n..), so every table below is sized by the batch, not
        // by the history.
        let mut slot_of = IdMap::with_capacity_and_hasher(n, Default::default());
        for (i, id) in cols.ids().iter().enumerate() {
            if self.slot_of.contains_key(*id) {
                return Err(FeatureError::HeldApplication {
                    dir: dir.to_path_buf(),
                    row: i,
                });
            }
            slot_of.insert(id, i as Slot);
        }
        let mut held: Vec<Slot> = Vec::new();
        for df in [raw.telemetry.as_ref(), raw.labels.as_ref()]
            .into_iter()
            .flatten()
        {
            for id in df.column("application_id")?.str()?.iter().flatten() {
                if !slot_of.contains_key(id)
                    && let Some(&slot) = self.slot_of.get(id)
                {
                    slot_of.insert(id, (n + held.len()) as Slot);
                    held.push(slot);
                }
            }
        }
        let global = |local: Slot| -> Slot {
            match (local as usize).checked_sub(n) {
                None => (base as Slot) + local,
                Some(k) => held[k],
            }
        };
        let telemetry = TelemetryBySlot::new(raw.telemetry.as_ref(), &slot_of, n + held.len())?;
        let mut labels = labels_by_slot(raw.labels.as_ref(), &slot_of)?;
        let held_labels = labels.iter().filter(|l| (l.0 as usize) >= n).count();
        for label in &mut labels {
            label.0 = global(label.0);
        }
        let own = own_rows(&cols, &telemetry, &refs);

        progress(Stage::History);
        let held_telemetry_rows = (n..n + held.len()).map(|k| telemetry.len_of(k)).sum();
        let samples: Vec<(Slot, SampleKeys)> = own
            .iter()
            .enumerate()
            .flat_map(|(i, o)| o.sample_keys.iter().map(move |s| ((base + i) as Slot, *s)))
            .chain(held.iter().enumerate().flat_map(|(k, &slot)| {
                let samples = telemetry.samples_of(n + k);
                let keys: Vec<_> = samples.iter().filter_map(sample_keys).collect();
                keys.into_iter().map(move |s| (slot, s))
            }))
            .collect();
        // Nothing fails past this point: the snapshot changes only from here on.
        self.refs = refs;
        let keys: Vec<_> = own.iter().map(|o| o.keys).collect();
        self.history.entities.extend(&keys, &samples, &labels);
        for (i, o) in own.iter().enumerate() {
            if let Some(sig) = &o.resume {
                self.history.documents.insert(
                    (base + i) as Slot,
                    o.keys.submitted_at,
                    o.keys.identity,
                    sig,
                );
            }
        }
        let ids: Vec<String> = cols.ids().iter().map(|s| (*s).to_owned()).collect();
        for (i, id) in ids.iter().enumerate() {
            self.slot_of.insert(id.as_str().into(), (base + i) as Slot);
        }
        Ok(Extension {
            slots: (base..base + n).map(|s| s as Slot).collect(),
            submitted_at: own.iter().map(|o| o.keys.submitted_at).collect(),
            ids,
            own,
            held_telemetry_rows,
            held_labels,
            report: raw.report.clone(),
        })
    }

    /// The feature frame of the applications `extension` added (as
    /// [`crate::build_feature_frame`] lays it out), against everything the snapshot holds:
    /// equal, row for row, to the frame of a batch run over the held history plus the new
    /// rows. With [`FeatureOptions::since_micros`] only applications at or after it get a row.
    pub fn features_of(
        &self,
        extension: &Extension,
        options: FeatureOptions,
        progress: &dyn Fn(Stage),
    ) -> Result<FeatureFrame, FeatureError> {
        progress(Stage::Features);
        let selected: Vec<usize> = (0..extension.slots.len())
            .filter(|&i| {
                options
                    .since_micros
                    .is_none_or(|since| extension.submitted_at[i] >= since)
            })
            .collect();
        let ids: Vec<&str> = selected
            .iter()
            .map(|&i| extension.ids[i].as_str())
            .collect();
        let times = selected
            .iter()
            .map(|&i| extension.submitted_at[i])
            .collect();
        let frame = feature_columns(&ids, times, |k, scratch| {
            let i = selected[k];
            let own = &extension.own[i];
            Ok(self.history.held_row_signals(
                &own.signals,
                extension.slots[i],
                HeldResume::Signature(own.resume.as_ref()),
                scratch,
            ))
        })?;
        Ok(FeatureFrame {
            frame,
            feature_set: feature_set(),
            report: extension.report.clone(),
            clusters: selected
                .iter()
                .map(|&i| self.history.entities.cluster(extension.slots[i]))
                .collect(),
        })
    }
}

/// The feature frame of the applications of data directory `dir` against the history snapshot
/// file `snapshot`: the snapshot is loaded, extended in memory with the directory's rows (the
/// file is not changed), and only the new applications' rows are computed. Equal, row for row,
/// to [`crate::features_from_data_dir`] over the snapshot's history plus `dir`.
///
/// # Errors
///
/// Those of [`HistorySnapshot::load`] and [`HistorySnapshot::extend_from_data_dir`].
pub fn features_with_snapshot(
    snapshot: &Path,
    dir: &Path,
    options: FeatureOptions,
    progress: &dyn Fn(DirProgress<'_>),
) -> Result<FeatureFrame, FeatureError> {
    let mut history = HistorySnapshot::load(snapshot)?;
    let extension = history.extend_from_data_dir(dir, progress)?;
    history.features_of(&extension, options, &|stage| {
        progress(DirProgress::Stage(stage))
    })
}
