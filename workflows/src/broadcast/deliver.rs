//! The job that sends a broadcast to one target, and the broadcast's own progress:
//! QUEUED → SENDING when a target's job begins, SENDING → COMPLETED when none is left unsettled.

use crate::messenger::{Messenger, Outbound, Platform};
use crate::notify::{Claim, SendLog};
use crate::queue::{Job, JobError};
use sqlx::PgPool;

/// Targets are sent only while their broadcast runs: a cancelled one's stay unsent.
const TARGETS: SendLog = SendLog {
    table: "broadcast_targets",
    live: "EXISTS (SELECT 1 FROM broadcasts b WHERE b.id = t.broadcast_id AND b.status IN ('queued', 'sending'))",
};

#[derive(sqlx::FromRow)]
struct Row {
    broadcast_id: i64,
    platform: String,
    chat_id: String,
    text: String,
}

/// Sends the broadcast to one target, at most once however often it runs.
pub async fn deliver_target(
    pool: &PgPool,
    messenger: &dyn Messenger,
    job: &Job,
    target_id: i64,
) -> Result<(), JobError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT t.broadcast_id, t.platform, t.chat_id, b.text
         FROM broadcast_targets t JOIN broadcasts b ON b.id = t.broadcast_id WHERE t.id = $1",
    )
    .bind(target_id)
    .fetch_optional(pool)
    .await?;
    // Deleted with its broadcast: nothing to send.
    let Some(row) = row else { return Ok(()) };
    let platform = Platform::parse(&row.platform).ok_or_else(|| {
        JobError::Permanent(format!("broadcast target {target_id}: unknown platform {}", row.platform))
    })?;
    begin(pool, row.broadcast_id).await?;
    if !messenger.serves(platform) {
        TARGETS.give_up(pool, target_id, &format!("no {} bot is configured", platform.as_str())).await?;
    } else if let Claim::Send { attempts } = TARGETS.claim(pool, target_id, job).await? {
        let outbound = Outbound {
            platform,
            chat_id: row.chat_id,
            text: row.text,
            key: format!("broadcast:{}:target:{target_id}", row.broadcast_id),
        };
        let result = messenger.send(&outbound).await;
        TARGETS.record(pool, target_id, job, attempts, result).await?;
    }
    finish_if_settled(pool, row.broadcast_id).await
}

/// QUEUED → SENDING (a no-op in any other state: later targets, a cancelled broadcast).
async fn begin(pool: &PgPool, broadcast_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE broadcasts SET status = 'sending', updated_at = now() WHERE id = $1 AND status = 'queued'")
        .bind(broadcast_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// SENDING → COMPLETED once every target is sent or failed. Each target's job looks after its
/// own record is committed, so whichever settles last sees none left.
async fn finish_if_settled(pool: &PgPool, broadcast_id: i64) -> Result<(), JobError> {
    sqlx::query(
        "UPDATE broadcasts SET status = 'completed', finished_at = now(), updated_at = now()
         WHERE id = $1 AND status = 'sending' AND NOT EXISTS (
             SELECT 1 FROM broadcast_targets WHERE broadcast_id = $1 AND status IN ('pending', 'sending'))",
    )
    .bind(broadcast_id)
    .execute(pool)
    .await?;
    Ok(())
}
