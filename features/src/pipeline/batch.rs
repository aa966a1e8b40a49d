//! The batch path: a whole data directory → one feature row per application.

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

use appfraud_core::FeatureSet;
use appfraud_core::schema::{HIGH_RISK_INSTITUTIONS, IP_RANGES};
use polars::prelude::*;
use rayon::prelude::*;

use super::catalog::{CATALOG, RowSignals, feature_set, write_row};
use super::columns::{ApplicationColumns, SlotOrder, TelemetryBySlot, id_map, labels_by_slot};
use super::own::{OwnRow, OwnScratch, OwnSignals, ReferenceSources, References, own_signals};
use super::own_store::{BLOCK_ROWS as OWN_BLOCK_ROWS, OwnStore};
use super::record::{ApplicationRecord, TelemetryRecord};
use super::telemetry::CompactTelemetry;
use crate::history::documents::{
    DocumentIndex, DocumentQueryScratch, HeldPositions, ResumeSignature, ShingleScratch,
    resume_signature,
};
use crate::history::index::{ApplicationKeys, HistoryIndex, HistoryQuery, SampleKeys, Slot};
use crate::ingest::{
    IngestReport, RawFrames, TELEMETRY_CHUNK_ROWS, UNREAD_BY_FEATURES, read_data_dir_extending,
    read_data_dir_streaming,
};
use crate::reference::institutions::HighRiskInstitutions;
use crate::reference::ip_ranges::IpRangeTable;
use crate::signals::remote_control::TelemetrySample;
use crate::{FeatureError, IngestError};

impl References {
    /// Reads `reference/ip_ranges.csv` and `reference/high_risk_institutions.csv` of data
    /// directory `dir`; both are required.
    pub fn from_data_dir(dir: &Path) -> Result<References, IngestError> {
        let ip = dir.join(IP_RANGES.path);
        let inst = dir.join(HIGH_RISK_INSTITUTIONS.path);
        for (path, stem) in [
            (&ip, "reference/ip_ranges"),
            (&inst, "reference/high_risk_institutions"),
        ] {
            if !path.is_file() {
                return Err(IngestError::MissingFile {
                    dir: dir.to_path_buf(),
                    stem,
                });
            }
        }
        let read = |path: &Path| {
            std::fs::read(path).map_err(|e| IngestError::Unreadable {
                file: path.to_path_buf(),
                reason: e.to_string(),
            })
        };
        References::from_csv_bytes(&ip, read(&ip)?.into(), &inst, read(&inst)?.into())
    }

    /// Parses the two reference files from their bytes; `ip_name` and `inst_name` are the
    /// files named in errors.
    pub fn from_csv_bytes(
        ip_name: &Path,
        ip_ranges: Arc<[u8]>,
        inst_name: &Path,
        institutions: Arc<[u8]>,
    ) -> Result<References, IngestError> {
        Ok(References {
            ip_ranges: IpRangeTable::from_reader(ip_name, &ip_ranges[..])?,
            institutions: HighRiskInstitutions::from_reader(inst_name, &institutions[..])?,
            sources: ReferenceSources {
                ip_ranges,
                institutions,
            },
            generation: References::next_generation(),
        })
    }
}

/// The pipeline's output: `application_id`, `submitted_at`, then one `Float32` column per
/// feature in [`FeatureSet`] order (`NaN` = missing).
#[derive(Debug, Clone)]
pub struct FeatureFrame {
    /// One row per application: `application_id`, `submitted_at`, then the feature columns.
    pub frame: DataFrame,
    /// The features of the frame's columns, in column order.
    pub feature_set: FeatureSet,
    /// What ingest found questionable in the input.
    pub report: IngestReport,
    /// Per row, its identity cluster over the whole input (applications linked by a shared
    /// address, device, phone or email, at any time). Not point in time and not a feature: for
    /// keeping one cluster from straddling a training and a test split.
    pub clusters: Vec<u32>,
}

/// Which applications get a row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeatureOptions {
    /// Only applications submitted at or after this instant (µs since the epoch, UTC) get a
    /// row; all earlier rows still serve as history.
    pub since_micros: Option<i64>,
}

/// A stage of a long batch run, for progress reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Signals from each application's own row and telemetry.
    OwnSignals,
    /// Building the point-in-time history: the shared-entity and resume indexes.
    History,
    /// Computing each feature row from own signals and history.
    Features,
}

impl Stage {
    /// What the stage does, for a progress line.
    pub fn describe(self) -> &'static str {
        match self {
            Stage::OwnSignals => "computing per-application signals",
            Stage::History => "indexing point-in-time history",
            Stage::Features => "computing feature rows",
        }
    }
}

/// The history both paths query: shared-entity index and resume index.
#[derive(Debug, Default)]
pub(crate) struct History {
    pub(crate) entities: HistoryIndex,
    pub(crate) documents: DocumentIndex,
}

