//! Rows picked with their checkboxes, and the bar that applies one action to all of them.

use std::collections::BTreeSet;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The ids of the picked rows.
#[derive(Clone, PartialEq)]
pub struct Selection(pub UseStateHandle<BTreeSet<i64>>);

impl Selection {
    pub fn ids(&self) -> Vec<i64> {
        self.0.iter().copied().collect()
    }

    pub fn clear(&self) {
        self.0.set(BTreeSet::new());
    }

    /// `input[data-select="42"]` for row 42.
    pub fn checkbox(&self, id: i64) -> Html {
        let picked = self.0.contains(&id);
        let onchange = {
            let set = self.0.clone();
            Callback::from(move |_: Event| {
                let mut next = (*set).clone();
                if !next.remove(&id) {
                    next.insert(id);
                }
                set.set(next);
            })
        };
        html! {
            <input type="checkbox" data-select={id.to_string()} checked={picked} {onchange}
                   aria-label={format!("Выбрать {id}")} />
        }
    }
}

#[hook]
pub fn use_selection() -> Selection {
    Selection(use_state(BTreeSet::new))
}

#[derive(Properties, PartialEq)]
pub struct BulkBarProps {
    pub selection: Selection,
    /// `(action, label)` as the API names the actions.
    pub actions: Vec<(AttrValue, AttrValue)>,
    pub on_apply: Callback<(Vec<i64>, String)>,
}

/// `select[name=bulk_action]` + `button[data-action=bulk]`.
#[function_component(BulkBar)]
pub fn bulk_bar(props: &BulkBarProps) -> Html {
    let action = use_state(|| props.actions.first().map(|(a, _)| a.to_string()).unwrap_or_default());
    let onchange = {
        let action = action.clone();
        Callback::from(move |e: Event| action.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let onclick = {
        let (selection, action, on_apply) = (props.selection.clone(), action.clone(), props.on_apply.clone());
        Callback::from(move |_: MouseEvent| on_apply.emit((selection.ids(), (*action).clone())))
    };
    let count = props.selection.0.len();
    html! {
        <div class="bulk">
            <label class="field">
                <span>{ format!("Выбрано: {count}") }</span>
                <select name="bulk_action" {onchange}>
                    { for props.actions.iter().map(|(value, label)| html! {
                        <option value={value.clone()} selected={**value == *action}>{ label.clone() }</option>
                    }) }
                </select>
            </label>
            <button type="button" data-action="bulk" disabled={count == 0} {onclick}>{ "Применить" }</button>
        </div>
    }
}
