//! `groupbuy bench api`: drives a running API over loopback with N keep-alive connections and
//! reports requests/s and latency percentiles per scenario.
//!
//! Setup goes through the API itself with a service key: a bench organizer opens (and
//! publishes) procurements until at least `--procurements` are active, and one fresh buyer is
//! registered per connection for the join scenario, so a connection never joins a procurement
//! it already takes part in. Each connection task owns its own HTTP/1.1 client (one socket),
//! sends one request at a time and records every measured request's latency in microseconds.

use crate::config::Settings;
use anyhow::{Context, anyhow, bail};
use chrono::{Duration as ChronoDuration, SecondsFormat, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use hdrhistogram::Histogram;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Client, StatusCode, Url};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Procurement titles are built from these, so every search word matches about a tenth of them.
const PRODUCTS: [&str; 10] =
    ["honey", "cheese", "coffee", "olive", "buckwheat", "salmon", "walnuts", "apples", "diapers", "tea"];
const CITIES: [&str; 5] = ["Moscow", "Kazan", "Tomsk", "Samara", "Perm"];
/// The API's page size.
const PAGE_SIZE: usize = 20;
/// Requests in flight at once while setting up.
const SETUP_CONCURRENCY: usize = 16;

#[derive(clap::Args)]
pub struct ApiBenchArgs {
    /// Base URL of the running API (default: http://HTTP_ADDR).
    #[arg(long)]
    pub url: Option<String>,
    /// Concurrent keep-alive connections, each with one request in flight.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Measured seconds per scenario.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Unmeasured seconds of load before each scenario's measurement.
    #[arg(long, default_value_t = 2)]
    pub warmup: u64,
    /// Active procurements to have in place before measuring (created if missing).
    #[arg(long, default_value_t = 1000)]
    pub procurements: usize,
    /// Comma-separated scenarios: list, detail, search, join, join-leave.
    #[arg(long, value_delimiter = ',', default_value = "list,detail,search,join,join-leave")]
    pub scenarios: Vec<Scenario>,
    /// Service API key for setup and joins (default: the first of SERVICE_API_KEYS).
    #[arg(long, env = "BENCH_SERVICE_KEY", hide_env_values = true)]
    pub service_key: Option<String>,
    /// Send list, detail and search without credentials, as visitors read the catalogue (by
    /// default they carry the service key, as the bots' reads do). Either may be answered from
    /// the API's brief catalogue cache; start the API with PUBLIC_CACHE_MS=0 to measure without.
    #[arg(long)]
    pub anonymous_reads: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// GET /api/procurements/?page=K over random pages.
    List,
    /// GET /api/procurements/{id}/ for random active procurements.
    Detail,
    /// GET /api/procurements/?search=WORD with words from the titles.
    Search,
    /// POST join: each connection's own fresh buyer joins procurement after procurement.
    Join,
    /// POST join then POST leave for a random procurement; both requests are counted.
    JoinLeave,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Detail => "detail",
            Self::Search => "search",
            Self::Join => "join",
            Self::JoinLeave => "join+leave",
        }
    }
}

