//! The generative model of past procurements, for `groupbuy seed --history N` and the benchmark.
//!
//! Every parameter lives in [`HistoryModel`]; [`HistoryModel::STANDARD`] was fixed before any
//! model was fitted to what it generates and has not been changed since, so the reported metrics
//! are not tuned to it. How a procurement unfolds:
//!
//! 1. Its category, city (weighted by size), organizer (each with a hidden skill), featured flag,
//!    duration, price (around the category's typical price) and target (a number of units at that
//!    price) are drawn.
//! 2. Its **appeal** (log of the expected share of the target it will collect) adds the category's
//!    and city's appeal, the organizer's skill, a bonus when featured, minus the price elasticity
//!    times the log of the price over the typical price, minus a penalty for large targets, plus
//!    noise nobody can see at the opening.
//! 3. Buyers ask for `exp(appeal)` × the target's units in total, in orders of 1 + a geometric
//!    number of units; each order arrives at `u^pace` of the window (u uniform), where the pace
//!    depends on the category (some are bought at the last minute), on the duration (long windows
//!    start slowly), on being featured (an early rush) and on chance. A few participants leave.
//! 4. It succeeded when the orders still active at the deadline reach the target.
//!
//! So success is driven mostly by the early funding progress (as in the published crowdfunding
//! models), read against a pace that only the category, duration and featured flag reveal; the
//! category, city and price shift it further. Nothing here is real data: metrics measured on it
//! say how well a model recovers this model, not how it would do on a real platform.

use crate::dataset::{self, Join, Row};
use crate::rng::Rng;

