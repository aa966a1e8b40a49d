//! The history snapshot file over the built-in sample (`notebooks-data/sample`, 20,000
//! applications): a snapshot built from part of the rows, saved, loaded and extended with the
//! rest, gives every application the features of the batch run over all rows, whichever rows
//! each part holds and in whatever order the extensions arrive; and a damaged or foreign file
//! is refused before anything is decoded.
//!
//! Reference for every value: the batch frame of the whole sample ([`build_feature_frame`]).
//! Tolerance: exact equality of the f32 bits (NaN where NaN); the same code computes both
//! sides, so any difference is a bug in how the snapshot stores or extends the history.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use appfraud_core::primitives::SplitMix64;
use appfraud_features::{
    FeatureError, FeatureFrame, FeatureOptions, HistorySnapshot, RawFrames, References,
    SnapshotFileError, StoredApplication, TelemetryRecord, build_feature_frame, feature_set,
    read_data_dir, stored_applications,
};
use polars::prelude::*;

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample")
}

struct Sample {
    raw: RawFrames,
    batch: FeatureFrame,
    stored: Vec<StoredApplication>,
}

static SAMPLE: LazyLock<Sample> = LazyLock::new(|| {
    let raw = read_data_dir(&sample_dir()).expect("sample reads");
    let refs = References::from_data_dir(&sample_dir()).expect("sample references read");
    let batch = build_feature_frame(&raw, &refs, FeatureOptions::default(), &|_| {})
        .expect("batch features");
    let stored = stored_applications(&raw).expect("records");
    Sample { raw, batch, stored }
});

/// Row `i` of a feature frame's feature columns, as bits (NaN compares equal to itself).
fn row_bits(frame: &DataFrame, i: usize) -> Vec<u32> {
    frame.columns()[2..]
        .iter()
        .map(|c| c.f32().unwrap().get(i).unwrap().to_bits())
        .collect()
}

fn ids(frame: &DataFrame) -> Vec<String> {
    frame
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .map(str::to_owned)
        .collect()
}

/// Which part of a split each row goes to.
struct Split {
    applications: Vec<usize>,
    telemetry: Vec<usize>,
    labels: Vec<usize>,
}

fn take(df: &DataFrame, rows: &[usize]) -> DataFrame {
    let idx = IdxCa::from_vec("idx".into(), rows.iter().map(|&r| r as IdxSize).collect());
    df.take(&idx).unwrap()
}

/// Writes the rows of `split` as a data directory (with the sample's reference files when
/// `with_references`).
fn write_dir(dir: &Path, split: &Split, with_references: bool) {
    std::fs::create_dir_all(dir).unwrap();
    let raw = &SAMPLE.raw;
    let write = |name: &str, mut df: DataFrame| {
        let file = std::fs::File::create(dir.join(format!("{name}.parquet"))).unwrap();
        ParquetWriter::new(file).finish(&mut df).unwrap();
    };
    write("applications", take(&raw.applications, &split.applications));
    write(
        "telemetry",
        take(raw.telemetry.as_ref().unwrap(), &split.telemetry),
    );
    write("labels", take(raw.labels.as_ref().unwrap(), &split.labels));
    if with_references {
        let reference = dir.join("reference");
        std::fs::create_dir_all(&reference).unwrap();
        for f in ["ip_ranges.csv", "high_risk_institutions.csv"] {
            std::fs::copy(sample_dir().join("reference").join(f), reference.join(f)).unwrap();
        }
    }
}

/// The application row of every telemetry row and label of the sample.
fn owners() -> (Vec<usize>, Vec<usize>) {
    let raw = &SAMPLE.raw;
    let index: std::collections::HashMap<&str, usize> = SAMPLE
        .stored
        .iter()
        .enumerate()
        .map(|(i, a)| (a.application.application_id.as_str(), i))
        .collect();
    let of = |df: &DataFrame| -> Vec<usize> {
        df.column("application_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .map(|id| index[id])
            .collect()
    };
    (
        of(raw.telemetry.as_ref().unwrap()),
        of(raw.labels.as_ref().unwrap()),
    )
}

/// Splits the sample into `parts` directories: application `i` goes to `part_of_app(i)`; a
/// telemetry row or label goes to `part_of_row(owner part, row)`, which must not be an
/// earlier part than its application's.
fn split(
    parts: usize,
    part_of_app: impl Fn(usize) -> usize,
    part_of_row: impl Fn(usize, u64) -> usize,
) -> Vec<Split> {
    let (tel_owner, label_owner) = owners();
    let mut out: Vec<Split> = (0..parts)
        .map(|_| Split {
            applications: Vec::new(),
            telemetry: Vec::new(),
            labels: Vec::new(),
        })
        .collect();
    for i in 0..SAMPLE.stored.len() {
        out[part_of_app(i)].applications.push(i);
    }
    for (row, &owner) in tel_owner.iter().enumerate() {
        let p = part_of_row(part_of_app(owner), row as u64).max(part_of_app(owner));
        out[p].telemetry.push(row);
    }
    for (row, &owner) in label_owner.iter().enumerate() {
        let p = part_of_row(part_of_app(owner), (row as u64) << 32).max(part_of_app(owner));
        out[p].labels.push(row);
    }
    out
}

fn samples(records: &[TelemetryRecord]) -> Vec<appfraud_features::TelemetrySample<'_>> {
    records.iter().map(TelemetryRecord::view).collect()
}

