//! GroupBuy analytics: success prediction, demand forecast and price advice, trained in-process
//! on the platform's own history. Pure: no database, no async; `workflows::analytics` feeds it
//! rows and stores what it returns.
//!
//! - [`dataset`]: one row per finished procurement, features known at prediction time only (the
//!   progress curve at fixed moments of the window), the time-based split.
//! - [`history`]: the generative model of past procurements (`groupbuy seed --history N`, the
//!   benchmark), every parameter in one struct.
//! - [`success`], [`demand`], [`price`]: the models; [`heuristic`]: the original formulas;
//!   [`logistic`]: the logistic-regression baseline; [`metrics`]: AUC, Brier, calibration, MAE, MASE.
//!
//! Why our own boosted trees rather than a crate: `perpetual` (the pure-Rust booster with monotone
//! constraints) does not build on stable Rust in its latest release (2.3.0 declares
//! `#![feature(array_ptr_get)]`) and 3.0 is a release candidate pulling rayon and sysinfo;
//! `linfa` and `smartcore` have logistic regression and trees but no monotone constraints and
//! bring `ndarray` or their own matrix stack. What the issue needs (histogram boosting with
//! logistic and squared loss, monotone constraints, Platt calibration, logistic regression) is
//! about 500 lines here, builds in seconds, serialises to JSON for PostgreSQL, and every line is
//! under our tests.

pub mod dataset;
pub mod demand;
pub mod features;
pub mod gbdt;
pub mod heuristic;
pub mod history;
pub mod logistic;
pub mod metrics;
pub mod price;
mod rng;
pub mod success;

pub use dataset::{Progress, Row};
pub use demand::{DemandModel, DemandReport};
pub use gbdt::Params;
/// The seeded random source, also for simulations outside this crate (the money model's).
pub use rng::Rng;
pub use success::{SuccessModel, SuccessReport};

/// Share of the finished rows (the newest) every metric is measured on.
pub const TEST_SHARE: f64 = 0.2;

/// Finished history split by time: the older part trains, the newest part measures.
#[derive(Debug, Clone)]
pub struct Split {
    pub train: Vec<Row>,
    /// The newest rows, on which every metric (and the comparison with the version now served)
    /// is measured.
    pub test: Vec<Row>,
    /// Every finished row, which the naive demand forecast looks back over.
    pub history: Vec<Row>,
    /// Openings (seconds since the epoch) of the oldest and newest training row, and of the
    /// newest test row.
    pub window: (i64, i64, i64),
}

/// Why nothing can be trained.
pub const TOO_LITTLE: &str = "too little history: at least 50 finished procurements with both outcomes are needed";

/// Splits the finished `rows` by time; `None` when there are too few or only one outcome.
pub fn split(rows: Vec<Row>) -> Option<Split> {
    let rows: Vec<Row> = rows.into_iter().filter(|r| r.succeeded.is_some()).collect();
    let successes = rows.iter().filter(|r| r.succeeded == Some(true)).count();
    if rows.len() < 50 || successes == 0 || successes == rows.len() {
        return None;
    }
    let history = rows.clone();
    let (train, test) = dataset::time_split(rows, TEST_SHARE);
    let window = (train.first()?.opened_at, train.last()?.opened_at, test.last()?.opened_at);
    Some(Split { train, test, history, window })
}

impl Split {
    pub fn success(&self, params: &Params) -> (SuccessModel, SuccessReport) {
        let (model, baseline) = SuccessModel::train(&self.train, params);
        let report = model.report(&baseline, self.train.len(), &self.test);
        (model, report)
    }

    pub fn demand(&self, params: &Params) -> (DemandModel, DemandReport) {
        let model = DemandModel::train(&self.train, params);
        let report = model.report(self.train.len(), &self.test, &self.history);
        (model, report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use history::HistoryModel;

    #[test]
    fn on_generated_history_the_models_beat_their_baselines() {
        let rows: Vec<Row> =
            HistoryModel::STANDARD.generate(4000, 11, 1_800_000_000).into_iter().map(|g| g.row).collect();
        let t = split(rows).expect("enough rows");
        let (success, report) = t.success(&success::PARAMS);
        let (demand, demand_report) = t.demand(&Params::default());
        let h = &report.headline;
        // The logistic regression on the same features comes close here (see docs/analytics.md).
        assert!(h.model.auc > h.heuristic.auc + 0.1 && h.model.brier < h.heuristic.brier, "{h:?}");
        assert!(h.model.auc > 0.85 && h.model.brier < h.base_rate.brier, "{h:?}");
        assert!(demand_report.beats_baselines(), "{demand_report:?}");
        assert_eq!(success.score(&t.test), h.model);
        let row = &t.test[0];
        let advice = price::advise(&success, &demand, row, row.progress_at(0.0));
        assert!(advice.price > 0.0 && (0.0..=1.0).contains(&advice.success));
        assert!(advice.effect().starts_with("at "));
    }

    #[test]
    fn too_little_or_one_sided_history_trains_nothing() {
        let rows: Vec<Row> = HistoryModel::STANDARD.generate(30, 1, 1_800_000_000).into_iter().map(|g| g.row).collect();
        assert!(split(rows).is_none());
        let mut all_ok: Vec<Row> =
            HistoryModel::STANDARD.generate(100, 1, 1_800_000_000).into_iter().map(|g| g.row).collect();
        all_ok.iter_mut().for_each(|r| r.succeeded = Some(true));
        assert!(split(all_ok).is_none());
    }
}
