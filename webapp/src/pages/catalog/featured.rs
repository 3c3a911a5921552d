//! The featured slider: active procurements staff picked, in a strip that scrolls sideways
//! (by swipe, by the arrows, or by Tab through its links).

use crate::api::procurements::{self, Filter, Listed};
use crate::components::ProcurementCard;
use crate::i18n::use_lang;
use yew::prelude::*;

#[function_component(Featured)]
pub fn featured() -> Html {
    let lang = use_lang();
    let items = use_state(Vec::<Listed>::new);
    let strip = use_node_ref();
    {
        let items = items.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let filter = Filter { featured: true, active_only: true, ..Filter::default() };
                // The slider is a bonus over the list: when it cannot load, the list still shows.
                if let Ok(page) = procurements::list(&filter).await {
                    items.set(page.results);
                }
            });
        });
    }
    if items.is_empty() {
        return html! {};
    }
    let scroll = |direction: f64| {
        let strip = strip.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = strip.cast::<web_sys::Element>() {
                el.scroll_by_with_x_and_y(direction * f64::from(el.client_width()) * 0.8, 0.0);
            }
        })
    };
    html! {
        <section class="featured" aria-labelledby="featured-title">
            <div class="featured-head">
                <h2 id="featured-title">{ lang.pick("Рекомендуем", "Featured") }</h2>
                <button type="button" data-action="slide-prev" aria-label={lang.pick("Назад", "Previous")} onclick={scroll(-1.0)}>{ "‹" }</button>
                <button type="button" data-action="slide-next" aria-label={lang.pick("Вперёд", "Next")} onclick={scroll(1.0)}>{ "›" }</button>
            </div>
            <div class="slider" ref={strip} data-list="featured">
                { for items.iter().map(|p| html! { <ProcurementCard key={p.id} item={p.clone()} /> }) }
            </div>
        </section>
    }
}