/// Every application's features from the single-application path of `snapshot` equal the
/// batch row over the whole sample.
fn assert_every_application_matches_batch(snapshot: &HistorySnapshot, what: &str) {
    let batch = &SAMPLE.batch.frame;
    assert_eq!(
        snapshot.len(),
        SAMPLE.stored.len(),
        "{what}: applications held"
    );
    for (i, a) in SAMPLE.stored.iter().enumerate() {
        let got: Vec<u32> = snapshot
            .features(&a.application.view(), &samples(&a.telemetry))
            .iter()
            .map(|v| v.to_bits())
            .collect();
        assert_eq!(got, row_bits(batch, i), "{what}: application row {i}");
    }
}

fn submitted(i: usize) -> i64 {
    SAMPLE.stored[i].application.submitted_at
}

/// The median submission time: the cut of the time-ordered splits.
fn median_time() -> i64 {
    let mut t: Vec<i64> = (0..SAMPLE.stored.len()).map(submitted).collect();
    t.sort_unstable();
    t[t.len() / 2]
}

#[test]
fn build_then_features_of_new_rows_equal_the_full_run() {
    let tmp = tempfile::tempdir().unwrap();
    let cut = median_time();
    // Time order: everything before the cut is history; the new directory holds the later
    // applications and the later sessions and labels of held ones.
    let parts = split(
        2,
        |i| usize::from(submitted(i) >= cut),
        |owner_part, _| owner_part,
    );
    write_dir(&tmp.path().join("history"), &parts[0], true);
    write_dir(&tmp.path().join("new"), &parts[1], false);
    let built = HistorySnapshot::from_data_dir(&tmp.path().join("history")).unwrap();
    let file = tmp.path().join("history.snapshot");
    let size = built.save(&file).unwrap();
    assert_eq!(
        size,
        std::fs::metadata(&file).unwrap().len(),
        "reported size"
    );

    let frame = appfraud_features::features_with_snapshot(
        &file,
        &tmp.path().join("new"),
        FeatureOptions::default(),
        &|_| {},
    )
    .unwrap();
    let batch = &SAMPLE.batch.frame;
    let batch_row: std::collections::HashMap<String, usize> = ids(batch)
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    let new_ids = ids(&frame.frame);
    assert_eq!(
        new_ids.len(),
        parts[1].applications.len(),
        "one row per new application"
    );
    for (k, id) in new_ids.iter().enumerate() {
        assert_eq!(
            row_bits(&frame.frame, k),
            row_bits(batch, batch_row[id]),
            "new application {id}"
        );
    }
    assert_eq!(frame.feature_set, feature_set());
}

#[test]
fn updates_in_time_order_and_shuffled_equal_the_full_run_for_every_application() {
    let tmp = tempfile::tempdir().unwrap();
    let n = SAMPLE.stored.len();
    // Four parts. Applications go to a random part (so a later part holds applications older
    // than earlier parts' ones); each session and label goes to its application's part or a
    // random later one.
    let mut rng = SplitMix64::new(7);
    let app_part: Vec<usize> = (0..n).map(|_| (rng.next_u64() % 4) as usize).collect();
    let parts = split(
        4,
        |i| app_part[i],
        |owner_part, row| {
            let r = SplitMix64::new(row).next_u64();
            owner_part + (r % (4 - owner_part as u64)) as usize
        },
    );
    for (p, part) in parts.iter().enumerate() {
        write_dir(&tmp.path().join(format!("part{p}")), part, p == 0);
    }
    let file = tmp.path().join("s.snapshot");
    HistorySnapshot::from_data_dir(&tmp.path().join("part0"))
        .unwrap()
        .save(&file)
        .unwrap();
    for p in 1..4 {
        let mut s = HistorySnapshot::load(&file).unwrap();
        s.extend_from_data_dir(&tmp.path().join(format!("part{p}")), &|_| {})
            .unwrap();
        s.save(&file).unwrap();
    }
    let in_order = HistorySnapshot::load(&file).unwrap();
    assert_every_application_matches_batch(&in_order, "parts 1, 2, 3");

    // The same parts appended in another order: 3, 1, 2. A part's telemetry and labels may
    // name applications of a part not yet appended only when that part comes first, so this
    // order uses parts whose rows name only part 0 or themselves: rebuild them that way.
    let parts = split(4, |i| app_part[i], |owner_part, _| owner_part);
    for (p, part) in parts.iter().enumerate() {
        write_dir(&tmp.path().join(format!("own{p}")), part, p == 0);
    }
    let mut s = HistorySnapshot::from_data_dir(&tmp.path().join("own0")).unwrap();
    for p in [3, 1, 2] {
        s.extend_from_data_dir(&tmp.path().join(format!("own{p}")), &|_| {})
            .unwrap();
    }
    assert_every_application_matches_batch(&s, "parts 3, 1, 2 (out of time order)");
}

