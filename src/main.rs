//! `appfraud`: the command-line front end. Arguments are parsed and validated here, then handed
//! to the library crates; no logic of the toolkit lives in this binary. Errors print as one line
//! on stderr; the exit code is 2 for bad input or usage, 1 for an internal failure and 3 for a
//! drift alarm (`appfraud drift --fail-on`).
//!
//! Modules: [`cli`] is the command tree and its dispatch; [`commands`] holds one module per
//! command; [`args`], [`report`] and [`training`] are the helpers the commands share.

mod args;
mod cli;
mod commands;
mod report;
mod training;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: feature computation makes many small, short-lived
/// strings on every core (normalised names, emails, addresses, resume text), where glibc's
/// malloc spent about a tenth of the per-application stage (measured with `perf`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hands the pages freed so far back to the OS (mimalloc's `mi_collect(true)`), called between
/// the stages of a long run.
///
/// mimalloc otherwise keeps freed pages for a second (its purge delay) before returning them.
/// A collection at each stage boundary returns what the stage before freed: at 200,000
/// applications it lowers the peak of `appfraud features` from about 0.91 to 0.81 GB. The
/// earlier setting, a purge delay of 0 for the whole run, also returned every page a worker
/// freed in its hot loop, and the page faults of taking them back cost a tenth of the time
/// (measured with `perf` at 200,000 applications: 16 % of the samples in the kernel's page
/// zeroing). It kept less resident, though: at a million applications the peak is 3.10–3.14 GB
/// with this, 3.06 GB with that, both under the 3 GiB target.
pub(crate) fn release_freed_memory() {
    // SAFETY: `mi_collect` only walks mimalloc's own structures; it may be called at any time.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_collect(true)
    }
}

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if let Some(alarm) = err.downcast_ref::<commands::drift::DriftAlarm>() {
                eprintln!("{alarm}");
                return ExitCode::from(commands::drift::ALARM_EXIT_CODE);
            }
            eprintln!("error: {}", one_line(&err));
            ExitCode::from(exit_code(&err))
        }
    }
}

/// The error and its causes as one sentence.
fn one_line(err: &anyhow::Error) -> String {
    err.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

/// 2 when the user can fix it (input, usage, environment), 1 for internal failures: the
/// outermost error of the chain that classifies itself decides; an error that does not (an
/// I/O failure of the binary itself, a broken invariant) is internal.
fn exit_code(err: &anyhow::Error) -> u8 {
    let user = err.chain().find_map(|cause| {
        if let Some(e) = cause.downcast_ref::<appfraud_synth::SynthError>() {
            Some(e.is_user_error())
        } else if let Some(e) = cause.downcast_ref::<appfraud_features::FeatureError>() {
            Some(e.is_user_error())
        } else if cause
            .downcast_ref::<appfraud_features::IngestError>()
            .is_some()
        {
            Some(true)
        } else if let Some(e) = cause.downcast_ref::<appfraud_serve::ServeError>() {
            Some(e.is_user_error())
        } else if let Some(e) = cause.downcast_ref::<appfraud_train::TrainError>() {
            Some(e.is_user_error())
        } else if cause.downcast_ref::<appfraud_core::ParamError>().is_some()
            || cause.downcast_ref::<args::UsageError>().is_some()
        {
            Some(true)
        } else {
            None
        }
    });
    if user == Some(true) { 2 } else { 1 }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use appfraud_features::{FeatureError, IngestError};
    use appfraud_train::TrainError;

    use super::*;

    fn missing_applications() -> FeatureError {
        FeatureError::Ingest(IngestError::MissingFile {
            dir: PathBuf::from("data"),
            stem: "applications",
        })
    }

    #[test]
    fn wrapped_errors_exit_by_the_innermost_classification() {
        let bad_input = anyhow::Error::new(TrainError::from(missing_applications()))
            .context("reading the training data");
        assert_eq!(exit_code(&bad_input), 2);
        let bug = anyhow::Error::new(appfraud_serve::ServeError::from(FeatureError::Internal {
            reason: "a column vanished".into(),
        }));
        assert_eq!(exit_code(&bug), 1);
        let polars = anyhow::Error::new(TrainError::Polars {
            reason: "shape mismatch".into(),
        });
        assert_eq!(exit_code(&polars), 1);
    }

    #[test]
    fn usage_errors_exit_with_2_and_unclassified_ones_with_1() {
        let usage = anyhow::Error::new(args::UsageError("--out: not a directory".into()));
        assert_eq!(exit_code(&usage), 2);
        let io = anyhow::Error::new(std::io::Error::other("disk on fire")).context("writing");
        assert_eq!(exit_code(&io), 1);
    }
}
