//! The three views of the money compared: the model's, the platform's as its API reports it and
//! as its ledger and the bank hold it, and `groupbuy doctor`'s.

use super::model::{Account, Kopecks, Model, Owner, Withdrawal};
use crate::lifecycle::balance;
use crate::support::TestApp;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use workflows::{Money, StateName};

fn decimal(kopecks: Kopecks) -> Decimal {
    Decimal::new(kopecks, 2)
}

/// Every ledger account holding money, named as the model names it.
async fn ledger(app: &TestApp) -> BTreeMap<Account, Kopecks> {
    let rows: Vec<(String, Option<i64>, Option<i64>, Money)> =
        sqlx::query_as("SELECT kind, user_id, procurement_id, balance FROM ledger_accounts WHERE balance <> 0")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(kind, user, procurement, balance)| {
            let account = match (kind.as_str(), user, procurement) {
                ("user_balance", Some(user), _) => Account::Balance(user),
                ("user_hold", Some(user), _) => Account::Hold(user),
                ("escrow", _, Some(procurement)) => Account::Escrow(procurement),
                ("commission", _, _) => Account::Commission,
                ("bank_clearing", _, _) => Account::Clearing,
                other => panic!("a ledger account the model does not know: {other:?}"),
            };
            (account, balance.kopecks())
        })
        .collect()
}

/// What each open virtual account holds at the sandbox bank (the platform's and, unless every
/// account is asked for, only those of `users`).
async fn bank(app: &TestApp, users: Option<&[i64]>) -> BTreeMap<Owner, Kopecks> {
    let mut accounts: Vec<(Owner, String)> =
        sqlx::query_as::<_, (i64, String)>("SELECT user_id, virtual_account FROM bank_accounts")
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|(user, va)| (Owner::User(user), va))
            .collect();
    let platform: Option<String> = sqlx::query_scalar("SELECT virtual_account FROM platform_bank_account")
        .fetch_optional(&app.pool)
        .await
        .unwrap();
    accounts.extend(platform.map(|va| (Owner::Platform, va)));
    let mut held = BTreeMap::new();
    for (owner, va) in accounts {
        if !asked(users, owner) {
            continue;
        }
        let account = app.bank.get_virtual_account(&va).await.unwrap();
        held.insert(owner, account.cash.checked_add(account.blocked_cash).unwrap().kopecks());
    }
    held
}

fn asked(users: Option<&[i64]>, owner: Owner) -> bool {
    match (users, owner) {
        (Some(users), Owner::User(user)) => users.contains(&user),
        _ => true,
    }
}

/// The latest bank operations, to tell which one the model did not expect.
async fn bank_operations(app: &TestApp) -> Vec<(String, String, Money)> {
    sqlx::query_as("SELECT key, status, amount FROM bank_operations ORDER BY updated_at DESC LIMIT 12")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// Adds a line per key whose value differs between the model and the platform.
fn compare<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    what: &str,
    model: &BTreeMap<K, V>,
    platform: &BTreeMap<K, V>,
    out: &mut Vec<String>,
) {
    let keys: BTreeSet<&K> = model.keys().chain(platform.keys()).collect();
    for key in keys {
        let (m, p) = (model.get(key), platform.get(key));
        if m != p {
            out.push(format!("{what} {key:?}: model {m:?}, platform {p:?}"));
        }
    }
}

/// Which bank accounts to compare: asking the bank costs a signed request each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accounts {
    /// The platform's and those of the people acting now.
    Acting,
    Every,
}

