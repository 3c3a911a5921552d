//! Price advice: the price per unit, among nearby ones, that maximises the chance of success
//! times the expected volume (units × price: the turnover), with the effect stated.

use crate::dataset::{Progress, Row};
use crate::demand::DemandModel;
use crate::success::SuccessModel;
use serde::{Deserialize, Serialize};

/// Candidate prices, as multiples of the current one.
const STEPS: [f64; 13] = [0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3];

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PriceAdvice {
    pub price: f64,
    pub success: f64,
    pub expected_units: f64,
    pub current_price: f64,
    pub current_success: f64,
    pub current_units: f64,
}

impl PriceAdvice {
    /// "at 95.00 instead of 110.00: success 0.71 instead of 0.52"
    pub fn effect(&self) -> String {
        format!(
            "at {:.2} instead of {:.2}: success {:.2} instead of {:.2}",
            self.price, self.current_price, self.success, self.current_success
        )
    }
}

/// The advice for `row`, described at moment `p` of its window.
pub fn advise(success: &SuccessModel, demand: &DemandModel, row: &Row, p: Progress) -> PriceAdvice {
    let at = |price: f64| {
        let chance = success.probability(row, p, price);
        let units = demand.predict(row, price).units;
        (price, chance, units, chance * units * price)
    };
    let current = at(row.price_per_unit);
    let best = STEPS
        .iter()
        .map(|s| at((row.price_per_unit * s * 100.0).round() / 100.0))
        .fold(current, |best, c| if c.3 > best.3 + 1e-9 { c } else { best });
    PriceAdvice {
        price: best.0,
        success: best.1,
        expected_units: best.2,
        current_price: current.0,
        current_success: current.1,
        current_units: current.2,
    }
}
