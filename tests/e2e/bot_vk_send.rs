//! Sending on VK against the fake VK API: `random_id` derived from the message key (a retried
//! send is not delivered twice), long keyboards split within VK's limits, edits falling back to
//! a new message, VK's errors mapped for the senders, and a send VK pushed back retried once.

use std::sync::Arc;

use bots::keyboard::procurement_list;
use bots::model::ProcurementListItem;
use bots::runtime::{CallbackAck, Outgoing, SendError, Transport};
use bots::vk::{CONTINUATION, VkClient, VkConfig};
use bots::{Lang, Reply};
use serde_json::json;

use crate::bot_vk::{Bot, Control, Echo, client_for};

fn text(chat_id: i64, text: &str) -> Outgoing {
    Outgoing { chat_id, reply: Reply::text(text), edit_message_id: None }
}

#[tokio::test]
async fn the_same_key_is_sent_once_and_long_keyboards_are_split() {
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let client = client_for(&fake);

    let first = client.deliver(&text(42, "hi"), "note:1").await.unwrap();
    let retried = client.deliver(&text(42, "hi"), "note:1").await.unwrap();
    assert_eq!(first, retried, "the retry names the first message");
    let other = client.deliver(&text(42, "hi"), "note:2").await.unwrap();
    assert_ne!(first, other);
    assert_eq!(control.sent_texts(42).await, ["hi", "hi"]);

    // Ten procurements and three filters: more than an inline keyboard may carry.
    let items: Vec<_> = (1..=10).map(|id| ProcurementListItem { id, title: format!("P{id}"), progress: 10 }).collect();
    let list = Outgoing {
        chat_id: 43,
        reply: Reply::with_keyboard("Procurements", procurement_list(&items, Lang::En)),
        edit_message_id: None,
    };
    for _ in 0..2 {
        client.deliver(&list, "list:1").await.unwrap();
    }
    let sent = control.get("/fake/sent?peer_id=43").await;
    let sent = sent.as_array().unwrap();
    assert_eq!(sent.len(), 2, "one list, split once, sent once: {sent:?}");
    assert_eq!(sent[0]["text"], "Procurements");
    assert_eq!(sent[1]["text"], CONTINUATION);
    // A text over VK's limit: in parts, the last with the keyboard; a retry sends none again.
    let long = Outgoing {
        chat_id: 44,
        reply: Reply::with_keyboard("строка\n".repeat(1000), procurement_list(&items[..1], Lang::En)),
        edit_message_id: None,
    };
    let id = client.deliver(&long, "long:1").await.unwrap();
    assert_eq!(client.deliver(&long, "long:1").await.unwrap(), id);
    let parts = control.get("/fake/sent?peer_id=44").await;
    let parts = parts.as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert!(parts[0]["keyboard"].is_null() && parts[1]["keyboard"]["inline"] == true);
    assert_eq!(parts[1]["conversation_message_id"], id);
    let joined: String = parts.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(joined, "строка\n".repeat(1000));
    let buttons: usize = sent
        .iter()
        .map(|m| {
            m["keyboard"]["buttons"].as_array().unwrap().iter().map(|row| row.as_array().unwrap().len()).sum::<usize>()
        })
        .sum();
    assert_eq!(buttons, 13);
    fake.shutdown().await;
}

#[tokio::test]
async fn an_edit_vk_refuses_becomes_a_new_message() {
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let client = client_for(&fake);
    let id = client.deliver(&text(42, "screen"), "screen:1").await.unwrap();
    let edited = Outgoing { edit_message_id: Some(id), ..text(42, "screen, refreshed") };
    assert_eq!(client.deliver(&edited, "screen:2").await.unwrap(), id);
    let gone = Outgoing { edit_message_id: Some(9_999), ..text(42, "screen again") };
    let new_id = client.deliver(&gone, "screen:3").await.unwrap();
    assert_ne!(new_id, id);
    assert_eq!(control.sent_texts(42).await, ["screen, refreshed", "screen again"]);
    fake.shutdown().await;
}

#[tokio::test]
async fn vk_errors_are_mapped_for_the_senders() {
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let client = client_for(&fake);
    for (code, expected) in [
        (6, SendError::RetryAfter(std::time::Duration::from_secs(1))),
        (901, SendError::Refused("VK error 901: Can't send messages for users without permission".into())),
    ] {
        let msg = "Can't send messages for users without permission";
        let error_msg = if code == 901 { msg } else { "Too many requests per second" };
        control
            .post("/fake/faults", json!({ "method": "messages.send", "error_code": code, "error_msg": error_msg }))
            .await;
        assert_eq!(client.deliver(&text(42, "x"), &format!("e{code}")).await, Err(expected));
    }
    control.post("/fake/faults", json!({ "method": "messages.send", "error_code": 10 })).await;
    assert!(matches!(client.deliver(&text(42, "x"), "e10").await, Err(SendError::Unavailable(_))));
    // A button press VK never saw cannot be answered.
    let ack = CallbackAck { query_id: "nope".into(), chat_id: 42, platform_user_id: "42".into(), notice: None };
    assert!(matches!(client.acknowledge(&ack).await, Err(SendError::Refused(_))));
    assert!(control.sent_texts(42).await.is_empty(), "nothing failed was sent");

    // Nobody listening: unavailable, to be retried.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere =
        VkClient::new(VkConfig { api_url: format!("http://127.0.0.1:{port}/method"), token: "t".into(), group_id: 1 });
    assert!(matches!(nowhere.deliver(&text(42, "x"), "n").await, Err(SendError::Unavailable(_))));
    fake.shutdown().await;
}

#[tokio::test]
async fn an_answer_vk_pushed_back_is_delivered_later_once() {
    let fake = bots::fake::vk::serve("127.0.0.1:0").await.unwrap();
    let control = Control::of(&fake);
    let echo = Arc::new(Echo::default());
    let bot = Bot::start(&fake, echo.clone()).await;
    control.post("/fake/faults", json!({ "method": "messages.send", "error_code": 6, "times": 2 })).await;
    control.write(42, "busy").await;
    control.await_sent(42, "echo: busy").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(control.sent_texts(42).await, ["echo: busy"]);
    assert_eq!(echo.texts(), ["busy"]);
    bot.stop().await;
    fake.shutdown().await;
}