/// Where the platform and the model part ways (empty when they agree): the ledger's accounts,
/// the balances the API reports for `users`, the bank's accounts, every procurement's and
/// order's state, withdrawals and credited deposits, and the doctor's ledger checks.
pub async fn differences(app: &TestApp, model: &Model, users: &[i64], accounts: Accounts) -> Vec<String> {
    let mut out = Vec::new();
    compare("ledger account", &model.accounts(), &ledger(app).await, &mut out);
    for &user in users {
        let reported = balance(app, user).await;
        let expected = decimal(model.balance(Account::Balance(user)));
        if reported != expected {
            out.push(format!("the API reports user {user}'s balance as {reported}, the model {expected}"));
        }
    }
    let asking = (accounts == Accounts::Acting).then_some(users);
    let expected: BTreeMap<Owner, Kopecks> =
        model.bank.iter().filter(|(owner, _)| asked(asking, **owner)).map(|(k, v)| (*k, *v)).collect();
    let mut at_bank = Vec::new();
    compare("bank account", &expected, &bank(app, asking).await, &mut at_bank);
    if !at_bank.is_empty() {
        at_bank.push(format!("the bank operations: {:?}", bank_operations(app).await));
    }
    out.extend(at_bank);

    type ProcurementRow = (i64, String, Money, i32);
    let procurements: BTreeMap<i64, (String, Kopecks, i64)> =
        sqlx::query_as::<_, ProcurementRow>("SELECT id, status, current_amount, participant_count FROM procurements")
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, status, collected, count)| (id, (status, collected.kopecks(), i64::from(count))))
            .collect();
    let expected: BTreeMap<i64, (String, Kopecks, i64)> =
        model.procurements.iter().map(|(id, p)| (*id, (p.stage.as_str().to_string(), p.collected, p.count))).collect();
    compare("procurement (status, collected, orders)", &expected, &procurements, &mut out);

    let orders: BTreeMap<i64, (String, bool)> = sqlx::query_as::<_, (i64, String, bool)>(
        "SELECT pa.id, pa.status, EXISTS (SELECT 1 FROM payments py WHERE py.participant_id = pa.id
                 AND py.payment_type = 'procurement_payment' AND py.status = 'waiting_for_capture')
         FROM participants pa",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(id, status, held)| (id, (status, held)))
    .collect();
    let expected: BTreeMap<i64, (String, bool)> =
        model.orders.iter().map(|(id, o)| (*id, (o.status.as_str().to_string(), o.in_escrow))).collect();
    compare("order (status, in escrow)", &expected, &orders, &mut out);

    let withdrawals: BTreeMap<i64, String> =
        sqlx::query_as::<_, (i64, String)>("SELECT id, status FROM payments WHERE payment_type = 'withdrawal'")
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let expected: BTreeMap<i64, String> = model
        .withdrawals
        .iter()
        .map(|(id, w)| {
            let status = match w {
                Withdrawal::Pending => "pending",
                Withdrawal::Succeeded => "succeeded",
                Withdrawal::Cancelled => "cancelled",
            };
            (*id, status.to_string())
        })
        .collect();
    compare("withdrawal", &expected, &withdrawals, &mut out);

    let credited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM payments WHERE payment_type = 'deposit' AND status = 'succeeded'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    if credited as u64 != model.deposits_credited {
        out.push(format!("{credited} deposits credited, the model {}", model.deposits_credited));
    }
    // Between operations nothing talks to the bank, so no bank lock may be held: one left on a
    // pooled connection would stall every later operation on that account.
    let locks: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    if locks > 0 {
        out.push(format!("{locks} bank locks held with no operation running"));
    }
    let findings = workflows::doctor::examine(&app.pool, None).await.unwrap();
    out.extend(findings.iter().map(|f| format!("doctor (ledger): {f}")));
    out
}

/// The model and the platform agree; panics with every difference otherwise.
pub async fn agree(app: &TestApp, model: &Model, users: &[i64], accounts: Accounts, when: &str) {
    let found = differences(app, model, users, accounts).await;
    assert!(found.is_empty(), "{when}: the platform and the model disagree:\n{}", found.join("\n"));
}

/// Whether a bank operation is still waiting or in flight.
pub async fn bank_work_left(app: &TestApp) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM bank_operations WHERE status IN ('pending', 'sending'))")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The full `groupbuy doctor` (the books and the bank) finds exactly what the model expects:
/// each transfer the bank refused, for staff, and nothing else.
pub async fn doctor_agrees(app: &TestApp, model: &Model) {
    let findings = workflows::doctor::examine(&app.pool, Some(app.bank.as_ref())).await.unwrap();
    let mut refused = BTreeSet::new();
    for f in &findings {
        let key = f.detail.strip_prefix("bank operation ").and_then(|rest| rest.split(' ').next());
        match key {
            Some(key) if f.check == "staff" && f.detail.contains(": failed") => {
                refused.insert(key.to_string());
            }
            _ => panic!("doctor: a finding the model does not expect: {f}\nall findings: {findings:#?}"),
        }
    }
    assert_eq!(refused, model.refused_transfers, "doctor: the transfers the bank refused");
}
