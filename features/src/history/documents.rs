//! Documents family, point in time: how many other identities submitted a near-duplicate of this
//! resume before t, and how similar the closest one is.
//!
//! A laptop farm writes one resume and reuses it, lightly edited, for all its identities; a few
//! legitimate applicants start from the same popular public template. So near-duplicate text
//! across distinct identities is a strong but not a certain signal (`docs/signals.md`,
//! "documents").
//!
//! [`resume_signature`] turns a `resume_text` into a [`ResumeSignature`]; a [`DocumentIndex`]
//! holds the signatures of many applications with their `submitted_at` and an identity chosen by
//! the caller (e.g. a hash of the normalised e-mail address), and [`DocumentIndex::query`] answers
//! with [`DocumentMatches`] for one signature, time and identity.
//!
//! ## Signature
//!
//! - **Tokens**: the maximal runs of alphanumeric characters (`char::is_alphanumeric`, Unicode),
//!   each lower-cased with `char::to_lowercase`. Everything else (spaces, punctuation, symbols)
//!   only separates tokens, so case and punctuation never matter: `"Go, Rust & C#"` is the tokens
//!   `go rust c`.
//! - **Shingles**: every run of [`SHINGLE_TOKENS`] = 3 consecutive tokens. Word 3-shingles keep
//!   some word order (two resumes from the same phrase pools but in their own order share few of
//!   them) while one edited word changes only the three shingles that contain it.
//! - **Threshold**: a text with fewer than [`MIN_RESUME_TOKENS`] = 8 tokens (at most five
//!   shingles) has no signature (`None`): one or two edits would swing its similarity by 0.2 or
//!   more, and such short texts ("N/A", "see attached") are shared by strangers anyway.
//! - **Shingle hash**: 64-bit FNV-1a (offset basis `0xcbf29ce484222325`, prime
//!   `0x100000001b3`) of the UTF-8 bytes of the three tokens joined by one space (`"go rust c"`),
//!   so any language can reproduce it. No per-process random state is involved.
//! - **MinHash**: each shingle hash is mixed once, `y = fmix64(x)` (MurmurHash3's 64-bit
//!   finaliser, a bijection), then for `i` in `0..`[`MINHASH_PERMUTATIONS`]
//!   `h_i(x) = (y · (seed_i | 1) + fmix64(seed_i)) mod 2⁶⁴` (multiply-add hashing), where
//!   `seed_i` is the `i`-th output of SplitMix64 started at `0x6170706672617564` (`"appfraud"`
//!   in ASCII). Slot `i` of the signature keeps the upper 32 bits of the minimum of `h_i` over the
//!   text's shingles. One multiply-add per slot (it vectorises) instead of a full finaliser per
//!   slot made signatures several times faster at the same accuracy (the estimate tests below
//!   hold).
//! - **Similarity** of two signatures is the share of equal slots, an estimate of the Jaccard
//!   similarity `J = |A ∩ B| / |A ∪ B|` of the two shingle sets: each slot is equal with
//!   probability `J` (plus about 2⁻³² from the 32-bit truncation), so the estimate has a binomial
//!   standard error `sqrt(J (1 − J) / 64)`: 0.0625 at `J = 0.5`, 0.05 at `J = 0.8`.
//! - **Why 64 permutations**: with that error a true `J = 0.9` pair is estimated at or above
//!   [`NEAR_DUPLICATE_SIMILARITY`] = 0.8 with probability 0.990 and a true `J = 0.6` pair with
//!   0.0002 (binomial tails at 52 of 64 slots), 64 slots split evenly into 16 bands of 4 rows, and
//!   a signature is 256 bytes. Doubling to 128 would only narrow the grey zone around 0.8 at twice
//!   the memory and hashing time.
//!
//! ## Near duplicates and the index
//!
//! A **near duplicate** is a document whose estimated similarity is at least
//! [`NEAR_DUPLICATE_SIMILARITY`] = 0.8, i.e. at least 52 of the 64 slots are equal: a template
//! with its years and a few words changed stays above it, and two resumes written
//! independently from the same phrase pools stay well below it.
//!
//! Comparing against every earlier document would be quadratic, so the index uses locality
//! sensitive hashing: the signature is cut into [`LSH_BANDS`] = 16 bands of [`LSH_ROWS`] = 4 slots,
//! and two documents are **candidates** when at least one band is equal. For true similarity `s`
//! that happens with probability `1 − (1 − s⁴)¹⁶`, an S-curve with its steepest part near
//! `(1/16)^(1/4) = 0.5`:
//!
//! | s | 0.2 | 0.3 | 0.4 | 0.5 | 0.6 | 0.7 | 0.8 | 0.9 |
//! |---|---|---|---|---|---|---|---|---|
//! | P(candidate) | 0.025 | 0.122 | 0.340 | 0.644 | 0.892 | 0.988 | 0.9998 | ≈ 1 |
//!
//! so near duplicates (0.8 and above) are practically never missed, and `max_similarity` is
//! reported for most pairs above 0.5 as well. The estimate itself is always computed from the
//! full 64-slot signatures.
//!
//! Each band maps a 32-bit key of its four values to a **bucket**, the documents with that band,
//! kept sorted by (`time`, caller's [`DocId`]) whatever the insertion order. Two different bands
//! can share a 32-bit key (about `n / 2³²` of queries per band with `n` documents); such entries
//! are recognised by comparing the band's values and skipped.
//!
//! ## Query, point in time
//!
//! [`DocumentIndex::query`] for (`signature`, `t`, `identity`) looks, in each of the query's 16
//! buckets, at the documents with `time < t` (strictly: equal timestamps never see each other)
//! and skips those of the same `identity`. Among the candidates left (deduplicated across bands):
//!
//! - `max_similarity` is the highest estimate, `None` when there is no candidate;
//! - `near_duplicate_identities` is the number of distinct identities with at least one near
//!   duplicate.
//!
//! **Cap**: a popular template can put thousands of documents in one bucket. Per bucket the query
//! examines at most [`MAX_CANDIDATES_PER_BUCKET`] = 32 entries: the most recent ones with
//! `time < t` (binary search to `t`, then backwards), same-identity entries included in the
//! count. A document is missed only if, in every bucket it shares with the query, at least 32
//! more recent entries before `t` (of any identity) sit in that bucket too. Documents identical
//! to the query share all 16 buckets, so at most 32 of them are seen and
//! `near_duplicate_identities` is at most 32 for a template copied verbatim; in general it is at
//! most `16 × 32 = 512`. Read it as "at least this many". The cap makes a query cost at most
//! `16 × 32` signature comparisons; it was 128 until a 1M-application benchmark showed the
//! random reads of up to 2,048 signatures per query (out of 256 MB) dominating feature time.
//!
//! Because the answer depends only on the entries with `time < t`, and their order only on
//! (`time`, [`DocId`]), inserting documents with `time ≥ t`, or inserting in another order,
//! never changes it (`docs/input-contract.md`, "Point in time"), provided document ids are unique
//! (entries with equal time and id keep their insertion order).
//!
//! ## Cost
//!
//! - Signature: one FNV-1a pass over the text, one `fmix64` and 64 multiply-adds per shingle. Deterministic; no
//!   allocation once a reused [`ShingleScratch`] has grown to the longest text.
//! - Memory: 276 bytes per document (signature, time, identity, id) plus, per band, a hash-map
//!   entry of 8 bytes (at std's load factor) for each distinct band value and 4 bytes per entry
//!   of the buckets shared by several documents. One million documents with random signatures
//!   (all bands distinct, the worst case) measured 559 MiB peak resident for the whole test
//!   process, just after the band maps' last doubling; duplicates make it smaller.
//! - Insert: amortised O(1) per band when documents arrive in time order; an older document is
//!   inserted into its place, moving the later entries of each bucket it joins (a memory move of
//!   24 bytes per entry). [`DocumentIndex::from_documents`] builds a whole index with its 16
//!   bands on separate threads.
//! - Query: 16 hash lookups, a binary search per bucket and at most 512 comparisons of 64 slots;
//!   [`DocumentIndex::query_with`] reuses a [`DocumentQueryScratch`] and then does not allocate.
//!   For a document the index holds, [`DocumentIndex::query_held`] finds its buckets through
//!   [`HeldPositions`] (8 bytes per bucket entry, taken once after the last insert) instead of
//!   the lookups and searches: the batch path's query.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