impl History {
    /// Builds the history over the own rows of all applications (slot = position): their keys
    /// from `held`, and the sample keys and resume signatures of `extras`, which move into the
    /// indexes (a held row's queries read them there, with
    /// [`held_row_signals`](Self::held_row_signals) and positions).
    pub(crate) fn build(
        inputs: Vec<HistoryInputs>,
        resumes: Resumes,
        labels: &[(Slot, i64, bool)],
    ) -> History {
        // The inputs are taken apart and dropped first; then the two indexes are built side by
        // side, the document index's mostly serial build filling the entity index's serial
        // stretches (its peak at a million applications is unchanged: 3.11 GB either way). The
        // keys and signatures move into the indexes uncopied.
        let keys: Vec<ApplicationKeys> = inputs.iter().map(|h| h.keys).collect();
        let mut samples: Vec<(Slot, SampleKeys)> =
            Vec::with_capacity(inputs.iter().map(|h| h.sample_keys.len()).sum());
        for (slot, h) in inputs.into_iter().enumerate() {
            samples.extend(h.sample_keys.into_iter().map(|s| (slot as Slot, s)));
        }
        let Resumes { slots, signatures } = resumes;
        let times = slots
            .iter()
            .map(|&s| keys[s as usize].submitted_at)
            .collect();
        let identities = slots.iter().map(|&s| keys[s as usize].identity).collect();
        let (documents, entities) = rayon::join(
            || DocumentIndex::from_documents(slots, times, identities, signatures),
            || HistoryIndex::build_owned(keys, &samples, labels),
        );
        History {
            entities,
            documents,
        }
    }

    /// [`row_signals`](Self::row_signals) of the application held at `slot` with exactly the
    /// telemetry it is held with (the batch path; new rows of a snapshot extension): its
    /// history groups come from its memberships instead of key lookups, and its resume's
    /// near duplicates as `resume` says.
    pub(crate) fn held_row_signals(
        &self,
        signals: &OwnSignals,
        slot: Slot,
        resume: HeldResume<'_>,
        scratch: &mut DocumentQueryScratch,
    ) -> RowSignals {
        let keys = self.entities.application(slot);
        let (t, identity) = (keys.submitted_at, keys.identity);
        let documents = match resume {
            HeldResume::InIndex(positions) => self
                .documents
                .query_held(positions, slot, t, identity, scratch),
            HeldResume::Signature(sig) => {
                sig.map(|sig| self.documents.query_with(sig, t, identity, scratch))
            }
        };
        RowSignals {
            own: *signals,
            history: self.entities.query_held(slot),
            documents,
        }
    }

    /// The signals of one application (`slot` when the history holds it).
    pub(crate) fn row_signals(
        &self,
        own: &OwnRow,
        slot: Option<Slot>,
        scratch: &mut DocumentQueryScratch,
    ) -> RowSignals {
        let history = self.entities.query(&HistoryQuery {
            slot,
            keys: own.keys,
            samples: &own.sample_keys,
        });
        let documents = own.resume.as_ref().map(|sig| {
            self.documents
                .query_with(sig, own.keys.submitted_at, own.keys.identity, scratch)
        });
        RowSignals {
            own: own.signals,
            history,
            documents,
        }
    }
}

