//! The catalog (`/`): the featured slider, filters (category, city, status, order) and search
//! as you type. The search narrows the loaded list at once through wasm-utils' incremental
//! index; while the server holds more than is loaded, it is asked too (after a pause in
//! typing) and what it finds joins the list. More pages load on demand.

mod bench;
mod featured;
mod filters;
mod index;

use crate::api::categories::{self, Category};
use crate::api::procurements::{self, Filter, Listed, Status};
use crate::components::ProcurementCard;
use crate::i18n::use_lang;
use gloo_timers::callback::Timeout;
use index::SearchIndex;
use std::rc::Rc;
use web_kit::ApiError;
use web_kit::components::Alert;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Cards drawn at a time: the index may match thousands, the page draws this many more per
/// "Show more" (a multiple of the two and three columns of wider screens).
const SHOWN_STEP: usize = 24;
/// Typing pause before the server is asked for matches beyond the loaded pages.
const SERVER_SEARCH_DELAY_MS: u32 = 350;

/// What is loaded: the server's pages so far (or the bench's generated list).
#[derive(Clone, PartialEq, Default)]
struct Loaded {
    items: Rc<Vec<Listed>>,
    /// How many the server has for the filter.
    count: u64,
    /// The last page loaded.
    page: u64,
}

impl Loaded {
    fn has_more(&self) -> bool {
        (self.items.len() as u64) < self.count
    }

    /// Adds items not loaded yet (a later page, or the server's search hits).
    fn merged(&self, more: Vec<Listed>, page: u64) -> Loaded {
        let mut items = (*self.items).clone();
        let known: std::collections::HashSet<i64> = items.iter().map(|p| p.id).collect();
        items.extend(more.into_iter().filter(|p| !known.contains(&p.id)));
        Loaded { items: Rc::new(items), count: self.count, page }
    }
}

