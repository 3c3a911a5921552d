//! The original product's fixed formulas (its predict endpoint never used a trained model): the
//! baselines every model is reported beside, and what answers while no model is served.

/// `min(1, 0.6·progress + 0.3·min(1, participants/10) + 0.1·min(1, max(1, days)/30))`, where
/// progress is the collected share of the target and days the procurement's duration.
pub fn success(share: f64, participants: f64, duration_days: f64) -> f64 {
    let days = duration_days.floor().max(1.0);
    (0.6 * share + 0.3 * (participants / 10.0).min(1.0) + 0.1 * (days / 30.0).min(1.0)).min(1.0)
}

/// Estimated participants: `max(1, (target / price) / 5)` (integer division as the original).
pub fn demand(target_amount: f64, price_per_unit: f64) -> f64 {
    let price = if price_per_unit > 0.0 { price_per_unit } else { 1.0 };
    ((target_amount / price) / 5.0).floor().max(1.0)
}

/// Suggested price per unit: `target / max(1, participants)`, rounded to kopecks.
pub fn price(target_amount: f64, participants: f64) -> f64 {
    (target_amount / participants.max(1.0) * 100.0).round() / 100.0
}

/// The original's fixed confidences.
pub const SUCCESS_CONFIDENCE: f64 = 0.5;
pub const DEMAND_CONFIDENCE: f64 = 0.4;
pub const PRICE_CONFIDENCE: f64 = 0.35;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_formulas_by_hand() {
        // 0.6·0.5 + 0.3·0.4 + 0.1·(14/30) = 0.3 + 0.12 + 0.04667
        assert!((success(0.5, 4.0, 14.7) - 0.466_666_666).abs() < 1e-6);
        assert_eq!(success(2.0, 30.0, 60.0), 1.0);
        assert_eq!(demand(30_000.0, 900.0), 6.0);
        assert_eq!(demand(100.0, 0.0), 20.0);
        assert_eq!(demand(10.0, 100.0), 1.0);
        assert_eq!(price(1000.0, 3.0), 333.33);
        assert_eq!(price(1000.0, 0.0), 1000.0);
    }
}
