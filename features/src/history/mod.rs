//! Point-in-time history: what earlier applications say about this one.
//!
//! - [`keys`]: the normalised entity values (address, IP, IP network, device, phone, email)
//!   that link applications, and the identity of an application.
//! - [`index`]: the [`index::HistoryIndex`] both the batch and the single-application paths
//!   query; every answer uses only rows strictly before the application's `submitted_at`.

pub mod index;
pub mod keys;
