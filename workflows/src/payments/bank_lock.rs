//! One conversation with the bank at a time per virtual account (or per account owner), across
//! every process: a PostgreSQL session advisory lock on a connection of its own, held with no
//! transaction open for as long as the bank call takes. The operation's own statements run on
//! that connection, so an operation needs one connection however long the bank takes. A process
//! that dies releases the lock with its connection.

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres};
use std::time::Duration;

/// What a lock is about; each space has its own keys.
#[derive(Debug, Clone, Copy)]
#[repr(i32)]
pub enum LockSpace {
    /// Operations moving money out of one virtual account (keyed by its code).
    OutOf = 0x6f70,
    /// Opening an owner's account at the bank (keyed by `user:{id}` or `platform`).
    Opening = 0x6f70 + 1,
}

pub struct BankLock {
    conn: PoolConnection<Postgres>,
    space: LockSpace,
    key: String,
    /// The session surely holds no lock (never taken, or given back).
    released: bool,
}

/// Longest wait for another process's bank call (its timeout and an in-doubt check included).
const MAX_WAIT: Duration = Duration::from_secs(180);

impl BankLock {
    /// Waits for the lock. Polls `pg_try_advisory_lock` rather than blocking in
    /// `pg_advisory_lock`, so that giving up can never leave a lock taken on a connection that
    /// goes back to the pool. A wait cancelled while a try is in flight (a job's future dropped)
    /// cannot know whether that try took the lock, so the connection is closed then too: while a
    /// try is in flight the lock counts as held.
    pub async fn acquire(pool: &PgPool, space: LockSpace, key: &str) -> sqlx::Result<Self> {
        let mut lock = Self { conn: pool.acquire().await?, space, key: key.into(), released: true };
        let started = tokio::time::Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            lock.released = false;
            let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
                .bind(space as i32)
                .bind(key)
                .fetch_one(&mut *lock.conn)
                .await?;
            if taken {
                return Ok(lock);
            }
            lock.released = true;
            if started.elapsed() > MAX_WAIT {
                return Err(sqlx::Error::PoolTimedOut);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }

    /// Runs `work` holding the lock (on the lock's connection), then releases it, also when
    /// `work` failed.
    pub async fn holding<T, E: From<sqlx::Error>>(
        pool: &PgPool,
        space: LockSpace,
        key: &str,
        work: impl AsyncFnOnce(&mut PgConnection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut lock = Self::acquire(pool, space, key).await?;
        let out = work(lock.conn()).await;
        lock.release().await?;
        out
    }

    /// The lock's connection, for the operation's own statements (no transaction is open on it
    /// unless the caller begins one).
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.conn
    }

    pub async fn release(mut self) -> sqlx::Result<()> {
        sqlx::query("SELECT pg_advisory_unlock($1, hashtext($2))")
            .bind(self.space as i32)
            .bind(&self.key)
            .execute(&mut *self.conn)
            .await?;
        self.released = true;
        Ok(())
    }
}

impl Drop for BankLock {
    /// Dropped without `release` (an error, a cancelled job): the connection is closed rather
    /// than returned to the pool, which ends the session and with it the lock.
    fn drop(&mut self) {
        if !self.released {
            self.conn.close_on_drop();
        }
    }
}
