//! One WebSocket that stays connected: when it closes it is opened again after a growing pause
//! (0.5 s doubling up to 30 s, with jitter so a restarted server is not hit by every tab at
//! once), at once when the browser comes back online, and with a renewed session when the
//! server refused the token. The address is asked afresh for each attempt, so it carries the
//! current token and the room's last seen sequence number.

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};
use yew::Callback;

/// The close code the server uses for a refused or expired token (policy violation).
const POLICY: u16 = 1008;
const FIRST_PAUSE_MS: f64 = 500.0;
const LONGEST_PAUSE_MS: f64 = 30_000.0;

/// Whether the socket is connected now (for the page to say so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Open,
    /// Closed; the next attempt is scheduled.
    Waiting,
}

/// `ws://host/ws/{path}` (or `wss://` on an https page) with the session's token.
pub fn address(path_and_query: &str, token: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    let host = location.host().ok()?;
    let joiner = if path_and_query.contains('?') { '&' } else { '?' };
    Some(format!("{scheme}://{host}{path_and_query}{joiner}token={token}"))
}

/// The pause before attempt `attempt` (1-based), without jitter.
pub fn pause_ms(attempt: u32) -> f64 {
    (FIRST_PAUSE_MS * 2f64.powi(attempt.saturating_sub(1).min(16) as i32)).min(LONGEST_PAUSE_MS)
}

/// A socket's event handler, kept alive while the socket may call it.
type Handler = Closure<dyn FnMut(web_sys::Event)>;

struct Inner {
    /// The address to open, or `None` while there is no session (then nothing is opened).
    url: Box<dyn Fn() -> Option<String>>,
    on_frame: Callback<String>,
    on_link: Callback<Link>,
    ws: RefCell<Option<WebSocket>>,
    handlers: RefCell<Vec<Handler>>,
    retry: RefCell<Option<Timeout>>,
    attempt: Cell<u32>,
    stopped: Cell<bool>,
    online: RefCell<Option<EventListener>>,
}

/// A reconnecting socket; dropping the last clone closes it for good.
#[derive(Clone)]
pub struct LiveSocket {
    inner: Rc<Inner>,
}

impl LiveSocket {
    pub fn open(
        url: impl Fn() -> Option<String> + 'static,
        on_frame: Callback<String>,
        on_link: Callback<Link>,
    ) -> LiveSocket {
        let inner = Rc::new(Inner {
            url: Box::new(url),
            on_frame,
            on_link,
            ws: RefCell::new(None),
            handlers: RefCell::new(Vec::new()),
            retry: RefCell::new(None),
            attempt: Cell::new(0),
            stopped: Cell::new(false),
            online: RefCell::new(None),
        });
        if let Some(window) = web_sys::window() {
            let weak = Rc::downgrade(&inner);
            // Back online: try now rather than at the end of a long pause.
            let listener = EventListener::new(&window, "online", move |_| {
                if let Some(inner) = weak.upgrade()
                    && inner.ws.borrow().is_none()
                {
                    inner.retry.borrow_mut().take();
                    connect(&inner);
                }
            });
            *inner.online.borrow_mut() = Some(listener);
        }
        connect(&inner);
        LiveSocket { inner }
    }

    /// Sends a text frame; false when not connected (the caller says so or retries).
    pub fn send(&self, text: &str) -> bool {
        let ws = self.inner.ws.borrow();
        ws.as_ref().is_some_and(|ws| ws.ready_state() == WebSocket::OPEN && ws.send_with_str(text).is_ok())
    }

    /// Closes the connection (the server sees it go) and opens a new one at once.
    pub fn reconnect(&self) {
        if let Some(ws) = self.inner.ws.borrow_mut().take() {
            forget_handlers(&ws);
            let _ = ws.close();
        }
        // Only after the old socket lets go of them: a dropped handler must never be called.
        self.inner.handlers.borrow_mut().clear();
        self.inner.retry.borrow_mut().take();
        connect(&self.inner);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stopped.set(true);
        if let Some(ws) = self.ws.borrow_mut().take() {
            forget_handlers(&ws);
            let _ = ws.close_with_code(1000);
        }
    }
}

fn forget_handlers(ws: &WebSocket) {
    ws.set_onopen(None);
    ws.set_onmessage(None);
    ws.set_onclose(None);
}

fn connect(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    let Some(url) = (inner.url)() else { return };
    let Ok(ws) = WebSocket::new(&url) else {
        schedule(inner);
        return;
    };
    inner.on_link.emit(Link::Connecting);
    let opened = Rc::new(Cell::new(false));
    let weak = Rc::downgrade(inner);
    let on_open = {
        let weak = weak.clone();
        let opened = opened.clone();
        Handler::new(move |_| {
            opened.set(true);
            if let Some(inner) = weak.upgrade() {
                inner.attempt.set(0);
                inner.on_link.emit(Link::Open);
            }
        })
    };
    let on_message = {
        let weak = weak.clone();
        Handler::new(move |event: web_sys::Event| {
            let Some(inner) = weak.upgrade() else { return };
            if let Some(text) = event.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string()) {
                inner.on_frame.emit(text);
            }
        })
    };
    let token_used = crate::session::stored().map(|s| s.token);
    let on_close = Handler::new(move |event: web_sys::Event| {
        let Some(inner) = weak.upgrade() else { return };
        inner.ws.borrow_mut().take();
        inner.on_link.emit(Link::Waiting);
        let code = event.dyn_ref::<CloseEvent>().map_or(0, |c| c.code());
        // The browser does not tell why a handshake failed: a refused token then looks like
        // any failure, so an expired token is renewed before trying again.
        let refused = code == POLICY || (!opened.get() && token_expired());
        if refused {
            let token_used = token_used.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let renewed = crate::session::renew_after_refusal(token_used.as_deref()).await;
                if renewed { connect(&inner) } else { schedule(&inner) }
            });
        } else {
            schedule(&inner);
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    *inner.handlers.borrow_mut() = vec![on_open, on_message, on_close];
    *inner.ws.borrow_mut() = Some(ws);
}

/// Whether the stored access token's time is up.
fn token_expired() -> bool {
    crate::session::stored().is_some_and(|s| {
        let ends = js_sys::Date::parse(&s.expires_at);
        !ends.is_nan() && ends <= js_sys::Date::now()
    })
}

fn schedule(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    let attempt = inner.attempt.get() + 1;
    inner.attempt.set(attempt);
    let pause = pause_ms(attempt) * (0.75 + js_sys::Math::random() / 2.0);
    let weak = Rc::downgrade(inner);
    let timer = Timeout::new(pause as u32, move || {
        if let Some(inner) = weak.upgrade() {
            inner.retry.borrow_mut().take();
            connect(&inner);
        }
    });
    *inner.retry.borrow_mut() = Some(timer);
}

#[cfg(test)]
mod tests {
    use super::pause_ms;

    #[test]
    fn pauses_double_from_half_a_second_up_to_thirty() {
        assert_eq!(pause_ms(1), 500.0);
        assert_eq!(pause_ms(2), 1000.0);
        assert_eq!(pause_ms(4), 4000.0);
        assert_eq!(pause_ms(7), 30_000.0);
        assert_eq!(pause_ms(500), 30_000.0);
    }
}
