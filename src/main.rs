//! `appfraud`: the command-line front end. Arguments are parsed and validated here, then handed
//! to the library crates; no logic of the toolkit lives in this binary. Errors print as one line
//! on stderr; the exit code is 2 for bad input or usage and 1 for an internal failure.

mod cli;
mod demo;
mod score_cmd;
mod train_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
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

/// 2 when the user can fix it (input, usage, environment), 1 for internal failures.
fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<appfraud_synth::SynthError>() {
            return if e.is_user_error() { 2 } else { 1 };
        }
        if cause
            .downcast_ref::<appfraud_features::IngestError>()
            .is_some()
        {
            return 2;
        }
        if let Some(e) = cause.downcast_ref::<appfraud_features::FeatureError>() {
            return if e.is_user_error() { 2 } else { 1 };
        }
        if let Some(e) = cause.downcast_ref::<appfraud_serve::ServeError>() {
            return if e.is_user_error() { 2 } else { 1 };
        }
        if let Some(e) = cause.downcast_ref::<appfraud_train::TrainError>() {
            return if e.is_user_error() { 2 } else { 1 };
        }
        if cause.downcast_ref::<cli::UsageError>().is_some() {
            return 2;
        }
    }
    1
}
