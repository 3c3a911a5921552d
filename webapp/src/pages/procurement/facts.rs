//! A procurement's figures: progress, collected and left, participants, days left, price and
//! unit, organizer, stop amount, deadlines and delivery.

use crate::api::procurements::Detail;
use crate::components::{Progress, date_time, days_left, quantity};
use crate::i18n::use_lang;
use web_kit::display;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FactsProps {
    pub procurement: Detail,
}

#[function_component(Facts)]
pub fn facts(props: &FactsProps) -> Html {
    let lang = use_lang();
    let p = &props.procurement;
    let fact = |name: &'static str, key: &'static str, value: String| {
        html! { <div><dt>{ name }</dt><dd data-field={key}>{ value }</dd></div> }
    };
    let price = match p.price_per_unit {
        Some(price) => format!("{} / {}", display::money(price), if p.unit.is_empty() { "—" } else { &p.unit }),
        None => lang.pick("сумму называет участник", "each buyer names the amount").into(),
    };
    html! {
        <section class="panel facts-panel">
            <Progress collected={p.current_amount} target={p.target_amount} percent={p.progress} />
            <dl class="facts">
                { fact(lang.pick("Собрано", "Collected"), "collected", display::money(p.current_amount)) }
                { fact(lang.pick("Осталось собрать", "Left to collect"), "left", display::money(p.left_to_collect())) }
                { fact(lang.pick("Цель", "Target"), "target", display::money(p.target_amount)) }
                { fact(lang.pick("Участники", "Participants"), "participants", p.participant_count.to_string()) }
                { fact(lang.pick("До окончания", "Time left"), "days-left", days_left(lang, p.days_left)) }
                { fact(lang.pick("Цена", "Price"), "price", price) }
                if p.min_quantity.hundredths() > 0 {
                    { fact(lang.pick("Минимум", "Minimum"), "min-quantity", format!("{} {}", quantity(lang, p.min_quantity), p.unit)) }
                }
                { fact(lang.pick("Организатор", "Organizer"), "organizer", p.organizer_name.clone()) }
                { fact(lang.pick("Сумма остановки", "Stop amount"), "stop-amount", p.stop_at_amount.map_or_else(|| "—".into(), display::money)) }
                { fact(lang.pick("Сбор до", "Open until"), "deadline", date_time(lang, &p.deadline)) }
                if let Some(pd) = &p.payment_deadline {
                    { fact(lang.pick("Оплатить до", "Pay by"), "payment-deadline", date_time(lang, pd)) }
                }
                { fact(lang.pick("Город", "City"), "city", p.city.clone()) }
                if !p.delivery_address.is_empty() {
                    { fact(lang.pick("Выдача", "Pick-up"), "delivery", p.delivery_address.clone()) }
                }
                if let Some(category) = &p.category_name {
                    { fact(lang.pick("Категория", "Category"), "category", category.clone()) }
                }
            </dl>
        </section>
    }
}
