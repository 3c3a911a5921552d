//! `#/jobs`: each queue's depth and throughput, and the dead letters: search them, retry or
//! discard one, or all that match.

use crate::api::jobs::{self, DeadJob, DeadSelection, QueueStats};
use crate::components::{FilterSelect, Outcome, Screen, SearchBox, run};
use web_kit::ApiError;
use web_kit::components::{Alert, TableFrame};
use yew::prelude::*;

/// The dead letters of one queue, or of every queue the statistics list when none is picked.
async fn dead_letters(queue: String, search: String, queues: Vec<String>) -> Result<Vec<DeadJob>, ApiError> {
    if !queue.is_empty() {
        return jobs::dead(&queue, &search).await;
    }
    let mut all = Vec::new();
    for queue in queues {
        all.extend(jobs::dead(&queue, &search).await?);
    }
    Ok(all)
}

#[function_component(JobsPage)]
pub fn jobs_page() -> Html {
    let stats = use_state(|| None::<Result<Vec<QueueStats>, ApiError>>);
    let dead = use_state(|| None::<Result<Vec<DeadJob>, ApiError>>);
    let queue = use_state(String::new);
    let search = use_state(String::new);
    let version = use_state(|| 0_u32);
    let shown = use_state(|| None);
    let names: Vec<String> = match &*stats {
        Some(Ok(list)) => list.iter().map(|q| q.queue.clone()).collect(),
        _ => Vec::new(),
    };
    {
        let (stats, dead, queue, search) = (stats.clone(), dead.clone(), (*queue).clone(), (*search).clone());
        use_effect_with((*version, queue.clone(), search.clone()), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let answer = jobs::stats().await;
                let names = answer.as_ref().map(|l| l.iter().map(|q| q.queue.clone()).collect()).unwrap_or_default();
                stats.set(Some(answer));
                dead.set(Some(dead_letters(queue, search, names).await));
            });
        });
    }
    let reload = {
        let version = version.clone();
        Callback::from(move |()| version.set(version.wrapping_add(1)))
    };
    let on_queue = {
        let queue = queue.clone();
        Callback::from(move |(_, value): (String, String)| queue.set(value))
    };
    let on_search = {
        let search = search.clone();
        Callback::from(move |text: String| search.set(text))
    };
    // Retry or discard: one job, or (no task id) every dead job of the picked queue(s) matching the search.
    let act = |retry: bool, target: Option<(String, String)>| {
        let (shown, reload, queue, search, names) =
            (shown.clone(), reload.clone(), (*queue).clone(), (*search).clone(), names.clone());
        Callback::from(move |_: MouseEvent| {
            let selections: Vec<DeadSelection> = match &target {
                Some((queue, task_id)) => {
                    vec![DeadSelection { queue: queue.clone(), task_id: Some(task_id.clone()), search: None }]
                }
                None => {
                    let queues = if queue.is_empty() { names.clone() } else { vec![queue.clone()] };
                    let search = (!search.trim().is_empty()).then(|| search.trim().to_owned());
                    queues
                        .into_iter()
                        .map(|queue| DeadSelection { queue, task_id: None, search: search.clone() })
                        .collect()
                }
            };
            run(
                shown.clone(),
                async move {
                    let mut affected = 0;
                    for selection in &selections {
                        affected +=
                            if retry { jobs::retry(selection).await? } else { jobs::discard(selection).await? }
                                .affected;
                    }
                    Ok(affected)
                },
                move |n| format!("{}: {n}", if retry { "Отправлено заново" } else { "Удалено" }),
                reload.clone(),
            )
        })
    };
    let queue_options: Vec<(AttrValue, AttrValue)> =
        names.iter().map(|n| (AttrValue::from(n.clone()), AttrValue::from(n.clone()))).collect();
    html! {
        <Screen name="jobs" title="Задачи и очереди" busy={stats.is_none() || dead.is_none()}>
            { stats_table(&stats) }
            <h2>{ "Неудавшиеся задачи" }</h2>
            <div class="filters">
                <FilterSelect name="queue" label="Очередь" options={queue_options} value={(*queue).clone()} on_change={on_queue} />
                <SearchBox {on_search} label="Поиск в задаче и ошибке" />
                <button type="button" data-action="retry_all" onclick={act(true, None)}>{ "Повторить все найденные" }</button>
                <button type="button" data-action="discard_all" class="danger" onclick={act(false, None)}>{ "Удалить все найденные" }</button>
            </div>
            <Outcome shown={(*shown).clone()} />
            { dead_table(&dead, &act) }
        </Screen>
    }
}

fn stats_table(stats: &Option<Result<Vec<QueueStats>, ApiError>>) -> Html {
    match stats {
        None => html! {},
        Some(Err(error)) => html! { <Alert error={error.clone()} /> },
        Some(Ok(list)) => {
            let head = html! { <tr><th>{ "Очередь" }</th><th>{ "Ждут" }</th><th>{ "Отложены" }</th><th>{ "Выполняются" }</th>
            <th>{ "Готово" }</th><th>{ "Неудачи" }</th><th>{ "Повторы" }</th><th>{ "Воркеры" }</th><th>{ "В минуту (1 / 5 мин)" }</th></tr> };
            html! {
                <TableFrame name="queues" {head}>
                    { for list.iter().map(|q| html! {
                        <tr data-row-id={q.queue.clone()}>
                            <td>{ &q.queue }</td><td class="num">{ q.waiting }</td><td class="num">{ q.scheduled }</td>
                            <td class="num">{ q.running }</td><td class="num">{ q.done }</td><td class="num" data-field="dead">{ q.dead }</td>
                            <td class="num">{ q.retried }</td><td class="num">{ q.workers }</td>
                            <td class="num">{ format!("{:.1} / {:.1}", q.throughput_1m * 60.0, q.throughput_5m * 60.0) }</td>
                        </tr>
                    }) }
                </TableFrame>
            }
        }
    }
}

fn dead_table(
    dead: &Option<Result<Vec<DeadJob>, ApiError>>,
    act: &dyn Fn(bool, Option<(String, String)>) -> Callback<MouseEvent>,
) -> Html {
    match dead {
        None => html! {},
        Some(Err(error)) => html! { <Alert error={error.clone()} /> },
        Some(Ok(list)) if list.is_empty() => {
            html! { <p class="muted" data-empty="dead">{ "Неудавшихся задач нет." }</p> }
        }
        Some(Ok(list)) => {
            let head = html! { <tr><th>{ "Очередь" }</th><th>{ "Задача" }</th><th>{ "Попыток" }</th><th>{ "Ошибка" }</th>
            <th>{ "Содержимое" }</th><th>{ "Действия" }</th></tr> };
            html! {
                <TableFrame name="dead" {head}>
                    { for list.iter().map(|job| {
                        let target = Some((job.queue.clone(), job.task_id.clone()));
                        html! {
                            <tr data-row-id={job.task_id.clone()}>
                                <td>{ &job.queue }</td>
                                <td><code>{ &job.task_id }</code></td>
                                <td class="num">{ job.attempts.clone().unwrap_or_default() }</td>
                                <td class="text">{ job.error.clone().unwrap_or_default() }</td>
                                <td class="text"><code>{ job.job.to_string() }</code></td>
                                <td class="actions">
                                    <button type="button" data-action="retry" onclick={act(true, target.clone())}>{ "Повторить" }</button>
                                    <button type="button" data-action="discard" class="danger" onclick={act(false, target)}>{ "Удалить" }</button>
                                </td>
                            </tr>
                        }
                    }) }
                </TableFrame>
            }
        }
    }
}
