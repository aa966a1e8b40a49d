//! The feature pipeline over the built-in sample (`notebooks-data/sample`: 20,000 applications,
//! about 194,000 telemetry rows and 14,000 labels from the synthetic generator, seed 42):
//!
//! - the single-application path equals the batch path for every application, bit for bit
//!   (NaN where NaN), both when the snapshot holds the application and when the application
//!   is new and scored against the history before it, with later applications and labels
//!   appended as time goes on;
//! - point in time: features of every application before a cut are identical whether the
//!   data ends at the cut or goes on (later applications, their telemetry, later labels);
//! - `--since` writes exactly the applications at or after the date, with the same values;
//! - the data-directory entry point (`features_from_data_dir`) is the batch frame of the same
//!   directory, and reports what ingest read before the feature stages;
//! - every feature declared never-missing is never NaN, and rows in = rows out.
//!
//! Tolerance everywhere: exact equality of the f32 bits (the same code computes both sides).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use appfraud_core::MissingPolicy;
use appfraud_features::{
    DirProgress, FeatureError, FeatureFrame, FeatureOptions, HistorySnapshot, IngestError,
    RawFrames, References, Stage, StoredApplication, TelemetryRecord, build_feature_frame,
    features_from_data_dir, read_data_dir, stored_applications,
};
use polars::prelude::*;

/// Applications in the built-in sample (its README).
const SAMPLE_APPLICATIONS: usize = 20_000;

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample")
}

struct Sample {
    raw: RawFrames,
    refs: References,
    batch: FeatureFrame,
    stored: Vec<StoredApplication>,
}

static SAMPLE: LazyLock<Sample> = LazyLock::new(|| {
    let raw = read_data_dir(&sample_dir()).expect("sample reads");
    let refs = References::from_data_dir(&sample_dir()).expect("sample references read");
    let batch = build_feature_frame(&raw, &refs, FeatureOptions::default(), &|_| {})
        .expect("batch features");
    let stored = stored_applications(&raw).expect("records");
    Sample {
        raw,
        refs,
        batch,
        stored,
    }
});

/// Row `i` of a feature frame's feature columns.
fn frame_row(frame: &DataFrame, i: usize) -> Vec<f32> {
    frame.columns()[2..]
        .iter()
        .map(|c| c.f32().unwrap().get(i).unwrap())
        .collect()
}

fn all_rows(frame: &DataFrame) -> Vec<Vec<f32>> {
    let cols: Vec<Vec<f32>> = frame.columns()[2..]
        .iter()
        .map(|c| c.f32().unwrap().into_no_null_iter().collect())
        .collect();
    (0..frame.height())
        .map(|i| cols.iter().map(|c| c[i]).collect())
        .collect()
}

fn ids(frame: &DataFrame) -> Vec<String> {
    frame
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect()
}

fn assert_same_bits(a: &[f32], b: &[f32], what: &str) {
    let names = appfraud_features::feature_set();
    for (j, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            "{what}: feature {} differs: {x} vs {y}",
            names.features()[j].name
        );
    }
    assert_eq!(a.len(), b.len());
}

fn samples(t: &[TelemetryRecord]) -> Vec<appfraud_features::TelemetrySample<'_>> {
    t.iter().map(TelemetryRecord::view).collect()
}

#[test]
fn rows_in_equal_rows_out_and_never_missing_features_are_never_nan() {
    let s = &*SAMPLE;
    assert_eq!(s.batch.frame.height(), s.raw.applications.height());
    assert_eq!(ids(&s.batch.frame), {
        let ids: Vec<String> = s
            .stored
            .iter()
            .map(|a| a.application.application_id.clone())
            .collect();
        ids
    });
    let set = appfraud_features::feature_set();
    assert_eq!(s.batch.feature_set, set);
    assert_eq!(s.batch.frame.width(), set.len() + 2);
    let mut constant: Vec<&str> = Vec::new();
    for (j, def) in set.features().iter().enumerate() {
        let col = s.batch.frame.columns()[j + 2].f32().unwrap();
        assert_eq!(col.name().as_str(), def.name);
        let nan = col.into_no_null_iter().filter(|v| v.is_nan()).count();
        if def.missing == MissingPolicy::Never {
            assert_eq!(nan, 0, "{} is declared never-missing", def.name);
        }
        let distinct: std::collections::HashSet<u32> =
            col.into_no_null_iter().map(f32::to_bits).collect();
        if distinct.len() == 1 {
            constant.push(def.name.as_str());
        }
    }
    // The generator only emits the remote tools it knows by name, so "another tool" never
    // fires on its data; every other feature varies (a constant one is a wiring bug).
    assert_eq!(constant, ["remote_tool_other"]);
}