/// Number of MinHash permutations, i.e. slots of a [`ResumeSignature`] (module docs: binomial
/// standard error `sqrt(J (1 − J) / 64)` ≤ 0.0625, 256 bytes per signature, 16 bands × 4 rows).
pub const MINHASH_PERMUTATIONS: usize = 64;
/// LSH bands; two documents are candidates when one band of their signatures is equal.
pub const LSH_BANDS: usize = 16;
/// Signature slots per LSH band. With [`LSH_BANDS`] the candidate probability for true
/// similarity `s` is `1 − (1 − s⁴)¹⁶` (0.644 at 0.5, 0.9998 at 0.8).
pub const LSH_ROWS: usize = 4;
/// Consecutive word tokens per shingle.
pub const SHINGLE_TOKENS: usize = 3;
/// A text with fewer word tokens than this has no signature.
pub const MIN_RESUME_TOKENS: usize = 8;
/// Estimated Jaccard similarity from which a document is a near duplicate (52 of 64 slots).
pub const NEAR_DUPLICATE_SIMILARITY: f32 = 0.8;
/// Entries examined per bucket and query: the most recent ones before the query time.
pub const MAX_CANDIDATES_PER_BUCKET: usize = 32;

const _: () = assert!(LSH_BANDS * LSH_ROWS == MINHASH_PERMUTATIONS);

/// The caller's id of a document (e.g. the row number of the application). Ties in time are
/// ordered by it, so ids should be unique.
pub type DocId = u32;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
/// SplitMix64 start for the permutation seeds: `"appfraud"` in ASCII.
const MINHASH_SEED: u64 = 0x6170_7066_7261_7564;
/// Starting value of the band-key hash.
const BAND_SEED: u64 = 0x6261_6e64_6b65_7973;

/// 64-bit FNV-1a.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// MurmurHash3's 64-bit finaliser, a bijection with full avalanche.
const fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// The `i`-th seed is the `i`-th output of SplitMix64 started at [`MINHASH_SEED`].
const fn minhash_seeds() -> [u64; MINHASH_PERMUTATIONS] {
    let mut seeds = [0u64; MINHASH_PERMUTATIONS];
    let mut rng = appfraud_core::primitives::SplitMix64::new(MINHASH_SEED);
    let mut i = 0;
    while i < MINHASH_PERMUTATIONS {
        seeds[i] = rng.next_u64();
        i += 1;
    }
    seeds
}

const SEEDS: [u64; MINHASH_PERMUTATIONS] = minhash_seeds();

/// `seed_i | 1` and `fmix64(seed_i)`: the multiply-add hash family of the signature slots.
const MULTIPLIERS: [u64; MINHASH_PERMUTATIONS] = {
    let mut m = [0u64; MINHASH_PERMUTATIONS];
    let mut i = 0;
    while i < MINHASH_PERMUTATIONS {
        m[i] = SEEDS[i] | 1;
        i += 1;
    }
    m
};
const OFFSETS: [u64; MINHASH_PERMUTATIONS] = {
    let mut o = [0u64; MINHASH_PERMUTATIONS];
    let mut i = 0;
    while i < MINHASH_PERMUTATIONS {
        o[i] = fmix64(SEEDS[i]);
        i += 1;
    }
    o
};

/// MinHash signature of one resume text ([`resume_signature`]): 64 slots of 32 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResumeSignature([u32; MINHASH_PERMUTATIONS]);

impl ResumeSignature {
    /// Estimated Jaccard similarity of the two texts' shingle sets: the share of equal slots, a
    /// multiple of 1/64 in `[0, 1]`.
    pub fn similarity(&self, other: &ResumeSignature) -> f32 {
        equal_slots(self, other) as f32 / MINHASH_PERMUTATIONS as f32
    }

    /// The slots, for storage or inspection.
    pub fn slots(&self) -> &[u32; MINHASH_PERMUTATIONS] {
        &self.0
    }

    fn band(&self, band: usize) -> &[u32] {
        &self.0[band * LSH_ROWS..(band + 1) * LSH_ROWS]
    }
}

/// Stored as its 256 bytes (little-endian slots): random 32-bit values gain nothing from
/// variable-length integers.
impl serde::Serialize for ResumeSignature {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut bytes = [0u8; MINHASH_PERMUTATIONS * 4];
        for (chunk, v) in bytes.chunks_exact_mut(4).zip(&self.0) {
            chunk.copy_from_slice(&v.to_le_bytes());
        }
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de> serde::Deserialize<'de> for ResumeSignature {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = ResumeSignature;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(
                    f,
                    "{} bytes of a MinHash signature",
                    MINHASH_PERMUTATIONS * 4
                )
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<ResumeSignature, E> {
                if v.len() != MINHASH_PERMUTATIONS * 4 {
                    return Err(E::invalid_length(v.len(), &self));
                }
                let mut slots = [0u32; MINHASH_PERMUTATIONS];
                for (slot, chunk) in slots.iter_mut().zip(v.chunks_exact(4)) {
                    *slot = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
                }
                Ok(ResumeSignature(slots))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

fn equal_slots(a: &ResumeSignature, b: &ResumeSignature) -> usize {
    equal_mask(a, b).count_ones() as usize
}

/// Bit `i` set where slot `i` of the two signatures is equal: one pass over both, from which
/// the similarity (its population count) and "shares a whole band" (four consecutive bits at a
/// band boundary) both follow. On x86-64 four slots at a time with SSE2 (part of the
/// architecture's baseline), one compare and one move-mask each: the compiler turns the
/// portable loop into several times as many instructions, and this runs for up to 512
/// candidates per query.
#[cfg(target_arch = "x86_64")]
fn equal_mask(a: &ResumeSignature, b: &ResumeSignature) -> u64 {
    use std::arch::x86_64::{_mm_castsi128_ps, _mm_cmpeq_epi32, _mm_loadu_si128, _mm_movemask_ps};
    let mut mask = 0u64;
    for (c, (x, y)) in a.0.chunks_exact(4).zip(b.0.chunks_exact(4)).enumerate() {
        #[allow(unsafe_code)]
        // SAFETY: SSE2 is enabled on every x86-64 target; each chunk is exactly four `u32`
        // (16 bytes), what the unaligned loads read.
        let bits = unsafe {
            let x = _mm_loadu_si128(x.as_ptr().cast());
            let y = _mm_loadu_si128(y.as_ptr().cast());
            _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(x, y)))
        };
        mask |= u64::from(bits as u32) << (4 * c);
    }
    mask
}

/// [`equal_mask`] elsewhere, and its reference in tests.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn equal_mask_portable(a: &ResumeSignature, b: &ResumeSignature) -> u64 {
    let mut mask = 0u64;
    for (i, (x, y)) in a.0.iter().zip(&b.0).enumerate() {
        mask |= u64::from(x == y) << i;
    }
    mask
}

