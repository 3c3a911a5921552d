//! The web apps' files as the build compressed them (`scripts/build-web-app.sh` writes a `.br`
//! and a `.gz` beside each script, module and stylesheet): a browser that accepts Brotli or gzip
//! gets those bytes with `Content-Encoding`, so the 1.2 MB WebAssembly module crosses the wire as
//! about 330 KB, and no request spends CPU compressing. Anything else goes to the plain files.

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use std::path::PathBuf;

/// What the build compresses, by extension, with the type the original is served as.
const COMPRESSED: &[(&str, &str)] =
    &[("wasm", "application/wasm"), ("js", "text/javascript; charset=utf-8"), ("css", "text/css; charset=utf-8")];

/// Serves `dir`'s precompressed files ahead of `inner` (the static files endpoint of `dir`).
pub struct Precompressed<E> {
    pub dir: PathBuf,
    pub inner: E,
}

/// `br` or `gzip`, whichever `accept` allows (Brotli first: smaller).
fn encodings(accept: &str) -> Vec<(&'static str, &'static str)> {
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut bits = part.split(';');
            let coding = bits.next().unwrap_or("").trim();
            let refused = bits.any(|b| b.trim().replace(' ', "") == "q=0");
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    [("br", "br"), ("gzip", "gz")].into_iter().filter(|(name, _)| accepts(name)).collect()
}

impl<E: Endpoint> Endpoint for Precompressed<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        if req.method() == Method::GET
            && let Some(found) = self.compressed_for(&req).await
        {
            return Ok(found);
        }
        Ok(self.inner.call(req).await?.into_response())
    }
}

impl<E> Precompressed<E> {
    async fn compressed_for(&self, req: &Request) -> Option<Response> {
        // The apps' files sit flat in their folder: a plain name or nothing.
        let name = req.uri().path().rsplit('/').next()?;
        if name.is_empty()
            || name.starts_with('.')
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return None;
        }
        let (_, content_type) = COMPRESSED.iter().find(|(ext, _)| name.rsplit('.').next() == Some(ext))?;
        let accept = req.header(header::ACCEPT_ENCODING).unwrap_or("");
        for (coding, suffix) in encodings(accept) {
            if let Ok(bytes) = tokio::fs::read(self.dir.join(format!("{name}.{suffix}"))).await {
                return Some(
                    Response::builder()
                        .status(StatusCode::OK)
                        .header(header::CONTENT_TYPE, *content_type)
                        .header(header::CONTENT_ENCODING, coding)
                        .header(header::VARY, HeaderValue::from_static("accept-encoding"))
                        // Names do not change between builds: ask again each time (a 304 is cheap).
                        .header(header::CACHE_CONTROL, "no-cache")
                        .body(bytes),
                );
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::encodings;

    #[test]
    fn brotli_first_then_gzip_and_a_refusal_is_respected() {
        assert_eq!(encodings("gzip, deflate, br, zstd"), vec![("br", "br"), ("gzip", "gz")]);
        assert_eq!(encodings("gzip"), vec![("gzip", "gz")]);
        assert_eq!(encodings("br;q=0, gzip;q=0.8"), vec![("gzip", "gz")]);
        assert!(encodings("identity").is_empty());
    }
}
