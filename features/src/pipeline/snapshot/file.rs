//! The snapshot file: a versioned, checksummed container, written atomically.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 16 | magic `APPFRAUD-HISTSNP` |
//! | 4 | format version ([`FORMAT_VERSION`]) |
//! | 64 | the [`FeatureSet`](appfraud_core::FeatureSet) hash the history was built for (hex) |
//! | n₁ … n_k | the sections, each encoded with `postcard` |
//! | 8 · k | where each section ends (offsets from the file start) |
//! | 4 | the number of sections k |
//! | 16 | XXH3-128 of every byte above |
//!
//! A reader checks, in this order, the magic, the checksum, the version and the
//! feature set, and names the first that fails: a truncated, corrupted, edited or foreign file
//! is refused before any of it is decoded. The sections decode independently, so a reader
//! decodes them in parallel.
//!
//! The checksum is XXH3-128: it detects corruption, truncation and edits with a collision
//! chance of 2⁻¹²⁸ at over 10 GB/s, where SHA-256 took an eighth of the load time of a
//! million-application snapshot. It is not a signature: whoever can write the file can
//! recompute any unkeyed hash, SHA-256 included, so authenticity is the file system's job.
//!
//! `postcard` (serde) is the encoding: a documented, stable wire format (its specification is
//! versioned separately from the crate), compact (variable-length integers, so counts and
//! small slot numbers take one or two bytes), actively maintained, and already in the build
//! through `phonenumber`. The format version here changes whenever the encoded structures do.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use crate::FeatureError;

/// The magic bytes that open every snapshot file.
const MAGIC: &[u8; 16] = b"APPFRAUD-HISTSNP";

/// The version of the encoded structures. Bump on any change to what is stored.
pub const FORMAT_VERSION: u32 = 3;

const HASH_HEX: usize = 64;
const HEADER: usize = MAGIC.len() + 4 + HASH_HEX;
const DIGEST: usize = 16;

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
            problem: self,
        }
    }
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Xxh3,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the sections of a snapshot file, in order (see [`write`]).
pub(super) struct Sections<W: Write> {
    out: Option<Hashing<W>>,
    ends: Vec<u64>,
}

impl<W: Write> Sections<W> {
    /// Encodes `value` as the next section.
    pub(super) fn section<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), SnapshotFileError> {
        let out = self
            .out
            .take()
            .ok_or_else(|| SnapshotFileError::io("an earlier section failed"))?;
        let out = postcard::to_io(value, out).map_err(SnapshotFileError::io)?;
        self.ends.push(out.bytes);
        self.out = Some(out);
        Ok(())
    }
}

/// Writes a snapshot file for feature set `feature_set_hash` to `path` atomically, its
/// sections written by `sections`: a temporary file in the same directory, flushed to disk,
/// then renamed over `path`; on any failure the temporary file is removed and `path` is left
/// as it was. Returns the file's size in bytes.
pub(super) fn write(
    path: &Path,
    feature_set_hash: &str,
    sections: impl FnOnce(&mut Sections<BufWriter<std::fs::File>>) -> Result<(), SnapshotFileError>,
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
            inner: BufWriter::with_capacity(1 << 20, file),
            hasher: Xxh3::new(),
            bytes: 0,
        };
        out.write_all(MAGIC).map_err(SnapshotFileError::io)?;
        out.write_all(&FORMAT_VERSION.to_le_bytes())
            .map_err(SnapshotFileError::io)?;
        out.write_all(feature_set_hash.as_bytes())
            .map_err(SnapshotFileError::io)?;
        let mut writer = Sections {
            out: Some(out),
            ends: Vec::new(),
        };
        sections(&mut writer)?;
        let mut out = writer
            .out
            .ok_or_else(|| SnapshotFileError::io("a section failed"))?;
        for end in &writer.ends {
            out.write_all(&end.to_le_bytes())
                .map_err(SnapshotFileError::io)?;
        }
        let count = u32::try_from(writer.ends.len()).map_err(SnapshotFileError::io)?;
        out.write_all(&count.to_le_bytes())
            .map_err(SnapshotFileError::io)?;
        let digest = out.hasher.digest128();
        out.inner
            .write_all(&digest.to_le_bytes())
            .map_err(SnapshotFileError::io)?;
        let size = out.bytes + DIGEST as u64;
        let file = out
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

