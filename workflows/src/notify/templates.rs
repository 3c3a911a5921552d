//! Notification texts: handlebars templates per language (Russian by default, English
//! available), kept in `workflows/templates/*.json` rather than in code.

use crate::money::Money;
use ::money::Style;
use handlebars::{Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason};
use serde_json::Value;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// English for `en…` language codes, Russian for everything else.
    pub fn from_code(code: &str) -> Self {
        if code.trim().to_ascii_lowercase().starts_with("en") { Self::En } else { Self::Ru }
    }
}

struct Catalog {
    ru: Handlebars<'static>,
    en: Handlebars<'static>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog {
    ru: load(Lang::Ru, include_str!("../../templates/ru.json")),
    en: load(Lang::En, include_str!("../../templates/en.json")),
});

fn load(lang: Lang, source: &str) -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    // Plain text for messengers, not HTML.
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_helper("money", formatter(lang, "money", format_money));
    hb.register_helper("date", formatter(lang, "date", format_date));
    let templates: serde_json::Map<String, Value> = serde_json::from_str(source).expect("template catalog is JSON");
    for (kind, parts) in templates {
        for part in ["title", "body"] {
            let text = parts[part].as_str().unwrap_or_else(|| panic!("{kind}.{part} missing"));
            hb.register_template_string(&format!("{kind}.{part}"), text)
                .unwrap_or_else(|e| panic!("template {kind}.{part}: {e}"));
        }
    }
    hb
}

/// A helper that prints its one parameter through `format` in `lang`.
fn formatter(lang: Lang, name: &'static str, format: fn(&str, Lang) -> String) -> Box<dyn HelperDef + Send + Sync> {
    Box::new(
        move |h: &Helper, _: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output| -> HelperResult {
            out.write(&format(&param(h, name)?, lang))?;
            Ok(())
        },
    )
}

fn param(h: &Helper, name: &'static str) -> Result<String, RenderErrorReason> {
    let value = h.param(0).ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?.value();
    match value {
        // A missing field must fail the render, not print "null" to a customer.
        Value::Null => Err(RenderErrorReason::ParamNotFoundForIndex(name, 0)),
        Value::String(s) => Ok(s.clone()),
        other => Ok(other.to_string()),
    }
}

/// "1500.00" → "1 500,00 ₽" (ru) or "1,500.00 ₽" (en), with no-break spaces. Text that is not an
/// amount is printed as it came rather than failing a customer's notification.
fn format_money(amount: &str, lang: Lang) -> String {
    let style = match lang {
        Lang::Ru => Style::RU_NOTIFICATION,
        Lang::En => Style::EN_NOTIFICATION,
    };
    amount.parse::<Money>().map_or_else(|_| amount.to_string(), |m| m.grouped(style))
}

/// An RFC 3339 instant as a Moscow date and time (ru) or UTC (en).
fn format_date(value: &str, lang: Lang) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(value) else {
        return value.to_string();
    };
    match lang {
        Lang::Ru => {
            let moscow = chrono::FixedOffset::east_opt(3 * 3600).expect("valid offset");
            at.with_timezone(&moscow).format("%d.%m.%Y %H:%M (МСК)").to_string()
        }
        Lang::En => at.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// The title and body of notification `kind` in `lang`.
pub fn render(lang: Lang, kind: &str, data: &Value) -> Result<(String, String), handlebars::RenderError> {
    let hb = match lang {
        Lang::Ru => &CATALOG.ru,
        Lang::En => &CATALOG.en,
    };
    Ok((hb.render(&format!("{kind}.title"), data)?, hb.render(&format!("{kind}.body"), data)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_template_renders_in_both_languages() {
        let data = json!({
            "title": "Мёд", "amount": "1500.00", "current_amount": "12345.50", "target_amount": "20000.00",
            "participant_count": 3, "stop_reached": true, "paid": true, "below_target": true,
            "payment_deadline": "2026-12-01T09:00:00Z", "paid_count": 2, "paid_amount": "600.00", "cancelled_count": 1,
            "count": 4, "captured": "1200.00", "credited": true, "reason": "Компенсация", "balance": "1650.00",
            "message": "Текст",
        });
        let kinds: serde_json::Map<String, Value> =
            serde_json::from_str(include_str!("../../templates/ru.json")).unwrap();
        for kind in kinds.keys() {
            for lang in [Lang::Ru, Lang::En] {
                let (title, body) = render(lang, kind, &data).unwrap_or_else(|e| panic!("{kind} {lang:?}: {e}"));
                assert!(!title.is_empty() && !body.is_empty());
                assert!(!body.contains("{{"), "{body}");
            }
        }
        let (_, body) = render(Lang::Ru, "payment_required", &data).unwrap();
        assert_eq!(
            body,
            "К оплате 1\u{a0}500,00\u{a0}₽. Оплатить нужно до 01.12.2026 12:00 (МСК). Оплата списывается с вашего баланса."
        );
        let (_, body) = render(Lang::En, "procurement_stopped_organizer", &data).unwrap();
        assert!(body.starts_with("Collected 12,345.50\u{a0}₽ of 20,000.00\u{a0}₽ from 3 participants."), "{body}");
    }

    #[test]
    fn a_missing_field_is_an_error_not_a_blank() {
        assert!(render(Lang::Ru, "payment_required", &json!({ "title": "x" })).is_err());
    }

    #[test]
    fn languages_from_codes() {
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(Lang::from_code("ru"), Lang::Ru);
        assert_eq!(Lang::from_code(""), Lang::Ru);
    }
}
