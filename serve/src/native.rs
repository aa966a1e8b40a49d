//! The native tree evaluator: the ONNX `TreeEnsembleClassifier` of a package, compiled into flat
//! arrays and evaluated block by block, with the graph's calibration applied after it. It
//! computes what ONNX Runtime computes on the same file (the parity tests hold both to 1e-6) and
//! is the default engine for tree packages because it is much faster (see the benchmark).
//!
//! Layout: every node of every tree is one 12-byte [`FlatNode`] in one vector, each tree in
//! depth-first preorder (a branch's left child is the next node); leaves are absorbing (a walk
//! that reached one stays on it), so many walks can go down a tree in lockstep without a
//! data-dependent branch. Rows are taken in small blocks; the block passes through one tree at a
//! time, so the tree's nodes stay in cache, and each row's margin adds its leaves in tree order,
//! as ONNX Runtime and the Rust model do.
//!
//! Two walks, chosen at run time, reach the same leaves (tested against each other and against
//! [`TreeEnsemble::margin`]):
//! - with AVX-512F, [`VECTORS`] vectors of [`WIDE`] rows each walk the tree on 8-byte packed
//!   nodes, gathering nodes and feature values (`bench/score_throughput.sh` measures it);
//! - otherwise, or when a model's feature indices or trees are too large to pack, [`LANES`]
//!   scalar walks go down the tree together.
//!
//! [`NativeTrees::kernel`] says which of the two runs for a model on this machine.

// The one module of the workspace allowed `unsafe` (denied everywhere else): unchecked node
// walks and the AVX-512 kernel, bounded once when a model is packed; every block says why it
// is sound.
#![allow(unsafe_code)]

use crate::graph::Calibration;
use crate::{Node, TreeEnsemble};

/// Rows that walk each tree together in the scalar evaluator.
pub const LANES: usize = 8;

/// Walks that go down a tree together in the AVX-512 evaluator: one per 32-bit lane.
pub const WIDE: usize = 16;

/// Vectors of [`WIDE`] walks in flight together in the AVX-512 evaluator.
pub const VECTORS: usize = 8;

// The public docs of `Kernel` and `NativeTrees::margins` state these block sizes in numbers.
const _: () = assert!(LANES == 8 && WIDE == 16 && VECTORS == 8);

/// One node, in depth-first preorder: a branch's left child is the next node. A branch sends
/// `x <= threshold` left and other values to `right`; `NaN` goes left iff `feature` has the
/// [`MISSING_LEFT`] bit. A leaf has the [`LEAF`] bit; its value is in `values`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
struct FlatNode {
    threshold: f32,
    feature: u32,
    right: u32,
}

const MISSING_LEFT: u32 = 1 << 31;
const LEAF: u32 = 1 << 30;
const FEATURE_MASK: u32 = LEAF - 1;

/// The 8-byte node of the AVX-512 evaluator: the threshold's bits in the low 32 bits, and in
/// the high 32 bits the feature (bits 0..14), [`PACKED_MISSING_LEFT`], [`PACKED_LEAF`] and, in
/// bits 16..32, the distance from the node to its right child (0 for a leaf, which is
/// absorbing as in [`FlatNode`]). Models whose features or trees do not fit use the scalar
/// evaluator.
type PackedNode = u64;
const PACKED_FEATURE_MASK: u32 = (1 << 14) - 1;
const PACKED_MISSING_LEFT: u32 = 1 << 14;
const PACKED_LEAF: u32 = 1 << 15;
const PACKED_RIGHT_SHIFT: u32 = 16;

/// Packs `nodes` for the AVX-512 evaluator; `None` if a feature index or the distance to a right
/// child does not fit, or if the nodes or a block of rows of `n_features` cannot be addressed
/// with 32-bit gather offsets.
fn pack(nodes: &[FlatNode], n_features: usize) -> Option<Vec<PackedNode>> {
    let block = WIDE.checked_mul(VECTORS)?.checked_mul(n_features)?;
    if nodes.len() > i32::MAX as usize || block > i32::MAX as usize {
        return None;
    }
    nodes
        .iter()
        .enumerate()
        .map(|(at, node)| {
            let word = if node.feature & LEAF != 0 {
                PACKED_LEAF
            } else {
                let feature = node.feature & FEATURE_MASK;
                let distance = (node.right as usize).checked_sub(at)?;
                if feature > PACKED_FEATURE_MASK || distance >= 1 << 16 {
                    return None;
                }
                let missing = if node.feature & MISSING_LEFT != 0 {
                    PACKED_MISSING_LEFT
                } else {
                    0
                };
                feature | missing | (distance as u32) << PACKED_RIGHT_SHIFT
            };
            Some(u64::from(word) << 32 | u64::from(node.threshold.to_bits()))
        })
        .collect()
}