fn now_ms() -> f64 {
    // performance.now() for sub-millisecond timings; Date.now() where it is missing.
    let performance = web_sys::window().and_then(|w| js_sys::Reflect::get(&w, &"performance".into()).ok());
    performance
        .and_then(|p| {
            let now = js_sys::Reflect::get(&p, &"now".into()).ok()?;
            wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&now)?.call0(&p).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

#[function_component(CatalogPage)]
pub fn page() -> Html {
    let lang = use_lang();
    let bench = *use_memo((), |_| bench::requested());
    let filter = use_state(|| Filter { status: Status::Active.code().into(), ..Filter::default() });
    let loaded = use_state(|| None::<Loaded>);
    let error = use_state(|| None::<ApiError>);
    let categories = use_state(Vec::<Category>::new);
    let query = use_state(String::new);
    let shown = use_state(|| SHOWN_STEP);
    let busy = use_state(|| false);
    // Which load is current: an answer to an older filter is dropped.
    let generation = use_mut_ref(|| 0u64);
    let typed_at = use_mut_ref(|| None::<f64>);
    let server_search = use_mut_ref(|| None::<Timeout>);
    let list_ref = use_node_ref();

    {
        let categories = categories.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = categories::list().await {
                    categories.set(list);
                }
            });
        });
    }
    // The first page whenever the filters change.
    {
        let (loaded, error, generation, shown) = (loaded.clone(), error.clone(), generation.clone(), shown.clone());
        use_effect_with(((*filter).clone(), bench), move |(filter, bench)| {
            shown.set(SHOWN_STEP);
            if let Some(n) = *bench {
                loaded.set(Some(Loaded { items: Rc::new(bench::generate(n)), count: n as u64, page: 1 }));
                return;
            }
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            let filter = Filter { page: 1, ..filter.clone() };
            wasm_bindgen_futures::spawn_local(async move {
                let answer = procurements::list(&filter).await;
                if *generation.borrow() != mine {
                    return;
                }
                match answer {
                    Ok(page) => {
                        error.set(None);
                        loaded.set(Some(Loaded { items: Rc::new(page.results), count: page.count, page: 1 }));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let index =
        use_memo(loaded.as_ref().map(|l| l.items.clone()), |items| items.as_ref().map(|items| SearchIndex::new(items)));
    let search_started = now_ms();
    let found: Option<Vec<u32>> = index.as_ref().as_ref().and_then(|i| i.find(&query));
    let search_ms = now_ms() - search_started;
    // The time from the keystroke to the list drawn, on the list for the browser test to read.
    {
        let (typed_at, list_ref) = (typed_at.clone(), list_ref.clone());
        use_effect_with((*query).clone(), move |query| {
            if let (Some(started), Some(list)) = (typed_at.borrow_mut().take(), list_ref.cast::<web_sys::Element>()) {
                let _ = list.set_attribute("data-search-ms", &format!("{:.3}", now_ms() - started));
                // The index's share of it (the rest is drawing the cards).
                let _ = list.set_attribute("data-index-ms", &format!("{search_ms:.3}"));
                let _ = list.set_attribute("data-search-query", query);
            }
        });
    }

    let ask_server = {
        let (loaded, filter, generation, busy) = (loaded.clone(), filter.clone(), generation.clone(), busy.clone());
        move |text: String| {
            let (Some(current), None) = ((*loaded).clone(), bench) else { return };
            let terms = web_kit::display::search_terms(&text);
            if terms.is_empty() || !current.has_more() {
                return;
            }
            let (loaded, generation, busy) = (loaded.clone(), generation.clone(), busy.clone());
            let mine = *generation.borrow();
            let filter = Filter { search: terms, page: 1, ..(*filter).clone() };
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = procurements::list(&filter).await;
                busy.set(false);
                if let (Ok(page), true) = (answer, *generation.borrow() == mine) {
                    loaded.set(Some(current.merged(page.results, current.page)));
                }
            });
        }
    };
    let on_search = {
        let (query, typed_at, server_search, shown) =
            (query.clone(), typed_at.clone(), server_search.clone(), shown.clone());
        Callback::from(move |e: InputEvent| {
            *typed_at.borrow_mut() = Some(now_ms());
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            let ask_server = ask_server.clone();
            let later = text.clone();
            *server_search.borrow_mut() = Some(Timeout::new(SERVER_SEARCH_DELAY_MS, move || ask_server(later)));
            shown.set(SHOWN_STEP);
            query.set(text);
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |next: Filter| filter.set(next))
    };
    let Some(current) = (*loaded).clone() else {
        return html! {
            <>
                <h1>{ lang.pick("Закупки", "Procurements") }</h1>
                if let Some(e) = &*error { <Alert error={e.clone()} /> } else { <p class="muted">{ lang.pick("Загрузка…", "Loading…") }</p> }
            </>
        };
    };
    let matching: Vec<&Listed> = match &found {
        Some(positions) => positions.iter().map(|&i| &current.items[i as usize]).collect(),
        None => current.items.iter().collect(),
    };
    let visible = matching.len().min(*shown);
    let may_load_page = found.is_none() && visible == matching.len() && current.has_more() && bench.is_none();
    let on_more = {
        let (shown, loaded, filter, error, busy, generation) =
            (shown.clone(), loaded.clone(), filter.clone(), error.clone(), busy.clone(), generation.clone());
        let more_local = visible < matching.len();
        let current = current.clone();
        Callback::from(move |_: MouseEvent| {
            shown.set(*shown + SHOWN_STEP);
            if more_local {
                return;
            }
            let (loaded, error, busy, current, generation) =
                (loaded.clone(), error.clone(), busy.clone(), current.clone(), generation.clone());
            let mine = *generation.borrow();
            let next = current.page + 1;
            let filter = Filter { page: next, ..(*filter).clone() };
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = procurements::list(&filter).await;
                busy.set(false);
                if *generation.borrow() != mine {
                    return;
                }
                match answer {
                    Ok(page) => loaded.set(Some(current.merged(page.results, next))),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let summary = match &found {
        Some(_) => format!("{}: {}", lang.pick("Найдено", "Found"), matching.len()),
        None => format!("{}: {}", lang.pick("Всего", "In total"), current.count),
    };
    html! {
        <>
            <h1>{ lang.pick("Закупки", "Procurements") }</h1>
            if let Some(n) = bench {
                <p class="notice" role="status">{ format!("{} {n}", lang.pick("Проверочные данные: сгенерированных закупок —", "Bench data: generated procurements:")) }</p>
            } else {
                <featured::Featured />
            }
            <div class="search">
                <label class="sr-only" for="catalog-search">{ lang.pick("Поиск", "Search") }</label>
                <input id="catalog-search" name="search" type="search" value={(*query).clone()} oninput={on_search}
                    placeholder={lang.pick("Поиск: мёд, Казань, организатор…", "Search: honey, Kazan, organizer…")} autocomplete="off" />
            </div>
            <filters::Filters filter={(*filter).clone()} categories={(*categories).clone()} on_change={on_filter} />
            if let Some(e) = &*error { <Alert error={e.clone()} /> }
            <p class="muted" aria-live="polite" data-summary="">{ summary }
                if *busy { { " · " }{ lang.pick("ищем на сервере…", "searching the server…") } }
            </p>
            <div class="cards" data-list="procurements" ref={list_ref}>
                { for matching.iter().take(visible).map(|p| html! { <ProcurementCard key={p.id} item={(*p).clone()} /> }) }
            </div>
            if matching.is_empty() {
                <p class="empty">{ lang.pick("Ничего не найдено. Измените фильтры или запрос.", "Nothing found. Change the filters or the search.") }</p>
            }
            if visible < matching.len() || may_load_page {
                <button type="button" class="more" data-action="more" onclick={on_more} disabled={*busy}>{ lang.pick("Показать ещё", "Show more") }</button>
            }
        </>
    }
}
