//! The demand models: participants and units a procurement gathers by its close, from what is
//! known at the opening (category, city, price, target, duration, organizer), never rising with
//! the price; measured against the naive forecast (the last comparable procurement) by MASE.

use crate::dataset::Row;
use crate::features::{DEMAND_PRICE, Encoder};
use crate::gbdt::{Gbdt, Loss, Monotone, Params};
use crate::heuristic;
use crate::metrics;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandModel {
    encoder: Encoder,
    /// Both fitted to log(1 + value).
    participants: Gbdt,
    units: Gbdt,
}

/// What a procurement is expected to gather by its close.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    pub participants: f64,
    pub units: f64,
}

/// Errors of one target on the test rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ErrorScores {
    pub mae: f64,
    /// The naive forecast: the final value of the latest procurement of the same category and
    /// city (else category) that closed before this one opened.
    pub naive_mae: f64,
    /// MAE / naive MAE (below 1 beats the naive forecast).
    pub mase: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandReport {
    pub train_rows: usize,
    pub test_rows: usize,
    pub participants: ErrorScores,
    pub units: ErrorScores,
    /// The original formula for participants, and its MASE.
    pub heuristic_participants_mae: f64,
    pub heuristic_participants_mase: f64,
}

impl DemandReport {
    pub fn beats_baselines(&self) -> bool {
        self.participants.mase < 1.0 && self.units.mase < 1.0 && self.participants.mae < self.heuristic_participants_mae
    }
}

impl DemandModel {
    pub fn train(train: &[Row], params: &Params) -> Self {
        let encoder = Encoder::fit(train);
        let rows: Vec<&Row> = train.iter().filter(|r| r.succeeded.is_some()).collect();
        let x: Vec<Vec<f64>> = rows.iter().map(|r| encoder.demand(r, r.price_per_unit)).collect();
        let mut monotone = vec![Monotone::Free; x.first().map_or(0, Vec::len)];
        if let Some(m) = monotone.get_mut(DEMAND_PRICE) {
            *m = Monotone::Decreasing;
        }
        let fit = |value: fn(&Row) -> f64| {
            let y: Vec<f64> = rows.iter().map(|r| value(r).ln_1p()).collect();
            Gbdt::fit(&x, &y, Loss::Squared, &monotone, params)
        };
        Self { participants: fit(|r| r.final_participants), units: fit(|r| r.final_units), encoder }
    }

    /// Expected demand for `row` at `price` per unit.
    pub fn predict(&self, row: &Row, price: f64) -> Demand {
        let x = self.encoder.demand(row, price);
        Demand {
            participants: self.participants.score(&x).exp_m1().max(0.0),
            units: self.units.score(&x).exp_m1().max(0.0),
        }
    }

    /// The model beside the naive forecast and the original formula; `history` is every
    /// finished row (train and test) from which the naive forecast looks back.
    pub fn report(&self, train_rows: usize, test: &[Row], history: &[Row]) -> DemandReport {
        let test: Vec<&Row> = test.iter().filter(|r| r.succeeded.is_some()).collect();
        let predicted: Vec<Demand> = test.iter().map(|r| self.predict(r, r.price_per_unit)).collect();
        let scores = |value: fn(&Row) -> f64, pick: fn(&Demand) -> f64| {
            let actual: Vec<f64> = test.iter().map(|r| value(r)).collect();
            let model: Vec<f64> = predicted.iter().map(pick).collect();
            let naive: Vec<f64> = test.iter().map(|r| naive(r, history, value)).collect();
            ErrorScores {
                mae: metrics::mae(&model, &actual),
                naive_mae: metrics::mae(&naive, &actual),
                mase: metrics::mase(&model, &naive, &actual),
            }
        };
        let participants = scores(|r| r.final_participants, |d| d.participants);
        let actual: Vec<f64> = test.iter().map(|r| r.final_participants).collect();
        let formula: Vec<f64> = test.iter().map(|r| heuristic::demand(r.target_amount, r.price_per_unit)).collect();
        let heuristic_mae = metrics::mae(&formula, &actual);
        DemandReport {
            train_rows,
            test_rows: test.len(),
            participants,
            units: scores(|r| r.final_units, |d| d.units),
            heuristic_participants_mae: heuristic_mae,
            heuristic_participants_mase: heuristic_mae / participants.naive_mae.max(1e-9),
        }
    }
}

/// The latest comparable procurement's final value (same category and city, else category,
/// else anything) among those closed before `row` opened; 0 when there is none.
fn naive(row: &Row, history: &[Row], value: fn(&Row) -> f64) -> f64 {
    let latest = |same: &dyn Fn(&Row) -> bool| {
        history
            .iter()
            .filter(|h| h.succeeded.is_some() && h.closes_at <= row.opened_at && same(h))
            .max_by_key(|h| (h.closes_at, h.procurement_id))
    };
    latest(&|h| h.category == row.category && h.city == row.city)
        .or_else(|| latest(&|h| h.category == row.category))
        .or_else(|| latest(&|_| true))
        .map_or(0.0, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::tests::row;

    #[test]
    fn the_naive_forecast_looks_back_at_the_latest_comparable_close() {
        let mut history =
            vec![row(1, 1, 0, 10, Some(true)), row(2, 1, 0, 20, Some(false)), row(3, 1, 0, 40, Some(true))];
        history[0].final_participants = 4.0;
        history[1].final_participants = 6.0;
        history[2].final_participants = 9.0;
        history[1].city = "Казань".into();
        let now = row(4, 1, 30, 50, None);
        assert_eq!(naive(&now, &history, |r| r.final_participants), 4.0, "same city first; 3 closes too late");
        let mut elsewhere = now.clone();
        elsewhere.city = "Омск".into();
        assert_eq!(naive(&elsewhere, &history, |r| r.final_participants), 6.0, "then the category");
    }
}