/// Which walk [`NativeTrees::margins`] runs on this machine for a compiled model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// The AVX-512F walk on packed nodes (128 rows per block: 8 vectors of 16 lanes).
    Avx512,
    /// The lockstep scalar walk (8 rows per block): no AVX-512F, a model whose nodes do not
    /// pack, or a model without features.
    Scalar,
}

/// A tree ensemble plus calibration, compiled for fast batch evaluation.
#[derive(Debug, Clone)]
pub struct NativeTrees {
    /// Every node of every tree, each tree in depth-first preorder.
    nodes: Vec<FlatNode>,
    /// Per node, its leaf value (0 for branches).
    values: Vec<f64>,
    /// `nodes` packed for the AVX-512 evaluator, if they fit (see [`PackedNode`]).
    packed: Option<Vec<PackedNode>>,
    /// Per tree, its root in `nodes`.
    roots: Vec<u32>,
    n_features: usize,
    calibration: Calibration,
}

impl NativeTrees {
    /// Compiles `ensemble` with `calibration`. `None` if it is too large for 30-bit feature or
    /// 32-bit node indices.
    pub fn compile(ensemble: &TreeEnsemble, calibration: Calibration) -> Option<Self> {
        let n_features = ensemble.n_features();
        if u32::try_from(n_features).ok()? > FEATURE_MASK {
            return None;
        }
        let mut nodes = Vec::new();
        let mut values = Vec::new();
        let mut roots = Vec::with_capacity(ensemble.trees().len());
        for tree in ensemble.trees() {
            roots.push(u32::try_from(nodes.len()).ok()?);
            // Depth-first preorder; `fixups` holds (flat index of a branch, tree index of its
            // right child) until the right child is placed.
            let mut stack = vec![0usize];
            let mut placed = vec![u32::MAX; tree.nodes.len()];
            while let Some(i) = stack.pop() {
                let at = u32::try_from(nodes.len()).ok()?;
                placed[i] = at;
                match &tree.nodes[i] {
                    Node::Branch(b) => {
                        nodes.push(FlatNode {
                            threshold: b.threshold,
                            feature: b.feature | if b.missing_left { MISSING_LEFT } else { 0 },
                            right: b.right,
                        });
                        values.push(0.0);
                        stack.push(b.right as usize);
                        stack.push(b.left as usize);
                    }
                    Node::Leaf(leaf) => {
                        // Absorbing: no value is `<= NaN` and the missing bit is clear, so a
                        // walk that reaches a leaf stays on it (`right` is the leaf itself).
                        nodes.push(FlatNode {
                            threshold: f32::NAN,
                            feature: LEAF,
                            right: at,
                        });
                        values.push(leaf.value);
                    }
                }
            }
            // Right children: tree index → flat index.
            let first = *roots.last()? as usize;
            for node in &mut nodes[first..] {
                if node.feature & LEAF == 0 {
                    node.right = placed[node.right as usize];
                }
            }
        }
        Some(Self {
            packed: pack(&nodes, n_features),
            nodes,
            values,
            roots,
            n_features,
            calibration,
        })
    }

    /// Number of features a row has.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The walk [`NativeTrees::margins`] runs: AVX-512 when the CPU has AVX-512F, the nodes
    /// packed and the model has features, scalar otherwise.
    pub fn kernel(&self) -> Kernel {
        #[cfg(target_arch = "x86_64")]
        if self.packed.is_some() && self.n_features > 0 && std::is_x86_feature_detected!("avx512f")
        {
            return Kernel::Avx512;
        }
        Kernel::Scalar
    }

