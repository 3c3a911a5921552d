//! Creating a procurement (organizers only): title → description → category
//! → target amount → price per unit → unit → city → deadline → stop amount (optional). The
//! runtime then shows the summary and creates the draft only on confirmation.
//!
//! The original asked only title, description, target and city, then sent a
//! hard-coded deadline that had already passed, so every new procurement was
//! born unjoinable. Here the organizer gives a real, future deadline.

use chrono::NaiveDate;
use money::{MAX_HUNDREDTHS, Money, parse_typed_amount};
use serde::{Deserialize, Serialize};

use super::{Ctx, Input, Step, char_len, intercept};
use crate::callback::Callback;
use crate::keyboard::{self, Keyboard};
use crate::model::{CategoryView, Role};
use crate::reply::Reply;
use crate::texts::labels::normalize_label;
use crate::texts::{common, payment, procurement as t};
use crate::validate;

pub const TITLE_CHARS: (usize, usize) = (5, 200);
/// Upper bound keeps the procurement card within one Telegram message.
pub const DESCRIPTION_CHARS: (usize, usize) = (10, 3000);
pub const MIN_TARGET_AMOUNT: i64 = Money::rubles(1000).kopecks();
pub const UNIT_MAX_CHARS: usize = 20;
pub const CITY_CHARS: (usize, usize) = (2, 100);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreateStep {
    Title,
    Description,
    Category,
    TargetAmount,
    PricePerUnit,
    Unit,
    City,
    Deadline,
    /// Optional: the amount at which collection stops by itself.
    StopAmount,
}

/// The answers so far. Fields are filled strictly in step order, so when
/// `step` is `Deadline` every earlier field holds a validated answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateState {
    pub step: CreateStep,
    /// Categories offered at the category step, fetched when the dialog starts.
    pub categories: Vec<CategoryView>,
    pub title: String,
    pub description: String,
    pub category_id: Option<i64>,
    pub target_amount: i64,
    pub price_per_unit: i64,
    pub unit: String,
    pub city: String,
    /// Set when the deadline step is passed (absent in states stored before the step existed).
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

/// A complete, validated procurement draft for the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProcurement {
    pub title: String,
    pub description: String,
    pub category_id: Option<i64>,
    /// Kopecks, at least 1 000 ₽.
    pub target_amount: i64,
    /// Kopecks, positive.
    pub price_per_unit: i64,
    pub unit: String,
    pub city: String,
    /// The last day of collection; the runtime sends its end of day in the
    /// platform's time zone.
    pub deadline: NaiveDate,
    /// Kopecks; collection stops when joins reach it. At least the target amount.
    #[serde(default)]
    pub stop_at_amount: Option<i64>,
}

/// Starts the dialog for an organizer; anyone else gets the original's refusal.
pub fn start(role: Role, categories: Vec<CategoryView>, ctx: &Ctx) -> Result<(CreateState, Reply), Reply> {
    if role != Role::Organizer {
        return Err(Reply::text(common::only_organizers(ctx.lang)));
    }
    let state = CreateState {
        step: CreateStep::Title,
        categories,
        title: String::new(),
        description: String::new(),
        category_id: None,
        target_amount: 0,
        price_per_unit: 0,
        unit: String::new(),
        city: String::new(),
        deadline: None,
    };
    let reply = prompt(&state, ctx);
    Ok((state, reply))
}

fn category_keyboard(state: &CreateState, ctx: &Ctx) -> Keyboard {
    keyboard::categories(&state.categories).with_row(keyboard::skip_row(ctx.lang))
}

/// The question for the state's current step.
pub fn prompt(state: &CreateState, ctx: &Ctx) -> Reply {
    let lang = ctx.lang;
    match state.step {
        CreateStep::Title => Reply::text(t::ask_title(lang)),
        CreateStep::Description => Reply::text(t::ask_description(lang)),
        CreateStep::Category => Reply::with_keyboard(t::ask_category(lang), category_keyboard(state, ctx)),
        CreateStep::TargetAmount => Reply::text(t::ask_target_amount(MIN_TARGET_AMOUNT, lang)),
        CreateStep::PricePerUnit => Reply::text(t::ask_price_per_unit(lang)),
        CreateStep::Unit => Reply::text(t::ask_unit(lang)),
        CreateStep::City => Reply::text(t::ask_city(lang)),
        CreateStep::Deadline => Reply::text(t::ask_deadline(lang)),
        CreateStep::StopAmount => Reply::with_keyboard(
            t::ask_stop_amount(state.target_amount, lang),
            Keyboard::inline(vec![keyboard::skip_row(lang)]),
        ),
    }
}

