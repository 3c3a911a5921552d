//! The model: every balance the platform keeps (the ledger's accounts and the cash on each
//! virtual account at the bank), worked out from what each operation means, never from what the
//! platform answered. It also says which requests must be refused, with which code, and which
//! bank operations the bank must refuse.
//!
//! Work that the platform does later (captures, refunds, bank operations) waits in the model's
//! own queue in the order the platform's outbox holds it, and takes effect when the test drains
//! the jobs: the order matters at the bank, where a transfer or a payout from an account short
//! of cash is refused.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub type Kopecks = i64;

/// A refusal the platform must give: its HTTP status and machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
}

const fn refuse(status: u16, code: &'static str) -> Refusal {
    Refusal { status, code }
}

const NOT_FOUND: Refusal = refuse(404, "not_found");
const FORBIDDEN: Refusal = refuse(403, "forbidden");
const ILLEGAL: Refusal = refuse(409, "illegal_transition");
const INSUFFICIENT: Refusal = refuse(409, "insufficient_funds");
const INVALID: Refusal = refuse(400, "validation_error");

pub type Outcome<T> = Result<T, Refusal>;

/// A ledger account, as the platform names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Account {
    Balance(i64),
    Hold(i64),
    Escrow(i64),
    Commission,
    Clearing,
}

/// Whose virtual account at the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    User(i64),
    Platform,
}

/// The statuses' names are the platform's; which moves are legal is the model's own table.
pub use workflows::participant::ParticipantStatus as OrderStatus;
pub use workflows::procurement::ProcurementStatus as Stage;

/// A procurement goes forward one step, or is cancelled from any stage not final.
fn stage_may_become(from: Stage, to: Stage) -> bool {
    use Stage::*;
    matches!(
        (from, to),
        (Draft, Active)
            | (Active, Stopped)
            | (Stopped, Payment)
            | (Payment, Completed)
            | (Draft | Active | Stopped | Payment, Cancelled)
    )
}

/// The step an organizer would normally take next.
pub fn next_stage(stage: Stage) -> Option<Stage> {
    match stage {
        Stage::Draft => Some(Stage::Active),
        Stage::Active => Some(Stage::Stopped),
        Stage::Stopped => Some(Stage::Payment),
        Stage::Payment => Some(Stage::Completed),
        Stage::Completed | Stage::Cancelled => None,
    }
}

fn order_may_become(from: OrderStatus, to: OrderStatus) -> bool {
    use OrderStatus::*;
    matches!(
        (from, to),
        (Pending, Confirmed) | (Confirmed, Paid) | (Paid, Delivered) | (Pending | Confirmed | Paid, Cancelled)
    )
}