/// How [`History::held_row_signals`] finds a held application's resume.
#[derive(Clone, Copy)]
pub(crate) enum HeldResume<'a> {
    /// In the document index, through positions taken after its last insert.
    InIndex(&'a HeldPositions),
    /// This signature (`None`: the application has none).
    Signature(Option<&'a ResumeSignature>),
}

/// What the history takes in of one application's own row: its keys (which move into the
/// index) and its sample keys (dropped once the index is built).
#[derive(Debug, Clone)]
pub(crate) struct HistoryInputs {
    pub(crate) keys: ApplicationKeys,
    pub(crate) sample_keys: Vec<SampleKeys>,
}

/// The validated inputs read as own rows, plus the labels by slot, as arrays by slot: what
/// feature rows read (`own`) stays, what only the history takes in (sample keys and resume
/// signatures) is dropped once it is built.
pub(crate) struct Prepared {
    pub(crate) ids: Ids,
    pub(crate) submitted_at: Vec<i64>,
    /// The own signals, which feature rows read, encoded ([`OwnStore`]).
    pub(crate) own: OwnStore,
    pub(crate) history: Vec<HistoryInputs>,
    pub(crate) resumes: Resumes,
    pub(crate) labels: Vec<(Slot, i64, bool)>,
}

/// The resume signatures of the applications that have one: their slots (ascending) and
/// signatures, as the document index takes them.
#[derive(Debug, Default)]
pub(crate) struct Resumes {
    pub(crate) slots: Vec<Slot>,
    pub(crate) signatures: Vec<ResumeSignature>,
}

/// Step one over validated tables the caller keeps: [`prepare_owned`] on a clone of the frames
/// (which shares their buffers, so nothing is copied and the caller's tables stay whole).
pub(crate) fn prepare(raw: &RawFrames, refs: &References) -> Result<Prepared, FeatureError> {
    prepare_owned(raw.clone(), refs).map(|(prepared, _)| prepared)
}

/// [`prepare`] taking the tables by value, so that the largest columns are dropped as soon as
/// they are read for the last time: the telemetry table once its rows are grouped by
/// application and held compactly, the applications' `user_agent` (no feature reads it) at
/// once and `resume_text` once the resume signatures are made. The tables are dropped on
/// return.
pub(crate) fn prepare_owned(
    mut raw: RawFrames,
    refs: &References,
) -> Result<(Prepared, IngestReport), FeatureError> {
    let (order, labels) = {
        let cols = ApplicationColumns::new(&raw.applications)?;
        let slot_of = id_map(cols.ids());
        let order = SlotOrder::new(raw.telemetry.as_ref(), &slot_of, cols.len())?;
        (order, labels_by_slot(raw.labels.as_ref(), &slot_of)?)
    };
    // The telemetry is held compactly from here on; the table goes.
    let telemetry = TelemetryBySlot::from_order(raw.telemetry.take().as_ref(), order)?;
    prepare_with_telemetry(raw, telemetry, labels, refs)
}

/// Step one over the applications of `raw` (its telemetry already in `telemetry`, its labels in
/// `labels`), dropping the largest columns as soon as they are read for the last time.
fn prepare_with_telemetry(
    mut raw: RawFrames,
    telemetry: TelemetryBySlot,
    labels: Vec<(Slot, i64, bool)>,
    refs: &References,
) -> Result<(Prepared, IngestReport), FeatureError> {
    raw.labels = None;
    if raw.applications.column("user_agent").is_ok() {
        raw.applications.drop_in_place("user_agent")?;
    }
    let resumes = resume_signatures(&ApplicationColumns::new(&raw.applications)?);
    raw.applications.drop_in_place("resume_text")?;
    let (own, history) = {
        let cols = ApplicationColumns::new(&raw.applications)?;
        own_rows_in_blocks(&cols, &telemetry, refs)?
    };
    // The telemetry, then every column but the ids, go before the ids are copied out: this is
    // where step one holds the most.
    drop(telemetry);
    let ids = {
        let applications = std::mem::replace(&mut raw.applications, DataFrame::empty());
        let column = applications.column("application_id")?.str()?.clone();
        drop(applications);
        Ids::new(&column)
    };
    Ok((
        Prepared {
            ids,
            submitted_at: history.iter().map(|h| h.keys.submitted_at).collect(),
            own,
            history,
            resumes,
            labels,
        },
        raw.report,
    ))
}

/// Application ids in one buffer: 14-character ids take 22 bytes each instead of the 40 of a
/// `String` apiece.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    text: String,
    /// Id `i` is `text[ends[i - 1]..ends[i]]`.
    ends: Vec<usize>,
}

