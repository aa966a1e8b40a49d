//! `appfraud snapshot build|update` and `--snapshot` on `features` and `score`, end to end on
//! the built-in sample cut in time: the history is everything submitted before the median
//! instant; the new directory holds the later applications and every session and label dated
//! at or after the cut, including those of held applications.
//!
//! Reference for every value: the same command over the whole sample (`features --data`,
//! `score --data`). Tolerance: exact equality (f32 and f64 bits, strings); the same code
//! computes both sides.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{baseline, ok_stderr, read, run, s, sample, strings, usage_error};
use polars::prelude::*;

/// Writes `history/` and `new/` under `root`, cut at the median submission; returns the new
/// applications' ids.
fn cut_sample(root: &Path) -> Vec<String> {
    let cut = common::median_submission(&sample());
    common::cut_data(&sample(), &root.join("history"), &root.join("new"), cut)
}

/// The rows of `frame` by `application_id`.
fn by_id(frame: &DataFrame) -> HashMap<String, usize> {
    strings(frame, "application_id")
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect()
}

#[test]
fn snapshot_runs_equal_full_runs_and_damage_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let new_ids = cut_sample(tmp.path());
    let snap = tmp.path().join("history.snapshot");
    let history = tmp.path().join("history");
    let new = tmp.path().join("new");

    let log = ok_stderr(&run(&[
        "snapshot",
        "build",
        "--data",
        s(&history),
        "--out",
        s(&snap),
    ]));
    assert!(log.contains("wrote"), "{log}");

    // Features of the new rows only, against the snapshot.
    let partial = tmp.path().join("partial.parquet");
    let full = tmp.path().join("full.parquet");
    let log = ok_stderr(&run(&[
        "features",
        "--snapshot",
        s(&snap),
        "--data",
        s(&new),
        "--out",
        s(&partial),
    ]));
    assert!(log.contains("loaded"), "{log}");
    ok_stderr(&run(&[
        "features",
        "--data",
        s(&sample()),
        "--out",
        s(&full),
    ]));
    let (partial, full) = (read(&partial), read(&full));
    assert_eq!(
        strings(&partial, "application_id"),
        new_ids,
        "new rows, in order"
    );
    assert_eq!(partial.get_column_names(), full.get_column_names());
    let full_row = by_id(&full);
    let rows_of: Vec<IdxSize> = new_ids.iter().map(|id| full_row[id] as IdxSize).collect();
    let expected = full.take(&IdxCa::from_vec("idx".into(), rows_of)).unwrap();
    for (got, want) in partial.columns()[2..].iter().zip(&expected.columns()[2..]) {
        let bits = |c: &Column| -> Vec<u32> {
            c.f32()
                .unwrap()
                .iter()
                .map(|v| v.unwrap().to_bits())
                .collect()
        };
        assert_eq!(bits(got), bits(want), "feature {}", got.name());
    }

    // Scores of the new rows only, against the snapshot.
    let partial_scores = tmp.path().join("partial-scores.parquet");
    let full_scores = tmp.path().join("full-scores.parquet");
    ok_stderr(&run(&[
        "score",
        "--model",
        s(&baseline()),
        "--snapshot",
        s(&snap),
        "--data",
        s(&new),
        "--out",
        s(&partial_scores),
    ]));
    ok_stderr(&run(&[
        "score",
        "--model",
        s(&baseline()),
        "--data",
        s(&sample()),
        "--out",
        s(&full_scores),
    ]));
    let (partial, full) = (read(&partial_scores), read(&full_scores));
    let full_row = by_id(&full);
    let rows_of: Vec<IdxSize> = new_ids.iter().map(|id| full_row[id] as IdxSize).collect();
    let expected = full.take(&IdxCa::from_vec("idx".into(), rows_of)).unwrap();
    assert_eq!(partial.height(), new_ids.len());
    for name in ["probability", "band", "reasons"] {
        assert!(
            partial
                .column(name)
                .unwrap()
                .as_materialized_series()
                .equals_missing(expected.column(name).unwrap().as_materialized_series()),
            "score column {name}"
        );
    }

    // Update: the new rows join the history; the same rows again are refused with their row,
    // and the file is left as it was.
    ok_stderr(&run(&[
        "snapshot",
        "update",
        "--snapshot",
        s(&snap),
        "--data",
        s(&new),
    ]));
    let updated = std::fs::read(&snap).unwrap();
    let err = usage_error(&run(&[
        "snapshot",
        "update",
        "--snapshot",
        s(&snap),
        "--data",
        s(&new),
    ]));
    assert!(
        err.contains("row 0") && err.contains("already holds"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&snap).unwrap(),
        updated,
        "a refused update leaves the file"
    );

    // A damaged file is refused, naming it.
    let mut damaged = updated.clone();
    let mid = damaged.len() / 3;
    damaged[mid] ^= 1;
    let bad = tmp.path().join("damaged.snapshot");
    std::fs::write(&bad, &damaged).unwrap();
    let err = usage_error(&run(&[
        "features",
        "--snapshot",
        s(&bad),
        "--data",
        s(&new),
        "--out",
        s(&tmp.path().join("x.parquet")),
    ]));
    assert!(
        err.contains("damaged.snapshot") && err.contains("checksum"),
        "{err}"
    );
    // Not a snapshot at all.
    let err = usage_error(&run(&[
        "score",
        "--model",
        s(&baseline()),
        "--snapshot",
        s(&sample().join("labels.parquet")),
        "--data",
        s(&new),
        "--out",
        s(&tmp.path().join("y.parquet")),
    ]));
    assert!(err.contains("not an appfraud history snapshot"), "{err}");
    // --snapshot needs --data.
    usage_error(&run(&[
        "score",
        "--model",
        s(&baseline()),
        "--snapshot",
        s(&snap),
        "--table",
        s(&full_scores),
        "--out",
        s(&tmp.path().join("z.parquet")),
    ]));
}