#[derive(Debug, Clone)]
pub struct Procurement {
    pub organizer: i64,
    pub stage: Stage,
    pub price: Kopecks,
    /// Hundredths of a percent.
    pub commission: i64,
    pub stop_at: Option<Kopecks>,
    pub collected: Kopecks,
    pub count: i64,
    /// Its orders in the order they joined (the platform's order of participant ids).
    pub orders: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct Order {
    pub procurement: i64,
    pub user: i64,
    pub amount: Kopecks,
    pub status: OrderStatus,
    /// Paid in and neither captured nor refunded yet.
    pub in_escrow: bool,
}

/// Work the platform does after the request that caused it.
#[derive(Debug, Clone)]
enum Job {
    Capture(i64),
    Refund(i64),
    Transfer { key: String, from: i64, to: Owner, amount: Kopecks },
    Payout { withdrawal: i64, user: i64, amount: Kopecks },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawal {
    Pending,
    Succeeded,
    Cancelled,
}

#[derive(Default)]
pub struct Model {
    pub inn_on_file: BTreeSet<i64>,
    pub procurements: BTreeMap<i64, Procurement>,
    pub orders: BTreeMap<i64, Order>,
    ledger: BTreeMap<Account, Kopecks>,
    /// Cash on each open virtual account.
    pub bank: BTreeMap<Owner, Kopecks>,
    jobs: VecDeque<Job>,
    /// Deposits paid at the bank and not yet reconciled.
    arrived: Vec<(i64, Kopecks)>,
    pub deposits_credited: u64,
    /// Transfers the bank must refuse (the paying account was short): staff see each in the doctor.
    pub refused_transfers: BTreeSet<String>,
    /// Service adjustment keys used, per user: the amount they moved.
    keys: BTreeMap<(i64, String), Kopecks>,
    pub withdrawals: BTreeMap<i64, Withdrawal>,
}

/// An amount times a quantity in hundredths, rounded half up (money is never floating point).
pub fn times(price: Kopecks, quantity_hundredths: i64) -> Kopecks {
    (price * quantity_hundredths + 50).div_euclid(100)
}

/// The platform's commission (in hundredths of a percent) on an amount, rounded half up, and
/// what is left for the organizer.
pub fn split(amount: Kopecks, commission: i64) -> (Kopecks, Kopecks) {
    let fee = (amount * commission + 5_000).div_euclid(10_000);
    (amount - fee, fee)
}

impl Model {
    pub fn balance(&self, account: Account) -> Kopecks {
        self.ledger.get(&account).copied().unwrap_or(0)
    }

    /// Every account the model expects to hold money.
    pub fn accounts(&self) -> BTreeMap<Account, Kopecks> {
        self.ledger.iter().filter(|(_, v)| **v != 0).map(|(k, v)| (*k, *v)).collect()
    }

    fn add(&mut self, account: Account, amount: Kopecks) {
        *self.ledger.entry(account).or_default() += amount;
        assert!(
            account == Account::Clearing || self.balance(account) >= 0,
            "the model took {account:?} below zero: the model is wrong"
        );
    }

    fn transfer(&mut self, from: Account, to: Account, amount: Kopecks) {
        self.add(from, -amount);
        self.add(to, amount);
    }

    // --- money in: deposits through the bank, adjustments by hand ---

    /// Starting a deposit: the bank opens the account under the payer's INN, needed once.
    pub fn deposit(&mut self, user: i64, gives_inn: bool) -> Outcome<()> {
        if !gives_inn && !self.inn_on_file.contains(&user) {
            return Err(INVALID);
        }
        self.inn_on_file.insert(user);
        Ok(())
    }

    /// The payer's bank transfer arrived at the nominal account.
    pub fn deposit_paid(&mut self, user: i64, amount: Kopecks) {
        self.arrived.push((user, amount));
    }

    /// Reconciliation identifies every arrived payment onto its payer's account and credits it.
    pub fn reconcile(&mut self) {
        for (user, amount) in std::mem::take(&mut self.arrived) {
            *self.bank.entry(Owner::User(user)).or_default() += amount;
            self.transfer(Account::Clearing, Account::Balance(user), amount);
            self.deposits_credited += 1;
        }
    }

    /// A service adjustment: `key` makes a repeat of the same one a no-op and a different one
    /// under the same key a refusal, whatever the balance is now.
    pub fn adjust(&mut self, user: i64, amount: Kopecks, key: Option<&str>) -> Outcome<()> {
        if let Some(key) = key {
            match self.keys.get(&(user, key.to_string())) {
                Some(done) if *done == amount => return Ok(()),
                Some(_) => return Err(refuse(409, "idempotency_key_reused")),
                None => {}
            }
        }
        if self.balance(Account::Balance(user)) + amount < 0 {
            return Err(INSUFFICIENT);
        }
        self.transfer(Account::Clearing, Account::Balance(user), amount);
        if let Some(key) = key {
            self.keys.insert((user, key.to_string()), amount);
        }
        Ok(())
    }

    // --- procurements ---

