//! What the last action did: the API's refusal in an alert, or a success notice.

use web_kit::ApiError;
use web_kit::components::{Alert, Notice};
use yew::prelude::*;

/// The outcome a page shows: `None` before any action.
pub type Shown = UseStateHandle<Option<Result<String, ApiError>>>;

#[derive(Properties, PartialEq)]
pub struct OutcomeProps {
    pub shown: Option<Result<String, ApiError>>,
}

#[function_component(Outcome)]
pub fn outcome(props: &OutcomeProps) -> Html {
    match &props.shown {
        None => html! {},
        Some(Ok(text)) => html! { <Notice text={text.clone()} /> },
        Some(Err(error)) => html! { <Alert error={error.clone()} /> },
    }
}

/// Runs an API call, shows what came of it, and on success runs `then` (a reload).
pub fn run<T: 'static>(
    shown: Shown,
    call: impl Future<Output = Result<T, ApiError>> + 'static,
    describe: impl FnOnce(T) -> String + 'static,
    then: Callback<()>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        match call.await {
            Ok(answer) => {
                shown.set(Some(Ok(describe(answer))));
                then.emit(());
            }
            Err(error) => shown.set(Some(Err(error))),
        }
    });
}
