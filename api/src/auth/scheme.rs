//! The bearer scheme as the OpenAPI document shows it. The [`super::Authenticate`] middleware
//! has already checked the token; these only hand its result to the operation.

use super::Caller;
use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

/// Required authentication: a service API key or a user JWT. Operations that need a caller take
/// this as their first parameter, so an anonymous request is answered 401 before its body is read.
#[derive(SecurityScheme)]
#[oai(rename = "BearerToken", ty = "bearer", bearer_format = "JWT or service key", checker = "authenticated")]
pub struct Authenticated(Caller);

async fn authenticated(req: &Request, _: Bearer) -> Option<Caller> {
    req.extensions().get::<Caller>().copied()
}

impl Authenticated {
    pub fn caller(&self) -> Caller {
        self.0
    }
}

/// Optional authentication: operations that anonymous callers may use still see who calls.
#[derive(SecurityScheme)]
pub enum Auth {
    Bearer(Authenticated),
    #[oai(fallback)]
    Anonymous,
}

impl Auth {
    pub fn caller(&self) -> Caller {
        match self {
            Self::Bearer(authenticated) => authenticated.caller(),
            Self::Anonymous => Caller::Anonymous,
        }
    }
}