#[cfg(not(target_arch = "x86_64"))]
fn equal_mask(a: &ResumeSignature, b: &ResumeSignature) -> u64 {
    equal_mask_portable(a, b)
}

/// The lowest bit of each band in a slot mask.
const BAND_LOW_BITS: u64 = {
    let mut m = 0u64;
    let mut band = 0;
    while band < LSH_BANDS {
        m |= 1 << (band * LSH_ROWS);
        band += 1;
    }
    m
};

/// Whether a mask of equal slots ([`equal_mask`]) covers a whole band.
fn shares_a_band(mask: u64) -> bool {
    let mut all = mask;
    for shift in 1..LSH_ROWS {
        all &= mask >> shift;
    }
    all & BAND_LOW_BITS != 0
}

/// Reusable buffers for [`resume_signature`]: the normalised text and its token starts.
#[derive(Debug, Clone, Default)]
pub struct ShingleScratch {
    /// Lower-cased tokens joined by single spaces.
    normalized: String,
    /// Byte offset of each token in `normalized`.
    starts: Vec<usize>,
    /// The hash of each shingle.
    hashes: Vec<u64>,
}

/// MinHash signature of a resume text over its word 3-shingles (module docs); `None` when the
/// text has fewer than [`MIN_RESUME_TOKENS`] word tokens. Never panics; allocates only while
/// `scratch` grows.
pub fn resume_signature(text: &str, scratch: &mut ShingleScratch) -> Option<ResumeSignature> {
    let ShingleScratch {
        normalized,
        starts,
        hashes,
    } = scratch;
    normalized.clear();
    starts.clear();
    hashes.clear();
    let mut in_token = false;
    for c in text.chars() {
        // ASCII (nearly every character of a resume) takes the one-byte path: for it,
        // `is_alphanumeric` and `to_lowercase` are `is_ascii_alphanumeric` and
        // `to_ascii_lowercase`.
        let alphanumeric = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if alphanumeric {
            if !in_token {
                if !normalized.is_empty() {
                    normalized.push(' ');
                }
                starts.push(normalized.len());
                in_token = true;
            }
            if c.is_ascii() {
                normalized.push(c.to_ascii_lowercase());
            } else {
                normalized.extend(c.to_lowercase());
            }
        } else {
            in_token = false;
        }
    }
    let tokens = starts.len();
    if tokens < MIN_RESUME_TOKENS {
        return None;
    }
    let bytes = normalized.as_bytes();
    for first in 0..=tokens - SHINGLE_TOKENS {
        let next = first + SHINGLE_TOKENS;
        // The shingle runs to the space before the next token, or to the end.
        let end = starts.get(next).map_or(bytes.len(), |&s| s - 1);
        hashes.push(fmix64(fnv1a64(&bytes[starts[first]..end])));
    }
    let mut mins = [u32::MAX; MINHASH_PERMUTATIONS];
    fold_shingles(hashes, &mut mins);
    Some(ResumeSignature(mins))
}

/// Slot `i` of `mins` becomes the least `(y · aᵢ + bᵢ) >> 32` over the shingle hashes `ys`.
/// Integer arithmetic only, so every build below computes the same bits; on x86-64 the loop is
/// compiled a second time for AVX-512 (64-bit lane multiplies), chosen at run time.
fn fold_shingles(ys: &[u64], mins: &mut [u32; MINHASH_PERMUTATIONS]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512dq") {
        #[allow(unsafe_code)]
        // SAFETY: the CPU supports AVX-512 F and DQ (checked just above), the only requirement
        // of a `#[target_feature(enable = "avx512f,avx512dq")]` function.
        unsafe {
            fold_shingles_avx512(ys, mins)
        };
        return;
    }
    fold_shingles_portable(ys, mins);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn fold_shingles_avx512(ys: &[u64], mins: &mut [u32; MINHASH_PERMUTATIONS]) {
    fold_shingles_portable(ys, mins);
}

#[inline(always)]
fn fold_shingles_portable(ys: &[u64], mins: &mut [u32; MINHASH_PERMUTATIONS]) {
    for &y in ys {
        for (min, (a, b)) in mins.iter_mut().zip(MULTIPLIERS.iter().zip(&OFFSETS)) {
            *min = (*min).min((y.wrapping_mul(*a).wrapping_add(*b) >> 32) as u32);
        }
    }
}

/// What [`DocumentIndex::query`] found before the query time among other identities.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DocumentMatches {
    /// Distinct other identities with a near duplicate (estimated similarity ≥
    /// [`NEAR_DUPLICATE_SIMILARITY`]) before `t`; a lower bound under the per-bucket cap (module
    /// docs), at most `16 × 32`.
    pub near_duplicate_identities: u32,
    /// Highest estimated similarity among the candidates (documents of other identities before
    /// `t` sharing a band, within the per-bucket cap); `None` when there is none.
    pub max_similarity: Option<f32>,
}

/// Reusable buffers for [`DocumentIndex::query_with`].
#[derive(Debug, Clone, Default)]
pub struct DocumentQueryScratch {
    candidates: Vec<u32>,
    identities: Vec<u64>,
}

/// Hasher for band keys, which are already uniform 32-bit hashes: one multiplication spreads
/// them over the 64 bits the map uses (its control bytes read the top bits).
#[derive(Default)]
struct BandKeyHasher(u64);

impl Hasher for BandKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }

    fn write_u32(&mut self, key: u32) {
        self.0 = u64::from(key).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type BandMap = HashMap<u32, u32, BuildHasherDefault<BandKeyHasher>>;

/// A band-map value with this bit set is an index into `DocumentIndex::lists`; without it, the
/// bucket's only entry.
const LIST_FLAG: u32 = 1 << 31;

/// 32-bit key of one band of a signature.
fn band_key(sig: &ResumeSignature, band: usize) -> u32 {
    let h = sig
        .band(band)
        .iter()
        .fold(BAND_SEED, |h, &v| fmix64(h ^ u64::from(v)));
    (h >> 32) as u32
}

/// Resume signatures of many documents with their time and identity, banded for near-duplicate
/// queries at a point in time (module docs).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DocumentIndex {
    /// Per document, by internal slot (insertion order).
    signatures: Vec<ResumeSignature>,
    times: Vec<i64>,
    identities: Vec<u64>,
    docs: Vec<DocId>,
    /// Per band: band key → the bucket's only slot, or `LIST_FLAG | index` into `lists`.
    #[serde(with = "super::presized::array")]
    bands: [BandMap; LSH_BANDS],
    /// Buckets with more than one entry, sorted by (time, doc id, insertion). Each entry
    /// carries its time and identity, so scanning a bucket reads one contiguous run of memory
    /// instead of three random ones per entry (what dominated queries at a million documents).
    lists: Vec<Vec<BucketEntry>>,
    /// Set by [`drop_band_maps`](Self::drop_band_maps): only held documents can be asked.
    #[serde(skip)]
    held_only: bool,
}

/// One document in a multi-entry bucket.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct BucketEntry {
    time: i64,
    identity: u64,
    doc: DocId,
    slot: u32,
}