pub async fn run(settings: &Settings, args: ApiBenchArgs) -> anyhow::Result<()> {
    if args.connections == 0 || args.duration == 0 {
        bail!("--connections and --duration must be positive");
    }
    let base = args.url.clone().unwrap_or_else(|| format!("http://{}", settings.http_addr));
    let base = Url::parse(base.trim_end_matches('/')).with_context(|| format!("--url {base}"))?;
    let key = match args.service_key.clone().or_else(|| first_key(settings)) {
        Some(key) => key,
        None => {
            bail!("no service key: pass --service-key, or set SERVICE_API_KEYS (the server must run with the same key)")
        }
    };

    let api = SetupClient::new(&base, &key)?;
    api.check_key().await?;
    let t = Instant::now();
    let data = prepare(&api, args.procurements, args.connections, &args.scenarios, !args.anonymous_reads).await?;
    println!(
        "setup: {} active procurements ({} created now), {} list pages, {} buyers, search words: {} ({:.1} s)",
        data.ids.len(),
        data.created,
        data.pages,
        data.buyers.len() + data.joiners.len(),
        data.words.join(" "),
        t.elapsed().as_secs_f64()
    );

    let server_pid = base.port_or_known_default().and_then(pid_listening_on);
    let rss_before = server_pid.and_then(rss_kib);
    println!(
        "load: {} connections, {} s warm-up + {} s measured per scenario, against {base}; reads {}",
        args.connections,
        args.warmup,
        args.duration,
        if args.anonymous_reads { "anonymous" } else { "with the service key" }
    );
    let data = Arc::new(data);
    let mut results = Vec::new();
    for &scenario in &args.scenarios {
        let r = drive(scenario, &base, &key, &data, &args).await?;
        println!(
            "  {:<10} done: {:>9.0} req/s, p99 {}",
            scenario.name(),
            r.total.len() as f64 / r.seconds,
            ms(r.total.value_at_quantile(0.99))
        );
        results.push((scenario, r));
    }

    println!();
    println!("{}", table(&results, args.connections));
    if let Some(pid) = server_pid {
        let after = rss_kib(pid);
        println!(
            "server pid {pid}: RSS before load {}, after load {}",
            rss_before.map_or("?".into(), mib),
            after.map_or("?".into(), mib)
        );
    }
    let flagged: Vec<&str> =
        results.iter().filter(|(_, r)| r.errors.values().sum::<u64>() > 0).map(|(s, _)| s.name()).collect();
    if !flagged.is_empty() {
        println!("WARNING: scenarios with errors (their numbers are not valid): {}", flagged.join(", "));
    }
    Ok(())
}

pub(super) fn first_key(settings: &Settings) -> Option<String> {
    let mut keys: Vec<&String> = settings.service_api_keys.iter().collect();
    keys.sort();
    keys.first().map(|k| (*k).clone())
}

// ---------------------------------------------------------------------------------------------
// Setup

struct BenchData {
    /// Active procurements to pick from.
    ids: Vec<i64>,
    /// Pages of the public list.
    pages: usize,
    words: Vec<String>,
    /// One buyer per connection for join+leave.
    buyers: Vec<i64>,
    /// One buyer per connection for joins alone (they stay joined).
    joiners: Vec<i64>,
    created: usize,
}

/// JSON calls for setup, with the service key.
pub(super) struct SetupClient {
    http: Client,
    base: Url,
}

impl SetupClient {
    pub(super) fn new(base: &Url, key: &str) -> anyhow::Result<Self> {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {key}"))?);
        let http = Client::builder().default_headers(headers).http1_only().timeout(Duration::from_secs(30)).build()?;
        Ok(Self { http, base: base.clone() })
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        url
    }

    async fn call(&self, req: reqwest::RequestBuilder, what: &str) -> anyhow::Result<(StatusCode, Value)> {
        let resp = req.send().await.with_context(|| format!("{what}: is the API running?"))?;
        let status = resp.status();
        let body = resp.bytes().await.with_context(|| what.to_string())?;
        let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Ok((status, value))
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> anyhow::Result<Value> {
        let (status, body) = self.call(self.http.get(self.url(path)).query(query), path).await?;
        if !status.is_success() {
            bail!("GET {path} {query:?}: {status} {body}");
        }
        Ok(body)
    }

    /// A read without the key, as a visitor makes it.
    async fn get_anonymous(&self, path: &str) -> anyhow::Result<Value> {
        let resp = reqwest::get(self.url(path)).await.with_context(|| format!("GET {path}: is the API running?"))?;
        let status = resp.status();
        let body: Value = resp.json().await.with_context(|| format!("GET {path}"))?;
        if !status.is_success() {
            bail!("GET {path} (anonymous): {status} {body}");
        }
        Ok(body)
    }

    async fn post(&self, path: &str, body: &Value) -> anyhow::Result<(StatusCode, Value)> {
        self.call(self.http.post(self.url(path)).json(body), path).await
    }

    pub(super) async fn post_ok(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        let (status, answer) = self.post(path, body).await?;
        if !status.is_success() {
            bail!("POST {path}: {status} {answer}");
        }
        Ok(answer)
    }

    /// A service-only endpoint answers 401/403 to a wrong key.
    pub(super) async fn check_key(&self) -> anyhow::Result<()> {
        let (status, body) = self
            .call(
                self.http.get(self.url("/api/users/check_exists")).query(&[("platform_user_id", "bench-probe")]),
                "checking the service key",
            )
            .await?;
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            bail!("the server refused the service key ({status} {body}): start it with SERVICE_API_KEYS=<the key>");
        }
        if !status.is_success() {
            bail!("checking the service key: {status} {body}");
        }
        Ok(())
    }
}

