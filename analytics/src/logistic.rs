//! Logistic regression (the baseline on the same features as the boosted model, and the Platt
//! scaling that calibrates it): standardised inputs, Newton's method with a small ridge penalty.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    means: Vec<f64>,
    scales: Vec<f64>,
    /// Intercept first, then one weight per standardised feature.
    weights: Vec<f64>,
}

const RIDGE: f64 = 1e-3;
const NEWTON_STEPS: usize = 25;

impl Logistic {
    pub fn fit(x: &[Vec<f64>], y: &[bool]) -> Self {
        let d = x.first().map_or(0, Vec::len);
        let n = x.len().max(1) as f64;
        let means: Vec<f64> = (0..d).map(|j| x.iter().map(|r| r[j]).sum::<f64>() / n).collect();
        let scales: Vec<f64> = (0..d)
            .map(|j| {
                let var = x.iter().map(|r| (r[j] - means[j]).powi(2)).sum::<f64>() / n;
                if var > 1e-12 { var.sqrt() } else { 1.0 }
            })
            .collect();
        let mut model = Self { means, scales, weights: vec![0.0; d + 1] };
        let z: Vec<Vec<f64>> = x.iter().map(|r| model.design(r)).collect();
        for _ in 0..NEWTON_STEPS {
            let mut grad = vec![0.0; d + 1];
            let mut hess = vec![vec![0.0; d + 1]; d + 1];
            for (zi, &yi) in z.iter().zip(y) {
                let p = sigmoid(dot(&model.weights, zi));
                let w = (p * (1.0 - p)).max(1e-9);
                let err = p - f64::from(u8::from(yi));
                for a in 0..=d {
                    grad[a] += err * zi[a];
                    for b in 0..=d {
                        hess[a][b] += w * zi[a] * zi[b];
                    }
                }
            }
            for a in 1..=d {
                grad[a] += RIDGE * n * model.weights[a];
                hess[a][a] += RIDGE * n;
            }
            let Some(step) = solve(hess, grad) else { break };
            let size: f64 = step.iter().map(|s| s.abs()).sum();
            model.weights.iter_mut().zip(&step).for_each(|(w, s)| *w -= s);
            if size < 1e-8 {
                break;
            }
        }
        model
    }

    pub fn probability(&self, features: &[f64]) -> f64 {
        sigmoid(dot(&self.weights, &self.design(features)))
    }

    fn design(&self, features: &[f64]) -> Vec<f64> {
        std::iter::once(1.0)
            .chain(features.iter().zip(self.means.iter().zip(&self.scales)).map(|(v, (m, s))| (v - m) / s))
            .collect()
    }
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z.clamp(-35.0, 35.0)).exp())
}

pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting; `None` when singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col].clone();
            a[row].iter_mut().zip(&pivot_row).skip(col).for_each(|(x, p)| *x -= f * p);
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn solves_a_small_system() {
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![3.0, 5.0]).unwrap();
        assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
        assert!(solve(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]).is_none());
    }

    #[test]
    fn recovers_a_known_logistic_relation() {
        let mut rng = Rng::new(3);
        let x: Vec<Vec<f64>> = (0..4000).map(|_| vec![rng.normal(), rng.normal()]).collect();
        let y: Vec<bool> = x.iter().map(|r| rng.chance(sigmoid(0.5 + 2.0 * r[0] - 1.0 * r[1]))).collect();
        let m = Logistic::fit(&x, &y);
        let p = m.probability(&[1.0, 0.0]);
        assert!((p - sigmoid(2.5)).abs() < 0.05, "{p}");
        assert!(m.probability(&[0.0, 2.0]) < m.probability(&[0.0, 0.0]));
    }
}
