//! The admin app's model page calls `/api/ml/models/…` with the staff session cookie: reads
//! work with the cookie alone, "train now" needs the CSRF token echoed like every admin write,
//! and the version it records names the staff member.

use crate::support::{STAFF_PASSWORD, TestApp, assert_error, send};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next()?.strip_prefix(&format!("{name}=")).map(str::to_string))
        .next()
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

#[tokio::test]
async fn staff_train_and_read_models_with_the_session_cookie_and_csrf_token() {
    let app = TestApp::spawn().await;
    let (staff_id, _) = app.staff("modeller").await;
    let first = app.anon(Method::GET, "/api/admin/auth/").send().await.unwrap();
    let csrf = cookie(&first, "csrftoken");
    let login = app
        .anon(Method::POST, "/api/admin/auth/")
        .header("cookie", format!("csrftoken={csrf}"))
        .json(&json!({ "username": "modeller", "password": STAFF_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let cookies = format!("gb_admin_session={}; csrftoken={csrf}", cookie(&login, "gb_admin_session"));
    let with_cookie = |method: Method, path: &str| app.anon(method, path).header("cookie", &cookies);

    for path in ["/api/ml/models/", "/api/ml/models/status/"] {
        let (status, body) = send(with_cookie(Method::GET, path)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let train = json!({ "model_type": "success_prediction" });
    // What a cross-site form would send: the cookie without the token.
    let forged = send(with_cookie(Method::POST, "/api/ml/models/train/").json(&train)).await;
    assert_error(&forged, StatusCode::FORBIDDEN, "csrf_failed");
    let (_, page) = send(with_cookie(Method::GET, "/api/ml/models/")).await;
    assert_eq!(page["count"], 0, "the refused write recorded nothing: {page}");

    let (status, version) =
        send(with_cookie(Method::POST, "/api/ml/models/train/").header("X-CSRFToken", &csrf).json(&train)).await;
    assert_eq!(status, StatusCode::CREATED, "{version}");
    assert_eq!(
        (version["status"].as_str(), version["trigger"].clone()),
        (Some("training"), json!(format!("staff:{staff_id}")))
    );
    // The job's outcome, as the page reads it: too little history here, said plainly.
    app.drain().await;
    let (_, done) = send(with_cookie(Method::GET, &format!("/api/ml/models/{}/", version["id"]))).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert!(done["training_metadata"]["error"].as_str().unwrap().contains("too little history"), "{done}");
}