async fn prepare(
    api: &SetupClient,
    want: usize,
    connections: usize,
    scenarios: &[Scenario],
    authenticated_reads: bool,
) -> anyhow::Result<BenchData> {
    let active = api.get("/api/procurements/", &[("status", "active")]).await?;
    let have = count_of(&active)? as usize;
    let mut created = 0;
    if have < want {
        let organizer = organizer(api).await?;
        created = want - have;
        let deadline = (Utc::now() + ChronoDuration::days(30)).to_rfc3339_opts(SecondsFormat::Secs, true);
        stream::iter(have..want)
            .map(|i| create_procurement(api, organizer, i, &deadline))
            .buffer_unordered(SETUP_CONCURRENCY)
            .try_collect::<Vec<i64>>()
            .await?;
    }

    // Every active procurement's id and title, page by page.
    let active = api.get("/api/procurements/", &[("status", "active")]).await?;
    let active_pages = (count_of(&active)? as usize).div_ceil(PAGE_SIZE);
    let pages: Vec<Value> = stream::iter(1..=active_pages)
        .map(|p| async move {
            let page = p.to_string();
            api.get("/api/procurements/", &[("status", "active"), ("page", page.as_str())]).await
        })
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await?;
    let mut ids = Vec::new();
    let mut titles = Vec::new();
    for page in &pages {
        for item in page["results"].as_array().ok_or_else(|| anyhow!("a list page without results: {page}"))? {
            if item["can_join"].as_bool() == Some(true) {
                ids.push(item["id"].as_i64().ok_or_else(|| anyhow!("an item without id: {item}"))?);
                titles.push(item["title"].as_str().unwrap_or_default().to_lowercase());
            }
        }
    }
    if ids.is_empty() {
        bail!("no joinable procurements after setup");
    }

    // Pages of the list as the load sees it: the bench key reads drafts too, anonymous readers not.
    let all = if authenticated_reads {
        api.get("/api/procurements/", &[]).await?
    } else {
        api.get_anonymous("/api/procurements/").await?
    };
    let pages = (count_of(&all)? as usize).div_ceil(PAGE_SIZE).max(1);

    let mut words: Vec<String> =
        PRODUCTS.iter().filter(|w| titles.iter().any(|t| t.contains(*w))).map(|w| w.to_string()).collect();
    if words.is_empty() {
        // Someone else's data: the first long word of some titles.
        for t in titles.iter().take(50) {
            if let Some(w) = t.split_whitespace().find(|w| w.len() >= 4 && w.chars().all(char::is_alphanumeric))
                && !words.iter().any(|x| x == w)
            {
                words.push(w.to_string());
            }
        }
    }
    if words.is_empty() {
        words.push("a".into());
    }

    let buyers_for = async |scenario| {
        if scenarios.contains(&scenario) { register_buyers(api, connections).await } else { Ok(Vec::new()) }
    };
    let buyers = buyers_for(Scenario::JoinLeave).await?;
    let joiners = buyers_for(Scenario::Join).await?;
    Ok(BenchData { ids, pages, words, buyers, joiners, created })
}

fn count_of(page: &Value) -> anyhow::Result<i64> {
    page["count"].as_i64().ok_or_else(|| anyhow!("a list page without count: {page}"))
}

