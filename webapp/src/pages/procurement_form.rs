//! The organizer's form (`/organize/new`, `/organize/{id}`): open a procurement as a draft or
//! change one. Each field is checked as it is typed by the server's rules (`rules.rs`), errors
//! shown beside the field; what the server still refuses is shown too, beside its field when it
//! names one. A new draft opens on its page, where the organizer publishes it.

mod rules;

use crate::account::use_account;
use crate::api::categories::{self, Category};
use crate::api::procurements::{self, Detail, Status};
use crate::i18n::use_lang;
use crate::route::{self, Route};
use rules::Draft;
use web_kit::ApiError;
use web_kit::components::Alert;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: Option<i64>,
}

/// `YYYY-MM-DDTHH:MM` in the browser's zone for an RFC 3339 instant.
fn local_input(iso: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
    if d.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

fn draft_of(p: &Detail) -> Draft {
    let opt = |v: Option<String>| v.unwrap_or_default();
    Draft {
        title: p.title.clone(),
        description: p.description.clone(),
        category: p.category.map(|c| c.to_string()).unwrap_or_default(),
        city: p.city.clone(),
        delivery_address: p.delivery_address.clone(),
        target_amount: p.target_amount.to_string(),
        stop_at_amount: opt(p.stop_at_amount.map(|m| m.to_string())),
        unit: p.unit.clone(),
        price_per_unit: opt(p.price_per_unit.map(|m| m.to_string())),
        min_quantity: p.min_quantity.to_string(),
        commission_percent: p.commission_percent.to_string(),
        deadline: local_input(&p.deadline),
        payment_deadline: opt(p.payment_deadline.as_deref().map(local_input)),
        image_url: p.image_url.clone(),
    }
}

/// The field a server refusal names (`"title: must not be empty"`), if it is one of the form's.
fn refused_field(e: &ApiError) -> Option<&'static str> {
    const FIELDS: [&str; 14] = [
        "title",
        "description",
        "category",
        "city",
        "delivery_address",
        "target_amount",
        "stop_at_amount",
        "unit",
        "price_per_unit",
        "min_quantity",
        "commission_percent",
        "deadline",
        "payment_deadline",
        "image_url",
    ];
    FIELDS.into_iter().find(|f| e.error.starts_with(&format!("{f}:")) || e.error.starts_with(&format!("{f} ")))
}

