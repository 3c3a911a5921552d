//! The core's [`Keyboard`] in VK's format (the `keyboard` parameter of `messages.send`, a JSON
//! string). VK refuses a keyboard over its limits (error 911), so rows wider than five are
//! wrapped and an inline keyboard with more buttons than one message may carry is split over
//! several messages; nothing the core offers is dropped.

use serde_json::{Value, json};

use crate::keyboard::{Button, Keyboard, KeyboardKind};

/// Buttons in one row, any keyboard.
pub const ROW_WIDTH: usize = 5;
/// An inline keyboard: at most 6 rows and 10 buttons.
pub const INLINE_ROWS: usize = 6;
pub const INLINE_BUTTONS: usize = 10;
/// A reply ("standard") keyboard: at most 10 rows and 40 buttons.
pub const REPLY_ROWS: usize = 10;
pub const REPLY_BUTTONS: usize = 40;
/// A button's label.
pub const LABEL_CHARS: usize = 40;

/// The keyboards to send, in order: the first goes with the message's text, each further one
/// (only for inline keyboards over VK's limits) with a continuation message.
pub fn render(keyboard: &Keyboard) -> Vec<Value> {
    let rows: Vec<&[Button]> = keyboard.buttons.iter().flat_map(|row| row.chunks(ROW_WIDTH)).collect();
    match keyboard.kind {
        KeyboardKind::Inline => pages(&rows, INLINE_ROWS, INLINE_BUTTONS)
            .into_iter()
            .map(|page| json!({ "inline": true, "buttons": buttons(&page, KeyboardKind::Inline) }))
            .collect(),
        // A second reply keyboard would replace the first, so the menu is cut at VK's limit.
        KeyboardKind::Reply => {
            let page = pages(&rows, REPLY_ROWS, REPLY_BUTTONS).into_iter().next().unwrap_or_default();
            vec![json!({ "one_time": false, "buttons": buttons(&page, KeyboardKind::Reply) })]
        }
    }
}

/// Greedy packing of whole rows into pages of at most `max_rows` rows and `max_buttons` buttons.
fn pages<'a>(rows: &[&'a [Button]], max_rows: usize, max_buttons: usize) -> Vec<Vec<&'a [Button]>> {
    let mut pages: Vec<Vec<&[Button]>> = Vec::new();
    let mut count = 0;
    for row in rows {
        let fits = pages.last().is_some_and(|page| page.len() < max_rows && count + row.len() <= max_buttons);
        if !fits {
            pages.push(Vec::new());
            count = 0;
        }
        pages.last_mut().expect("a page was just pushed").push(row);
        count += row.len();
    }
    pages
}

fn buttons(rows: &[&[Button]], kind: KeyboardKind) -> Value {
    rows.iter().map(|row| row.iter().map(|b| button(b, kind)).collect::<Vec<_>>()).collect()
}

fn button(button: &Button, kind: KeyboardKind) -> Value {
    let label = label(&button.text);
    // VK has no Mini Apps: a web-app button opens its address as a link.
    match (button.url.as_ref().or(button.web_app.as_ref()), &button.callback_data, kind) {
        (Some(link), _, _) => json!({ "action": { "type": "open_link", "link": link, "label": label } }),
        (None, Some(data), KeyboardKind::Inline) => json!({
            "action": { "type": "callback", "label": label, "payload": payload(data) },
            "color": "primary",
        }),
        _ => json!({ "action": { "type": "text", "label": label }, "color": "secondary" }),
    }
}

/// A callback button's payload: `{"data":"…"}` as a JSON string, what `message_event` returns.
pub fn payload(data: &str) -> String {
    json!({ "data": data }).to_string()
}

fn label(text: &str) -> String {
    if text.chars().count() <= LABEL_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::Callback;
    use crate::keyboard::{main_menu, procurement_list, role_choice};
    use crate::lang::Lang;
    use crate::model::{ProcurementListItem, Role};

    fn labels(page: &Value) -> Vec<Vec<String>> {
        page["buttons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row.as_array().unwrap().iter().map(|b| b["action"]["label"].as_str().unwrap().into()).collect())
            .collect()
    }

    #[test]
    fn inline_buttons_are_callbacks_with_a_data_payload() {
        let pages = render(&role_choice(Lang::En));
        assert_eq!(pages.len(), 1);
        let first = &pages[0]["buttons"][0][0];
        assert_eq!(pages[0]["inline"], true);
        assert_eq!(first["action"]["type"], "callback");
        assert_eq!(first["action"]["payload"], r#"{"data":"role_buyer"}"#);
    }

    #[test]
    fn reply_keyboards_send_their_labels() {
        let pages = render(&main_menu(Role::Buyer, Lang::Ru));
        assert_eq!(pages[0]["one_time"], false);
        assert_eq!(pages[0]["buttons"][0][0]["action"], json!({ "type": "text", "label": "📦 Закупки" }));
    }

    #[test]
    fn links_open_and_long_labels_are_cut() {
        let long = "Ж".repeat(60);
        let kb = Keyboard::inline(vec![vec![Button::url(&long, "https://pay.example/1")]]);
        let action = &render(&kb)[0]["buttons"][0][0]["action"];
        assert_eq!(action["type"], "open_link");
        assert_eq!(action["link"], "https://pay.example/1");
        assert_eq!(action["label"].as_str().unwrap().chars().count(), LABEL_CHARS);
    }

    #[test]
    fn a_long_list_is_split_within_vk_limits_keeping_every_button() {
        let items: Vec<_> =
            (1..=10).map(|id| ProcurementListItem { id, title: format!("P{id}"), progress: 1 }).collect();
        let pages = render(&procurement_list(&items, Lang::En));
        assert!(pages.len() >= 2);
        let mut all = Vec::new();
        for page in &pages {
            let rows = labels(page);
            assert!(rows.len() <= INLINE_ROWS);
            assert!(rows.iter().map(Vec::len).sum::<usize>() <= INLINE_BUTTONS);
            all.extend(rows.into_iter().flatten());
        }
        assert_eq!(all.len(), 13);
        assert_eq!(all[0], "P1 (1%)");
    }

    #[test]
    fn wide_rows_wrap_at_five() {
        let row = (0..7).map(|i| Button::callback(format!("{i}"), Callback::Skip)).collect();
        let rows = labels(&render(&Keyboard::inline(vec![row]))[0]);
        assert_eq!(rows.iter().map(Vec::len).collect::<Vec<_>>(), [5, 2]);
    }
}