impl DocumentIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of documents inserted.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// No document inserted yet.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Adds document `doc` submitted at `time_micros` by `identity`. Documents may arrive in any
    /// time order; each bucket stays sorted by (time, `doc`).
    ///
    /// # Panics
    ///
    /// After 2³¹ − 1 documents (slots are 31-bit).
    pub fn insert(&mut self, doc: DocId, time_micros: i64, identity: u64, sig: &ResumeSignature) {
        self.assert_banded();
        let slot = u32::try_from(self.times.len())
            .ok()
            .filter(|&s| s < LIST_FLAG)
            .expect("DocumentIndex holds at most 2^31 - 1 documents");
        self.signatures.push(*sig);
        self.times.push(time_micros);
        self.identities.push(identity);
        self.docs.push(doc);
        let DocumentIndex {
            times,
            identities,
            docs,
            bands,
            lists,
            ..
        } = self;
        let entry_of = |s: u32| BucketEntry {
            time: times[s as usize],
            identity: identities[s as usize],
            doc: docs[s as usize],
            slot: s,
        };
        for (band, map) in bands.iter_mut().enumerate() {
            insert_in_band(map, lists, band_key(sig, band), slot, &entry_of);
        }
    }

    /// The index of documents `docs[i]`, submitted at `times[i]` by `identities[i]`, with
    /// signature `signatures[i]`, inserted in that order: the same answers as
    /// [`insert`](Self::insert)ing them one by one, with the 16 bands filled on separate
    /// threads (the batch path's resume index at a million documents took seconds on one). The
    /// bucket lists are numbered band by band instead of in order of creation.
    ///
    /// # Panics
    ///
    /// When the four columns differ in length, or hold 2³¹ documents or more.
    pub fn from_documents(
        docs: Vec<DocId>,
        times: Vec<i64>,
        identities: Vec<u64>,
        signatures: Vec<ResumeSignature>,
    ) -> Self {
        let n = docs.len();
        assert!(
            times.len() == n && identities.len() == n && signatures.len() == n,
            "document columns of different lengths"
        );
        assert!(
            n < LIST_FLAG as usize,
            "DocumentIndex holds at most 2^31 - 1 documents"
        );
        let entry_of = |s: u32| BucketEntry {
            time: times[s as usize],
            identity: identities[s as usize],
            doc: docs[s as usize],
            slot: s,
        };
        use rayon::prelude::*;
        let per_band: Vec<(BandMap, Vec<Vec<BucketEntry>>)> = (0..LSH_BANDS)
            .into_par_iter()
            .map(|band| {
                // Two passes, so that every list is allocated at its final size (growing by
                // doubling left a third of the entries' memory unused at a million documents,
                // and shrinking afterwards would leave the freed blocks scattered): the first
                // numbers the buckets that get a list and counts their entries, the second fills
                // them in the order `insert` would.
                let mut map = BandMap::default();
                let mut sizes: Vec<u32> = Vec::new();
                for (slot, sig) in signatures.iter().enumerate() {
                    match map.entry(band_key(sig, band)) {
                        Entry::Vacant(v) => {
                            v.insert(slot as u32);
                        }
                        Entry::Occupied(mut o) => {
                            let value = o.get_mut();
                            if *value & LIST_FLAG == 0 {
                                *value = LIST_FLAG | sizes.len() as u32;
                                sizes.push(2);
                            } else {
                                sizes[(*value & !LIST_FLAG) as usize] += 1;
                            }
                        }
                    }
                }
                let mut lists: Vec<Vec<BucketEntry>> = sizes
                    .into_iter()
                    .map(|n| Vec::with_capacity(n as usize))
                    .collect();
                for (slot, sig) in signatures.iter().enumerate() {
                    let value = map[&band_key(sig, band)];
                    if value & LIST_FLAG != 0 {
                        insert_sorted(
                            &mut lists[(value & !LIST_FLAG) as usize],
                            entry_of(slot as u32),
                        );
                    }
                }
                (map, lists)
            })
            .collect();
        let mut index = DocumentIndex {
            lists: Vec::with_capacity(per_band.iter().map(|(_, l)| l.len()).sum()),
            ..DocumentIndex::default()
        };
        for (band, (mut map, lists)) in per_band.into_iter().enumerate() {
            let offset = index.lists.len() as u32;
            if offset > 0 {
                for value in map.values_mut().filter(|v| **v & LIST_FLAG != 0) {
                    *value += offset;
                }
            }
            index.bands[band] = map;
            index.lists.extend(lists);
        }
        index.signatures = signatures;
        index.times = times;
        index.identities = identities;
        index.docs = docs;
        index
    }

    /// Near duplicates of `sig` among the documents with time `< t_micros` (strictly) whose
    /// identity is not `identity` (module docs). Allocates its buffers; see
    /// [`query_with`](Self::query_with).
    pub fn query(&self, sig: &ResumeSignature, t_micros: i64, identity: u64) -> DocumentMatches {
        self.query_with(
            sig,
            t_micros,
            identity,
            &mut DocumentQueryScratch::default(),
        )
    }

    /// [`query`](Self::query) with reusable buffers: no allocation once they have grown.
    pub fn query_with(
        &self,
        sig: &ResumeSignature,
        t_micros: i64,
        identity: u64,
        scratch: &mut DocumentQueryScratch,
    ) -> DocumentMatches {
        self.assert_banded();
        scratch.candidates.clear();
        for (band, map) in self.bands.iter().enumerate() {
            let Some(&value) = map.get(&band_key(sig, band)) else {
                continue;
            };
            if value & LIST_FLAG == 0 {
                let i = value as usize;
                if self.times[i] < t_micros && self.identities[i] != identity {
                    scratch.candidates.push(value);
                }
                continue;
            }
            let entries = &self.lists[(value & !LIST_FLAG) as usize];
            let end = entries.partition_point(|e| e.time < t_micros);
            push_candidates(&entries[..end], identity, &mut scratch.candidates);
        }
        self.matches_among_candidates(sig, scratch)
    }

    /// Drops the band maps (52 MB at a million documents), which only inserts and
    /// [`query_with`](Self::query_with) read: for a batch run, which asks only about the
    /// documents the index holds, through [`query_held`](Self::query_held) and
    /// [`held_positions`](Self::held_positions), which read the bucket lists alone.
    ///
    /// # Panics
    ///
    /// Any insert or [`query_with`](Self::query_with) afterwards panics.
    pub(crate) fn drop_band_maps(&mut self) {
        self.bands = Default::default();
        self.held_only = true;
    }

    fn assert_banded(&self) {
        assert!(
            !self.held_only,
            "a document index without its band maps takes no insert or query by signature"
        );
    }

    /// Where every document sits in the multi-entry buckets it belongs to, for
    /// [`query_held`](Self::query_held). One pass over the buckets; valid until the next
    /// [`insert`](Self::insert).
    pub fn held_positions(&self) -> HeldPositions {
        let docs = self.docs.iter().map(|&d| d as usize + 1).max().unwrap_or(0);
        let mut starts = vec![0u32; docs + 1];
        for entry in self.lists.iter().flatten() {
            starts[entry.doc as usize + 1] += 1;
        }
        for i in 0..docs {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut places = vec![(0u32, 0u32); starts[docs] as usize];
        for (list, entries) in self.lists.iter().enumerate() {
            for (at, entry) in entries.iter().enumerate() {
                let d = entry.doc as usize;
                places[next[d] as usize] = (list as u32, at as u32);
                next[d] += 1;
            }
        }
        let mut internal = vec![u32::MAX; docs];
        for (slot, &d) in self.docs.iter().enumerate() {
            internal[d as usize] = slot as u32;
        }
        HeldPositions {
            starts,
            places,
            internal,
            documents: self.len(),
        }
    }

    /// [`query_with`](Self::query_with) for a document the index holds: document `doc`, with
    /// the signature (read from the index), time and identity it was inserted with; `None`
    /// when the index holds no document `doc`. It finds its buckets through
    /// `positions` instead of 16 hash lookups and a binary search in each bucket (what
    /// dominated queries at a million documents), with the same answer: a single-entry bucket
    /// holds only the document itself, and in a multi-entry bucket the entries before `t` are
    /// those before its own position, less the ones with its own time just before it.
    ///
    /// # Panics
    ///
    /// When `positions` were taken before a later [`insert`](Self::insert).
    pub fn query_held(
        &self,
        positions: &HeldPositions,
        doc: DocId,
        t_micros: i64,
        identity: u64,
        scratch: &mut DocumentQueryScratch,
    ) -> Option<DocumentMatches> {
        assert_eq!(
            positions.documents,
            self.len(),
            "bucket positions taken before the last insert"
        );
        let d = doc as usize;
        let internal = *positions.internal.get(d).filter(|&&s| s != u32::MAX)?;
        let sig = &self.signatures[internal as usize];
        scratch.candidates.clear();
        let places = match positions.starts.get(d..d + 2) {
            Some(&[start, end]) => &positions.places[start as usize..end as usize],
            _ => &[],
        };
        for &(list, at) in places {
            let entries = &self.lists[list as usize];
            let mut end = at as usize;
            // Entries with the document's own time just before it: a short walk back, or a
            // binary search when there are many.
            let mut walked = 0;
            while end > 0 && entries[end - 1].time >= t_micros {
                end -= 1;
                walked += 1;
                if walked == 8 {
                    end = entries[..end].partition_point(|e| e.time < t_micros);
                    break;
                }
            }
            push_candidates(&entries[..end], identity, &mut scratch.candidates);
        }
        Some(self.matches_among_candidates(sig, scratch))
    }

    /// The answer from the candidate slots gathered in `scratch.candidates`.
    fn matches_among_candidates(
        &self,
        sig: &ResumeSignature,
        scratch: &mut DocumentQueryScratch,
    ) -> DocumentMatches {
        let DocumentQueryScratch {
            candidates,
            identities,
        } = scratch;
        identities.clear();
        candidates.sort_unstable();
        candidates.dedup();
        // The candidates' signatures are scattered over the whole index (256 bytes each, far
        // beyond the caches at a million documents): touch one slot of each of their four cache
        // lines first, independent loads the processor overlaps, so the comparisons below find
        // them in cache instead of waiting for each miss in turn.
        let mut touched = 0u32;
        for &s in candidates.iter() {
            let slots = &self.signatures[s as usize].0;
            touched ^= slots[0] ^ slots[16] ^ slots[32] ^ slots[48];
        }
        std::hint::black_box(touched);
        let mut best: Option<f32> = None;
        for &s in candidates.iter() {
            let i = s as usize;
            let mask = equal_mask(&self.signatures[i], sig);
            // A 32-bit band key can collide; a real candidate shares a whole band.
            if !shares_a_band(mask) {
                continue;
            }
            let similarity = mask.count_ones() as f32 / MINHASH_PERMUTATIONS as f32;
            best = Some(best.map_or(similarity, |b| b.max(similarity)));
            if similarity >= NEAR_DUPLICATE_SIMILARITY {
                identities.push(self.identities[i]);
            }
        }
        identities.sort_unstable();
        identities.dedup();
        DocumentMatches {
            near_duplicate_identities: identities.len() as u32,
            max_similarity: best,
        }
    }
}

