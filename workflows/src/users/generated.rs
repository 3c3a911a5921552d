//! People of generated history (`groupbuy seed --history`): named `{prefix}-{k}`, created in bulk
//! when missing.

use sqlx::PgConnection;
use std::collections::HashMap;

/// The ids of `count` generated people named `{prefix}-{k}` (k from 1) with `role`.
pub async fn ensure_generated(
    conn: &mut PgConnection,
    prefix: &str,
    role: &str,
    count: usize,
) -> sqlx::Result<Vec<i64>> {
    let names: Vec<String> = (1..=count).map(|k| format!("{prefix}-{k}")).collect();
    sqlx::query(
        "INSERT INTO users (username, first_name, role)
         SELECT n, 'Generated', $2 FROM UNNEST($1::text[]) AS n
         WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.username = n)",
    )
    .bind(&names)
    .bind(role)
    .execute(&mut *conn)
    .await?;
    let found: Vec<(String, i64)> =
        sqlx::query_as("SELECT username, min(id) FROM users WHERE username = ANY($1) GROUP BY username")
            .bind(&names)
            .fetch_all(conn)
            .await?;
    let by: HashMap<String, i64> = found.into_iter().collect();
    Ok(names.iter().filter_map(|n| by.get(n).copied()).collect())
}
