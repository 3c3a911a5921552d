//! A page's frame: `<main data-page="…">`, busy while it loads, with its heading.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScreenProps {
    pub name: AttrValue,
    pub title: AttrValue,
    #[prop_or_default]
    pub busy: bool,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(Screen)]
pub fn screen(props: &ScreenProps) -> Html {
    html! {
        <main data-page={props.name.clone()} aria-busy={props.busy.then_some("true")} id="content">
            <h1>{ props.title.clone() }</h1>
            { props.children.clone() }
        </main>
    }
}
