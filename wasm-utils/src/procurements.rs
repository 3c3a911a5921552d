//! Procurements: the input item, batch formatting, search scoring, sort keys
//! and statistics. The one-shot JSON functions of the original live here and
//! reuse [`crate::set::ProcurementSet`] so both paths give the same answers.

use crate::amount::total;
use crate::errors::InputError;
use crate::format::{calculate_progress, format_currency};
use crate::json::{Amount, Int, Text, opt_text};
use crate::set::ProcurementSet;
use crate::time::{CachedOffset, LocalOffset, days_until, parse_iso_ms};
use crate::utf16::Utf16Json;
use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// One procurement as the API lists it. Only `id` and `title` are required.
/// Unknown fields (and the input `progress`, which is recomputed) are ignored.
/// Strings borrow from the JSON text when they contain no escapes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Procurement<'a> {
    pub id: i64,
    pub title: Cow<'a, str>,
    pub description: Option<Cow<'a, str>>,
    pub city: Option<Cow<'a, str>>,
    pub status: Option<Cow<'a, str>>,
    pub current_amount: f64,
    pub target_amount: Option<f64>,
    pub deadline: Option<Cow<'a, str>>,
    pub participant_count: i64,
    pub category: Option<Cow<'a, str>>,
    pub organizer_name: Option<Cow<'a, str>>,
    pub created_at: Option<Cow<'a, str>>,
}

impl<'de> Deserialize<'de> for Procurement<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ProcurementVisitor)
    }
}

struct ProcurementVisitor;

impl<'de> Visitor<'de> for ProcurementVisitor {
    type Value = Procurement<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a procurement object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Procurement<'de>, A::Error> {
        let mut p = Procurement::default();
        let (mut id, mut title) = (None, None);
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                "id" => id = Some(map.next_value::<Int>()?.0),
                "title" => title = Some(map.next_value::<Text>()?.0),
                "description" => p.description = opt_text(map.next_value()?),
                "city" => p.city = opt_text(map.next_value()?),
                "status" => p.status = opt_text(map.next_value()?),
                "current_amount" => p.current_amount = map.next_value::<Option<Amount>>()?.map_or(0.0, |a| a.0),
                "target_amount" => p.target_amount = map.next_value::<Option<Amount>>()?.map(|a| a.0),
                "deadline" => p.deadline = opt_text(map.next_value()?),
                "participant_count" => p.participant_count = map.next_value::<Option<Int>>()?.map_or(0, |i| i.0),
                "category" => p.category = opt_text(map.next_value()?),
                "organizer_name" => p.organizer_name = opt_text(map.next_value()?),
                "created_at" => p.created_at = opt_text(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        p.id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        p.title = title.ok_or_else(|| de::Error::missing_field("title"))?;
        Ok(p)
    }
}

/// Parses a JSON array of procurements.
pub fn parse_procurements(json: &str) -> Result<Vec<Procurement<'_>>, InputError> {
    let mut items = Vec::with_capacity(json.len() / 400 + 1);
    match crate::fast_json::for_each_procurement(json, |p| items.push(p)) {
        Some(()) => Ok(items),
        None => parse_procurements_serde(json),
    }
}

/// [`parse_procurements`] through `serde_json` only (what the fast reader
/// falls back to, and its reference in tests).
pub fn parse_procurements_serde(json: &str) -> Result<Vec<Procurement<'_>>, InputError> {
    Ok(serde_json::from_str(json)?)
}

/// Same, from UTF-8 bytes (e.g. a `fetch` body) without a string round trip.
pub fn parse_procurements_bytes(json: &[u8]) -> Result<Vec<Procurement<'_>>, InputError> {
    Ok(serde_json::from_slice(json)?)
}

