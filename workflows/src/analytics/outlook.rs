//! A person's procurements with the success outlook of those they organize and are still
//! collecting for (the bot's `/my_procurements`): one use case, so the adapter renders a single
//! answer. The outlook comes from the served success version, or from the original formula while
//! none is served, and says which. It is shown, not recorded: the list is re-read on every
//! refresh, and an explicit `POST /api/ml/predictions/predict/` is what leaves a record.

use super::extract;
use super::predict::success_answer;
use crate::error::DomainResult;
use crate::procurement::{self, ProcurementStatus, UserProcurements};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::collections::HashMap;

/// The chance that an active procurement reaches its target, and who estimated it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outlook {
    pub probability: f64,
    /// The success version that answered; `None` while no version is served (the original
    /// formula answered).
    pub model_version: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct MyProcurements {
    pub procurements: UserProcurements,
    /// By procurement id, for the active procurements the person organizes.
    pub outlook: HashMap<i64, Outlook>,
}

/// `user_id`'s procurements (404 for an unknown user), with the outlook of each active one they
/// organize, measured at `now`.
pub async fn my_procurements(pool: &PgPool, user_id: i64, now: DateTime<Utc>) -> DomainResult<MyProcurements> {
    let mut conn = pool.acquire().await?;
    let procurements = procurement::user_procurements(&mut conn, user_id).await?;
    let mut outlook = HashMap::new();
    for p in procurements.organized.iter().filter(|p| p.status == ProcurementStatus::Active) {
        let Some((row, progress, _)) = extract::live(&mut conn, p.id, now).await? else { continue };
        let answer = success_answer(&mut conn, &row, progress).await?;
        outlook.insert(p.id, Outlook { probability: answer.value, model_version: answer.model });
    }
    Ok(MyProcurements { procurements, outlook })
}
