//! Refuses request bodies over a size limit with 413, before anything reads them.

use poem::http::StatusCode;
use poem::web::Json;
use poem::{Body, Endpoint, IntoResponse, Middleware, Request, Response};
use tokio::io::AsyncReadExt;

/// `max` bytes, except for the path in `larger` (file uploads), which may send more.
pub struct BodyLimit {
    pub max: usize,
    pub larger: (&'static str, usize),
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        BodyLimitEndpoint { inner, max: self.max, larger: self.larger }
    }
}

pub struct BodyLimitEndpoint<E> {
    inner: E,
    max: usize,
    larger: (&'static str, usize),
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let (path, larger) = self.larger;
        let max = if req.uri().path().trim_end_matches('/') == path { larger } else { self.max };
        let declared = req.header("content-length").and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|len| len > max) {
            let error = format!("request body over {max} bytes");
            return Ok(Json(serde_json::json!({ "error": error, "code": "payload_too_large" }))
                .with_status(StatusCode::PAYLOAD_TOO_LARGE)
                .into_response());
        }
        if declared.is_none() {
            // A body without a declared length (chunked) is cut at the limit: a cut JSON body
            // then fails to parse with a 400 instead of filling memory.
            let limited = req.take_body().into_async_read().take(max as u64);
            req.set_body(Body::from_async_read(limited));
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}
