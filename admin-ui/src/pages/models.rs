//! `#/models`: the model versions of each trained kind with their metrics beside the baselines
//! (the original formula, the base rate, the logistic regression; demand: the naive forecast),
//! which version is served, the served success version's calibration, and "train now" with the
//! job's outcome. Reloads every few seconds while a version is training.

use crate::api::models::{self, Gain, Metrics, Status, TRAINED, Version};
use crate::api::{ApiError, Page};
use crate::components::{Outcome, Screen};
use gloo_timers::callback::Interval;
use web_kit::components::{Alert, BarChart, Series, TableFrame};
use yew::prelude::*;

/// How often the list is re-read while a version trains.
const TRAINING_REFRESH_MS: u32 = 2_000;

fn kind_title(kind: &str) -> &'static str {
    match kind {
        "success_prediction" => "Успех закупки",
        "demand_forecast" => "Спрос",
        _ => "Модель",
    }
}

fn status_title(v: &Version) -> &'static str {
    match v.status.as_str() {
        "training" => "обучается",
        "ready" if v.served => "обслуживает",
        "ready" => "готова",
        "failed" => "ошибка",
        _ => "—",
    }
}

/// What a "train now" request came to, once its job has finished (read from the list).
fn train_outcome(v: &Version) -> Option<Result<String, ApiError>> {
    match v.status.as_str() {
        "training" => None,
        "failed" => Some(Err(ApiError {
            status: 0,
            code: "training_failed".into(),
            error: format!("Версия {} не обучена: {}", v.id, v.error().unwrap_or_default()),
        })),
        _ => Some(Ok(format!("Версия {} обучена. {}", v.id, v.decision))),
    }
}

#[function_component(ModelsPage)]
pub fn models_page() -> Html {
    let versions = use_state(|| None::<Result<Page<Version>, ApiError>>);
    let status = use_state(|| None::<Result<Status, ApiError>>);
    let reloads = use_state(|| 0_u32);
    // The version each kind's "train now" asked for, and the refusal if it was refused.
    let asked = use_state(Vec::<(String, Result<i64, ApiError>)>::new);
    {
        let (versions, status) = (versions.clone(), status.clone());
        use_effect_with(*reloads, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                versions.set(Some(models::list().await));
                status.set(Some(models::status().await));
            });
        });
    }
    let training = matches!(&*versions, Some(Ok(page)) if page.results.iter().any(|v| v.status == "training"));
    {
        let reloads = reloads.clone();
        use_effect_with(training, move |&training| {
            let timer = training.then(|| {
                let reloads = reloads.clone();
                Interval::new(TRAINING_REFRESH_MS, move || reloads.set(reloads.wrapping_add(1)))
            });
            move || drop(timer)
        });
    }
    let train = |kind: &'static str| {
        let (asked, reloads) = (asked.clone(), reloads.clone());
        Callback::from(move |_: MouseEvent| {
            let (asked, reloads) = (asked.clone(), reloads.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = models::train(kind).await.map(|v| v.id);
                let mut list: Vec<_> = asked.iter().filter(|(k, _)| k != kind).cloned().collect();
                list.push((kind.to_owned(), answer));
                asked.set(list);
                reloads.set(reloads.wrapping_add(1));
            });
        })
    };
    let page = match &*versions {
        None => return html! { <Screen name="models" title="Модели" busy=true /> },
        Some(Err(error)) => {
            return html! { <Screen name="models" title="Модели"><Alert error={error.clone()} /></Screen> };
        }
        Some(Ok(page)) => page,
    };
    html! {
        <Screen name="models" title="Модели">
            {
                match &*status {
                    Some(Ok(s)) => html! {
                        <p data-summary="models">
                            { &s.message }
                            <span class="muted">{ format!(" · завершённых закупок для обучения: {}", s.finished_procurements) }</span>
                        </p>
                    },
                    Some(Err(error)) => html! { <Alert error={error.clone()} /> },
                    None => html! {},
                }
            }
            <p class="muted">{ "Метрики — на самых новых закупках (тестовая часть по времени), рядом с базовыми линиями. \
                                Версия обслуживает прогнозы, только если лучше каждой из них." }</p>
            { for TRAINED.iter().map(|&kind| {
                let mine: Vec<&Version> = page.results.iter().filter(|v| v.model_type == kind).collect();
                let asked_here = asked.iter().find(|(k, _)| k == kind).map(|(_, a)| a.clone());
                let outcome = match asked_here {
                    None => None,
                    Some(Err(error)) => Some(Err(error)),
                    Some(Ok(id)) => match mine.iter().find(|v| v.id == id) {
                        Some(v) => train_outcome(v).or_else(|| Some(Ok(format!("Версия {id} обучается…")))),
                        None => Some(Ok(format!("Версия {id} поставлена в очередь"))),
                    },
                };
                let busy = mine.iter().any(|v| v.status == "training");
                html! {
                    <section class="panel" data-model-type={kind}>
                        <h2>{ kind_title(kind) }<span class="muted">{ format!(" · {kind}") }</span></h2>
                        <button type="button" data-action="train" onclick={train(kind)} disabled={busy}>
                            { if busy { "Обучается…" } else { "Обучить сейчас" } }
                        </button>
                        // The panel lays its children out in a wrapping row (a form's fields): what
                        // follows the button takes the full width under it.
                        <div style="flex: 1 1 100%; min-width: 0">
                            <Outcome shown={outcome} />
                            if kind == "success_prediction" {
                                { calibration(mine.iter().find(|v| v.served).or(mine.iter().find(|v| v.status == "ready")).copied()) }
                            }
                            { versions_table(kind, &mine) }
                        </div>
                    </section>
                }
            }) }
        </Screen>
    }
}

