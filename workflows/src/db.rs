//! Connecting to PostgreSQL: create the database when it is missing, then migrate.

pub use sqlx::PgPool;
use sqlx::Postgres;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The schema, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Creates the database named in `url` if it does not exist yet.
pub async fn create_if_missing(url: &str) -> sqlx::Result<()> {
    if !Postgres::database_exists(url).await? {
        tracing::info!("creating database");
        if let Err(err) = Postgres::create_database(url).await {
            // Another process may have created it in the meantime.
            if !Postgres::database_exists(url).await? {
                return Err(err);
            }
        }
    }
    Ok(())
}

/// A pool sized for this process's role.
pub async fn connect(url: &str, max_connections: u32) -> sqlx::Result<PgPool> {
    let mut options = PgConnectOptions::from_str(url)?.application_name("groupbuy");
    // sqlx's default (`prefer`) encrypts even over loopback, which costs the database as much
    // CPU as the queries; on this machine's own interface there is nobody to hide from. An
    // explicit `sslmode` in the URL is always honoured.
    let loopback =
        matches!(options.get_host(), "localhost" | "127.0.0.1" | "::1") || options.get_host().starts_with('/');
    if loopback && !url.contains("sslmode=") {
        options = options.ssl_mode(sqlx::postgres::PgSslMode::Disable);
    }
    PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        // A health query before every checkout costs a round trip per acquire; a broken
        // connection fails its query instead and the pool replaces it.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
}

/// Create, connect and migrate: what every role does at start-up.
pub async fn prepare(url: &str, max_connections: u32) -> Result<PgPool, StartupError> {
    create_if_missing(url).await?;
    let pool = connect(url, max_connections).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Whether `err` says the database could not be reached or is going away (down, restarting,
/// refusing connections) rather than that the statement was wrong: the same request may succeed
/// unchanged once it is back.
pub fn is_unreachable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        // Class 08: connection exceptions; 57P01-57P03: shutting down, crashed, starting up;
        // 53300: no connection slot free.
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")),
        _ => false,
    }
}

/// Whether the database answers (`/ready`).
pub async fn ping(pool: &PgPool) -> bool {
    sqlx::query("SELECT 1").execute(pool).await.is_ok()
}