    pub fn open(&mut self, id: i64, organizer: i64, price: Kopecks, commission: i64, stop_at: Option<Kopecks>) {
        let p = Procurement {
            organizer,
            stage: Stage::Draft,
            price,
            commission,
            stop_at,
            collected: 0,
            count: 0,
            orders: Vec::new(),
        };
        self.procurements.insert(id, p);
    }

    /// The organizer (or `actor`, whoever it is) moves a procurement to `to`.
    pub fn set_stage(&mut self, id: i64, to: Stage, actor: i64) -> Outcome<()> {
        let p = &self.procurements[&id];
        if p.stage == Stage::Draft && actor != p.organizer {
            return Err(NOT_FOUND);
        }
        if actor != p.organizer {
            return Err(FORBIDDEN);
        }
        if !stage_may_become(p.stage, to) {
            return Err(ILLEGAL);
        }
        let active: Vec<i64> =
            p.orders.iter().copied().filter(|o| self.orders[o].status != OrderStatus::Cancelled).collect();
        if to == Stage::Cancelled && active.iter().any(|o| self.orders[o].status == OrderStatus::Delivered) {
            return Err(refuse(409, "goods_delivered"));
        }
        for order in active {
            let status = self.orders[&order].status;
            let paid = matches!(status, OrderStatus::Paid | OrderStatus::Delivered);
            if to == Stage::Completed && paid {
                self.jobs.push_back(Job::Capture(order));
            } else if matches!(to, Stage::Completed | Stage::Cancelled) {
                self.cancel(order);
            }
        }
        self.procurements.get_mut(&id).expect("exists").stage = to;
        Ok(())
    }

    /// Cancels an order: out of the procurement's totals, and its paid share refunded by a job.
    fn cancel(&mut self, order: i64) {
        let o = self.orders.get_mut(&order).expect("exists");
        if o.status == OrderStatus::Paid {
            self.jobs.push_back(Job::Refund(order));
        }
        o.status = OrderStatus::Cancelled;
        let (procurement, amount) = (o.procurement, o.amount);
        let p = self.procurements.get_mut(&procurement).expect("exists");
        p.collected -= amount;
        p.count -= 1;
    }

    fn active_order(&self, procurement: i64, user: i64) -> Option<i64> {
        self.procurements[&procurement]
            .orders
            .iter()
            .copied()
            .find(|o| self.orders[o].user == user && self.orders[o].status != OrderStatus::Cancelled)
    }

    /// A join of `quantity` (hundredths of a unit): the order's amount, or the refusal.
    pub fn join(&self, procurement: i64, user: i64, quantity: i64) -> Outcome<Kopecks> {
        let p = &self.procurements[&procurement];
        if p.stage == Stage::Draft && p.organizer != user {
            return Err(NOT_FOUND);
        }
        if p.organizer == user {
            return Err(FORBIDDEN);
        }
        if p.stage != Stage::Active {
            return Err(refuse(409, "not_joinable"));
        }
        if p.stop_at.is_some_and(|stop| p.collected >= stop) {
            return Err(refuse(409, "stop_amount_exceeded"));
        }
        if quantity < 100 {
            return Err(INVALID); // below the minimum quantity of one unit
        }
        let amount = times(p.price, quantity);
        if self.active_order(procurement, user).is_some() {
            return Err(refuse(409, "already_participating"));
        }
        if p.stop_at.is_some_and(|stop| p.collected + amount > stop) {
            return Err(refuse(409, "stop_amount_exceeded"));
        }
        Ok(amount)
    }

    /// The join went through as order `id`; landing on the stop amount stops the procurement.
    pub fn joined(&mut self, id: i64, procurement: i64, user: i64, amount: Kopecks) {
        let order = Order { procurement, user, amount, status: OrderStatus::Pending, in_escrow: false };
        self.orders.insert(id, order);
        let p = self.procurements.get_mut(&procurement).expect("exists");
        p.orders.push(id);
        p.collected += amount;
        p.count += 1;
        if p.stop_at.is_some_and(|stop| p.collected >= stop) {
            p.stage = Stage::Stopped;
        }
    }

