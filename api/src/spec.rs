//! The OpenAPI document as served: poem-openapi's, plus the rules that the use cases check
//! (answering 400 `validation_error`) and that a schema can state. Field validators would check
//! them too, but earlier and with another code, so they are written into the document here.
//!
//! Two rules hold for every text a request carries, body field or parameter alike: no NUL
//! character (PostgreSQL text cannot hold one), and where at least one character is required,
//! something besides whitespace (values are trimmed). The tables below add the others.

use serde_json::{Map, Value, json};

const NO_NUL: &str = r"^[^\x00]*$";
const NOT_BLANK: &str = r"^[^\x00]*[^\s\x00][^\x00]*$";
/// `+79991234567`: 11 to 15 digits, not starting with 0; the '+' is added when missing.
const PHONE: &str = r"^\s*(\+?[1-9]\d{10,14})?\s*$";
// U+0085 is whitespace to the server (Rust) but not to JSON Schema's `\s`: both are named.
const EMAIL: &str = r"^[\s\u0085]*([^@\s\u0085\x00]+@[^@\s\u0085.\x00][^@\s\u0085\x00]*\.[^@\s\u0085\x00]*[^@\s\u0085.\x00])?[\s\u0085]*$";
const LANGUAGE: &str = r"^\s*[0-9A-Za-z_-]{0,10}\s*$";
/// A person's INN: 12 digits (whose check digits a pattern cannot check).
const PERSON_INN: &str = r"^\s*(\d{12})?\s*$";
const HTTP_URL: &str = r"^\s*(https?://[^\x00]*)?$";
/// A broadcast's chat: a Telegram chat id or VK peer_id (digits), or a Telegram `@channelname`.
const CHAT_ID: &str = r"^[\s\u0085]*(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})[\s\u0085]*$";
const ORDERING: &str = r"^\s*(-?(created_at|deadline|target_amount|current_amount|title|participant_count))?\s*$";

/// Body fields: (schema, property, pattern).
const FIELD_PATTERNS: &[(&str, &str, &str)] = &[
    ("RegisterUser", "phone", PHONE),
    ("UpdateUser", "phone", PHONE),
    ("RegisterUser", "email", EMAIL),
    ("UpdateUser", "email", EMAIL),
    ("RegisterUser", "language_code", LANGUAGE),
    ("UpdateUser", "language_code", LANGUAGE),
    ("UpdateUser", "inn", PERSON_INN),
    ("DepositIn", "inn", PERSON_INN),
    ("RecipientIn", "account", r"^\d{20}$"),
    ("RecipientIn", "bic", r"^\d{9}$"),
    ("RecipientIn", "inn", r"^(\d{10}|\d{12})$"),
    ("CreateProcurement", "image_url", HTTP_URL),
    ("UpdateProcurement", "image_url", HTTP_URL),
    ("MessageEdit", "text", NOT_BLANK),
    ("TargetIn", "chat_id", CHAT_ID),
];

/// Query parameters: (path, parameter, extra schema keywords); `required` makes it required.
fn parameter_rules() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("/procurements", "ordering", json!({ "pattern": ORDERING })),
        ("/procurements", "search", json!({ "maxLength": 200 })),
        ("/users/by_platform", "platform_user_id", json!({ "required": true, "minLength": 1, "maxLength": 100 })),
        ("/users/check_exists", "platform_user_id", json!({ "required": true, "minLength": 1, "maxLength": 100 })),
        ("/payments/transactions/summary", "user_id", json!({ "required": true })),
        ("/chat/messages", "procurement_id", json!({ "required": true })),
    ]
}