/// A category of the generated history (names match the demo catalogue).
#[derive(Debug, Clone, Copy)]
pub struct Category {
    pub name: &'static str,
    pub parent: &'static str,
    /// Added to the appeal.
    pub appeal: f64,
    pub typical_price: f64,
    pub unit: &'static str,
    /// Log of the arrival pace exponent: above 0 orders come late, below 0 early.
    pub lateness: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct City {
    pub name: &'static str,
    pub appeal: f64,
    /// Relative share of procurements opened there.
    pub weight: f64,
}

/// Every parameter of the generative model, in one place.
#[derive(Debug, Clone, Copy)]
pub struct HistoryModel {
    pub categories: &'static [Category],
    pub cities: &'static [City],
    pub organizers: usize,
    /// Standard deviation of an organizer's hidden skill (added to the appeal).
    pub organizer_skill_sd: f64,
    pub featured_share: f64,
    pub featured_appeal: f64,
    /// Log-pace added when featured (negative: an early rush).
    pub featured_lateness: f64,
    /// Log-pace added per log of (duration / 14 days).
    pub duration_lateness: f64,
    /// Per-procurement standard deviation of the log-pace.
    pub pace_sd: f64,
    /// Durations are uniform in days over this range.
    pub duration_days: (f64, f64),
    /// Log-standard deviation of the price around the category's typical price.
    pub price_sd: f64,
    /// Appeal lost per unit of log(price / typical price).
    pub price_elasticity: f64,
    /// Units the target asks for: median and log-standard deviation.
    pub target_units_median: f64,
    pub target_units_sd: f64,
    /// Appeal lost per unit of log(target units / median).
    pub target_size_effect: f64,
    /// Appeal of an average procurement (log of the share of its target it collects).
    pub base_appeal: f64,
    /// Standard deviation of the appeal nobody can see at the opening.
    pub appeal_noise_sd: f64,
    /// Mean extra units per order beyond the first (geometric).
    pub extra_units_mean: f64,
    /// Chance that a participant leaves before the deadline.
    pub leave_share: f64,
    /// Hours between consecutive openings.
    pub hours_between_openings: f64,
    /// Most orders one procurement receives (and distinct generated buyers needed).
    pub max_orders: usize,
}

const CATEGORIES: &[Category] = &[
    Category {
        name: "Мёд и сладости",
        parent: "Продукты",
        appeal: 0.25,
        typical_price: 900.0,
        unit: "кг",
        lateness: 0.0,
    },
    Category {
        name: "Крупы и бакалея",
        parent: "Продукты",
        appeal: 0.1,
        typical_price: 150.0,
        unit: "кг",
        lateness: 0.6,
    },
    Category {
        name: "Чай и кофе",
        parent: "Продукты",
        appeal: 0.2,
        typical_price: 350.0,
        unit: "пачка",
        lateness: -0.3,
    },
    Category {
        name: "Детская одежда",
        parent: "Одежда и обувь",
        appeal: 0.0,
        typical_price: 4500.0,
        unit: "шт",
        lateness: 0.9,
    },
    Category {
        name: "Обувь",
        parent: "Одежда и обувь",
        appeal: -0.3,
        typical_price: 3500.0,
        unit: "пара",
        lateness: 0.4,
    },
    Category {
        name: "Игрушки",
        parent: "Детские товары",
        appeal: -0.1,
        typical_price: 1200.0,
        unit: "шт",
        lateness: 1.0,
    },
    Category {
        name: "Подгузники",
        parent: "Детские товары",
        appeal: 0.3,
        typical_price: 1500.0,
        unit: "упаковка",
        lateness: -0.5,
    },
    Category {
        name: "Посуда", parent: "Дом и сад", appeal: -0.2, typical_price: 2000.0, unit: "набор", lateness: 0.2
    },
    Category {
        name: "Текстиль", parent: "Дом и сад", appeal: -0.15, typical_price: 1800.0, unit: "шт", lateness: 0.5
    },
    Category {
        name: "Семена и рассада",
        parent: "Дом и сад",
        appeal: 0.15,
        typical_price: 60.0,
        unit: "пакет",
        lateness: -0.6,
    },
    Category {
        name: "Косметика", parent: "Косметика", appeal: 0.05, typical_price: 800.0, unit: "шт", lateness: 0.3
    },
    Category {
        name: "Электроника",
        parent: "Электроника",
        appeal: -0.4,
        typical_price: 6000.0,
        unit: "шт",
        lateness: 0.8,
    },
];

const CITIES: &[City] = &[
    City { name: "Москва", appeal: 0.2, weight: 5.0 },
    City { name: "Санкт-Петербург", appeal: 0.15, weight: 3.0 },
    City { name: "Новосибирск", appeal: 0.0, weight: 1.5 },
    City { name: "Екатеринбург", appeal: -0.05, weight: 1.5 },
    City { name: "Казань", appeal: 0.05, weight: 1.0 },
    City { name: "Самара", appeal: -0.2, weight: 0.8 },
    City { name: "Томск", appeal: -0.1, weight: 0.5 },
];

impl HistoryModel {
    /// The parameters every reported metric was measured with (fixed before any model was fitted).
    pub const STANDARD: HistoryModel = HistoryModel {
        categories: CATEGORIES,
        cities: CITIES,
        organizers: 150,
        organizer_skill_sd: 0.3,
        featured_share: 0.1,
        featured_appeal: 0.3,
        featured_lateness: -0.4,
        duration_lateness: 0.5,
        pace_sd: 0.35,
        duration_days: (7.0, 30.0),
        price_sd: 0.25,
        price_elasticity: 1.5,
        target_units_median: 30.0,
        target_units_sd: 0.5,
        target_size_effect: 0.3,
        base_appeal: -0.1,
        appeal_noise_sd: 0.5,
        extra_units_mean: 0.8,
        leave_share: 0.05,
        hours_between_openings: 2.0,
        max_orders: 300,
    };
}

/// One generated past procurement: its row (outcome included) and its orders.
#[derive(Debug, Clone)]
pub struct Generated {
    pub row: Row,
    pub orders: Vec<Order>,
}

/// A generated order: when it arrived and left (seconds since the epoch) and its units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Order {
    pub at: i64,
    pub left_at: Option<i64>,
    pub units: u32,
}

impl HistoryModel {
    /// `n` procurements, every one closed by `end` (seconds since the epoch), oldest first, ids
    /// 1..=n, organizers 1..=`organizers`, with track records filled.
    pub fn generate(&self, n: usize, seed: u64, end: i64) -> Vec<Generated> {
        let mut rng = Rng::new(seed);
        let skills: Vec<f64> = (0..self.organizers).map(|_| self.organizer_skill_sd * rng.normal()).collect();
        let weights: Vec<f64> = self.cities.iter().map(|c| c.weight).collect();
        let step = (self.hours_between_openings * 3600.0) as i64;
        let first = end - (self.duration_days.1 * 86_400.0) as i64 - step * n as i64;
        let mut out: Vec<Generated> = (0..n)
            .map(|i| {
                let opened_at = first + step * i as i64 + (rng.uniform() * step as f64) as i64;
                self.one(&mut rng, i as i64 + 1, opened_at, &skills, &weights)
            })
            .collect();
        let mut rows: Vec<Row> = out.iter().map(|g| g.row.clone()).collect();
        dataset::with_track_records(&mut rows);
        out.iter_mut().zip(rows).for_each(|(g, r)| g.row = r);
        out
    }

