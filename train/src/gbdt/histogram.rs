//! Gradient histograms: for one node, per feature and per bin, the sums of gradients and
//! hessians and the row count of the node's rows in that bin. Split finding only reads these.
//!
//! # Layout
//!
//! One node's histogram is one flat array of [`HistBin`]s: per feature group of the binned
//! matrix, `GROUP_CELLS` cells (32 KiB, a core's L1 data cache) holding its used features one
//! after another, each with its value bins and then its missing bin
//! ([`BinnedMatrix::slot_range`]). A cell is four `f64` lanes (gradient, hessian, count, 0), so
//! adding a row to a cell is one addition of a 32-byte vector.
//!
//! # Building
//!
//! Rows are read row-wise within a group (LightGBM's "multi-value bin" layout): the group keeps
//! each row's cell indices side by side, so one row's gradient pair is loaded once and added to
//! every feature's cell of the group, and consecutive updates of one feature are a whole row
//! apart, so they never wait for each other. Groups are filled by threads side by side; every
//! cell is still summed by one thread over the node's rows in ascending order, so the
//! histogram is bit-identical whatever the number of threads.
//!
//! After a split only the child with fewer rows is built from its rows; the other one is the
//! parent's histogram minus it (LightGBM's histogram subtraction), which halves the work at
//! least. Histograms are recycled through a [`HistogramPool`], so a tree allocates none once
//! the pool is warm.

use rayon::prelude::*;

use super::binning::{BinnedMatrix, FeatureGroup, GROUP_CELLS};
use super::kernel;

/// Sums of gradients and hessians of some rows, and how many rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct GradientSums {
    pub gradient: f64,
    pub hessian: f64,
    pub count: u32,
}

impl GradientSums {
    /// `self + other`.
    pub fn plus(self, other: Self) -> Self {
        GradientSums {
            gradient: self.gradient + other.gradient,
            hessian: self.hessian + other.hessian,
            count: self.count + other.count,
        }
    }

    /// `self − other`; `other` must describe a subset of `self`'s rows.
    pub fn minus(self, other: Self) -> Self {
        GradientSums {
            gradient: self.gradient - other.gradient,
            hessian: self.hessian - other.hessian,
            count: self.count - other.count,
        }
    }

    /// The sums over `rows`, added in the order given.
    pub fn over(rows: &[u32], pairs: &[GradientPair]) -> Self {
        let mut sums = GradientSums::default();
        for &row in rows {
            let [g, h, _, _] = pairs[row as usize].0;
            sums.gradient += g;
            sums.hessian += h;
        }
        sums.count = rows.len() as u32;
        sums
    }
}

/// One row's gradient and hessian as a histogram increment: `[g, h, 1, 0]`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(C, align(32))]
pub(crate) struct GradientPair(pub [f64; 4]);

impl GradientPair {
    /// The increment of a row with gradient `g` and hessian `h`.
    pub fn new(g: f64, h: f64) -> Self {
        GradientPair([g, h, 1.0, 0.0])
    }
}

/// One histogram cell: `[Σg, Σh, count, 0]` of the rows in the bin. Counts are exact in `f64`
/// (below 2^53 rows).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(C, align(32))]
pub(crate) struct HistBin(pub [f64; 4]);

impl HistBin {
    /// A cell with the given sums (tests and references).
    #[cfg(test)]
    pub fn new(gradient: f64, hessian: f64, count: u32) -> Self {
        HistBin([gradient, hessian, f64::from(count), 0.0])
    }

    /// The cell as [`GradientSums`].
    #[inline]
    pub fn sums(self) -> GradientSums {
        GradientSums {
            gradient: self.0[0],
            hessian: self.0[1],
            count: self.0[2] as u32,
        }
    }

    #[inline]
    fn add(&mut self, pair: &GradientPair) {
        for (a, b) in self.0.iter_mut().zip(pair.0) {
            *a += b;
        }
    }

    #[inline]
    fn sub(&mut self, other: &HistBin) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a -= b;
        }
    }
}

/// One node's histogram over the used features (see the module docs for the layout).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodeHistogram {
    pub bins: Vec<HistBin>,
}

impl NodeHistogram {
    /// The bins of used feature number `slot` (value bins, then the missing bin).
    pub fn feature(&self, binned: &BinnedMatrix, slot: usize) -> &[HistBin] {
        &self.bins[binned.slot_range(slot)]
    }

