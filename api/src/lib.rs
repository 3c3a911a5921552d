//! The GroupBuy REST API: poem-openapi operations under `/api`, with the original product's
//! paths and field names, plus `/health`, `/ready`, the OpenAPI document and Swagger UI.

mod allow;
pub mod auth;
mod body_limit;
pub mod chat;
pub mod clients;
pub mod cors;
pub mod error;
pub mod listener;
pub mod media;
mod precompressed;
pub mod public_cache;
pub mod routes;
pub mod security_headers;
mod spec;
pub mod state;
pub mod wire;
mod ws;

use poem::middleware::{NormalizePath, TrailingSlash};
use poem::{EndpointExt, Route, get};
pub use state::AppState;

/// Largest request body accepted; bigger ones get a 413.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest upload request: the largest attachment and room for the form around it.
const MAX_UPLOAD_BYTES: usize = workflows::chat::MAX_ATTACHMENT_BYTES + 64 * 1024;

/// Every route of the HTTP server, for same-origin browsers only, with no catalogue cache.
pub fn app(state: AppState) -> impl poem::Endpoint {
    app_with(state, cors::Cors::default(), public_cache::PublicCache::off())
}

/// Every route of the HTTP server, callable from browsers on the origins `cors` allows, with
/// catalogue answers kept as `cache` says.
pub fn app_with(state: AppState, cors: cors::Cors, cache: public_cache::PublicCache) -> impl poem::Endpoint {
    let api = routes::service(&state);
    let generated = api.spec();
    let document = spec::with_rules(&generated, &routes::admin::jobs::queue_names());
    // The Swagger UI page embeds the document: the one with the rules in it.
    let docs = poem::web::Html(api.swagger_ui_html().replace(&generated, &document));
    let allow = allow::AllowHeader::from_spec(&document);
    let spec = poem::endpoint::make_sync(move |_| {
        poem::Response::builder().content_type("application/json").body(document.clone())
    });
    let mut route = Route::new();
    if let Some(dir) = &state.media_dir {
        // Attachments, under names nobody can guess.
        route = route.nest("/media", poem::endpoint::StaticFilesEndpoint::new(dir));
    }
    if let Some(dir) = state.admin_ui_dir.as_ref().filter(|d| d.join("index.html").is_file()) {
        route = route.nest("/admin-panel", web_app(dir));
    }
    if let Some(dir) = state.webapp_dir.as_ref().filter(|d| d.join("index.html").is_file()) {
        // The cabinet's own paths (`/procurements/12`, `/login?code=…`) are the app's routes:
        // any path the routes above do not take answers with the app, which shows the page.
        route = route.nest("/", web_app(dir));
    }
    route
        .at("/api/openapi.json", spec)
        .at("/api/docs", poem::endpoint::make_sync(move |_| docs.clone()))
        .nest("/api", api.with(allow))
        .at("/health", get(routes::health::health))
        .at("/ready", get(routes::health::ready))
        .at("/metrics", get(routes::metrics::metrics))
        .nest("/ws", sockets())
        // The original clients call paths with a trailing slash (`/api/users/`); both work.
        .with(NormalizePath::new(TrailingSlash::Trim))
        .with(cache)
        .with(auth::Authenticate { config: state.auth.clone(), pool: state.pool.clone() })
        .with(body_limit::BodyLimit { max: MAX_BODY_BYTES, larger: ("/api/chat/upload", MAX_UPLOAD_BYTES) })
        .with(clients::CredentialLimit { clients: state.clients.clone() })
        .with(cors)
        .data(state)
        .catch_all_error(error::to_json_response)
        .with(security_headers::SecurityHeaders)
}

/// A built web app: its files (compressed as the build left them when the browser accepts it),
/// and its page for every other path, which the app routes itself.
fn web_app(dir: &std::path::Path) -> precompressed::Precompressed<poem::endpoint::StaticFilesEndpoint> {
    let files = poem::endpoint::StaticFilesEndpoint::new(dir).index_file("index.html").fallback_to_index();
    precompressed::Precompressed { dir: dir.to_path_buf(), inner: files }
}

/// The WebSocket routes under `/ws`.
fn sockets() -> Route {
    Route::new().at("/procurement/:id", get(ws::room_socket)).at("/notifications", get(ws::notifications_socket))
}

/// The WebSockets alone (`groupbuy chat`, the original's separate chat server), with `/health`.
pub fn chat_app(state: AppState) -> impl poem::Endpoint {
    Route::new()
        .nest("/ws", sockets())
        .at("/health", get(routes::health::health))
        .with(NormalizePath::new(TrailingSlash::Trim))
        .data(state)
        .catch_all_error(error::to_json_response)
}
