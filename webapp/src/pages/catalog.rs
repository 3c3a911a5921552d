//! PLACEHOLDER until the web cabinet's pages land (issue 15): replaced by its helper.

use yew::prelude::*;

#[function_component(CatalogPage)]
pub fn page() -> Html {
    html! { <h1>{ "catalog" }</h1> }
}