/// Reads the file at `path` and checks it (module docs) against `feature_set_hash`.
pub(super) fn read(path: &Path, feature_set_hash: &str) -> Result<Checked, SnapshotFileError> {
    let bytes = std::fs::read(path).map_err(SnapshotFileError::io)?;
    Checked::new(bytes, feature_set_hash)
}

/// The bytes of a snapshot file that passed every check, split into its sections.
pub(super) struct Checked {
    bytes: Vec<u8>,
    /// `(start, end)` of each section.
    sections: Vec<(usize, usize)>,
}

impl Checked {
    fn new(bytes: Vec<u8>, feature_set_hash: &str) -> Result<Checked, SnapshotFileError> {
        if bytes.len() < HEADER + 4 + DIGEST || &bytes[..MAGIC.len()] != MAGIC {
            return Err(SnapshotFileError::NotASnapshot);
        }
        let (body, digest) = bytes.split_at(bytes.len() - DIGEST);
        let digest = u128::from_le_bytes(digest.try_into().unwrap_or_default());
        if xxhash_rust::xxh3::xxh3_128(body) != digest {
            return Err(SnapshotFileError::Checksum);
        }
        let u32_at =
            |at: usize| u32::from_le_bytes(body[at..at + 4].try_into().unwrap_or_default());
        let version = u32_at(MAGIC.len());
        if version != FORMAT_VERSION {
            return Err(SnapshotFileError::Version {
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        let found = String::from_utf8_lossy(&body[MAGIC.len() + 4..HEADER]);
        if found != feature_set_hash {
            return Err(SnapshotFileError::FeatureSet {
                found: found.chars().take(12).collect(),
                expected: feature_set_hash.chars().take(12).collect(),
            });
        }
        let malformed = |what: &str| SnapshotFileError::Decode {
            reason: what.to_owned(),
        };
        let count = u32_at(body.len() - 4) as usize;
        let table = body
            .len()
            .checked_sub(4 + 8 * count)
            .filter(|&t| t >= HEADER)
            .ok_or_else(|| malformed("section table out of bounds"))?;
        let mut sections = Vec::with_capacity(count);
        let mut start = HEADER;
        for k in 0..count {
            let at = table + 8 * k;
            let end = u64::from_le_bytes(body[at..at + 8].try_into().unwrap_or_default());
            let end = usize::try_from(end)
                .ok()
                .filter(|&e| e >= start && e <= table)
                .ok_or_else(|| malformed("section bounds out of order"))?;
            sections.push((start, end));
            start = end;
        }
        if start != table {
            return Err(malformed(
                "bytes between the last section and the section table",
            ));
        }
        Ok(Checked { bytes, sections })
    }

    /// Decodes section `k`.
    pub(super) fn section<T: serde::de::DeserializeOwned>(
        &self,
        k: usize,
    ) -> Result<T, SnapshotFileError> {
        let &(start, end) = self
            .sections
            .get(k)
            .ok_or_else(|| SnapshotFileError::Decode {
                reason: format!("no section {k}"),
            })?;
        let (value, rest) = postcard::take_from_bytes(&self.bytes[start..end]).map_err(|e| {
            SnapshotFileError::Decode {
                reason: format!("section {k}: {e}"),
            }
        })?;
        if !rest.is_empty() {
            return Err(SnapshotFileError::Decode {
                reason: format!("section {k}: {} bytes left over", rest.len()),
            });
        }
        Ok(value)
    }
}
