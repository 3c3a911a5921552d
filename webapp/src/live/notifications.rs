//! The person's notification socket (`/ws/notifications/`), shared: the navigation's badges
//! and the notifications page subscribe, the first subscriber opens it and the last one to go
//! closes it. Chat pages `nudge` after marking a room read so the chats badge recounts.

use super::socket::{self, Link, LiveSocket};
use crate::api::notifications::Notification;
use serde::Deserialize;
use std::cell::RefCell;
use yew::Callback;

/// What the socket sends (and `Nudge`, which this page's own parts send each other).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Feed {
    /// On connect, and when marks made elsewhere changed the count.
    UnreadCount { unread_count: i64 },
    /// A new notification, with the count that includes it.
    Notification { notification: Notification, unread_count: i64 },
    /// Read marks changed here (a chat read, a notification marked): counts are stale.
    #[serde(skip)]
    Nudge,
    /// The socket (re)connected: what arrived while away is on the server only.
    #[serde(skip)]
    Reconnected,
}

struct Hub {
    socket: Option<LiveSocket>,
    next_id: u64,
    subscribers: Vec<(u64, Callback<Feed>)>,
    /// The last count the server sent, for a subscriber that arrives later.
    unread: Option<i64>,
}

thread_local! {
    static HUB: RefCell<Hub> = const { RefCell::new(Hub { socket: None, next_id: 0, subscribers: Vec::new(), unread: None }) };
}

fn broadcast(feed: Feed) {
    let subscribers: Vec<Callback<Feed>> = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        if let Feed::UnreadCount { unread_count } | Feed::Notification { unread_count, .. } = &feed {
            hub.unread = Some(*unread_count);
        }
        hub.subscribers.iter().map(|(_, c)| c.clone()).collect()
    });
    for subscriber in subscribers {
        subscriber.emit(feed.clone());
    }
}

/// Tells every subscriber to count again (after marking something read on this page).
pub fn nudge() {
    broadcast(Feed::Nudge);
}

/// Ends a subscription when dropped.
pub struct Subscription(u64);

impl Drop for Subscription {
    fn drop(&mut self) {
        let socket = HUB.with(|hub| {
            let mut hub = hub.borrow_mut();
            hub.subscribers.retain(|(id, _)| *id != self.0);
            if hub.subscribers.is_empty() {
                hub.unread = None;
                hub.socket.take()
            } else {
                None
            }
        });
        // Closed outside the borrow: closing may call back into the hub.
        drop(socket);
    }
}

/// Starts getting the feed; the last known count comes at once when there is one.
pub fn subscribe(on_feed: Callback<Feed>) -> Subscription {
    let (id, known, start) = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        hub.next_id += 1;
        let id = hub.next_id;
        hub.subscribers.push((id, on_feed.clone()));
        (id, hub.unread, hub.socket.is_none())
    });
    if let Some(unread_count) = known {
        on_feed.emit(Feed::UnreadCount { unread_count });
    }
    if start {
        let url = || {
            let token = crate::session::stored()?.token;
            socket::address("/ws/notifications/", &token)
        };
        let on_text = Callback::from(|text: String| {
            if let Ok(feed) = serde_json::from_str::<Feed>(&text) {
                broadcast(feed);
            }
        });
        let on_link = Callback::from(|link: Link| {
            if link == Link::Open {
                broadcast(Feed::Reconnected);
            }
        });
        let socket = LiveSocket::open(url, on_text, on_link);
        HUB.with(|hub| hub.borrow_mut().socket = Some(socket));
    }
    Subscription(id)
}

#[cfg(test)]
mod tests {
    use super::Feed;

    #[test]
    fn the_feed_reads_counts_and_notifications() {
        let count: Feed = serde_json::from_str(r#"{"type":"unread_count","unread_count":3}"#).unwrap();
        assert_eq!(count, Feed::UnreadCount { unread_count: 3 });
        let new: Feed = serde_json::from_str(
            r#"{"type":"notification","notification":{"id":7,"user":1,"notification_type":"new_message","title":"T","message":"M","procurement":null,"procurement_title":null,"is_read":false,"created_at":"2026-12-07T10:00:00Z"},"unread_count":4}"#,
        )
        .unwrap();
        let Feed::Notification { notification, unread_count } = new else { panic!("not a notification") };
        assert_eq!((notification.id, notification.title.as_str(), unread_count), (7, "T", 4));
    }
}
