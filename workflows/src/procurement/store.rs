//! Procurements in PostgreSQL.

use super::model::{NewProcurement, Procurement, ProcurementPatch};
use super::status::ProcurementStatus;
use crate::error::{DomainError, DomainResult};
use crate::money::{Money, Quantity};
use crate::page::{Page, PageRequest, fetch_counted};
use sqlx::{PgConnection, QueryBuilder};

const COLUMNS: &str = "
    p.id, p.title, p.description, p.category_id, c.name AS category_name, p.organizer_id,
    btrim(o.first_name || ' ' || o.last_name) AS organizer_name, p.supplier_id, p.city,
    p.delivery_address, p.target_amount, p.current_amount, p.stop_at_amount, p.unit,
    p.price_per_unit, p.min_quantity, p.commission_percent, p.status, p.deadline,
    p.payment_deadline, p.image_url, p.is_featured, p.participant_count, p.created_at, p.updated_at";

const FROM: &str = "
    FROM procurements p
    JOIN users o ON o.id = p.organizer_id
    LEFT JOIN categories c ON c.id = p.category_id";

fn select_procurement(filter_sql: &str) -> sqlx::AssertSqlSafe<String> {
    crate::sql!("SELECT {COLUMNS} {FROM} {filter_sql}")
}

pub async fn get(conn: &mut PgConnection, id: i64) -> DomainResult<Procurement> {
    sqlx::query_as(select_procurement("WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("procurement", id))
}

/// Reads the procurement and locks its row until the caller's transaction ends: every change
/// to its amounts or status goes through this lock, so concurrent joins queue up here.
pub async fn lock(conn: &mut PgConnection, id: i64) -> DomainResult<Procurement> {
    sqlx::query_as(select_procurement("WHERE p.id = $1 FOR UPDATE OF p"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| DomainError::not_found("procurement", id))
}

/// What a join reads in its first round trip: the procurement locked as [`lock`] does, whether
/// the person about to order is an active user, and their order in it if they have one.
#[derive(sqlx::FromRow)]
pub(crate) struct LockedForOrder {
    #[sqlx(flatten)]
    pub procurement: Procurement,
    /// `None`: there is no such user.
    pub buyer_active: Option<bool>,
    /// The id of the person's order that is not cancelled. Read in the statement's snapshot,
    /// which can predate a join or leave of the same person that committed while this one
    /// waited for the lock: a second join is then refused by the unique index on active orders
    /// (the same 409), a join racing its own leave gets a 409 it can simply repeat.
    pub participation: Option<i64>,
}

pub(crate) async fn lock_for_order(
    conn: &mut PgConnection,
    id: i64,
    user_id: i64,
) -> DomainResult<Option<LockedForOrder>> {
    Ok(sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS}, (SELECT u.is_active FROM users u WHERE u.id = $2) AS buyer_active,
                (SELECT pa.id FROM participants pa
                 WHERE pa.procurement_id = p.id AND pa.user_id = $2 AND pa.status <> 'cancelled') AS participation
         {FROM} WHERE p.id = $1 FOR UPDATE OF p"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?)
}

/// Stores a new draft.
pub async fn create(conn: &mut PgConnection, new: &NewProcurement) -> DomainResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO procurements (title, description, category_id, organizer_id, supplier_id, city,
             delivery_address, target_amount, stop_at_amount, unit, price_per_unit, min_quantity,
             commission_percent, deadline, payment_deadline, image_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, COALESCE($12, 1), COALESCE($13, 0), $14, $15, $16)
         RETURNING id",
    )
    .bind(&new.title)
    .bind(&new.description)
    .bind(new.category_id)
    .bind(new.organizer_id)
    .bind(new.supplier_id)
    .bind(&new.city)
    .bind(&new.delivery_address)
    .bind(new.target_amount)
    .bind(new.stop_at_amount)
    .bind(&new.unit)
    .bind(new.price_per_unit)
    .bind(new.min_quantity)
    .bind(new.commission_percent)
    .bind(new.deadline)
    .bind(new.payment_deadline)
    .bind(&new.image_url)
    .fetch_one(conn)
    .await?)
}

