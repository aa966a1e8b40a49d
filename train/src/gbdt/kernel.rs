//! The inner loop of histogram building, where the GBDT spends most of its time, with two
//! CPU-specific helps:
//!
//! - **Software prefetch.** A node's rows are ascending but scattered, so the hardware
//!   prefetcher cannot guess the next row; without a prefetch each row's bins are a cache miss
//!   that stalls the loop (seen with `perf annotate` on the GBDT bench). The loop asks for the
//!   bins and gradient pair of the row [`AHEAD`] rows on while it adds this one.
//! - **AVX2.** A cell and a gradient pair are four `f64` lanes, one 256-bit addition with
//!   AVX2 (two 128-bit ones without). The same loop is compiled twice, once with AVX2 enabled,
//!   and the build is chosen at run time. Lane-wise IEEE additions in the same order: both
//!   builds give bit-identical histograms.

// `unsafe` here is two calls: `_mm_prefetch`, a hint that reads no memory and cannot fault
// (also used by the row partition), and the AVX2 build of the loop, called only after the CPU
// was seen to support AVX2.
#![allow(unsafe_code)]

use super::binning::GROUP_CELLS;
use super::histogram::{GradientPair, HistBin};

/// How many rows ahead the loops prefetch.
pub(crate) const AHEAD: usize = 12;

/// Adds the gradient pair of each row of `rows` to its cells: row `r`'s cell indices are
/// `entries[row_starts[r]..row_starts[r + 1]]` (each below `GROUP_CELLS`), in order.
pub(crate) fn add_rows(
    row_starts: &[u32],
    entries: &[u16],
    rows: &[u32],
    pairs: &[GradientPair],
    out: &mut [HistBin; GROUP_CELLS],
) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above), the only requirement of a
        // `#[target_feature(enable = "avx2")]` function.
        unsafe { add_rows_avx2(row_starts, entries, rows, pairs, out) };
        return;
    }
    add_rows_portable(row_starts, entries, rows, pairs, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn add_rows_avx2(
    row_starts: &[u32],
    entries: &[u16],
    rows: &[u32],
    pairs: &[GradientPair],
    out: &mut [HistBin; GROUP_CELLS],
) {
    add_rows_portable(row_starts, entries, rows, pairs, out);
}

#[inline(always)]
fn add_rows_portable(
    row_starts: &[u32],
    entries: &[u16],
    rows: &[u32],
    pairs: &[GradientPair],
    out: &mut [HistBin; GROUP_CELLS],
) {
    const MASK: usize = GROUP_CELLS - 1;
    for (i, &row) in rows.iter().enumerate() {
        // Two stages: the row start twice as far ahead, then (once it has arrived) the
        // entries and gradient pair of the row `AHEAD` on.
        if let Some(&far) = rows.get(i + 2 * AHEAD) {
            prefetch(row_starts, far as usize);
        }
        if let Some(&next) = rows.get(i + AHEAD) {
            let n = next as usize;
            prefetch(entries, row_starts[n] as usize);
            prefetch(pairs, n);
        }
        let r = row as usize;
        let pair = pairs[r];
        for &cell in &entries[row_starts[r] as usize..row_starts[r + 1] as usize] {
            let bin = &mut out[usize::from(cell) & MASK];
            for (a, b) in bin.0.iter_mut().zip(pair.0) {
                *a += b;
            }
        }
    }
}

/// Hints that `slice[index]` will be read soon. Does nothing when `index` is out of bounds or
/// on targets other than x86-64.
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if index < slice.len() {
        let pointer = slice[index..].as_ptr().cast::<i8>();
        // SAFETY: `_mm_prefetch` needs SSE, which every x86-64 CPU has; it is a hint that
        // neither reads nor writes memory as far as the program can observe, and the pointer
        // is in bounds of a live slice.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(pointer);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: the same additions written out directly, without prefetch or AVX2;
    /// bit-identical.
    #[test]
    fn both_builds_equal_the_direct_sums() {
        let n = 500;
        // Row r holds r % 4 entries.
        let mut row_starts = vec![0u32];
        let mut entries = Vec::new();
        for r in 0..n {
            for k in 0..r % 4 {
                entries.push(((r * 7919 + k * 131) % GROUP_CELLS) as u16);
            }
            row_starts.push(entries.len() as u32);
        }
        let pairs: Vec<GradientPair> = (0..n)
            .map(|i| GradientPair::new((i as f64 * 0.37).sin(), 0.1 + (i % 7) as f64 * 0.01))
            .collect();
        let rows: Vec<u32> = (0..n as u32).filter(|r| r % 3 != 0).collect();
        let mut expected = Box::new([HistBin::default(); GROUP_CELLS]);
        for &r in &rows {
            let r = r as usize;
            for &cell in &entries[row_starts[r] as usize..row_starts[r + 1] as usize] {
                let c = &mut expected[usize::from(cell)];
                for lane in 0..4 {
                    c.0[lane] += pairs[r].0[lane];
                }
            }
        }
        let mut got = Box::new([HistBin::default(); GROUP_CELLS]);
        add_rows(&row_starts, &entries, &rows, &pairs, &mut got);
        assert_eq!(got, expected);
        let mut portable = Box::new([HistBin::default(); GROUP_CELLS]);
        add_rows_portable(&row_starts, &entries, &rows, &pairs, &mut portable);
        assert_eq!(portable, expected);
    }
}
