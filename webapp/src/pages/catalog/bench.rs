//! `/?bench=10000`: the catalog over that many generated procurements instead of the server's,
//! so the browser test can measure the cost of a keystroke over a list larger than any page
//! (`data-search-ms` on the list). Nothing is sent to the server in this mode.

use crate::api::procurements::{Listed, Status};
use money::Money;

const GOODS: [&str; 12] = [
    "Мёд",
    "Сыр",
    "Кедровые орехи",
    "Иван-чай",
    "Оливковое масло",
    "Кофе в зёрнах",
    "Детская обувь",
    "Постельное бельё",
    "Рыба дикая",
    "Шоколад",
    "Пряжа",
    "Чай пуэр",
];
const KINDS: [&str; 6] = ["алтайский", "фермерский", "оптом", "из Италии", "весенний сбор", "премиум"];
const CITIES: [&str; 8] =
    ["Москва", "Санкт-Петербург", "Казань", "Барнаул", "Новосибирск", "Томск", "Екатеринбург", "Краснодар"];
const PEOPLE: [&str; 5] = ["Анна Петрова", "Иван Смирнов", "Ольга Ким", "Сергей Орлов", "Мария Лис"];

/// The size the address asks for (1 to 100 000), if any.
pub fn requested() -> Option<usize> {
    crate::route::query_param("bench")?.parse().ok().filter(|n| (1..=100_000).contains(n))
}

/// `n` procurements with varied titles, cities and organizers, the same every time.
pub fn generate(n: usize) -> Vec<Listed> {
    (0..n)
        .map(|i| {
            let target = Money::rubles(10_000 + (i as i64 * 7919) % 190_000);
            let collected = Money::from_kopecks(target.kopecks() * ((i as i64 * 37) % 100) / 100);
            Listed {
                id: i as i64 + 1,
                title: format!("{} {} №{}", GOODS[i % GOODS.len()], KINDS[(i / 12) % KINDS.len()], i + 1),
                category: None,
                category_name: None,
                organizer: 1,
                organizer_name: PEOPLE[(i / 7) % PEOPLE.len()].into(),
                city: CITIES[(i / 3) % CITIES.len()].into(),
                target_amount: target,
                current_amount: collected,
                stop_at_amount: None,
                price_per_unit: Some(Money::rubles(100 + (i as i64 % 40) * 25)),
                unit: "кг".into(),
                progress: ((i * 37) % 100) as i32,
                participant_count: (i % 50) as i32,
                status: Status::Active,
                deadline: "2030-01-01T00:00:00Z".into(),
                days_left: (i % 30) as i64,
                can_join: true,
                image_url: String::new(),
                is_featured: false,
            }
        })
        .collect()
}