    /// Fills `self` (any previous content is overwritten) with the histogram of `rows`
    /// (ascending) for the used features with `active[feature]`; inactive features' cells are
    /// zero.
    pub fn build(
        &mut self,
        binned: &BinnedMatrix,
        rows: &[u32],
        total: GradientSums,
        pairs: &[GradientPair],
        active: &[bool],
    ) {
        if self.bins.len() != binned.total_bins() {
            self.bins.clear();
            self.bins.resize(binned.total_bins(), HistBin::default());
        }
        let groups = binned.groups();
        let work = rows.len() * binned.used().len();
        let fill = |(group, out): (&FeatureGroup, &mut [HistBin])| {
            let out: &mut [HistBin; GROUP_CELLS] =
                out.try_into().expect("a group owns GROUP_CELLS cells");
            accumulate(binned, group, rows, total, pairs, active, out);
        };
        if work >= MIN_PARALLEL_WORK && groups.len() > 1 {
            groups
                .par_iter()
                .zip(self.bins.par_chunks_mut(GROUP_CELLS))
                .for_each(fill);
        } else {
            groups
                .iter()
                .zip(self.bins.chunks_mut(GROUP_CELLS))
                .for_each(fill);
        }
    }

    /// Turns the parent's histogram into the histogram of its other child: `self − child`
    /// (the cells the groups' features own; the others stay zero).
    pub fn subtract(&mut self, binned: &BinnedMatrix, child: &NodeHistogram) {
        // One group per task, as the groups were built.
        self.bins
            .par_chunks_mut(GROUP_CELLS)
            .zip(child.bins.par_chunks(GROUP_CELLS))
            .zip(binned.groups())
            .for_each(|((parent, child), group)| {
                let n = group.used_cells;
                for (p, c) in parent[..n].iter_mut().zip(&child[..n]) {
                    p.sub(c);
                }
            });
    }
}

/// Adds `rows` into the cells of one feature group (`out` is the group's part of the
/// histogram).
fn accumulate(
    binned: &BinnedMatrix,
    group: &FeatureGroup,
    rows: &[u32],
    total: GradientSums,
    pairs: &[GradientPair],
    active: &[bool],
    out: &mut [HistBin; GROUP_CELLS],
) {
    out[..group.used_cells].fill(HistBin::default());
    let is_active = |k: usize| active[binned.used()[group.slots.start + k]];
    let width = group.slots.len();
    if (0..width).all(is_active) {
        kernel::add_rows(&group.row_starts, &group.entries, rows, pairs, out);
    } else {
        // Feature subsampling: entries of the group's active features only.
        let mut keep = [false; GROUP_CELLS];
        for (k, f) in group.features.iter().enumerate() {
            if is_active(k) {
                keep[f.cells.clone()].fill(true);
            }
        }
        for &row in rows {
            let r = row as usize;
            let pair = pairs[r];
            let range = group.row_starts[r] as usize..group.row_starts[r + 1] as usize;
            for &cell in &group.entries[range] {
                let cell = usize::from(cell) % GROUP_CELLS;
                if keep[cell] {
                    out[cell].add(&pair);
                }
            }
        }
    }
    // Each feature's most frequent bin: the node's total minus the feature's other cells.
    let total = HistBin([total.gradient, total.hessian, f64::from(total.count), 0.0]);
    for (k, f) in group.features.iter().enumerate() {
        if !is_active(k) {
            continue;
        }
        let mut rest = total;
        for (cell, bin) in out[f.cells.clone()].iter().enumerate() {
            if f.cells.start + cell != f.default_cell {
                rest.sub(bin);
            }
        }
        out[f.default_cell] = rest;
    }
}

/// Histograms no longer needed, kept for reuse so that growing a tree allocates none.
#[derive(Debug, Default)]
pub(crate) struct HistogramPool {
    free: Vec<NodeHistogram>,
}

impl HistogramPool {
    /// A histogram to [`NodeHistogram::build`] into (its content is arbitrary).
    pub fn take(&mut self) -> NodeHistogram {
        self.free
            .pop()
            .unwrap_or_else(|| NodeHistogram { bins: Vec::new() })
    }

    /// Returns a histogram to the pool.
    pub fn give(&mut self, histogram: NodeHistogram) {
        self.free.push(histogram);
    }
}

