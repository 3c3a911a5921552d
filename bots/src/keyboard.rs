//! A platform-neutral keyboard, as the original adapters' "standard keyboard"
//! `{buttons: [[{text, callback_data, url}]]}`, plus the screens' keyboards.
//!
//! Adapters translate it: Telegram reply/inline markup, VK keyboard JSON
//! (where URL buttons become callback buttons).

use money::{Kopecks, Money, Style};
use serde::{Deserialize, Serialize};

use crate::callback::Callback;
use crate::lang::Lang;
use crate::model::{CategoryView, ProcurementListItem, ProcurementView, Role};
use crate::texts::labels::{Label, role_button};
use crate::texts::money_style;

/// Reply keyboards replace the user's text keyboard and send their label as a
/// message; inline keyboards hang under one message and send callback data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyboardKind {
    Reply,
    Inline,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Opens this https address as a Telegram Mini App (signed in by Telegram's `initData`);
    /// adapters without Mini Apps open it as a link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_app: Option<String>,
}

impl Button {
    /// A reply-keyboard button: pressing it sends `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Button { text: text.into(), callback_data: None, url: None, web_app: None }
    }

    pub fn callback(text: impl Into<String>, callback: Callback) -> Self {
        Button { text: text.into(), callback_data: Some(callback.data()), url: None, web_app: None }
    }

    pub fn url(text: impl Into<String>, url: impl Into<String>) -> Self {
        Button { text: text.into(), callback_data: None, url: Some(url.into()), web_app: None }
    }

    /// A Telegram Mini App button (Telegram takes https addresses only).
    pub fn web_app(text: impl Into<String>, url: impl Into<String>) -> Self {
        Button { text: text.into(), callback_data: None, url: None, web_app: Some(url.into()) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyboard {
    pub kind: KeyboardKind,
    pub buttons: Vec<Vec<Button>>,
}

impl Keyboard {
    pub fn inline(buttons: Vec<Vec<Button>>) -> Self {
        Keyboard { kind: KeyboardKind::Inline, buttons }
    }

    pub fn reply(buttons: Vec<Vec<Button>>) -> Self {
        Keyboard { kind: KeyboardKind::Reply, buttons }
    }

    /// Appends a row (e.g. a "Skip" button under a category list).
    pub fn with_row(mut self, row: Vec<Button>) -> Self {
        self.buttons.push(row);
        self
    }

    /// All callback data on the keyboard, row by row.
    pub fn callbacks(&self) -> impl Iterator<Item = &str> {
        self.buttons.iter().flatten().filter_map(|b| b.callback_data.as_deref())
    }

    /// All button texts, row by row.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.buttons.iter().flatten().map(|b| b.text.as_str())
    }
}

fn cb(label: Label, lang: Lang, callback: Callback) -> Button {
    Button::callback(label.text(lang), callback)
}

/// The persistent menu; organizers get "Create procurement" and suppliers
/// "My supplies" as the second row, as in the original.
pub fn main_menu(role: Role, lang: Lang) -> Keyboard {
    let t = |label: Label| Button::text(label.text(lang));
    let mut rows = vec![
        vec![t(Label::Procurements), t(Label::MyOrders)],
        vec![t(Label::Profile), t(Label::Balance)],
        vec![t(Label::Chat), t(Label::Help)],
    ];
    match role {
        Role::Organizer => rows.insert(1, vec![t(Label::CreateProcurement)]),
        Role::Supplier => rows.insert(1, vec![t(Label::MySupplies)]),
        Role::Buyer => {}
    }
    Keyboard::reply(rows)
}

pub fn role_choice(lang: Lang) -> Keyboard {
    Keyboard::inline(
        Role::ALL
            .into_iter()
            .map(|role| vec![Button::callback(role_button(role, lang), Callback::ChooseRole(role))])
            .collect(),
    )
}

/// How many procurements one list message shows: one page of the platform's lists (the
/// original showed ten and had no next page).
pub const LIST_LIMIT: usize = 20;

/// Long titles are cut so buttons stay readable on a phone.
const BUTTON_TITLE_CHARS: usize = 40;

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Up to ten "{title} ({progress}%)" buttons, then filters and search.
pub fn procurement_list(items: &[ProcurementListItem], lang: Lang) -> Keyboard {
    let mut rows: Vec<Vec<Button>> = items
        .iter()
        .take(LIST_LIMIT)
        .map(|p| {
            let text = format!("{} ({}%)", shorten(&p.title, BUTTON_TITLE_CHARS), p.progress);
            vec![Button::callback(text, Callback::ViewProcurement(p.id))]
        })
        .collect();
    rows.push(vec![
        cb(Label::ByCity, lang, Callback::FilterCity),
        cb(Label::ByCategory, lang, Callback::FilterCategory),
    ]);
    rows.push(vec![cb(Label::Search, lang, Callback::SearchProcurement)]);
    Keyboard::inline(rows)
}

/// Actions on one procurement. `is_participant` comes from the caller: the
/// original never passed it, so its "Leave" button could never appear.
pub fn procurement_detail(p: &ProcurementView, is_participant: bool, lang: Lang) -> Keyboard {
    let mut rows = Vec::new();
    if is_participant {
        rows.push(vec![cb(Label::Leave, lang, Callback::LeaveProcurement(p.id))]);
    } else if p.can_join {
        rows.push(vec![cb(Label::Join, lang, Callback::JoinProcurement(p.id))]);
    }
    rows.push(vec![
        cb(Label::ProcurementChat, lang, Callback::ProcurementChat(p.id)),
        cb(Label::Participants, lang, Callback::Participants(p.id)),
    ]);
    rows.push(vec![cb(Label::Refresh, lang, Callback::RefreshProcurement(p.id))]);
    rows.push(vec![cb(Label::BackToList, lang, Callback::BackToProcurements)]);
    Keyboard::inline(rows)
}

/// Preset deposit amounts in whole roubles, as in the original.
pub const DEPOSIT_PRESETS_RUB: [i64; 6] = [100, 500, 1000, 2000, 5000, 10_000];

pub fn deposit_amounts(lang: Lang) -> Keyboard {
    let mut rows: Vec<Vec<Button>> = DEPOSIT_PRESETS_RUB
        .chunks(3)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&rubles| {
                    let style = Style { kopecks: Kopecks::UnlessZero, ..money_style(lang) };
                    let text = Money::rubles(rubles).grouped(style);
                    Button::callback(text, Callback::Deposit { rubles })
                })
                .collect()
        })
        .collect();
    rows.push(vec![cb(Label::CustomAmount, lang, Callback::DepositCustom)]);
    Keyboard::inline(rows)
}

