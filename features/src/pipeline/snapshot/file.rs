//! The snapshot file: a versioned, checksummed container, written atomically.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 16 | magic `APPFRAUD-HISTSNP` |
//! | 4 | format version ([`FORMAT_VERSION`]) |
//! | 64 | the [`FeatureSet`](appfraud_core::FeatureSet) hash the history was built for (hex) |
//! | n | payload: the history, encoded with `postcard` |
//! | 32 | SHA-256 of every byte above |
//!
//! A reader checks, in this order, the magic, the checksum, the version and the
//! feature set, and names the first that fails: a truncated, corrupted, edited or foreign file
//! is refused before any of it is decoded.
//!
//! `postcard` (serde) is the encoding: a documented, stable wire format (its specification is
//! versioned separately from the crate), compact (variable-length integers, so counts and
//! small slot numbers take one or two bytes), actively maintained, and already in the build
//! through `phonenumber`. The format version here changes whenever the encoded structures do.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::FeatureError;

/// The magic bytes that open every snapshot file.
pub(super) const MAGIC: &[u8; 16] = b"APPFRAUD-HISTSNP";

/// The version of the encoded structures. Bump on any change to what is stored.
pub const FORMAT_VERSION: u32 = 1;

const HASH_HEX: usize = 64;
const HEADER: usize = MAGIC.len() + 4 + HASH_HEX;
const DIGEST: usize = 32;

/// Why a snapshot file was refused or could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotFileError {
    /// The file could not be read or written.
    #[error("{reason}")]
    Io {
        /// The I/O error.
        reason: String,
    },
    /// Not a snapshot file at all.
    #[error("not an appfraud history snapshot (no snapshot header)")]
    NotASnapshot,
    /// The checksum does not match: the file was truncated, corrupted or edited.
    #[error("checksum mismatch: the file is truncated, corrupted or was modified; rebuild it")]
    Checksum,
    /// Written by a build with another snapshot format.
    #[error(
        "snapshot format version {found}, this build reads version {expected}; rebuild it with `appfraud snapshot build`"
    )]
    Version {
        /// The file's version.
        found: u32,
        /// The version this build reads and writes.
        expected: u32,
    },
    /// Built for another feature set.
    #[error(
        "built for feature set {found}, this build computes feature set {expected}; rebuild it with `appfraud snapshot build`"
    )]
    FeatureSet {
        /// The file's feature set hash (first 12 hex digits).
        found: String,
        /// This build's feature set hash (first 12 hex digits).
        expected: String,
    },
    /// The checksum holds but the payload does not decode: written by a faulty build.
    #[error("the payload does not decode ({reason}); rebuild it")]
    Decode {
        /// The decoder's message.
        reason: String,
    },
}

impl SnapshotFileError {
    fn io(e: impl std::fmt::Display) -> Self {
        SnapshotFileError::Io {
            reason: e.to_string(),
        }
    }

    pub(super) fn at(self, file: &Path) -> FeatureError {
        FeatureError::Snapshot {
            file: file.to_path_buf(),
            source: self,
        }
    }
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Counts the bytes written through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `payload` for feature set `feature_set_hash` to `path` atomically: a temporary file
/// in the same directory, flushed to disk, then renamed over `path`; on any failure the
/// temporary file is removed and `path` is left as it was. Returns the file's size in bytes.
pub(super) fn write<T: Serialize>(
    path: &Path,
    feature_set_hash: &str,
    payload: &T,
) -> Result<u64, SnapshotFileError> {
    if feature_set_hash.len() != HASH_HEX {
        return Err(SnapshotFileError::io(format!(
            "feature set hash of {} characters, expected {HASH_HEX}",
            feature_set_hash.len()
        )));
    }
    let tmp = temporary_path(path)?;
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(SnapshotFileError::io)?;
        let mut out = Hashing {
            inner: Counting {
                inner: BufWriter::with_capacity(1 << 20, file),
                bytes: 0,
            },
            hasher: Sha256::new(),
        };
        out.write_all(MAGIC).map_err(SnapshotFileError::io)?;
        out.write_all(&FORMAT_VERSION.to_le_bytes())
            .map_err(SnapshotFileError::io)?;
        out.write_all(feature_set_hash.as_bytes())
            .map_err(SnapshotFileError::io)?;
        let mut out = postcard::to_io(payload, out).map_err(SnapshotFileError::io)?;
        let digest = out.hasher.finalize_reset();
        out.inner
            .write_all(&digest)
            .map_err(SnapshotFileError::io)?;
        let size = out.inner.bytes;
        let file = out
            .inner
            .inner
            .into_inner()
            .map_err(|e| SnapshotFileError::io(e.error()))?;
        file.sync_all().map_err(SnapshotFileError::io)?;
        std::fs::rename(&tmp, path).map_err(SnapshotFileError::io)?;
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(dir) = std::fs::File::open(dir)
        {
            // Make the rename itself durable; not every platform can sync a directory.
            let _ = dir.sync_all();
        }
        Ok(size)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn temporary_path(path: &Path) -> Result<PathBuf, SnapshotFileError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| SnapshotFileError::io("not a file path"))?
        .to_string_lossy();
    Ok(dir.join(format!(".{name}.{}.tmp", std::process::id())))
}

/// Reads the file at `path`, checks it (module docs) against `feature_set_hash`, and decodes
/// its payload.
pub(super) fn read<T: DeserializeOwned>(
    path: &Path,
    feature_set_hash: &str,
) -> Result<T, SnapshotFileError> {
    let bytes = std::fs::read(path).map_err(SnapshotFileError::io)?;
    decode(&bytes, feature_set_hash)
}

/// [`read`] on the file's bytes.
pub(super) fn decode<T: DeserializeOwned>(
    bytes: &[u8],
    feature_set_hash: &str,
) -> Result<T, SnapshotFileError> {
    if bytes.len() < HEADER + DIGEST || &bytes[..MAGIC.len()] != MAGIC {
        return Err(SnapshotFileError::NotASnapshot);
    }
    let (body, digest) = bytes.split_at(bytes.len() - DIGEST);
    if Sha256::digest(body).as_slice() != digest {
        return Err(SnapshotFileError::Checksum);
    }
    let field = |from: usize, len: usize| &body[from..from + len];
    let version = u32::from_le_bytes(field(16, 4).try_into().unwrap_or_default());
    if version != FORMAT_VERSION {
        return Err(SnapshotFileError::Version {
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let found = String::from_utf8_lossy(field(20, HASH_HEX));
    if found != feature_set_hash {
        return Err(SnapshotFileError::FeatureSet {
            found: found.chars().take(12).collect(),
            expected: feature_set_hash.chars().take(12).collect(),
        });
    }
    postcard::from_bytes(&body[HEADER..]).map_err(|e| SnapshotFileError::Decode {
        reason: e.to_string(),
    })
}
