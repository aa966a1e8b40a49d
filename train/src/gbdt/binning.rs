//! Quantile binning: each feature's values are mapped once to small bin numbers (`u8`), and
//! the trees are grown on those.
//!
//! A feature with `v` value bins has `v - 1` ascending upper bounds `u_0 < u_1 < …`, all exact
//! `f32` values, and one extra bin (number `v`) for missing values (`NaN`). A value `x` falls in
//! the first bin `k` with `x <= u_k` (the last value bin when there is none). So for every `f32`
//! `x` (not only the training values), `bin(x) <= k` exactly when `x <= u_k` in `f32`: a split
//! "bins `0..=k` left" is the same rule as the prediction-time test `x <= u_k`, and the ONNX
//! export with `BRANCH_LEQ` and `f32` thresholds routes every row as training did.
//!
//! Bounds lie between neighbouring distinct training values `a < b`: the largest `f32` not above
//! their midpoint (so `a <= u < b`). With more distinct values than bins, the cut points are
//! chosen greedily by count, as LightGBM's `GreedyFindBin` does: values as frequent as a whole
//! bin get a bin of their own, the rest share the remaining bins evenly.

/// How one feature's values map to bins.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BinMapper {
    /// Ascending upper bounds of value bins `0..n_value_bins - 1` (the last value bin has none).
    upper_bounds: Vec<f32>,
}

impl BinMapper {
    /// Bins for the values of one feature, at most `max_value_bins` of them (≥ 1).
    /// `values` must hold no infinities; `NaN` (missing) is skipped.
    pub fn fit(values: &[f32], max_value_bins: usize) -> Self {
        // -0.0 + 0.0 = +0.0: the two zeros compare equal, so they must share a bin.
        let mut present: Vec<f32> = values
            .iter()
            .filter(|v| !v.is_nan())
            .map(|&v| v + 0.0)
            .collect();
        present.sort_unstable_by(f32::total_cmp);
        let mut distinct: Vec<f32> = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        for v in present {
            if distinct.last() == Some(&v) {
                *counts.last_mut().expect("pushed with distinct") += 1;
            } else {
                distinct.push(v);
                counts.push(1);
            }
        }
        BinMapper {
            upper_bounds: greedy_upper_bounds(&distinct, &counts, max_value_bins.max(1)),
        }
    }

    /// Number of value bins (at least 1); the missing bin is number `n_value_bins()`.
    pub fn n_value_bins(&self) -> usize {
        self.upper_bounds.len() + 1
    }

    /// The bin of `value`: the missing bin for `NaN`, else the first bin whose upper bound is
    /// `>= value`.
    pub fn bin(&self, value: f32) -> u8 {
        let bin = if value.is_nan() {
            self.n_value_bins()
        } else {
            self.upper_bounds.partition_point(|&bound| bound < value)
        };
        // n_value_bins <= 254 (max_bins <= 255 includes the missing bin), so this fits.
        bin as u8
    }

    /// The `f32` threshold `t` of the split "value bins `0..=bin` left": `x <= t` exactly for
    /// the values in those bins. For the last value bin (every present value left, missing
    /// right) it is `f32::MAX`.
    pub fn threshold(&self, bin: usize) -> f32 {
        self.upper_bounds.get(bin).copied().unwrap_or(f32::MAX)
    }
}

/// The largest `f32` not above the midpoint of `a < b`; always `a <= t < b`.
fn threshold_between(a: f32, b: f32) -> f32 {
    let midpoint = (f64::from(a) + f64::from(b)) * 0.5;
    let mut t = midpoint as f32;
    if f64::from(t) > midpoint {
        t = t.next_down();
    }
    t.clamp(a, b.next_down())
}

