//! From validated tables to feature rows: one pipeline, two paths.
//!
//! A feature row is computed in two steps that both paths share:
//!
//! 1. [`own::own_signals`]: every family that needs only the application's own row, its own
//!    telemetry and the reference tables, plus the entity keys and resume signature the history
//!    needs;
//! 2. the history query ([`crate::history`]) at the application's `submitted_at`, then
//!    [`catalog::write_row`], which reads every feature of the [`catalog::CATALOG`] from the
//!    result.
//!
//! The batch path ([`batch::build_feature_frame`]) runs step 1 over all rows in parallel,
//! builds the history once, and runs step 2 in parallel. The single-application path
//! ([`snapshot::HistorySnapshot`]) builds the same history once and runs both steps for one
//! application. Neither has feature code of its own.

pub mod batch;
pub mod catalog;
mod columns;
pub mod own;
mod own_store;
pub mod record;
mod sentence;
pub mod snapshot;
mod telemetry;
