//! `#/categories`: the category tree: create, rename, move under another parent, delete (a
//! category still in use is refused with the API's 409, shown as is).

use crate::api::categories::{self, Category, CategoryIn};
use crate::components::{Outcome, Screen, SearchBox, Shown, run};
use web_kit::ApiError;
use web_kit::components::{Alert, TableFrame};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The categories in tree order (each parent before its children, siblings by name), with depth.
pub fn tree_order(categories: &[Category]) -> Vec<(usize, &Category)> {
    let known = |id: Option<i64>| id.is_some_and(|id| categories.iter().any(|c| c.id == id));
    let mut out = Vec::with_capacity(categories.len());
    let mut stack: Vec<(usize, &Category)> = {
        let mut roots: Vec<&Category> = categories.iter().filter(|c| !known(c.parent)).collect();
        roots.sort_by(|a, b| b.name.cmp(&a.name));
        roots.into_iter().map(|c| (0, c)).collect()
    };
    while let Some((depth, category)) = stack.pop() {
        // A cycle (which the API refuses) would repeat a category: each shows once.
        if out.iter().any(|(_, c): &(usize, &Category)| c.id == category.id) {
            continue;
        }
        out.push((depth, category));
        let mut children: Vec<&Category> = categories.iter().filter(|c| c.parent == Some(category.id)).collect();
        children.sort_by(|a, b| b.name.cmp(&a.name));
        stack.extend(children.into_iter().map(|c| (depth + 1, c)));
    }
    out
}

/// Whether every search word is in the name (words as `wasm-utils` splits them).
fn matches(category: &Category, search: &str) -> bool {
    let name = category.name.to_lowercase();
    web_kit::display::search_terms(search).split(' ').all(|word| name.contains(word))
}

#[function_component(CategoriesPage)]
pub fn categories_page() -> Html {
    let data = use_state(|| None::<Result<Vec<Category>, ApiError>>);
    let version = use_state(|| 0_u32);
    let search = use_state(String::new);
    let shown = use_state(|| None);
    {
        let data = data.clone();
        use_effect_with(*version, move |_| {
            wasm_bindgen_futures::spawn_local(async move { data.set(Some(categories::list().await)) });
        });
    }
    let reload = {
        let version = version.clone();
        Callback::from(move |()| version.set(version.wrapping_add(1)))
    };
    let on_search = {
        let search = search.clone();
        Callback::from(move |text: String| search.set(text))
    };
    let all = match &*data {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };
    html! {
        <Screen name="categories" title="Категории" busy={data.is_none()}>
            <CreateForm categories={all.clone()} shown={shown.clone()} on_done={reload.clone()} />
            <Outcome shown={(*shown).clone()} />
            <div class="filters"><SearchBox {on_search} label="Поиск по названию" /></div>
            {
                match &*data {
                    None => html! {},
                    Some(Err(error)) => html! { <Alert error={error.clone()} /> },
                    Some(Ok(list)) => {
                        let head = html! { <tr><th>{ "Название" }</th><th>{ "№" }</th><th>{ "Закупок" }</th>
                            <th>{ "Подкатегорий" }</th><th>{ "Изменить" }</th></tr> };
                        html! {
                            <TableFrame name="categories" {head}>
                                { for tree_order(list).into_iter().filter(|(_, c)| matches(c, &search)).map(|(depth, c)| html! {
                                    <CategoryRow key={c.id} {depth} category={c.clone()} categories={list.clone()}
                                                 shown={shown.clone()} on_done={reload.clone()} />
                                }) }
                            </TableFrame>
                        }
                    }
                }
            }
        </Screen>
    }
}

/// `<option>`s for a parent: "top level" and every category but `except` (a category cannot be
/// its own parent; deeper cycles the API refuses).
fn parent_options(categories: &[Category], except: Option<i64>, selected: Option<i64>) -> Html {
    html! {
        <>
            <option value="" selected={selected.is_none()}>{ "— верхний уровень —" }</option>
            { for tree_order(categories).into_iter().filter(|(_, c)| Some(c.id) != except).map(|(depth, c)| html! {
                <option value={c.id.to_string()} selected={selected == Some(c.id)}>{ format!("{}{}", "· ".repeat(depth), c.name) }</option>
            }) }
        </>
    }
}

fn parent_of(select: &NodeRef) -> Option<i64> {
    select.cast::<HtmlSelectElement>().and_then(|s| s.value().parse().ok())
}

