//! `groupbuy doctor`: checks that the books add up, and that our view of the bank is the bank's.
//!
//! Ledger: all entries sum to zero, every transaction balances, every account's balance equals
//! its entries, every procurement's escrow equals what its participants have paid and not yet
//! had captured or refunded. Bank: every virtual account holds what our records say moved
//! through it (identified deposits in, transfers and payouts out), every credited deposit is
//! identified at the bank for its amount, and nothing waits on staff (money matching no deposit,
//! a bank operation parked because the bank could not say whether it happened, a transfer the
//! bank refused after the ledger moved, one pending or in doubt too long).

use crate::bank::Bank;
use crate::money::Money;
use sqlx::PgPool;
use std::fmt;

/// One discrepancy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: &'static str,
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.check, self.detail)
    }
}

fn finding(check: &'static str, detail: impl Into<String>) -> Finding {
    Finding { check, detail: detail.into() }
}

/// Every check; with `bank`, also the comparison with the bank. Empty means healthy.
pub async fn examine(pool: &PgPool, bank: Option<&dyn Bank>) -> Result<Vec<Finding>, sqlx::Error> {
    let mut findings = ledger(pool).await?;
    if let Some(bank) = bank {
        findings.extend(against_bank(pool, bank).await?);
    }
    Ok(findings)
}

async fn ledger(pool: &PgPool) -> Result<Vec<Finding>, sqlx::Error> {
    let mut out = Vec::new();
    let total: Money =
        sqlx::query_scalar("SELECT COALESCE(sum(amount), 0) FROM ledger_entries").fetch_one(pool).await?;
    if total != Money::ZERO {
        out.push(finding("ledger_sum", format!("all entries sum to {total}, not 0.00")));
    }
    let unbalanced: Vec<(String, Money)> = sqlx::query_as(
        "SELECT t.idempotency_key, sum(e.amount) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
         GROUP BY t.id HAVING sum(e.amount) <> 0 LIMIT 20",
    )
    .fetch_all(pool)
    .await?;
    for (key, sum) in unbalanced {
        out.push(finding("transaction_balance", format!("transaction '{key}' is off by {sum}")));
    }
    // kind, owner (user or procurement), stored balance, sum of entries
    type Drift = (String, Option<i64>, Option<i64>, Money, Money);
    let drifted: Vec<Drift> = sqlx::query_as(
        "SELECT a.kind, a.user_id, a.procurement_id, a.balance,
                COALESCE((SELECT sum(amount) FROM ledger_entries WHERE account_id = a.id), 0)
         FROM ledger_accounts a
         WHERE a.balance <> COALESCE((SELECT sum(amount) FROM ledger_entries WHERE account_id = a.id), 0) LIMIT 20",
    )
    .fetch_all(pool)
    .await?;
    for (kind, user, procurement, balance, entries) in drifted {
        let owner = user.or(procurement).map_or(String::new(), |id| format!(" {id}"));
        out.push(finding("account_balance", format!("{kind}{owner} says {balance}, its entries sum to {entries}")));
    }
    let escrows: Vec<(i64, Money, Money)> = sqlx::query_as(
        "WITH held AS (
             SELECT procurement_id, sum(amount) AS paid FROM payments
             WHERE payment_type = 'procurement_payment' AND status = 'waiting_for_capture' GROUP BY procurement_id
         )
         SELECT COALESCE(a.procurement_id, h.procurement_id), COALESCE(a.balance, 0), COALESCE(h.paid, 0)
         FROM (SELECT procurement_id, balance FROM ledger_accounts WHERE kind = 'escrow') a
         FULL JOIN held h ON h.procurement_id = a.procurement_id
         WHERE COALESCE(a.balance, 0) <> COALESCE(h.paid, 0) LIMIT 20",
    )
    .fetch_all(pool)
    .await?;
    for (procurement, escrow, paid) in escrows {
        out.push(finding(
            "escrow",
            format!("procurement {procurement} holds {escrow} in escrow, its paid participants {paid}"),
        ));
    }
    Ok(out)
}

async fn against_bank(pool: &PgPool, bank: &dyn Bank) -> Result<Vec<Finding>, sqlx::Error> {
    let mut out = Vec::new();
    // What each account should hold by our records.
    let expected: Vec<(String, Money)> = sqlx::query_as(
        "WITH moves AS (
             SELECT ba.virtual_account AS va, b.amount FROM bank_incoming b
             JOIN payments p ON p.id = b.deposit_id JOIN bank_accounts ba ON ba.user_id = p.user_id
             WHERE b.status = 'identified'
             UNION ALL SELECT from_va, -amount FROM bank_operations WHERE status = 'done'
             UNION ALL SELECT to_va, amount FROM bank_operations WHERE status = 'done' AND kind = 'transfer'
             UNION ALL SELECT virtual_account, 0 FROM bank_accounts
             UNION ALL SELECT virtual_account, 0 FROM platform_bank_account
         )
         SELECT va, sum(amount) FROM moves GROUP BY va ORDER BY va",
    )
    .fetch_all(pool)
    .await?;
    for (va, want) in expected {
        match bank.get_virtual_account(&va).await {
            Ok(account) => {
                let held = account.cash.checked_add(account.blocked_cash).unwrap_or(account.cash);
                if held != want {
                    out.push(finding(
                        "bank_balance",
                        format!("virtual account {va}: the bank holds {held}, our records {want}"),
                    ));
                }
            }
            Err(e) => out.push(finding("bank_balance", format!("virtual account {va}: the bank did not answer: {e}"))),
        }
    }
    let credited: Vec<(i64, String, Money)> = sqlx::query_as(
        "SELECT id, external_id, amount FROM payments
         WHERE payment_type = 'deposit' AND status = 'succeeded' AND external_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    for (id, bank_id, amount) in credited {
        match bank.get_payment(&bank_id).await {
            Ok(p) if p.identified && p.amount == amount => {}
            Ok(p) => out.push(finding(
                "deposit",
                format!(
                    "deposit {id}: bank payment {bank_id} is {} for {}, we credited {amount}",
                    if p.identified { "identified" } else { "not identified" },
                    p.amount
                ),
            )),
            Err(e) => out.push(finding("deposit", format!("deposit {id}: bank payment {bank_id}: {e}"))),
        }
    }
    let waiting: Vec<(String, String, Money, String)> = sqlx::query_as(
        "SELECT 'unmatched incoming payment ' || payment_id, reason, amount, '' FROM bank_incoming WHERE status = 'unmatched'
         UNION ALL
         SELECT 'bank operation ' || key, status, amount, error FROM bank_operations
         WHERE status = 'unknown'
            OR (status = 'failed' AND kind = 'transfer')
            OR (status = 'pending' AND created_at < now() - interval '10 minutes')
            OR (status = 'sending' AND sending_at < now() - interval '10 minutes')",
    )
    .fetch_all(pool)
    .await?;
    for (what, state, amount, error) in waiting {
        out.push(finding("staff", format!("{what} ({amount}): {state} {error}").trim().to_string()));
    }
    Ok(out)
}