/// Moves to `next` and asks its question. With no categories to offer, the
/// category step is skipped rather than shown as an empty keyboard.
fn advance(mut state: CreateState, next: CreateStep, ctx: &Ctx) -> Step<CreateState, NewProcurement> {
    state.step = next;
    if next == CreateStep::Category && state.categories.is_empty() {
        state.step = CreateStep::TargetAmount;
    }
    let reply = prompt(&state, ctx);
    Step::ask(state, reply)
}

/// Stays on the current step with an error message.
fn reject(state: CreateState, error: impl Into<String>) -> Step<CreateState, NewProcurement> {
    Step::ask(state, Reply::text(error))
}

/// Trimmed text whose length in characters is within `min..=max`.
fn text_within(text: &str, (min, max): (usize, usize)) -> Option<String> {
    let text = text.trim();
    (min..=max).contains(&char_len(text)).then(|| text.to_string())
}

pub fn step(state: CreateState, input: &Input, ctx: &Ctx) -> Step<CreateState, NewProcurement> {
    if let Some(step) = intercept(input, ctx.lang) {
        return step;
    }
    match input {
        Input::Text(text) => text_step(state, text, ctx),
        Input::Callback(_) if state.step == CreateStep::Category => category_step(state, input, ctx),
        Input::Callback(Callback::Skip) if state.step == CreateStep::StopAmount => finish(state, None, ctx),
        // a stray button (e.g. from an older message): ask again
        Input::Callback(_) => {
            let reply = prompt(&state, ctx);
            Step::ask(state, reply)
        }
    }
}

fn text_step(mut state: CreateState, text: &str, ctx: &Ctx) -> Step<CreateState, NewProcurement> {
    let lang = ctx.lang;
    match state.step {
        CreateStep::Title => match text_within(text, TITLE_CHARS) {
            Some(title) => {
                state.title = title;
                advance(state, CreateStep::Description, ctx)
            }
            None => reject(state, t::title_length(TITLE_CHARS.0, TITLE_CHARS.1, lang)),
        },
        CreateStep::Description => match text_within(text, DESCRIPTION_CHARS) {
            Some(description) => {
                state.description = description;
                advance(state, CreateStep::Category, ctx)
            }
            None => {
                let (min, max) = DESCRIPTION_CHARS;
                reject(state, t::description_length(min, max, lang))
            }
        },
        CreateStep::TargetAmount => match parse_typed_amount(text) {
            // the parser holds amounts to what the database stores, so no upper check follows
            Err(e) => reject(state, payment::invalid_amount(e, MAX_HUNDREDTHS, lang)),
            Ok(a) if a < MIN_TARGET_AMOUNT => reject(state, payment::amount_too_small(MIN_TARGET_AMOUNT, lang)),
            Ok(amount) => {
                state.target_amount = amount;
                advance(state, CreateStep::PricePerUnit, ctx)
            }
        },
        CreateStep::PricePerUnit => match parse_typed_amount(text) {
            Err(e) => reject(state, payment::invalid_amount(e, MAX_HUNDREDTHS, lang)),
            Ok(0) => reject(state, t::price_must_be_positive(lang)),
            Ok(price) => {
                state.price_per_unit = price;
                advance(state, CreateStep::Unit, ctx)
            }
        },
        CreateStep::Unit => match text_within(text, (1, UNIT_MAX_CHARS)) {
            Some(unit) => {
                state.unit = unit;
                advance(state, CreateStep::City, ctx)
            }
            None => reject(state, t::unit_length(UNIT_MAX_CHARS, lang)),
        },
        CreateStep::City => match text_within(text, CITY_CHARS) {
            Some(city) => {
                state.city = city;
                advance(state, CreateStep::Deadline, ctx)
            }
            None => reject(state, t::city_length(CITY_CHARS.0, CITY_CHARS.1, lang)),
        },
        CreateStep::Deadline => match parse_date(text) {
            None => reject(state, t::invalid_date(lang)),
            Some(date) if date <= ctx.today => reject(state, t::deadline_not_in_future(ctx.today, lang)),
            Some(deadline) => {
                state.deadline = Some(deadline);
                advance(state, CreateStep::StopAmount, ctx)
            }
        },
        CreateStep::StopAmount if validate::is_skip(text) => finish(state, None, ctx),
        CreateStep::StopAmount => match parse_typed_amount(text) {
            Err(e) => reject(state, payment::invalid_amount(e, MAX_HUNDREDTHS, lang)),
            Ok(stop) if stop < state.target_amount => {
                let target = state.target_amount;
                reject(state, t::stop_below_target(target, lang))
            }
            Ok(stop) => finish(state, Some(stop), ctx),
        },
        CreateStep::Category => category_step(state, &Input::Text(text.to_string()), ctx),
    }
}