/// The bench organizer, registered once and found again on later runs.
pub(super) async fn organizer(api: &SetupClient) -> anyhow::Result<i64> {
    const ID: &str = "groupbuy-bench-organizer";
    let body = json!({
        "platform": "telegram",
        "platform_user_id": ID,
        "username": "bench_organizer",
        "first_name": "Bench",
        "last_name": "Organizer",
        "role": "organizer",
    });
    let (status, answer) = api.post("/api/users/", &body).await?;
    let user = if status == StatusCode::CONFLICT {
        api.get("/api/users/by_platform", &[("platform", "telegram"), ("platform_user_id", ID)]).await?
    } else if status.is_success() {
        answer
    } else {
        bail!("registering the bench organizer: {status} {answer}");
    };
    if user["role"] != "organizer" {
        bail!("user {ID} exists but is not an organizer: {user}");
    }
    user["id"].as_i64().ok_or_else(|| anyhow!("a user without id: {user}"))
}

/// Opens and publishes a procurement; its id.
pub(super) async fn create_procurement(
    api: &SetupClient,
    organizer: i64,
    i: usize,
    deadline: &str,
) -> anyhow::Result<i64> {
    let product = PRODUCTS[i % PRODUCTS.len()];
    let city = CITIES[(i / PRODUCTS.len()) % CITIES.len()];
    let body = json!({
        "title": format!("Bench {product} from the farm #{i}"),
        "description": format!("Group purchase of {product} for the load test, lot {i}. Delivery to the pickup point."),
        "organizer": organizer,
        "city": city,
        "delivery_address": "Pickup point, 1 Bench street",
        "target_amount": "100000.00",
        "unit": "kg",
        "price_per_unit": "100.00",
        "deadline": deadline,
    });
    let created = api.post_ok("/api/procurements/", &body).await?;
    let id = created["id"].as_i64().ok_or_else(|| anyhow!("a created procurement without id: {created}"))?;
    api.post_ok(&format!("/api/procurements/{id}/update_status/"), &json!({ "status": "active" })).await?;
    Ok(id)
}

/// Fresh buyers for this run: a buyer takes part in at most one procurement at a time.
pub(super) async fn register_buyers(api: &SetupClient, n: usize) -> anyhow::Result<Vec<i64>> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    stream::iter(0..n)
        .map(|i| {
            let body = json!({
                "platform": "telegram",
                "platform_user_id": format!("bench-buyer-{}-{i}", &run[..12]),
                "first_name": "Bench",
                "last_name": format!("Buyer {i}"),
            });
            async move {
                let user = api.post_ok("/api/users/", &body).await?;
                user["id"].as_i64().ok_or_else(|| anyhow!("a user without id: {user}"))
            }
        })
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await
}

// ---------------------------------------------------------------------------------------------
// Load

struct Outcome {
    total: Histogram<u64>,
    /// Join scenario only: join and leave apart.
    parts: Option<(Histogram<u64>, Histogram<u64>)>,
    /// Non-2xx answers by status, and transport failures under 0.
    errors: BTreeMap<u16, u64>,
    first_error: Option<String>,
    seconds: f64,
}

struct Task {
    total: Histogram<u64>,
    join: Histogram<u64>,
    leave: Histogram<u64>,
    errors: BTreeMap<u16, u64>,
    first_error: Option<String>,
}

