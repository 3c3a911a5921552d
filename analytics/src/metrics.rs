//! The metrics reported beside every model: AUC, Brier score and a calibration table for
//! success; MAE and MASE for demand.

use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// Area under the ROC curve: the chance that a random success scores above a random failure
/// (ties count half). 0.5 when either class is missing.
pub fn auc(scores: &[f64], outcomes: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Mann–Whitney: average ranks over ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += order[i..=j].iter().filter(|&&k| outcomes[k]).count() as f64 * rank;
        i = j + 1;
    }
    let pos = outcomes.iter().filter(|&&o| o).count() as f64;
    let neg = outcomes.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return 0.5;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// A paired bootstrap of `auc(a) − auc(b)` on the same rows: the observed difference and its 95 %
/// percentile interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AucDifference {
    pub observed: f64,
    pub low: f64,
    pub high: f64,
    pub resamples: usize,
}

impl AucDifference {
    /// Whether the whole interval lies above zero: `a` ranks better than `b` beyond what the
    /// choice of test rows explains.
    pub fn significant(&self) -> bool {
        self.low > 0.0
    }
}

/// Resamples the rows with replacement `resamples` times and measures both predictors on the
/// *same* resample each time, so what the two share (which rows happen to be in the test part)
/// cancels and only their difference varies. Seeded, so a report is reproducible.
pub fn paired_auc_bootstrap(a: &[f64], b: &[f64], outcomes: &[bool], resamples: usize, seed: u64) -> AucDifference {
    let observed = auc(a, outcomes) - auc(b, outcomes);
    let n = outcomes.len();
    if n == 0 || resamples == 0 {
        return AucDifference { observed, low: observed, high: observed, resamples: 0 };
    }
    let mut rng = Rng::new(seed);
    let (mut ra, mut rb, mut ro) = (vec![0.0; n], vec![0.0; n], vec![false; n]);
    let mut differences: Vec<f64> = (0..resamples)
        .map(|_| {
            for k in 0..n {
                let i = rng.below(n);
                (ra[k], rb[k], ro[k]) = (a[i], b[i], outcomes[i]);
            }
            auc(&ra, &ro) - auc(&rb, &ro)
        })
        .collect();
    differences.sort_by(f64::total_cmp);
    let at = |q: f64| differences[((q * resamples as f64) as usize).min(resamples - 1)];
    AucDifference { observed, low: at(0.025), high: at(0.975), resamples }
}

/// Mean squared error of probabilities against outcomes (0 is perfect, 0.25 is a coin).
pub fn brier(probabilities: &[f64], outcomes: &[bool]) -> f64 {
    mean(probabilities.iter().zip(outcomes).map(|(p, &o)| (p - f64::from(u8::from(o))).powi(2)))
}

/// One bin of a calibration table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// The bin's probability range [from, to).
    pub from: f64,
    pub to: f64,
    pub count: usize,
    /// The mean predicted probability in the bin, and how often the bin's procurements succeeded.
    pub predicted: f64,
    pub observed: f64,
}

/// Predictions grouped into `bins` equal-width probability bins (empty bins left out).
pub fn calibration(probabilities: &[f64], outcomes: &[bool], bins: usize) -> Vec<CalibrationBin> {
    (0..bins)
        .filter_map(|b| {
            let (from, to) = (b as f64 / bins as f64, (b + 1) as f64 / bins as f64);
            let last = b + 1 == bins;
            let inside: Vec<(f64, bool)> = probabilities
                .iter()
                .zip(outcomes)
                .filter(|&(&p, _)| p >= from && (p < to || (last && p <= to)))
                .map(|(&p, &o)| (p, o))
                .collect();
            (!inside.is_empty()).then(|| CalibrationBin {
                from,
                to,
                count: inside.len(),
                predicted: mean(inside.iter().map(|&(p, _)| p)),
                observed: mean(inside.iter().map(|&(_, o)| f64::from(u8::from(o)))),
            })
        })
        .collect()
}

