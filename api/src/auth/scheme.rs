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

/// Authentication for `/api/admin/` operations: the staff session cookie or a bearer token
/// (a staff token from `POST /api/admin/auth/`, or a service key). Operations call
/// [`StaffAuth::operator`], which refuses people's tokens with 403 and nobody with 401.
///
/// The extraction is ours rather than derived: the middleware has already established the caller
/// from either (and checked a cookie write's CSRF token), and a derived cookie extractor would need
/// poem's cookie jar, which this API does not run. The document shows the bearer scheme; the
/// cookie is the admin app's own way in (the `Admin` tag describes it).
pub struct StaffAuth(Authenticated);

impl<'a> poem_openapi::ApiExtractor<'a> for StaffAuth {
    const TYPES: &'static [poem_openapi::ApiExtractorType] = &[poem_openapi::ApiExtractorType::SecurityScheme];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut poem_openapi::registry::Registry) {
        <Authenticated as poem_openapi::ApiExtractor>::register(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        <Authenticated as poem_openapi::ApiExtractor>::security_schemes()
    }

    async fn from_request(
        req: &'a Request,
        _body: &mut poem::RequestBody,
        _param_opts: poem_openapi::ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        let caller = req.extensions().get::<Caller>().copied().unwrap_or(Caller::Anonymous);
        Ok(Self(Authenticated(caller)))
    }
}

impl StaffAuth {
    pub fn caller(&self) -> Caller {
        self.0.0
    }

    /// Who makes this staff request (403 for people, 401 for nobody).
    pub fn operator(&self) -> Result<workflows::staff::Operator, crate::error::ApiError> {
        self.caller().require_staff()
    }
}
