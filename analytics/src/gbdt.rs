//! Gradient-boosted regression trees on binned features (the histogram method of LightGBM and
//! XGBoost, small enough to read): logistic loss for success, squared loss for demand, and
//! monotone constraints (a feature may only raise, or only lower, the prediction) enforced the
//! way XGBoost does, by ordering sibling leaves and bounding their subtrees.

use crate::logistic::{logit, sigmoid};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// Outcomes 0/1; predictions are log-odds.
    Logistic,
    /// Any real target.
    Squared,
}

/// Whether a feature may only raise (`Increasing`) or only lower (`Decreasing`) the prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Monotone {
    Free,
    Increasing,
    Decreasing,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub trees: usize,
    pub depth: usize,
    pub learning_rate: f64,
    pub min_leaf: usize,
    /// L2 penalty on leaf values.
    pub lambda: f64,
    /// Most bins per feature (at most 256).
    pub bins: usize,
}

impl Default for Params {
    fn default() -> Self {
        Self { trees: 150, depth: 4, learning_rate: 0.1, min_leaf: 20, lambda: 1.0, bins: 32 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Node {
    /// `value <= threshold` goes left.
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    Leaf(f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gbdt {
    loss: Loss,
    base: f64,
    trees: Vec<Vec<Node>>,
}

/// What one tree's growth reads.
struct Grow<'a> {
    codes: &'a [Vec<u8>],
    cuts: &'a [Vec<f64>],
    monotone: &'a [Monotone],
    grad: &'a [f64],
    hess: &'a [f64],
    params: &'a Params,
    nodes: Vec<Node>,
    /// Each training row's leaf value, to update the running predictions.
    leaf_of: Vec<f64>,
}

impl Gbdt {
    /// Fits `x` (rows of equal length) to `y`; `monotone` names each feature's constraint (missing
    /// entries are free).
    pub fn fit(x: &[Vec<f64>], y: &[f64], loss: Loss, monotone: &[Monotone], params: &Params) -> Self {
        let d = x.first().map_or(0, Vec::len);
        let cuts: Vec<Vec<f64>> = (0..d).map(|j| cut_points(x.iter().map(|r| r[j]), params.bins)).collect();
        let codes: Vec<Vec<u8>> =
            (0..d).map(|j| x.iter().map(|r| cuts[j].partition_point(|&c| c < r[j]) as u8).collect()).collect();
        let mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
        let base = match loss {
            Loss::Logistic => logit(mean),
            Loss::Squared => mean,
        };
        let mut monotone = monotone.to_vec();
        monotone.resize(d, Monotone::Free);
        let mut pred = vec![base; y.len()];
        let mut trees = Vec::with_capacity(params.trees);
        let all: Vec<u32> = (0..y.len() as u32).collect();
        for _ in 0..params.trees {
            let (grad, hess): (Vec<f64>, Vec<f64>) = pred
                .iter()
                .zip(y)
                .map(|(&f, &t)| match loss {
                    Loss::Logistic => {
                        let p = sigmoid(f);
                        (p - t, (p * (1.0 - p)).max(1e-6))
                    }
                    Loss::Squared => (f - t, 1.0),
                })
                .unzip();
            let mut grow = Grow {
                codes: &codes,
                cuts: &cuts,
                monotone: &monotone,
                grad: &grad,
                hess: &hess,
                params,
                nodes: Vec::new(),
                leaf_of: vec![0.0; y.len()],
            };
            grow.node(all.clone(), 0, f64::NEG_INFINITY, f64::INFINITY);
            pred.iter_mut().zip(&grow.leaf_of).for_each(|(p, w)| *p += w);
            trees.push(grow.nodes);
        }
        Self { loss, base, trees }
    }

    /// The raw score: log-odds for [`Loss::Logistic`], the value for [`Loss::Squared`].
    pub fn score(&self, features: &[f64]) -> f64 {
        self.base
            + self
                .trees
                .iter()
                .map(|tree| {
                    let mut i = 0;
                    loop {
                        match tree[i] {
                            Node::Leaf(w) => break w,
                            Node::Split { feature, threshold, left, right } => {
                                i = if features[feature] <= threshold { left } else { right };
                            }
                        }
                    }
                })
                .sum::<f64>()
    }

    /// A probability for [`Loss::Logistic`], the value otherwise.
    pub fn predict(&self, features: &[f64]) -> f64 {
        match self.loss {
            Loss::Logistic => sigmoid(self.score(features)),
            Loss::Squared => self.score(features),
        }
    }
}

/// Up to `bins - 1` distinct quantile cut points.
fn cut_points(values: impl Iterator<Item = f64>, bins: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    if v.len() <= bins {
        return v.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    }
    let mut cuts: Vec<f64> = (1..bins).map(|b| v[b * v.len() / bins]).collect();
    cuts.dedup();
    cuts
}

/// The objective `G·w + ½(H+λ)·w²` at the best `w` within `[lo, hi]`.
fn leaf(g: f64, h: f64, lambda: f64, lo: f64, hi: f64) -> (f64, f64) {
    let w = (-g / (h + lambda)).clamp(lo, hi);
    (w, g * w + 0.5 * (h + lambda) * w * w)
}

struct Split {
    feature: usize,
    bin: usize,
    gain: f64,
    left: f64,
    right: f64,
}

impl Grow<'_> {
    fn node(&mut self, rows: Vec<u32>, depth: usize, lo: f64, hi: f64) -> usize {
        let (g, h) = rows.iter().fold((0.0, 0.0), |(g, h), &i| (g + self.grad[i as usize], h + self.hess[i as usize]));
        let (w, objective) = leaf(g, h, self.params.lambda, lo, hi);
        let split = if depth < self.params.depth && rows.len() >= 2 * self.params.min_leaf {
            self.best_split(&rows, g, h, objective, lo, hi)
        } else {
            None
        };
        let index = self.nodes.len();
        let Some(s) = split else {
            let value = w * self.params.learning_rate;
            rows.iter().for_each(|&i| self.leaf_of[i as usize] = value);
            self.nodes.push(Node::Leaf(value));
            return index;
        };
        self.nodes.push(Node::Leaf(0.0));
        let (left_rows, right_rows): (Vec<u32>, Vec<u32>) =
            rows.into_iter().partition(|&i| (self.codes[s.feature][i as usize] as usize) <= s.bin);
        let mid = (s.left + s.right) / 2.0;
        let (left_bounds, right_bounds) = match self.monotone[s.feature] {
            Monotone::Free => ((lo, hi), (lo, hi)),
            Monotone::Increasing => ((lo, mid), (mid, hi)),
            Monotone::Decreasing => ((mid, hi), (lo, mid)),
        };
        let left = self.node(left_rows, depth + 1, left_bounds.0, left_bounds.1);
        let right = self.node(right_rows, depth + 1, right_bounds.0, right_bounds.1);
        self.nodes[index] = Node::Split { feature: s.feature, threshold: self.cuts[s.feature][s.bin], left, right };
        index
    }

    fn best_split(&self, rows: &[u32], g: f64, h: f64, parent: f64, lo: f64, hi: f64) -> Option<Split> {
        let lambda = self.params.lambda;
        let mut best: Option<Split> = None;
        for (feature, codes) in self.codes.iter().enumerate() {
            let n_bins = self.cuts[feature].len() + 1;
            if n_bins < 2 {
                continue;
            }
            let mut hist = vec![(0.0f64, 0.0f64, 0usize); n_bins];
            for &i in rows {
                let cell = &mut hist[codes[i as usize] as usize];
                cell.0 += self.grad[i as usize];
                cell.1 += self.hess[i as usize];
                cell.2 += 1;
            }
            let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0usize);
            // Splitting after the last bin sends everything left: not a split.
            for (bin, &(bg, bh, bn)) in hist.iter().enumerate().take(n_bins - 1) {
                gl += bg;
                hl += bh;
                nl += bn;
                let nr = rows.len() - nl;
                if nl < self.params.min_leaf || nr < self.params.min_leaf {
                    continue;
                }
                let (wl, ol) = leaf(gl, hl, lambda, lo, hi);
                let (wr, or) = leaf(g - gl, h - hl, lambda, lo, hi);
                let allowed = match self.monotone[feature] {
                    Monotone::Free => true,
                    Monotone::Increasing => wl <= wr,
                    Monotone::Decreasing => wl >= wr,
                };
                let gain = parent - ol - or;
                if allowed && gain > 1e-9 && best.as_ref().is_none_or(|b| gain > b.gain) {
                    best = Some(Split { feature, bin, gain, left: wl, right: wr });
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn learns_a_step_and_an_interaction() {
        let mut rng = Rng::new(5);
        let x: Vec<Vec<f64>> = (0..3000).map(|_| vec![rng.uniform(), rng.uniform()]).collect();
        let y: Vec<f64> =
            x.iter().map(|r| if (r[0] > 0.5) ^ (r[1] > 0.5) { 10.0 } else { 0.0 } + 0.1 * rng.normal()).collect();
        let m = Gbdt::fit(&x, &y, Loss::Squared, &[], &Params::default());
        assert!((m.predict(&[0.8, 0.2]) - 10.0).abs() < 0.5);
        assert!(m.predict(&[0.8, 0.8]).abs() < 0.5);
    }

    #[test]
    fn a_decreasing_constraint_holds_even_against_noisy_data() {
        let mut rng = Rng::new(9);
        let x: Vec<Vec<f64>> = (0..4000).map(|_| vec![rng.uniform(), rng.uniform()]).collect();
        // Mostly decreasing in x0, with a bump the constraint must flatten.
        let y: Vec<bool> = x
            .iter()
            .map(|r| {
                let bump = if (0.4..0.5).contains(&r[0]) { 2.0 } else { 0.0 };
                rng.chance(sigmoid(1.0 - 3.0 * r[0] + bump + r[1]))
            })
            .collect();
        let yf: Vec<f64> = y.iter().map(|&b| f64::from(u8::from(b))).collect();
        let m = Gbdt::fit(&x, &yf, Loss::Logistic, &[Monotone::Decreasing], &Params::default());
        for other in [0.1, 0.5, 0.9] {
            let ps: Vec<f64> = (0..=50).map(|k| m.predict(&[k as f64 / 50.0, other])).collect();
            assert!(ps.windows(2).all(|w| w[1] <= w[0] + 1e-12), "{ps:?}");
            assert!(ps[0] > ps[50] + 0.2);
        }
        let json = serde_json::to_string(&m).unwrap();
        let back: Gbdt = serde_json::from_str(&json).unwrap();
        assert_eq!(back.predict(&[0.3, 0.3]), m.predict(&[0.3, 0.3]));
    }
}
