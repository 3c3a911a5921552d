//! The round's chat room: every message stored once, and every chatter, through every
//! reconnection, received exactly the stored messages, each once and in order.

use super::{Round, at_most_once, pages};
use crate::chaos::record::Written;

pub async fn check(round: &Round<'_>) -> Vec<String> {
    let room = round.chat.procurement;
    let stored = match pages(&round.cluster.api, &format!("/api/chat/messages/?procurement_id={room}"), None).await {
        Ok(stored) => stored,
        Err(e) => return vec![format!("the chat room's history: {e}")],
    };
    let stored: Vec<(i64, String)> =
        stored.iter().filter_map(|m| Some((m["seq"].as_i64()?, m["text"].as_str()?.to_string()))).collect();
    let mut problems = Vec::new();
    if stored.iter().enumerate().any(|(i, (seq, _))| *seq != i as i64 + 1) {
        problems.push(format!("the room's stored messages are not numbered 1..{} without a gap", stored.len()));
    }
    let texts: Vec<&str> = stored.iter().map(|(_, text)| text.as_str()).collect();
    let mut sent: Vec<Written> = Vec::new();
    for chatter in &round.chat.chatters {
        let heard = chatter.heard.lock().unwrap_or_else(|e| e.into_inner());
        sent.extend(heard.sent.iter().cloned());
        let who = round.people.buyers[chatter.buyer].id;
        problems.extend(heard.problems.iter().map(|p| format!("chatter {who}: {p}")));
        if heard.received != stored {
            let missing = stored.iter().filter(|m| !heard.received.contains(m)).count();
            problems.push(format!(
                "chatter {who} received {} messages, the room stored {} ({missing} of them never reached it)",
                heard.received.len(),
                stored.len()
            ));
        }
    }
    problems.extend(at_most_once("the chat room", &sent, &texts));
    problems
}
