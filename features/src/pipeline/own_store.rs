//! The own signals of every application of a batch run, held encoded until their feature row
//! is written.
//!
//! [`OwnSignals`] is 464 bytes in memory, most of it `Option<f64>` and `usize` fields that hold
//! small numbers or nothing. A batch run holds one per application from step one to the last
//! feature row, beside the history: at a million applications a sixth of what the run holds.
//! [`OwnStore`] keeps them encoded with postcard (variable-length integers, one byte for a
//! `None`), a block of rows per buffer, and decodes one only when its feature row is computed:
//! about 248 bytes a row on the built-in sample, offsets included. The encoding is exact: a
//! decoded value is bit for bit the one encoded. postcard is already the snapshot's encoding.

use rayon::prelude::*;

use super::own::OwnSignals;
use crate::FeatureError;

/// Rows per encoded block.
pub(crate) const BLOCK_ROWS: usize = 1 << 16;

/// Rows encoded by one task of [`OwnStore::push_block`].
const TASK_ROWS: usize = 2048;

/// Own signals of rows `0..len()`, encoded (see the module documentation).
#[derive(Debug, Default)]
pub(crate) struct OwnStore {
    blocks: Vec<Block>,
    len: usize,
}

/// [`BLOCK_ROWS`] rows (the last block fewer): row `k`'s encoding is
/// `bytes[ends[k - 1]..ends[k]]`.
#[derive(Debug)]
struct Block {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

fn internal(e: postcard::Error) -> FeatureError {
    FeatureError::Internal {
        reason: format!("own signals store: {e}"),
    }
}

impl OwnStore {
    /// Number of rows held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Appends `signals` (at most [`BLOCK_ROWS`] rows) as rows `len()..`, encoded on every
    /// core. The block is allocated at its exact size.
    pub(crate) fn push_block(&mut self, signals: &[OwnSignals]) -> Result<(), FeatureError> {
        if signals.len() > BLOCK_ROWS || !self.len.is_multiple_of(BLOCK_ROWS) {
            return Err(FeatureError::Internal {
                reason: "own signals store: rows are appended in whole blocks".into(),
            });
        }
        if signals.is_empty() {
            return Ok(());
        }
        let tasks: Vec<(Vec<u8>, Vec<u32>)> = signals
            .par_chunks(TASK_ROWS)
            .map(|rows| {
                let mut bytes = Vec::new();
                let mut ends = Vec::with_capacity(rows.len());
                for s in rows {
                    bytes = postcard::to_extend(s, bytes).map_err(internal)?;
                    ends.push(bytes.len());
                }
                Ok((bytes, ends.into_iter().map(|e| e as u32).collect()))
            })
            .collect::<Result<_, FeatureError>>()?;
        let total: usize = tasks.iter().map(|t| t.0.len()).sum();
        if u32::try_from(total).is_err() {
            return Err(FeatureError::Internal {
                reason: format!("own signals store: a block of {total} bytes"),
            });
        }
        let mut block = Block {
            bytes: Vec::with_capacity(total),
            ends: Vec::with_capacity(signals.len()),
        };
        for (bytes, ends) in tasks {
            let offset = block.bytes.len() as u32;
            block.bytes.extend_from_slice(&bytes);
            block.ends.extend(ends.iter().map(|e| e + offset));
        }
        self.len += signals.len();
        self.blocks.push(block);
        Ok(())
    }

    /// Frees the blocks whose rows are all below `row`: a run that computes feature rows in
    /// order gives back the own signals of the rows it has written (at ten million
    /// applications 2.5 GB by the last row, as scores accumulate).
    pub(crate) fn release_before(&mut self, row: usize) {
        for block in self.blocks.iter_mut().take(row / BLOCK_ROWS) {
            *block = Block {
                bytes: Vec::new(),
                ends: Vec::new(),
            };
        }
    }

    /// The own signals of row `row` (below [`len`](Self::len), and not released).
    pub(crate) fn get(&self, row: usize) -> Result<OwnSignals, FeatureError> {
        let block = &self.blocks[row / BLOCK_ROWS];
        let k = row % BLOCK_ROWS;
        if block.ends.len() <= k {
            return Err(FeatureError::Internal {
                reason: format!("own signals store: row {row} was released"),
            });
        }
        let start = if k == 0 {
            0
        } else {
            block.ends[k - 1] as usize
        };
        postcard::from_bytes(&block.bytes[start..block.ends[k] as usize]).map_err(internal)
    }

    /// Bytes held, for the record.
    #[cfg(test)]
    fn encoded_bytes(&self) -> usize {
        self.blocks.iter().map(|b| b.bytes.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::batch::own_rows;
    use crate::pipeline::columns::{ApplicationColumns, TelemetryBySlot, id_map};
    use crate::pipeline::own::References;

    fn sample_own_signals() -> Vec<OwnSignals> {
        let sample =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample");
        let raw = crate::read_data_dir(&sample).expect("sample");
        let refs = References::from_data_dir(&sample).expect("references");
        let cols = ApplicationColumns::new(&raw.applications).expect("columns");
        let telemetry =
            TelemetryBySlot::new(raw.telemetry.as_ref(), &id_map(cols.ids()), cols.len())
                .expect("telemetry");
        own_rows(&cols, &telemetry, &refs)
            .into_iter()
            .map(|r| r.signals)
            .collect()
    }

    /// Every own signal of the built-in sample's 20,000 applications reads back as computed,
    /// bit for bit (compared through their `Debug` text, which shows every field and every
    /// float exactly), over several blocks; the encoding takes under 60 % of the in-memory size.
    #[test]
    fn own_signals_read_back_exactly() {
        let sample = sample_own_signals();
        assert_eq!(sample.len(), 20_000);
        // The sample over again, for more than two blocks and a partial last one.
        let signals: Vec<OwnSignals> = sample
            .iter()
            .cycle()
            .take(2 * BLOCK_ROWS + 123)
            .copied()
            .collect();
        let mut store = OwnStore::default();
        for block in signals.chunks(BLOCK_ROWS) {
            store.push_block(block).expect("encoded");
        }
        assert_eq!(store.len(), signals.len());
        for (i, s) in signals.iter().enumerate() {
            let back = store.get(i).expect("decoded");
            assert_eq!(format!("{back:?}"), format!("{s:?}"), "row {i}");
        }
        let in_memory = signals.len() * std::mem::size_of::<OwnSignals>();
        // 244 bytes a row on the sample, against 464 in memory.
        assert!(
            store.encoded_bytes() * 10 < in_memory * 6,
            "{} encoded bytes for {in_memory}",
            store.encoded_bytes()
        );
        // Released blocks are gone (an error, not a panic); the rest still read back.
        store.release_before(BLOCK_ROWS + 5);
        assert!(store.get(BLOCK_ROWS - 1).is_err());
        assert_eq!(
            format!("{:?}", store.get(BLOCK_ROWS).expect("kept")),
            format!("{:?}", signals[BLOCK_ROWS])
        );
        assert!(store.encoded_bytes() * 3 < in_memory);
    }
}
