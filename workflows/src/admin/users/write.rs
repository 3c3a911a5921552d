//! Staff writes to people: profile edits, activation and verification (one or many), and
//! balance adjustments through the ledger. Each records its audit row in its own transaction.

use super::UserRecord;
use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use crate::staff::Operator;
use crate::staff::audit::{self, Change};
use crate::users::{self, Adjusted, Flag, Role, UserPatch};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

/// What staff may change on a person (balance moves only through [`update_balance`]).
#[derive(Debug, Clone, Default)]
pub struct UserEdit {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub role: Option<Role>,
    pub is_active: Option<bool>,
    pub is_verified: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    Activate,
    Deactivate,
    Verify,
    Unverify,
}

impl BulkAction {
    fn name(self) -> &'static str {
        match self {
            Self::Activate => "activate",
            Self::Deactivate => "deactivate",
            Self::Verify => "verify",
            Self::Unverify => "unverify",
        }
    }

    /// The flag it sets and the value.
    fn assignment(self) -> (Flag, bool) {
        match self {
            Self::Activate => (Flag::Active, true),
            Self::Deactivate => (Flag::Active, false),
            Self::Verify => (Flag::Verified, true),
            Self::Unverify => (Flag::Verified, false),
        }
    }
}

/// What the audit log keeps of a person: the fields staff change.
fn snapshot(r: &UserRecord) -> Value {
    let u = &r.user;
    json!({
        "first_name": u.first_name, "last_name": u.last_name, "phone": u.phone, "email": u.email,
        "role": u.role.to_string(), "is_active": u.is_active, "is_verified": u.is_verified,
    })
}

fn user_change(action: &'static str, id: i64, before: Value, after: Value) -> Change<'static> {
    Change { action, entity: "user", entity_id: id.to_string(), before: Some(before), after: Some(after) }
}

/// Refuses to deactivate the operator's own account, and the last active staff account: the
/// admin app must keep a way in. Deactivations queue on one advisory lock, so two staff members
/// cannot deactivate each other at once; each counts what the other committed.
async fn check_deactivation(conn: &mut PgConnection, operator: Operator, ids: &[i64]) -> DomainResult<()> {
    if let Some(me) = operator.staff_id()
        && ids.contains(&me)
    {
        return Err(DomainError::conflict("cannot_deactivate_self", "you cannot deactivate your own account"));
    }
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('staff_deactivation'))").execute(&mut *conn).await?;
    let (touches_staff, staff_left): (bool, i64) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM users WHERE is_staff AND id = ANY($1)),
                (SELECT count(*) FROM users WHERE is_staff AND is_active AND NOT (id = ANY($1)))",
    )
    .bind(ids)
    .fetch_one(&mut *conn)
    .await?;
    if touches_staff && staff_left == 0 {
        return Err(DomainError::conflict("last_staff", "the last active staff account cannot be deactivated"));
    }
    Ok(())
}

/// A deactivated person's staff sessions end with the change.
async fn end_sessions(conn: &mut PgConnection, ids: &[i64], now: DateTime<Utc>) -> DomainResult<()> {
    for id in ids {
        crate::staff::session::revoke_all(&mut *conn, *id, now).await?;
    }
    Ok(())
}

/// Changes a person's profile, role and flags.
pub async fn update(
    pool: &PgPool,
    operator: Operator,
    id: i64,
    edit: UserEdit,
    now: DateTime<Utc>,
) -> DomainResult<UserRecord> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE").bind(id).execute(&mut *tx).await?;
    let before = super::get(&mut tx, id).await?;
    if edit.is_active == Some(false) && before.user.is_active {
        check_deactivation(&mut tx, operator, &[id]).await?;
        end_sessions(&mut tx, &[id], now).await?;
    }
    let patch = UserPatch {
        first_name: edit.first_name,
        last_name: edit.last_name,
        phone: edit.phone,
        email: edit.email,
        role: edit.role,
        ..UserPatch::default()
    };
    users::update(&mut tx, id, patch).await?;
    for (flag, value) in [(Flag::Active, edit.is_active), (Flag::Verified, edit.is_verified)] {
        if let Some(value) = value {
            users::set_flag(&mut tx, &[id], flag, value).await?;
        }
    }
    let after = super::get(&mut tx, id).await?;
    audit::record(&mut tx, operator, user_change("user.update", id, snapshot(&before), snapshot(&after))).await?;
    tx.commit().await?;
    Ok(after)
}

