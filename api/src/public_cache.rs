//! A brief cache of the catalogue: the procurement list, search and detail answers, which are the
//! same for every caller who sees the same procurements (anonymous visitors; service clients and
//! staff; each organizer, who also sees their own drafts).
//!
//! Read-your-writes holds across nodes: every write through any API node increments the
//! catalogue's version in Redis ([`workflows::catalogue_version`]) before its answer leaves, and an
//! answer is served from the cache only while the version it was read under is still the current
//! one, which each cached read asks Redis for (a round trip of tens of microseconds instead of
//! PostgreSQL's milliseconds). Whoever made a change, and everyone after them, reads it at once on
//! every node. Jobs and the bots increment it once their change has committed; only a change made
//! past all of them (by hand in SQL) waits for the time to live. Without Redis nothing is served
//! from the cache.

use crate::auth::Caller;
use bytes::Bytes;
use poem::http::{HeaderMap, HeaderValue, Method, StatusCode};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Answers kept at most; past that, stale ones are dropped and new ones are not kept.
const MAX_ENTRIES: usize = 4_096;
/// Answers larger than this are not kept (a page of 20 procurements is about 15 KiB).
const MAX_BODY_BYTES: usize = 256 * 1024;
/// Says on every catalogue answer whether it came from the cache.
const CACHE_HEADER: &str = "x-cache";

pub struct PublicCache {
    shared: Arc<Shared>,
}

impl PublicCache {
    /// No cache: every answer is read from PostgreSQL.
    pub fn off() -> Self {
        Self { shared: Arc::new(Shared { ttl: Duration::ZERO, versions: None, entries: Default::default() }) }
    }

    /// Answers kept for `ttl` (zero: off), checked against the catalogue version kept in Redis
    /// under the `namespace`.
    pub fn new(ttl: Duration, redis: &redis::Client, namespace: &str) -> Result<Self, redis::RedisError> {
        if ttl.is_zero() {
            return Ok(Self::off());
        }
        // A cached read waits for Redis at most this long before reading PostgreSQL instead.
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(Duration::from_millis(250)))
            .set_connection_timeout(Some(Duration::from_millis(250)))
            .set_number_of_retries(0);
        let versions = Versions {
            conn: ConnectionManager::new_lazy_with_config(redis.clone(), config)?,
            namespace: namespace.to_string(),
            key: workflows::catalogue_version::key(namespace),
        };
        Ok(Self { shared: Arc::new(Shared { ttl, versions: Some(versions), entries: Default::default() }) })
    }
}

struct Shared {
    ttl: Duration,
    versions: Option<Versions>,
    entries: Mutex<HashMap<String, Entry>>,
}

/// The catalogue's version: a counter in Redis that every write through any node increments.
struct Versions {
    conn: ConnectionManager,
    namespace: String,
    key: String,
}

impl Versions {
    /// The current version; `None` when Redis cannot say (then nothing is served from the cache).
    async fn current(&self) -> Option<u64> {
        let mut conn = self.conn.clone();
        let version: redis::RedisResult<Option<u64>> = redis::cmd("GET").arg(&self.key).query_async(&mut conn).await;
        version.map(Option::unwrap_or_default).ok()
    }

    async fn bump(&self) {
        workflows::catalogue_version::bump(&self.conn, &self.namespace).await;
    }
}

struct Entry {
    version: u64,
    stored: Instant,
    headers: HeaderMap,
    body: Bytes,
}

impl<E: Endpoint> Middleware<E> for PublicCache {
    type Output = PublicCacheEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        PublicCacheEndpoint { inner, shared: self.shared.clone() }
    }
}

pub struct PublicCacheEndpoint<E> {
    inner: E,
    shared: Arc<Shared>,
}

