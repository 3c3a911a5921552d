//! `#/doctor`: the ledger's and the bank's checks, run when asked.

use crate::api::doctor::{self, Report};
use crate::components::Screen;
use web_kit::ApiError;
use web_kit::components::Alert;
use yew::prelude::*;

#[function_component(DoctorPage)]
pub fn doctor_page() -> Html {
    let report = use_state(|| None::<Result<Report, ApiError>>);
    let running = use_state(|| true);
    let version = use_state(|| 0_u32);
    {
        let (report, running) = (report.clone(), running.clone());
        use_effect_with(*version, move |_| {
            running.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                report.set(Some(doctor::report().await));
                running.set(false);
            });
        });
    }
    let again = {
        let version = version.clone();
        Callback::from(move |_: MouseEvent| version.set(version.wrapping_add(1)))
    };
    html! {
        <Screen name="doctor" title="Проверка учёта" busy={*running}>
            <button type="button" data-action="run" onclick={again} disabled={*running}>{ "Проверить снова" }</button>
            {
                match &*report {
                    None => html! {},
                    Some(Err(error)) => html! { <Alert error={error.clone()} /> },
                    Some(Ok(report)) => html! {
                        <>
                            <p class={classes!("verdict", if report.ok { "ok" } else { "bad" })} data-ok={report.ok.to_string()}>
                                { if report.ok { "Расхождений нет" } else { "Есть расхождения" } }
                            </p>
                            <ul class="checks">
                                { for report.checks.iter().map(|c| html! {
                                    <li class={if c.ok { "ok" } else { "bad" }} data-check={c.name.clone()}>
                                        <strong>{ if c.ok { "✓ " } else { "✗ " } }{ &c.name }</strong>
                                        if !c.detail.is_empty() { <div class="muted">{ &c.detail }</div> }
                                    </li>
                                }) }
                            </ul>
                        </>
                    },
                }
            }
        </Screen>
    }
}
