//! Movements at the bank: recorded `pending` in the transaction of the ledger change that calls
//! for them, then carried out by a job ([`carry_out`]), each at most once whatever dies when, and
//! never silently not at all (what cannot be settled is parked for staff).

mod carry;
mod in_doubt;
mod row;

pub use carry::carry_out;

use crate::bank::BankRequisites;
use crate::money::Money;
use crate::outbox;
use crate::queue::Job;
use serde_json::json;
use sqlx::PgConnection;

/// Whose account a transfer goes to.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    User(i64),
    Platform,
}

impl Owner {
    fn code(self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Platform => "platform".into(),
        }
    }

    fn parse(code: &str) -> Option<Self> {
        match code {
            "platform" => Some(Self::Platform),
            user => user.strip_prefix("user:")?.parse().ok().map(Self::User),
        }
    }
}

/// Records a transfer of `amount` from `from_va` to `to`'s account, and queues its job.
pub async fn record_transfer(
    conn: &mut PgConnection,
    key: &str,
    from_va: &str,
    to: Owner,
    amount: Money,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO bank_operations (key, kind, from_va, to_owner, amount) VALUES ($1, 'transfer', $2, $3, $4)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(from_va)
    .bind(to.code())
    .bind(amount)
    .execute(&mut *conn)
    .await?;
    outbox::enqueue(conn, &Job::BankOperation { key: key.into() }, None).await
}

/// Records a payout of `amount` from `from_va` to `recipient`'s bank account for withdrawal
/// `payment_id`, and queues its job.
pub async fn record_payout(
    conn: &mut PgConnection,
    key: &str,
    from_va: &str,
    amount: Money,
    recipient: &BankRequisites,
    payment_id: i64,
) -> sqlx::Result<()> {
    let recipient = json!({
        "account": recipient.account, "bank_code": recipient.bank_code, "name": recipient.name,
        "inn": recipient.inn, "kpp": recipient.kpp,
    });
    sqlx::query(
        "INSERT INTO bank_operations (key, kind, from_va, amount, recipient, payment_id)
         VALUES ($1, 'payout', $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(from_va)
    .bind(amount)
    .bind(recipient)
    .bind(payment_id)
    .execute(&mut *conn)
    .await?;
    outbox::enqueue(conn, &Job::BankOperation { key: key.into() }, None).await
}

/// The bank side of a capture: the buyer's share leaves their virtual account, the net to the
/// organizer's and the commission to the platform's. A buyer without an account at the bank paid
/// with money that never came through it (a bonus), so nothing moves there.
pub async fn record_capture(
    conn: &mut PgConnection,
    participant_id: i64,
    buyer: i64,
    organizer: i64,
    net: Money,
    fee: Money,
) -> sqlx::Result<()> {
    let va: Option<String> = sqlx::query_scalar("SELECT virtual_account FROM bank_accounts WHERE user_id = $1")
        .bind(buyer)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(va) = va else { return Ok(()) };
    let key = format!("capture:participant:{participant_id}");
    if net.is_positive() {
        record_transfer(conn, &format!("{key}:organizer"), &va, Owner::User(organizer), net).await?;
    }
    if fee.is_positive() {
        record_transfer(conn, &format!("{key}:commission"), &va, Owner::Platform, fee).await?;
    }
    Ok(())
}