/// Upper bounds of at most `max_bins` bins over sorted distinct values with their counts.
fn greedy_upper_bounds(distinct: &[f32], counts: &[usize], max_bins: usize) -> Vec<f32> {
    let n = distinct.len();
    if n <= max_bins {
        return distinct
            .windows(2)
            .map(|w| threshold_between(w[0], w[1]))
            .collect();
    }
    let total: usize = counts.iter().sum();
    let whole_bin = total as f64 / max_bins as f64;
    let is_big: Vec<bool> = counts.iter().map(|&c| c as f64 >= whole_bin).collect();
    let big_bins = is_big.iter().filter(|&&b| b).count();
    let big_rows: usize = counts
        .iter()
        .zip(&is_big)
        .filter(|(_, b)| **b)
        .map(|(c, _)| c)
        .sum();
    let mut rest_bins = max_bins.saturating_sub(big_bins);
    let mut rest_rows = total - big_rows;
    let mean_of = |rows: usize, bins: usize| {
        if bins == 0 {
            f64::INFINITY
        } else {
            rows as f64 / bins as f64
        }
    };
    let mut mean = mean_of(rest_rows, rest_bins);
    let mut bounds = Vec::with_capacity(max_bins - 1);
    let mut in_bin = 0usize;
    for i in 0..n - 1 {
        if !is_big[i] {
            rest_rows -= counts[i];
        }
        in_bin += counts[i];
        let close = is_big[i]
            || in_bin as f64 >= mean
            || (is_big[i + 1] && in_bin as f64 >= (mean * 0.5).max(1.0));
        if close {
            bounds.push(threshold_between(distinct[i], distinct[i + 1]));
            in_bin = 0;
            if !is_big[i] {
                rest_bins = rest_bins.saturating_sub(1);
                mean = mean_of(rest_rows, rest_bins);
            }
            if bounds.len() >= max_bins - 1 {
                break;
            }
        }
    }
    bounds
}

/// Histogram cells per feature group: 4,096 cells of 32 bytes (128 KiB) stay in a core's L2
/// cache while the group's histogram is filled. Smaller groups (L1-sized) were slower on the
/// GBDT bench: every group reads each of the node's rows once, and with sparse rows that
/// per-row cost outweighs the cache level. A power of two, so a cell index masked with
/// `GROUP_CELLS - 1` needs no bounds check.
pub(crate) const GROUP_CELLS: usize = 4096;

/// Used features packed side by side for histogram building, row-major and sparse: for each
/// row, the cells (within the group's histogram: the feature's first cell plus its bin) of the
/// group's features whose bin is not the feature's most frequent one. The most frequent bin's
/// cell is the node's total minus the feature's other cells (LightGBM's `most_freq_bin`), so
/// most of the updates of features that are mostly zero (counts of rare events) are skipped.
#[derive(Debug, Clone)]
pub(crate) struct FeatureGroup {
    /// The used-feature slots in the group (contiguous).
    pub slots: std::ops::Range<usize>,
    /// Row `r`'s entries are `entries[row_starts[r]..row_starts[r + 1]]`.
    pub row_starts: Vec<u32>,
    /// Cells within the group, slot order within a row.
    pub entries: Vec<u16>,
    /// Per slot of the group: its cells within the group, and the cell of its most frequent
    /// bin (left out of `entries`).
    pub features: Vec<GroupFeature>,
    /// Cells the group's features own (the first ones of its `GROUP_CELLS`; the rest stay
    /// zero).
    pub used_cells: usize,
}

/// One feature's place in its group's histogram.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupFeature {
    /// Its cells within the group.
    pub cells: std::ops::Range<usize>,
    /// The cell of its most frequent bin (ties: the lowest bin) within the group.
    pub default_cell: usize,
}

/// The training matrix as bins, in two layouts: column-major `bins[feature * n_rows + row]`
/// for partitions and routing (one feature of many rows), and, for histograms, row-major
/// within [`FeatureGroup`]s of used features (every feature of one row side by side).
///
/// A feature is used when some split on it could separate rows: it has two value bins or
/// more, or one value bin and some rows missing and some present. Others (constant, or
/// missing everywhere) are dropped from the histograms.
///
/// A node's histogram is a flat array of `GROUP_CELLS` cells per group; used feature `slot`
/// owns [`BinnedMatrix::slot_range`], its value bins then its missing bin.
#[derive(Debug, Clone)]
pub(crate) struct BinnedMatrix {
    pub n_rows: usize,
    pub bins: Vec<u8>,
    pub mappers: Vec<BinMapper>,
    /// The used features, group by group (ascending within a group).
    used: Vec<usize>,
    /// The first histogram cell of each used feature (group base included).
    starts: Vec<usize>,
    groups: Vec<FeatureGroup>,
}