/// Applies a validated patch to `current` (locked by the caller). `Option<Option<_>>` fields
/// distinguish "leave" from "clear". Moving an open procurement's deadline moves its job.
pub async fn update(conn: &mut PgConnection, current: &Procurement, patch: &ProcurementPatch) -> DomainResult<()> {
    let id = current.id;
    let mut q = QueryBuilder::new("UPDATE procurements SET updated_at = now()");
    macro_rules! set {
        ($column:literal, $value:expr) => {
            if let Some(v) = $value {
                q.push(concat!(", ", $column, " = ")).push_bind(v);
            }
        };
    }
    set!("title", patch.title.clone());
    set!("description", patch.description.clone());
    set!("category_id", patch.category_id);
    set!("city", patch.city.clone());
    set!("delivery_address", patch.delivery_address.clone());
    set!("target_amount", patch.target_amount);
    set!("stop_at_amount", patch.stop_at_amount);
    set!("unit", patch.unit.clone());
    set!("price_per_unit", patch.price_per_unit);
    set!("min_quantity", patch.min_quantity);
    set!("commission_percent", patch.commission_percent);
    set!("deadline", patch.deadline);
    set!("payment_deadline", patch.payment_deadline);
    set!("image_url", patch.image_url.clone());
    set!("is_featured", patch.is_featured);
    q.push(" WHERE id = ").push_bind(id);
    q.build().execute(&mut *conn).await?;
    if let Some(deadline) = patch.deadline
        && current.status == ProcurementStatus::Active
        && deadline != current.deadline
    {
        super::deadlines::schedule(conn, id, deadline).await?;
    }
    if let Some(Some(deadline)) = patch.payment_deadline
        && current.status == ProcurementStatus::Payment
        && Some(deadline) != current.payment_deadline
    {
        super::deadlines::schedule_payment(conn, id, deadline).await?;
    }
    Ok(())
}

/// Sort orders the list accepts (`ordering=-deadline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ordering {
    #[default]
    NewestFirst,
    By {
        column: &'static str,
        descending: bool,
    },
}

