//! The random operations, each sent to the real API as its client would send it (a buyer or an
//! organizer with their own token, a bot with the service key, staff with theirs), its answer
//! held against the model's prediction before the model records what it means.

use super::check::Accounts;
use super::faults::Injector;
use super::model::{
    Account, Kopecks, Model, Order, OrderStatus, Outcome, Owner, Procurement, Stage, next_stage, times,
};
use super::rng::Rng;
use crate::payments::{give_inn, inn, payout_details, transfer};
use crate::support::{TestApp, send};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use workflows::StateName;

const BUYERS: usize = 8;
const ORGANIZERS: usize = 3;
/// Procurements open for business at once (finished ones make way for new ones).
const LIVE: usize = 5;

/// The operations and how often each is drawn.
const OPERATIONS: [(&str, u64); 16] = [
    ("newcomer", 2),
    ("deposit", 8),
    ("reconcile", 3),
    ("bonus", 4),
    ("adjust", 4),
    ("open", 2),
    ("stage", 9),
    ("join", 17),
    ("leave", 3),
    ("confirm", 8),
    ("pay", 9),
    ("deliver", 3),
    ("remove", 2),
    ("order", 4),
    ("withdraw", 6),
    ("drain", 6),
];

/// The last operations, printed when the run fails.
pub type Trail = Arc<Mutex<VecDeque<String>>>;

/// Per operation: how many went through and how many were refused, by code.
#[derive(Debug, Default)]
pub struct Count {
    pub ok: u64,
    pub refused: BTreeMap<&'static str, u64>,
}

pub struct Runner<'a> {
    app: &'a TestApp,
    pub model: Model,
    rng: Rng,
    pub faults: Injector,
    staff: String,
    buyers: Vec<i64>,
    organizers: Vec<i64>,
    /// Procurements operations pick from: those not finished and the last few finished ones.
    recent: Vec<i64>,
    /// Operations run so far.
    done: u64,
    /// Buyers living on bonuses for now: the operation from which they deposit through the bank.
    banks_from: BTreeMap<i64, u64>,
    /// Service adjustment keys sent: (user, key, amount).
    keys: Vec<(i64, String, Kopecks)>,
    serial: u64,
    pub counts: BTreeMap<&'static str, Count>,
    pub trail: Trail,
}

/// Roubles in kopecks.
const fn rub(roubles: i64) -> Kopecks {
    roubles * 100
}

/// Money on the wire: a decimal string.
fn money(kopecks: Kopecks) -> String {
    let sign = if kopecks < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", kopecks.abs() / 100, kopecks.abs() % 100)
}

fn kopecks(text: &str) -> Kopecks {
    text.parse::<workflows::Money>().unwrap_or_else(|e| panic!("{text}: {e}")).kopecks()
}

/// Every user's INN, the same wherever it is given.
fn inn_of(user: i64) -> String {
    inn(7_700_000_000 + user as u64)
}

impl<'a> Runner<'a> {
    /// Buyers, organizers known to the bank by their INN, a staff member, and a first few
    /// procurements.
    pub async fn start(app: &'a TestApp, seed: u64, trail: Trail) -> Self {
        let mut rng = Rng::new(seed);
        let fault_rng = rng.fork();
        let mut runner = Self {
            app,
            model: Model::default(),
            rng,
            faults: Injector::new(fault_rng, app).await,
            staff: app.staff("model-cashier").await.1,
            buyers: Vec::new(),
            organizers: Vec::new(),
            recent: Vec::new(),
            done: 0,
            banks_from: BTreeMap::new(),
            keys: Vec::new(),
            serial: 0,
            counts: BTreeMap::new(),
            trail,
        };
        for _ in 0..BUYERS {
            runner.buyers.push(app.register("buyer").await);
        }
        for _ in 0..ORGANIZERS {
            let organizer = runner.organizer().await;
            runner.organizers.push(organizer);
        }
        runner
    }