pub fn balance(lang: Lang) -> Keyboard {
    Keyboard::inline(vec![
        vec![cb(Label::Deposit, lang, Callback::DepositOptions), cb(Label::History, lang, Callback::PaymentHistory)],
        vec![cb(Label::Refresh, lang, Callback::RefreshBalance)],
    ])
}

/// Shown after a deposit is created: the bank's page and a status check.
pub fn payment_link(confirmation_url: &str, payment_id: i64, lang: Lang) -> Keyboard {
    Keyboard::inline(vec![
        vec![Button::url(Label::Pay.text(lang), confirmation_url)],
        vec![cb(Label::CheckStatus, lang, Callback::CheckPayment(payment_id))],
    ])
}

/// Categories, two per row.
pub fn categories(categories: &[CategoryView]) -> Keyboard {
    Keyboard::inline(
        categories
            .chunks(2)
            .map(|pair| pair.iter().map(|c| Button::callback(c.label(), Callback::Category(c.id))).collect())
            .collect(),
    )
}

/// A yes/no question; each answer is a ready callback.
pub fn confirmation(yes: (Label, Callback), no: (Label, Callback), lang: Lang) -> Keyboard {
    Keyboard::inline(vec![vec![cb(yes.0, lang, yes.1)], vec![cb(no.0, lang, no.1)]])
}

/// "Leave this procurement?" — cancelling goes back to its card.
pub fn confirm_leave(procurement_id: i64, lang: Lang) -> Keyboard {
    confirmation(
        (Label::YesLeave, Callback::ConfirmLeave(procurement_id)),
        (Label::Cancel, Callback::ViewProcurement(procurement_id)),
        lang,
    )
}