/// Mean absolute error.
pub fn mae(predicted: &[f64], actual: &[f64]) -> f64 {
    mean(predicted.iter().zip(actual).map(|(p, a)| (p - a).abs()))
}

/// Mean absolute scaled error: the model's MAE over the naive forecast's MAE on the same rows
/// (below 1 beats the naive forecast).
pub fn mase(predicted: &[f64], naive: &[f64], actual: &[f64]) -> f64 {
    let scale = mae(naive, actual);
    if scale == 0.0 { f64::INFINITY } else { mae(predicted, actual) / scale }
}

pub fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_by_hand() {
        // Pairs (success, failure): (0.8,0.1) ✓ (0.8,0.4) ✓ (0.35,0.1) ✓ (0.35,0.4) ✗ → 3/4.
        assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]), 0.75);
        // A tie between classes counts half: (0.5,0.5) ½ + (0.9,0.5) 1 → 1.5/2.
        assert_eq!(auc(&[0.5, 0.5, 0.9], &[false, true, true]), 0.75);
        assert_eq!(auc(&[0.2, 0.3], &[true, true]), 0.5, "one class only");
    }

    #[test]
    fn brier_and_calibration_by_hand() {
        // (0.9-1)² + (0.2-0)² + (0.6-0)² + (0.7-1)² = 0.01 + 0.04 + 0.36 + 0.09 = 0.5 → 0.125.
        let (p, o) = ([0.9, 0.2, 0.6, 0.7], [true, false, false, true]);
        assert!((brier(&p, &o) - 0.125).abs() < 1e-12);
        let table = calibration(&p, &o, 2);
        assert_eq!(table.len(), 2);
        assert_eq!((table[0].count, table[0].observed), (1, 0.0));
        assert_eq!(table[1].count, 3);
        assert!((table[1].predicted - 2.2 / 3.0).abs() < 1e-12);
        assert!((table[1].observed - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(calibration(&[1.0], &[true], 10)[0].from, 0.9, "1.0 falls in the last bin");
    }

    #[test]
    fn paired_bootstrap_separates_a_real_gain_from_noise() {
        let mut rng = Rng::new(5);
        let outcomes: Vec<bool> = (0..2000).map(|_| rng.uniform() < 0.5).collect();
        let signal: Vec<f64> = outcomes.iter().map(|&o| f64::from(u8::from(o)) + rng.normal()).collect();
        let weaker: Vec<f64> = signal.iter().map(|s| s + 1.5 * rng.normal()).collect();
        let clear = paired_auc_bootstrap(&signal, &weaker, &outcomes, 300, 1);
        assert!(clear.significant() && clear.low < clear.observed && clear.observed < clear.high, "{clear:?}");
        // The same predictor against itself: every resample differs by exactly zero.
        let same = paired_auc_bootstrap(&signal, &signal, &outcomes, 300, 1);
        assert_eq!((same.low, same.high, same.significant()), (0.0, 0.0, false));
        // A tiny perturbation is not a gain: the interval straddles zero.
        let jitter: Vec<f64> = signal.iter().map(|s| s + 0.05 * rng.normal()).collect();
        let noise = paired_auc_bootstrap(&jitter, &signal, &outcomes, 300, 1);
        assert!(noise.low < 0.0 && noise.high > 0.0, "{noise:?}");
    }

    #[test]
    fn mae_and_mase_by_hand() {
        let actual = [10.0, 20.0, 30.0];
        // |12-10| + |18-20| + |30-30| = 4 → 4/3; naive |20-10|+|10-20|+|20-30| = 30 → 10.
        assert!((mae(&[12.0, 18.0, 30.0], &actual) - 4.0 / 3.0).abs() < 1e-12);
        assert!((mase(&[12.0, 18.0, 30.0], &[20.0, 10.0, 20.0], &actual) - 0.4 / 3.0).abs() < 1e-12);
        assert!(mase(&[1.0], &[1.0], &[1.0]).is_infinite());
    }
}
