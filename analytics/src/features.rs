//! From a [`Row`] to numbers. Categories and cities become what the training part of history
//! says about them (smoothed success rates, typical prices and progress), fitted on the training
//! rows only, so nothing from the test part or the future leaks in.

use crate::dataset::{FRACTIONS, Progress, Row};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Pseudo-count pulling a small group's success rate towards the overall rate.
const SMOOTHING: f64 = 20.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Group {
    rate: f64,
    /// Median price per unit.
    price: f64,
    /// Mean share collected at each of [`FRACTIONS`].
    progress: [f64; FRACTIONS.len()],
    /// The group's index (a code a tree can split on).
    code: f64,
}

/// What the training rows say about each category, parent category and city.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    base_rate: f64,
    median_price: f64,
    mean_progress: [f64; FRACTIONS.len()],
    categories: BTreeMap<String, Group>,
    parents: BTreeMap<String, Group>,
    cities: BTreeMap<String, Group>,
}

/// The success model's features, in order; `PRICE` is the one constrained to lower success.
pub const SUCCESS_FEATURES: [&str; 16] = [
    "elapsed",
    "share",
    "participants",
    "share_vs_category",
    "log_target",
    "log_price_vs_category",
    "duration_days",
    "organizer_finished",
    "organizer_rate",
    "featured",
    "category_rate",
    "parent_rate",
    "city_rate",
    "category_code",
    "share_before",
    "log_projected_share",
];
pub const SUCCESS_PRICE: usize = 5;
/// `share`; `participants` and `share_vs_category` follow it.
pub const SUCCESS_SHARE: usize = 1;

/// The demand models' features, in order (known at the opening).
pub const DEMAND_FEATURES: [&str; 10] = [
    "log_target",
    "log_price_vs_category",
    "duration_days",
    "organizer_finished",
    "organizer_rate",
    "featured",
    "category_rate",
    "parent_rate",
    "city_rate",
    "category_code",
];
pub const DEMAND_PRICE: usize = 1;

impl Encoder {
    pub fn fit(rows: &[Row]) -> Self {
        let finished: Vec<&Row> = rows.iter().filter(|r| r.succeeded.is_some()).collect();
        let base_rate = rate(&finished, 0.5, 0.0);
        let median_price = median(finished.iter().map(|r| r.price_per_unit).collect());
        let mean_progress = progress(&finished);
        let groups = |key: fn(&Row) -> &str| {
            let mut by: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
            finished.iter().for_each(|r| by.entry(key(r).to_string()).or_default().push(r));
            by.into_iter()
                .enumerate()
                .map(|(i, (name, rs))| {
                    let group = Group {
                        rate: rate(&rs, base_rate, SMOOTHING),
                        price: median(rs.iter().map(|r| r.price_per_unit).collect()),
                        progress: progress(&rs),
                        code: i as f64,
                    };
                    (name, group)
                })
                .collect::<BTreeMap<_, _>>()
        };
        Self {
            base_rate,
            median_price,
            mean_progress,
            categories: groups(|r| &r.category),
            parents: groups(|r| &r.parent_category),
            cities: groups(|r| &r.city),
        }
    }

    pub fn base_rate(&self) -> f64 {
        self.base_rate
    }

    /// The success features of `row` at the moment `p` of its window.
    pub fn success(&self, row: &Row, p: Progress, price: f64) -> Vec<f64> {
        let category = self.categories.get(&row.category);
        let slot = FRACTIONS.iter().rposition(|&f| f <= p.elapsed + 1e-9);
        let typical = slot.map_or(0.0, |s| category.map_or(self.mean_progress[s], |c| c.progress[s]));
        let mut x = vec![p.elapsed, p.share, p.participants, if typical > 0.0 { p.share / typical } else { 0.0 }];
        x.extend(self.demand(row, price));
        x.extend(pace(row, p));
        x
    }

    /// The demand features of `row` at `price` per unit.
    pub fn demand(&self, row: &Row, price: f64) -> Vec<f64> {
        let category = self.categories.get(&row.category);
        let typical_price = category.map_or(self.median_price, |c| c.price).max(0.01);
        let group_rate = |g: Option<&Group>| g.map_or(self.base_rate, |g| g.rate);
        vec![
            row.target_amount.max(1.0).ln(),
            (price.max(0.01) / typical_price).ln(),
            row.duration_days(),
            row.organizer_finished,
            (row.organizer_succeeded + self.base_rate * 2.0) / (row.organizer_finished + 2.0),
            f64::from(u8::from(row.featured)),
            group_rate(category),
            group_rate(self.parents.get(&row.parent_category)),
            group_rate(self.cities.get(&row.city)),
            category.map_or(-1.0, |c| c.code),
        ]
    }
}

/// How fast the money came in so far, from the curve up to `p` only (never after it): the share
/// at the latest recorded moment before `p`, and the share projected to the deadline along the
/// growth seen between that moment and `p` (`share · (1/elapsed)^g`, with `g` the log-log slope
/// of the curve, 1 when there is no earlier moment, kept to 0..3). A procurement bought early
/// and one bought at the last minute look alike in their share at `p`; their slopes differ.
fn pace(row: &Row, p: Progress) -> [f64; 2] {
    let before = row.curve.iter().rev().find(|c| c.elapsed < p.elapsed - 1e-9).copied();
    let slope = match before {
        Some(b) if b.elapsed > 0.0 && p.elapsed > b.elapsed => {
            ((p.share + 0.01) / (b.share + 0.01)).ln() / (p.elapsed / b.elapsed).ln()
        }
        _ => 1.0,
    };
    let projected = (p.share + 0.01) * p.elapsed.max(0.01).recip().powf(slope.clamp(0.0, 3.0));
    [before.map_or(0.0, |b| b.share), projected.ln()]
}

fn rate(rows: &[&Row], prior: f64, weight: f64) -> f64 {
    let ok = rows.iter().filter(|r| r.succeeded == Some(true)).count() as f64;
    (ok + prior * weight) / (rows.len() as f64 + weight).max(1e-9)
}

fn progress(rows: &[&Row]) -> [f64; FRACTIONS.len()] {
    let n = rows.len().max(1) as f64;
    std::array::from_fn(|i| rows.iter().map(|r| r.curve[i].share).sum::<f64>() / n)
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 1.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::tests::row;

    #[test]
    fn groups_are_smoothed_towards_the_base_rate_and_unknown_ones_get_it() {
        let mut rows: Vec<Row> = (0..4).map(|i| row(i, 1, 0, 10, Some(i < 3))).collect();
        rows[3].city = "Казань".into();
        let e = Encoder::fit(&rows);
        assert_eq!(e.base_rate(), 0.75);
        // Москва: 3 of 3 with 20 pseudo-counts at 0.75 → (3 + 15) / 23.
        let x = e.demand(&rows[0], 100.0);
        assert!((x[8] - 18.0 / 23.0).abs() < 1e-12);
        let mut stranger = rows[0].clone();
        stranger.city = "Омск".into();
        assert_eq!(e.demand(&stranger, 100.0)[8], 0.75);
        assert_eq!(x[1], 0.0, "at the category's median price");
        assert_eq!(e.success(&rows[0], rows[0].progress_at(0.3), 100.0).len(), SUCCESS_FEATURES.len());
        assert_eq!(x.len(), DEMAND_FEATURES.len());
    }
}