impl BinnedMatrix {
    /// Bins every column of `columns` (all of length `n_rows`) into at most `max_bins` bins,
    /// one of them reserved for missing values. Runs on the current rayon pool.
    pub fn new(columns: &[&[f32]], n_rows: usize, max_bins: usize) -> Self {
        use rayon::prelude::*;
        // Per feature: its mapper, bins, whether it is used, its most frequent bin and how
        // many rows are elsewhere.
        let per_feature: Vec<(BinMapper, Vec<u8>, bool, u8, usize)> = columns
            .par_iter()
            .map(|column| {
                let mapper = BinMapper::fit(column, max_bins - 1);
                let bins: Vec<u8> = column.iter().map(|&v| mapper.bin(v)).collect();
                let mut counts = vec![0usize; mapper.n_value_bins() + 1];
                for &bin in &bins {
                    counts[usize::from(bin)] += 1;
                }
                let missing = counts[mapper.n_value_bins()];
                let used = mapper.n_value_bins() >= 2 || (missing > 0 && missing < bins.len());
                let most = counts.iter().copied().max().unwrap_or(0);
                let default_bin = counts.iter().position(|&c| c == most).unwrap_or(0) as u8;
                let elsewhere = bins.len() - most;
                (mapper, bins, used, default_bin, elsewhere)
            })
            .collect();
        let mut bins = Vec::with_capacity(columns.len() * n_rows);
        let mut mappers = Vec::with_capacity(columns.len());
        let mut used = Vec::new();
        let mut default_bins = Vec::new();
        let mut weights = Vec::new();
        for (feature, (mapper, column_bins, is_used, default_bin, elsewhere)) in
            per_feature.into_iter().enumerate()
        {
            bins.extend_from_slice(&column_bins);
            if is_used {
                used.push(feature);
            }
            default_bins.push(default_bin);
            weights.push(elsewhere);
            mappers.push(mapper);
        }
        // Pack the used features into groups of at most GROUP_CELLS cells, at least one group
        // per thread, balancing the entries (rows outside the most frequent bin) that each
        // group's thread adds: heaviest features first, each into the lightest group that has
        // room.
        let cells_of = |feature: usize| mappers[feature].n_value_bins() + 1;
        let total_cells: usize = used.iter().map(|&f| cells_of(f)).sum();
        let n_groups = total_cells
            .div_ceil(GROUP_CELLS)
            .max(rayon::current_num_threads())
            .clamp(1, used.len().max(1));
        let mut group_load = vec![(0usize, 0usize); n_groups];
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
        let mut by_weight = used.clone();
        by_weight.sort_by_key(|&f| (std::cmp::Reverse((weights[f], cells_of(f))), f));
        for feature in by_weight {
            let cells = cells_of(feature);
            let lightest = (0..group_load.len())
                .filter(|&g| group_load[g].1 + cells <= GROUP_CELLS)
                .min_by_key(|&g| (group_load[g].0, g));
            let group = lightest.unwrap_or_else(|| {
                group_load.push((0, 0));
                members.push(Vec::new());
                group_load.len() - 1
            });
            group_load[group].0 += weights[feature];
            group_load[group].1 += cells;
            members[group].push(feature);
        }
        members.retain(|m| !m.is_empty());
        // Slots are numbered group by group, features ascending within a group.
        let mut used = Vec::with_capacity(used.len());
        let mut starts = Vec::with_capacity(used.capacity());
        let mut group_slots: Vec<std::ops::Range<usize>> = Vec::with_capacity(members.len());
        for (group, features) in members.iter_mut().enumerate() {
            features.sort_unstable();
            let first_slot = used.len();
            let mut fill = 0;
            for &feature in features.iter() {
                used.push(feature);
                starts.push(group * GROUP_CELLS + fill);
                fill += cells_of(feature);
            }
            group_slots.push(first_slot..used.len());
        }
        let groups = group_slots
            .into_par_iter()
            .enumerate()
            .map(|(group, slots)| {
                let base = group * GROUP_CELLS;
                let features: Vec<GroupFeature> = slots
                    .clone()
                    .map(|slot| {
                        let feature = used[slot];
                        let first = starts[slot] - base;
                        GroupFeature {
                            cells: first..first + cells_of(feature),
                            default_cell: first + usize::from(default_bins[feature]),
                        }
                    })
                    .collect();
                // Entries per row, then their places, then the entries, column by column
                // within blocks of rows (each column read in order, the block's entries
                // written in cache).
                let mut row_starts = vec![0u32; n_rows + 1];
                for (slot, f) in slots.clone().zip(&features) {
                    let column = &bins[used[slot] * n_rows..(used[slot] + 1) * n_rows];
                    let default_bin = (f.default_cell - f.cells.start) as u8;
                    for (count, &bin) in row_starts[1..].iter_mut().zip(column) {
                        *count += u32::from(bin != default_bin);
                    }
                }
                for r in 0..n_rows {
                    row_starts[r + 1] += row_starts[r];
                }
                let mut entries = vec![0u16; row_starts[n_rows] as usize];
                let mut cursor: Vec<u32> = row_starts[..n_rows].to_vec();
                const BLOCK_ROWS: usize = 4096;
                for first_row in (0..n_rows).step_by(BLOCK_ROWS) {
                    let last_row = (first_row + BLOCK_ROWS).min(n_rows);
                    for (slot, f) in slots.clone().zip(&features) {
                        let column = &bins[used[slot] * n_rows..(used[slot] + 1) * n_rows];
                        let default_bin = (f.default_cell - f.cells.start) as u8;
                        for row in first_row..last_row {
                            let bin = column[row];
                            if bin != default_bin {
                                entries[cursor[row] as usize] =
                                    (f.cells.start + usize::from(bin)) as u16;
                                cursor[row] += 1;
                            }
                        }
                    }
                }
                let used_cells = features.last().map_or(0, |f| f.cells.end);
                FeatureGroup {
                    slots,
                    row_starts,
                    entries,
                    features,
                    used_cells,
                }
            })
            .collect();
        BinnedMatrix {
            n_rows,
            bins,
            mappers,
            used,
            starts,
            groups,
        }
    }

