//! Demo data for a fresh installation: categories, a demo organizer and buyer, a few open
//! procurements. Every step is keyed by a natural key, so running it again changes nothing.

use crate::actor::Actor;
use crate::catalog::{self, CategoryInput};
use crate::error::DomainResult;
use crate::ledger::{self, Account, Movement, TransactionType};
use crate::money::{Money, Quantity};
use crate::procurement::{self, NewProcurement, ProcurementStatus};
use crate::users::{self, NewUser, Platform, Role};
use chrono::{Duration, Utc};
use sqlx::PgPool;

/// (name, icon, children)
const CATEGORIES: &[(&str, &str, &[&str])] = &[
    ("Продукты", "🍎", &["Мёд и сладости", "Крупы и бакалея", "Чай и кофе"]),
    ("Одежда и обувь", "👕", &["Детская одежда", "Обувь"]),
    ("Детские товары", "🧸", &["Игрушки", "Подгузники"]),
    ("Дом и сад", "🏡", &["Посуда", "Текстиль", "Семена и рассада"]),
    ("Косметика", "💄", &[]),
    ("Электроника", "📱", &[]),
];

pub struct DemoProcurement {
    pub title: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    pub city: &'static str,
    pub target_rub: i64,
    pub stop_rub: Option<i64>,
    pub price_rub: i64,
    pub unit: &'static str,
    pub days: i64,
}

const PROCUREMENTS: &[DemoProcurement] = &[
    DemoProcurement {
        title: "Алтайский мёд с пасеки",
        description: "Натуральный цветочный мёд напрямую от пасечника, банки по 1 кг.",
        category: "Мёд и сладости",
        city: "Москва",
        target_rub: 30_000,
        stop_rub: Some(45_000),
        price_rub: 900,
        unit: "кг",
        days: 14,
    },
    DemoProcurement {
        title: "Краснодарский чай, урожай этого года",
        description: "Листовой чёрный чай из Мацесты, пачки по 200 г.",
        category: "Чай и кофе",
        city: "Санкт-Петербург",
        target_rub: 15_000,
        stop_rub: None,
        price_rub: 350,
        unit: "пачка",
        days: 10,
    },
    DemoProcurement {
        title: "Детские комбинезоны на зиму",
        description: "Мембранные комбинезоны от фабрики, размеры 80–122.",
        category: "Детская одежда",
        city: "Новосибирск",
        target_rub: 60_000,
        stop_rub: Some(90_000),
        price_rub: 4_500,
        unit: "шт",
        days: 21,
    },
    DemoProcurement {
        title: "Семена томатов сибирской селекции",
        description: "Проверенные сорта для теплиц и открытого грунта, пакетики по 20 семян.",
        category: "Семена и рассада",
        city: "Екатеринбург",
        target_rub: 8_000,
        stop_rub: None,
        price_rub: 60,
        unit: "пакет",
        days: 30,
    },
];

/// Seeds everything; returns the demo organizer's id.
pub async fn seed(pool: &PgPool) -> DomainResult<i64> {
    let mut conn = pool.acquire().await?;
    for (name, icon, children) in CATEGORIES {
        let parent = ensure_category(&mut conn, name, icon, None).await?;
        for child in *children {
            ensure_category(&mut conn, child, "", Some(parent)).await?;
        }
    }
    let organizer = ensure_user(&mut conn, "demo-organizer", "Анна", "Организатор", Role::Organizer).await?;
    let buyer = ensure_user(&mut conn, "demo-buyer", "Борис", "Покупатель", Role::Buyer).await?;
    // Made-up INNs with valid check digits, so the demo people can deposit and be paid out
    // through the (sandbox) bank.
    for (user, first_ten) in [(organizer, 7_701_000_001), (buyer, 7_701_000_002)] {
        crate::users::record_inn(&mut conn, user, &crate::users::inn::with_check_digits(first_ten)).await?;
    }
    let welcome = Movement::transfer(
        "demo:welcome-bonus",
        TransactionType::Bonus,
        Account::BankClearing,
        Account::UserBalance(buyer),
        Money::from_kopecks(1_000_000),
    )
    .with_description("Демо-бонус");
    ledger::post(&mut conn, &welcome).await?;

    for demo in PROCUREMENTS {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM procurements WHERE organizer_id = $1 AND title = $2)")
                .bind(organizer)
                .bind(demo.title)
                .fetch_one(&mut *conn)
                .await?;
        if exists {
            continue;
        }
        let category_id: Option<i64> = sqlx::query_scalar("SELECT id FROM categories WHERE name = $1")
            .bind(demo.category)
            .fetch_optional(&mut *conn)
            .await?;
        let rub = |r: i64| Money::from_kopecks(r * 100);
        let new = NewProcurement {
            title: demo.title.into(),
            description: demo.description.into(),
            category_id,
            organizer_id: organizer,
            supplier_id: None,
            city: demo.city.into(),
            delivery_address: String::new(),
            target_amount: rub(demo.target_rub),
            stop_at_amount: demo.stop_rub.map(rub),
            unit: demo.unit.into(),
            price_per_unit: Some(rub(demo.price_rub)),
            min_quantity: Some(Quantity::from_hundredths(100)),
            commission_percent: None,
            deadline: Utc::now() + Duration::days(demo.days),
            payment_deadline: None,
            image_url: String::new(),
        };
        let id = procurement::create(&mut conn, &new.validated(Utc::now())?).await?;
        procurement::change_status(pool, id, ProcurementStatus::Active, Actor::System, Utc::now()).await?;
    }
    Ok(organizer)
}

async fn ensure_category(
    conn: &mut sqlx::PgConnection,
    name: &str,
    icon: &str,
    parent: Option<i64>,
) -> DomainResult<i64> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM categories WHERE name = $1 AND parent_id IS NOT DISTINCT FROM $2")
            .bind(name)
            .bind(parent)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let input = CategoryInput {
        name: Some(name.into()),
        icon: Some(icon.into()),
        parent_id: Some(parent),
        ..Default::default()
    };
    Ok(catalog::create(conn, input).await?.id)
}

async fn ensure_user(
    conn: &mut sqlx::PgConnection,
    platform_user_id: &str,
    first_name: &str,
    last_name: &str,
    role: Role,
) -> DomainResult<i64> {
    if let Ok(user) = users::by_platform(conn, Platform::Websocket, platform_user_id).await {
        return Ok(user.id);
    }
    let new = NewUser {
        platform: Platform::Websocket,
        platform_user_id: platform_user_id.into(),
        username: platform_user_id.into(),
        first_name: first_name.into(),
        last_name: last_name.into(),
        phone: String::new(),
        email: String::new(),
        role,
        language_code: "ru".into(),
    };
    Ok(users::register(conn, new).await?.id)
}
