//! PLACEHOLDER until the web cabinet's pages land (issue 15): replaced by its helper.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(ChatPage)]
pub fn page(props: &Props) -> Html {
    html! { <h1>{ format!("chat {}", props.id) }</h1> }
}
