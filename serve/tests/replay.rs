//! Replay of the sample through the embedded [`Scorer`]: every application, in submission
//! order, is scored and then observed, with each label sent once its `labeled_at` has passed.
//! Each score must equal the batch `appfraud score` row of the same application
//! ([`score_data_dir`] over the whole sample, reasons for every application): probability
//! within 1e-6 (in practice bit-equal, as the features are), the same band, and the same
//! reasons (feature, value and contribution; contribution within 1e-9 absolute, both computed
//! by the same TreeSHAP code on the same row).

use std::collections::HashMap;
use std::path::PathBuf;

use appfraud_features::{References, read_data_dir, stored_applications};
use appfraud_serve::{
    HistorySource, ModelPackage, ReasonScope, ScoreOptions, Scorer, ScorerOptions, score_data_dir,
};

mod replay_common;
use replay_common::{BatchRow, batch_rows, replay_order};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn replaying_the_sample_through_the_embedded_scorer_equals_batch_scoring() {
    let sample = workspace().join("notebooks-data/sample");
    let package = ModelPackage::load(&workspace().join("models/baseline")).expect("baseline");
    let batch = score_data_dir(
        &package,
        &sample,
        ScoreOptions {
            reasons: 3,
            reasons_for: ReasonScope::All,
            ..ScoreOptions::default()
        },
        &|_| {},
    )
    .expect("batch scoring of the sample");
    let expected: HashMap<String, BatchRow> = batch_rows(&batch.frame);

    let raw = read_data_dir(&sample).expect("sample");
    let refs = References::from_data_dir(&sample).expect("references");
    let stored = stored_applications(&raw).expect("records");
    let scorer = Scorer::new(
        package,
        HistorySource::Empty(Box::new(refs)),
        ScorerOptions {
            reasons: 3,
            reasons_for: ReasonScope::All,
            ..ScorerOptions::default()
        },
    )
    .expect("scorer");

    let mut compared = 0;
    for step in replay_order(&stored) {
        match step {
            replay_common::Step::Label {
                application,
                labeled_at,
                is_fraud,
            } => scorer
                .observe_label(
                    &stored[application].application.application_id,
                    is_fraud,
                    labeled_at,
                )
                .expect("label of an observed application"),
            replay_common::Step::Application(i) => {
                let a = &stored[i];
                let score = scorer
                    .score(&a.application, &a.telemetry)
                    .expect("every sample application scores");
                let want = &expected[&a.application.application_id];
                want.assert_matches(
                    &a.application.application_id,
                    score.probability,
                    score.band.as_str(),
                    &score
                        .reasons
                        .iter()
                        .map(|r| (r.feature.clone(), r.value, r.contribution))
                        .collect::<Vec<_>>(),
                    &score.model,
                );
                scorer
                    .observe(&a.application, &a.telemetry)
                    .expect("observe a new application");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, stored.len());
    assert_eq!(scorer.history_len(), stored.len());
    // Scoring never adds to the history; observing the same application twice is refused.
    let a = &stored[0];
    let err = scorer
        .observe(&a.application, &a.telemetry)
        .expect_err("a second observation of one application");
    assert!(err.is_user_error(), "{err}");
}