/// A single "Skip" button for optional dialog steps.
pub fn skip_row(lang: Lang) -> Vec<Button> {
    vec![cb(Label::Skip, lang, Callback::Skip)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(can_join: bool) -> ProcurementView {
        ProcurementView {
            id: 7,
            title: "Мёд".into(),
            description: "Алтайский мёд".into(),
            organizer_name: "Иван".into(),
            category_name: None,
            city: "Барнаул".into(),
            target_amount: 100_000,
            current_amount: 50_000,
            participant_count: 3,
            unit: "кг".into(),
            price_per_unit: Some(80_000),
            deadline: "2030-01-01T00:00:00Z".into(),
            status: "active".into(),
            stop_at_amount: None,
            can_join,
            progress: 50,
        }
    }

    fn assert_callbacks_parse(kb: &Keyboard) {
        for data in kb.callbacks() {
            assert!(data.parse::<Callback>().is_ok(), "{data}");
        }
    }

    #[test]
    fn main_menu_depends_on_role() {
        let buyer = main_menu(Role::Buyer, Lang::Ru);
        assert_eq!(buyer.kind, KeyboardKind::Reply);
        assert_eq!(buyer.buttons.len(), 3);
        assert_eq!(buyer.buttons[0][0].text, "📦 Закупки");

        let organizer = main_menu(Role::Organizer, Lang::En);
        assert_eq!(organizer.buttons[1][0].text, "➕ Create Procurement");
        let supplier = main_menu(Role::Supplier, Lang::Ru);
        assert_eq!(supplier.buttons[1][0].text, "🚚 Мои поставки");
        assert!(buyer.callbacks().next().is_none());
    }

    #[test]
    fn role_choice_offers_every_role() {
        let kb = role_choice(Lang::Ru);
        let data: Vec<_> = kb.callbacks().collect();
        assert_eq!(data, ["role_buyer", "role_organizer", "role_supplier"]);
        assert_eq!(kb.buttons[0][0].text, "🛒 Покупатель");
    }

    #[test]
    fn list_shows_at_most_a_page_then_filters() {
        let items: Vec<_> =
            (1..=22).map(|id| ProcurementListItem { id, title: format!("Закупка {id}"), progress: 42 }).collect();
        let kb = procurement_list(&items, Lang::Ru);
        assert_eq!(kb.buttons.len(), 22);
        assert_eq!(kb.buttons[0][0].text, "Закупка 1 (42%)");
        assert_eq!(kb.buttons[19][0].callback_data.as_deref(), Some("view_proc_20"));
        let tail: Vec<_> = kb.callbacks().skip(20).collect();
        assert_eq!(tail, ["filter_city", "filter_category", "search_procurement"]);
    }

    #[test]
    fn list_shortens_long_titles() {
        let items = [ProcurementListItem {
            id: 1,
            title: "Очень длинное название закупки, которое не влезет в кнопку".into(),
            progress: 5,
        }];
        let text = &procurement_list(&items, Lang::Ru).buttons[0][0].text;
        assert!(text.ends_with("… (5%)"), "{text}");
        assert!(text.chars().count() <= 40 + " (5%)".len());
    }

    #[test]
    fn detail_offers_join_or_leave() {
        let joinable = procurement_detail(&view(true), false, Lang::Ru);
        let data: Vec<_> = joinable.callbacks().collect();
        assert_eq!(data, ["join_proc_7", "chat_7", "participants_7", "refresh_proc_7", "back_to_procurements"]);

        let member = procurement_detail(&view(true), true, Lang::Ru);
        assert_eq!(member.callbacks().next(), Some("leave_proc_7"));

        let closed = procurement_detail(&view(false), false, Lang::Ru);
        assert_eq!(closed.callbacks().next(), Some("chat_7"));
    }

    #[test]
    fn deposit_presets_three_per_row() {
        let kb = deposit_amounts(Lang::Ru);
        assert_eq!(kb.buttons.len(), 3);
        assert_eq!(kb.buttons[0].len(), 3);
        assert_eq!(kb.buttons[1][2].text, "10 000 ₽");
        let data: Vec<_> = kb.callbacks().collect();
        assert!(data.contains(&"deposit_100"));
        assert!(data.contains(&"deposit_custom"));
        assert_callbacks_parse(&kb);
    }

    #[test]
    fn balance_and_payment_keyboards() {
        let kb = balance(Lang::En);
        let data: Vec<_> = kb.callbacks().collect();
        assert_eq!(data, ["deposit_options", "payment_history", "refresh_balance"]);

        let pay = payment_link("https://bank.example/pay/1", 15, Lang::Ru);
        assert_eq!(pay.buttons[0][0].url.as_deref(), Some("https://bank.example/pay/1"));
        assert_eq!(pay.callbacks().collect::<Vec<_>>(), ["check_payment_15"]);
    }

    #[test]
    fn categories_two_per_row() {
        let cats: Vec<_> = (1..=5).map(|id| CategoryView { id, name: format!("К{id}"), icon: String::new() }).collect();
        let kb = categories(&cats).with_row(skip_row(Lang::Ru));
        let widths: Vec<_> = kb.buttons.iter().map(Vec::len).collect();
        assert_eq!(widths, [2, 2, 1, 1]);
        assert_eq!(kb.buttons[2][0].callback_data.as_deref(), Some("category_5"));
        assert_callbacks_parse(&kb);
    }

    #[test]
    fn leave_confirmation_cancels_back_to_card() {
        let kb = confirm_leave(3, Lang::Ru);
        assert_eq!(kb.callbacks().collect::<Vec<_>>(), ["confirm_leave_3", "view_proc_3"]);
        assert_eq!(kb.buttons[0][0].text, "Да, выйти");
    }

    #[test]
    fn serialises_as_standard_keyboard() {
        let kb = confirm_leave(3, Lang::En);
        let json = serde_json::to_value(&kb).unwrap();
        assert_eq!(json["kind"], "inline");
        assert_eq!(json["buttons"][0][0]["text"], "Yes, leave");
        assert_eq!(json["buttons"][0][0]["callback_data"], "confirm_leave_3");
        assert!(json["buttons"][0][0].get("url").is_none());
        let back: Keyboard = serde_json::from_value(json).unwrap();
        assert_eq!(back, kb);
    }
}