/// The finished draft; the deadline is set whenever the stop-amount step is reached.
fn finish(state: CreateState, stop_at_amount: Option<i64>, ctx: &Ctx) -> Step<CreateState, NewProcurement> {
    let Some(deadline) = state.deadline else {
        // a state from before the step existed: ask for the deadline again
        let mut state = state;
        state.step = CreateStep::Deadline;
        return Step::ask(state, Reply::text(t::ask_deadline(ctx.lang)));
    };
    Step::Done(NewProcurement {
        title: state.title,
        description: state.description,
        category_id: state.category_id,
        target_amount: state.target_amount,
        price_per_unit: state.price_per_unit,
        unit: state.unit,
        city: state.city,
        deadline,
        stop_at_amount,
    })
}

/// Accepts a category button, "Skip", or a typed category name.
fn category_step(mut state: CreateState, input: &Input, ctx: &Ctx) -> Step<CreateState, NewProcurement> {
    let chosen = match input {
        Input::Callback(Callback::Skip) => Some(None),
        Input::Callback(Callback::Category(id)) => state.categories.iter().any(|c| c.id == *id).then_some(Some(*id)),
        Input::Text(text) => {
            let typed = normalize_label(text);
            state.categories.iter().find(|c| normalize_label(&c.name) == typed).map(|c| Some(c.id))
        }
        Input::Callback(_) => None,
    };
    match chosen {
        Some(category_id) => {
            state.category_id = category_id;
            advance(state, CreateStep::TargetAmount, ctx)
        }
        None => {
            let reply = Reply::with_keyboard(t::unknown_category(ctx.lang), category_keyboard(&state, ctx));
            Step::ask(state, reply)
        }
    }
}

