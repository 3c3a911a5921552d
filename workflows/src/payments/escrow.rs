//! The payment row that follows a participant's share in escrow: `waiting_for_capture` when paid
//! in, then `succeeded` (captured to the organizer) or `refunded`.

use crate::money::Money;
use sqlx::PgConnection;

/// The payment of `participant_id`'s share into procurement `procurement_id`'s escrow.
pub(crate) async fn record_share(
    conn: &mut PgConnection,
    user_id: i64,
    procurement_id: i64,
    participant_id: i64,
    amount: Money,
    description: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO payments (user_id, payment_type, amount, status, provider, procurement_id, participant_id, description)
         VALUES ($1, 'procurement_payment', $2, 'waiting_for_capture', 'tochka', $3, $4, $5)
         RETURNING id",
    )
    .bind(user_id)
    .bind(amount)
    .bind(procurement_id)
    .bind(participant_id)
    .bind(description)
    .fetch_one(conn)
    .await
}

/// The share left escrow: `succeeded` or `refunded`.
pub(crate) async fn settle_share(conn: &mut PgConnection, participant_id: i64, status: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE payments SET status = $2, paid_at = COALESCE(paid_at, now()), updated_at = now()
         WHERE participant_id = $1 AND payment_type = 'procurement_payment' AND status = 'waiting_for_capture'",
    )
    .bind(participant_id)
    .bind(status)
    .execute(conn)
    .await?;
    Ok(())
}