    /// Adds each tree's leaf value to the margin of each row of `rows` (row-major,
    /// `n_features > 0` per row; at most [`LANES`] rows, one per entry of `margins`).
    ///
    /// The rows walk each tree in lockstep, one level at a time, without a data-dependent
    /// branch: a walk that reached its leaf stays there (leaves are absorbing, see `compile`),
    /// and the level loop ends when every lane stands on a leaf. Independent lanes keep the
    /// core busy where one walk would wait on its loads and mispredict its turns.
    #[inline(always)]
    fn add_leaves(&self, rows: &[f32], margins: &mut [f64]) {
        let f = self.n_features;
        let n = margins.len();
        debug_assert!(f > 0 && n > 0 && n <= LANES && rows.len() == n * f);
        let nodes = &self.nodes[..];
        // Lanes past the last row repeat it; their leaves are not added.
        let mut base = [0usize; LANES];
        for (l, b) in base.iter_mut().enumerate() {
            *b = l.min(n - 1) * f;
        }
        for &root in &self.roots {
            let mut at = [root; LANES];
            loop {
                let mut branches = 0u32;
                for (a, &b) in at.iter_mut().zip(&base) {
                    // SAFETY: `compile` placed every child inside `nodes` (a branch's left child
                    // is the next node, its right child a placed index; a leaf's `right` is
                    // itself), so `*a` is inside `nodes`.
                    let node = unsafe { *nodes.get_unchecked(*a as usize) };
                    // SAFETY: every feature index `compile` stores is below `n_features`, so
                    // `b + feature` is inside `rows` (`b` is the start of a row of `rows`).
                    let x =
                        unsafe { *rows.get_unchecked(b + (node.feature & FEATURE_MASK) as usize) };
                    let left =
                        (x <= node.threshold) | (x.is_nan() & (node.feature & MISSING_LEFT != 0));
                    branches |= !node.feature & LEAF;
                    *a = if left { *a + 1 } else { node.right };
                }
                if branches == 0 {
                    break;
                }
            }
            for (m, &a) in margins.iter_mut().zip(&at) {
                // SAFETY: `a` is a node index placed by `compile`; `values` has one per node.
                *m += unsafe { *self.values.get_unchecked(a as usize) };
            }
        }
    }

