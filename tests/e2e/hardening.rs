//! What an attacker probing the server finds: no sniffing, no framing of pages, a content
//! security policy, uploads that cannot run script, no filesystem paths in errors, and an
//! explicit cross-origin policy.

use crate::support::*;
use poem::listener::{Acceptor, Listener, TcpListener};
use reqwest::{Method, StatusCode};

/// The app with the admin pages and the web cabinet in folders of the test's own, and `origins`
/// allowed to call it.
async fn serve_with(app: &TestApp, origins: &[&str]) -> (String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("gbtest-admin-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>admin</title>").unwrap();
    let cabinet = dir.join("cabinet");
    std::fs::create_dir_all(&cabinet).unwrap();
    std::fs::write(cabinet.join("index.html"), "<!doctype html><title>cabinet</title>").unwrap();
    std::fs::write(cabinet.join("shell.css"), "body{}").unwrap();
    // as scripts/build-web-app.sh leaves the module: plain, and compressed beside it
    std::fs::write(cabinet.join("webapp_bg.wasm"), b"\0asm plain").unwrap();
    std::fs::write(cabinet.join("webapp_bg.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(cabinet.join("webapp_bg.wasm.gz"), b"gzip bytes").unwrap();
    let mut state = app.state.clone();
    state.admin_ui_dir = Some(dir.clone());
    state.webapp_dir = Some(cabinet);
    let cors = api::cors::Cors::new(origins.iter().map(|o| o.to_string()));
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(api::app_with(
        state,
        cors,
        api::public_cache::PublicCache::off(),
    )));
    (format!("http://{addr}"), dir)
}

#[tokio::test]
async fn answers_and_pages_carry_the_headers_that_stop_sniffing_and_framing() {
    let app = TestApp::spawn().await;
    let (base, _dir) = serve_with(&app, &[]).await;
    let http = reqwest::Client::new();

    let api = http.get(format!("{base}/api/procurements/")).send().await.unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    let error = http.get(format!("{base}/api/nothing-here/")).send().await.unwrap();
    assert_eq!(error.status(), StatusCode::NOT_FOUND);
    assert_eq!(error.headers()["x-content-type-options"], "nosniff");

    let page = http.get(format!("{base}/admin-panel/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"), "no inline script on the admin app: {csp}");
    let docs = http.get(format!("{base}/api/docs/")).send().await.unwrap();
    assert!(docs.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
}

#[tokio::test]
async fn the_web_cabinet_answers_its_own_paths_and_telegram_may_frame_it() {
    let app = TestApp::spawn().await;
    let (base, _dir) = serve_with(&app, &[]).await;
    let http = reqwest::Client::new();
    for path in ["/", "/procurements/12", "/login?code=abc", "/chats/3/"] {
        let page = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert!(page.headers().get("x-frame-options").is_none(), "{path}: X-Frame-Options cannot allow Telegram");
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("frame-ancestors 'self' https://web.telegram.org"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"), "{path}: no inline script: {csp}");
        assert!(page.text().await.unwrap().contains("<title>cabinet</title>"), "{path}");
    }
    // The module as the build compressed it, for a browser that takes it; plain otherwise.
    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("br;q=0, gzip", Some("gzip"), "gzip bytes"),
        ("identity", None, "\0asm plain"),
    ] {
        let wasm = http.get(format!("{base}/webapp_bg.wasm")).header("Accept-Encoding", accept).send().await.unwrap();
        assert_eq!(wasm.status(), StatusCode::OK, "{accept}");
        assert_eq!(wasm.headers()["content-type"], "application/wasm", "{accept}");
        assert_eq!(wasm.headers().get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{accept}");
        assert_eq!(wasm.text().await.unwrap(), body, "{accept}");
    }
    let css = http.get(format!("{base}/shell.css")).send().await.unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    // The API, the admin app and the health checks keep their answers.
    let error = http.get(format!("{base}/api/nothing-here/")).send().await.unwrap();
    assert_eq!(error.status(), StatusCode::NOT_FOUND);
    assert!(error.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let admin = http.get(format!("{base}/admin-panel/users")).send().await.unwrap();
    assert!(admin.text().await.unwrap().contains("<title>admin</title>"));
    let health = http.get(format!("{base}/health")).send().await.unwrap();
    assert!(health.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let list = http.get(format!("{base}/api/procurements/")).send().await.unwrap();
    assert_eq!(list.status(), StatusCode::OK);
}

#[tokio::test]
async fn errors_never_show_a_path_on_the_server() {
    let app = TestApp::spawn().await;
    let (base, dir) = serve_with(&app, &[]).await;
    let folder = dir.to_string_lossy().to_string();
    for path in [
        "/admin-panel/../../etc/passwd",
        "/admin-panel/%2e%2e/%2e%2e/etc/passwd",
        "/admin-panel/..%2f..%2fetc%2fpasswd",
    ] {
        // `--path-as-is`: send the dots unresolved, as an attacker's client does
        let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(!answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
        assert!(!answer.contains("/etc") && !answer.contains(&folder) && !answer.contains("root:"), "{path}: {answer}");
        assert!(answer.contains("\"code\""), "a JSON error: {answer}");
    }
}

#[tokio::test]
async fn only_configured_origins_may_call_the_api_from_a_browser() {
    let app = TestApp::spawn().await;
    let (base, _dir) = serve_with(&app, &["https://shop.example"]).await;
    let http = reqwest::Client::new();
    let preflight = |origin: &str| {
        http.request(Method::OPTIONS, format!("{base}/api/procurements/"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, content-type")
    };
    let allowed = preflight("https://shop.example").send().await.unwrap();
    assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://shop.example");
    assert!(allowed.headers()["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    assert!(allowed.headers()["access-control-allow-headers"].to_str().unwrap().contains("authorization"));
    assert!(allowed.headers().get("access-control-allow-credentials").is_none());

    let refused = preflight("https://evil.example").send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "cors_origin_not_allowed");

    let read =
        http.get(format!("{base}/api/procurements/")).header("Origin", "https://shop.example").send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(read.headers()["access-control-allow-origin"], "https://shop.example");
    let read =
        http.get(format!("{base}/api/procurements/")).header("Origin", "https://evil.example").send().await.unwrap();
    assert!(read.headers().get("access-control-allow-origin").is_none(), "the browser will not hand it over");

    // Without configured origins, every cross-origin preflight is refused the same clear way.
    let plain = app
        .anon(Method::OPTIONS, "/api/procurements/")
        .header("Origin", "https://shop.example")
        .header("Access-Control-Request-Method", "GET");
    let r = send(plain).await;
    assert_error(&r, StatusCode::FORBIDDEN, "cors_origin_not_allowed");
}

#[tokio::test]
async fn credential_endpoints_answer_each_client_a_few_times_a_minute() {
    let app = TestApp::spawn().await;
    let mut state = app.state.clone();
    // Behind a proxy on loopback: the client is who X-Forwarded-For names.
    state.clients = std::sync::Arc::new(api::clients::Clients {
        trusted_proxies: api::clients::TrustedProxies::parse("127.0.0.1").unwrap(),
        credentials: api::clients::Limiter::new(3),
    });
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(api::app(state)));
    let http = reqwest::Client::new();
    let try_code = |client: &'static str| {
        http.post(format!("http://{addr}/api/auth/login-link/"))
            .header("X-Forwarded-For", format!("203.0.113.50, {client}"))
            .json(&serde_json::json!({ "code": "guess" }))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(try_code("198.51.100.1").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let limited = try_code("198.51.100.1").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited", "{body}");
    // Another client behind the same proxy has its own quota; other endpoints are not limited.
    assert_eq!(try_code("198.51.100.2").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let list = http.get(format!("http://{addr}/api/procurements/")).header("X-Forwarded-For", "198.51.100.1");
    assert_eq!(list.send().await.unwrap().status(), StatusCode::OK);
}
