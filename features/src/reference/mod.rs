//! The reference files of a data directory (`reference/`): small lists that signal families
//! look values up in, loaded once and shared read-only.

mod csv;
pub mod institutions;
