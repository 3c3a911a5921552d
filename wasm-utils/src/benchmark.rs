//! `benchmark_batch_processing` of the original: synthetic procurements run
//! through batch formatting, a search, a sort and the aggregation.

use crate::procurements::{
    aggregate_procurement_stats, batch_process_procurements, search_procurements, sort_procurements,
};
use crate::time::LocalOffset;
use serde_json::json;

const CITIES: [&str; 3] = ["Москва", "Санкт-Петербург", "Новосибирск"];
const STATUSES: [&str; 4] = ["active", "draft", "completed", "payment"];

/// `count` synthetic procurements as JSON (the JavaScript fallback builds the
/// same list).
pub fn synthetic_procurements_json(count: u32) -> String {
    let items: Vec<_> = (0..count)
        .map(|i| {
            json!({
                "id": i + 1,
                "title": format!("Тестовая закупка {}", i + 1),
                "description": format!("Описание тестовой закупки номер {}", i + 1),
                "city": CITIES[(i % 3) as usize],
                "status": STATUSES[(i % 4) as usize],
                "current_amount": f64::from((i * 137) % 100_000),
                "target_amount": 100_000.0,
                "participant_count": i % 50,
                "organizer_name": format!("Организатор {}", i % 100),
                "created_at": "2025-01-01T10:00:00Z",
                "deadline": "2030-01-01T00:00:00Z",
            })
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

/// Milliseconds (by `clock`) for one round of the four one-shot functions.
pub fn benchmark_batch_processing(count: u32, clock: &dyn Fn() -> f64, tz: &dyn LocalOffset) -> f64 {
    let json = synthetic_procurements_json(count);
    let start = clock();
    let now = start;
    let _ = batch_process_procurements(&json, now, tz);
    let _ = search_procurements(&json, "тестовая Москва");
    let _ = sort_procurements(&json, "amount", "desc");
    let _ = aggregate_procurement_stats(&json);
    clock() - start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::FixedOffset;
    use std::cell::Cell;

    #[test]
    fn synthetic_list_cycles_cities_and_statuses() {
        let v: serde_json::Value = serde_json::from_str(&synthetic_procurements_json(5)).unwrap();
        assert_eq!(v[3]["city"], "Москва");
        assert_eq!(v[4]["status"], "active");
        assert_eq!(v.as_array().unwrap().len(), 5);
    }

    #[test]
    fn benchmark_reports_clock_delta() {
        let t = Cell::new(0.0);
        let clock = || {
            t.set(t.get() + 7.0);
            t.get()
        };
        assert_eq!(benchmark_batch_processing(10, &clock, &FixedOffset(0)), 7.0);
    }
}