#[function_component(ProcurementFormPage)]
pub fn page(props: &Props) -> Html {
    let lang = use_lang();
    let account = use_account();
    let draft = use_state(Draft::default);
    let existing = use_state(|| None::<Detail>);
    let categories = use_state(Vec::<Category>::new);
    let error = use_state(|| None::<ApiError>);
    // Errors show for a field once it was left or the form was sent, not while first typing.
    let touched = use_state(|| false);
    let busy = use_state(|| false);
    {
        let (draft, existing, categories, error) = (draft.clone(), existing.clone(), categories.clone(), error.clone());
        use_effect_with(props.id, move |id| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = categories::list().await {
                    categories.set(list);
                }
                if let Some(id) = id {
                    match procurements::get(id).await {
                        Ok(p) => {
                            draft.set(draft_of(&p));
                            existing.set(Some(p));
                        }
                        Err(e) => error.set(Some(e)),
                    }
                }
            });
        });
    }
    let Some(me) = account.me.clone() else { return html! {} };
    if !me.is_organizer() {
        return html! {
            <section class="panel">
                <h1>{ lang.pick("Новая закупка", "New procurement") }</h1>
                <p>{ lang.pick("Открывать закупки могут организаторы. Роль меняется в профиле.", "Organizers open procurements. Change your role in the profile.") }</p>
            </section>
        };
    }
    if props.id.is_some() && existing.is_none() {
        return match &*error {
            Some(e) => html! { <Alert error={e.clone()} /> },
            None => html! { <p class="muted">{ lang.pick("Загрузка…", "Loading…") }</p> },
        };
    }
    let is_draft = existing.as_ref().is_none_or(|p| p.status == Status::Draft);
    let checked = rules::check(&draft, lang, js_sys::Date::now());
    let field_errors: Vec<(&'static str, String)> = match &checked {
        Err(errors) if *touched => errors.clone(),
        _ => Vec::new(),
    };
    let server_field = error.as_ref().and_then(refused_field);
    let error_of = |field: &str| -> Option<String> {
        field_errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
            .or_else(|| (server_field == Some(field)).then(|| error.as_ref().map(|e| e.error.clone())).flatten())
    };
    let set = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |value: String| {
            let mut next = (*draft).clone();
            apply(&mut next, value);
            draft.set(next);
        })
    };
    let touch = {
        let touched = touched.clone();
        Callback::from(move |_: FocusEvent| touched.set(true))
    };
    let field = |name: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 value: &str,
                 apply: fn(&mut Draft, String),
                 disabled: bool| {
        // The title and the picture address are long: a whole row each.
        let wide = matches!(name, "title" | "image_url").then_some("wide");
        let on_input = set(apply);
        let error = error_of(name);
        let id = format!("f-{name}");
        let hint = format!("{id}-error");
        html! {
            <label class={classes!("field", wide)} for={id.clone()}>{ label }
                <input id={id} name={name} type={kind} value={value.to_string()} disabled={disabled} onblur={touch.clone()}
                    inputmode={(kind == "text" && (name.ends_with("amount") || name == "price_per_unit" || name == "min_quantity" || name == "commission_percent")).then_some("decimal")}
                    aria-invalid={error.is_some().to_string()} aria-describedby={error.is_some().then(|| hint.clone())}
                    oninput={Callback::from(move |e: InputEvent| on_input.emit(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                if let Some(message) = error { <span class="hint error" id={hint} data-error-for={name}>{ message }</span> }
            </label>
        }
    };
    let on_description = {
        let on = set(|d, v| d.description = v);
        Callback::from(move |e: InputEvent| on.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_category = {
        let on = set(|d, v| d.category = v);
        Callback::from(move |e: Event| on.emit(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_submit = {
        let (checked, touched, busy, error) = (checked.clone(), touched.clone(), busy.clone(), error.clone());
        let (id, organizer) = (props.id, me.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            touched.set(true);
            let Ok(terms) = checked.clone() else { return };
            let (busy, error) = (busy.clone(), error.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match id {
                    Some(id) => procurements::edit(id, &terms, is_draft).await,
                    None => procurements::open(organizer, &terms).await,
                };
                busy.set(false);
                match saved {
                    Ok(p) => route::go(&Route::Procurement(p.id)),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let d = &*draft;
    let description_error = error_of("description");
    html! {
        <form class="panel procurement-form" onsubmit={on_submit} novalidate=true>
            <h1>{ if props.id.is_some() { lang.pick("Изменить закупку", "Edit procurement") } else { lang.pick("Новая закупка", "New procurement") } }</h1>
            if let Some(e) = &*error { <Alert error={e.clone()} /> }
            <div class="form-grid">
                { field("title", lang.pick("Название", "Title"), "text", &d.title, |d, v| d.title = v, false) }
                <label class="field wide" for="f-description">{ lang.pick("Описание", "Description") }
                    <textarea id="f-description" name="description" rows="4" value={d.description.clone()} oninput={on_description}
                        onblur={touch.clone()} aria-invalid={description_error.is_some().to_string()} />
                    if let Some(message) = description_error { <span class="hint error" data-error-for="description">{ message }</span> }
                </label>
                <label class="field" for="f-category">{ lang.pick("Категория", "Category") }
                    <select id="f-category" name="category" onchange={on_category}>
                        <option value="" selected={d.category.is_empty()}>{ lang.pick("Без категории", "No category") }</option>
                        { for categories.iter().map(|c| {
                            let id = c.id.to_string();
                            html! { <option value={id.clone()} selected={d.category == id}>{ &c.name }</option> }
                        }) }
                    </select>
                </label>
                { field("city", lang.pick("Город", "City"), "text", &d.city, |d, v| d.city = v, false) }
                { field("delivery_address", lang.pick("Адрес выдачи", "Pick-up address"), "text", &d.delivery_address, |d, v| d.delivery_address = v, false) }
                { field("target_amount", lang.pick("Цель, ₽", "Target, ₽"), "text", &d.target_amount, |d, v| d.target_amount = v, false) }
                { field("stop_at_amount", lang.pick("Остановить сбор на сумме, ₽", "Stop at amount, ₽"), "text", &d.stop_at_amount, |d, v| d.stop_at_amount = v, false) }
                { field("price_per_unit", lang.pick("Цена за единицу, ₽", "Price per unit, ₽"), "text", &d.price_per_unit, |d, v| d.price_per_unit = v, !is_draft) }
                { field("unit", lang.pick("Единица (кг, шт.)", "Unit (kg, pcs)"), "text", &d.unit, |d, v| d.unit = v, false) }
                { field("min_quantity", lang.pick("Минимальное количество", "Minimum quantity"), "text", &d.min_quantity, |d, v| d.min_quantity = v, !is_draft) }
                { field("commission_percent", lang.pick("Комиссия организатора, %", "Organizer's commission, %"), "text", &d.commission_percent, |d, v| d.commission_percent = v, !is_draft) }
                { field("deadline", lang.pick("Сбор заявок до", "Open until"), "datetime-local", &d.deadline, |d, v| d.deadline = v, false) }
                { field("payment_deadline", lang.pick("Оплатить до", "Pay by"), "datetime-local", &d.payment_deadline, |d, v| d.payment_deadline = v, false) }
                { field("image_url", lang.pick("Картинка (адрес)", "Picture (address)"), "url", &d.image_url, |d, v| d.image_url = v, false) }
            </div>
            if !is_draft {
                <p class="muted">{ lang.pick("Цена, минимум и комиссия меняются только у черновика.", "Price, minimum and commission change only while a draft.") }</p>
            }
            <div class="actions">
                <button type="submit" data-action="save" disabled={*busy}>
                    { if props.id.is_some() { lang.pick("Сохранить", "Save") } else { lang.pick("Создать черновик", "Create draft") } }
                </button>
                <button type="button" onclick={Callback::from(|_: MouseEvent| route::go(&Route::Organize))}>{ lang.pick("Отмена", "Cancel") }</button>
            </div>
        </form>
    }
}