#[test]
fn an_application_already_held_is_refused_with_its_row() {
    let tmp = tempfile::tempdir().unwrap();
    let parts = split(2, |i| usize::from(i >= 100), |p, _| p);
    write_dir(&tmp.path().join("a"), &parts[0], true);
    let mut s = HistorySnapshot::from_data_dir(&tmp.path().join("a")).unwrap();
    // The same 100 applications again, after 5 new ones.
    let again = Split {
        applications: (100..105).chain(0..100).collect(),
        telemetry: Vec::new(),
        labels: Vec::new(),
    };
    write_dir(&tmp.path().join("again"), &again, false);
    let held = s.len();
    let err = s
        .extend_from_data_dir(&tmp.path().join("again"), &|_| {})
        .unwrap_err();
    assert_eq!(
        s.len(),
        held,
        "a refused extension leaves the snapshot unchanged"
    );
    assert!(
        matches!(err, FeatureError::HeldApplication { row: 5, .. }),
        "{err}"
    );
    assert!(err.is_user_error());
}

/// Rewrites the trailing XXH3-128 of a snapshot after an edit, as a careful forger would.
fn reseal(bytes: &mut [u8]) {
    let body = bytes.len() - 16;
    let digest = xxhash_rust::xxh3::xxh3_128(&bytes[..body]);
    bytes[body..].copy_from_slice(&digest.to_le_bytes());
}

#[test]
fn damaged_foreign_and_mismatched_files_are_refused_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let parts = split(2, |i| usize::from(i >= 300), |p, _| p);
    write_dir(&tmp.path().join("a"), &parts[0], true);
    let file = tmp.path().join("good.snapshot");
    HistorySnapshot::from_data_dir(&tmp.path().join("a"))
        .unwrap()
        .save(&file)
        .unwrap();
    let good = std::fs::read(&file).unwrap();
    assert!(HistorySnapshot::load(&file).is_ok());

    let refused = |name: &str, bytes: &[u8]| -> SnapshotFileError {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        match HistorySnapshot::load(&path) {
            Err(FeatureError::Snapshot { file, problem }) => {
                assert_eq!(file, path, "{name}: the error names the file");
                problem
            }
            other => panic!("{name}: expected a refused snapshot, got {other:?}"),
        }
    };
    // One flipped bit anywhere in the payload.
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x10;
    assert_eq!(refused("flipped", &flipped), SnapshotFileError::Checksum);
    // Truncated.
    assert_eq!(
        refused("truncated", &good[..good.len() - 1000]),
        SnapshotFileError::Checksum
    );
    assert_eq!(
        refused("tiny", &good[..40]),
        SnapshotFileError::NotASnapshot
    );
    // A section table pointing outside the file, resealed.
    let mut table = good.clone();
    let at = table.len() - 16 - 4 - 8;
    table[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    reseal(&mut table);
    assert!(matches!(
        refused("table", &table),
        SnapshotFileError::Decode { .. }
    ));
    // Foreign files.
    assert_eq!(
        refused(
            "parquet",
            &std::fs::read(sample_dir().join("labels.parquet")).unwrap()
        ),
        SnapshotFileError::NotASnapshot
    );
    assert_eq!(refused("empty", b""), SnapshotFileError::NotASnapshot);
    // Another format version, resealed.
    let mut version = good.clone();
    version[16..20].copy_from_slice(&99u32.to_le_bytes());
    reseal(&mut version);
    assert_eq!(
        refused("version", &version),
        SnapshotFileError::Version {
            found: 99,
            expected: appfraud_features::SNAPSHOT_FORMAT_VERSION
        }
    );
    // Built for another feature set, resealed.
    let mut foreign = good.clone();
    foreign[20..84].copy_from_slice(&[b'0'; 64]);
    reseal(&mut foreign);
    assert!(matches!(
        refused("feature-set", &foreign),
        SnapshotFileError::FeatureSet { .. }
    ));
    // A resealed payload that does not decode.
    let mut garbage = good.clone();
    for b in &mut garbage[84..84 + 64] {
        *b = 0xff;
    }
    reseal(&mut garbage);
    assert!(matches!(
        refused("garbage", &garbage),
        SnapshotFileError::Decode { .. }
    ));
    // A failed save leaves the previous file intact.
    let snapshot = HistorySnapshot::load(&file).unwrap();
    let missing_dir = tmp.path().join("no-such-dir").join("x.snapshot");
    assert!(snapshot.save(&missing_dir).is_err());
    assert_eq!(std::fs::read(&file).unwrap(), good, "untouched");
    assert!(
        std::fs::read_dir(tmp.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")),
        "no temporary file left behind"
    );
}
