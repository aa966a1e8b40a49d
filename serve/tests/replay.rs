//! Replay of the sample through the embedded [`Scorer`]: every application, in submission
//! order, is scored and then observed, with each label sent once its `labeled_at` has passed.
//! Each score must equal the batch `appfraud score` row of the same application
//! ([`score_data_dir`] over the whole sample, reasons for every application): probability
//! within 1e-6 (in practice bit-equal, as the features are), the same band, and the same
//! reasons (feature, value and contribution; contribution within 1e-9 absolute, both computed
//! by the same TreeSHAP code on the same row).

use std::collections::HashMap;
use std::path::PathBuf;

use std::sync::{Arc, OnceLock};

use appfraud_features::{References, StoredApplication, read_data_dir, stored_applications};
use appfraud_serve::{
    HistorySource, ModelPackage, ReasonScope, ScoreOptions, Scorer, ScorerOptions, score_data_dir,
};

mod replay_common;
use replay_common::{BatchRow, Server, Step, batch_rows, body, replay_order, rfc3339};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample() -> PathBuf {
    workspace().join("notebooks-data/sample")
}

fn package() -> ModelPackage {
    ModelPackage::load(&workspace().join("models/baseline")).expect("baseline")
}

/// `appfraud score --data notebooks-data/sample --reasons 3 --reasons-for all`, by id; computed
/// once for both tests.
fn expected() -> &'static HashMap<String, BatchRow> {
    static EXPECTED: OnceLock<HashMap<String, BatchRow>> = OnceLock::new();
    EXPECTED.get_or_init(|| {
        let batch = score_data_dir(
            &package(),
            &sample(),
            ScoreOptions {
                reasons: 3,
                reasons_for: ReasonScope::All,
                ..ScoreOptions::default()
            },
            &|_| {},
        )
        .expect("batch scoring of the sample");
        batch_rows(&batch.frame)
    })
}

fn stored() -> Vec<StoredApplication> {
    let raw = read_data_dir(&sample()).expect("sample");
    stored_applications(&raw).expect("records")
}

/// A scorer with an empty history and the sample's reference tables.
fn empty_scorer() -> Scorer {
    let refs = References::from_data_dir(&sample()).expect("references");
    Scorer::new(
        package(),
        HistorySource::Empty(Box::new(refs)),
        ScorerOptions {
            reasons: 3,
            reasons_for: ReasonScope::All,
            ..ScorerOptions::default()
        },
    )
    .expect("scorer")
}

#[test]
fn replaying_the_sample_through_the_embedded_scorer_equals_batch_scoring() {
    let expected = expected();
    let stored = stored();
    let scorer = empty_scorer();

    let mut compared = 0;
    for step in replay_order(&stored) {
        match step {
            Step::Label {
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
            Step::Application(i) => {
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

#[test]
fn replaying_the_sample_over_http_equals_batch_scoring() {
    let expected = expected();
    let stored = stored();
    let service = appfraud_serve::http::Service::ready(
        Arc::new(empty_scorer()),
        appfraud_serve::http::ServiceOptions::default(),
    );
    let server = Server::start(service);
    let client = replay_common::client();
    let post = |route: &str, body: &serde_json::Value| -> serde_json::Value {
        let (status, reply) =
            replay_common::post(&client, &format!("{}{route}", server.base), body);
        assert_eq!(status, 200, "{route}: {reply}");
        reply
    };
    let mut compared = 0;
    for step in replay_order(&stored) {
        match step {
            Step::Label {
                application,
                labeled_at,
                is_fraud,
            } => {
                let label = serde_json::json!([{
                    "application_id": stored[application].application.application_id,
                    "is_fraud": is_fraud,
                    "labeled_at": rfc3339(labeled_at),
                }]);
                assert_eq!(post("/v1/labels", &label)["labels"], 1);
            }
            Step::Application(i) => {
                let a = &stored[i];
                let request = body(a);
                let reply = post("/v1/score", &request);
                let id = &a.application.application_id;
                assert_eq!(reply["application_id"], id.as_str());
                let reasons: Vec<(String, f32, f64)> = reply["reasons"]
                    .as_array()
                    .expect("reasons")
                    .iter()
                    .map(|r| {
                        (
                            r["feature"].as_str().expect("feature").to_owned(),
                            r["value"].as_f64().map_or(f32::NAN, |v| v as f32),
                            r["contribution"].as_f64().expect("contribution"),
                        )
                    })
                    .collect();
                expected[id].assert_matches(
                    id,
                    reply["probability"].as_f64().expect("probability") as f32,
                    reply["band"].as_str().expect("band"),
                    &reasons,
                    reply["model"].as_str().expect("model"),
                );
                post("/v1/observe", &request);
                compared += 1;
            }
        }
    }
    assert_eq!(compared, stored.len());
}