#[test]
fn single_application_path_equals_batch_when_the_snapshot_holds_the_application() {
    let s = &*SAMPLE;
    let snapshot = HistorySnapshot::from_frames(&s.raw, s.refs.clone()).unwrap();
    assert_eq!(snapshot.len(), s.stored.len());
    let rows = all_rows(&s.batch.frame);
    for (i, app) in s.stored.iter().enumerate() {
        let single = snapshot.features(&app.application.view(), &samples(&app.telemetry));
        assert_same_bits(&single, &rows[i], &app.application.application_id);
    }
}

/// Order of events for replaying the sample into a snapshot.
fn by_time(stored: &[StoredApplication]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..stored.len()).collect();
    order.sort_by_key(|&i| (stored[i].application.submitted_at, i));
    order
}

#[test]
fn new_applications_scored_against_the_history_before_them_equal_batch() {
    let s = &*SAMPLE;
    let order = by_time(&s.stored);
    // History: the first 85% of applications (by time) with all their telemetry and the
    // labels known before the cut; then the rest arrive one at a time.
    let cut_index = order.len() * 85 / 100;
    let cut = s.stored[order[cut_index]].application.submitted_at;
    let (early, late): (Vec<usize>, Vec<usize>) = order
        .iter()
        .partition(|&&i| s.stored[i].application.submitted_at < cut);
    let mut snapshot = empty_snapshot(s);
    let mut pending_labels: Vec<(i64, usize, bool)> = Vec::new();
    for &i in &early {
        let a = &s.stored[i];
        let (known, later): (Vec<_>, Vec<_>) = a.labels.iter().partition(|l| l.0 < cut);
        snapshot
            .append(&a.application.view(), &samples(&a.telemetry), &known)
            .unwrap();
        pending_labels.extend(later.iter().map(|l| (l.0, i, l.1)));
    }
    pending_labels.sort_unstable();
    let rows = all_rows(&s.batch.frame);
    let mut next_label = 0;
    let mut k = 0;
    while k < late.len() {
        // Everything strictly before this instant is history: labels known before it, and
        // applications submitted before it (same-instant applications are scored together).
        let t = s.stored[late[k]].application.submitted_at;
        while next_label < pending_labels.len() && pending_labels[next_label].0 < t {
            let (at, i, fraud) = pending_labels[next_label];
            snapshot
                .append_label(&s.stored[i].application.application_id, at, fraud)
                .unwrap();
            next_label += 1;
        }
        let same: Vec<usize> = late[k..]
            .iter()
            .copied()
            .take_while(|&i| s.stored[i].application.submitted_at == t)
            .collect();
        for &i in &same {
            let a = &s.stored[i];
            let single = snapshot.features(&a.application.view(), &samples(&a.telemetry));
            assert_same_bits(&single, &rows[i], &a.application.application_id);
        }
        for &i in &same {
            let a = &s.stored[i];
            snapshot
                .append(&a.application.view(), &samples(&a.telemetry), &[])
                .unwrap();
            pending_labels.extend(a.labels.iter().map(|l| (l.0, i, l.1)));
        }
        pending_labels[next_label..].sort_unstable();
        k += same.len();
    }
    assert!(
        late.len() > 1000,
        "the replay covered {} applications",
        late.len()
    );
}

/// A snapshot with the sample's reference tables and no application.
fn empty_snapshot(s: &Sample) -> HistorySnapshot {
    let empty = RawFrames {
        applications: s.raw.applications.head(Some(0)),
        telemetry: None,
        labels: None,
        report: Default::default(),
    };
    HistorySnapshot::from_frames(&empty, s.refs.clone()).unwrap()
}

/// Keeps the rows of `df` whose `column` (a timestamp) is before `cut`.
fn before(df: &DataFrame, column: &str, cut: i64) -> DataFrame {
    let t = df.column(column).unwrap().to_physical_repr();
    let mask: BooleanChunked = t
        .i64()
        .unwrap()
        .iter()
        .map(|v| v.map(|v| v < cut))
        .collect();
    df.filter(&mask).unwrap()
}

