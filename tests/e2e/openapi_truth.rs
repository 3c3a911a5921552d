//! What the OpenAPI document promises about authentication and methods holds.

use crate::support::*;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn anonymous_writes_are_unauthorized_before_their_body_is_read() {
    let app = TestApp::spawn().await;
    for (method, path) in [
        (Method::POST, "/api/procurements/"),
        (Method::PATCH, "/api/procurements/1/"),
        (Method::POST, "/api/procurements/1/join/"),
        (Method::POST, "/api/users/"),
        (Method::POST, "/api/payments/"),
        (Method::POST, "/api/procurements/categories/"),
    ] {
        let bad_json = app.anon(method.clone(), path).header("content-type", "application/json").body("{\"title\": ");
        assert_error(&send(bad_json).await, StatusCode::UNAUTHORIZED, "unauthorized");
        let no_body = app.anon(method.clone(), path);
        assert_error(&send(no_body).await, StatusCode::UNAUTHORIZED, "unauthorized");
    }
}

#[tokio::test]
async fn undeclared_methods_are_405_with_allow() {
    let app = TestApp::spawn().await;
    for (method, path, allow) in [
        ("TRACE", "/api/users/1/", "GET, PUT, PATCH, HEAD"),
        ("DELETE", "/api/procurements/", "GET, POST, HEAD"),
        ("PUT", "/api/payments/webhook/tochka/", "POST"),
        ("POST", "/api/procurements/categories/7/", "GET, PUT, PATCH, DELETE, HEAD"),
    ] {
        let response = app.service(Method::from_bytes(method.as_bytes()).unwrap(), path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        let mut got: Vec<String> =
            response.headers()["allow"].to_str().unwrap().split(", ").map(str::to_string).collect();
        let mut want: Vec<String> = allow.split(", ").map(str::to_string).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{method} {path}");
    }
}