#[derive(Properties, PartialEq)]
struct CreateFormProps {
    categories: Vec<Category>,
    shown: Shown,
    on_done: Callback<()>,
}

#[function_component(CreateForm)]
fn create_form(props: &CreateFormProps) -> Html {
    let (name, parent) = (use_node_ref(), use_node_ref());
    let onsubmit = {
        let (name, parent, shown, on_done) = (name.clone(), parent.clone(), props.shown.clone(), props.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = name.cast::<HtmlInputElement>();
            let category =
                CategoryIn { name: input.as_ref().map(|i| i.value()).unwrap_or_default(), parent: parent_of(&parent) };
            if let Some(input) = input {
                input.set_value("");
            }
            run(
                shown.clone(),
                async move { categories::create(&category).await },
                |c| format!("Категория «{}» создана (№{})", c.name, c.id),
                on_done.clone(),
            );
        })
    };
    html! {
        <form class="panel" data-form="create_category" {onsubmit}>
            <h2>{ "Новая категория" }</h2>
            <label class="field"><span>{ "Название" }</span><input name="name" ref={name} /></label>
            <label class="field"><span>{ "Родитель" }</span>
                <select name="parent" ref={parent}>{ parent_options(&props.categories, None, None) }</select></label>
            <button type="submit" data-action="create">{ "Создать" }</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct CategoryRowProps {
    depth: usize,
    category: Category,
    categories: Vec<Category>,
    shown: Shown,
    on_done: Callback<()>,
}

#[function_component(CategoryRow)]
fn category_row(props: &CategoryRowProps) -> Html {
    let (name, parent) = (use_node_ref(), use_node_ref());
    let c = &props.category;
    let id = c.id;
    let save = |take: fn(&NodeRef, &NodeRef, &Category) -> CategoryIn, done: &'static str| {
        let (name, parent, shown, on_done, category) =
            (name.clone(), parent.clone(), props.shown.clone(), props.on_done.clone(), c.clone());
        Callback::from(move |_: MouseEvent| {
            let change = take(&name, &parent, &category);
            run(
                shown.clone(),
                async move { categories::update(id, &change).await },
                move |c| format!("Категория «{}» {done}", c.name),
                on_done.clone(),
            );
        })
    };
    let rename = save(
        |name, _, c| CategoryIn {
            name: name.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default(),
            parent: c.parent,
        },
        "переименована",
    );
    let move_to = save(|_, parent, c| CategoryIn { name: c.name.clone(), parent: parent_of(parent) }, "перенесена");
    let delete = {
        let (shown, on_done) = (props.shown.clone(), props.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            run(shown.clone(), categories::delete(id), move |()| format!("Категория №{id} удалена"), on_done.clone())
        })
    };
    html! {
        <tr data-row-id={id.to_string()}>
            <td style={format!("padding-left: {}em", 0.5 + 1.5 * props.depth as f64)} data-field="name">
                { if props.depth > 0 { "└ " } else { "" } }{ &c.name }
                if !c.is_active { <span class="muted">{ " (скрыта)" }</span> }
            </td>
            <td>{ id }</td>
            <td class="num">{ c.procurements_count }</td>
            <td class="num">{ c.children_count }</td>
            <td class="actions">
                <input name="rename" size="14" ref={name} value={c.name.clone()} aria-label={format!("Новое название категории {id}")} />
                <button type="button" data-action="rename" onclick={rename}>{ "Переименовать" }</button>
                <select name="move" ref={parent} aria-label={format!("Новый родитель категории {id}")}>
                    { parent_options(&props.categories, Some(id), c.parent) }
                </select>
                <button type="button" data-action="move" onclick={move_to}>{ "Перенести" }</button>
                <button type="button" data-action="delete" class="danger" onclick={delete}>{ "Удалить" }</button>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::{Category, tree_order};

    fn category(id: i64, name: &str, parent: Option<i64>) -> Category {
        Category { id, name: name.into(), parent, ..Category::default() }
    }

    #[test]
    fn children_follow_their_parent_and_an_unknown_parent_is_a_root() {
        let all = [
            category(3, "Мёд", Some(1)),
            category(1, "Еда", None),
            category(2, "Дом", None),
            category(4, "Сыр", Some(9)),
        ];
        let order: Vec<(usize, i64)> = tree_order(&all).into_iter().map(|(d, c)| (d, c.id)).collect();
        assert_eq!(order, vec![(0, 2), (0, 1), (1, 3), (0, 4)]);
    }
}