/// One item of `batch_process_procurements`, ready for display.
#[derive(Debug, Serialize)]
pub struct ProcessedProcurement<'a> {
    pub id: i64,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub city: Option<&'a str>,
    pub status: Option<&'a str>,
    pub current_amount: f64,
    pub target_amount: f64,
    pub participant_count: i64,
    pub category: Option<&'a str>,
    pub organizer_name: Option<&'a str>,
    pub created_at: Option<&'a str>,
    pub deadline: Option<&'a str>,
    pub progress: i32,
    pub formatted_current: String,
    pub formatted_target: String,
    /// Present only when `deadline` parses as a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i32>,
}

impl Procurement<'_> {
    pub fn progress(&self) -> i32 {
        calculate_progress(self.current_amount, self.target_amount.unwrap_or(0.0))
    }

    pub fn process(&self, now_ms: f64, tz: &dyn LocalOffset) -> ProcessedProcurement<'_> {
        let target = self.target_amount.unwrap_or(0.0);
        ProcessedProcurement {
            id: self.id,
            title: &self.title,
            description: self.description.as_deref(),
            city: self.city.as_deref(),
            status: self.status.as_deref(),
            current_amount: self.current_amount,
            target_amount: target,
            participant_count: self.participant_count,
            category: self.category.as_deref(),
            organizer_name: self.organizer_name.as_deref(),
            created_at: self.created_at.as_deref(),
            deadline: self.deadline.as_deref(),
            progress: self.progress(),
            formatted_current: format_currency(self.current_amount),
            formatted_target: format_currency(target),
            days_left: self.deadline.as_deref().and_then(|d| parse_iso_ms(d, tz)).map(|ms| days_until(ms, now_ms)),
        }
    }

    /// Sort key of `progress`: current / target, a missing target counting
    /// as 1.0; 0/0 counts as 0 so the order is total.
    pub fn progress_ratio(&self) -> f64 {
        let r = self.current_amount / self.target_amount.unwrap_or(1.0);
        if r.is_nan() { 0.0 } else { r }
    }
}

/// `batch_process_procurements`: every item with progress, formatted money and
/// days left.
pub fn batch_process_procurements(json: &str, now_ms: f64, tz: &dyn LocalOffset) -> Result<String, InputError> {
    let items = parse_procurements(json)?;
    let tz = &CachedOffset::new(tz);
    let out: Vec<_> = items.iter().map(|p| p.process(now_ms, tz)).collect();
    Ok(serde_json::to_string(&out)?)
}

impl ProcessedProcurement<'_> {
    /// Appends this item as JSON, the same text as `serde_json` writes.
    pub fn write_json(&self, w: &mut Utf16Json) {
        w.raw("{");
        w.key(true, "id");
        w.value(&self.id);
        w.key(false, "title");
        w.string(self.title);
        for (key, value) in [("description", self.description), ("city", self.city), ("status", self.status)] {
            w.key(false, key);
            w.opt_string(value);
        }
        w.key(false, "current_amount");
        w.value(&self.current_amount);
        w.key(false, "target_amount");
        w.value(&self.target_amount);
        w.key(false, "participant_count");
        w.value(&self.participant_count);
        for (key, value) in [
            ("category", self.category),
            ("organizer_name", self.organizer_name),
            ("created_at", self.created_at),
            ("deadline", self.deadline),
        ] {
            w.key(false, key);
            w.opt_string(value);
        }
        w.key(false, "progress");
        w.value(&self.progress);
        w.key(false, "formatted_current");
        w.string(&self.formatted_current);
        w.key(false, "formatted_target");
        w.string(&self.formatted_target);
        if let Some(days) = self.days_left {
            w.key(false, "days_left");
            w.value(&days);
        }
        w.raw("}");
    }
}

/// `batch_process_procurements` as UTF-16 JSON, for handing to JavaScript
/// (see [`crate::utf16`]); the same text as [`batch_process_procurements`].
pub fn batch_process_procurements_utf16(json: &str, now_ms: f64, tz: &dyn LocalOffset) -> Result<Vec<u16>, InputError> {
    let items = parse_procurements(json)?;
    let tz = &CachedOffset::new(tz);
    let mut w = Utf16Json::with_capacity(json.len() + json.len() / 4);
    w.raw("[");
    for (k, p) in items.iter().enumerate() {
        if k > 0 {
            w.raw(",");
        }
        p.process(now_ms, tz).write_json(&mut w);
    }
    w.raw("]");
    Ok(w.out)
}

