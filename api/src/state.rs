use crate::auth::AuthConfig;
use workflows::db::PgPool;

/// What every operation needs.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub auth: AuthConfig,
    /// Checked by `/ready`.
    pub redis: Option<redis::Client>,
    /// The job queues, for staff and `/metrics` (absent where no worker runtime is configured).
    pub queues: Option<std::sync::Arc<dyn workflows::jobs::admin::QueueAdmin>>,
    /// The built admin app, served at `/admin-panel/` when present.
    pub admin_ui_dir: Option<std::path::PathBuf>,
    /// The built web cabinet, served at `/` (every path outside the API's) when present.
    pub webapp_dir: Option<std::path::PathBuf>,
    /// Where buyers pay deposits.
    pub pay_into: workflows::payments::PayInto,
    /// The bank, for what a request needs from it at once (an SBP QR code for a deposit).
    pub bank: Option<std::sync::Arc<dyn workflows::bank::Bank>>,
    /// Tochka's public key that signs its webhooks (`TOCHKA_WEBHOOK_PUBLIC_KEY_PATH`); without
    /// it `POST /api/payments/webhook/tochka/` answers 503.
    pub webhook_key: Option<std::sync::Arc<jsonwebtoken::DecodingKey>>,
    /// Where chat attachments are kept and served from (`/media/`); without it uploads answer 503.
    pub media_dir: Option<std::path::PathBuf>,
    /// Which proxies to believe about client addresses, and the per-client limit on the
    /// endpoints that hand out credentials.
    pub clients: std::sync::Arc<crate::clients::Clients>,
    /// The chat fan-out and socket limits of this node.
    pub chat: std::sync::Arc<crate::chat::Chat>,
}