fn histogram() -> Histogram<u64> {
    // 1 µs to 60 s, 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

async fn drive(
    scenario: Scenario,
    base: &Url,
    key: &str,
    data: &Arc<BenchData>,
    args: &ApiBenchArgs,
) -> anyhow::Result<Outcome> {
    let mut headers = HeaderMap::new();
    let writes = matches!(scenario, Scenario::Join | Scenario::JoinLeave);
    if writes || !args.anonymous_reads {
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {key}"))?);
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));

    // Everything a task asks for is built before the clock starts.
    let urls = Arc::new(scenario_urls(scenario, base, data));
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(args.warmup);
    let end = measure_from + Duration::from_secs(args.duration);

    let mut tasks = Vec::with_capacity(args.connections);
    for conn in 0..args.connections {
        let client = Client::builder()
            .default_headers(headers.clone())
            .http1_only()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()?;
        let urls = urls.clone();
        let data = data.clone();
        let base = base.clone();
        let seed = 0x9E37_79B9_7F4A_7C15u64 ^ ((conn as u64 + 1) * 0xBF58_476D_1CE4_E5B9) ^ start_nanos();
        tasks.push(tokio::spawn(async move {
            let mut task = Task {
                total: histogram(),
                join: histogram(),
                leave: histogram(),
                errors: BTreeMap::new(),
                first_error: None,
            };
            let mut rng = Rng(seed | 1);
            match scenario {
                Scenario::Join | Scenario::JoinLeave => {
                    let leave = scenario == Scenario::JoinLeave;
                    join_loop(&client, &base, &data, conn, &mut rng, measure_from, end, &mut task, leave).await
                }
                _ => get_loop(&client, &urls, &mut rng, measure_from, end, &mut task).await,
            }
            task
        }));
    }

    let mut out = Outcome {
        total: histogram(),
        parts: (scenario == Scenario::JoinLeave).then(|| (histogram(), histogram())),
        errors: BTreeMap::new(),
        first_error: None,
        seconds: args.duration as f64,
    };
    for t in tasks {
        let t = t.await.context("a load task panicked")?;
        out.total.add(&t.total)?;
        if let Some((join, leave)) = out.parts.as_mut() {
            join.add(&t.join)?;
            leave.add(&t.leave)?;
        }
        for (status, n) in t.errors {
            *out.errors.entry(status).or_default() += n;
        }
        if out.first_error.is_none() {
            out.first_error = t.first_error;
        }
    }
    Ok(out)
}

fn start_nanos() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos() as u64)
}

/// The URLs a read scenario picks from at random.
fn scenario_urls(scenario: Scenario, base: &Url, data: &BenchData) -> Vec<Url> {
    let with_path = |path: &str, query: Option<String>| {
        let mut url = base.clone();
        url.set_path(path);
        url.set_query(query.as_deref());
        url
    };
    match scenario {
        Scenario::List => {
            (1..=data.pages).map(|p| with_path("/api/procurements/", (p > 1).then(|| format!("page={p}")))).collect()
        }
        Scenario::Detail => data.ids.iter().map(|id| with_path(&format!("/api/procurements/{id}/"), None)).collect(),
        Scenario::Search => {
            data.words.iter().map(|w| with_path("/api/procurements/", Some(format!("search={w}")))).collect()
        }
        Scenario::Join | Scenario::JoinLeave => Vec::new(),
    }
}

async fn get_loop(client: &Client, urls: &[Url], rng: &mut Rng, measure_from: Instant, end: Instant, task: &mut Task) {
    loop {
        let url = &urls[rng.below(urls.len())];
        let sent = Instant::now();
        if sent >= end {
            break;
        }
        let outcome = send(client.get(url.clone())).await;
        record(task, None, sent, measure_from, outcome);
    }
}

/// Joins as the connection's own buyer. With `then_leave` it picks procurements at random and
/// leaves each right after joining (both counted); otherwise it joins the procurements one after
/// another from a random start and stays, never asking twice (a run makes far fewer joins per
/// connection than there are procurements).
#[allow(clippy::too_many_arguments)]
async fn join_loop(
    client: &Client,
    base: &Url,
    data: &BenchData,
    conn: usize,
    rng: &mut Rng,
    measure_from: Instant,
    end: Instant,
    task: &mut Task,
    then_leave: bool,
) {
    let buyer = if then_leave { data.buyers[conn] } else { data.joiners[conn] };
    // One tiny body per connection for the whole run; `&'static str` bodies are sent without copying.
    let body: &'static str = Box::leak(format!("{{\"user_id\":{buyer}}}").into_boxed_str());
    let urls = |action: &str| -> Vec<Url> {
        data.ids
            .iter()
            .map(|id| {
                let mut u = base.clone();
                u.set_path(&format!("/api/procurements/{id}/{action}/"));
                u
            })
            .collect()
    };
    let join_urls = urls("join");
    let leave_urls = if then_leave { urls("leave") } else { Vec::new() };
    let mut next = rng.below(join_urls.len());
    for _ in 0..if then_leave { usize::MAX } else { join_urls.len() } {
        let i = if then_leave { rng.below(join_urls.len()) } else { (next + 1) % join_urls.len() };
        next = i;
        let sent = Instant::now();
        if sent >= end {
            break;
        }
        let joined = send(client.post(join_urls[i].clone()).body(body)).await;
        let ok = matches!(joined, Ok(s) if s.is_success());
        record(task, then_leave.then_some(true), sent, measure_from, joined);
        if !then_leave || !ok {
            continue;
        }
        // Always leave, even past the end, so the buyer is free for the next run.
        let sent = Instant::now();
        let left = send(client.post(leave_urls[i].clone()).body(body)).await;
        if sent < end {
            record(task, Some(false), sent, measure_from, left);
        }
    }
}

