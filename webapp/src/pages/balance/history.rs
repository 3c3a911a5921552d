//! The balance's movements, newest first, twenty a page.

use crate::api::Page;
use crate::api::transactions::{self, Transaction};
use crate::i18n::{Lang, use_lang};
use web_kit::ApiError;
use web_kit::components::{Alert, Pager};
use web_kit::display;
use yew::prelude::*;

const PAGE_SIZE: u64 = 20;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Changes when money moved: read again.
    pub version: u64,
}

fn kind(kind: &str, lang: Lang) -> String {
    let text = match kind {
        "deposit" => lang.pick("Пополнение", "Deposit"),
        "withdrawal" => lang.pick("Вывод", "Withdrawal"),
        "procurement_join" => lang.pick("Оплата закупки", "Procurement payment"),
        "procurement_refund" => lang.pick("Возврат по закупке", "Procurement refund"),
        "transfer" => lang.pick("Перевод", "Transfer"),
        "bonus" => lang.pick("Бонус", "Bonus"),
        other => return other.to_string(),
    };
    text.to_string()
}

#[function_component(History)]
pub fn history(props: &Props) -> Html {
    let lang = use_lang();
    let page_no = use_state(|| 1_u64);
    let list = use_state(|| None::<Result<Page<Transaction>, ApiError>>);
    {
        let list = list.clone();
        use_effect_with((*page_no, props.version), move |&(page, _)| {
            wasm_bindgen_futures::spawn_local(async move { list.set(Some(transactions::list(page).await)) });
        });
    }
    let on_page = {
        let page_no = page_no.clone();
        Callback::from(move |page| page_no.set(page))
    };
    let body = match &*list {
        None => html! { <p class="muted" aria-busy="true">{ lang.pick("Загрузка…", "Loading…") }</p> },
        Some(Err(e)) => html! { <Alert error={e.clone()} /> },
        Some(Ok(found)) if found.results.is_empty() => {
            html! { <p class="muted">{ lang.pick("Движений пока нет.", "No movements yet.") }</p> }
        }
        Some(Ok(found)) => html! {
            <>
                <ul class="transactions" data-list="transactions">
                    { for found.results.iter().map(|t| html! {
                        <li key={t.id} data-id={t.id.to_string()} data-type={t.transaction_type.clone()}>
                            <div class="what">
                                <strong>{ kind(&t.transaction_type, lang) }</strong>
                                <span class="muted">{ t.procurement_title.clone().filter(|p| !p.is_empty()).unwrap_or_else(|| t.description.clone()) }</span>
                                <time class="muted" datetime={t.created_at.clone()}>{ display::date_time(&t.created_at) }</time>
                            </div>
                            <div class="sums">
                                <strong class={classes!(if t.amount.hundredths() < 0 { "out" } else { "in" })}>
                                    { if t.amount.hundredths() > 0 { format!("+{}", display::money(t.amount)) } else { display::money(t.amount) } }
                                </strong>
                                <span class="muted">{ format!("{} {}", lang.pick("остаток", "balance"), display::money(t.balance_after)) }</span>
                            </div>
                        </li>
                    }) }
                </ul>
                if found.count > PAGE_SIZE {
                    <Pager page={*page_no} pages={found.pages(PAGE_SIZE)} count={found.count} {on_page} />
                }
            </>
        },
    };
    html! {
        <section class="panel" aria-labelledby="history-title">
            <h2 id="history-title">{ lang.pick("История операций", "Transactions") }</h2>
            { body }
        </section>
    }
}
