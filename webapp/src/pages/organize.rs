//! PLACEHOLDER until the web cabinet's pages land (issue 15): replaced by its helper.

use yew::prelude::*;

#[function_component(OrganizePage)]
pub fn page() -> Html {
    html! { <h1>{ "organize" }</h1> }
}