    /// An organizer, known to the bank by the INN on their profile.
    async fn organizer(&mut self) -> i64 {
        let organizer = self.app.register("organizer").await;
        give_inn(self.app, organizer, &inn_of(organizer)).await;
        self.model.inn_on_file.insert(organizer);
        organizer
    }

    /// Someone new takes the place of a buyer or an organizer, who does nothing more (their
    /// money stays where it is, and is still checked): newcomers have no account at the bank, and
    /// a new buyer may live on bonuses for a while before their first deposit.
    async fn newcomer(&mut self) {
        let (list, id) = if self.rng.chance(80) {
            let buyer = self.app.register("buyer").await;
            let wait = self.rng.range(0, 1_500) as u64;
            self.banks_from.insert(buyer, self.done + wait);
            (&mut self.buyers, buyer)
        } else {
            let organizer = self.organizer().await;
            (&mut self.organizers, organizer)
        };
        let i = (self.rng.next() % list.len() as u64) as usize;
        let old = std::mem::replace(&mut list[i], id);
        self.counts.entry("newcomer").or_default().ok += 1;
        self.note(format!("newcomer {id} replaces {old}"));
    }

    /// Those who act now.
    pub fn users(&self) -> Vec<i64> {
        self.buyers.iter().chain(&self.organizers).copied().collect()
    }

    fn user(&self, id: i64, method: Method, path: &str) -> RequestBuilder {
        self.app.as_user(id, method, path)
    }

    fn note(&self, line: String) {
        let mut trail = self.trail.lock().unwrap();
        if trail.len() == 40 {
            trail.pop_front();
        }
        trail.push_back(line);
    }

    /// Holds the platform's answer against the prediction and counts it; whether it went through.
    fn judge<T: std::fmt::Debug>(
        &mut self,
        op: &'static str,
        what: &str,
        predicted: &Outcome<T>,
        answer: &(StatusCode, Value),
        success: StatusCode,
    ) -> bool {
        let (status, body) = answer;
        self.note(format!("{op}: {what} → model {predicted:?}, platform {status} {}", body["code"]));
        let count = self.counts.entry(op).or_default();
        match predicted {
            Ok(_) => {
                assert_eq!(*status, success, "{op} {what}: the model expected it to go through; the platform: {body}");
                count.ok += 1;
                true
            }
            Err(refusal) => {
                let got = (status.as_u16(), body["code"].as_str().unwrap_or_default());
                assert_eq!(got, (refusal.status, refusal.code), "{op} {what}: the model expected a refusal; {body}");
                *count.refused.entry(refusal.code).or_default() += 1;
                false
            }
        }
    }

    /// One random operation.
    pub async fn step(&mut self) {
        self.done += 1;
        let live = self.recent.iter().filter(|p| !self.model.procurements[p].stage.is_final()).count();
        let weights: Vec<u64> = OPERATIONS.iter().map(|(_, w)| *w).collect();
        let op = if live < 2 || (live < LIVE && self.rng.chance(3)) {
            "open"
        } else {
            OPERATIONS[self.rng.weighted(&weights)].0
        };
        match op {
            "newcomer" => self.newcomer().await,
            "deposit" => self.deposit().await,
            "reconcile" => self.reconcile().await,
            "bonus" => self.bonus().await,
            "adjust" => self.adjust().await,
            "open" => self.open().await,
            "stage" => self.stage().await,
            "join" => self.join().await,
            "leave" => self.leave().await,
            "confirm" => self.order_op("confirm", OrderStatus::Confirmed).await,
            "pay" => self.order_op("pay", OrderStatus::Paid).await,
            "deliver" => self.order_op("deliver", OrderStatus::Delivered).await,
            "remove" => self.order_op("remove", OrderStatus::Cancelled).await,
            "order" => self.random_order_change().await,
            "withdraw" => self.withdraw().await,
            "drain" => self.drain().await,
            other => unreachable!("{other}"),
        }
        self.forget_old();
    }

