//! One-shot administrative commands.

use crate::cli::{SeedArgs, SuperuserArgs, TokenArgs};
use crate::config::Settings;
use workflows::db;

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    db::prepare(&settings.database_url, 2).await?;
    println!("database ready and migrated");
    Ok(())
}

pub async fn seed(settings: &Settings, args: &SeedArgs) -> anyhow::Result<()> {
    let pool = db::prepare(&settings.database_url, 2).await?;
    let organizer = workflows::demo::seed(&pool).await?;
    println!("demo data in place (demo organizer is user {organizer})");
    if let Some(n) = args.history {
        let started = std::time::Instant::now();
        let done = workflows::analytics::history::seed(&pool, n, args.seed, chrono::Utc::now()).await?;
        println!(
            "generated history: {} procurements ({} completed), {} participants in {:.1} s",
            done.procurements,
            done.completed,
            done.participants,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub async fn create_superuser(settings: &Settings, args: &SuperuserArgs) -> anyhow::Result<()> {
    let pool = db::prepare(&settings.database_url, 2).await?;
    let user = workflows::users::create_staff(&mut *pool.acquire().await?, &args.username, &args.password).await?;
    println!("staff user '{}' is user {}", user.username, user.id);
    Ok(())
}

pub async fn token(settings: &Settings, args: &TokenArgs) -> anyhow::Result<()> {
    let pool = db::prepare(&settings.database_url, 2).await?;
    let user = workflows::users::require_active(&mut *pool.acquire().await?, args.user_id).await?;
    let (token, _) = api::auth::issue_token(settings.jwt_secret.as_bytes(), user.id, api::auth::TOKEN_LIFETIME);
    println!("{token}");
    Ok(())
}
