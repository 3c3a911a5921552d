//! `/login?code=…` when the code did not sign anyone in (used, expired, missing): how to get a
//! fresh link. A code that works never shows this page: the shell signs in and moves on.

use crate::components::SignInNeeded;
use yew::prelude::*;

#[function_component(LoginPage)]
pub fn login_page() -> Html {
    html! { <SignInNeeded /> }
}
