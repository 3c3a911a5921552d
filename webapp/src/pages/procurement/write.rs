//! One write from the procurement page (join, pay, confirm, a lifecycle move): the buttons
//! wait while it runs, its refusal or its success is said, and the page reads the procurement
//! again after a success.

use std::future::Future;
use std::pin::Pin;
use web_kit::ApiError;
use yew::prelude::*;

pub type Write = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

/// What a panel shows about its writes.
#[derive(Clone, PartialEq)]
pub struct Outcome {
    pub error: UseStateHandle<Option<ApiError>>,
    pub notice: UseStateHandle<Option<String>>,
    pub busy: UseStateHandle<bool>,
}

#[hook]
pub fn use_outcome() -> Outcome {
    Outcome { error: use_state(|| None), notice: use_state(|| None), busy: use_state(|| false) }
}

impl Outcome {
    /// Runs `write`; on success says `done` and calls `on_change`.
    pub fn run(&self, done: String, on_change: Callback<()>, write: Write) {
        let this = self.clone();
        this.busy.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            let result = write.await;
            this.busy.set(false);
            match result {
                Ok(()) => {
                    this.error.set(None);
                    this.notice.set(Some(done));
                    on_change.emit(());
                }
                Err(e) => this.error.set(Some(e)),
            }
        });
    }

    /// The refusal or the success notice, where the panel shows it.
    pub fn view(&self) -> Html {
        html! {
            <>
                if let Some(e) = &*self.error { <web_kit::components::Alert error={e.clone()} /> }
                if let Some(text) = &*self.notice { <web_kit::components::Notice text={text.clone()} /> }
            </>
        }
    }
}