fn window(v: &Version) -> String {
    // Day, month and year: generated history spans years.
    let day =
        |t: &Option<String>| match t.as_deref().and_then(|t| t.get(..10)).map(|d| d.split('-').collect::<Vec<_>>()) {
            Some(p) if p.len() == 3 => format!("{}.{}.{}", p[2], p[1], p[0]),
            _ => String::new(),
        };
    if v.trained_from.is_none() {
        return "—".into();
    }
    format!("{} – {} (тест до {})", day(&v.trained_from), day(&v.trained_to), day(&v.tested_to))
}

fn pair(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{a:.3} / {b:.3}"),
        _ => "—".into(),
    }
}

/// The AUC gain over the logistic regression with its interval, and whether it is more than luck.
fn gain(g: &Option<Gain>) -> Html {
    match g {
        None => html! { "—" },
        Some(g) => {
            let significant = g.low > 0.0;
            html! {
                <span title={format!("95 % парный бутстрэп, {} повторов", g.resamples)} data-significant={significant.to_string()}>
                    { format!("{:+.3} [{:+.3}; {:+.3}]", g.observed, g.low, g.high) }
                    <span class="muted">{ if significant { " значимо" } else { " не значимо" } }</span>
                </span>
            }
        }
    }
}

fn versions_table(kind: &str, versions: &[&Version]) -> Html {
    if versions.is_empty() {
        return html! { <p class="muted" data-empty="models">{ "Версий ещё нет: нажмите «Обучить сейчас»." }</p> };
    }
    let success = kind == "success_prediction";
    let head = if success {
        html! { <tr><th>{ "Версия" }</th><th>{ "Статус" }</th><th>{ "Окно обучения" }</th><th>{ "Строк" }</th>
        <th>{ "AUC / Brier" }</th><th>{ "Исходная формула" }</th><th>{ "Базовая частота" }</th>
        <th>{ "Логистическая регрессия" }</th><th>{ "AUC − логист." }</th><th>{ "Решение" }</th></tr> }
    } else {
        html! { <tr><th>{ "Версия" }</th><th>{ "Статус" }</th><th>{ "Окно обучения" }</th><th>{ "Строк" }</th>
        <th>{ "MAE / MASE" }</th><th>{ "Исходная формула" }</th><th>{ "Наивный прогноз" }</th><th>{ "Решение" }</th></tr> }
    };
    html! {
        <TableFrame name={format!("models-{kind}")} {head}>
            { for versions.iter().map(|v| {
                let m: &Metrics = &v.metrics;
                let b = &m.baselines;
                let decision = v.error().unwrap_or_else(|| v.decision.clone());
                html! {
                    <tr data-id={v.id.to_string()} data-status={v.status.clone()} data-served={v.served.to_string()}>
                        <td class="num">{ v.id }</td>
                        <td><span class="status">{ status_title(v) }</span></td>
                        <td>{ window(v) }</td>
                        <td class="num">{ format!("{} / {}", v.train_rows, v.test_rows) }</td>
                        if success {
                            <td class="num"><strong>{ pair(m.auc, m.brier) }</strong></td>
                            <td class="num">{ pair(b.heuristic_scores().map(|s| s.auc), b.heuristic_scores().map(|s| s.brier)) }</td>
                            <td class="num">{ pair(b.base_rate.map(|s| s.auc), b.base_rate.map(|s| s.brier)) }</td>
                            <td class="num">{ pair(b.logistic_regression.map(|s| s.auc), b.logistic_regression.map(|s| s.brier)) }</td>
                            <td class="num">{ gain(&m.auc_gain_over_logistic) }</td>
                        } else {
                            <td class="num"><strong>{ pair(m.mae, m.mase) }</strong></td>
                            <td class="num">{ pair(b.heuristic_errors().map(|e| e.mae), b.heuristic_errors().map(|e| e.mase)) }</td>
                            <td class="num">{ pair(b.naive.map(|e| e.mae), b.naive.map(|e| e.mase)) }</td>
                        }
                        <td class="decision">{ decision }</td>
                    </tr>
                }
            }) }
        </TableFrame>
    }
}

/// Predicted against observed success per probability bin: a calibrated model's bars match.
fn calibration(version: Option<&Version>) -> Html {
    let Some(v) = version.filter(|v| !v.metrics.calibration.is_empty()) else { return html! {} };
    let bins = &v.metrics.calibration;
    let labels: Vec<AttrValue> =
        bins.iter().map(|b| format!("{:.0}–{:.0} %", b.from * 100.0, b.to * 100.0).into()).collect();
    let series = vec![
        Series { name: "Предсказано".into(), values: bins.iter().map(|b| b.predicted).collect() },
        Series { name: "Наблюдалось".into(), values: bins.iter().map(|b| b.observed).collect() },
    ];
    let at = v.metrics.at_elapsed.unwrap_or(0.25) * 100.0;
    let title = format!("Калибровка версии {} на {at:.0} % срока: предсказано и наблюдалось по корзинам", v.id);
    html! {
        <div class="charts">
            <BarChart name="calibration" {title} {labels} {series}
                      format={Callback::from(|p: f64| format!("{:.0} %", p * 100.0))} />
        </div>
    }
}