/// Below this much work (rows × features for a histogram, bins for a split search, rows for a
/// partition) work is done on the calling thread: spreading a few thousand operations over
/// threads costs more than it saves.
pub(crate) const MIN_PARALLEL_WORK: usize = 1 << 15;

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(gradients: &[f64], hessians: &[f64]) -> Vec<GradientPair> {
        gradients
            .iter()
            .zip(hessians)
            .map(|(&g, &h)| GradientPair::new(g, h))
            .collect()
    }

    /// The direct definition: for each used feature and row, the row's bin's cell.
    fn reference(
        binned: &BinnedMatrix,
        rows: &[u32],
        p: &[GradientPair],
        active: &[bool],
    ) -> Vec<HistBin> {
        let mut cells = vec![HistBin::default(); binned.total_bins()];
        for (slot, &feature) in binned.used().iter().enumerate() {
            if !active[feature] {
                continue;
            }
            let column = binned.column(feature);
            let range = binned.slot_range(slot);
            for &r in rows {
                cells[range.start + usize::from(column[r as usize])].add(&p[r as usize]);
            }
        }
        cells
    }

    fn example() -> (BinnedMatrix, Vec<GradientPair>) {
        let n = 3000;
        let a: Vec<f32> = (0..n).map(|i| (i % 17) as f32).collect();
        let b: Vec<f32> = (0..n)
            .map(|i| {
                if i % 5 == 0 {
                    f32::NAN
                } else {
                    (i % 7) as f32 * 0.5
                }
            })
            .collect();
        let constant = vec![2.0_f32; n];
        let c: Vec<f32> = (0..n).map(|i| ((i * 7919) % 1013) as f32).collect();
        let binned = BinnedMatrix::new(&[&a, &constant, &b, &c], n, 255);
        let gradients: Vec<f64> = (0..n)
            .map(|i| ((i * 37) % 11) as f64 / 11.0 - 0.4)
            .collect();
        let hessians: Vec<f64> = (0..n).map(|i| 0.1 + ((i * 13) % 7) as f64 / 30.0).collect();
        (binned, pairs(&gradients, &hessians))
    }

    /// Reference: the direct per-feature sums in row order. Counts are exact; the sums of a
    /// feature's most frequent bin are the node's total minus its other cells, so they differ
    /// by rounding (tolerance 1e-9 on sums of order 100). Built on one thread or three, the
    /// histogram is bit-identical.
    #[test]
    fn row_wise_build_equals_the_direct_sums_exactly() {
        let (binned, p) = example();
        let mut used = binned.used().to_vec();
        used.sort_unstable();
        assert_eq!(used, [0, 2, 3], "the constant feature is left out");
        let all: Vec<u32> = (0..3000).collect();
        let some: Vec<u32> = (0..3000).filter(|r| r % 3 != 1).collect();
        for rows in [&all[..], &some[..], &all[..10]] {
            for active in [[true; 4], [true, true, false, true]] {
                let total = GradientSums::over(rows, &p);
                let mut h = NodeHistogram { bins: Vec::new() };
                h.build(&binned, rows, total, &p, &active);
                let expected = reference(&binned, rows, &p, &active);
                for (got, want) in h.bins.iter().zip(&expected) {
                    assert_eq!(got.0[2], want.0[2], "counts");
                    assert!((got.0[0] - want.0[0]).abs() < 1e-9, "{got:?} {want:?}");
                    assert!((got.0[1] - want.0[1]).abs() < 1e-9, "{got:?} {want:?}");
                }
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(3)
                    .build()
                    .unwrap();
                let mut threaded = NodeHistogram {
                    bins: vec![HistBin([9.0; 4]); 5],
                };
                pool.install(|| threaded.build(&binned, rows, total, &p, &active));
                assert_eq!(threaded.bins, h.bins);
            }
        }
    }

    /// Reference: histograms built directly from each child's rows. Counts are exact; sums
    /// differ by the rounding of the subtractions (of the parent's cells, and of each
    /// feature's most frequent bin from the node's total): tolerance 1e-9 on sums of order
    /// 100.
    #[test]
    fn subtraction_equals_direct_build() {
        let (binned, p) = example();
        let active = [true; 4];
        let all: Vec<u32> = (0..3000).collect();
        let (left, right): (Vec<u32>, Vec<u32>) = all.iter().partition(|&&r| r % 3 == 0);
        let mut pool = HistogramPool::default();
        let mut parent = pool.take();
        parent.build(&binned, &all, GradientSums::over(&all, &p), &p, &active);
        let mut small = pool.take();
        small.build(&binned, &left, GradientSums::over(&left, &p), &p, &active);
        let mut direct = pool.take();
        direct.build(&binned, &right, GradientSums::over(&right, &p), &p, &active);
        parent.subtract(&binned, &small);
        for (p, d) in parent.bins.iter().zip(&direct.bins) {
            assert_eq!(p.0[2], d.0[2]);
            assert!((p.0[0] - d.0[0]).abs() < 1e-9);
            assert!((p.0[1] - d.0[1]).abs() < 1e-9);
        }
        let total: f64 = direct.feature(&binned, 1).iter().map(|c| c.0[2]).sum();
        assert_eq!(total as usize, right.len());
    }
}