/// Adds the document at internal `slot` to the bucket of band key `key` in one band's `map`:
/// a bucket of one entry is the slot itself; on its second entry it becomes a list in `lists`,
/// kept sorted by (time, doc id), ties in insertion order. `entry_of` gives a slot's entry.
fn insert_in_band(
    map: &mut BandMap,
    lists: &mut Vec<Vec<BucketEntry>>,
    key: u32,
    slot: u32,
    entry_of: &impl Fn(u32) -> BucketEntry,
) {
    match map.entry(key) {
        Entry::Vacant(v) => {
            v.insert(slot);
        }
        Entry::Occupied(mut o) => {
            let value = *o.get();
            let list = if value & LIST_FLAG == 0 {
                // A band gets at most one new list per document, so list numbers fit in 31
                // bits as slots do.
                *o.get_mut() = LIST_FLAG | lists.len() as u32;
                lists.push(vec![entry_of(value)]);
                lists.last_mut().expect("just pushed")
            } else {
                &mut lists[(value & !LIST_FLAG) as usize]
            };
            insert_sorted(list, entry_of(slot));
        }
    }
}

/// Inserts `new` into bucket list `list`, kept sorted by (time, doc id), after the entries
/// equal to it (so in insertion order among equals).
fn insert_sorted(list: &mut Vec<BucketEntry>, new: BucketEntry) {
    let at = (new.time, new.doc);
    if list.last().is_none_or(|e| (e.time, e.doc) <= at) {
        list.push(new);
    } else {
        let i = list.partition_point(|e| (e.time, e.doc) <= at);
        list.insert(i, new);
    }
}

/// The candidates of one bucket: of its entries before the query time (`before`), the most
/// recent [`MAX_CANDIDATES_PER_BUCKET`], less those of the query's own identity.
fn push_candidates(before: &[BucketEntry], identity: u64, candidates: &mut Vec<u32>) {
    let start = before.len().saturating_sub(MAX_CANDIDATES_PER_BUCKET);
    candidates.extend(
        before[start..]
            .iter()
            .filter(|e| e.identity != identity)
            .map(|e| e.slot),
    );
}

/// Each document's places `(bucket list, position)` in the multi-entry buckets of a
/// [`DocumentIndex`] ([`DocumentIndex::held_positions`]): 8 bytes per bucket entry, by document
/// id.
#[derive(Debug, Clone, Default)]
pub struct HeldPositions {
    /// `places[starts[doc]..starts[doc + 1]]` are the places of document `doc`.
    starts: Vec<u32>,
    places: Vec<(u32, u32)>,
    /// The index's internal slot of each document id, `u32::MAX` for none.
    internal: Vec<u32>,
    /// Documents in the index when the positions were taken.
    documents: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    use appfraud_core::primitives::SplitMix64;

    fn sig(text: &str) -> ResumeSignature {
        resume_signature(text, &mut ShingleScratch::default()).expect("long enough")
    }

    /// Deterministic draws for generated texts (independent of the code under test's use).
    struct Rng(SplitMix64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0.next_u64()
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Exact word 3-shingle set, written independently of `resume_signature`: split on
    /// non-alphanumerics, lower-case, join triples with a space.
    fn shingles(text: &str) -> HashSet<String> {
        let tokens: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase)
            .collect();
        tokens.windows(3).map(|w| w.join(" ")).collect()
    }

    fn jaccard(a: &str, b: &str) -> f64 {
        let (a, b) = (shingles(a), shingles(b));
        a.intersection(&b).count() as f64 / a.union(&b).count() as f64
    }

    /// Binomial standard error of a 64-slot estimate at true similarity `j`.
    fn standard_error(j: f64) -> f64 {
        (j * (1.0 - j) / MINHASH_PERMUTATIONS as f64).sqrt()
    }

    /// The mask test against the direct band comparison it replaces, on random signatures
    /// whose slots are equal with probability 1/2 (so every band pattern occurs).
    #[test]
    fn band_sharing_from_the_mask_equals_comparing_the_bands() {
        let mut rng = SplitMix64::new(5);
        for _ in 0..20_000 {
            let a = ResumeSignature(std::array::from_fn(|_| (rng.next_u64() % 2) as u32));
            let b = ResumeSignature(std::array::from_fn(|_| (rng.next_u64() % 2) as u32));
            let direct = (0..LSH_BANDS).any(|k| a.band(k) == b.band(k));
            assert_eq!(shares_a_band(equal_mask(&a, &b)), direct);
            assert_eq!(equal_mask(&a, &b), equal_mask_portable(&a, &b));
            let equal = a.0.iter().zip(&b.0).filter(|(x, y)| x == y).count();
            assert_eq!(equal_slots(&a, &b), equal);
        }
    }