/// Reads "ДД.ММ.ГГГГ" (one-digit day and month allowed); `None` for
/// anything else, including dates that do not exist such as 30.02.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().split('.');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |s: &str, lens: &[usize]| lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(day, &[1, 2]) || !digits(month, &[1, 2]) || !digits(year, &[4]) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialog::test_support::{cont, ctx, done, text};

    fn cats() -> Vec<CategoryView> {
        vec![
            CategoryView { id: 3, name: "Продукты".into(), icon: "🍎".into() },
            CategoryView { id: 4, name: "Одежда".into(), icon: String::new() },
        ]
    }

    fn begin(categories: Vec<CategoryView>) -> CreateState {
        start(Role::Organizer, categories, &ctx()).unwrap().0
    }

    /// Feeds inputs one by one; all but the last must be accepted.
    fn feed(mut state: CreateState, inputs: &[Input]) -> Step<CreateState, NewProcurement> {
        let (last, init) = inputs.split_last().unwrap();
        for input in init {
            let before = state.step;
            state = cont(step(state, input, &ctx())).0;
            assert_ne!(state.step, before, "input {input:?} was rejected");
        }
        step(state, last, &ctx())
    }

    /// A state parked at `target` after valid answers.
    fn at(target: CreateStep) -> CreateState {
        let answers = [
            text("Алтайский мёд"),
            text("Мёд с пасеки, урожай 2026 года"),
            Input::Callback(Callback::Category(3)),
            text("10 000"),
            text("800"),
            text("кг"),
            text("Барнаул"),
        ];
        let mut state = begin(cats());
        for input in &answers {
            if state.step == target {
                break;
            }
            state = cont(step(state, input, &ctx())).0;
        }
        assert_eq!(state.step, target);
        state
    }

    #[test]
    fn only_organizers_may_start() {
        for role in [Role::Buyer, Role::Supplier] {
            let refusal = start(role, cats(), &ctx()).unwrap_err();
            assert!(refusal.text.starts_with("Создавать закупки могут только организаторы"));
        }
        let (state, reply) = start(Role::Organizer, cats(), &ctx()).unwrap();
        assert_eq!(state.step, CreateStep::Title);
        assert!(reply.text.contains("название"));
    }

    #[test]
    fn full_flow_produces_a_future_dated_draft() {
        let created = done(feed(
            begin(cats()),
            &[
                text("  Алтайский мёд "),
                text("Мёд с пасеки, урожай 2026 года"),
                Input::Callback(Callback::Category(3)),
                text("10 000"),
                text("799,90"),
                text("кг"),
                text("Барнаул"),
                text("1.7.2026"),
                text("20 000"),
            ],
        ));
        assert_eq!(
            created,
            NewProcurement {
                title: "Алтайский мёд".into(),
                description: "Мёд с пасеки, урожай 2026 года".into(),
                category_id: Some(3),
                target_amount: 1_000_000,
                price_per_unit: 79_990,
                unit: "кг".into(),
                city: "Барнаул".into(),
                deadline: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
                stop_at_amount: Some(2_000_000),
            }
        );
    }

    #[test]
    fn stop_amount_is_optional_and_not_below_target() {
        let (state, reply) = cont(step(at(CreateStep::Deadline), &text("16.06.2026"), &ctx()));
        assert_eq!(state.step, CreateStep::StopAmount);
        assert_eq!(reply.keyboard.unwrap().callbacks().collect::<Vec<_>>(), ["skip"]);
        let (kept, reply) = cont(step(state.clone(), &text("9 999"), &ctx()));
        assert_eq!(kept.step, CreateStep::StopAmount);
        assert!(reply.text.contains("10 000,00 ₽"), "{}", reply.text);
        let skipped = done(step(state.clone(), &Input::Callback(Callback::Skip), &ctx()));
        assert_eq!(skipped.stop_at_amount, None);
        let dashed = done(step(state, &text("-"), &ctx()));
        assert_eq!(dashed.stop_at_amount, None);
    }

    #[test]
    fn category_by_skip_or_typed_name() {
        let (skipped, _) = cont(step(at(CreateStep::Category), &Input::Callback(Callback::Skip), &ctx()));
        assert_eq!(skipped.step, CreateStep::TargetAmount);
        assert_eq!(skipped.category_id, None);

        let (typed, _) = cont(step(at(CreateStep::Category), &text("одежда"), &ctx()));
        assert_eq!(typed.category_id, Some(4));
    }

    #[test]
    fn category_prompt_has_buttons_and_unknown_ones_are_refused() {
        let (state, reply) = cont(step(at(CreateStep::Description), &text("Описание товара"), &ctx()));
        assert_eq!(state.step, CreateStep::Category);
        let kb = reply.keyboard.unwrap();
        assert_eq!(kb.callbacks().collect::<Vec<_>>(), ["category_3", "category_4", "skip"]);

        for bad in [Input::Callback(Callback::Category(99)), text("Мебель")] {
            let (state, reply) = cont(step(at(CreateStep::Category), &bad, &ctx()));
            assert_eq!(state.step, CreateStep::Category);
            assert!(reply.text.starts_with("Такой категории нет"));
            assert!(reply.keyboard.is_some());
        }
    }

    #[test]
    fn without_categories_the_step_is_skipped() {
        let state = begin(Vec::new());
        let state = cont(step(state, &text("Алтайский мёд"), &ctx())).0;
        let (state, reply) = cont(step(state, &text("Мёд с пасеки, свежий"), &ctx()));
        assert_eq!(state.step, CreateStep::TargetAmount);
        assert!(reply.text.contains("1 000,00 ₽"));
    }

    #[test]
    fn text_length_rules() {
        let cases = [
            (CreateStep::Title, "Мёд", "от 5 до 200"),
            (CreateStep::Description, "Короткое", "от 10 до 3000"),
            (CreateStep::Unit, "   ", "от 1 до 20"),
            (CreateStep::City, "М", "от 2 до 100"),
        ];
        for (at_step, input, error) in cases {
            let (state, reply) = cont(step(at(at_step), &text(input), &ctx()));
            assert_eq!(state.step, at_step, "{input}");
            assert!(reply.text.contains(error), "{input}: {}", reply.text);
        }
        let long_title = "я".repeat(201);
        let (state, _) = cont(step(at(CreateStep::Title), &text(&long_title), &ctx()));
        assert_eq!(state.step, CreateStep::Title);
        // five Cyrillic letters are ten bytes but exactly five characters
        let (state, _) = cont(step(at(CreateStep::Title), &text("Сахар"), &ctx()));
        assert_eq!(state.step, CreateStep::Description);
    }

    #[test]
    fn target_amount_rules() {
        let (state, reply) = cont(step(at(CreateStep::TargetAmount), &text("999,99"), &ctx()));
        assert_eq!(state.step, CreateStep::TargetAmount);
        assert_eq!(reply.text, "Минимальная сумма — 1 000,00 ₽.");

        let (_, reply) = cont(step(at(CreateStep::TargetAmount), &text("много"), &ctx()));
        assert!(reply.text.starts_with("Не удалось распознать сумму"));

        let (_, reply) = cont(step(at(CreateStep::TargetAmount), &text("1000000000000"), &ctx()));
        assert!(reply.text.starts_with("Максимальная сумма"));

        let (state, _) = cont(step(at(CreateStep::TargetAmount), &text("1000"), &ctx()));
        assert_eq!(state.target_amount, 100_000);
    }

    #[test]
    fn price_must_be_a_positive_amount() {
        for (input, error) in [("0", "больше нуля"), ("-5", "отрицательной"), ("1,234", "двух знаков")]
        {
            let (state, reply) = cont(step(at(CreateStep::PricePerUnit), &text(input), &ctx()));
            assert_eq!(state.step, CreateStep::PricePerUnit);
            assert!(reply.text.contains(error), "{input}: {}", reply.text);
        }
        let (state, _) = cont(step(at(CreateStep::PricePerUnit), &text("0,01"), &ctx()));
        assert_eq!(state.price_per_unit, 1);
    }

    #[test]
    fn deadline_must_be_a_real_future_date() {
        // ctx().today is 15.06.2026
        for (input, error) in [
            ("15.06.2026", "позже сегодняшней (15.06.2026)"),
            ("01.01.2025", "позже сегодняшней"),
            ("2026-12-31", "ДД.ММ.ГГГГ"),
            ("30.02.2027", "ДД.ММ.ГГГГ"),
            ("31.12.26", "ДД.ММ.ГГГГ"),
            ("завтра", "ДД.ММ.ГГГГ"),
        ] {
            let (state, reply) = cont(step(at(CreateStep::Deadline), &text(input), &ctx()));
            assert_eq!(state.step, CreateStep::Deadline);
            assert!(reply.text.contains(error), "{input}: {}", reply.text);
        }
        let (state, _) = cont(step(at(CreateStep::Deadline), &text("16.06.2026"), &ctx()));
        assert_eq!(state.deadline, NaiveDate::from_ymd_opt(2026, 6, 16));
    }

    #[test]
    fn parse_date_formats() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_date("31.12.2026"), d(2026, 12, 31));
        assert_eq!(parse_date(" 1.2.2027 "), d(2027, 2, 1));
        assert_eq!(parse_date("29.02.2028"), d(2028, 2, 29));
        for bad in ["29.02.2027", "32.01.2027", "01.13.2027", "1.1.2027.", "001.01.2027", "+1.01.2027", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn stray_buttons_repeat_the_question_and_cancel_works() {
        let (state, reply) = cont(step(at(CreateStep::City), &Input::Callback(Callback::Skip), &ctx()));
        assert_eq!(state.step, CreateStep::City);
        assert_eq!(reply.text, "Введите город:");
        assert!(matches!(step(at(CreateStep::City), &text("/cancel"), &ctx()), Step::Cancelled(_)));
    }

    #[test]
    fn state_round_trips_through_json() {
        let state = at(CreateStep::Unit);
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<CreateState>(&json).unwrap(), state);
    }
}