impl<E: Endpoint> Endpoint for PublicCacheEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let Some(versions) = &self.shared.versions else {
            return Ok(self.inner.call(req).await?.into_response());
        };
        let Some(key) = key(&req) else {
            let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
                && changes_catalogue(req.uri().path());
            let response = self.inner.call(req).await?.into_response();
            if writes && response.status().is_success() {
                // Before the answer leaves: whoever sent this write reads it next on any node.
                versions.bump().await;
            }
            return Ok(response);
        };
        // Read before the answer is made: a write that lands meanwhile makes this answer stale.
        let Some(version) = versions.current().await else {
            return Ok(self.inner.call(req).await?.into_response());
        };
        if let Some(hit) = self.lookup(&key, version) {
            return Ok(hit);
        }
        let response = self.inner.call(req).await?.into_response();
        if response.status() != StatusCode::OK {
            return Ok(response);
        }
        let (mut parts, body) = response.into_parts();
        let body = body.into_bytes().await?;
        if body.len() <= MAX_BODY_BYTES {
            self.store(key, version, &parts.headers, body.clone());
        }
        parts.headers.insert(CACHE_HEADER, HeaderValue::from_static("MISS"));
        Ok(Response::from_parts(parts, body.into()))
    }
}

impl<E> PublicCacheEndpoint<E> {
    fn lookup(&self, key: &str, version: u64) -> Option<Response> {
        let entries = self.shared.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key).filter(|e| e.version == version && e.stored.elapsed() < self.shared.ttl)?;
        let mut response = Response::builder().status(StatusCode::OK).body(entry.body.clone());
        response.headers_mut().extend(entry.headers.clone());
        response.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static("HIT"));
        Some(response)
    }

    fn store(&self, key: String, version: u64, headers: &HeaderMap, body: Bytes) {
        let mut entries = self.shared.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, e| e.version >= version && e.stored.elapsed() < self.shared.ttl);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        entries.insert(key, Entry { version, stored: Instant::now(), headers: headers.clone(), body });
    }
}

/// The key of a cacheable request: a GET of the list, a search or a detail, by whose drafts the
/// caller sees (the only part of these answers that depends on who asks). The host and scheme
/// are part of it because the pages' `next` and `previous` links are.
fn key(req: &Request) -> Option<String> {
    if req.method() != Method::GET {
        return None;
    }
    let uri = req.original_uri();
    if !is_catalogue_read(uri.path()) {
        return None;
    }
    let sees = match req.extensions().get::<Caller>().copied().unwrap_or(Caller::Anonymous) {
        Caller::Anonymous => "public".to_string(),
        Caller::Service | Caller::Staff(_) => "all".to_string(),
        Caller::User(id) => format!("user {id}"),
    };
    let host = req.header("host").unwrap_or_default();
    let scheme = req.header("x-forwarded-proto").unwrap_or_default();
    Some(format!("{sees}|{scheme}|{host}|{uri}"))
}

/// `/api/procurements/`, with or without a query, and `/api/procurements/{id}/`.
fn is_catalogue_read(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/procurements") else { return false };
    let rest = rest.trim_matches('/');
    rest.is_empty() || rest.bytes().all(|b| b.is_ascii_digit())
}

/// Writes that can change what the catalogue shows: everything under the API except chat,
/// notifications and signing in, which are the busiest and change no procurement.
fn changes_catalogue(path: &str) -> bool {
    path.starts_with("/api/") && !["/api/chat", "/api/auth", "/api/notifications"].iter().any(|p| path.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_list_and_details_are_catalogue_reads() {
        for path in ["/api/procurements", "/api/procurements/", "/api/procurements/12", "/api/procurements/12/"] {
            assert!(is_catalogue_read(path), "{path}");
        }
        for path in [
            "/api/procurements/12/participants/",
            "/api/procurements/user/3/",
            "/api/procurementsx",
            "/api/users/",
            "/api/procurements/1/join/",
        ] {
            assert!(!is_catalogue_read(path), "{path}");
        }
    }

    #[test]
    fn chat_and_sign_in_do_not_empty_the_cache() {
        assert!(changes_catalogue("/api/procurements/3/join"));
        assert!(changes_catalogue("/api/admin/procurements/3"));
        assert!(!changes_catalogue("/api/chat/messages"));
        assert!(!changes_catalogue("/api/auth/login"));
        assert!(!changes_catalogue("/health"));
    }
}