/// Query words: lower-cased, split on Unicode whitespace.
pub fn query_words(query: &str) -> Vec<String> {
    query.to_lowercase().split_whitespace().map(str::to_owned).collect()
}

/// The original's weights per query word and field.
pub const TITLE_WEIGHT: u32 = 10;
/// Extra when the title starts with the word.
pub const TITLE_PREFIX_BONUS: u32 = 5;
pub const CITY_WEIGHT: u32 = 5;
pub const ORGANIZER_WEIGHT: u32 = 3;
pub const DESCRIPTION_WEIGHT: u32 = 2;

/// The sort keys of the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Title,
    Amount,
    Progress,
    Deadline,
    Participants,
    Created,
}

impl SortKey {
    /// `None` for an unknown key, which keeps the original order.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "title" => Self::Title,
            "amount" => Self::Amount,
            "progress" => Self::Progress,
            "deadline" => Self::Deadline,
            "participants" => Self::Participants,
            "created" => Self::Created,
            _ => return None,
        })
    }
}

/// Ascending unless `order == "desc"`, like the original.
pub fn is_descending(order: &str) -> bool {
    order == "desc"
}

pub fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// `aggregate_procurement_stats` result.
#[derive(Debug, Serialize, PartialEq)]
pub struct ProcurementStats {
    pub total_count: usize,
    pub active_count: usize,
    pub total_amount: f64,
    pub total_target: f64,
    pub overall_progress: i32,
    pub avg_participants: f64,
    pub cities: Vec<String>,
    pub by_status: std::collections::BTreeMap<String, usize>,
    pub formatted_total_amount: String,
    pub formatted_total_target: String,
}