    /// The run-time-dispatched fold (AVX-512 where the CPU has it) against the portable loop,
    /// the reference, on random shingle hashes of every count from 0 to 300: equal bits.
    #[test]
    fn dispatched_fold_equals_the_portable_loop() {
        let mut rng = SplitMix64::new(11);
        for n in 0..300 {
            let ys: Vec<u64> = (0..n).map(|_| rng.next_u64()).collect();
            let mut fast = [u32::MAX; MINHASH_PERMUTATIONS];
            let mut reference = [u32::MAX; MINHASH_PERMUTATIONS];
            fold_shingles(&ys, &mut fast);
            fold_shingles_portable(&ys, &mut reference);
            assert_eq!(fast, reference, "{n} shingles");
        }
    }

    #[test]
    fn fnv1a_and_fmix_reference_values() {
        // FNV-1a 64 reference values (Fowler–Noll–Vo test vectors): "" → offset basis,
        // "a" → 0xaf63dc4c8601ec8c, "foobar" → 0x85944171f73967e8.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        // fmix64 is a bijection fixing 0; the seeds are distinct.
        assert_eq!(fmix64(0), 0);
        let distinct: HashSet<u64> = SEEDS.iter().copied().collect();
        assert_eq!(distinct.len(), MINHASH_PERMUTATIONS);
    }

    #[test]
    fn shingle_hash_is_fnv_of_the_space_joined_tokens() {
        // Exactly 8 tokens → 6 shingles; the signature must be the MinHash of FNV-1a of
        // "one two three", "two three four", ... computed here by hand.
        let text = "One, TWO; three-four (five) six! seven... eight";
        let words = [
            "one", "two", "three", "four", "five", "six", "seven", "eight",
        ];
        let mut expected = [u32::MAX; MINHASH_PERMUTATIONS];
        for w in words.windows(3) {
            let y = fmix64(fnv1a64(w.join(" ").as_bytes()));
            for (m, seed) in expected.iter_mut().zip(SEEDS) {
                let h = y.wrapping_mul(seed | 1).wrapping_add(fmix64(seed));
                *m = (*m).min((h >> 32) as u32);
            }
        }
        assert_eq!(sig(text).slots(), &expected);
    }

    #[test]
    fn estimate_of_a_hand_counted_jaccard_is_within_three_standard_errors() {
        // 10 tokens a..j → shingles abc bcd cde def efg fgh ghi hij (8). Replacing the 5th
        // token (echo → zulu) changes the three shingles containing it (cde, def, efg):
        // |A ∩ B| = 5, |A ∪ B| = 8 + 3 = 11, J = 5/11 = 0.4545; SE = sqrt(J(1−J)/64) = 0.0622.
        let a = "alpha bravo charlie delta echo foxtrot golf hotel india juliet";
        let b = "alpha bravo charlie delta zulu foxtrot golf hotel india juliet";
        let j = 5.0 / 11.0;
        assert!((jaccard(a, b) - j).abs() < 1e-12);
        let est = f64::from(sig(a).similarity(&sig(b)));
        assert!((est - j).abs() <= 3.0 * standard_error(j), "{est} vs {j}");

        // 20 tokens → 18 shingles; changing the last token changes only the last shingle:
        // |A ∩ B| = 17, |A ∪ B| = 19, J = 17/19 = 0.8947; SE = 0.0384.
        let a = "one two three four five six seven eight nine ten eleven twelve thirteen \
                 fourteen fifteen sixteen seventeen eighteen nineteen twenty";
        let b = "one two three four five six seven eight nine ten eleven twelve thirteen \
                 fourteen fifteen sixteen seventeen eighteen nineteen thirty";
        let j = 17.0 / 19.0;
        assert!((jaccard(a, b) - j).abs() < 1e-12);
        let est = f64::from(sig(a).similarity(&sig(b)));
        assert!((est - j).abs() <= 3.0 * standard_error(j), "{est} vs {j}");
    }

    /// `len` random words from a vocabulary of `vocab` words.
    fn random_words(rng: &mut Rng, vocab: u64, len: usize) -> Vec<String> {
        (0..len).map(|_| format!("w{}", rng.below(vocab))).collect()
    }

    /// `edits` random substitutions, insertions or deletions of words.
    fn edit(rng: &mut Rng, words: &[String], edits: usize, vocab: u64) -> Vec<String> {
        let mut out = words.to_vec();
        for _ in 0..edits {
            let at = rng.below(out.len() as u64) as usize;
            let word = format!("w{}", rng.below(vocab));
            match rng.below(3) {
                0 => out[at] = word,
                1 => out.insert(at, word),
                _ if out.len() > MIN_RESUME_TOKENS + 2 => {
                    out.remove(at);
                }
                _ => out[at] = word,
            }
        }
        out
    }

    #[test]
    fn estimates_track_exact_jaccard_over_many_pairs() {
        // 400 pairs: a 40-word text and a copy with 0–15 random edits; exact J from the
        // independent shingle sets above. Each estimate is Binomial(64, J)/64 (module docs),
        // so ~99.7% should fall within 3 SE (we ask for 97%), and the mean error should be
        // within 4 standard errors of the mean, sqrt(Σ J(1−J)/64) / n (no bias).
        let mut rng = Rng(SplitMix64::new(7));
        let (mut within, mut sum_err, mut sum_var) = (0usize, 0.0f64, 0.0f64);
        let n = 400;
        for _ in 0..n {
            let a = random_words(&mut rng, 1000, 40);
            let edits = rng.below(16) as usize;
            let b = edit(&mut rng, &a, edits, 1000);
            let (a, b) = (a.join(" "), b.join(" "));
            let j = jaccard(&a, &b);
            let est = f64::from(sig(&a).similarity(&sig(&b)));
            let se = standard_error(j);
            within += usize::from((est - j).abs() <= 3.0 * se + 1e-9);
            sum_err += est - j;
            sum_var += se * se;
        }
        assert!(within * 100 >= n * 97, "{within} of {n} within 3 SE");
        let mean_err = sum_err / n as f64;
        let se_mean = sum_var.sqrt() / n as f64;
        assert!(mean_err.abs() <= 4.0 * se_mean, "{mean_err} vs {se_mean}");
    }

    #[test]
    fn identical_case_and_punctuation_unrelated_and_short_texts() {
        let text = "Senior Rust developer with 7 years of experience building payment systems.";
        assert_eq!(sig(text).similarity(&sig(text)), 1.0);
        // Only case and punctuation differ: the same tokens, so the same signature.
        let shouted = "SENIOR rust-developer, with 7 YEARS of experience; building payment systems";
        assert_eq!(sig(text), sig(shouted));
        assert_eq!(sig(text).similarity(&sig(shouted)), 1.0);
        // No shingle in common (J = 0): only a 32-bit collision could make a slot equal.
        let other = "Recent graduate in marine biology, fieldwork on coral reefs and plankton.";
        assert_eq!(jaccard(text, other), 0.0);
        let s = sig(text).similarity(&sig(other));
        assert!(s < 0.05, "{s}");
        let mut index = DocumentIndex::new();
        index.insert(0, 0, 1, &sig(text));
        assert_eq!(index.query(&sig(other), 1, 2).near_duplicate_identities, 0);
        // 7 tokens (< MIN_RESUME_TOKENS): no signature; 8 tokens: one.
        let mut scratch = ShingleScratch::default();
        assert_eq!(
            resume_signature("one two three four five six seven", &mut scratch),
            None
        );
        assert!(
            resume_signature("one two three four five six seven eight", &mut scratch).is_some()
        );
        assert_eq!(resume_signature("", &mut scratch), None);
        assert_eq!(resume_signature(" ,.;!? -- ", &mut scratch), None);
        // Unicode: lower-casing and non-ASCII letters and digits are tokens.
        assert_eq!(
            sig("Ärztin MÜNCHEN Straße ٣ Ελλάδα one two three"),
            sig("ärztin münchen straße ٣ ελλάδα ONE TWO THREE")
        );
    }

