//! Point-in-time history: structures that answer, for an application submitted at time t, what
//! other applications looked like strictly before t (`docs/input-contract.md`, "Point in time").
//! Each index can be filled in any order and is queried at each application's own `submitted_at`,
//! so appending later rows never changes an earlier answer; engine-agnostic (no polars here).
//!
//! - [`keys`]: the normalised entity values (address, IP, IP network, device, phone, email)
//!   that link applications, and the identity of an application.
//! - [`index`]: the [`index::HistoryIndex`] of shared entities, known fraud and components.
//! - [`documents`]: the [`documents::DocumentIndex`] of resume near-duplicates.

pub mod documents;
pub mod index;
pub mod keys;
mod presized;
