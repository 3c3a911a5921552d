//! The form's checks, the server's rules before sending: the common ones through wasm-utils'
//! validator (title, description, city, target, deadline), the rest as `NewProcurement::
//! validated` in workflows has them (stop amount, price, unit, minimum, commission, payment
//! deadline, picture address). The server checks again; its refusal is shown too.

use crate::api::procurements::Terms;
use crate::i18n::Lang;
use money::{Money, Percent, Quantity};

/// The form as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    pub title: String,
    pub description: String,
    pub category: String,
    pub city: String,
    pub delivery_address: String,
    pub target_amount: String,
    pub stop_at_amount: String,
    pub unit: String,
    pub price_per_unit: String,
    pub min_quantity: String,
    pub commission_percent: String,
    /// `YYYY-MM-DDTHH:MM` in the browser's time zone (`<input type=datetime-local>`).
    pub deadline: String,
    pub payment_deadline: String,
    pub image_url: String,
}

/// A field's name and what is wrong with it.
pub type FieldError = (&'static str, String);

/// Hundredths of a decimal a person typed (`1 500,50`); `None` when empty, `Err` when unreadable.
fn decimal(text: &str) -> Result<Option<i64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    money::parse_hundredths(text, money::Syntax::Typed).map(Some).map_err(|_| ())
}

/// Milliseconds since the epoch of a `datetime-local` value, read in the browser's zone.
pub fn local_ms(value: &str) -> Option<f64> {
    if value.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value.trim())).get_time();
    (!ms.is_nan()).then_some(ms)
}

/// RFC 3339 in UTC for the API.
fn iso(ms: f64) -> String {
    String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string())
}

/// wasm-utils words its messages in Russian; the English twin by field.
fn english(field: &str, russian: &str) -> String {
    match field {
        "title" if russian.contains("200") => "The title must be at most 200 characters".into(),
        "title" => "The title is required".into(),
        "description" => "The description is required".into(),
        "city" => "The city is required".into(),
        "target_amount" => "The target amount must be positive".into(),
        "deadline" => "The deadline must be in the future".into(),
        _ => russian.into(),
    }
}

/// The errors, in the form's order; the terms to send when there are none.
pub fn check(d: &Draft, lang: Lang, now_ms: f64) -> Result<Terms, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut bad =
        |field: &'static str, ru: &'static str, en: &'static str| errors.push((field, lang.pick(ru, en).to_string()));
    let target = decimal(&d.target_amount);
    let target_rubles = match target {
        Ok(Some(h)) => h as f64 / 100.0,
        _ => f64::NAN,
    };
    let deadline_ms = local_ms(&d.deadline);
    let common = wasm_utils::validate::procurement_form_errors(
        &d.title,
        &d.description,
        &d.city,
        target_rubles,
        deadline_ms.unwrap_or(f64::NAN),
        now_ms,
    );
    let money_field = |text: &str| decimal(text).map(|h| h.map(Money::from_hundredths));
    let stop = money_field(&d.stop_at_amount);
    let price = money_field(&d.price_per_unit);
    let min_quantity = decimal(&d.min_quantity).map(|h| h.map(Quantity::from_hundredths));
    let commission = decimal(&d.commission_percent).map(|h| h.map(Percent::from_hundredths));
    let payment_ms = local_ms(&d.payment_deadline);

    if d.description.trim().chars().count() > 10_000 {
        bad("description", "Описание — не длиннее 10 000 символов", "The description is at most 10,000 characters");
    }
    if d.city.trim().chars().count() > 100 {
        bad("city", "Город — не длиннее 100 символов", "The city is at most 100 characters");
    }
    if d.delivery_address.chars().count() > 1000 {
        bad("delivery_address", "Не длиннее 1000 символов", "At most 1000 characters");
    }
    if stop.is_err() || stop.is_ok_and(|s| s.is_some_and(|s| !s.is_positive())) {
        bad("stop_at_amount", "Сумма остановки должна быть положительной", "The stop amount must be positive");
    }
    if price.is_err() || price.is_ok_and(|p| p.is_some_and(|p| !p.is_positive())) {
        bad("price_per_unit", "Цена должна быть положительной", "The price must be positive");
    }
    if d.unit.chars().count() > 20 {
        bad("unit", "Единица — не длиннее 20 символов", "The unit is at most 20 characters");
    }
    if min_quantity.is_err() || min_quantity.is_ok_and(|q| q.is_some_and(|q| !q.is_positive())) {
        bad(
            "min_quantity",
            "Минимальное количество должно быть положительным",
            "The minimum quantity must be positive",
        );
    }
    if commission.is_err() || commission.is_ok_and(|c| c.is_some_and(|c| c.hundredths() < 0 || c.hundredths() > 1000)) {
        bad("commission_percent", "Комиссия — от 0 до 10 %", "The commission is 0 to 10 %");
    }
    if !d.payment_deadline.trim().is_empty() {
        match (payment_ms, deadline_ms) {
            (None, _) => bad("payment_deadline", "Неверная дата", "Not a date"),
            (Some(p), Some(dl)) if p < dl => bad(
                "payment_deadline",
                "Срок оплаты не раньше дедлайна",
                "The payment deadline must not be before the deadline",
            ),
            _ => {}
        }
    }
    let image = d.image_url.trim();
    if image.len() > 500 {
        bad("image_url", "Адрес картинки — не длиннее 500 символов", "The picture address is at most 500 characters");
    } else if !(image.is_empty() || image.starts_with("https://") || image.starts_with("http://")) {
        bad(
            "image_url",
            "Адрес картинки начинается с http:// или https://",
            "The picture address starts with http:// or https://",
        );
    }
    let mut all: Vec<FieldError> = common
        .into_iter()
        .map(|(field, ru)| (field, if lang == Lang::Ru { ru.to_string() } else { english(field, ru) }))
        .collect();
    all.extend(errors);
    let (Ok(Some(target)), Some(deadline), true) = (target, deadline_ms, all.is_empty()) else {
        return Err(all);
    };
    Ok(Terms {
        title: d.title.trim().into(),
        description: d.description.trim().into(),
        category: d.category.parse().ok(),
        city: d.city.trim().into(),
        delivery_address: d.delivery_address.trim().into(),
        target_amount: Money::from_hundredths(target),
        stop_at_amount: stop.ok().flatten(),
        unit: d.unit.trim().into(),
        price_per_unit: price.ok().flatten(),
        min_quantity: min_quantity.ok().flatten(),
        commission_percent: commission.ok().flatten(),
        deadline: iso(deadline),
        payment_deadline: payment_ms.map(iso),
        image_url: image.into(),
    })
}
