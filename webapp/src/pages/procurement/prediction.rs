//! The success prediction for the organizer (issue 16): the probability of reaching the
//! target, how much the answering version is worth, and which version answered, or a plain
//! word when no trained model is served and the original formula answered instead.

use crate::api::predictions::{self, Prediction};
use crate::i18n::use_lang;
use web_kit::ApiError;
use web_kit::components::Alert;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PredictionProps {
    pub id: i64,
}

#[function_component(PredictionPanel)]
pub fn prediction_panel(props: &PredictionProps) -> Html {
    let lang = use_lang();
    let answer = use_state(|| None::<Result<Prediction, ApiError>>);
    let busy = use_state(|| false);
    let ask = {
        let (answer, busy, id) = (answer.clone(), busy.clone(), props.id);
        Callback::from(move |_: MouseEvent| {
            let (answer, busy) = (answer.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                answer.set(Some(predictions::success(id).await));
                busy.set(false);
            });
        })
    };
    let percent = |v: f64| format!("{:.0} %", (v * 100.0).clamp(0.0, 100.0));
    html! {
        <section class="panel prediction" aria-labelledby="prediction-title">
            <h2 id="prediction-title">{ lang.pick("Прогноз успеха", "Success forecast") }</h2>
            <button type="button" data-action="predict" onclick={ask} disabled={*busy}>{ lang.pick("Рассчитать", "Forecast") }</button>
            { match &*answer {
                None => html! {},
                Some(Err(e)) => html! { <Alert error={e.clone()} /> },
                Some(Ok(p)) => html! {
                    <dl class="facts" data-served={p.served.to_string()}>
                        <div><dt>{ lang.pick("Вероятность собрать цель", "Chance to reach the target") }</dt><dd data-field="predicted">{ percent(p.predicted_value) }</dd></div>
                        <div><dt>{ lang.pick("Надёжность модели", "Model reliability") }</dt>
                            <dd data-field="confidence">{ p.confidence.map_or_else(|| "—".into(), percent) }</dd></div>
                        <div class={classes!("wide", p.ml_model.is_none().then_some("plain"))}><dt>{ lang.pick("Кто ответил", "Answered by") }</dt><dd data-field="model">{
                            match p.ml_model {
                                Some(version) => format!("{} #{version}", lang.pick("модель, версия", "model version")),
                                None => lang.pick(
                                    "обученная модель пока не подключена — ответила исходная формула, её надёжность условная",
                                    "no trained model is served yet: the original formula answered, its reliability is nominal",
                                ).to_string(),
                            }
                        }</dd></div>
                    </dl>
                },
            } }
        </section>
    }
}
