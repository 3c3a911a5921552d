//! A procurement's status as a coloured word, and an order's status, in the page's language.

use crate::api::participants::OrderStatus;
use crate::api::procurements::Status;
use crate::i18n::{Lang, use_lang};
use yew::prelude::*;

pub fn status_name(lang: Lang, status: Status) -> &'static str {
    match status {
        Status::Draft => lang.pick("Черновик", "Draft"),
        Status::Active => lang.pick("Сбор заявок", "Open"),
        Status::Stopped => lang.pick("Сбор остановлен", "Stopped"),
        Status::Payment => lang.pick("Оплата", "Payment"),
        Status::Completed => lang.pick("Завершена", "Completed"),
        Status::Cancelled => lang.pick("Отменена", "Cancelled"),
    }
}

#[derive(Properties, PartialEq)]
pub struct StatusBadgeProps {
    pub status: Status,
}

#[function_component(StatusBadge)]
pub fn status_badge(props: &StatusBadgeProps) -> Html {
    let lang = use_lang();
    html! { <span class={classes!("status", props.status.code())} data-status={props.status.code()}>{ status_name(lang, props.status) }</span> }
}

pub fn order_status_code(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending => "pending",
        OrderStatus::Confirmed => "confirmed",
        OrderStatus::Paid => "paid",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Cancelled => "cancelled",
    }
}

pub fn order_status_name(lang: Lang, status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Pending => lang.pick("Ждёт подтверждения", "Awaiting confirmation"),
        OrderStatus::Confirmed => lang.pick("Подтверждён", "Confirmed"),
        OrderStatus::Paid => lang.pick("Оплачен", "Paid"),
        OrderStatus::Delivered => lang.pick("Выдан", "Delivered"),
        OrderStatus::Cancelled => lang.pick("Отменён", "Cancelled"),
    }
}