    /// [`NativeTrees::add_leaves`] with AVX-512 on the packed nodes: [`WIDE`] walks per
    /// vector, [`VECTORS`] vectors in flight so that one vector's gathers overlap the others'
    /// waits. Each vector walks a tree one level at a time, gathering its lanes' nodes and
    /// feature values, until every lane stands on a leaf. The comparisons are those of the
    /// scalar walk, lane by lane, so the leaves are the same.
    ///
    /// # Safety
    ///
    /// The CPU supports AVX-512F, `packed` is `self.packed`, `n_features > 0`, `rows.len() ==
    /// margins.len() * n_features` and `0 < margins.len() <= WIDE * VECTORS`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn add_leaves_avx512(&self, packed: &[PackedNode], rows: &[f32], margins: &mut [f64]) {
        use std::arch::x86_64::*;
        const ALL: usize = WIDE * VECTORS;
        let f = self.n_features;
        let n = margins.len();
        debug_assert!(f > 0 && n > 0 && n <= ALL && rows.len() == n * f);
        // Lanes past the last row repeat it; their leaves are not added.
        let mut base_lanes = [0i32; ALL];
        for (l, b) in base_lanes.iter_mut().enumerate() {
            *b = (l.min(n - 1) * f) as i32;
        }
        let mut base = [_mm512_setzero_si512(); VECTORS];
        for (v, b) in base.iter_mut().enumerate() {
            // SAFETY: `base_lanes` holds `WIDE` `i32` (64 bytes) from `v * WIDE` on.
            *b = unsafe { _mm512_loadu_si512(base_lanes.as_ptr().add(v * WIDE).cast()) };
        }
        let nodes = packed.as_ptr();
        let row_ptr = rows.as_ptr();
        // Lane `i` of the threshold (word) vector is the low (high) half of node `i`: 32-bit
        // element `2i` (`2i + 1`) of the two gathered halves, read as one 32-element table.
        let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        let odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        let feature_mask = _mm512_set1_epi32(PACKED_FEATURE_MASK as i32);
        let missing_left = _mm512_set1_epi32(PACKED_MISSING_LEFT as i32);
        let leaf = _mm512_set1_epi32(PACKED_LEAF as i32);
        let one = _mm512_set1_epi32(1);
        let vectors = n.div_ceil(WIDE);
        let mut at_lanes = [0u32; ALL];
        for &root in &self.roots {
            let mut at = [_mm512_set1_epi32(root as i32); VECTORS];
            // Bit `v`: vector `v` still has a lane on a branch.
            let mut walking: u32 = (1 << vectors) - 1;
            while walking != 0 {
                for (v, (at, &base)) in at.iter_mut().zip(&base).enumerate() {
                    if walking & (1 << v) == 0 {
                        continue;
                    }
                    // SAFETY: every `at` is a node placed by `compile` (see `add_leaves`; a
                    // packed leaf's distance is 0), below `i32::MAX` (`pack`), so both gathers
                    // read inside `packed`.
                    let (low, high) = unsafe {
                        (
                            _mm512_i32gather_epi64::<8>(_mm512_castsi512_si256(*at), nodes.cast()),
                            _mm512_i32gather_epi64::<8>(
                                _mm512_extracti64x4_epi64::<1>(*at),
                                nodes.cast(),
                            ),
                        )
                    };
                    let threshold = _mm512_castsi512_ps(_mm512_permutex2var_epi32(low, even, high));
                    let word = _mm512_permutex2var_epi32(low, odd, high);
                    let column = _mm512_add_epi32(base, _mm512_and_si512(word, feature_mask));
                    // SAFETY: every `base + feature` is inside `rows` (each lane's `base` starts
                    // a row, each feature index is below `n_features`), and the length of
                    // `rows` fits in i32 (`pack`), so the gather reads inside `rows`.
                    let x = unsafe { _mm512_i32gather_ps::<4>(column, row_ptr.cast()) };
                    let le = _mm512_cmp_ps_mask::<_CMP_LE_OQ>(x, threshold);
                    let nan = _mm512_cmp_ps_mask::<_CMP_UNORD_Q>(x, x);
                    let left = le | (nan & _mm512_test_epi32_mask(word, missing_left));
                    let right =
                        _mm512_add_epi32(*at, _mm512_srli_epi32::<PACKED_RIGHT_SHIFT>(word));
                    *at = _mm512_mask_blend_epi32(left, right, _mm512_add_epi32(*at, one));
                    if _mm512_testn_epi32_mask(word, leaf) == 0 {
                        walking &= !(1 << v);
                    }
                }
            }
            for (v, at) in at.iter().enumerate().take(vectors) {
                // SAFETY: `at_lanes` has room for `WIDE` `u32` (64 bytes) from `v * WIDE` on.
                unsafe { _mm512_storeu_si512(at_lanes.as_mut_ptr().add(v * WIDE).cast(), *at) };
            }
            for (m, &a) in margins.iter_mut().zip(&at_lanes) {
                // SAFETY: `a` is a node index placed by `compile`; `values` has one per node.
                *m += unsafe { *self.values.get_unchecked(a as usize) };
            }
        }
    }

    /// Margins (float64 sums of the float32 leaf weights, in tree order) of the rows of `rows`
    /// (row-major, `n_features` per row) into `out` (one per row).
    ///
    /// Rows are taken in blocks of 128 (AVX-512: 8 vectors of 16 lanes) or 8 (scalar); the
    /// block passes through one tree at a time, so a tree's nodes stay in cache while its rows
    /// walk it.
    ///
    /// # Panics
    ///
    /// If `rows.len() != out.len() * n_features`.
    pub fn margins(&self, rows: &[f32], out: &mut [f64]) {
        self.margins_reporting(rows, out);
    }

    /// [`NativeTrees::margins`], returning the walk that ran (the one [`NativeTrees::kernel`]
    /// names).
    fn margins_reporting(&self, rows: &[f32], out: &mut [f64]) -> Kernel {
        let f = self.n_features;
        assert_eq!(
            rows.len(),
            out.len() * f,
            "rows must hold n_features per output"
        );
        if f == 0 {
            // No feature: every tree is a single leaf.
            for m in out.iter_mut() {
                *m = self.roots.iter().map(|&r| self.values[r as usize]).sum();
            }
            return Kernel::Scalar;
        }
        #[cfg(target_arch = "x86_64")]
        if let (Kernel::Avx512, Some(packed)) = (self.kernel(), &self.packed) {
            const ALL: usize = WIDE * VECTORS;
            for (block, margins) in rows.chunks(ALL * f).zip(out.chunks_mut(ALL)) {
                margins.fill(0.0);
                // SAFETY: `kernel` returned `Avx512`, so AVX-512F is present; `packed` is
                // `self.packed` (so a block's offsets fit in i32, see `pack`), and `block` holds
                // `margins.len()` rows of `f > 0` features (asserted above).
                unsafe { self.add_leaves_avx512(packed, block, margins) };
            }
            return Kernel::Avx512;
        }
        self.margins_scalar(rows, out);
        Kernel::Scalar
    }

    /// [`NativeTrees::margins`] without SIMD, for `n_features > 0`.
    fn margins_scalar(&self, rows: &[f32], out: &mut [f64]) {
        let f = self.n_features;
        for (block, margins) in rows.chunks(LANES * f).zip(out.chunks_mut(LANES)) {
            margins.fill(0.0);
            self.add_leaves(block, margins);
        }
    }

    /// Calibrated probabilities (as float32, like the ONNX output) of the rows of `rows` into
    /// `out`; panics as [`NativeTrees::margins`].
    pub fn probabilities(&self, rows: &[f32], out: &mut [f32]) {
        let mut margins = vec![0.0; out.len()];
        self.margins(rows, &mut margins);
        for (p, m) in out.iter_mut().zip(margins) {
            *p = self.calibration.apply(m) as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Branch, Leaf, Tree};

    fn branch(feature: u32, threshold: f32, missing_left: bool, left: u32, right: u32) -> Node {
        Node::Branch(Branch {
            feature,
            threshold,
            missing_left,
            left,
            right,
            cover: 1.0,
        })
    }

    fn leaf(value: f64) -> Node {
        Node::Leaf(Leaf { value, cover: 1.0 })
    }

    #[test]
    fn compiled_trees_route_like_the_tree_ensemble() {
        // Tree 0: x0 <= 0.5 ? (x1 <= -1 ? 1 : 2) : 3, NaN of x0 right, NaN of x1 left.
        // Tree 1: a single leaf 0.25.
        let trees = vec![
            Tree {
                nodes: vec![
                    branch(0, 0.5, false, 1, 2),
                    branch(1, -1.0, true, 3, 4),
                    leaf(3.0),
                    leaf(1.0),
                    leaf(2.0),
                ],
            },
            Tree {
                nodes: vec![leaf(0.25)],
            },
        ];
        let ensemble = TreeEnsemble::new(trees, 2).expect("valid");
        let native =
            NativeTrees::compile(&ensemble, Calibration::Platt { a: 1.0, b: 0.0 }).expect("fits");
        let up = f32::from_bits(0.5f32.to_bits() + 1);
        let rows: Vec<[f32; 2]> = vec![
            [0.5, -1.0],      // on both thresholds: left, left → 1
            [up, 0.0],        // just above: right → 3
            [0.0, f32::NAN],  // NaN of x1 left → 1
            [f32::NAN, -5.0], // NaN of x0 right → 3
            [0.0, 7.0],       // → 2
        ];
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        let mut margins = vec![0.0; rows.len()];
        native.margins(&flat, &mut margins);
        // Exact: sums of small dyadic values.
        assert_eq!(margins, vec![1.25, 3.25, 1.25, 3.25, 2.25]);
        for (row, m) in rows.iter().zip(&margins) {
            assert_eq!(ensemble.margin(row), *m);
        }
    }

    /// Draws for test trees and rows.
    struct Rng(appfraud_core::primitives::SplitMix64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0.next_u64()
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    const GRID: [f32; 5] = [-2.0, -0.5, 0.0, 0.75, 3.0];

    /// Appends a random subtree (preorder: children after their parent) and returns its root.
    fn grow(nodes: &mut Vec<Node>, depth: u32, n_features: u32, rng: &mut Rng) -> u32 {
        let at = nodes.len() as u32;
        if depth == 0 || rng.below(5) == 0 {
            // Dyadic leaf values: sums are exact whatever the order.
            nodes.push(leaf(rng.below(64) as f64 / 16.0 - 2.0));
            return at;
        }
        nodes.push(leaf(0.0));
        let feature = rng.below(u64::from(n_features)) as u32;
        let threshold = GRID[rng.below(GRID.len() as u64) as usize];
        let missing_left = rng.below(2) == 0;
        let left = grow(nodes, depth - 1, n_features, rng);
        let right = grow(nodes, depth - 1, n_features, rng);
        nodes[at as usize] = branch(feature, threshold, missing_left, left, right);
        at
    }

    #[test]
    fn every_evaluator_reaches_the_leaves_of_the_tree_ensemble() {
        // Reference: `TreeEnsemble::margin`, the Rust model's own walk, to the bit (leaf values
        // are dyadic, so every summation order gives the same float64). Rows sit on the split
        // thresholds, one float32 step beside them, or are NaN; 1,000 rows, not a multiple of
        // any block, so partial blocks and idle lanes are exercised.
        let mut rng = Rng(appfraud_core::primitives::SplitMix64::new(7));
        let n_features = 6;
        let trees = (0..40)
            .map(|_| {
                let mut nodes = Vec::new();
                grow(&mut nodes, 12, n_features, &mut rng);
                Tree { nodes }
            })
            .collect();
        let ensemble = TreeEnsemble::new(trees, n_features as usize).expect("valid");
        let native =
            NativeTrees::compile(&ensemble, Calibration::Platt { a: 1.0, b: 0.0 }).expect("fits");
        assert!(native.packed.is_some(), "small trees pack");
        let n = 1_000;
        let rows: Vec<f32> = (0..n * n_features as usize)
            .map(|_| {
                let t = GRID[rng.below(GRID.len() as u64) as usize];
                match rng.below(4) {
                    0 => t,
                    1 => t.next_up(),
                    2 => t.next_down(),
                    _ => f32::NAN,
                }
            })
            .collect();
        let expected: Vec<f64> = rows
            .chunks_exact(n_features as usize)
            .map(|row| ensemble.margin(row))
            .collect();
        let mut dispatched = vec![0.0; n];
        let ran = native.margins_reporting(&rows, &mut dispatched);
        eprintln!("native evaluator kernel: {ran:?}");
        assert_eq!(ran, native.kernel());
        assert_eq!(ran, expected_kernel(), "the CPU's best walk did not run");
        assert_eq!(dispatched, expected);
        let mut scalar = vec![0.0; n];
        native.margins_scalar(&rows, &mut scalar);
        assert_eq!(scalar, expected);
        // Every prefix length up to two SIMD blocks: idle lanes never add a leaf.
        for len in 1..=2 * WIDE * VECTORS + 1 {
            let mut m = vec![0.0; len];
            let ran = native.margins_reporting(&rows[..len * n_features as usize], &mut m);
            assert_eq!(ran, expected_kernel(), "{len} rows");
            assert_eq!(m, expected[..len], "{len} rows");
        }
    }

    /// The walk a packed model must run on this machine, decided from the CPU alone: AVX-512
    /// whenever the CPU has AVX-512F.
    fn expected_kernel() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx512f") {
            return Kernel::Avx512;
        }
        Kernel::Scalar
    }

    #[test]
    fn trees_that_do_not_pack_fall_back_to_the_scalar_walk() {
        // A feature index past the packed 14 bits: no packed nodes, same margins.
        let n_features = 20_000usize;
        let tree = Tree {
            nodes: vec![branch(19_999, 0.5, true, 1, 2), leaf(1.0), leaf(2.0)],
        };
        let ensemble = TreeEnsemble::new(vec![tree], n_features).expect("valid");
        let native =
            NativeTrees::compile(&ensemble, Calibration::Platt { a: 1.0, b: 0.0 }).expect("fits");
        assert!(native.packed.is_none());
        assert_eq!(native.kernel(), Kernel::Scalar);
        let mut rows = vec![0.0f32; 3 * n_features];
        rows[n_features - 1] = 0.5;
        rows[2 * n_features - 1] = 0.5f32.next_up();
        rows[3 * n_features - 1] = f32::NAN;
        let mut m = vec![0.0; 3];
        assert_eq!(native.margins_reporting(&rows, &mut m), Kernel::Scalar);
        assert_eq!(m, vec![1.0, 2.0, 1.0]);
    }
}