#[test]
fn appending_later_rows_never_changes_earlier_features() {
    // Cut the sample at several instants; the data set "as of the cut" keeps applications
    // submitted before it, all of their telemetry (their own rows), other applications'
    // telemetry dated before it does not exist here (every sample belongs to an application
    // and follows its submission), and labels known before it.
    let s = &*SAMPLE;
    let times: Vec<i64> = {
        let mut t: Vec<i64> = s
            .stored
            .iter()
            .map(|a| a.application.submitted_at)
            .collect();
        t.sort_unstable();
        t
    };
    let full_rows = all_rows(&s.batch.frame);
    let position: std::collections::HashMap<String, usize> = ids(&s.batch.frame)
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    for share in [30, 60, 90] {
        let cut = times[times.len() * share / 100];
        let apps = before(&s.raw.applications, "submitted_at", cut);
        let kept: Vec<String> = ids_of(&apps);
        let keep_mask = |df: &DataFrame| -> BooleanChunked {
            let set: std::collections::HashSet<&str> = kept.iter().map(String::as_str).collect();
            df.column("application_id")
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.map(|v| set.contains(v)))
                .collect()
        };
        let telemetry = s
            .raw
            .telemetry
            .as_ref()
            .map(|t| t.filter(&keep_mask(t)).unwrap());
        let labels = s.raw.labels.as_ref().map(|l| before(l, "labeled_at", cut));
        let early = RawFrames {
            applications: apps,
            telemetry,
            labels,
            report: Default::default(),
        };
        let frame =
            build_feature_frame(&early, &s.refs, FeatureOptions::default(), &|_| {}).unwrap();
        assert!(frame.frame.height() > 1000);
        for (i, id) in ids(&frame.frame).iter().enumerate() {
            assert_same_bits(
                &frame_row(&frame.frame, i),
                &full_rows[position[id]],
                &format!("cut at {share}%: {id}"),
            );
        }
    }
}

fn ids_of(df: &DataFrame) -> Vec<String> {
    df.column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn since_writes_the_later_applications_with_the_same_values() {
    let s = &*SAMPLE;
    let mut times: Vec<i64> = s
        .stored
        .iter()
        .map(|a| a.application.submitted_at)
        .collect();
    times.sort_unstable();
    let since = times[times.len() / 2];
    let later = build_feature_frame(
        &s.raw,
        &s.refs,
        FeatureOptions {
            since_micros: Some(since),
        },
        &|_| {},
    )
    .unwrap();
    let expected: Vec<usize> = (0..s.stored.len())
        .filter(|&i| s.stored[i].application.submitted_at >= since)
        .collect();
    assert_eq!(later.frame.height(), expected.len());
    let full_rows = all_rows(&s.batch.frame);
    for (k, &i) in expected.iter().enumerate() {
        assert_same_bits(&frame_row(&later.frame, k), &full_rows[i], "since");
    }
}

/// What a `features_from_data_dir` run reported, in order: the applications ingest read, or a
/// stage.
#[derive(Debug, PartialEq)]
enum Event {
    Ingested(usize),
    Stage(Stage),
}

fn record(events: &std::sync::Mutex<Vec<Event>>) -> impl Fn(DirProgress<'_>) + '_ {
    move |p| {
        let event = match p {
            DirProgress::Ingested { frames, .. } => Event::Ingested(frames.applications.height()),
            DirProgress::Stage(stage) => Event::Stage(stage),
        };
        events.lock().expect("events").push(event);
    }
}

#[test]
fn the_data_directory_entry_point_is_the_batch_frame_of_the_same_directory() {
    let s = &*SAMPLE;
    let events = std::sync::Mutex::new(Vec::new());
    let frame = features_from_data_dir(&sample_dir(), FeatureOptions::default(), &record(&events))
        .expect("sample features");
    assert!(frame.frame.equals_missing(&s.batch.frame));
    assert_eq!(frame.feature_set, s.batch.feature_set);
    assert_eq!(frame.report, s.raw.report);
    assert_eq!(frame.clusters, s.batch.clusters);
    assert_eq!(
        events.into_inner().expect("events"),
        [
            Event::Ingested(s.raw.applications.height()),
            Event::Stage(Stage::OwnSignals),
            Event::Stage(Stage::History),
            Event::Stage(Stage::Features),
        ]
    );
}

#[test]
fn the_entry_point_reads_the_tables_before_the_reference_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for file in [
        "applications.parquet",
        "telemetry.parquet",
        "labels.parquet",
    ] {
        std::fs::copy(sample_dir().join(file), tmp.path().join(file)).expect("copy");
    }
    let events = std::sync::Mutex::new(Vec::new());
    let err = features_from_data_dir(tmp.path(), FeatureOptions::default(), &record(&events))
        .expect_err("no reference files");
    assert!(
        matches!(
            &err,
            FeatureError::Ingest(IngestError::MissingFile {
                stem: "reference/ip_ranges",
                ..
            })
        ),
        "{err:?}"
    );
    assert!(err.is_user_error());
    assert_eq!(
        events.into_inner().expect("events"),
        [Event::Ingested(SAMPLE_APPLICATIONS)]
    );
}
