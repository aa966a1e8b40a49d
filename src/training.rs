//! How the command line makes a model package, shared by `train`, `demo` and `import` so that
//! they write the same package from the same data and configuration: the configuration file,
//! the model id and data source name the package records, and the train → report → write
//! sequence.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use appfraud_train::{Dataset, TrainConfig, TrainedModel, ValidTrainConfig};

use crate::args::UsageError;
use crate::report::{self, Reporter};

/// Reads the training configuration file `path` (`--config`); a missing, unreadable or invalid
/// file is a usage error naming it.
pub fn read_config(path: &Path) -> Result<TrainConfig, UsageError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))?;
    TrainConfig::from_toml_str(&text)
        .map_err(|e| UsageError(format!("--config {}: {e}", path.display())))
}

/// The name a package records for its training data: the last path component, so that the
/// package is the same whatever directory training ran from (and holds no machine path).
pub fn source_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Group attributes for the card's fairness section: the column's name and each application's
/// group.
pub type Groups<'a> = (&'a str, &'a HashMap<String, Option<String>>);

/// Trains `config`'s model on `dataset`, reports its metrics and writes the package to `out`,
/// recording `source` as its training data; with `groups`, the card gets a section on how the
/// flags fall across them. Returns the package's model id.
pub fn train_package(
    dataset: &Dataset,
    config: &ValidTrainConfig,
    out: &Path,
    source: &str,
    groups: Option<Groups<'_>>,
    report: &Reporter,
) -> Result<String> {
    let algo = config.algorithm().as_str();
    let model_id = format!(
        "appfraud-{algo}-{}",
        &dataset.feature_set.hash().as_str()[..12]
    );
    report.step(format!("training {algo}"));
    let mut trained = appfraud_train::train(dataset, config, &model_id)?;
    if let Some((column, groups)) = groups {
        trained.assess_fairness(dataset, column, groups)?;
        if let Some(f) = &trained.fairness {
            report.step(format!(
                "  fairness across `{column}` on the held-out rows: {} groups, lowest impact \
                 ratio {:.3}, {} of unknown group",
                f.groups.len(),
                f.min_impact_ratio,
                f.unknown_group
            ));
        }
    }
    if let Some(last) = trained.history.last() {
        report.step(format!(
            "  {} trees, final train log-loss {:.5}{}",
            last.trees,
            last.train_log_loss.unwrap_or(f64::NAN),
            last.valid_log_loss
                .map(|v| format!(", validation {v:.5}"))
                .unwrap_or_default()
        ));
    }
    if let Some(d) = &trained.deployment {
        let rows = |step: &str| {
            d.plan
                .steps
                .iter()
                .find(|s| s.step == step)
                .map_or(0, |s| s.rows)
        };
        report.step(format!(
            "  deployed fit: {} rows before the calibration window{}, calibrated on its {} rows \
             (metrics below are the evaluation fit's)",
            rows("deployed train"),
            d.trees.map(|t| format!(", {t} trees")).unwrap_or_default(),
            rows("calibration window")
        ));
    }
    write_package(&trained, out, source, report)
}

/// Reports `trained`'s metrics and writes its package to `out`, recording `source` as its
/// data. Returns the package's model id.
pub fn write_package(
    trained: &TrainedModel,
    out: &Path,
    source: &str,
    report: &Reporter,
) -> Result<String> {
    report::metrics(report, "validation", &trained.validation);
    report::metrics(report, "test", &trained.test);
    let model_id = trained
        .write(out, source)
        .with_context(|| format!("writing {}", out.display()))?;
    report.step(format!("wrote {} ({model_id})", out.display()));
    Ok(model_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_name_is_the_last_component_only() {
        assert_eq!(source_name(Path::new("some/dir/sample")), "sample");
        assert_eq!(source_name(Path::new("table.csv")), "table.csv");
    }
}