/// Totals over a list. A missing or empty status counts as `"unknown"`.
pub fn aggregate(items: &[Procurement<'_>]) -> ProcurementStats {
    let mut stats = ProcurementStats {
        total_count: items.len(),
        active_count: 0,
        total_amount: 0.0,
        total_target: 0.0,
        overall_progress: 0,
        avg_participants: 0.0,
        cities: Vec::new(),
        by_status: Default::default(),
        formatted_total_amount: String::new(),
        formatted_total_target: String::new(),
    };
    let mut seen_cities = std::collections::HashSet::new();
    let mut participants = 0.0;
    for p in items {
        let status = p.status.as_deref().filter(|s| !s.is_empty()).unwrap_or("unknown");
        if status == "active" {
            stats.active_count += 1;
        }
        *stats.by_status.entry(status.to_owned()).or_insert(0) += 1;
        participants += p.participant_count as f64;
        if let Some(city) = p.city.as_deref().filter(|c| !c.is_empty())
            && seen_cities.insert(city)
        {
            stats.cities.push(city.to_owned());
        }
    }
    let (amount, target) =
        (total(items.iter().map(|p| p.current_amount)), total(items.iter().map(|p| p.target_amount.unwrap_or(0.0))));
    (stats.total_amount, stats.formatted_total_amount) = (amount.amount, amount.formatted);
    (stats.total_target, stats.formatted_total_target) = (target.amount, target.formatted);
    stats.overall_progress = calculate_progress(stats.total_amount, stats.total_target);
    if !items.is_empty() {
        stats.avg_participants = (participants / items.len() as f64 * 10.0).round() / 10.0;
    }
    stats
}

/// `search_procurements`: `[{"id":…,"score":…}]`, best first.
pub fn search_procurements(json: &str, query: &str) -> Result<String, InputError> {
    let set = ProcurementSet::from_json(json)?;
    set.search_json(query)
}

/// `sort_procurements`: the ids in the requested order.
pub fn sort_procurements(json: &str, sort_by: &str, order: &str) -> Result<String, InputError> {
    let set = ProcurementSet::from_json_for_sorting(json)?;
    let ids: Vec<i64> = set.sort(sort_by, order).iter().map(|&i| set.id_at(i)).collect();
    Ok(serde_json::to_string(&ids)?)
}

/// `aggregate_procurement_stats` as JSON.
pub fn aggregate_procurement_stats(json: &str) -> Result<String, InputError> {
    let items = parse_procurements(json)?;
    Ok(serde_json::to_string(&aggregate(&items))?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::time::FixedOffset;
    use serde_json::{Value, json};

    /// The three procurements of the original's unit tests.
    pub fn sample_json() -> String {
        json!([
            {"id": 1, "title": "Мёд алтайский", "description": "Натуральный мёд", "city": "Москва",
             "status": "active", "current_amount": 1000.0, "target_amount": 2000.0,
             "participant_count": 5, "organizer_name": "Пасека", "created_at": "2025-01-02T10:00:00Z",
             "deadline": "2025-02-01T00:00:00Z"},
            {"id": 2, "title": "Аренда авто", "description": "Поездка", "city": "Москва",
             "status": "active", "current_amount": 300.0, "target_amount": 300.0,
             "participant_count": 2, "created_at": "2025-01-01T10:00:00Z"},
            {"id": 3, "title": "Чай", "city": "Казань", "status": "draft",
             "current_amount": 500.0, "target_amount": 500.0, "participant_count": 3,
             "created_at": "2025-01-03T10:00:00Z"}
        ])
        .to_string()
    }

    const NOW: f64 = 1_736_935_200_000.0; // 2025-01-15T10:00:00Z

    fn parse(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn batch_process_fields() {
        let out = parse(&batch_process_procurements(&sample_json(), NOW, &FixedOffset(0)).unwrap());
        let first = &out[0];
        assert_eq!(first["progress"], 50);
        assert_eq!(first["formatted_current"], "1 000 ₽");
        assert_eq!(first["formatted_target"], "2 000 ₽");
        assert_eq!(first["days_left"], 16);
        assert_eq!(first["category"], Value::Null);
        assert!(out[1].get("days_left").is_none());
        assert_eq!(out[1]["progress"], 100);
        let keys: Vec<_> = first.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 16);
    }

    #[test]
    fn utf16_json_is_the_serde_json_text() {
        let odd = r#"[{"id":-7,"title":"\"q\" \\ \u0001 😀","description":null,"current_amount":"0.10",
                       "target_amount":1e3,"deadline":"bad","participant_count":-3},{"id":9,"title":""}]"#;
        for json in [sample_json(), odd.to_owned(), "[]".to_owned(), crate::benchmark::synthetic_procurements_json(50)]
        {
            let text = batch_process_procurements(&json, NOW, &FixedOffset(180)).unwrap();
            let units = batch_process_procurements_utf16(&json, NOW, &FixedOffset(180)).unwrap();
            assert_eq!(String::from_utf16(&units).unwrap(), text);
        }
        assert!(batch_process_procurements_utf16("{", NOW, &FixedOffset(0)).is_err());
    }

    #[test]
    fn amounts_as_decimal_strings() {
        let items =
            parse_procurements(r#"[{"id":1,"title":"t","current_amount":"150.50","target_amount":"300.00"}]"#).unwrap();
        assert_eq!(items[0].current_amount, 150.5);
        assert_eq!(items[0].progress(), 50);
    }

    #[test]
    fn invalid_input_is_an_error_not_an_empty_result() {
        for bad in [
            "",
            "{",
            "{}",
            "[1]",
            r#"[{"title":"t"}]"#,
            r#"[{"id":"1","title":"t"}]"#,
            r#"[[1,"t"]]"#,
            r#"[{"id":1,"title":"t","city":5}]"#,
        ] {
            let err = search_procurements(bad, "x").unwrap_err();
            assert!(err.message().starts_with("invalid JSON: "), "{bad}");
            assert!(aggregate_procurement_stats(bad).is_err(), "{bad}");
            assert!(sort_procurements(bad, "title", "asc").is_err(), "{bad}");
            assert!(batch_process_procurements(bad, NOW, &FixedOffset(0)).is_err(), "{bad}");
        }
    }

    #[test]
    fn empty_list() {
        assert_eq!(search_procurements("[]", "мёд").unwrap(), "[]");
        assert_eq!(sort_procurements("[]", "title", "asc").unwrap(), "[]");
        assert_eq!(batch_process_procurements("[]", NOW, &FixedOffset(0)).unwrap(), "[]");
        let s = parse(&aggregate_procurement_stats("[]").unwrap());
        assert_eq!(s["total_count"], 0);
        assert_eq!(s["cities"], json!([]));
        assert_eq!(s["formatted_total_amount"], "0 ₽");
        assert_eq!(s["formatted_total_target"], "0 ₽");
        assert_eq!(s["overall_progress"], 0);
    }

    #[test]
    fn search_examples() {
        let out = parse(&search_procurements(&sample_json(), "Москва").unwrap());
        assert_eq!(out.as_array().unwrap().len(), 2);
        assert_eq!(search_procurements(&sample_json(), "").unwrap(), "[]");
        assert_eq!(search_procurements(&sample_json(), "  \t").unwrap(), "[]");
        assert_eq!(search_procurements(&sample_json(), "кофе").unwrap(), "[]");
    }

    #[test]
    fn search_weights_like_the_original_example() {
        let json = json!([
            {"id": 7, "title": "Чай", "city": "Москва"},
            {"id": 1, "title": "Мед липовый", "city": "Москва", "organizer_name": "Мед Иван",
             "description": "Свежий мед"}
        ])
        .to_string();
        let out = parse(&search_procurements(&json, "мед москва").unwrap());
        assert_eq!(out, json!([{"id": 1, "score": 25.0}, {"id": 7, "score": 5.0}]));
    }

    #[test]
    fn search_is_case_insensitive_for_cyrillic_and_latin() {
        let json = json!([{"id": 1, "title": "МЁД Honey"}]).to_string();
        for q in ["мёд", "МЁД", "Мёд", "honey", "HONEY"] {
            let out = parse(&search_procurements(&json, q).unwrap());
            assert_eq!(out[0]["id"], 1, "{q}");
        }
    }

    #[test]
    fn sort_examples() {
        assert_eq!(sort_procurements(&sample_json(), "title", "asc").unwrap(), "[2,1,3]");
        assert_eq!(sort_procurements(&sample_json(), "amount", "desc").unwrap(), "[1,3,2]");
        assert_eq!(sort_procurements(&sample_json(), "amount", "whatever").unwrap(), "[2,3,1]");
        assert_eq!(sort_procurements(&sample_json(), "participants", "asc").unwrap(), "[2,3,1]");
        assert_eq!(sort_procurements(&sample_json(), "created", "desc").unwrap(), "[3,1,2]");
        assert_eq!(sort_procurements(&sample_json(), "progress", "asc").unwrap(), "[1,2,3]");
        assert_eq!(sort_procurements(&sample_json(), "deadline", "desc").unwrap(), "[1,2,3]");
        assert_eq!(sort_procurements(&sample_json(), "nope", "desc").unwrap(), "[1,2,3]");
    }

    #[test]
    fn stats_example() {
        let s = parse(&aggregate_procurement_stats(&sample_json()).unwrap());
        assert_eq!(s["total_count"], 3);
        assert_eq!(s["active_count"], 2);
        assert_eq!(s["total_amount"], 1800.0);
        assert_eq!(s["total_target"], 2800.0);
        assert_eq!(s["overall_progress"], 64);
        assert_eq!(s["avg_participants"], 3.3);
        assert_eq!(s["cities"], json!(["Москва", "Казань"]));
        assert_eq!(s["by_status"], json!({"active": 2, "draft": 1}));
        assert_eq!(s["formatted_total_amount"], "1 800 ₽");
    }
}