    /// Keeps every unfinished procurement and the four last finished ones.
    fn forget_old(&mut self) {
        let procurements = &self.model.procurements;
        let finished: Vec<i64> = self.recent.iter().copied().filter(|p| procurements[p].stage.is_final()).collect();
        let keep = &finished[finished.len().saturating_sub(4)..];
        self.recent.retain(|p| !procurements[p].stage.is_final() || keep.contains(p));
    }

    fn any_user(&mut self) -> i64 {
        let users = self.users();
        self.rng.pick(&users)
    }

    // --- money in ---

    async fn deposit(&mut self) {
        let done = self.done;
        let users: Vec<i64> =
            self.users().into_iter().filter(|u| self.banks_from.get(u).is_none_or(|from| *from <= done)).collect();
        let user = self.rng.pick(&users);
        let amount = self.rng.range(rub(100), rub(3_000));
        let first = !self.model.inn_on_file.contains(&user);
        let gives_inn = if first { self.rng.chance(90) } else { self.rng.chance(20) };
        let predicted = self.model.deposit(user, gives_inn);
        let mut body = json!({ "user_id": user, "amount": money(amount) });
        if gives_inn {
            body["inn"] = json!(inn_of(user));
        }
        let answer = send(self.user(user, Method::POST, "/api/payments/").json(&body)).await;
        let what = format!("user {user} deposits {}", money(amount));
        if self.judge("deposit", &what, &predicted, &answer, StatusCode::CREATED) && self.rng.chance(90) {
            let purpose = answer.1["requisites"]["purpose"].as_str().unwrap().to_string();
            transfer(self.app, &money(amount), &purpose).await;
            self.model.deposit_paid(user, amount);
        }
    }

    async fn reconcile(&mut self) {
        self.serial += 2;
        let tick = 1_000_000 + self.serial as i64;
        self.faults.reconcile(tick).await;
        self.model.reconcile();
        self.counts.entry("reconcile").or_default().ok += 1;
        self.note("reconcile".into());
    }

    /// A service adjustment under an idempotency key: mostly a fresh key, sometimes a retry of an
    /// earlier one, sometimes an earlier key reused for another amount.
    async fn bonus(&mut self) {
        let draw = self.rng.range(0, 9);
        let (user, key, amount) = if draw < 2 && !self.keys.is_empty() {
            let i = self.rng.range(0, self.keys.len() as i64 - 1) as usize;
            let (user, key, amount) = self.keys[i].clone();
            (user, key, if draw == 0 { amount } else { amount + self.rng.range(1, 100) })
        } else {
            self.serial += 1;
            let user = self.any_user();
            let amount = if self.rng.chance(80) {
                self.rng.range(rub(1), rub(1_000))
            } else {
                -self.rng.range(rub(1), rub(500))
            };
            (user, format!("model-{}", self.serial), amount)
        };
        let predicted = self.model.adjust(user, amount, Some(&key));
        let body = json!({ "amount": money(amount), "idempotency_key": key, "description": "model" });
        let path = format!("/api/users/{user}/update_balance/");
        let answer = send(self.app.service(Method::POST, &path).json(&body)).await;
        let what = format!("user {user} adjusted by {} under {key}", money(amount));
        if self.judge("bonus", &what, &predicted, &answer, StatusCode::OK) {
            self.keys.push((user, key, amount));
        }
    }

    /// Staff credit or debit a balance by hand; a debit past the balance is refused.
    async fn adjust(&mut self) {
        let user = self.any_user();
        let balance = self.model.balance(Account::Balance(user));
        let amount = match self.rng.range(0, 9) {
            0..=5 => self.rng.range(rub(1), rub(800)),
            6..=7 if balance > 0 => -self.rng.range(1, balance),
            _ => -(balance + self.rng.range(1, rub(500))),
        };
        let predicted = self.model.adjust(user, amount, None);
        let body = json!({ "amount": money(amount), "description": "model: by hand" });
        let path = format!("/api/admin/users/{user}/update_balance/");
        let answer = send(self.app.as_staff(&self.staff, Method::POST, &path).json(&body)).await;
        let what = format!("staff adjust user {user} by {}", money(amount));
        self.judge("adjust", &what, &predicted, &answer, StatusCode::OK);
    }