impl std::str::FromStr for Ordering {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, s),
        };
        let column = match name {
            "created_at" => "p.created_at",
            "deadline" => "p.deadline",
            "target_amount" => "p.target_amount",
            "current_amount" => "p.current_amount",
            "title" => "p.title",
            "participant_count" => "p.participant_count",
            _ => {
                return Err(DomainError::invalid(
                    "ordering",
                    "one of created_at, deadline, target_amount, current_amount, title, participant_count, \
                     optionally prefixed with '-'",
                ));
            }
        };
        Ok(Self::By { column, descending })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProcurementFilter {
    pub status: Option<ProcurementStatus>,
    pub category_id: Option<i64>,
    /// Case-insensitive substring of the city.
    pub city: Option<String>,
    pub organizer_id: Option<i64>,
    /// The supplier attached to the procurement (the supplier's own page).
    pub supplier_id: Option<i64>,
    /// Only procurements open for joining right now.
    pub active_only: bool,
    /// Words matched against title, description and city.
    pub search: Option<String>,
    pub is_featured: Option<bool>,
    /// Words matched against title, description or the organizer's first name (staff search).
    pub staff_search: Option<String>,
    pub ordering: Ordering,
    /// Whose drafts the caller may see: drafts are private to their organizer.
    pub drafts: DraftVisibility,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DraftVisibility {
    /// Service clients and staff.
    All,
    #[default]
    None,
    OwnedBy(i64),
}

pub async fn list(
    conn: &mut PgConnection,
    filter: &ProcurementFilter,
    page: PageRequest,
) -> sqlx::Result<Page<Procurement>> {
    // Deferred join: the page's ids come from a narrow scan (index-only for the default order),
    // and only those 20 rows are read whole and joined. The total is an uncorrelated subquery,
    // computed once. (Joining first would read, join and sort every matching row per request.)
    let order = match filter.ordering {
        Ordering::NewestFirst => "p.created_at DESC, p.id DESC".to_string(),
        Ordering::By { column, descending } => {
            let dir = if descending { "DESC" } else { "ASC" };
            format!("{column} {dir}, p.id {dir}")
        }
    };
    let mut q = QueryBuilder::new("WITH page AS (SELECT p.id FROM procurements p WHERE TRUE");
    push_filters(&mut q, filter);
    q.push(format_args!(" ORDER BY {order} LIMIT ")).push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    q.push(") SELECT (SELECT count(*) FROM procurements p WHERE TRUE");
    push_filters(&mut q, filter);
    q.push(format_args!(") AS total, {COLUMNS} FROM page JOIN procurements p ON p.id = page.id"));
    q.push(" JOIN users o ON o.id = p.organizer_id LEFT JOIN categories c ON c.id = p.category_id");
    q.push(format_args!(" ORDER BY {order}"));
    fetch_counted(q, conn, page).await
}

/// The WHERE conditions of a list, over the table aliased `p`.
fn push_filters(q: &mut QueryBuilder<sqlx::Postgres>, filter: &ProcurementFilter) {
    match filter.drafts {
        DraftVisibility::All => {}
        DraftVisibility::None => {
            q.push(" AND p.status <> 'draft'");
        }
        DraftVisibility::OwnedBy(user_id) => {
            q.push(" AND (p.status <> 'draft' OR p.organizer_id = ").push_bind(user_id).push(")");
        }
    }
    if let Some(status) = filter.status {
        q.push(" AND p.status = ").push_bind(status);
    }
    if let Some(category) = filter.category_id {
        q.push(" AND p.category_id = ").push_bind(category);
    }
    if let Some(city) = filter.city.as_deref().filter(|c| !c.trim().is_empty()) {
        q.push(" AND p.city ILIKE ").push_bind(crate::search::contains_pattern(city));
    }
    if let Some(organizer) = filter.organizer_id {
        q.push(" AND p.organizer_id = ").push_bind(organizer);
    }
    if let Some(supplier) = filter.supplier_id {
        q.push(" AND p.supplier_id = ").push_bind(supplier);
    }
    if filter.active_only {
        q.push(
            " AND p.status = 'active' AND p.deadline > now()
              AND (p.stop_at_amount IS NULL OR p.current_amount < p.stop_at_amount)",
        );
    }
    if let Some(featured) = filter.is_featured {
        q.push(" AND p.is_featured = ").push_bind(featured);
    }
    if let Some(search) = filter.staff_search.as_deref() {
        for word in search.split_whitespace().take(8) {
            let pattern = crate::search::contains_pattern(word);
            // The organizers whose name matches are found once through users_search_trgm_idx
            // and hashed (an uncorrelated IN), instead of a lookup per procurement.
            q.push(" AND ((p.title || ' ' || p.description) ILIKE ")
                .push_bind(pattern.clone())
                .push(
                    " OR p.organizer_id IN (SELECT o.id FROM users o WHERE
                      (o.first_name || ' ' || o.last_name || ' ' || o.username || ' ' || o.email || ' ' || o.phone) ILIKE ",
                )
                .push_bind(pattern)
                .push("))");
        }
    }
    if let Some(search) = filter.search.as_deref() {
        for word in search.split_whitespace().take(8) {
            let pattern = crate::search::contains_pattern(word);
            // The same expression as procurements_search_trgm_idx, so the index can answer it.
            q.push(" AND (p.title || ' ' || p.description || ' ' || p.city) ILIKE ").push_bind(pattern);
        }
    }
}

/// A user's procurements: those they organize and those they take part in.
#[derive(Debug, Clone)]
pub struct UserProcurements {
    pub organized: Vec<Procurement>,
    /// With the user's own amount and quantity.
    pub participating: Vec<(Procurement, Money, Quantity)>,
}

pub async fn user_procurements(conn: &mut PgConnection, user_id: i64) -> DomainResult<UserProcurements> {
    crate::users::get(conn, user_id).await?;
    let organized =
        sqlx::query_as(select_procurement("WHERE p.organizer_id = $1 ORDER BY p.created_at DESC, p.id DESC"))
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await?;
    let ids_amounts: Vec<(i64, Money, Quantity)> = sqlx::query_as(
        "SELECT procurement_id, amount, quantity FROM participants
         WHERE user_id = $1 AND status <> 'cancelled' ORDER BY created_at DESC",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = ids_amounts.iter().map(|(id, _, _)| *id).collect();
    let procurements: Vec<Procurement> =
        sqlx::query_as(select_procurement("WHERE p.id = ANY($1)")).bind(&ids).fetch_all(&mut *conn).await?;
    let participating = ids_amounts
        .into_iter()
        .filter_map(|(id, amount, quantity)| {
            procurements.iter().find(|p| p.id == id).map(|p| (p.clone(), amount, quantity))
        })
        .collect();
    Ok(UserProcurements { organized, participating })
}

/// An order leaves the procurement's totals (the participant was cancelled).
pub(crate) async fn remove_order(conn: &mut PgConnection, id: i64, amount: Money) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE procurements SET current_amount = current_amount - $2, participant_count = participant_count - 1,
             updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(amount)
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends `, totals AS (UPDATE procurements …)` to a statement placing an order (see
/// `participant::place_order_query`): the order of `amount` joins the procurement's totals, and
/// `stops` moves it to `stopped` (the order landed on the stop amount).
pub(crate) fn push_add_order(q: &mut QueryBuilder<sqlx::Postgres>, id: i64, amount: Money, stops: bool) {
    q.push(", totals AS (UPDATE procurements SET current_amount = current_amount + ").push_bind(amount);
    q.push(", participant_count = participant_count + 1, status = CASE WHEN ").push_bind(stops);
    q.push(" THEN 'stopped' ELSE status END, updated_at = now() WHERE id = ").push_bind(id).push(")");
}
