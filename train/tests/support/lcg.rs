//! Knuth's MMIX linear congruential generator, as the reference scripts under
//! `train/tests/reference/` implement it, so that Rust and Python draw the same numbers.

/// The generator's state; `Lcg(seed)` starts from `seed`.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next state's top 53 bits as a float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 * (1.0 / 9007199254740992.0)
    }
}