    #[test]
    fn candidate_probability_matches_the_documented_s_curve() {
        // 1 − (1 − s⁴)¹⁶ at the module docs' table points.
        let table = [
            (0.2, 0.025),
            (0.3, 0.122),
            (0.4, 0.340),
            (0.5, 0.644),
            (0.6, 0.892),
            (0.7, 0.988),
            (0.8, 0.9998),
        ];
        for (s, p) in table {
            let q = 1.0 - (1.0 - f64::powi(s, LSH_ROWS as i32)).powi(LSH_BANDS as i32);
            assert!((q - p).abs() < 0.0006, "{s}: {q} vs {p}");
        }
        // Smallest count of equal slots that is a near duplicate: 52 of 64.
        const {
            assert!(
                51.0 / 64.0 < NEAR_DUPLICATE_SIMILARITY && 52.0 / 64.0 >= NEAR_DUPLICATE_SIMILARITY
            )
        };
    }

    const TEMPLATE: &str = "Results-driven software engineer with 5 years of experience \
        delivering scalable, secure and high-performance solutions in Rust, Go and Kafka.";

    #[test]
    fn same_identity_equal_and_later_times_are_ignored() {
        let s = sig(TEMPLATE);
        let mut index = DocumentIndex::new();
        assert!(index.is_empty());
        assert_eq!(index.query(&s, 100, 1), DocumentMatches::default());
        index.insert(0, 50, 1, &s); // same identity as the query
        index.insert(1, 100, 2, &s); // same time as the query
        index.insert(2, 150, 3, &s); // after the query
        assert_eq!(index.len(), 3);
        assert_eq!(index.query(&s, 100, 1), DocumentMatches::default());
        // Another identity sees the one from identity 1 at 50, not the ones at 100 and 150.
        assert_eq!(
            index.query(&s, 100, 9),
            DocumentMatches {
                near_duplicate_identities: 1,
                max_similarity: Some(1.0)
            }
        );
        // Just after 100: identities 1 and 2. After 150: 1, 2 and 3, minus the asker's own.
        assert_eq!(index.query(&s, 101, 9).near_duplicate_identities, 2);
        assert_eq!(index.query(&s, 151, 2).near_duplicate_identities, 2);
        // Two documents of the same other identity count once.
        index.insert(3, 60, 1, &s);
        assert_eq!(index.query(&s, 100, 9).near_duplicate_identities, 1);
        // An unrelated text shares no bucket: no candidate.
        let other =
            sig("Recent graduate in marine biology, fieldwork on coral reefs and plankton.");
        assert_eq!(index.query(&other, 1_000, 9), DocumentMatches::default());
    }

    #[test]
    fn a_candidate_below_the_threshold_reports_similarity_only() {
        // 10 tokens, the 5th replaced: J = 5/11 (hand count above). It is estimated far below
        // 0.8, so no near duplicate; it shares a band, so it is reported as max similarity.
        let a = "alpha bravo charlie delta echo foxtrot golf hotel india juliet";
        let b = "alpha bravo charlie delta zulu foxtrot golf hotel india juliet";
        let (sa, sb) = (sig(a), sig(b));
        assert!((0..LSH_BANDS).any(|band| sa.band(band) == sb.band(band)));
        let mut index = DocumentIndex::new();
        index.insert(0, 0, 1, &sa);
        let m = index.query(&sb, 1, 2);
        assert_eq!(m.near_duplicate_identities, 0);
        assert_eq!(m.max_similarity, Some(sa.similarity(&sb)));
        assert!(m.max_similarity.unwrap() < NEAR_DUPLICATE_SIMILARITY);
    }

    #[test]
    fn bucket_cap_bounds_identical_copies() {
        // 1000 verbatim copies by 1000 identities at times 0..999, inserted in a shuffled order.
        // Identical signatures share all 16 buckets, each holding the same 1000 entries, so the
        // query sees the most recent min(k, 32) before t = k: the documented cap.
        let s = sig(TEMPLATE);
        let mut order: Vec<u32> = (0..1000).collect();
        let mut rng = Rng(SplitMix64::new(3));
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut index = DocumentIndex::new();
        for &d in &order {
            index.insert(d, i64::from(d), 10_000 + u64::from(d), &s);
        }
        for k in [0u32, 1, 2, 31, 32, 33, 127, 128, 129, 500, 999, 1000, 5000] {
            let m = index.query(&s, i64::from(k), 1);
            let expected = k.min(MAX_CANDIDATES_PER_BUCKET as u32);
            assert_eq!(m.near_duplicate_identities, expected, "t = {k}");
            assert_eq!(m.max_similarity, (k > 0).then_some(1.0), "t = {k}");
        }
        // The asker's own copy (identity 10_000 + 499, at 499) is one of the 32 most recent
        // before t = 500: skipped, yet counted toward the cap, so 31 others.
        assert_eq!(index.query(&s, 500, 10_499).near_duplicate_identities, 31);
        // Its copy at 100 is outside the window [468, 499]: 32 others.
        assert_eq!(index.query(&s, 500, 10_100).near_duplicate_identities, 32);

        // Equal times are ordered by doc id whatever the insertion order: 200 copies all at
        // time 0, ids 0..199 with identity 20_000 + id, inserted shuffled. The window before
        // t = 1 is ids 168..=199, so the asker with id 199's identity is inside it (31 others)
        // and the one with id 0's identity outside (32 others).
        let mut ties = DocumentIndex::new();
        for &d in order.iter().filter(|&&d| d < 200) {
            ties.insert(d, 0, 20_000 + u64::from(d), &s);
        }
        assert_eq!(ties.query(&s, 1, 20_199).near_duplicate_identities, 31);
        assert_eq!(ties.query(&s, 1, 20_000).near_duplicate_identities, 32);
        assert_eq!(ties.query(&s, 1, 20_167).near_duplicate_identities, 32);
        assert_eq!(ties.query(&s, 1, 20_168).near_duplicate_identities, 31);
    }

    /// One generated document: text, time, identity.
    struct Doc {
        sig: Option<ResumeSignature>,
        time: i64,
        identity: u64,
    }

    /// Generated documents: 60% copies of one popular template, 25% of four others (0–2 word
    /// edits each), 15% personal texts; 150 identities (so identities repeat); times in
    /// `[t0, t0 + span)` (so timestamps tie); some texts too short for a signature.
    fn generate(rng: &mut Rng, n: usize, t0: i64, span: u64) -> Vec<Doc> {
        let templates: Vec<Vec<String>> = (0..5)
            .map(|i| random_words(&mut Rng(SplitMix64::new(100 + i)), 300, 30))
            .collect();
        let mut scratch = ShingleScratch::default();
        (0..n)
            .map(|_| {
                let roll = rng.below(100);
                let words = if roll < 60 {
                    let edits = rng.below(3) as usize;
                    edit(rng, &templates[0], edits, 300)
                } else if roll < 85 {
                    let t = 1 + rng.below(4) as usize;
                    let edits = rng.below(3) as usize;
                    edit(rng, &templates[t], edits, 300)
                } else if roll < 97 {
                    random_words(rng, 300, 25)
                } else {
                    random_words(rng, 300, 5)
                };
                Doc {
                    sig: resume_signature(&words.join(" "), &mut scratch),
                    time: t0 + rng.below(span) as i64,
                    identity: rng.below(150),
                }
            })
            .collect()
    }

