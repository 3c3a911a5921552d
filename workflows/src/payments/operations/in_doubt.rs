//! Whether a transfer between virtual accounts whose answer we lost took place, from the bank's
//! own list of the source account's movements (the method takes no key to ask by).
//!
//! A movement is this transfer's when it is a write-off of exactly its amount from its source
//! account, made no earlier than shortly before the request left, to its target account where the
//! bank names one, and not already accounted for by another of our operations (their recorded
//! transfer or payment ids). Operations from one account run one at a time under its lock, and
//! one in doubt is settled before the next goes out, so a second candidate means movements we
//! cannot explain: that is for staff.
//!
//! A request the client gave up on may still be queued at the bank, so "not listed" only counts
//! once the bank's answer window has passed since the request left.
//!
//! Should a movement's fields be missing (the list's shape is not documented for certain), the
//! check errs towards "it happened": a transfer wrongly taken as done leaves money where it was,
//! which `groupbuy doctor` shows against the bank's balances; a transfer sent twice could not be
//! taken back.

use super::row::Operation;
use crate::DomainError;
use crate::bank::{Bank, VirtualTransaction};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::collections::HashSet;
use std::time::Duration;

/// How far the bank's clock may run behind ours.
const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(2);

pub(super) enum Verdict {
    /// The bank lists it, with the transfer's reference.
    Happened(Option<String>),
    /// The bank does not list it and can no longer act on the request.
    DidNotHappen,
    /// Staff must look.
    CannotTell(String),
}

pub(super) async fn find_transfer(
    conn: &mut PgConnection,
    bank: &dyn Bank,
    op: &Operation,
) -> Result<Verdict, DomainError> {
    let sent = op.sending_at.unwrap_or_else(Utc::now);
    let accounted: HashSet<String> = sqlx::query_scalar(
        "SELECT bank_ref FROM bank_operations WHERE from_va = $1 AND key <> $2 AND bank_ref IS NOT NULL",
    )
    .bind(&op.from_va)
    .bind(&op.key)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let window = chrono::Duration::from_std(bank.answer_window()).unwrap_or(chrono::Duration::minutes(1));
    loop {
        let listed = bank.list_virtual_transactions(&op.from_va, sent - CLOCK_SKEW).await?;
        let candidates: Vec<&VirtualTransaction> =
            listed.iter().filter(|t| could_be(t, op, sent, &accounted)).collect();
        match candidates.as_slice() {
            [one] => {
                tracing::info!(key = op.key, movement = one.id, "bank operation in doubt: the bank lists it as done");
                return Ok(Verdict::Happened(Some(reference(one))));
            }
            [] if Utc::now() >= sent + window => {
                tracing::info!(key = op.key, "bank operation in doubt: the bank never carried it out; sending it");
                return Ok(Verdict::DidNotHappen);
            }
            [] => {
                let left = (sent + window - Utc::now()).to_std().unwrap_or_default();
                tokio::time::sleep(left.min(Duration::from_secs(5))).await;
            }
            many => {
                return Ok(Verdict::CannotTell(format!(
                    "{} movements of {} out of {} since {sent} could each be this transfer",
                    many.len(),
                    op.amount,
                    op.from_va
                )));
            }
        }
    }
}

/// What an operation records for a movement: the transfer or payment it belongs to, else its id.
fn reference(t: &VirtualTransaction) -> String {
    t.transfer_id.clone().or_else(|| t.payment_id.clone()).unwrap_or_else(|| t.id.clone())
}

fn could_be(t: &VirtualTransaction, op: &Operation, sent: DateTime<Utc>, accounted: &HashSet<String>) -> bool {
    !t.incoming
        && t.amount == op.amount
        && t.operation_type.as_deref().is_none_or(|kind| kind == "cash_write_off")
        && t.created_at.is_none_or(|at| at >= sent - CLOCK_SKEW)
        && t.counterparty.as_deref().is_none_or(|to| op.to_va.as_deref().is_none_or(|ours| ours == to))
        && !accounted.contains(&reference(t))
}