/// The staff lists' shared parameters, by name: pages, day counts and date windows (the use cases
/// refuse anything else with a 400).
const ADMIN_PARAMETER_RULES: &[(&str, &str)] = &[
    ("page", r#"{"minimum": 1}"#),
    ("page_size", r#"{"minimum": 1, "maximum": 100}"#),
    ("days", r#"{"minimum": 1, "maximum": 365}"#),
    ("date_from", r#"{"anyOf": [{"format": "date"}, {"format": "date-time"}]}"#),
    ("date_to", r#"{"anyOf": [{"format": "date"}, {"format": "date-time"}]}"#),
];

/// Properties a request must carry although the schema it shares with another operation
/// leaves them out: (path, method, properties).
const REQUIRED_IN_BODY: &[(&str, &str, &[&str])] =
    &[("/procurements/categories", "post", &["name"]), ("/admin/categories", "post", &["name"])];

/// Answers whose status an operation gives with either its own body or the error body (poem-openapi
/// keeps one schema per status): (path, method, status, the operation's own schema).
const EITHER_BODY: &[(&str, &str, &str, &str)] = &[("/procurements/{id}/check_access", "post", "403", "Access")];

/// poem-openapi's document with the rules above written in.
pub fn with_rules(spec: &str, queues: &[&str]) -> String {
    let mut spec: Value = serde_json::from_str(spec).expect("poem-openapi writes valid JSON");
    let request_schemas = request_schemas(&spec);
    let schemas = &mut spec["components"]["schemas"];
    for name in &request_schemas {
        let properties = schemas.get_mut(name.as_str()).and_then(|s| s.get_mut("properties"));
        for (field, schema) in properties.and_then(Value::as_object_mut).into_iter().flatten() {
            if let Some((.., pattern)) = FIELD_PATTERNS.iter().find(|(s, f, _)| s == name && f == field) {
                schema["pattern"] = json!(pattern);
            }
            text_rule(schema);
        }
    }
    schemas["RetryRequest"]["properties"]["queue"]["enum"] = json!(queues);
    schemas["DeadRetryIn"]["properties"]["queue"]["enum"] = json!(queues);
    schemas["DeadDiscardIn"]["properties"]["queue"]["enum"] = json!(queues);
    // price advice is not trained on its own: it combines the served success and demand models
    schemas["TrainIn"]["properties"]["model_type"] =
        json!({ "type": "string", "enum": ["success_prediction", "demand_forecast"] });
    let rules = parameter_rules();
    for (path, item) in spec["paths"].as_object_mut().into_iter().flatten() {
        for (method, operation) in item.as_object_mut().into_iter().flatten() {
            let parameters = operation.get_mut("parameters").and_then(Value::as_array_mut);
            for parameter in parameters.into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                if path.starts_with("/admin/jobs/dead") && name == "queue" {
                    parameter["schema"]["enum"] = json!(queues);
                }
                if path.starts_with("/admin/")
                    && let Some((_, extra)) = ADMIN_PARAMETER_RULES.iter().find(|(n, _)| *n == name)
                {
                    for (key, value) in
                        serde_json::from_str::<Value>(extra).unwrap_or_default().as_object().into_iter().flatten()
                    {
                        parameter["schema"][key] = value.clone();
                    }
                }
                for (_, _, extra) in rules.iter().filter(|(p, n, _)| p == path && *n == name) {
                    for (key, value) in extra.as_object().into_iter().flatten() {
                        match key.as_str() {
                            "required" => parameter["required"] = value.clone(),
                            _ => parameter["schema"][key] = value.clone(),
                        }
                    }
                }
                text_rule(&mut parameter["schema"]);
            }
            for (_, _, required) in REQUIRED_IN_BODY.iter().filter(|(p, m, _)| p == path && m == method) {
                require(operation, required);
            }
            for (.., status, body) in EITHER_BODY.iter().filter(|(p, m, ..)| p == path && m == method) {
                either_body(operation, status, body);
            }
            if method == "post" && crate::clients::CREDENTIAL_PATHS.iter().any(|p| p.strip_prefix("/api") == Some(path))
            {
                rate_limited(operation);
            }
        }
    }
    spec.to_string()
}

/// No NUL in any text, and something besides whitespace where a character is required.
fn text_rule(schema: &mut Value) {
    let plain_text = schema["type"] == "string"
        && schema.get("format").is_none()
        && schema.get("enum").is_none()
        && schema.get("pattern").is_none();
    if plain_text {
        let required = schema["minLength"].as_u64().unwrap_or(0) > 0;
        schema["pattern"] = json!(if required { NOT_BLANK } else { NO_NUL });
    }
}

/// The schemas of request bodies and every schema they refer to.
fn request_schemas(spec: &Value) -> Vec<String> {
    let mut pending: Vec<String> = Vec::new();
    for item in spec["paths"].as_object().into_iter().flatten().map(|(_, item)| item) {
        for operation in item.as_object().into_iter().flatten().map(|(_, op)| op) {
            collect_refs(&operation["requestBody"], &mut pending);
        }
    }
    let mut found = Vec::new();
    while let Some(name) = pending.pop() {
        if !found.contains(&name) {
            collect_refs(&spec["components"]["schemas"][name.as_str()], &mut pending);
            found.push(name);
        }
    }
    found
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
                into.push(name.to_string());
            }
            map.values().for_each(|v| collect_refs(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, into)),
        _ => {}
    }
}

const JSON: &str = "application/json; charset=utf-8";

/// Wraps an operation's JSON body schema so that it requires `properties` too.
fn require(operation: &mut Value, properties: &[&str]) {
    let schema = &mut operation["requestBody"]["content"][JSON]["schema"];
    let mut extra = Map::new();
    extra.insert("required".into(), json!(properties));
    *schema = json!({ "allOf": [schema.take(), Value::Object(extra)] });
}

/// The 429 of the credential endpoints, which a middleware gives before the operation runs.
fn rate_limited(operation: &mut Value) {
    operation["responses"]["429"] = json!({
        "description": "Too many requests from this client in the current minute (AUTH_RATE_LIMIT); \
                        nothing was checked. Retry-After says when to try again.",
        "headers": { "Retry-After": { "required": true, "schema": { "type": "integer", "format": "uint64" } } },
        "content": { JSON: { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
    });
}

/// Lets an answer's body be the operation's own schema or the error body.
fn either_body(operation: &mut Value, status: &str, own: &str) {
    let schema = &mut operation["responses"][status]["content"][JSON]["schema"];
    let own = json!({ "$ref": format!("#/components/schemas/{own}") });
    *schema = json!({ "anyOf": [own, schema.take()] });
}