impl Ids {
    /// The values of `column` (an ingest-validated `application_id`, so never null).
    fn new(column: &StringChunked) -> Ids {
        let bytes = column
            .downcast_iter()
            .flat_map(|a| a.values_iter())
            .map(str::len)
            .sum();
        let mut ids = Ids {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(column.len()),
        };
        for id in column.iter() {
            ids.text.push_str(id.unwrap_or_default());
            ids.ends.push(ids.text.len());
        }
        ids
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Id `i` (below [`len`](Self::len)).
    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// The resume signatures of the applications of `cols`, made in parallel a block of rows at a
/// time, so that only the signatures themselves are ever held (not one `Option` per row
/// besides).
fn resume_signatures(cols: &ApplicationColumns<'_>) -> Resumes {
    const BLOCK: usize = 1 << 16;
    let n = cols.len();
    // Capacity for every row: pages past the last signature are never touched, so they cost
    // address space, not memory.
    let mut resumes = Resumes {
        slots: Vec::with_capacity(n),
        signatures: Vec::with_capacity(n),
    };
    for start in (0..n).step_by(BLOCK) {
        let block: Vec<Option<ResumeSignature>> = (start..n.min(start + BLOCK))
            .into_par_iter()
            .map_init(ShingleScratch::default, |scratch, i| {
                cols.resume_text(i)
                    .and_then(|text| resume_signature(text, scratch))
            })
            .collect();
        for (i, sig) in (start..).zip(block) {
            if let Some(sig) = sig {
                resumes.slots.push(i as Slot);
                resumes.signatures.push(sig);
            }
        }
    }
    resumes
}

/// Step one over every application of `cols` (read without resumes) with the grouped
/// telemetry: the own signals, encoded, and what the history takes in.
fn own_rows_in_blocks(
    cols: &ApplicationColumns<'_>,
    telemetry: &TelemetryBySlot,
    refs: &References,
) -> Result<(OwnStore, Vec<HistoryInputs>), FeatureError> {
    // A block of rows at a time, so that only one block's own signals are ever held decoded.
    let n = cols.len();
    let mut own = OwnStore::default();
    let mut history = Vec::with_capacity(n);
    let (mut signals, mut inputs) = (Vec::new(), Vec::new());
    for start in (0..n).step_by(OWN_BLOCK_ROWS) {
        let rows = start..n.min(start + OWN_BLOCK_ROWS);
        // Both vectors are emptied first.
        own_rows_split(cols, telemetry, refs, rows, |row| {
            let inputs = HistoryInputs {
                keys: row.keys,
                sample_keys: row.sample_keys,
            };
            (row.signals, inputs)
        })
        .unzip_into_vecs(&mut signals, &mut inputs);
        own.push_block(&signals)?;
        history.append(&mut inputs);
    }
    Ok((own, history))
}

/// Step one for every row of `cols`, row `i` with the telemetry of slot `i`, in parallel. Each
/// worker builds one application's samples at a time into its own buffer.
pub(crate) fn own_rows(
    cols: &ApplicationColumns<'_>,
    telemetry: &TelemetryBySlot,
    refs: &References,
) -> Vec<OwnRow> {
    own_rows_split(cols, telemetry, refs, 0..cols.len(), |row| row).collect()
}

/// [`own_rows`] for the rows `rows`, each row passed through `split` as it is made (so a
/// caller can keep its parts in separate arrays without first holding every whole row).
fn own_rows_split<'s, 'a: 's, T: Send>(
    cols: &'s ApplicationColumns<'a>,
    telemetry: &'s TelemetryBySlot,
    refs: &'s References,
    rows: std::ops::Range<usize>,
    split: impl Fn(OwnRow) -> T + Sync + Send + 's,
) -> impl IndexedParallelIterator<Item = T> + 's {
    rows.into_par_iter().map_init(
        || (OwnScratch::default(), Vec::<TelemetrySample<'s>>::new()),
        move |(scratch, samples), i| {
            telemetry.samples_into(i, samples);
            split(own_signals(&cols.row(i), samples, refs, scratch))
        },
    )
}

/// Builds the feature frame of validated inputs `raw` with reference tables `refs`. Rows keep
/// the order of `applications`; with [`FeatureOptions::since_micros`] only the applications at
/// or after it are written, the earlier ones serving as history.
pub fn build_feature_frame(
    raw: &RawFrames,
    refs: &References,
    options: FeatureOptions,
    progress: &dyn Fn(Stage),
) -> Result<FeatureFrame, FeatureError> {
    progress(Stage::OwnSignals);
    let prepared = prepare(raw, refs)?;
    frame_of_prepared(prepared, raw.report.clone(), options, progress)
}

/// Steps two and three of [`build_feature_frame`], once the tables are no longer needed.
fn frame_of_prepared(
    mut prepared: Prepared,
    report: IngestReport,
    options: FeatureOptions,
    progress: &dyn Fn(Stage),
) -> Result<FeatureFrame, FeatureError> {
    let plan = RowPlan::new(&mut prepared, options, progress);
    let clusters = plan
        .selected
        .iter()
        .map(|&i| plan.history.entities.cluster(i as Slot))
        .collect();
    let frame = plan.columns(&prepared, &plan.selected)?;
    Ok(FeatureFrame {
        frame,
        feature_set: feature_set(),
        report,
        clusters,
    })
}

/// Step two done (the history built over every own row), with the rows to write.
struct RowPlan {
    history: History,
    positions: HeldPositions,
    /// The positions of the applications that get a row, in input order.
    selected: Vec<usize>,
}

impl RowPlan {
    fn new(prepared: &mut Prepared, options: FeatureOptions, progress: &dyn Fn(Stage)) -> Self {
        progress(Stage::History);
        let mut history = History::build(
            std::mem::take(&mut prepared.history),
            std::mem::take(&mut prepared.resumes),
            &prepared.labels,
        );
        // Nothing is appended to this history, and its documents are asked about through
        // positions: what only appends and queries by signature read goes first.
        history.entities.drop_append_state();
        history.documents.drop_band_maps();
        progress(Stage::Features);
        let selected = (0..prepared.own.len())
            .filter(|&i| {
                options
                    .since_micros
                    .is_none_or(|since| prepared.submitted_at[i] >= since)
            })
            .collect();
        let positions = history.documents.held_positions();
        RowPlan {
            history,
            positions,
            selected,
        }
    }