    fn one(&self, rng: &mut Rng, id: i64, opened_at: i64, skills: &[f64], city_weights: &[f64]) -> Generated {
        let category = self.categories[rng.below(self.categories.len())];
        let city = self.cities[rng.weighted(city_weights)];
        let organizer = rng.below(self.organizers);
        let featured = rng.chance(self.featured_share);
        let days = rng.between(self.duration_days.0, self.duration_days.1);
        let closes_at = opened_at + (days * 86_400.0) as i64;
        let price_ratio = (self.price_sd * rng.normal()).exp();
        let price = (category.typical_price * price_ratio * 100.0).round() / 100.0;
        let units_ratio = (self.target_units_sd * rng.normal()).exp();
        let target_units = (self.target_units_median * units_ratio).round().max(1.0);
        let target_amount = (price * target_units).ceil();
        let appeal = self.base_appeal
            + category.appeal
            + city.appeal
            + skills[organizer]
            + if featured { self.featured_appeal } else { 0.0 }
            - self.price_elasticity * price_ratio.ln()
            - self.target_size_effect * units_ratio.ln()
            + self.appeal_noise_sd * rng.normal();
        let lateness = category.lateness
            + self.duration_lateness * (days / 14.0).ln()
            + if featured { self.featured_lateness } else { 0.0 }
            + self.pace_sd * rng.normal();
        let pace = lateness.exp();
        let wanted = target_units * appeal.exp();
        let span = (closes_at - opened_at) as f64;
        let mut orders = Vec::new();
        let mut units = 0.0;
        while units < wanted && orders.len() < self.max_orders {
            let mut q = 1u32;
            while rng.chance(self.extra_units_mean / (1.0 + self.extra_units_mean)) && q < 20 {
                q += 1;
            }
            units += f64::from(q);
            let at = opened_at + (rng.uniform().powf(pace) * span) as i64;
            let left_at = rng.chance(self.leave_share).then(|| at + (rng.uniform() * (closes_at - at) as f64) as i64);
            orders.push(Order { at, left_at, units: q });
        }
        orders.sort_by_key(|o| o.at);
        let joins: Vec<Join> =
            orders.iter().map(|o| Join { at: o.at, left_at: o.left_at, amount: f64::from(o.units) * price }).collect();
        let active: Vec<&Order> = orders.iter().filter(|o| o.left_at.is_none_or(|l| l >= closes_at)).collect();
        let final_units: f64 = active.iter().map(|o| f64::from(o.units)).sum();
        let row = Row {
            procurement_id: id,
            organizer_id: organizer as i64 + 1,
            opened_at,
            closes_at,
            category: category.name.into(),
            parent_category: category.parent.into(),
            city: city.name.into(),
            unit: category.unit.into(),
            target_amount,
            price_per_unit: price,
            featured,
            organizer_finished: 0.0,
            organizer_succeeded: 0.0,
            curve: dataset::curve(opened_at, closes_at, target_amount, &joins),
            succeeded: Some(final_units * price >= target_amount),
            final_participants: active.len() as f64,
            final_units,
        };
        Generated { row, orders }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_history_is_reproducible_closed_and_balanced() {
        let m = HistoryModel::STANDARD;
        let end = 1_800_000_000;
        let a = m.generate(2000, 42, end);
        let b = m.generate(2000, 42, end);
        assert_eq!(a.len(), 2000);
        assert_eq!(a[17].row, b[17].row);
        assert!(a.iter().all(|g| g.row.closes_at <= end && g.orders.len() <= m.max_orders));
        assert!(a.windows(2).all(|w| w[0].row.opened_at <= w[1].row.opened_at));
        let rate = a.iter().filter(|g| g.row.succeeded == Some(true)).count() as f64 / 2000.0;
        assert!((0.3..0.7).contains(&rate), "success rate {rate}");
        assert!(a.iter().any(|g| g.row.organizer_finished > 0.0), "track records filled");
        let g = &a[3];
        let collected: f64 = g
            .orders
            .iter()
            .filter(|o| o.left_at.is_none_or(|l| l >= g.row.closes_at))
            .map(|o| f64::from(o.units) * g.row.price_per_unit)
            .sum();
        assert_eq!(g.row.succeeded, Some(collected >= g.row.target_amount));
    }
}
