//! The procurements API, operation by operation: `/api/procurements/…`.

use crate::support::*;
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A moment `days` ahead, to the second (the database keeps microseconds, the wire may not).
fn days_ahead(days: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp() + days * 86_400 + 3_600, 0).unwrap()
}

fn ts(v: &Value) -> DateTime<Utc> {
    let text = v.as_str().unwrap_or_else(|| panic!("not a timestamp: {v}"));
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}")).with_timezone(&Utc)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&app.pool).await.unwrap()
}

async fn category(app: &TestApp, name: &str) -> i64 {
    let (status, body) =
        send(app.service(Method::POST, "/api/procurements/categories/").json(&json!({ "name": name }))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

async fn list(app: &TestApp, query: &str) -> Value {
    let (status, body) = send(app.service(Method::GET, &format!("/api/procurements/{query}"))).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

fn ids(page: &Value) -> Vec<i64> {
    page["results"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect()
}

async fn patch(app: &TestApp, id: i64, body: Value) -> (StatusCode, Value) {
    send(app.service(Method::PATCH, &format!("/api/procurements/{id}/")).json(&body)).await
}

async fn join_body(app: &TestApp, id: i64, body: Value) -> (StatusCode, Value) {
    send(app.service(Method::POST, &format!("/api/procurements/{id}/join/")).json(&body)).await
}

#[tokio::test]
async fn create_echoes_every_field_as_a_draft() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let supplier = app.register("supplier").await;
    let cat = category(&app, "Мёд и пчелопродукты").await;
    let deadline = days_ahead(7);
    let payment_deadline = days_ahead(10);
    let (status, p) = send(app.service(Method::POST, "/api/procurements/").json(&json!({
        "title": "  Алтайский мёд  ", "description": "Майский сбор", "category": cat, "organizer": organizer,
        "supplier": supplier, "city": "Барнаул", "delivery_address": "ул. Ленина, 1",
        "target_amount": "1500", "stop_at_amount": 3000.5, "unit": "кг", "price_per_unit": "150.5",
        "min_quantity": "2", "commission_percent": "2,5", "deadline": deadline.to_rfc3339(),
        "payment_deadline": payment_deadline.to_rfc3339(), "image_url": "https://example.com/honey.jpg"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["id"].as_i64().expect("id");
    assert_eq!(p["title"], "Алтайский мёд");
    assert_eq!(p["description"], "Майский сбор");
    assert_eq!(p["category"], cat);
    assert_eq!(p["category_name"], "Мёд и пчелопродукты");
    assert_eq!(p["organizer"], organizer);
    assert_eq!(p["organizer_name"], "Тест");
    assert_eq!(p["supplier"], supplier);
    assert_eq!(p["city"], "Барнаул");
    assert_eq!(p["delivery_address"], "ул. Ленина, 1");
    assert_eq!(p["target_amount"], "1500.00");
    assert_eq!(p["current_amount"], "0.00");
    assert_eq!(p["stop_at_amount"], "3000.50");
    assert_eq!(p["unit"], "кг");
    assert_eq!(p["price_per_unit"], "150.50");
    assert_eq!(p["min_quantity"], "2.00");
    assert_eq!(p["commission_percent"], "2.50");
    assert_eq!(p["status"], "draft");
    assert_eq!(p["status_display"], "Draft");
    assert_eq!(ts(&p["deadline"]), deadline);
    assert_eq!(ts(&p["payment_deadline"]), payment_deadline);
    assert_eq!(p["image_url"], "https://example.com/honey.jpg");
    assert_eq!(p["is_featured"], false);
    assert_eq!(p["progress"], 0);
    assert_eq!(p["participant_count"], 0);
    assert_eq!(p["days_left"], 7);
    assert_eq!(p["can_join"], false, "a draft cannot be joined");
    assert_eq!(p["participants"], json!([]));
    ts(&p["created_at"]);
    ts(&p["updated_at"]);
    // GET gives the same document.
    assert_eq!(app.procurement(id).await, p);

    // Optional fields take their defaults.
    let minimal = app
        .draft(organizer, json!({ "unit": "", "price_per_unit": null, "deadline": days_ahead(3).to_rfc3339() }))
        .await;
    let m = app.procurement(minimal).await;
    assert_eq!(m["unit"], "units");
    assert_eq!(m["min_quantity"], "1.00");
    assert_eq!(m["commission_percent"], "0.00");
    assert_eq!(m["price_per_unit"], Value::Null);
    assert_eq!(m["stop_at_amount"], Value::Null);
    assert_eq!(m["category"], Value::Null);
    assert_eq!(m["category_name"], Value::Null);
    assert_eq!(m["supplier"], Value::Null);
    assert_eq!(m["payment_deadline"], Value::Null);
    assert_eq!(m["delivery_address"], "");
    assert_eq!(m["image_url"], "");
}

#[tokio::test]
async fn only_organizers_open_procurements() {
    let app = TestApp::spawn().await;
    let buyer = app.register("buyer").await;
    let organizer = app.register("organizer").await;
    let other_organizer = app.register("organizer").await;
    let body = |who: i64| {
        json!({ "title": "T", "description": "D", "organizer": who, "city": "Тула", "target_amount": "100",
                "deadline": days_ahead(2).to_rfc3339() })
    };
    let refused = send(app.service(Method::POST, "/api/procurements/").json(&body(buyer))).await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    // A user token may open one only for itself.
    let for_other = send(app.as_user(organizer, Method::POST, "/api/procurements/").json(&body(other_organizer))).await;
    assert_error(&for_other, StatusCode::FORBIDDEN, "forbidden");
    let as_buyer = send(app.as_user(buyer, Method::POST, "/api/procurements/").json(&body(buyer))).await;
    assert_error(&as_buyer, StatusCode::FORBIDDEN, "forbidden");
    let anon = send(app.anon(Method::POST, "/api/procurements/").json(&body(organizer))).await;
    assert_error(&anon, StatusCode::UNAUTHORIZED, "unauthorized");
    let unknown = send(app.service(Method::POST, "/api/procurements/").json(&body(999_999))).await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(count(&app, "SELECT count(*) FROM procurements").await, 0);

    let (status, own) = send(app.as_user(organizer, Method::POST, "/api/procurements/").json(&body(organizer))).await;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    assert_eq!(own["organizer"], organizer);
    assert_eq!(count(&app, "SELECT count(*) FROM procurements").await, 1);
}

#[tokio::test]
async fn detail_lists_current_participants_and_hides_drafts() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({ "target_amount": "1000" })).await;
    let a = app.register("buyer").await;
    let b = app.register("buyer").await;
    assert_eq!(app.join(id, a, "2").await.0, StatusCode::CREATED);
    let (status, _) = send(
        app.service(Method::POST, &format!("/api/procurements/{id}/join/"))
            .json(&json!({ "user_id": b, "quantity": "1.5", "notes": "  у подъезда  " })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let p = app.procurement(id).await;
    assert_eq!(p["current_amount"], "350.00");
    assert_eq!(p["progress"], 35);
    assert_eq!(p["participant_count"], 2);
    assert_eq!(p["can_join"], true);
    let parts = p["participants"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    let first = &parts[0];
    assert_eq!(first["procurement"], id);
    assert_eq!(first["user"], a);
    assert_eq!(first["user_name"], "Тест");
    assert_eq!(first["quantity"], "2.00");
    assert_eq!(first["amount"], "200.00");
    assert_eq!(first["status"], "pending");
    assert_eq!(first["status_display"], "Pending");
    assert_eq!(first["is_active"], true);
    assert_eq!(parts[1]["notes"], "у подъезда");
    assert_eq!(parts[1]["amount"], "150.00");

    // Leaving takes the participant out of the detail.
    let (status, _) =
        send(app.service(Method::POST, &format!("/api/procurements/{id}/leave/")).json(&json!({"user_id": a}))).await;
    assert_eq!(status, StatusCode::OK);
    let p = app.procurement(id).await;
    assert_eq!(p["participants"].as_array().unwrap().len(), 1);
    assert_eq!(p["participants"][0]["user"], b);

    // Anyone may read a published procurement.
    let (status, anon) = send(app.anon(Method::GET, &format!("/api/procurements/{id}/"))).await;
    assert_eq!(status, StatusCode::OK, "{anon}");
    assert_eq!(anon["id"], id);

    // A draft exists only for its organizer (and services).
    let draft = app.draft(organizer, json!({})).await;
    let (status, _) = send(app.as_user(organizer, Method::GET, &format!("/api/procurements/{draft}/"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_error(
        &send(app.anon(Method::GET, &format!("/api/procurements/{draft}/"))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(app.as_user(a, Method::GET, &format!("/api/procurements/{draft}/"))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(app.as_user(a, Method::GET, &format!("/api/procurements/{draft}/participants/"))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(app.service(Method::GET, "/api/procurements/999999/")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

/// Five procurements in different cities, categories and states.
struct Catalogue {
    honey: i64,
    cheese: i64,
    draft: i64,
    stopped: i64,
    expired: i64,
    org_a: i64,
    org_b: i64,
    cat_food: i64,
}

async fn catalogue(app: &TestApp) -> Catalogue {
    let org_a = app.register("organizer").await;
    let org_b = app.register("organizer").await;
    let cat_food = category(app, "Еда").await;
    let cat_other = category(app, "Разное").await;
    let honey = app
        .draft(
            org_a,
            json!({ "title": "Мёд Алтайский", "description": "Гречишный, урожай этого года", "city": "Москва",
                    "category": cat_food }),
        )
        .await;
    app.set_status(honey, "active").await;
    let cheese = app
        .draft(
            org_b,
            json!({ "title": "Сыр", "description": "Фермерский сыр из Адыгеи", "city": "Санкт-Петербург",
                    "category": cat_food }),
        )
        .await;
    app.set_status(cheese, "active").await;
    let draft = app
        .draft(org_a, json!({ "title": "Черновик", "description": "Пробный", "city": "Москва", "category": cat_other }))
        .await;
    let stopped = app.draft(org_b, json!({ "title": "Орехи", "city": "Казань", "description": "Кедровые" })).await;
    app.set_status(stopped, "active").await;
    app.set_status(stopped, "stopped").await;
    let expired = app.draft(org_a, json!({ "title": "Чай", "city": "Новая Москва", "description": "Иван-чай" })).await;
    app.set_status(expired, "active").await;
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 hour' WHERE id = $1")
        .bind(expired)
        .execute(&app.pool)
        .await
        .unwrap();
    Catalogue { honey, cheese, draft, stopped, expired, org_a, org_b, cat_food }
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort();
    v
}

#[tokio::test]
async fn list_filters() {
    let app = TestApp::spawn().await;
    let c = catalogue(&app).await;

    let all = list(&app, "").await;
    assert_eq!(all["count"], 5);
    // Newest first by default.
    assert_eq!(ids(&all), vec![c.expired, c.stopped, c.draft, c.cheese, c.honey]);
    let item = all["results"].as_array().unwrap().iter().find(|p| p["id"] == c.honey).unwrap();
    for field in [
        "id",
        "title",
        "category",
        "category_name",
        "organizer",
        "organizer_name",
        "city",
        "target_amount",
        "current_amount",
        "stop_at_amount",
        "price_per_unit",
        "unit",
        "progress",
        "participant_count",
        "status",
        "deadline",
        "days_left",
        "can_join",
        "image_url",
        "is_featured",
    ] {
        assert!(item.get(field).is_some(), "{field} missing in {item}");
    }
    assert_eq!(item["category_name"], "Еда");
    assert_eq!(item["target_amount"], "10000.00");

    assert_eq!(sorted(ids(&list(&app, "?status=active").await)), sorted(vec![c.honey, c.cheese, c.expired]));
    assert_eq!(ids(&list(&app, "?status=stopped").await), vec![c.stopped]);
    assert_eq!(ids(&list(&app, "?status=completed").await), Vec::<i64>::new());
    assert_eq!(sorted(ids(&list(&app, &format!("?category={}", c.cat_food)).await)), sorted(vec![c.honey, c.cheese]));
    // City: a case-insensitive part of the name.
    assert_eq!(ids(&list(&app, "?city=%D0%BF%D0%B5%D1%82%D0%B5%D1%80" /* петер */).await), vec![c.cheese]);
    assert_eq!(
        sorted(ids(&list(&app, "?city=%D0%9C%D0%9E%D0%A1%D0%9A%D0%92%D0%90" /* МОСКВА */).await)),
        sorted(vec![c.honey, c.draft, c.expired])
    );
    assert_eq!(sorted(ids(&list(&app, &format!("?organizer={}", c.org_b)).await)), sorted(vec![c.cheese, c.stopped]));
    // Open for joining now: active, deadline ahead, stop amount not reached.
    assert_eq!(sorted(ids(&list(&app, "?active_only=true").await)), sorted(vec![c.honey, c.cheese]));
    assert_eq!(list(&app, "?active_only=false").await["count"], 5);
    // Filters combine.
    assert_eq!(
        ids(&list(&app, &format!("?organizer={}&status=active&active_only=true", c.org_a)).await),
        vec![c.honey]
    );
}

#[tokio::test]
async fn list_search_matches_title_description_and_city_in_any_case() {
    let app = TestApp::spawn().await;
    let c = catalogue(&app).await;
    let search = |q: &str| {
        let app = &app;
        let q = q.to_string();
        async move {
            let url = reqwest::Url::parse_with_params("http://x/", [("search", q.as_str())]).unwrap();
            let page = list(app, &format!("?{}", url.query().unwrap())).await;
            sorted(ids(&page))
        }
    };
    // Title, in upper, lower and mixed case (Cyrillic, with ё).
    assert_eq!(search("мёд").await, vec![c.honey]);
    assert_eq!(search("МЁД").await, vec![c.honey]);
    assert_eq!(search("алтайский").await, vec![c.honey]);
    // Description.
    assert_eq!(search("ФЕРМЕРСКИЙ").await, vec![c.cheese]);
    assert_eq!(search("гречишный").await, vec![c.honey]);
    // City.
    assert_eq!(search("санкт").await, vec![c.cheese]);
    assert_eq!(search("казань").await, vec![c.stopped]);
    // Every word must match somewhere.
    assert_eq!(search("мёд москва").await, vec![c.honey]);
    assert_eq!(search("мёд казань").await, Vec::<i64>::new());
    assert_eq!(search("москва").await, sorted(vec![c.honey, c.draft, c.expired]));
    // Wildcards match themselves.
    assert_eq!(search("%").await, Vec::<i64>::new());
    assert_eq!(search("_").await, Vec::<i64>::new());
    // Blank search is no search.
    assert_eq!(search("   ").await.len(), 5);
    // Drafts stay hidden from anonymous searchers.
    let (status, anon) =
        send(app.anon(Method::GET, "/api/procurements/?search=%D0%A7%D0%B5%D1%80%D0%BD%D0%BE%D0%B2%D0%B8%D0%BA")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(anon["count"], 0);
    assert_eq!(search("черновик").await, vec![c.draft]);
}

#[tokio::test]
async fn list_hides_drafts_from_everyone_but_their_organizer() {
    let app = TestApp::spawn().await;
    let c = catalogue(&app).await;
    let (status, anon) = send(app.anon(Method::GET, "/api/procurements/")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(anon["count"], 4);
    assert!(!ids(&anon).contains(&c.draft));
    let (_, own) = send(app.as_user(c.org_a, Method::GET, "/api/procurements/")).await;
    assert_eq!(own["count"], 5);
    assert!(ids(&own).contains(&c.draft));
    let (_, other) = send(app.as_user(c.org_b, Method::GET, "/api/procurements/?status=draft")).await;
    assert_eq!(other["count"], 0);
}

#[tokio::test]
async fn list_ordering_by_every_key_both_ways() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    // (title, target, deadline in days, buyers joining with 1 unit of 100.00 each)
    let specs = [("Бета", "3000", 5, 2), ("Альфа", "1000", 9, 0), ("Дельта", "4000", 3, 3), ("Гамма", "2000", 7, 1)];
    let mut created = Vec::new();
    for (title, target, days, buyers) in specs {
        let id = app
            .draft(
                organizer,
                json!({ "title": title, "target_amount": target, "deadline": days_ahead(days).to_rfc3339() }),
            )
            .await;
        app.set_status(id, "active").await;
        for _ in 0..buyers {
            let buyer = app.register("buyer").await;
            assert_eq!(app.join(id, buyer, "1").await.0, StatusCode::CREATED);
        }
        created.push(id);
    }

    let keyed = |page: &Value, key: &str| -> Vec<String> {
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| match &p[key] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    let expected_ids = |key: &str| -> Vec<i64> {
        let mut order: Vec<(usize, i64)> = created.iter().copied().enumerate().collect();
        let rank = |i: usize| -> i64 {
            let (_, target, days, buyers) = specs[i];
            match key {
                "created_at" => i as i64,
                "deadline" => days,
                "target_amount" => target.parse().unwrap(),
                "current_amount" | "participant_count" => buyers,
                "title" => ["Альфа", "Бета", "Гамма", "Дельта"].iter().position(|t| *t == specs[i].0).unwrap() as i64,
                _ => unreachable!(),
            }
        };
        order.sort_by_key(|(i, _)| rank(*i));
        order.into_iter().map(|(_, id)| id).collect()
    };
    for key in ["created_at", "deadline", "target_amount", "current_amount", "title", "participant_count"] {
        let asc = list(&app, &format!("?ordering={key}")).await;
        let want = expected_ids(key);
        assert_eq!(ids(&asc), want, "ordering={key}: {:?}", keyed(&asc, key));
        let desc = list(&app, &format!("?ordering=-{key}")).await;
        let mut reversed = want.clone();
        reversed.reverse();
        assert_eq!(ids(&desc), reversed, "ordering=-{key}: {:?}", keyed(&desc, key));
    }
    for bad in ["price", "-", "--title", "title;drop", "id"] {
        let url = reqwest::Url::parse_with_params("http://x/", [("ordering", bad)]).unwrap();
        let refused = send(app.service(Method::GET, &format!("/api/procurements/?{}", url.query().unwrap()))).await;
        assert_error(&refused, StatusCode::BAD_REQUEST, "validation_error");
    }
}

#[tokio::test]
async fn list_pages_of_twenty_with_absolute_links() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let mut all = Vec::new();
    for i in 0..41 {
        all.push(app.draft(organizer, json!({ "title": format!("Закупка {i:02}") })).await);
    }
    let first = list(&app, "?ordering=title").await;
    assert_eq!(first["count"], 41);
    assert_eq!(ids(&first), all[..20].to_vec());
    assert_eq!(first["previous"], Value::Null);
    assert_eq!(first["next"], format!("{}/api/procurements/?ordering=title&page=2", app.base));

    let second = list(&app, "?ordering=title&page=2").await;
    assert_eq!(ids(&second), all[20..40].to_vec());
    assert_eq!(second["previous"], format!("{}/api/procurements/?ordering=title", app.base));
    assert_eq!(second["next"], format!("{}/api/procurements/?ordering=title&page=3", app.base));

    // Following `next` links walks to the end.
    let next = second["next"].as_str().unwrap();
    let (status, third) = send(reqwest::Client::new().get(next).bearer_auth(SERVICE_KEY)).await;
    assert_eq!(status, StatusCode::OK, "{third}");
    assert_eq!(ids(&third), all[40..].to_vec());
    assert_eq!(third["next"], Value::Null);
    assert_eq!(third["previous"], format!("{}/api/procurements/?ordering=title&page=2", app.base));

    let past = send(app.service(Method::GET, "/api/procurements/?page=4")).await;
    assert_error(&past, StatusCode::NOT_FOUND, "invalid_page");
    // Page 0 and negative pages are the first page.
    assert_eq!(ids(&list(&app, "?ordering=title&page=0").await), all[..20].to_vec());
    assert_eq!(ids(&list(&app, "?ordering=title&page=-3").await), all[..20].to_vec());
    // An empty list has a first page.
    let none = list(&app, "?status=completed").await;
    assert_eq!(none, json!({ "count": 0, "next": null, "previous": null, "results": [] }));
    assert_error(
        &send(app.service(Method::GET, "/api/procurements/?status=completed&page=2")).await,
        StatusCode::NOT_FOUND,
        "invalid_page",
    );
}

#[tokio::test]
async fn update_changes_only_what_is_sent() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let id = app.draft(organizer, json!({ "stop_at_amount": "5000" })).await;
    let before = app.procurement(id).await;

    let (status, p) = patch(&app, id, json!({ "title": "Новый мёд", "city": "Тверь" })).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["title"], "Новый мёд");
    assert_eq!(p["city"], "Тверь");
    for kept in ["description", "target_amount", "price_per_unit", "unit", "deadline", "stop_at_amount", "organizer"] {
        assert_eq!(p[kept], before[kept], "{kept}");
    }
    // The organizer may edit their own draft, including its terms; PUT is partial too.
    let (status, p) = send(
        app.as_user(organizer, Method::PUT, &format!("/api/procurements/{id}/"))
            .json(&json!({ "price_per_unit": "120", "min_quantity": "0.5", "commission_percent": "10" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!((p["price_per_unit"].as_str(), p["min_quantity"].as_str()), (Some("120.00"), Some("0.50")));
    assert_eq!(p["commission_percent"], "10.00");
    assert_eq!(p["title"], "Новый мёд");
    // `null` clears an optional field.
    let (status, p) = patch(&app, id, json!({ "stop_at_amount": null })).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["stop_at_amount"], Value::Null);
    // Only staff may feature.
    let featured = send(
        app.as_user(organizer, Method::PATCH, &format!("/api/procurements/{id}/"))
            .json(&json!({ "is_featured": true })),
    )
    .await;
    assert_error(&featured, StatusCode::FORBIDDEN, "forbidden");
    let (status, p) = patch(&app, id, json!({ "is_featured": true })).await;
    assert_eq!((status, p["is_featured"].as_bool()), (StatusCode::OK, Some(true)));
    // Someone else may not edit it at all; while it is a draft, it does not even exist for them.
    let stranger = app.register("organizer").await;
    let refused = send(
        app.as_user(stranger, Method::PATCH, &format!("/api/procurements/{id}/")).json(&json!({ "title": "Чужое" })),
    )
    .await;
    assert_error(&refused, StatusCode::NOT_FOUND, "not_found");
    assert_error(
        &send(app.anon(Method::PATCH, &format!("/api/procurements/{id}/")).json(&json!({ "title": "x" }))).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(&patch(&app, 999_999, json!({ "title": "x" })).await, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.procurement(id).await["title"], "Новый мёд");
}

#[tokio::test]
async fn terms_lock_after_publishing_and_stop_cannot_go_below_collected() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({ "stop_at_amount": "5000" })).await;
    let buyer = app.register("buyer").await;
    assert_eq!(app.join(id, buyer, "3").await.0, StatusCode::CREATED);
    let before = app.procurement(id).await;

    for locked in [
        json!({ "price_per_unit": "50" }),
        json!({ "price_per_unit": null }),
        json!({ "min_quantity": "2" }),
        json!({ "commission_percent": "1" }),
        json!({ "title": "И название тоже", "commission_percent": "1" }),
    ] {
        assert_error(&patch(&app, id, locked.clone()).await, StatusCode::CONFLICT, "terms_locked");
    }
    assert_error(
        &patch(&app, id, json!({ "stop_at_amount": "299.99" })).await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );
    assert_eq!(app.procurement(id).await, before, "refused edits change nothing");

    // Other fields may still change, and the stop amount may go down to what is collected.
    let (status, p) = patch(&app, id, json!({ "stop_at_amount": "300", "title": "Мёд (почти всё)" })).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["stop_at_amount"], "300.00");
    assert_eq!(p["current_amount"], "300.00");
    assert_eq!(p["can_join"], false);

    // Closed procurements cannot be edited at all.
    app.set_status(id, "cancelled").await;
    assert_error(&patch(&app, id, json!({ "title": "Поздно" })).await, StatusCode::CONFLICT, "procurement_closed");
}

#[tokio::test]
async fn join_computes_the_amount() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({ "price_per_unit": "333.33", "min_quantity": "0.5" })).await;
    let a = app.register("buyer").await;
    let (status, joined) = join_body(&app, id, json!({ "user_id": a, "quantity": "1.5" })).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["amount"], "500.00", "333.33 × 1.5 rounded half up");
    assert_eq!(joined["quantity"], "1.50");
    assert_eq!(joined["user"], a);
    assert_eq!(joined["procurement"], id);
    assert_eq!(joined["status"], "pending");
    assert!(joined["id"].as_i64().is_some());

    // A client amount that agrees is accepted; one that disagrees is refused.
    let b = app.register("buyer").await;
    let wrong = join_body(&app, id, json!({ "user_id": b, "quantity": "2", "amount": "600.00" })).await;
    assert_error(&wrong, StatusCode::BAD_REQUEST, "validation_error");
    let (status, right) = join_body(&app, id, json!({ "user_id": b, "quantity": 2, "amount": "666.66" })).await;
    assert_eq!(status, StatusCode::CREATED, "{right}");
    // Quantity defaults to one unit.
    let c = app.register("buyer").await;
    let (status, one) = join_body(&app, id, json!({ "user_id": c })).await;
    assert_eq!(status, StatusCode::CREATED, "{one}");
    assert_eq!((one["quantity"].as_str(), one["amount"].as_str()), (Some("1.00"), Some("333.33")));
    // Below the minimum quantity.
    let d = app.register("buyer").await;
    let small = join_body(&app, id, json!({ "user_id": d, "quantity": "0.49" })).await;
    assert_error(&small, StatusCode::BAD_REQUEST, "validation_error");
    let zero = join_body(&app, id, json!({ "user_id": d, "quantity": "0" })).await;
    assert_error(&zero, StatusCode::BAD_REQUEST, "validation_error");

    let p = app.procurement(id).await;
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("1499.99"), Some(3)));
}

#[tokio::test]
async fn join_without_a_unit_price_needs_an_amount() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({ "price_per_unit": null })).await;
    let buyer = app.register("buyer").await;
    assert_error(&join_body(&app, id, json!({ "user_id": buyer })).await, StatusCode::BAD_REQUEST, "validation_error");
    assert_error(
        &join_body(&app, id, json!({ "user_id": buyer, "amount": "0" })).await,
        StatusCode::BAD_REQUEST,
        "validation_error",
    );
    let (status, joined) = join_body(&app, id, json!({ "user_id": buyer, "quantity": "3", "amount": "750" })).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    assert_eq!((joined["amount"].as_str(), joined["quantity"].as_str()), (Some("750.00"), Some("3.00")));
    assert_eq!(app.procurement(id).await["current_amount"], "750.00");
}

#[tokio::test]
async fn join_refusals() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({ "stop_at_amount": "500" })).await;
    let buyer = app.register("buyer").await;
    let other = app.register("buyer").await;

    assert_error(&app.join(id, organizer, "1").await, StatusCode::FORBIDDEN, "forbidden");
    // A user may join only for themselves.
    let for_other = send(
        app.as_user(buyer, Method::POST, &format!("/api/procurements/{id}/join/")).json(&json!({ "user_id": other })),
    )
    .await;
    assert_error(&for_other, StatusCode::FORBIDDEN, "forbidden");
    assert_error(
        &send(app.anon(Method::POST, &format!("/api/procurements/{id}/join/")).json(&json!({ "user_id": buyer })))
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(&app.join(999_999, buyer, "1").await, StatusCode::NOT_FOUND, "not_found");
    assert_error(&app.join(id, 999_999, "1").await, StatusCode::NOT_FOUND, "not_found");

    let (status, _) = send(
        app.as_user(buyer, Method::POST, &format!("/api/procurements/{id}/join/")).json(&json!({ "user_id": buyer })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_error(&app.join(id, buyer, "1").await, StatusCode::CONFLICT, "already_participating");
    // Past the stop amount: refused, with what is left.
    let over = app.join(id, other, "5").await;
    assert_error(&over, StatusCode::CONFLICT, "stop_amount_exceeded");
    assert!(over.1["error"].as_str().unwrap().contains("400.00"), "{}", over.1);
    assert_eq!(count(&app, "SELECT count(*) FROM participants").await, 1);

    // Drafts cannot be joined (to others they do not exist); closed procurements neither.
    let draft = app.draft(organizer, json!({})).await;
    assert_error(&app.join(draft, other, "1").await, StatusCode::NOT_FOUND, "not_found");
    let (cancelled, _) = app.active(json!({})).await;
    app.set_status(cancelled, "cancelled").await;
    assert_error(&app.join(cancelled, other, "1").await, StatusCode::CONFLICT, "not_joinable");
    let (stopped, _) = app.active(json!({})).await;
    app.set_status(stopped, "stopped").await;
    assert_error(&app.join(stopped, other, "1").await, StatusCode::CONFLICT, "not_joinable");
    // The deadline passed while it was active.
    let (late, _) = app.active(json!({})).await;
    sqlx::query("UPDATE procurements SET deadline = now() - interval '1 minute' WHERE id = $1")
        .bind(late)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_error(&app.join(late, other, "1").await, StatusCode::CONFLICT, "deadline_passed");
    assert_eq!(count(&app, "SELECT count(*) FROM participants").await, 1);
}

#[tokio::test]
async fn leave_refusals() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    let leave = |user: i64| {
        let app = &app;
        async move {
            send(app.service(Method::POST, &format!("/api/procurements/{id}/leave/")).json(&json!({ "user_id": user })))
                .await
        }
    };
    assert_error(&leave(buyer).await, StatusCode::CONFLICT, "not_participating");
    assert_eq!(app.join(id, buyer, "2").await.0, StatusCode::CREATED);
    // Someone else may not take the buyer out.
    let other = app.register("buyer").await;
    let refused = send(
        app.as_user(other, Method::POST, &format!("/api/procurements/{id}/leave/")).json(&json!({ "user_id": buyer })),
    )
    .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let (status, left) = leave(buyer).await;
    assert_eq!(status, StatusCode::OK, "{left}");
    assert_eq!(left, json!({ "message": "Successfully left the procurement" }));
    assert_error(&leave(buyer).await, StatusCode::CONFLICT, "not_participating");
    assert_error(
        &send(app.service(Method::POST, "/api/procurements/999999/leave/").json(&json!({ "user_id": buyer }))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Once collection stops, leaving is up to the organizer.
    assert_eq!(app.join(id, buyer, "1").await.0, StatusCode::CREATED);
    app.set_status(id, "stopped").await;
    assert_error(&leave(buyer).await, StatusCode::CONFLICT, "cannot_leave");
    let p = app.procurement(id).await;
    assert_eq!((p["current_amount"].as_str(), p["participant_count"].as_i64()), (Some("100.00"), Some(1)));
}

#[tokio::test]
async fn participants_of_a_procurement() {
    let app = TestApp::spawn().await;
    let (id, _) = app.active(json!({})).await;
    let a = app.register("buyer").await;
    let b = app.register("buyer").await;
    assert_eq!(app.join(id, a, "1").await.0, StatusCode::CREATED);
    assert_eq!(app.join(id, b, "4").await.0, StatusCode::CREATED);
    let (status, _) =
        send(app.service(Method::POST, &format!("/api/procurements/{id}/leave/")).json(&json!({"user_id": a}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, parts) = send(app.anon(Method::GET, &format!("/api/procurements/{id}/participants/"))).await;
    assert_eq!(status, StatusCode::OK, "{parts}");
    let parts = parts.as_array().unwrap();
    assert_eq!(parts.len(), 1, "only current participants");
    assert_eq!(parts[0]["user"], b);
    assert_eq!(parts[0]["amount"], "400.00");
    assert_eq!(parts[0]["quantity"], "4.00");
    assert_error(
        &send(app.anon(Method::GET, "/api/procurements/999999/participants/")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn user_procurements_lists_organized_and_participating() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let mine = app.draft(organizer, json!({ "title": "Моя" })).await;
    let (theirs, _) = app.active(json!({ "title": "Чужая", "price_per_unit": "80" })).await;
    let (left, _) = app.active(json!({ "title": "Ушёл" })).await;
    assert_eq!(app.join(theirs, organizer, "2.5").await.0, StatusCode::CREATED);
    assert_eq!(app.join(left, organizer, "1").await.0, StatusCode::CREATED);
    let (status, _) = send(
        app.service(Method::POST, &format!("/api/procurements/{left}/leave/")).json(&json!({"user_id": organizer})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) =
        send(app.as_user(organizer, Method::GET, &format!("/api/procurements/user/{organizer}/"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let organized = body["organized"].as_array().unwrap();
    assert_eq!(organized.len(), 1);
    assert_eq!((organized[0]["id"].as_i64(), organized[0]["title"].as_str()), (Some(mine), Some("Моя")));
    let participating = body["participating"].as_array().unwrap();
    assert_eq!(participating.len(), 1, "left procurements are not listed: {body}");
    let item = &participating[0];
    assert_eq!(item["id"], theirs);
    assert_eq!(item["title"], "Чужая");
    assert_eq!(item["my_amount"], "200.00");
    assert_eq!(item["my_quantity"], "2.50");
    assert_eq!(item["current_amount"], "200.00");
    assert_eq!(item["status"], "active");

    // Only the user themselves (or a service).
    let stranger = app.register("buyer").await;
    assert_error(
        &send(app.as_user(stranger, Method::GET, &format!("/api/procurements/user/{organizer}/"))).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let (status, empty) = send(app.service(Method::GET, &format!("/api/procurements/user/{stranger}/"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(empty, json!({ "organized": [], "participating": [] }));
    assert_error(
        &send(app.service(Method::GET, "/api/procurements/user/999999/")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn check_access_for_organizer_participant_and_others() {
    let app = TestApp::spawn().await;
    let (id, organizer) = app.active(json!({})).await;
    let buyer = app.register("buyer").await;
    let outsider = app.register("buyer").await;
    let left = app.register("buyer").await;
    assert_eq!(app.join(id, buyer, "1").await.0, StatusCode::CREATED);
    assert_eq!(app.join(id, left, "1").await.0, StatusCode::CREATED);
    let (status, _) =
        send(app.service(Method::POST, &format!("/api/procurements/{id}/leave/")).json(&json!({"user_id": left})))
            .await;
    assert_eq!(status, StatusCode::OK);

    let check = |user: i64| {
        let app = &app;
        async move {
            send(
                app.service(Method::POST, &format!("/api/procurements/{id}/check_access/"))
                    .json(&json!({ "user_id": user })),
            )
            .await
        }
    };
    for user in [organizer, buyer] {
        let (status, body) = check(user).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["access"], true);
    }
    for user in [outsider, left, 999_999] {
        let (status, body) = check(user).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body, json!({ "access": false, "error": "No access to this procurement" }));
    }
    let unknown =
        send(app.service(Method::POST, "/api/procurements/999999/check_access/").json(&json!({ "user_id": buyer })))
            .await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
    // A user may ask only about themselves.
    let (status, own) = send(
        app.as_user(buyer, Method::POST, &format!("/api/procurements/{id}/check_access/"))
            .json(&json!({ "user_id": buyer })),
    )
    .await;
    assert_eq!((status, own["access"].as_bool()), (StatusCode::OK, Some(true)));
    let prying = send(
        app.as_user(outsider, Method::POST, &format!("/api/procurements/{id}/check_access/"))
            .json(&json!({ "user_id": buyer })),
    )
    .await;
    assert_error(&prying, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn update_status_answers_status_and_display() {
    let app = TestApp::spawn().await;
    let organizer = app.register("organizer").await;
    let id = app.draft(organizer, json!({})).await;
    let steps =
        [("active", "Active"), ("stopped", "Stopped"), ("payment", "Payment in Progress"), ("completed", "Completed")];
    for (status, display) in steps {
        let (code, body) = send(
            app.as_user(organizer, Method::POST, &format!("/api/procurements/{id}/update_status/"))
                .json(&json!({ "status": status })),
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{body}");
        assert_eq!(body, json!({ "status": status, "status_display": display }));
    }
    assert_eq!(app.procurement(id).await["status"], "completed");
    let again = send(
        app.service(Method::POST, &format!("/api/procurements/{id}/update_status/"))
            .json(&json!({ "status": "active" })),
    )
    .await;
    assert_error(&again, StatusCode::CONFLICT, "illegal_transition");

    let other = app.draft(organizer, json!({})).await;
    let skip = send(
        app.service(Method::POST, &format!("/api/procurements/{other}/update_status/"))
            .json(&json!({ "status": "payment" })),
    )
    .await;
    assert_error(&skip, StatusCode::CONFLICT, "illegal_transition");
    let to_draft = send(
        app.service(Method::POST, &format!("/api/procurements/{other}/update_status/"))
            .json(&json!({ "status": "draft" })),
    )
    .await;
    assert_error(&to_draft, StatusCode::CONFLICT, "illegal_transition");
    let stranger = app.register("organizer").await;
    let refused = send(
        app.as_user(stranger, Method::POST, &format!("/api/procurements/{other}/update_status/"))
            .json(&json!({ "status": "active" })),
    )
    .await;
    // `other` is a draft: to a stranger it does not exist.
    assert_error(&refused, StatusCode::NOT_FOUND, "not_found");
    let (code, cancelled) = send(
        app.service(Method::POST, &format!("/api/procurements/{other}/update_status/"))
            .json(&json!({ "status": "cancelled" })),
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(cancelled, json!({ "status": "cancelled", "status_display": "Cancelled" }));
    assert_error(
        &send(
            app.service(Method::POST, "/api/procurements/999999/update_status/").json(&json!({ "status": "active" })),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

/// The web cabinet's supplier page lists what a supplier is attached to, and its catalog's
/// slider what staff featured: both are list filters that combine with the others.
#[tokio::test]
async fn list_filters_by_supplier_and_featured() {
    let app = TestApp::spawn().await;
    let c = catalogue(&app).await;
    let supplier = app.register("supplier").await;
    let supplied = app
        .draft(
            c.org_a,
            json!({ "title": "Кедровое масло", "description": "Холодный отжим", "city": "Томск",
                                "supplier": supplier }),
        )
        .await;
    app.set_status(supplied, "active").await;
    assert_eq!(ids(&list(&app, &format!("?supplier={supplier}")).await), vec![supplied]);
    assert_eq!(ids(&list(&app, &format!("?supplier={}", c.org_b)).await), Vec::<i64>::new());

    let (status, body) = patch(&app, c.cheese, json!({ "is_featured": true })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&list(&app, "?is_featured=true").await), vec![c.cheese]);
    assert_eq!(ids(&list(&app, "?is_featured=true&status=stopped").await), Vec::<i64>::new());
    assert!(!ids(&list(&app, "?is_featured=false").await).contains(&c.cheese));
    let (status, _) = send(app.service(Method::GET, "/api/procurements/?supplier=abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
