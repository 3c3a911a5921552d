//! `#/dashboard`: the figures and four charts, refreshed every few seconds while open.

use crate::api::dashboard::{self, Dashboard, Series as Days};
use crate::api::jobs::{self, QueueStats};
use crate::api::procurements::{STATUSES, status_label};
use crate::components::Screen;
use gloo_timers::callback::Interval;
use money::Money;
use web_kit::ApiError;
use web_kit::components::{Alert, BarChart, Series};
use web_kit::display;
use yew::prelude::*;

const REFRESH_MS: u32 = 5_000;
const DAYS: u32 = 30;

/// What one refresh brought: each part on its own, so one refusal hides nothing else.
#[derive(Clone, PartialEq)]
struct Snapshot {
    figures: Result<Dashboard, ApiError>,
    days: Result<Days, ApiError>,
    queues: Result<Vec<QueueStats>, ApiError>,
}

async fn snapshot() -> Snapshot {
    Snapshot { figures: dashboard::figures().await, days: dashboard::series(DAYS).await, queues: jobs::stats().await }
}

#[function_component(DashboardPage)]
pub fn dashboard_page() -> Html {
    let data = use_state(|| None::<Snapshot>);
    {
        let data = data.clone();
        use_effect_with((), move |_| {
            let load = move || {
                let data = data.clone();
                wasm_bindgen_futures::spawn_local(async move { data.set(Some(snapshot().await)) });
            };
            load();
            // Dropped when the page closes, which stops the refreshes.
            let timer = Interval::new(REFRESH_MS, load);
            move || drop(timer)
        });
    }
    let Some(snapshot) = &*data else {
        return html! { <Screen name="dashboard" title="Сводка" busy=true /> };
    };
    html! {
        <Screen name="dashboard" title="Сводка">
            { part(&snapshot.figures, figures) }
            <div class="charts">
                { part(&snapshot.days, day_charts) }
                { part(&snapshot.figures, status_chart) }
                { part(&snapshot.queues, |q: &Vec<QueueStats>| queue_chart(q)) }
            </div>
        </Screen>
    }
}

fn part<T>(answer: &Result<T, ApiError>, show: impl Fn(&T) -> Html) -> Html {
    match answer {
        Ok(value) => show(value),
        Err(error) => html! { <Alert error={error.clone()} /> },
    }
}

fn figures(f: &Dashboard) -> Html {
    let card = |label: &str, value: String, note: String| {
        html! {
            <div class="card">
                <div class="label">{ label.to_owned() }</div>
                <div class="value">{ value }</div>
                <div class="muted">{ note }</div>
            </div>
        }
    };
    html! {
        <section class="cards" aria-label="Показатели">
            { card("Пользователи", f.total_users.to_string(),
                   format!("+{} сегодня · +{} за неделю · +{} за месяц", f.new_users_today, f.new_users_week, f.new_users_month)) }
            { card("По ролям", String::new(), breakdown(&f.users_by_role)) }
            { card("По платформам", String::new(), breakdown(&f.users_by_platform)) }
            { card("Закупки", f.total_procurements.to_string(),
                   format!("активных {} · завершённых {}", f.active_procurements, f.completed_procurements)) }
            { card("Выручка", display::money(f.total_revenue),
                   format!("сегодня {} · за неделю {}", display::money(f.revenue_today), display::money(f.revenue_week))) }
            { card("Платежи", f.total_payments.to_string(), format!("за месяц {}", display::money(f.revenue_month))) }
            { card("Сообщения", f.total_messages.to_string(), format!("сегодня {}", f.messages_today)) }
        </section>
    }
}

/// The names people read for the API's role and platform keys.
const NAMES: [(&str, &str); 7] = [
    ("buyer", "покупатели"),
    ("organizer", "организаторы"),
    ("supplier", "поставщики"),
    ("telegram", "Telegram"),
    ("vk", "VK"),
    ("whatsapp", "WhatsApp"),
    ("websocket", "веб"),
];

/// `"покупатели 12 · организаторы 3"`: a count per key, busiest first, empty ones left out.
fn breakdown(counts: &std::collections::BTreeMap<String, u64>) -> String {
    let mut pairs: Vec<(&String, &u64)> = counts.iter().filter(|(_, n)| **n > 0).collect();
    pairs.sort_by(|a, b| b.1.cmp(a.1));
    let name = |key: &str| NAMES.iter().find(|(k, _)| *k == key).map_or(key.to_owned(), |(_, n)| (*n).to_owned());
    pairs.iter().map(|(k, n)| format!("{} {n}", name(k))).collect::<Vec<_>>().join(" · ")
}

fn day_charts(series: &Days) -> Html {
    let labels: Vec<AttrValue> = series.days.iter().map(|d| display::day(&d.date).into()).collect();
    let registrations = Series {
        name: "Регистрации".into(),
        values: series.days.iter().map(|d| d.registrations as f64).collect(),
    };
    // Kopecks as the bar heights; the labels format them back as money.
    let revenue = Series {
        name: "Выручка".into(),
        values: series.days.iter().map(|d| d.revenue.kopecks() as f64).collect(),
    };
    // Whole rubles: the axis has room for a few characters only.
    let as_money = Callback::from(|v: f64| display::rubles(Money::from_kopecks(v.round() as i64)));
    html! {
        <>
            <BarChart name="registrations" title="Регистрации по дням" labels={labels.clone()} series={vec![registrations]} />
            <BarChart name="revenue" title="Выручка по дням" {labels} series={vec![revenue]} format={as_money} />
        </>
    }
}

fn status_chart(f: &Dashboard) -> Html {
    // The lifecycle's order, then any status this app does not know yet.
    let known = STATUSES.iter().map(|(s, _)| *s);
    let unknown = f.procurements_by_status.keys().map(String::as_str).filter(|s| !STATUSES.iter().any(|(k, _)| k == s));
    let (labels, values): (Vec<AttrValue>, Vec<f64>) = known
        .chain(unknown)
        .map(|status| {
            let n = f.procurements_by_status.get(status).copied().unwrap_or(0);
            (AttrValue::from(status_label(status).to_owned()), n as f64)
        })
        .unzip();
    html! {
        <BarChart name="procurements_by_status" title="Закупки по статусам" {labels}
                  series={vec![Series { name: "Закупки".into(), values }]} />
    }
}

fn queue_chart(queues: &[QueueStats]) -> Html {
    let labels: Vec<AttrValue> = queues.iter().map(|q| AttrValue::from(q.queue.clone())).collect();
    let depth = Series { name: "В очереди".into(), values: queues.iter().map(|q| q.depth() as f64).collect() };
    // Per minute: a per-second rate of a quiet queue rounds to nothing.
    let throughput = Series {
        name: "Выполнено в минуту".into(),
        values: queues.iter().map(|q| q.throughput_1m * 60.0).collect(),
    };
    html! { <BarChart name="queues" title="Очереди: глубина и пропускная способность" {labels} series={vec![depth, throughput]} /> }
}
