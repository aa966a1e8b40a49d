//! Definitions every crate shares and none redefines, because committed data depends on their
//! exact values: the time units of the contract's timestamps and the SplitMix64 generator.
//!
//! - **Time units.** Every timestamp of the input contract is an `i64` count of microseconds
//!   since the Unix epoch, UTC ([`crate::schema`]). [`MICROS_PER_SECOND`], [`MICROS_PER_MINUTE`],
//!   [`MICROS_PER_HOUR`] and [`MICROS_PER_DAY`] convert durations to that unit; a day is always
//!   86,400 seconds (the contract has no leap seconds).
//! - **[`SplitMix64`]** (Steele, Lea and Flood, "Fast splittable pseudorandom number
//!   generators", OOPSLA 2014, in the fixed-increment form of Vigna's `splitmix64.c`): the
//!   generator behind the synthetic data, bootstrap intervals, GBDT sampling, MinHash seeds and
//!   the randomised tests. Its output for a state is fixed forever: the committed sample data
//!   and baseline model are functions of it.

/// Microseconds in one second.
pub const MICROS_PER_SECOND: i64 = 1_000_000;
/// Microseconds in one minute.
pub const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
/// Microseconds in one hour.
pub const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
/// Microseconds in one day of 86,400 seconds.
pub const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;

/// The SplitMix64 pseudorandom generator: a 64-bit state advanced by [`SplitMix64::GAMMA`] per
/// draw and passed through [`SplitMix64::mix`].
///
/// Fast, tiny and statistically good for simulation, sampling and tests; not cryptographic.
/// The state is the whole generator: [`SplitMix64::new`] takes it as is (no hidden seeding
/// step), so callers that derive streams from a seed do so explicitly and reproducibly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// The increment of the state per draw: `2⁶⁴ / φ`, rounded to an odd number.
    pub const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

    /// A generator whose state is `state`; the first draw is `mix(state + GAMMA)`.
    pub const fn new(state: u64) -> Self {
        Self { state }
    }

    /// The current state: a generator built with [`SplitMix64::new`] from it continues this
    /// one's sequence.
    pub const fn state(&self) -> u64 {
        self.state
    }

    /// The next 64 random bits.
    pub const fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GAMMA);
        Self::mix(self.state)
    }

    /// Uniform in `[0, 1)`: the top 53 bits of [`SplitMix64::next_u64`] times `2⁻⁵³` (exact).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// The output function (Stafford's "Mix13" variant of MurmurHash3's 64-bit finaliser), a
    /// bijection of `u64` with full avalanche; also usable on its own to hash a 64-bit key.
    pub const fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_published_reference_outputs() {
        // Reference (exact): Rosetta Code, "Pseudo-random numbers/Splitmix64", first five
        // outputs for the seed 1234567, the same values as Vigna's splitmix64.c with
        // x = 1234567.
        let mut rng = SplitMix64::new(1234567);
        let outputs: Vec<u64> = (0..5).map(|_| rng.next_u64()).collect();
        assert_eq!(
            outputs,
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423,
                4593380528125082431,
                16408922859458223821,
            ]
        );
        // Reference (exact): splitmix64.c from state 0.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(rng.next_u64(), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn state_continues_the_sequence_and_floats_are_the_top_53_bits() {
        let mut a = SplitMix64::new(42);
        a.next_u64();
        let mut b = SplitMix64::new(a.state());
        let mut c = a.clone();
        assert_eq!(a.next_u64(), b.next_u64());
        let bits = c.clone().next_u64();
        let x = c.next_f64();
        assert!((0.0..1.0).contains(&x));
        // Exact: 53-bit integers and a power-of-two scale are representable in f64.
        assert_eq!(x * (1u64 << 53) as f64, (bits >> 11) as f64);
        assert_eq!(
            SplitMix64::new(7).next_u64(),
            SplitMix64::mix(7 + SplitMix64::GAMMA)
        );
    }

    #[test]
    fn time_units_are_consistent() {
        // Reference: 1 day = 86,400 s (SI seconds, no leap seconds in the contract).
        assert_eq!(MICROS_PER_DAY, 86_400 * MICROS_PER_SECOND);
        assert_eq!(MICROS_PER_DAY, 86_400_000_000);
        assert_eq!(MICROS_PER_HOUR, 3_600_000_000);
        assert_eq!(MICROS_PER_MINUTE, 60_000_000);
    }
}
