//! Deterministic draws for the money model: the same seed gives the same operations on every
//! machine, which is what makes a failure reproducible. Integer draws over the analytics
//! crate's SplitMix64.

pub struct Rng(analytics::Rng);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(analytics::Rng::new(seed))
    }

    /// A second, independent stream: faults draw from their own, so whether a crash happened to
    /// land (which depends on timing) never shifts the operations that follow.
    pub fn fork(&mut self) -> Self {
        Self::new(self.next())
    }

    pub fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// An index drawn by weight.
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut left = self.next() % weights.iter().sum::<u64>();
        for (i, w) in weights.iter().enumerate() {
            if left < *w {
                return i;
            }
            left -= w;
        }
        unreachable!("the draw is below the total")
    }
}
