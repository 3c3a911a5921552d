//! The category tree at `/api/admin/categories/`: the flat list in tree order with usage counts,
//! create (201), change, delete (204), and the refusals: missing parent and cycles (400), in use
//! (409, nothing deleted), unknown (404); every write with its audit row.

use crate::admin_ops::{audit_rows, refused_to_outsiders};
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let (status, created) = send(app.as_staff(token, Method::POST, "/api/admin/categories/").json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_tree_is_listed_in_order_with_its_counts_and_edited_with_audit_rows() {
    let app = TestApp::spawn().await;
    let (staff_id, token) = app.staff("editor").await;
    let food = create(&app, &token, json!({ "name": "Food", "icon": "🍎" })).await;
    let honey = create(&app, &token, json!({ "name": "Honey", "parent": food })).await;
    let apples = create(&app, &token, json!({ "name": "Apples", "parent": food, "description": "fresh" })).await;
    let clothes = create(&app, &token, json!({ "name": "Clothes" })).await;
    let organizer = app.register("organizer").await;
    app.draft(organizer, json!({ "category": honey })).await;

    let (status, list) = send(app.as_staff(&token, Method::GET, "/api/admin/categories/")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let order: Vec<i64> = list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(order, vec![clothes, food, apples, honey], "each child right after its parent: {list}");
    let food_row = &list[1];
    assert_eq!(
        food_row,
        &json!({ "id": food, "name": "Food", "description": "", "parent": null, "icon": "🍎", "is_active": true,
                 "procurements_count": 0, "children_count": 2 })
    );
    assert_eq!(list[3]["procurements_count"], 1, "{list}");

    let (status, one) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/categories/{apples}/"))).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!((one["parent"].as_i64(), one["description"].as_str()), (Some(food), Some("fresh")));

    let (status, changed) = send(
        app.as_staff(&token, Method::PATCH, &format!("/api/admin/categories/{apples}/"))
            .json(&json!({ "name": "Fruit", "parent": clothes, "is_active": false })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!((changed["name"].as_str(), changed["parent"].as_i64()), (Some("Fruit"), Some(clothes)));
    assert_eq!(changed["is_active"], false, "inactive ones are still listed for staff");

    let (status, _) = send(app.as_staff(&token, Method::DELETE, &format!("/api/admin/categories/{apples}/"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/categories/{apples}/"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let rows = audit_rows(&app, "category").await;
    let actions: Vec<&str> = rows.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "category.delete",
            "category.update",
            "category.create",
            "category.create",
            "category.create",
            "category.create"
        ]
    );
    let update = &rows[1];
    assert_eq!(update["entity_id"], apples.to_string());
    assert_eq!(update["staff_id"], staff_id);
    assert_eq!(update["actor"], "staff");
    assert_eq!(update["before"]["name"], "Apples");
    assert_eq!(update["after"]["name"], "Fruit");
    assert_eq!(update["after"]["parent"], clothes);
    assert_eq!(rows[0]["before"]["name"], "Fruit");
    assert!(rows[0]["after"].is_null());

    // The public routes are unchanged: active ones only.
    let (status, public) = send(app.anon(Method::GET, "/api/procurements/categories/")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public.as_array().unwrap().len(), 3, "{public}");
}

#[tokio::test]
async fn bad_parents_cycles_categories_in_use_and_unknown_ones_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("editor").await;
    let top = create(&app, &token, json!({ "name": "Top" })).await;
    let middle = create(&app, &token, json!({ "name": "Middle", "parent": top })).await;
    let leaf = create(&app, &token, json!({ "name": "Leaf", "parent": middle })).await;
    let organizer = app.register("organizer").await;
    app.draft(organizer, json!({ "category": leaf })).await;
    let before = audit_rows(&app, "category").await.len();
    let patch = |id: i64, body: Value| {
        send(app.as_staff(&token, Method::PATCH, &format!("/api/admin/categories/{id}/")).json(&body))
    };

    let missing = send(
        app.as_staff(&token, Method::POST, "/api/admin/categories/").json(&json!({ "name": "X", "parent": 999999 })),
    )
    .await;
    assert_error(&missing, StatusCode::BAD_REQUEST, "validation_error");
    let blank = send(app.as_staff(&token, Method::POST, "/api/admin/categories/").json(&json!({ "name": "  " }))).await;
    assert_eq!(blank.0, StatusCode::BAD_REQUEST, "{}", blank.1);
    let nameless =
        send(app.as_staff(&token, Method::POST, "/api/admin/categories/").json(&json!({ "icon": "x" }))).await;
    assert_eq!(nameless.0, StatusCode::BAD_REQUEST, "{}", nameless.1);
    assert_error(&patch(top, json!({ "parent": leaf })).await, StatusCode::BAD_REQUEST, "validation_error");
    assert_error(&patch(top, json!({ "parent": top })).await, StatusCode::BAD_REQUEST, "validation_error");
    assert_error(&patch(middle, json!({ "parent": 999999 })).await, StatusCode::BAD_REQUEST, "validation_error");
    assert_error(&patch(999999, json!({ "name": "Y" })).await, StatusCode::NOT_FOUND, "not_found");

    for (id, why) in [(leaf, "a procurement"), (middle, "a child"), (top, "a child")] {
        let refused = send(app.as_staff(&token, Method::DELETE, &format!("/api/admin/categories/{id}/"))).await;
        assert_error(&refused, StatusCode::CONFLICT, "category_in_use");
        let (status, _) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/categories/{id}/"))).await;
        assert_eq!(status, StatusCode::OK, "{why} keeps it");
    }
    let gone = send(app.as_staff(&token, Method::DELETE, "/api/admin/categories/999999/")).await;
    assert_error(&gone, StatusCode::NOT_FOUND, "not_found");
    assert_error(
        &send(app.as_staff(&token, Method::GET, "/api/admin/categories/999999/")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    let (_, list) = send(app.as_staff(&token, Method::GET, "/api/admin/categories/")).await;
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Top", "Middle", "Leaf"], "nothing changed");
    assert_eq!(audit_rows(&app, "category").await.len(), before, "no audit row for a refusal");

    let person = app.register("buyer").await;
    refused_to_outsiders(&app, Method::GET, "/api/admin/categories/", person).await;
    refused_to_outsiders(&app, Method::POST, "/api/admin/categories/", person).await;
    refused_to_outsiders(&app, Method::PATCH, &format!("/api/admin/categories/{top}/"), person).await;
    refused_to_outsiders(&app, Method::DELETE, &format!("/api/admin/categories/{top}/"), person).await;
}

/// The original admin tests (`test_admin_api.py`, AdminCategoryManagementTests).
#[tokio::test]
async fn the_originals_category_tests() {
    let app = TestApp::spawn().await;
    let (_, token) = app.staff("admin").await;
    let (status, created) =
        send(app.as_staff(&token, Method::POST, "/api/admin/categories/").json(&json!({ "name": "Test Category" })))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, updated) = send(
        app.as_staff(&token, Method::PATCH, &format!("/api/admin/categories/{id}/"))
            .json(&json!({ "name": "Updated" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["name"], "Updated");
    let (status, _) = send(app.as_staff(&token, Method::DELETE, &format!("/api/admin/categories/{id}/"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send(app.as_staff(&token, Method::GET, &format!("/api/admin/categories/{id}/"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