    // --- procurements ---

    async fn open(&mut self) {
        let organizer = self.rng.pick(&self.organizers);
        let price = self.rng.range(rub(10), rub(400));
        let commission = self.rng.pick(&[0, 250, 300, 500, 777, 1000]);
        let stop_at = self.rng.chance(35).then(|| times(price, self.rng.range(3, 12) * 100) + self.rng.range(0, price));
        let body = json!({
            "title": "Мёд", "description": "Алтайский мёд", "organizer": organizer, "city": "Москва",
            "target_amount": "1000.00", "price_per_unit": money(price), "unit": "кг",
            "commission_percent": money(commission), "stop_at_amount": stop_at.map(money),
            "deadline": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339(),
        });
        let (code, created) = send(self.user(organizer, Method::POST, "/api/procurements/").json(&body)).await;
        assert_eq!(code, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().unwrap();
        self.model.open(id, organizer, price, commission, stop_at);
        self.recent.push(id);
        self.counts.entry("open").or_default().ok += 1;
        self.note(format!("open {id} by {organizer}: {} a unit, {commission}‱, stop at {stop_at:?}", money(price)));
        if self.rng.chance(90) {
            self.set_stage(id, Stage::Active, organizer).await;
        }
    }

    /// A procurement, mostly one in stage `wanted` when there is one.
    fn procurement(&mut self, wanted: Stage) -> i64 {
        let matching: Vec<i64> =
            self.recent.iter().copied().filter(|p| self.model.procurements[p].stage == wanted).collect();
        if !matching.is_empty() && self.rng.chance(85) {
            return self.rng.pick(&matching);
        }
        self.rng.pick(&self.recent)
    }

    /// Mostly the organizer's next step for a procurement ready for it (published, enough
    /// orders collected, everyone asked to pay has paid or left); otherwise a cancellation or
    /// any status, by the organizer or now and then by someone else.
    async fn stage(&mut self) {
        let model = &self.model;
        let ready = |id: &i64| {
            let p = &model.procurements[id];
            let unpaid = p.orders.iter().filter(|o| model.orders[o].status == OrderStatus::Confirmed).count();
            match p.stage {
                Stage::Draft | Stage::Stopped => true,
                Stage::Active => p.count >= 3,
                Stage::Payment => unpaid == 0,
                Stage::Completed | Stage::Cancelled => false,
            }
        };
        let ready: Vec<i64> = self.recent.iter().copied().filter(ready).collect();
        let id =
            if !ready.is_empty() && self.rng.chance(80) { self.rng.pick(&ready) } else { self.rng.pick(&self.recent) };
        let p = &self.model.procurements[&id];
        let (stage, organizer) = (p.stage, p.organizer);
        let target = match (self.rng.range(0, 99), next_stage(stage)) {
            (0..=79, Some(next)) if ready.contains(&id) => next,
            (0..=14, _) => Stage::Cancelled,
            (15..=29, Some(next)) => next,
            _ => self.rng.pick(&Stage::ALL),
        };
        let actor = if self.rng.chance(92) { organizer } else { self.any_user() };
        self.set_stage(id, target, actor).await;
    }

    async fn set_stage(&mut self, id: i64, target: Stage, actor: i64) {
        let predicted = self.model.set_stage(id, target, actor);
        let path = format!("/api/procurements/{id}/update_status/");
        let answer = send(self.user(actor, Method::POST, &path).json(&json!({ "status": target.as_str() }))).await;
        let what = format!("user {actor} moves procurement {id} to {}", target.as_str());
        self.judge("stage", &what, &predicted, &answer, StatusCode::OK);
    }

    async fn join(&mut self) {
        let id = self.procurement(Stage::Active);
        let user = match self.rng.range(0, 99) {
            0..=84 => self.rng.pick(&self.buyers),
            85..=94 => self.rng.pick(&self.organizers),
            _ => self.model.procurements[&id].organizer,
        };
        let quantity = self.rng.pick(&[100, 100, 100, 200, 300, 150, 225, 50, 400]);
        let predicted = self.model.join(id, user, quantity);
        let body = json!({ "user_id": user, "quantity": money(quantity) });
        let path = format!("/api/procurements/{id}/join/");
        // The web cabinet joins with the buyer's token, the bots with the service key.
        let request = if self.rng.chance(50) {
            self.user(user, Method::POST, &path)
        } else {
            self.app.service(Method::POST, &path)
        };
        let answer = send(request.json(&body)).await;
        let what = format!("user {user} joins procurement {id} for {}", money(quantity));
        if let (true, Ok(amount)) = (self.judge("join", &what, &predicted, &answer, StatusCode::CREATED), predicted) {
            assert_eq!(kopecks(answer.1["amount"].as_str().unwrap()), amount, "{what}: the order's amount");
            self.model.joined(answer.1["id"].as_i64().unwrap(), id, user, amount);
        }
    }

    /// An order from the recent procurements, mostly one that `wanted` says is worth trying.
    fn order(&mut self, wanted: impl Fn(&Order, &Procurement) -> bool) -> Option<i64> {
        let model = &self.model;
        let orders: Vec<i64> = self.recent.iter().flat_map(|p| model.procurements[p].orders.iter().copied()).collect();
        let matching: Vec<i64> = orders
            .iter()
            .copied()
            .filter(|o| wanted(&model.orders[o], &model.procurements[&model.orders[o].procurement]))
            .collect();
        if !matching.is_empty() && self.rng.chance(85) {
            return Some(self.rng.pick(&matching));
        }
        (!orders.is_empty()).then(|| self.rng.pick(&orders))
    }

    async fn leave(&mut self) {
        let (id, user) = match self.order(|o, p| o.status != OrderStatus::Cancelled && p.stage == Stage::Active) {
            Some(order) if self.rng.chance(80) => {
                let o = &self.model.orders[&order];
                (o.procurement, o.user)
            }
            _ => (self.procurement(Stage::Active), self.rng.pick(&self.buyers)),
        };
        let predicted = self.model.leave(id, user);
        let path = format!("/api/procurements/{id}/leave/");
        let answer = send(self.user(user, Method::POST, &path).json(&json!({ "user_id": user }))).await;
        let what = format!("user {user} leaves procurement {id}");
        self.judge("leave", &what, &predicted, &answer, StatusCode::OK);
    }

    /// Moves an order, mostly one where it is the natural next step, to `to`, by whoever
    /// normally does it.
    async fn order_op(&mut self, op: &'static str, to: OrderStatus) {
        let natural = move |o: &Order, p: &Procurement| match to {
            OrderStatus::Confirmed => o.status == OrderStatus::Pending,
            OrderStatus::Paid => o.status == OrderStatus::Confirmed && p.stage == Stage::Payment,
            OrderStatus::Delivered => o.status == OrderStatus::Paid,
            _ => o.status != OrderStatus::Cancelled && !p.stage.is_final(),
        };
        let Some(order) = self.order(natural) else { return };
        let o = &self.model.orders[&order];
        let organizer = self.model.procurements[&o.procurement].organizer;
        let usual = if to == OrderStatus::Paid { o.user } else { organizer };
        let unusual = if to == OrderStatus::Paid { organizer } else { o.user };
        let actor = if self.rng.chance(95) { usual } else { unusual };
        self.set_order(op, order, to, actor).await;
    }

    /// Any order to any status by its buyer, its organizer or a stranger.
    async fn random_order_change(&mut self) {
        let Some(order) = self.order(|o, _| o.status == OrderStatus::Paid) else { return };
        let o = &self.model.orders[&order];
        let actors = [o.user, self.model.procurements[&o.procurement].organizer, self.any_user()];
        let actor = self.rng.pick(&actors);
        let to = self.rng.pick(&OrderStatus::ALL);
        self.set_order("order", order, to, actor).await;
    }

    async fn set_order(&mut self, op: &'static str, order: i64, to: OrderStatus, actor: i64) {
        let predicted = self.model.set_order(order, to, actor);
        let path = format!("/api/procurements/participants/{order}/update_status/");
        let answer = send(self.user(actor, Method::POST, &path).json(&json!({ "status": to.as_str() }))).await;
        let what = format!("user {actor} moves order {order} to {}", to.as_str());
        self.judge(op, &what, &predicted, &answer, StatusCode::OK);
    }

    // --- money out ---

    /// A withdrawal of some of the balance, all of it, more than it, about what the bank holds
    /// for the person (their balance may hold money that never came through the bank), or any.
    async fn withdraw(&mut self) {
        let user = if self.rng.chance(50) { self.rng.pick(&self.organizers) } else { self.rng.pick(&self.buyers) };
        let balance = self.model.balance(Account::Balance(user));
        let cash = self.model.bank.get(&Owner::User(user)).copied().unwrap_or(0);
        let amount = match self.rng.range(0, 99) {
            0..=34 if balance > 1 => self.rng.range(1, balance),
            35..=54 => balance,
            55..=69 => balance + self.rng.range(1, rub(100)),
            70..=84 => cash + self.rng.range(-100, 100),
            _ => self.rng.range(rub(1), rub(2_000)),
        }
        .max(1);
        let predicted = self.model.withdraw(user, amount);
        let body = json!({ "user_id": user, "amount": money(amount), "recipient": payout_details() });
        let answer = send(self.user(user, Method::POST, "/api/payments/withdraw/").json(&body)).await;
        let what = format!(
            "user {user} withdraws {} (balance {}, at the bank {})",
            money(amount),
            money(balance),
            money(cash)
        );
        if self.judge("withdraw", &what, &predicted, &answer, StatusCode::CREATED) {
            self.model.withdrawn(answer.1["id"].as_i64().unwrap(), user, amount);
        }
    }

    /// The workers catch up: every queued job runs, with faults.
    pub async fn drain(&mut self) {
        self.faults.drain().await;
        self.model.run_jobs();
        self.counts.entry("drain").or_default().ok += 1;
        self.note("drain".into());
    }

    /// A worker process killed mid-work, when captures, payouts or transfers are queued and settle
    /// the same in any order; the model and the platform then agree once a fresh worker has
    /// finished. Whether it happened.
    pub async fn kill_a_worker(&mut self) -> bool {
        let queued = self.model.queued();
        if queued == (0, 0, 0) || !self.model.order_does_not_matter() {
            return false;
        }
        let started = std::time::Instant::now();
        let mut fresh = self.faults.kill_a_worker(self.app, queued).await;
        self.model.run_jobs();
        self.note(format!("a worker killed with (captures, payouts, transfers) {queued:?} queued"));
        let users = self.users();
        let waiting = std::time::Instant::now();
        while super::check::bank_work_left(self.app).await
            || !super::check::differences(self.app, &self.model, &users, Accounts::Acting).await.is_empty()
        {
            if waiting.elapsed() > std::time::Duration::from_secs(180) {
                super::check::agree(self.app, &self.model, &users, Accounts::Every, "after a worker was killed").await;
                panic!("a bank operation was left pending after a worker was killed");
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        crate::crash::kill_9(&mut fresh);
        self.faults.injected.kill_seconds += started.elapsed().as_secs();
        super::check::agree(self.app, &self.model, &users, Accounts::Every, "after a worker was killed").await;
        true
    }

    /// Everything still owed happens: deposits are reconciled and every job runs.
    pub async fn settle(&mut self) {
        self.reconcile().await;
        self.drain().await;
    }
}
