//! Fills the scratch database fast: each table in one `INSERT … SELECT … generate_series`, with
//! triggers off while loading (the ledger's per-row balance check would dominate; the entries are
//! written balanced by construction and the balances set from them afterwards).

use sqlx::{Executor, PgPool};

/// How many rows of each kind, for the report.
pub async fn fill(pool: &PgPool, users: i64, procurements: i64, ledger_entries: i64) -> anyhow::Result<String> {
    let mut conn = pool.acquire().await?;
    conn.execute("SET session_replication_role = replica").await?;
    let movements = ledger_entries / 2;
    let steps: [(&str, &str, i64); 10] = [
        ("users", "
            INSERT INTO users (username, first_name, last_name, email, phone, role, is_active, is_verified, created_at)
            SELECT 'user' || g,
                   (ARRAY['Anna','Boris','Vera','Gleb','Daria','Egor','Zoya','Ivan','Kira','Lev'])[1 + g % 10],
                   'Family' || (g % 997), 'user' || g || '@example.com', '+7999' || lpad(g::text, 7, '0'),
                   (ARRAY['buyer','buyer','buyer','organizer','supplier'])[1 + g % 5],
                   g % 50 <> 0, g % 3 = 0,
                   now() - (g % 365) * interval '1 day' - (g % 86400) * interval '1 second'
            FROM generate_series(1, $1) g", users),
        ("identities", "
            INSERT INTO user_identities (user_id, platform, platform_user_id)
            SELECT id, CASE WHEN id % 4 = 0 THEN 'vk' ELSE 'telegram' END, (1000000 + id)::text FROM users", 0),
        ("categories", "
            INSERT INTO categories (name) SELECT 'Category ' || g FROM generate_series(1, 10) g", 0),
        ("procurements", "
            INSERT INTO procurements (title, description, category_id, organizer_id, city, target_amount,
                                      current_amount, price_per_unit, status, deadline, is_featured, created_at)
            SELECT (ARRAY['honey','cheese','coffee','olive','buckwheat','salmon','walnuts','apples','diapers','tea'])[1 + g % 10]
                       || ' lot ' || g,
                   'A group order of ' || g || ' units', (SELECT min(id) FROM categories) + g % 10,
                   (SELECT min(id) FROM users) + 5 * (g % ($2 / 5)) + 2,
                   (ARRAY['Moscow','Kazan','Tomsk','Samara','Perm'])[1 + g % 5], 100000, 0, 100,
                   (ARRAY['draft','active','active','stopped','payment','completed','cancelled'])[1 + g % 7],
                   now() + interval '30 days', g % 20 = 0,
                   now() - (g % 365) * interval '1 day'
            FROM generate_series(1, $1) g", procurements),
        ("participants", "
            INSERT INTO participants (procurement_id, user_id, quantity, amount, status, created_at)
            SELECT (SELECT min(id) FROM procurements) + g % $2, (SELECT min(id) FROM users) + (g * 7919) % $3, 1, 100,
                   (ARRAY['pending','confirmed','paid','delivered','cancelled'])[1 + g % 5],
                   now() - (g % 365) * interval '1 day'
            FROM generate_series(1, $1) g", procurements * 5),
        ("ledger", "
            WITH accounts AS (
                -- what the users trigger (off while loading) opens at registration
                INSERT INTO ledger_accounts (kind, user_id) SELECT 'user_balance', id FROM users
                ON CONFLICT ON CONSTRAINT ledger_accounts_owner_key DO NOTHING RETURNING id, user_id),
            clearing AS (INSERT INTO ledger_accounts (kind) VALUES ('bank_clearing') RETURNING id),
            movements AS (
                INSERT INTO ledger_transactions (idempotency_key, transaction_type, description, created_at)
                SELECT 'bench:' || g,
                       CASE WHEN (g / $3) % 5 = 3 THEN 'withdrawal' ELSE 'deposit' END,
                       'bench', now() - (g % 365) * interval '1 day'
                FROM generate_series(0, $1 - 1) g
                RETURNING id, idempotency_key, transaction_type, created_at),
            sides AS (
                SELECT m.id, m.created_at, a.id AS user_account,
                       CASE WHEN m.transaction_type = 'deposit' THEN 100.00 ELSE -50.00 END AS amount
                FROM movements m
                JOIN accounts a ON a.user_id = (SELECT min(id) FROM users) + substr(m.idempotency_key, 7)::bigint % $3)
            INSERT INTO ledger_entries (transaction_id, account_id, amount, balance_after, created_at)
            SELECT id, user_account, amount, 0, created_at FROM sides
            UNION ALL
            SELECT id, (SELECT id FROM clearing), -amount, 0, created_at FROM sides", movements),
        ("balances", "
            UPDATE ledger_accounts a SET balance = s.total, debited = s.debited
            FROM (SELECT account_id, sum(amount) AS total, COALESCE(-sum(amount) FILTER (WHERE amount < 0), 0) AS debited
                  FROM ledger_entries GROUP BY account_id) s
            WHERE a.id = s.account_id", 0),
        ("payments", "
            INSERT INTO payments (user_id, payment_type, amount, status, paid_at, created_at)
            SELECT (SELECT min(id) FROM users) + (g * 31) % $3, 'deposit', 100 + g % 900,
                   (ARRAY['succeeded','succeeded','succeeded','pending','cancelled','refunded'])[1 + g % 6],
                   CASE WHEN g % 6 < 3 THEN now() - (g % 90) * interval '1 day' END,
                   now() - (g % 90) * interval '1 day'
            FROM generate_series(1, $1) g", users / 2),
        ("chat messages", "
            INSERT INTO chat_messages (procurement_id, user_id, text, seq, created_at)
            SELECT (SELECT min(id) FROM procurements) + g % $2, (SELECT min(id) FROM users) + g % $3,
                   'message ' || g, g / $2 + 1, now() - (g % 60) * interval '1 day'
            FROM generate_series(1, $1) g", users),
        ("notifications", "
            INSERT INTO notifications (user_id, notification_type, title, message, is_read, created_at)
            SELECT (SELECT min(id) FROM users) + g % $3, 'system', 'Notice ' || g, 'Body ' || g, g % 2 = 0,
                   now() - (g % 60) * interval '1 day'
            FROM generate_series(1, $1) g", users),
    ];
    let mut report = Vec::new();
    for (what, sql, n) in steps {
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(n)
            .bind(procurements)
            .bind(users)
            .execute(&mut *conn)
            .await
            .map_err(|e| anyhow::anyhow!("seeding {what}: {e}"))?;
        report.push(format!("{} {what}", done.rows_affected()));
    }
    conn.execute("SET session_replication_role = origin").await?;
    // The steady state autovacuum keeps a live database in: statistics, and visibility maps
    // that let counts read indexes alone (a fresh bulk load has neither).
    conn.execute("VACUUM ANALYZE").await?;
    Ok(report.join(", "))
}
