//! Previous / next over a server-side list, with "page N of M · K items".

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PagerProps {
    pub page: u64,
    pub pages: u64,
    pub count: u64,
    /// False: `count` is an estimate, shown as "≈".
    #[prop_or(true)]
    pub exact: bool,
    pub on_page: Callback<u64>,
}

#[function_component(Pager)]
pub fn pager(props: &PagerProps) -> Html {
    let go = |to: u64| {
        let on_page = props.on_page.clone();
        Callback::from(move |_: MouseEvent| on_page.emit(to))
    };
    html! {
        <nav class="pager" aria-label="Страницы">
            <button type="button" data-action="prev" disabled={props.page <= 1} onclick={go(props.page.saturating_sub(1))}>
                { "← Назад" }
            </button>
            <span data-page-info="">{ format!("Страница {} из {} · всего {}{}", props.page, props.pages, if props.exact { "" } else { "≈" }, props.count) }</span>
            <button type="button" data-action="next" disabled={props.page >= props.pages} onclick={go(props.page + 1)}>
                { "Вперёд →" }
            </button>
        </nav>
    }
}
