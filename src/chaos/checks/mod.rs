//! After a fault: is every accepted request reflected, did every refused one change nothing, has
//! every job run, did money move exactly once? Read through the API (as staff and integrations
//! can) and from the bank's own books; the doctor runs last.
//!
//! Checked in stages, cheapest first, until one finds something: while the platform is still
//! catching up, that is where it shows, and the dearer reads wait for it.

mod chat;
mod money;
mod orders;

pub use money::{Plan, sum};

use super::client::{Api, Who};
use super::cluster::Cluster;
use super::load::ChatRoom;
use super::people::People;
use super::record::{Outcome, RoundRecord, Written};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// What one round's checks look at.
pub struct Round<'a> {
    pub cluster: &'a Cluster,
    pub people: &'a People,
    pub record: &'a RoundRecord,
    pub chat: &'a ChatRoom,
    /// The money plan with this round's doings in it.
    pub plan: Plan,
    pub operator_inn: String,
    pub since: chrono::DateTime<chrono::Utc>,
    /// Dead-lettered jobs per queue when the round began (earlier rounds answer for those).
    pub dead_before: HashMap<String, u64>,
    /// People's notifications as read in this pass, read once however many checks need them.
    pub notifications: Mutex<HashMap<i64, Vec<Value>>>,
}

impl Round<'_> {
    async fn notifications_of(&self, person: i64) -> anyhow::Result<Vec<Value>> {
        if let Some(known) = self.notifications.lock().unwrap_or_else(|e| e.into_inner()).get(&person) {
            return Ok(known.clone());
        }
        let theirs = orders::notifications_since(&self.cluster.api, person, self.since).await?;
        self.notifications.lock().unwrap_or_else(|e| e.into_inner()).insert(person, theirs.clone());
        Ok(theirs)
    }

    /// What is not (yet) as it should be. With `every_stage`, all stages are read even after one
    /// found something (the verdict); otherwise the first stage with findings ends the pass.
    pub async fn examine(&self, every_stage: bool) -> Vec<String> {
        self.notifications.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let mut problems: Vec<String> = self.record.problems.clone();
        for stage in 0..6 {
            let found = match stage {
                0 => self.queues().await,
                1 => orders::deposits(self).await,
                2 => money::check(self, &self.plan).await,
                3 => orders::cycles(self).await,
                4 => orders::notices(self).await,
                _ => chat::check(self).await,
            };
            problems.extend(found);
            if !problems.is_empty() && !every_stage {
                break;
            }
        }
        problems
    }

    /// Every queue at rest, nothing dead-lettered.
    async fn queues(&self) -> Vec<String> {
        match self.cluster.queues().await {
            Ok(queues) => queues
                .iter()
                .map(|q| (q, q.dead.saturating_sub(self.dead_before.get(&q.queue).copied().unwrap_or(0))))
                .filter(|(q, dead)| q.waiting + q.running + dead > 0)
                .map(|(q, dead)| {
                    format!("queue {}: {} waiting, {} running, {dead} dead-lettered", q.queue, q.waiting, q.running)
                })
                .collect(),
            Err(e) => vec![format!("the job queues: {e}")],
        }
    }
}

/// Every item of a paginated list (`{results, next}`), following `next`; with `while_`, only
/// as long as items satisfy it (lists newest first can stop at the first older one).
async fn pages(api: &Api, path: &str, while_: Option<&dyn Fn(&Value) -> bool>) -> anyhow::Result<Vec<Value>> {
    let mut items = Vec::new();
    for page in 1.. {
        let separator = if path.contains('?') { '&' } else { '?' };
        let body = api.read(&format!("{path}{separator}page={page}"), Who::Service).await?;
        let results = body["results"].as_array().cloned().unwrap_or_default();
        for item in results {
            if while_.is_some_and(|keep| !keep(&item)) {
                return Ok(items);
            }
            items.push(item);
        }
        if body["next"].is_null() {
            break;
        }
    }
    Ok(items)
}

/// Each write held to its answer against what is stored: accepted, there once; refused, not
/// there; unanswered, there at most once.
fn at_most_once(place: &str, written: &[Written], stored: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for w in written {
        let times = stored.iter().filter(|s| **s == w.text).count();
        let fine = match w.outcome {
            Outcome::Accepted => times == 1,
            Outcome::Refused => times == 0,
            Outcome::Unanswered => times <= 1,
        };
        if !fine {
            problems.push(format!("{place}: {:?} ({:?}) is stored {times} times", w.text, w.outcome));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str, outcome: Outcome) -> Written {
        Written { text: text.into(), outcome }
    }

    #[test]
    fn each_write_is_held_to_its_answer() {
        let stored = ["a", "b", "b", "c"];
        let fine =
            [written("a", Outcome::Accepted), written("c", Outcome::Unanswered), written("d", Outcome::Unanswered)];
        assert!(at_most_once("room", &fine, &stored).is_empty());
        let wrong = [
            written("b", Outcome::Accepted),   // stored twice
            written("a", Outcome::Refused),    // refused, yet stored
            written("e", Outcome::Accepted),   // accepted, never stored
            written("b", Outcome::Unanswered), // at most once, not twice
        ];
        assert_eq!(at_most_once("room", &wrong, &stored).len(), 4);
    }
}
