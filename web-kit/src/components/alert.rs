//! An API refusal shown as the API worded it, and a success notice.

use crate::ApiError;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AlertProps {
    pub error: ApiError,
}

/// `<div role="alert" class="error">` with the API's `error` text (and its code, for support).
#[function_component(Alert)]
pub fn alert(props: &AlertProps) -> Html {
    let e = &props.error;
    html! {
        <div role="alert" class="error" data-code={e.code.clone()} data-status={e.status.to_string()}>
            { &e.error }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub text: AttrValue,
}

/// `<div role="status">`: what a write did.
#[function_component(Notice)]
pub fn notice(props: &NoticeProps) -> Html {
    html! { <div role="status" class="notice">{ props.text.clone() }</div> }
}
