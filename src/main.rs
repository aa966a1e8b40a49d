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

/// mimalloc's `mi_option_purge_delay`: its position in `mi_option_e` of the mimalloc (v3)
/// header that `libmimalloc-sys` builds, which names only some options. The test
/// `purge_delay_is_the_option_set_here` checks it by its default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the OS at once instead of a second later. The input tables are
/// decoded on polars' threads, which sit idle once the tables are read, and mimalloc purges a
/// thread's free pages only when that thread next allocates: with the default delay, the
/// tables' memory stayed resident through the history build. At a million applications this
/// lowers the peak of `appfraud features` from 3.18 to 3.00 GB, at no measured cost in time.
fn return_freed_memory_promptly() {
    // SAFETY: `mi_option_set` only stores the value; any option id and value are accepted.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0)
    }
}

fn main() -> ExitCode {
    return_freed_memory_promptly();
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
    fn purge_delay_is_the_option_set_here() {
        // The options table of mimalloc v3 (`src/options.c`) gives `purge_delay` a default of
        // 1000 ms and its neighbours other defaults (`deprecated_eager_commit_delay` 1,
        // `use_numa_nodes` 0), so a shifted enum fails here. No test of this binary sets the
        // option.
        // SAFETY: `mi_option_get` reads an option; an unknown id reads as 0.
        #[allow(unsafe_code)]
        let get = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
        assert_eq!(get(MI_OPTION_PURGE_DELAY), 1000);
        assert_ne!(get(MI_OPTION_PURGE_DELAY - 1), 1000);
        assert_ne!(get(MI_OPTION_PURGE_DELAY + 1), 1000);
    }

    #[test]
    fn usage_errors_exit_with_2_and_unclassified_ones_with_1() {
        let usage = anyhow::Error::new(args::UsageError("--out: not a directory".into()));
        assert_eq!(exit_code(&usage), 2);
        let io = anyhow::Error::new(std::io::Error::other("disk on fire")).context("writing");
        assert_eq!(exit_code(&io), 1);
    }
}
