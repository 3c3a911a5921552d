//! An address the cabinet does not have.

use crate::i18n::use_lang;
use crate::route::{Link, Route};
use yew::prelude::*;

#[function_component(NotFoundPage)]
pub fn not_found_page() -> Html {
    let lang = use_lang();
    html! {
        <section class="panel">
            <h1>{ lang.pick("Такой страницы нет", "No such page") }</h1>
            <p><Link to={Route::Catalog}>{ lang.pick("К закупкам", "To the procurements") }</Link></p>
        </section>
    }
}