/// Sends, reads the whole body (so the connection is reused) and returns the status.
async fn send(req: reqwest::RequestBuilder) -> Result<StatusCode, String> {
    let resp = req.send().await.map_err(|e| format!("{e:#}"))?;
    let status = resp.status();
    if status.is_success() {
        resp.bytes().await.map_err(|e| format!("{e:#}"))?;
        Ok(status)
    } else {
        let body = resp.text().await.unwrap_or_default();
        Err(format!("{status} {}", body.chars().take(300).collect::<String>()))
    }
}

fn record(
    task: &mut Task,
    join: Option<bool>,
    sent: Instant,
    measure_from: Instant,
    outcome: Result<StatusCode, String>,
) {
    if sent < measure_from {
        return;
    }
    let us = (sent.elapsed().as_micros() as u64).max(1);
    task.total.saturating_record(us);
    match join {
        Some(true) => task.join.saturating_record(us),
        Some(false) => task.leave.saturating_record(us),
        None => {}
    }
    if let Err(e) = outcome {
        let status = e.get(..3).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
        *task.errors.entry(status).or_default() += 1;
        if task.first_error.is_none() {
            task.first_error = Some(e);
        }
    }
}

/// xorshift64*: plenty for picking URLs, and free of allocation and locks.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as usize % n.max(1)
    }
}

// ---------------------------------------------------------------------------------------------
// Report

fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1000.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn table(results: &[(Scenario, Outcome)], connections: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "| scenario ({connections} conns) | requests | req/s | p50 | p99 | max | errors |");
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---|");
    let row = |s: &mut String, name: &str, h: &Histogram<u64>, seconds: f64, errors: &str| {
        let _ = writeln!(
            s,
            "| {name} | {} | {:.0} | {} | {} | {} | {errors} |",
            h.len(),
            h.len() as f64 / seconds,
            ms(h.value_at_quantile(0.50)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max()),
        );
    };
    for (scenario, r) in results {
        let errors = if r.errors.is_empty() {
            "0".to_string()
        } else {
            let by: Vec<String> = r
                .errors
                .iter()
                .map(|(st, n)| if *st == 0 { format!("{n} transport") } else { format!("{n}×{st}") })
                .collect();
            format!("**{}** ({})", r.errors.values().sum::<u64>(), by.join(", "))
        };
        row(&mut s, scenario.name(), &r.total, r.seconds, &errors);
        if let Some((join, leave)) = &r.parts {
            row(&mut s, "  · join", join, r.seconds, "");
            row(&mut s, "  · leave", leave, r.seconds, "");
        }
    }
    for (scenario, r) in results {
        if let Some(e) = &r.first_error {
            let _ = writeln!(s, "first error in {}: {e}", scenario.name());
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The server's memory, found by its listening port (Linux /proc; best effort).

pub(super) fn pid_listening_on(port: u16) -> Option<u32> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; inode is the 10th field.
            if f.len() > 9
                && f[3] == "0A"
                && f[1].rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok()) == Some(port)
            {
                inodes.push(format!("socket:[{}]", f[9]));
            }
        }
    }
    if inodes.is_empty() {
        return None;
    }
    let me = std::process::id();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else { continue };
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path())
                && inodes.iter().any(|i| target.as_os_str() == i.as_str())
            {
                return Some(pid);
            }
        }
    }
    None
}

pub(super) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
