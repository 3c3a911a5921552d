//! The procurement card and procurement-status wording.

use chrono::NaiveDate;

use super::format_money;
use crate::lang::Lang;
use crate::model::ProcurementView;

/// An emoji per procurement status. The original's map had lost its emoji
/// (every status gave ""), which also failed its own test. Unknown → "".
pub fn status_emoji(status: &str) -> &'static str {
    match status {
        "draft" => "📝",
        "active" => "🟢",
        "stopped" => "⏸️",
        "payment" => "💳",
        "completed" => "✅",
        "cancelled" => "❌",
        _ => "",
    }
}

/// Human name of a status; an unknown status is shown as is rather than hidden.
pub fn status_label(status: &str, lang: Lang) -> String {
    let known = match status {
        "draft" => lang.pick("Черновик", "Draft"),
        "active" => lang.pick("Активная", "Active"),
        "stopped" => lang.pick("Сбор остановлен", "Stopped"),
        "payment" => lang.pick("Идёт оплата", "Payment in progress"),
        "completed" => lang.pick("Завершена", "Completed"),
        "cancelled" => lang.pick("Отменена", "Cancelled"),
        other => return other.to_string(),
    };
    known.to_string()
}

/// "🟢 Активная", or just the label when the status has no emoji.
fn status_line(status: &str, lang: Lang) -> String {
    let emoji = status_emoji(status);
    let label = status_label(status, lang);
    if emoji.is_empty() { label } else { format!("{emoji} {label}") }
}

/// The API sends an ISO timestamp; people read "31.12.2026" (ru) or
/// "2026-12-31" (en). Anything unparsable is shown verbatim.
fn format_deadline(iso: &str, lang: Lang) -> String {
    let date_part = iso.get(..10).unwrap_or(iso);
    match NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
        Ok(date) => date.format(lang.pick("%d.%m.%Y", "%Y-%m-%d")).to_string(),
        Err(_) => iso.to_string(),
    }
}

/// The procurement card shown by `view_proc_{id}`.
pub fn format_procurement_details(p: &ProcurementView, lang: Lang) -> String {
    let category =
        p.category_name.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or(lang.pick("Общее", "General"));
    let l = |ru, en| lang.pick(ru, en);

    let mut lines = vec![
        format!("📦 {}", p.title),
        String::new(),
        p.description.clone(),
        String::new(),
        format!("{}: {}", l("Организатор", "Organizer"), p.organizer_name),
        format!("{}: {category}", l("Категория", "Category")),
        format!("{}: {}", l("Город", "City"), p.city),
        format!("{}: {}", l("Цель", "Target"), format_money(p.target_amount, lang)),
        format!("{}: {} ({}%)", l("Собрано", "Collected"), format_money(p.current_amount, lang), p.progress),
        format!("{}: {}", l("Участников", "Participants"), p.participant_count),
        format!("{}: {}", l("Единица", "Unit"), p.unit),
    ];
    if let Some(price) = p.price_per_unit {
        lines.push(format!("{}: {}", l("Цена за единицу", "Price per unit"), format_money(price, lang)));
    }
    lines.push(format!("{}: {}", l("Сбор до", "Deadline"), format_deadline(&p.deadline, lang)));
    lines.push(format!("{}: {}", l("Статус", "Status"), status_line(&p.status, lang)));
    if let Some(stop) = p.stop_at_amount {
        lines.push(format!("{}: {}", l("Стоп-сумма", "Stop amount"), format_money(stop, lang)));
    }
    if p.can_join {
        lines.push(String::new());
        lines.push(l("✅ Вы можете присоединиться к этой закупке!", "✅ You can join this procurement!").to_string());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ProcurementView {
        ProcurementView {
            id: 1,
            title: "Test Procurement".into(),
            description: "Test description".into(),
            organizer_name: "Иван Петров".into(),
            category_name: None,
            city: "Москва".into(),
            target_amount: 1_000_000,
            current_amount: 500_000,
            participant_count: 5,
            unit: "кг".into(),
            price_per_unit: None,
            deadline: "2026-12-31T23:59:59Z".into(),
            status: "active".into(),
            stop_at_amount: None,
            can_join: true,
            progress: 50,
        }
    }

    #[test]
    fn every_known_status_has_an_emoji() {
        for status in ["draft", "active", "stopped", "payment", "completed", "cancelled"] {
            assert!(!status_emoji(status).is_empty(), "{status}");
        }
        assert_eq!(status_emoji("unknown"), "");
        assert_eq!(status_emoji(""), "");
    }

    #[test]
    fn status_labels_and_unknown_passthrough() {
        assert_eq!(status_label("active", Lang::Ru), "Активная");
        assert_eq!(status_label("payment", Lang::En), "Payment in progress");
        assert_eq!(status_label("archived", Lang::Ru), "archived");
    }

    #[test]
    fn russian_card_has_every_field() {
        let text = format_procurement_details(&sample(), Lang::Ru);
        for expected in [
            "📦 Test Procurement",
            "Test description",
            "Организатор: Иван Петров",
            "Категория: Общее",
            "Город: Москва",
            "Цель: 10 000,00 ₽",
            "Собрано: 5 000,00 ₽ (50%)",
            "Участников: 5",
            "Единица: кг",
            "Сбор до: 31.12.2026",
            "Статус: 🟢 Активная",
            "Вы можете присоединиться",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert!(!text.contains("Стоп-сумма"));
        assert!(!text.contains("Цена за единицу"));
    }

    #[test]
    fn english_card_and_optional_fields() {
        let mut p = sample();
        p.category_name = Some("Food".into());
        p.stop_at_amount = Some(2_000_000);
        p.price_per_unit = Some(35_050);
        p.can_join = false;
        p.status = "archived".into();
        p.deadline = "soon".into();
        let text = format_procurement_details(&p, Lang::En);
        for expected in [
            "Category: Food",
            "Collected: 5,000.00 ₽ (50%)",
            "Price per unit: 350.50 ₽",
            "Stop amount: 20,000.00 ₽",
            "Deadline: soon",
            "Status: archived",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert!(!text.contains("can join"));
    }

    #[test]
    fn english_card_says_can_join() {
        let text = format_procurement_details(&sample(), Lang::En);
        assert!(text.contains("can join"));
        assert!(text.contains("Deadline: 2026-12-31"));
        assert!(text.contains("Category: General"));
    }

    #[test]
    fn blank_category_falls_back_to_default() {
        let mut p = sample();
        p.category_name = Some("  ".into());
        assert!(format_procurement_details(&p, Lang::Ru).contains("Категория: Общее"));
    }
}
