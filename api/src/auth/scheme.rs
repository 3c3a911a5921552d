//! The bearer scheme as the OpenAPI document shows it. The [`super::Authenticate`] middleware
//! has already checked the token; this only hands its result to the operation.

use super::Caller;
use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

/// A service API key or a user JWT.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT or service key", checker = "authenticated")]
pub struct BearerToken(Caller);

async fn authenticated(req: &Request, _: Bearer) -> Option<Caller> {
    req.extensions().get::<Caller>().copied()
}

/// Optional authentication: operations that anonymous callers may use still see who calls.
#[derive(SecurityScheme)]
pub enum Auth {
    Bearer(BearerToken),
    #[oai(fallback)]
    Anonymous,
}

impl Auth {
    pub fn caller(&self) -> Caller {
        match self {
            Self::Bearer(BearerToken(caller)) => *caller,
            Self::Anonymous => Caller::Anonymous,
        }
    }
}
