//! A screening service embedding the [`Scorer`]: four workers share one scorer behind an `Arc`,
//! score each new applicant against the history, route it by band (a high score goes to
//! verification or human review, never to rejection), then add it to the history.
//!
//! `cargo run --release -p appfraud-serve --example screening_worker -- models/baseline notebooks-data/sample`
use std::path::Path;
use std::sync::Arc;

use appfraud_features::ApplicationRecord;
use appfraud_serve::{HistorySource, ModelPackage, Scorer, ScorerOptions, ServeError};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (model, data) = (
        args.get(1).ok_or("MODEL_DIR")?,
        args.get(2).ok_or("DATA_DIR")?,
    );
    let package = ModelPackage::load(Path::new(model))?;
    let history = HistorySource::DataDir(Path::new(data));
    let scorer = Arc::new(Scorer::new(package, history, ScorerOptions::default())?);
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let scorer = Arc::clone(&scorer);
            std::thread::spawn(move || -> Result<(), ServeError> {
                for i in 0..3 {
                    let app = applicant(w * 10 + i);
                    let s = scorer.score(&app, &[])?;
                    let why: Vec<&str> = s.reasons.iter().map(|r| r.text.as_str()).collect();
                    println!(
                        "{} {:.4} {}: {}",
                        s.application_id,
                        s.probability,
                        s.band,
                        why.join("; ")
                    );
                    scorer.observe(&app, &[])?;
                }
                Ok(())
            })
        })
        .collect();
    for w in workers {
        w.join().map_err(|_| "a worker panicked")??;
    }
    println!("history: {} applications", scorer.history_len());
    Ok(())
}

/// A new applicant (in a real service: the body of the screening request).
fn applicant(i: i64) -> ApplicationRecord {
    ApplicationRecord {
        application_id: format!("new-{i}"),
        submitted_at: 1_780_000_000_000_000 + i,
        job_id: "job-7".into(),
        full_name: "Sam Doe".into(),
        email: "sam.doe@example.org".into(),
        claimed_country: "US".into(),
        ip: Some("203.0.113.9".into()),
        ..ApplicationRecord::default()
    }
}
