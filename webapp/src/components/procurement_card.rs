//! A procurement as lists show it: title, category, city, the progress bar (collected of the
//! target), price per unit, days left and participants; the whole card links to its page.

use crate::api::procurements::Listed;
use crate::components::{Progress, StatusBadge};
use crate::i18n::use_lang;
use crate::route::{self, Route};
use web_kit::display;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub item: Listed,
    /// Extra lines under the facts (the buyer's own order, the supplier's quantities).
    #[prop_or_default]
    pub children: Html,
}

#[function_component(ProcurementCard)]
pub fn procurement_card(props: &CardProps) -> Html {
    let lang = use_lang();
    let p = &props.item;
    let price = match p.price_per_unit {
        Some(price) if p.unit.is_empty() => display::money(price),
        Some(price) => format!("{} / {}", display::money(price), p.unit),
        None => lang.pick("цена по заказу", "price on order").to_string(),
    };
    // A plain link rather than `Link`: a list redrawn per keystroke should not subscribe every
    // card to the address bar's events.
    let to = Route::Procurement(p.id);
    let open = {
        let to = to.clone();
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key()) {
                e.prevent_default();
                route::go(&to);
            }
        })
    };
    html! {
        <article class="card" data-id={p.id.to_string()}>
            <h3><a href={to.href()} onclick={open}>{ &p.title }</a></h3>
            <p class="card-meta">
                if let Some(category) = &p.category_name { <span>{ category }</span> }
                <span>{ &p.city }</span>
                <StatusBadge status={p.status} />
            </p>
            <Progress collected={p.current_amount} target={p.target_amount} percent={p.progress} />
            <dl class="facts">
                <div><dt>{ lang.pick("Цена", "Price") }</dt><dd data-field="price">{ price }</dd></div>
                <div><dt>{ lang.pick("Осталось", "Left") }</dt><dd>{ days_left(lang, p.days_left) }</dd></div>
                <div><dt>{ lang.pick("Участники", "People") }</dt><dd data-field="participants">{ p.participant_count }</dd></div>
            </dl>
            { props.children.clone() }
        </article>
    }
}

/// `"5 дн."` / `"5 days"`; `"—"` once the deadline passed.
pub fn days_left(lang: crate::i18n::Lang, days: i64) -> String {
    match days {
        d if d < 0 => "—".into(),
        0 => lang.pick("меньше дня", "under a day").into(),
        d => format!("{d} {}", lang.pick("дн.", if d == 1 { "day" } else { "days" })),
    }
}