    #[test]
    fn results_depend_only_on_earlier_documents() {
        let mut rng = Rng(SplitMix64::new(42));
        let first = generate(&mut rng, 600, 0, 400);
        let later = generate(&mut rng, 600, 400, 800);

        // Index A: documents inserted in time order, each queried right after its own insertion,
        // when A holds exactly the documents before it in (time, id) order.
        let mut by_time: Vec<usize> = (0..first.len()).collect();
        by_time.sort_by_key(|&i| (first[i].time, i));
        let mut a = DocumentIndex::new();
        let mut scratch = DocumentQueryScratch::default();
        let mut recorded = vec![None; first.len()];
        for &i in &by_time {
            let d = &first[i];
            if let Some(s) = &d.sig {
                a.insert(i as u32, d.time, d.identity, s);
                recorded[i] = Some(a.query_with(s, d.time, d.identity, &mut scratch));
            }
        }
        let results: Vec<DocumentMatches> = recorded.iter().flatten().copied().collect();
        assert!(results.iter().any(|m| m.near_duplicate_identities > 10));
        assert!(results.iter().any(|m| m.max_similarity.is_none()));
        assert!(results.iter().any(|m| {
            m.max_similarity
                .is_some_and(|s| s < NEAR_DUPLICATE_SIMILARITY)
        }));
        assert!(first.iter().any(|d| d.sig.is_none()));
        // The cap is exercised: some bucket holds more entries than a query examines.
        assert!(a.lists.iter().any(|l| l.len() > MAX_CANDIDATES_PER_BUCKET));

        let check = |index: &DocumentIndex| {
            let mut scratch = DocumentQueryScratch::default();
            for (i, d) in first.iter().enumerate() {
                if let Some(s) = &d.sig {
                    let m = index.query_with(s, d.time, d.identity, &mut scratch);
                    assert_eq!(Some(m), recorded[i], "document {i}");
                }
            }
        };

        // A plus documents with later times.
        for (k, d) in later.iter().enumerate() {
            if let Some(s) = &d.sig {
                a.insert((first.len() + k) as u32, d.time, d.identity, s);
            }
        }
        check(&a);

        // B: the first and the later documents inserted in a shuffled order, so older documents
        // land before newer ones already in their buckets, and every first document's equal-time
        // peers (which A had not yet seen at query time) are present.
        let mut all: Vec<(u32, &Doc)> = first
            .iter()
            .chain(&later)
            .enumerate()
            .map(|(i, d)| (i as u32, d))
            .collect();
        for i in (1..all.len()).rev() {
            all.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut b = DocumentIndex::new();
        for (id, d) in &all {
            if let Some(s) = &d.sig {
                b.insert(*id, d.time, d.identity, s);
            }
        }
        check(&b);
    }

    /// The held-document query against the general one (the reference), for every document of
    /// an index filled in shuffled order: generated templates (big buckets past the cap, tied
    /// timestamps, repeated identities) plus 40 copies of one text at one instant, so the walk
    /// back over a document's own time hands over to the binary search. Equal answers, bit for
    /// bit.
    #[test]
    fn held_query_equals_the_general_query() {
        let mut rng = Rng(SplitMix64::new(7));
        let mut docs = generate(&mut rng, 1_500, 0, 300);
        let same = sig("one text copied verbatim by forty identities at a single instant of time");
        docs.extend((0..40).map(|k| Doc {
            sig: Some(same),
            time: 150,
            identity: 1_000 + k,
        }));
        let mut order: Vec<usize> = (0..docs.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut index = DocumentIndex::new();
        for &i in &order {
            if let Some(s) = &docs[i].sig {
                index.insert(i as u32, docs[i].time, docs[i].identity, s);
            }
        }
        let positions = index.held_positions();
        let mut scratch = DocumentQueryScratch::default();
        let mut compared = 0;
        for (i, d) in docs.iter().enumerate() {
            let Some(s) = &d.sig else {
                let held = index.query_held(&positions, i as u32, d.time, d.identity, &mut scratch);
                assert_eq!(held, None, "document {i} has no signature");
                continue;
            };
            let general = index.query_with(s, d.time, d.identity, &mut scratch);
            let held = index.query_held(&positions, i as u32, d.time, d.identity, &mut scratch);
            assert_eq!(held, Some(general), "document {i}");
            compared += 1;
        }
        assert!(compared > 1_400);
        assert!(
            index
                .lists
                .iter()
                .any(|l| l.len() > MAX_CANDIDATES_PER_BUCKET)
        );
    }

    #[test]
    #[should_panic(expected = "before the last insert")]
    fn held_positions_go_stale_on_insert() {
        let a = sig("alpha beta gamma delta epsilon zeta eta theta iota kappa");
        let mut index = DocumentIndex::new();
        index.insert(0, 1, 1, &a);
        let positions = index.held_positions();
        index.insert(1, 2, 2, &a);
        index.query_held(&positions, 0, 1, 1, &mut DocumentQueryScratch::default());
    }

    /// The band-parallel build against one-by-one inserts (the reference) of the same
    /// documents in the same order: every bucket holds the same entries in the same order, and
    /// every document gets the same answers from both queries.
    #[test]
    fn parallel_build_equals_inserting_one_by_one() {
        let mut rng = Rng(SplitMix64::new(19));
        let docs: Vec<Doc> = generate(&mut rng, 1_200, 0, 250)
            .into_iter()
            .filter(|d| d.sig.is_some())
            .collect();
        let mut order: Vec<u32> = (0..docs.len() as u32).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut one_by_one = DocumentIndex::new();
        for &id in &order {
            let d = &docs[id as usize];
            one_by_one.insert(id, d.time, d.identity, d.sig.as_ref().expect("kept"));
        }
        let in_order = || order.iter().map(|&i| &docs[i as usize]);
        let parallel = DocumentIndex::from_documents(
            order.clone(),
            in_order().map(|d| d.time).collect(),
            in_order().map(|d| d.identity).collect(),
            in_order().map(|d| d.sig.expect("kept")).collect(),
        );
        let bucket = |index: &DocumentIndex, band: usize, key: u32| -> Vec<u32> {
            match index.bands[band][&key] {
                v if v & LIST_FLAG == 0 => vec![v],
                v => index.lists[(v & !LIST_FLAG) as usize]
                    .iter()
                    .map(|e| e.slot)
                    .collect(),
            }
        };
        for band in 0..LSH_BANDS {
            assert_eq!(parallel.bands[band].len(), one_by_one.bands[band].len());
            for &key in one_by_one.bands[band].keys() {
                assert_eq!(bucket(&parallel, band, key), bucket(&one_by_one, band, key));
            }
        }
        assert!(
            one_by_one
                .lists
                .iter()
                .any(|l| l.len() > MAX_CANDIDATES_PER_BUCKET)
        );
        let (held_a, held_b) = (parallel.held_positions(), one_by_one.held_positions());
        let mut scratch = DocumentQueryScratch::default();
        for (id, d) in docs.iter().enumerate() {
            let (sig, id) = (d.sig.as_ref().expect("kept"), id as u32);
            assert_eq!(
                parallel.query_with(sig, d.time, d.identity, &mut scratch),
                one_by_one.query_with(sig, d.time, d.identity, &mut scratch)
            );
            assert_eq!(
                parallel.query_held(&held_a, id, d.time, d.identity, &mut scratch),
                one_by_one.query_held(&held_b, id, d.time, d.identity, &mut scratch)
            );
        }
    }
}
