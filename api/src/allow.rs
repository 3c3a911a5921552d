//! `Allow` on 405 answers (RFC 9110 §15.5.6): the methods the OpenAPI document declares for the
//! path that was asked for, read once from the document itself so the two cannot disagree.

use poem::http::{HeaderValue, StatusCode, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use std::sync::Arc;

/// Path templates (`/users/{id}`) split into segments, each with its `Allow` value.
#[derive(Clone)]
pub struct AllowHeader(Arc<Vec<(Vec<String>, HeaderValue)>>);

impl AllowHeader {
    /// From the OpenAPI document's `paths`; GET paths allow HEAD too, as the server answers it.
    pub fn from_spec(spec: &str) -> Self {
        let spec: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
        let mut routes = Vec::new();
        for (path, item) in spec["paths"].as_object().into_iter().flatten() {
            let mut methods: Vec<String> =
                item.as_object().into_iter().flatten().map(|(m, _)| m.to_uppercase()).collect();
            if methods.iter().any(|m| m == "GET") {
                methods.push("HEAD".into());
            }
            if let Ok(value) = HeaderValue::from_str(&methods.join(", ")) {
                routes.push((segments(path).map(str::to_string).collect(), value));
            }
        }
        Self(Arc::new(routes))
    }

    /// The route poem dispatches to: the matching template with the most literal segments.
    fn allowed(&self, path: &str) -> Option<&HeaderValue> {
        let asked: Vec<&str> = segments(path).collect();
        self.0
            .iter()
            .filter(|(template, _)| {
                template.len() == asked.len() && template.iter().zip(&asked).all(|(t, a)| t.starts_with('{') || t == a)
            })
            .max_by_key(|(template, _)| template.iter().filter(|t| !t.starts_with('{')).count())
            .map(|(_, value)| value)
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

impl<E: Endpoint> Middleware<E> for AllowHeader {
    type Output = AllowHeaderEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        AllowHeaderEndpoint { inner, routes: self.clone() }
    }
}

pub struct AllowHeaderEndpoint<E> {
    inner: E,
    routes: AllowHeader,
}

impl<E: Endpoint> Endpoint for AllowHeaderEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let allowed = self.routes.allowed(req.uri().path()).cloned();
        let mut response = match self.inner.call(req).await {
            Ok(response) => response.into_response(),
            Err(err) if err.status() == StatusCode::METHOD_NOT_ALLOWED => crate::error::to_json_response(err).await,
            Err(err) => return Err(err),
        };
        if response.status() == StatusCode::METHOD_NOT_ALLOWED
            && let Some(allowed) = allowed
        {
            response.headers_mut().insert(header::ALLOW, allowed);
        }
        Ok(response)
    }
}
