//! Which pending deposit each incoming bank payment pays, for a whole batch of payments with a
//! fixed number of queries. Money that pays none is flagged for staff (once), never kept.

use super::deposit::parse_order_code;
use crate::bank::IncomingPayment;
use crate::money::Money;
use sqlx::PgPool;
use std::collections::HashMap;

/// The deposit a payment pays.
#[derive(Debug, Clone)]
pub(super) struct PendingDeposit {
    pub id: i64,
    pub user_id: i64,
    pub description: String,
}

/// The payments that pay a pending deposit, each with it; the others are flagged `unmatched`
/// (the count of those is returned too). A payment already claimed by an earlier run that did
/// not finish keeps the deposit it claimed, whatever the bank says of it now (it may already be
/// identified there).
pub(super) async fn match_deposits(
    pool: &PgPool,
    payments: Vec<IncomingPayment>,
) -> sqlx::Result<(Vec<(IncomingPayment, PendingDeposit)>, usize)> {
    let ids: Vec<&str> = payments.iter().map(|p| p.id.as_str()).collect();
    let claimed: HashMap<String, PendingDeposit> = sqlx::query_as::<_, (String, i64, i64, String)>(
        "SELECT b.payment_id, p.id, p.user_id, p.description FROM bank_incoming b JOIN payments p ON p.id = b.deposit_id
         WHERE b.payment_id = ANY($1) AND b.status = 'identifying'",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(payment, id, user_id, description)| (payment, PendingDeposit { id, user_id, description }))
    .collect();

    // An SBP payment names its QR code (the bank writes its own purpose); a transfer names the
    // order code in the purpose the buyer copied.
    let qrcodes: Vec<&str> = payments.iter().filter_map(|p| p.qrcode_id.as_deref()).collect();
    let by_qrcode: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT metadata->>'qrcode_id', id FROM payments
         WHERE payment_type = 'deposit' AND metadata ? 'qrcode_id' AND metadata->>'qrcode_id' = ANY($1)",
    )
    .bind(&qrcodes)
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    let named: Vec<Result<i64, &str>> = payments
        .iter()
        .map(|p| match &p.qrcode_id {
            Some(qr) => by_qrcode.get(qr).copied().ok_or("no deposit with this SBP QR code"),
            None => parse_order_code(&p.purpose).ok_or("no order code in the purpose"),
        })
        .collect();
    let wanted: Vec<i64> = named.iter().filter_map(|n| n.as_ref().ok().copied()).collect();
    let deposits: HashMap<i64, (i64, Money, String, String)> = sqlx::query_as::<_, (i64, i64, Money, String, String)>(
        "SELECT id, user_id, amount, status, description FROM payments WHERE id = ANY($1) AND payment_type = 'deposit'",
    )
    .bind(&wanted)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, user_id, amount, status, description)| (id, (user_id, amount, status, description)))
    .collect();

    let mut matched = Vec::with_capacity(payments.len());
    let mut unmatched: Vec<(IncomingPayment, String)> = Vec::new();
    for (payment, named) in payments.into_iter().zip(named) {
        if let Some(deposit) = claimed.get(&payment.id) {
            matched.push((payment, deposit.clone()));
            continue;
        }
        let reason = if !payment.can_be_identified() {
            format!("a payment of type '{}' cannot be identified", payment.kind)
        } else {
            match named {
                Err(why) => why.to_string(),
                Ok(id) => match deposits.get(&id) {
                    None => format!("no deposit {id}"),
                    Some((_, _, status, _)) if status != "pending" => format!("deposit {id} is '{status}'"),
                    Some((_, amount, _, _)) if *amount != payment.amount => {
                        format!("deposit {id} is for {amount}, the payment brings {}", payment.amount)
                    }
                    Some((user_id, _, _, description)) => {
                        let deposit = PendingDeposit { id, user_id: *user_id, description: description.clone() };
                        matched.push((payment, deposit));
                        continue;
                    }
                },
            }
        };
        unmatched.push((payment, reason));
    }
    let flagged = unmatched.len();
    flag_unmatched(pool, &unmatched).await?;
    Ok((matched, flagged))
}

/// Records payments that pay no deposit, for staff; a payment flagged before stays as it was.
async fn flag_unmatched(pool: &PgPool, unmatched: &[(IncomingPayment, String)]) -> sqlx::Result<()> {
    if unmatched.is_empty() {
        return Ok(());
    }
    let flagged: Vec<String> = sqlx::query_scalar(
        "INSERT INTO bank_incoming (payment_id, amount, purpose, payer_name, status, reason)
         SELECT id, k / 100.0, purpose, payer, 'unmatched', reason
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(id, k, purpose, payer, reason)
         ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id",
    )
    .bind(unmatched.iter().map(|(p, _)| p.id.as_str()).collect::<Vec<_>>())
    .bind(unmatched.iter().map(|(p, _)| p.amount.kopecks()).collect::<Vec<_>>())
    .bind(unmatched.iter().map(|(p, _)| p.purpose.as_str()).collect::<Vec<_>>())
    .bind(unmatched.iter().map(|(p, _)| p.payer_name.clone().unwrap_or_default()).collect::<Vec<_>>())
    .bind(unmatched.iter().map(|(_, reason)| reason.as_str()).collect::<Vec<_>>())
    .fetch_all(pool)
    .await?;
    let flagged: std::collections::HashSet<String> = flagged.into_iter().collect();
    for (payment, reason) in unmatched.iter().filter(|(p, _)| flagged.contains(&p.id)) {
        tracing::warn!(payment = payment.id, amount = %payment.amount, reason, "incoming payment matches no deposit: flagged for staff");
    }
    Ok(())
}
