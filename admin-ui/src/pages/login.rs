//! `#/login`: staff name and password.

use crate::api::auth::{self, Staff};
use web_kit::ApiError;
use web_kit::components::Alert;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LoginProps {
    pub on_login: Callback<Staff>,
}

#[function_component(Login)]
pub fn login(props: &LoginProps) -> Html {
    let username = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (username, password, error, busy, on_login) =
            (username.clone(), password.clone(), error.clone(), busy.clone(), props.on_login.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let (name, secret) = (value(&username), value(&password));
            let (error, busy, on_login) = (error.clone(), busy.clone(), on_login.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = auth::login(&name, &secret).await;
                busy.set(false);
                match answer {
                    Ok(staff) => on_login.emit(staff),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <main data-page="login" class="login" aria-busy={busy.then_some("true")}>
            <h1>{ "GroupBuy · вход для сотрудников" }</h1>
            <form {onsubmit}>
                <label class="field">
                    <span>{ "Имя пользователя" }</span>
                    <input name="username" ref={username} autocomplete="username" required=true />
                </label>
                <label class="field">
                    <span>{ "Пароль" }</span>
                    <input name="password" type="password" ref={password} autocomplete="current-password" required=true />
                </label>
                if let Some(e) = &*error { <Alert error={e.clone()} /> }
                <button type="submit" disabled={*busy}>{ "Войти" }</button>
            </form>
        </main>
    }
}
