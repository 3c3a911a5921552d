//! PLACEHOLDER until the web cabinet's pages land (issue 15): replaced by its helper.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: Option<i64>,
}

#[function_component(ProcurementFormPage)]
pub fn page(props: &Props) -> Html {
    html! { <h1>{ format!("procurement form {:?}", props.id) }</h1> }
}