    /// The bins of feature `feature`, one per row.
    pub fn column(&self, feature: usize) -> &[u8] {
        &self.bins[feature * self.n_rows..(feature + 1) * self.n_rows]
    }

    /// The used features (see the type's docs), group by group; histograms hold these only.
    pub fn used(&self) -> &[usize] {
        &self.used
    }

    /// The histogram cells of used feature `slot`.
    pub fn slot_range(&self, slot: usize) -> std::ops::Range<usize> {
        let start = self.starts[slot];
        start..start + self.mappers[self.used[slot]].n_value_bins() + 1
    }

    /// Number of cells in a node's histogram (`GROUP_CELLS` per group).
    pub fn total_bins(&self) -> usize {
        self.groups.len() * GROUP_CELLS
    }

    /// The feature groups, in slot order.
    pub fn groups(&self) -> &[FeatureGroup] {
        &self.groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_between_neighbours_is_exact() {
        let one = 1.0_f32;
        let next = one.next_up();
        // Adjacent f32 values: the midpoint is not an f32, the lower value is the threshold.
        assert_eq!(threshold_between(one, next), one);
        assert_eq!(threshold_between(1.0, 2.0), 1.5);
        for (a, b) in [
            (0.1_f32, 0.3_f32),
            (-7.25, 1e30),
            (-1e30, 1e-30),
            (3.0, 3.0_f32.next_up()),
        ] {
            let t = threshold_between(a, b);
            assert!(a <= t && t < b, "{a} {t} {b}");
        }
    }

    #[test]
    fn few_distinct_values_get_one_bin_each() {
        let values = [3.0, 1.0, f32::NAN, 2.0, 1.0, -0.0, 0.0, 3.0];
        let mapper = BinMapper::fit(&values, 10);
        assert_eq!(mapper.upper_bounds, vec![0.5, 1.5, 2.5]);
        let bins: Vec<u8> = values.iter().map(|&v| mapper.bin(v)).collect();
        assert_eq!(bins, vec![3, 1, 4, 2, 1, 0, 0, 3]);
        assert_eq!(mapper.threshold(3), f32::MAX);
    }

    #[test]
    fn bins_agree_with_float_comparison_for_any_value() {
        // Many distinct values, so the greedy quantile path is taken.
        let values: Vec<f32> = (0..5000)
            .map(|i| ((i * 7919) % 1013) as f32 * 0.37 - 50.0)
            .collect();
        let mapper = BinMapper::fit(&values, 31);
        assert!(mapper.n_value_bins() <= 31 && mapper.n_value_bins() >= 25);
        let mut probes: Vec<f32> = values.clone();
        for &u in &mapper.upper_bounds {
            probes.extend([u, u.next_up(), u.next_down()]);
        }
        for &x in &probes {
            let bin = mapper.bin(x) as usize;
            for k in 0..mapper.n_value_bins() {
                assert_eq!(bin <= k, x <= mapper.threshold(k), "x = {x}, k = {k}");
            }
        }
    }

    #[test]
    fn quantile_bins_are_roughly_even_and_frequent_values_stand_alone() {
        let mut values: Vec<f32> = (0..1000).map(|i| i as f32).collect();
        values.extend(std::iter::repeat_n(500.0, 300));
        let mapper = BinMapper::fit(&values, 10);
        assert!(mapper.n_value_bins() <= 10);
        let mut counts = vec![0usize; mapper.n_value_bins()];
        for &v in &values {
            counts[mapper.bin(v) as usize] += 1;
        }
        let big = counts[mapper.bin(500.0) as usize];
        // The frequent value's bin holds it (300 + itself) and nothing else.
        assert_eq!(big, 301);
        assert!(counts.iter().all(|&c| c > 50), "{counts:?}");
    }

    #[test]
    fn all_missing_and_constant_features_have_one_value_bin() {
        let mapper = BinMapper::fit(&[f32::NAN, f32::NAN], 254);
        assert_eq!((mapper.n_value_bins(), mapper.bin(f32::NAN)), (1, 1));
        let mapper = BinMapper::fit(&[4.0, 4.0, f32::NAN], 254);
        assert_eq!((mapper.bin(4.0), mapper.bin(f32::NAN)), (0, 1));
    }

    #[test]
    fn matrix_is_column_major() {
        let a = [1.0, 2.0, 3.0];
        let b = [f32::NAN, 5.0, 5.0];
        let m = BinnedMatrix::new(&[&a, &b], 3, 255);
        assert_eq!(m.column(0), &[0, 1, 2]);
        assert_eq!(m.column(1), &[1, 0, 0]);
    }

    /// Used features and the sparse row-major copy, checked against the column-major bins:
    /// each row's entries are the cells of its bins that are not their feature's most
    /// frequent one.
    #[test]
    fn groups_hold_the_non_default_bins_as_cells() {
        let a = [1.0, 2.0, 3.0, 1.0];
        let constant = [7.0; 4];
        let all_missing = [f32::NAN; 4];
        let only_missingness = [f32::NAN, 5.0, 5.0, f32::NAN];
        let columns: [&[f32]; 4] = [&a, &constant, &all_missing, &only_missingness];
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let m = one_thread.install(|| BinnedMatrix::new(&columns, 4, 255));
        assert_eq!(m.used(), &[0, 3]);
        // a: 3 value bins + missing; only_missingness: 1 value bin + missing.
        assert_eq!((m.slot_range(0), m.slot_range(1)), (0..4, 4..6));
        assert_eq!(m.groups().len(), 1);
        let group = &m.groups()[0];
        // a's most frequent bin is 0 (the value 1.0, twice); only_missingness has a tie
        // between bin 0 (5.0) and the missing bin 1: the lower bin.
        assert_eq!(
            group.features,
            vec![
                GroupFeature {
                    cells: 0..4,
                    default_cell: 0
                },
                GroupFeature {
                    cells: 4..6,
                    default_cell: 4
                }
            ]
        );
        let rows: Vec<&[u16]> = (0..4)
            .map(|r| &group.entries[group.row_starts[r] as usize..group.row_starts[r + 1] as usize])
            .collect();
        assert_eq!(rows, vec![&[5][..], &[1][..], &[2][..], &[5][..]]);
    }

    /// Many wide features: groups never exceed GROUP_CELLS and never split a feature; there
    /// is a group per thread at least; the features' weights (rows outside the most frequent
    /// bin) are spread so that no group carries more than its share plus one feature.
    #[test]
    fn groups_fit_their_cells_and_share_the_work() {
        let n = 600;
        // 20 features of 255 cells (5,100 > GROUP_CELLS), feature j with j·20 rows outside
        // its most frequent value.
        let columns: Vec<Vec<f32>> = (0..20)
            .map(|j| {
                (0..n)
                    .map(|i| {
                        if i < j * 20 {
                            ((i * 7919) % 600) as f32 + 1.0
                        } else if i % 3 == 0 {
                            0.0
                        } else {
                            (((i * 7919 + j * 31) % 254) + 1000) as f32
                        }
                    })
                    .collect()
            })
            .collect();
        let refs: Vec<&[f32]> = columns.iter().map(Vec::as_slice).collect();
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let m = pool.install(|| BinnedMatrix::new(&refs, n, 255));
            let mut used = m.used().to_vec();
            used.sort_unstable();
            assert_eq!(used, (0..20).collect::<Vec<_>>());
            assert!(m.groups().len() >= threads.max(2), "threads {threads}");
            for (g, group) in m.groups().iter().enumerate() {
                for slot in group.slots.clone() {
                    let range = m.slot_range(slot);
                    assert!(range.start >= g * GROUP_CELLS && range.end <= (g + 1) * GROUP_CELLS);
                }
            }
        }
    }
}