    pub fn leave(&mut self, procurement: i64, user: i64) -> Outcome<()> {
        let p = &self.procurements[&procurement];
        if p.stage == Stage::Draft && p.organizer != user {
            return Err(NOT_FOUND);
        }
        let order = self.active_order(procurement, user).ok_or(refuse(409, "not_participating"))?;
        if p.stage != Stage::Active {
            return Err(refuse(409, "cannot_leave"));
        }
        self.cancel(order);
        Ok(())
    }

    /// `actor` moves order `id` to `to`: confirm and deliver are the organizer's, paying is the
    /// buyer's (from their balance into escrow), removing is the organizer's or, while the
    /// procurement is active, the buyer's.
    pub fn set_order(&mut self, id: i64, to: OrderStatus, actor: i64) -> Outcome<()> {
        use OrderStatus::*;
        let o = &self.orders[&id];
        let p = &self.procurements[&o.procurement];
        if !order_may_become(o.status, to) {
            return Err(ILLEGAL);
        }
        let allowed = match to {
            Confirmed | Delivered => actor == p.organizer,
            Paid => actor == o.user,
            Cancelled => actor == p.organizer || (actor == o.user && p.stage == Stage::Active),
            Pending => unreachable!("nothing moves back to pending"),
        };
        if !allowed {
            return Err(FORBIDDEN);
        }
        let stages: &[Stage] = match to {
            Confirmed => &[Stage::Active, Stage::Stopped, Stage::Payment],
            Paid => &[Stage::Payment],
            Delivered => &[Stage::Payment, Stage::Completed],
            _ => &[Stage::Draft, Stage::Active, Stage::Stopped, Stage::Payment],
        };
        if !stages.contains(&p.stage) {
            return Err(refuse(409, "procurement_state"));
        }
        let (user, amount, procurement) = (o.user, o.amount, o.procurement);
        match to {
            Cancelled => self.cancel(id),
            Paid => {
                if self.balance(Account::Balance(user)) < amount {
                    return Err(INSUFFICIENT);
                }
                self.transfer(Account::Balance(user), Account::Escrow(procurement), amount);
                let o = self.orders.get_mut(&id).expect("exists");
                o.status = Paid;
                o.in_escrow = true;
            }
            _ => self.orders.get_mut(&id).expect("exists").status = to,
        }
        Ok(())
    }

    // --- money out ---

    /// A withdrawal is paid out from the person's account at the bank, which only a deposit
    /// or money received there opens; the amount is held on the ledger at once.
    pub fn withdraw(&self, user: i64, amount: Kopecks) -> Outcome<()> {
        if !self.bank.contains_key(&Owner::User(user)) {
            return Err(refuse(409, "no_bank_account"));
        }
        if self.balance(Account::Balance(user)) < amount {
            return Err(INSUFFICIENT);
        }
        Ok(())
    }

    pub fn withdrawn(&mut self, withdrawal: i64, user: i64, amount: Kopecks) {
        self.transfer(Account::Balance(user), Account::Hold(user), amount);
        self.withdrawals.insert(withdrawal, Withdrawal::Pending);
        self.jobs.push_back(Job::Payout { withdrawal, user, amount });
    }

    // --- the jobs ---