/// Flips `is_active` in one statement (no read-then-write race); deactivating ends the person's
/// staff sessions. The new value.
pub async fn toggle_active(pool: &PgPool, operator: Operator, id: i64, now: DateTime<Utc>) -> DomainResult<bool> {
    toggle(pool, operator, id, Flag::Active, now).await
}

/// Flips `is_verified` in one statement. The new value.
pub async fn toggle_verified(pool: &PgPool, operator: Operator, id: i64, now: DateTime<Utc>) -> DomainResult<bool> {
    toggle(pool, operator, id, Flag::Verified, now).await
}

async fn toggle(pool: &PgPool, operator: Operator, id: i64, flag: Flag, now: DateTime<Utc>) -> DomainResult<bool> {
    let mut tx = pool.begin().await?;
    let value = users::toggle_flag(&mut tx, id, flag).await?;
    if flag == Flag::Active && !value {
        check_deactivation(&mut tx, operator, &[id]).await?;
        end_sessions(&mut tx, &[id], now).await?;
    }
    let column = flag.column();
    let action = if flag == Flag::Active { "user.toggle_active" } else { "user.toggle_verified" };
    let change = user_change(action, id, json!({ column: !value }), json!({ column: value }));
    audit::record(&mut tx, operator, change).await?;
    tx.commit().await?;
    Ok(value)
}

/// Credits (`amount` > 0, a `bonus`) or debits (< 0, a `withdrawal`) a balance through the
/// ledger, never below zero. The ledger use case runs inside this transaction so the audit row
/// commits with the movement or not at all.
pub async fn update_balance(
    pool: &PgPool,
    operator: Operator,
    id: i64,
    amount: Money,
    description: &str,
) -> DomainResult<Adjusted> {
    let mut tx = pool.begin().await?;
    let key = format!("admin_adjust:{id}:{}", uuid::Uuid::new_v4());
    let description = if description.trim().is_empty() { "Admin balance adjustment" } else { description };
    let adjusted = users::adjust_balance_in(&mut tx, id, amount, key, description).await?;
    let change = user_change(
        "user.update_balance",
        id,
        json!({ "balance": adjusted.old }),
        json!({ "balance": adjusted.new, "amount": amount, "description": description.trim() }),
    );
    audit::record(&mut tx, operator, change).await?;
    tx.commit().await?;
    Ok(adjusted)
}

/// Sets a flag on many people at once; an audit row for each one it changed. How many changed.
pub async fn bulk_action(
    pool: &PgPool,
    operator: Operator,
    ids: &[i64],
    action: BulkAction,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    crate::admin::list::bulk_ids(ids)?;
    let (flag, value) = action.assignment();
    let mut tx = pool.begin().await?;
    if action == BulkAction::Deactivate {
        check_deactivation(&mut tx, operator, ids).await?;
    }
    let changed = users::set_flag(&mut tx, ids, flag, value).await?;
    if action == BulkAction::Deactivate {
        end_sessions(&mut tx, &changed, now).await?;
    }
    for id in &changed {
        let change = Change {
            action: "user.bulk_action",
            entity: "user",
            entity_id: id.to_string(),
            before: Some(json!({ flag.column(): !value })),
            after: Some(json!({ flag.column(): value, "action": action.name() })),
        };
        audit::record(&mut tx, operator, change).await?;
    }
    tx.commit().await?;
    Ok(changed.len() as u64)
}
