//! The success outlook beside an organizer's active procurement in `/my_procurements`.

use crate::lang::Lang;

/// "🔮 success 71 % (model version 12)", or, while no version is served, that the original
/// formula answered — so an organizer never mistakes the heuristic for a trained model.
pub fn success_outlook(probability: f64, model_version: Option<i64>, lang: Lang) -> String {
    let percent = (probability * 100.0).round().clamp(0.0, 100.0);
    match (model_version, lang) {
        (Some(v), Lang::Ru) => format!("🔮 шанс успеха {percent:.0} % (модель, версия {v})"),
        (Some(v), Lang::En) => format!("🔮 chance of success {percent:.0}% (model version {v})"),
        (None, Lang::Ru) => format!("🔮 шанс успеха {percent:.0} % (обученной модели пока нет, эвристика)"),
        (None, Lang::En) => format!("🔮 chance of success {percent:.0}% (no trained model yet, heuristic)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_who_estimated_in_both_languages() {
        assert_eq!(success_outlook(0.714, Some(12), Lang::En), "🔮 chance of success 71% (model version 12)");
        assert_eq!(success_outlook(0.5, Some(3), Lang::Ru), "🔮 шанс успеха 50 % (модель, версия 3)");
        assert!(success_outlook(0.05, None, Lang::En).contains("5% (no trained model yet, heuristic)"));
        assert!(success_outlook(1.0, None, Lang::Ru).contains("100 % (обученной модели пока нет, эвристика)"));
    }
}