    /// Runs every queued job, and the jobs they queue, in queue order: what a drain does.
    pub fn run_jobs(&mut self) {
        while let Some(job) = self.jobs.pop_front() {
            match job {
                Job::Capture(order) => self.capture(order),
                Job::Refund(order) => {
                    let o = self.orders.get_mut(&order).expect("exists");
                    if std::mem::take(&mut o.in_escrow) {
                        let (user, amount, procurement) = (o.user, o.amount, o.procurement);
                        self.transfer(Account::Escrow(procurement), Account::Balance(user), amount);
                    }
                }
                Job::Transfer { key, from, to, amount } => {
                    // The receiving account is opened first, whatever the bank then says.
                    self.bank.entry(to).or_default();
                    let cash = self.bank.get_mut(&Owner::User(from)).expect("a transfer leaves an open account");
                    if *cash < amount {
                        self.refused_transfers.insert(key);
                    } else {
                        *cash -= amount;
                        *self.bank.get_mut(&to).expect("opened above") += amount;
                    }
                }
                Job::Payout { withdrawal, user, amount } => {
                    let cash = self.bank.get_mut(&Owner::User(user)).expect("a payout leaves an open account");
                    let paid = *cash >= amount;
                    if paid {
                        *cash -= amount;
                    }
                    let to = if paid { Account::Clearing } else { Account::Balance(user) };
                    self.transfer(Account::Hold(user), to, amount);
                    let settled = if paid { Withdrawal::Succeeded } else { Withdrawal::Cancelled };
                    self.withdrawals.insert(withdrawal, settled);
                }
            }
        }
    }

    /// A paid share goes from escrow to the organizer less commission; at the bank the same
    /// money leaves the buyer's account, if they have one (money that never came through the
    /// bank, a bonus, has nothing there to move).
    fn capture(&mut self, order: i64) {
        let o = self.orders.get_mut(&order).expect("exists");
        o.in_escrow = false;
        let (user, amount, procurement) = (o.user, o.amount, o.procurement);
        let p = &self.procurements[&procurement];
        let (organizer, (net, fee)) = (p.organizer, split(amount, p.commission));
        if self.bank.contains_key(&Owner::User(user)) {
            let key = format!("capture:participant:{order}");
            let legs = [
                (format!("{key}:organizer"), Owner::User(organizer), net),
                (format!("{key}:commission"), Owner::Platform, fee),
            ];
            for (key, to, amount) in legs.into_iter().filter(|leg| leg.2 > 0) {
                self.jobs.push_back(Job::Transfer { key, from: user, to, amount });
            }
        }
        self.add(Account::Escrow(procurement), -amount);
        self.add(Account::Balance(organizer), net);
        self.add(Account::Commission, fee);
    }

    /// Whether the queued jobs have the same outcome in any order: every account they pay from
    /// holds enough for all of them. Only then may jobs run on a real worker process, whose two
    /// concurrent runners take them in an order the model cannot know.
    pub fn order_does_not_matter(&self) -> bool {
        let mut owed: BTreeMap<Owner, Kopecks> = BTreeMap::new();
        for job in &self.jobs {
            match job {
                Job::Transfer { from, amount, .. } | Job::Payout { user: from, amount, .. } => {
                    *owed.entry(Owner::User(*from)).or_default() += amount;
                }
                Job::Capture(order) => {
                    let o = &self.orders[order];
                    if self.bank.contains_key(&Owner::User(o.user)) {
                        *owed.entry(Owner::User(o.user)).or_default() += o.amount;
                    }
                }
                Job::Refund(_) => {}
            }
        }
        owed.iter().all(|(owner, amount)| self.bank.get(owner).copied().unwrap_or(0) >= *amount)
    }

    /// What kinds of work are queued: (captures, payouts, transfers including those captures
    /// will make).
    pub fn queued(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for job in &self.jobs {
            match job {
                Job::Capture(order) => {
                    counts.0 += 1;
                    if self.bank.contains_key(&Owner::User(self.orders[order].user)) {
                        counts.2 += 1;
                    }
                }
                Job::Payout { .. } => counts.1 += 1,
                Job::Transfer { .. } => counts.2 += 1,
                Job::Refund(_) => {}
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_up_in_kopecks() {
        assert_eq!(times(13_337, 150), 20_006); // 133.37 × 1.5 = 200.055
        assert_eq!(split(10_001, 250), (9_751, 250)); // 2.5 % of 100.01 = 2.50025
        assert_eq!(split(20_000, 1_000), (18_000, 2_000));
        assert_eq!(split(1, 0), (1, 0));
    }
}