    /// Computes the selected rows `block_rows` at a time, in order, and hands each block with
    /// the position of its first row to `on_block`, until it breaks or fails. The own signals
    /// of the rows computed are given back as it goes: nothing reads them again.
    fn for_each_block<E: From<FeatureError>>(
        &self,
        prepared: &mut Prepared,
        block_rows: usize,
        mut on_block: impl FnMut(DataFrame, usize) -> Result<ControlFlow<()>, E>,
    ) -> Result<(), E> {
        let block_rows = block_rows.max(1);
        for (k, rows) in self.selected.chunks(block_rows).enumerate() {
            let frame = self.columns(prepared, rows)?;
            prepared
                .own
                .release_before(rows.last().map_or(0, |r| r + 1));
            if on_block(frame, k * block_rows)?.is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The feature frame of the applications at positions `rows`.
    fn columns(&self, prepared: &Prepared, rows: &[usize]) -> Result<DataFrame, FeatureError> {
        let ids: Vec<&str> = rows.iter().map(|&i| prepared.ids.get(i)).collect();
        let times: Vec<i64> = rows.iter().map(|&i| prepared.submitted_at[i]).collect();
        feature_columns(&ids, times, |k, scratch| {
            let i = rows[k];
            Ok(self.history.held_row_signals(
                &prepared.own.get(i)?,
                i as Slot,
                HeldResume::InIndex(&self.positions),
                scratch,
            ))
        })
    }
}

/// Rows per Parquet row group when features are written as they are computed
/// ([`write_features_from_data_dir`]): 110 columns of 64Ki rows are 28 MiB of values.
const WRITE_BLOCK_ROWS: usize = 1 << 16;

/// What [`write_features_from_data_dir`] wrote.
#[derive(Debug, Clone)]
pub struct WrittenFeatures {
    /// Rows written.
    pub rows: usize,
    /// The features of the file's columns, in column order.
    pub feature_set: FeatureSet,
    /// What ingest found questionable in the input.
    pub report: IngestReport,
}

/// [`features_from_data_dir`] written straight to the Parquet file `out`, block by block as
/// rows are computed, so the whole frame is never held: one row group per 65,536 rows. The
/// values are those of [`features_from_data_dir`], bit for bit. The file is written
/// atomically, as [`write_feature_frame`] does.
///
/// # Errors
///
/// Those of [`features_from_data_dir`], and [`FeatureError::Write`] naming `out`.
pub fn write_features_from_data_dir(
    dir: &Path,
    options: FeatureOptions,
    out: &Path,
    progress: &dyn Fn(DirProgress<'_>),
) -> Result<WrittenFeatures, FeatureError> {
    write_features_in_blocks(dir, options, out, progress, WRITE_BLOCK_ROWS)
}

/// [`write_features_from_data_dir`] with `block_rows` rows per row group.
fn write_features_in_blocks(
    dir: &Path,
    options: FeatureOptions,
    out: &Path,
    progress: &dyn Fn(DirProgress<'_>),
    block_rows: usize,
) -> Result<WrittenFeatures, FeatureError> {
    let (mut prepared, report) = prepared_from_dir(dir, progress)?;
    let plan = RowPlan::new(&mut prepared, options, &|stage| {
        progress(DirProgress::Stage(stage))
    });
    let mut failure = None;
    write_atomically(out, |file| {
        let mut empty = plan
            .columns(&prepared, &[])
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        if plan.selected.is_empty() {
            return ParquetWriter::new(file)
                .finish(&mut empty)
                .map(drop)
                .map_err(std::io::Error::other);
        }
        let mut writer = ParquetWriter::new(file)
            .batched(empty.schema())
            .map_err(std::io::Error::other)?;
        // Block k is encoded and written on a thread of its own while block k + 1 is computed
        // on every core; at most one computed block waits for the writer.
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel::<DataFrame>(1);
            let writing = scope.spawn(move || -> std::io::Result<_> {
                for block in receive {
                    writer.write_batch(&block).map_err(std::io::Error::other)?;
                }
                writer.finish().map(drop).map_err(std::io::Error::other)
            });
            let computed = plan.for_each_block(&mut prepared, block_rows, |block, _| {
                // A failed send: the writer stopped on an error, which its result carries.
                Ok::<_, FeatureError>(match send.send(block) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(_) => ControlFlow::Break(()),
                })
            });
            drop(send);
            let written = writing
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the Parquet writer panicked")));
            computed.map_err(|e| {
                failure = Some(e);
                std::io::Error::other("feature rows failed")
            })?;
            written
        })
    })
    .map_err(|e| match failure.take() {
        Some(e) => e,
        None => FeatureError::Write {
            file: out.to_path_buf(),
            reason: e.to_string(),
        },
    })?;
    Ok(WrittenFeatures {
        rows: plan.selected.len(),
        feature_set: feature_set(),
        report,
    })
}

/// One block of rows of [`for_each_feature_block`].
#[derive(Debug)]
pub struct FeatureBlock {
    /// The block's rows, as [`FeatureFrame::frame`] has them (same columns, same order).
    pub frame: DataFrame,
    /// The position of the block's first row among all the rows of the run.
    pub first_row: usize,
    /// Rows of the whole run (every block's together).
    pub total_rows: usize,
}

/// What [`for_each_feature_block`] computed, besides its blocks.
#[derive(Debug, Clone)]
pub struct FeatureBlocks {
    /// Rows handed over, in all blocks.
    pub rows: usize,
    /// The features of the blocks' feature columns, in column order.
    pub feature_set: FeatureSet,
    /// What ingest found questionable in the input.
    pub report: IngestReport,
}

/// [`features_from_data_dir`] handed over `block_rows` rows at a time, in order, so that the
/// whole frame is never held: for a consumer that needs no more than a block at once (scoring
/// writes each application's score, not its features). The rows and values are those of
/// [`features_from_data_dir`], bit for bit. At least one block is handed over, empty when no
/// application gets a row, so that the consumer sees the columns.
///
/// # Errors
///
/// Those of [`features_from_data_dir`], and the first error `on_block` returns, which stops
/// the run.
pub fn for_each_feature_block<E: From<FeatureError>>(
    dir: &Path,
    options: FeatureOptions,
    block_rows: usize,
    progress: &dyn Fn(DirProgress<'_>),
    on_block: &mut dyn FnMut(FeatureBlock) -> Result<(), E>,
) -> Result<FeatureBlocks, E> {
    let (mut prepared, report) = prepared_from_dir(dir, progress)?;
    let plan = RowPlan::new(&mut prepared, options, &|stage| {
        progress(DirProgress::Stage(stage))
    });
    let total_rows = plan.selected.len();
    if total_rows == 0 {
        on_block(FeatureBlock {
            frame: plan.columns(&prepared, &[])?,
            first_row: 0,
            total_rows,
        })?;
    }
    plan.for_each_block(&mut prepared, block_rows, |frame, first_row| {
        on_block(FeatureBlock {
            frame,
            first_row,
            total_rows,
        })
        .map(|()| ControlFlow::Continue(()))
    })?;
    Ok(FeatureBlocks {
        rows: total_rows,
        feature_set: feature_set(),
        report,
    })
}

/// The feature frame of `ids` (submitted at `times`): `application_id`, `submitted_at`, then
/// one column per feature, row `k` from `signals(k, scratch)`, computed in parallel; the first
/// error `signals` returns, if any.
pub(crate) fn feature_columns(
    ids: &[&str],
    times: Vec<i64>,
    signals: impl Fn(usize, &mut DocumentQueryScratch) -> Result<RowSignals, FeatureError> + Sync,
) -> Result<DataFrame, FeatureError> {
    let width = CATALOG.len();
    // Column-major output, filled block by block: a block's rows are computed into one small
    // row buffer and scattered into that block's slice of every column (a block's slices stay
    // in cache), so no full-size row-major copy is ever transposed.
    const BLOCK: usize = 2048;
    let m = ids.len();
    let mut values: Vec<Vec<f32>> = (0..width).map(|_| vec![0f32; m]).collect();
    let mut blocks: Vec<Vec<&mut [f32]>> = (0..m.div_ceil(BLOCK))
        .map(|_| Vec::with_capacity(width))
        .collect();
    for column in &mut values {
        for (block, chunk) in blocks.iter_mut().zip(column.chunks_mut(BLOCK)) {
            block.push(chunk);
        }
    }
    blocks
        .into_par_iter()
        .enumerate()
        .try_for_each(|(b, mut columns)| {
            let mut row = vec![0f32; width];
            let mut scratch = DocumentQueryScratch::default();
            for k in b * BLOCK..(b * BLOCK + BLOCK).min(m) {
                write_row(&signals(k, &mut scratch)?, &mut row);
                for (column, v) in columns.iter_mut().zip(&row) {
                    column[k - b * BLOCK] = *v;
                }
            }
            Ok::<(), FeatureError>(())
        })?;
    let mut columns: Vec<Column> = Vec::with_capacity(width + 2);
    columns.push(Column::new("application_id".into(), ids));
    columns.push(
        Int64Chunked::from_vec("submitted_at".into(), times)
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
            .into_column(),
    );
    columns.extend(
        CATALOG
            .iter()
            .zip(values)
            .map(|(feature, col)| Column::new(feature.def.name.as_str().into(), col)),
    );
    Ok(DataFrame::new(m, columns)?)
}

/// What [`features_from_data_dir`] reports while it runs, in this order.
#[derive(Debug, Clone, Copy)]
pub enum DirProgress<'a> {
    /// The tables were read and validated: their row counts and the [`IngestReport`] can be
    /// shown before the long feature computation starts. The columns no feature reads
    /// (`user_agent`) are validated but not in the frames, and the telemetry may not be
    /// either: it can be streamed instead of held, so its rows are counted apart.
    Ingested {
        /// The validated tables (`telemetry` is `None` when it was streamed).
        frames: &'a RawFrames,
        /// Telemetry rows read and kept (those of known applications).
        telemetry_rows: usize,
    },
    /// A stage of the feature computation starts.
    Stage(Stage),
}

/// Reads and validates the tables of data directory `dir` (without the columns no feature
/// reads, [`UNREAD_BY_FEATURES`]), then its reference files.
pub(crate) fn read_inputs(
    dir: &Path,
    progress: &dyn Fn(DirProgress<'_>),
) -> Result<(RawFrames, References), FeatureError> {
    let raw = read_data_dir_extending(dir, &|_| None, UNREAD_BY_FEATURES)?;
    progress(DirProgress::Ingested {
        frames: &raw,
        telemetry_rows: raw.telemetry.as_ref().map_or(0, DataFrame::height),
    });
    let refs = References::from_data_dir(dir)?;
    Ok((raw, refs))
}

/// The feature frame of the `SCHEMA.md` data directory `dir`: the one path from a directory to
/// features, shared by every command and library that starts from one.
///
/// It reads and validates the tables (ingest; what it found questionable is the returned
/// frame's [`FeatureFrame::report`]), reads the reference files, then builds the frame with
/// `options` as [`build_feature_frame`] does. `progress` hears [`DirProgress::Ingested`] once
/// the tables are read, then each [`DirProgress::Stage`].
///
/// # Errors
///
/// [`FeatureError::Ingest`] naming the file, column and row for a missing, unreadable or
/// invalid table or reference file; [`FeatureError::Internal`] for a failure on data that
/// ingest had accepted.
pub fn features_from_data_dir(
    dir: &Path,
    options: FeatureOptions,
    progress: &dyn Fn(DirProgress<'_>),
) -> Result<FeatureFrame, FeatureError> {
    let (prepared, report) = prepared_from_dir(dir, progress)?;
    frame_of_prepared(prepared, report, options, &|stage| {
        progress(DirProgress::Stage(stage))
    })
}

/// Reads data directory `dir` and runs step one on it, reporting as
/// [`features_from_data_dir`] does; the tables are dropped before returning.
///
/// The telemetry table, the largest, is never held whole: it is read a chunk at a time
/// ([`read_data_dir_streaming`]), each chunk kept only as compact rows.
fn prepared_from_dir(
    dir: &Path,
    progress: &dyn Fn(DirProgress<'_>),
) -> Result<(Prepared, IngestReport), FeatureError> {
    let mut samples = CompactTelemetry::default();
    let mut slots: Vec<Vec<u32>> = Vec::new();
    let (raw, telemetry_rows) = read_data_dir_streaming(
        dir,
        UNREAD_BY_FEATURES,
        TELEMETRY_CHUNK_ROWS,
        &mut |chunk| {
            samples.append(chunk.frame)?;
            slots.push(chunk.slots.to_vec());
            Ok(())
        },
    )?;
    progress(DirProgress::Ingested {
        frames: &raw,
        telemetry_rows,
    });
    let refs = References::from_data_dir(dir)?;
    progress(DirProgress::Stage(Stage::OwnSignals));
    let n = raw.applications.height();
    let order = SlotOrder::from_slots(|| slots.iter().flatten().copied(), n);
    drop(slots);
    let labels = {
        let cols = ApplicationColumns::new(&raw.applications)?;
        labels_by_slot(raw.labels.as_ref(), &id_map(cols.ids()))?
    };
    let telemetry = TelemetryBySlot::from_parts(samples, order);
    // The tables (gigabytes at a million applications) are not needed past step one.
    prepare_with_telemetry(raw, telemetry, labels, &refs)
}

/// Writes `frame` to `path` as Parquet, atomically: a temporary file in the same directory,
/// renamed over `path` only when complete.
pub fn write_feature_frame(frame: &mut DataFrame, path: &Path) -> Result<(), FeatureError> {
    write_parquet_atomically(frame, path).map_err(|e| FeatureError::Write {
        file: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Writes `frame` to the Parquet file `path` atomically: into a temporary file in the same
/// directory (named after `path` and the process id), renamed into place only when complete,
/// so an interrupted run leaves either no file or the previous one intact. On failure the
/// temporary file is removed.
///
/// # Errors
///
/// The I/O or Parquet encoding error, as an [`std::io::Error`].
pub fn write_parquet_atomically(frame: &mut DataFrame, path: &Path) -> std::io::Result<()> {
    write_atomically(path, |file| {
        ParquetWriter::new(file)
            .finish(frame)
            .map(drop)
            .map_err(|e| std::io::Error::other(e.to_string()))
    })
}

/// Runs `write` on a temporary file in the directory of `path` (named after `path` and the
/// process id) and renames it to `path` when `write` succeeds; otherwise removes it.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file path"))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        write(&mut file)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// One application of a data directory as owned records, with its telemetry and labels: what a
/// service replays into a [`crate::HistorySnapshot`], and what parity tests feed the
/// single-application path.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredApplication {
    /// The application row.
    pub application: ApplicationRecord,
    /// The application's telemetry samples, in file order.
    pub telemetry: Vec<TelemetryRecord>,
    /// `(labeled_at, is_fraud)`, in file order.
    pub labels: Vec<(i64, bool)>,
}

/// Every application of validated tables `raw`, in `applications` row order.
pub fn stored_applications(raw: &RawFrames) -> Result<Vec<StoredApplication>, FeatureError> {
    let cols = ApplicationColumns::new(&raw.applications)?;
    let n = cols.len();
    let slot_of = id_map(cols.ids());
    let telemetry = TelemetryBySlot::new(raw.telemetry.as_ref(), &slot_of, n)?;
    let mut out: Vec<StoredApplication> = (0..n)
        .map(|i| StoredApplication {
            application: cols.row(i).into(),
            telemetry: telemetry
                .samples_of(i)
                .into_iter()
                .map(Into::into)
                .collect(),
            labels: Vec::new(),
        })
        .collect();
    for (slot, at, fraud) in labels_by_slot(raw.labels.as_ref(), &slot_of)? {
        out[slot as usize].labels.push((at, fraud));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample")
    }

    /// Every value of `a` and `b` equal, feature values bit for bit (`NaN` = missing included).
    fn assert_bit_equal(a: &DataFrame, b: &DataFrame) {
        assert_eq!(a.schema(), b.schema());
        assert_eq!(a.height(), b.height());
        for (x, y) in a.columns().iter().zip(b.columns()) {
            if let (Ok(x), Ok(y)) = (x.f32(), y.f32()) {
                let bits = |c: &Float32Chunked| -> Vec<Option<u32>> {
                    c.iter().map(|v| v.map(f32::to_bits)).collect()
                };
                assert_eq!(bits(x), bits(y), "column {}", x.name());
            } else {
                assert!(x.equals_missing(y), "column {}", x.name());
            }
        }
    }

    fn read(path: &Path) -> DataFrame {
        ParquetReader::new(std::fs::File::open(path).expect("written"))
            .finish()
            .expect("readable")
    }

    /// The block-wise writer against the whole frame of the same directory (the reference):
    /// 20,000 sample rows in blocks of 3,000 (the last one partial), a `--since` subset, and
    /// no row at all.
    #[test]
    fn written_blocks_equal_the_whole_frame() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("features.parquet");
        let since = FeatureOptions {
            since_micros: Some(1_740_000_000_000_000),
        };
        let never = FeatureOptions {
            since_micros: Some(i64::MAX),
        };
        let mut heights = Vec::new();
        for options in [FeatureOptions::default(), since, never] {
            let whole = features_from_data_dir(&sample_dir(), options, &|_| {}).expect("frame");
            let written = write_features_in_blocks(&sample_dir(), options, &out, &|_| {}, 3_000)
                .expect("written");
            assert_eq!(written.rows, whole.frame.height());
            assert_eq!(written.feature_set, whole.feature_set);
            assert_bit_equal(&read(&out), &whole.frame);
            heights.push(written.rows);
        }
        assert_eq!(heights[0], 20_000);
        assert!(heights[1] > 0 && heights[1] < heights[0], "{heights:?}");
        assert_eq!(heights[2], 0);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listable")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(
            leftovers,
            vec![std::ffi::OsString::from("features.parquet")]
        );
    }

    /// The blocks, stacked, are the whole frame of the same directory (the reference), with
    /// and without `--since`; a run without rows hands over one empty block with the columns.
    #[test]
    fn feature_blocks_stack_to_the_whole_frame() {
        for options in [
            FeatureOptions::default(),
            FeatureOptions {
                since_micros: Some(1_740_000_000_000_000),
            },
            FeatureOptions {
                since_micros: Some(i64::MAX),
            },
        ] {
            let whole = features_from_data_dir(&sample_dir(), options, &|_| {}).expect("frame");
            let mut blocks: Vec<FeatureBlock> = Vec::new();
            let summary = for_each_feature_block::<FeatureError>(
                &sample_dir(),
                options,
                3_000,
                &|_| {},
                &mut |block| {
                    blocks.push(block);
                    Ok(())
                },
            )
            .expect("blocks");
            assert_eq!(summary.rows, whole.frame.height());
            assert_eq!(summary.report, whole.report);
            assert_eq!(summary.feature_set, whole.feature_set);
            let mut stacked = blocks[0].frame.clone();
            for b in &blocks[1..] {
                stacked.vstack_mut(&b.frame).expect("same columns");
            }
            assert_bit_equal(&stacked, &whole.frame);
            let firsts: Vec<usize> = blocks.iter().map(|b| b.first_row).collect();
            let expected: Vec<usize> = (0..whole.frame.height().max(1)).step_by(3_000).collect();
            assert_eq!(firsts, expected);
            assert!(blocks.iter().all(|b| b.total_rows == whole.frame.height()));
        }
        // The first error of the consumer stops the run.
        let mut calls = 0;
        let e = for_each_feature_block(
            &sample_dir(),
            FeatureOptions::default(),
            3_000,
            &|_| {},
            &mut |_| {
                calls += 1;
                Err(FeatureError::Internal {
                    reason: "stop".into(),
                })
            },
        )
        .expect_err("stopped");
        assert_eq!(calls, 1);
        assert!(e.to_string().contains("stop"), "{e}");
    }

    /// A file that cannot be written is an error naming it, not a panic.
    #[test]
    fn an_unwritable_output_names_the_file() {
        let out = Path::new("/nonexistent-directory/features.parquet");
        let e =
            write_features_from_data_dir(&sample_dir(), FeatureOptions::default(), out, &|_| {})
                .expect_err("no such directory");
        assert!(
            matches!(&e, FeatureError::Write { file, .. } if file == out),
            "{e}"
        );
    }
}
