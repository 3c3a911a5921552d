//! Texts of the screens the runtime assembles from the platform's data: profile, balance,
//! deposits, lists, organizer actions, chats, and the short answers to refused actions.

use super::format_money;
use crate::lang::Lang;
use crate::model::Role;
use crate::quantity::Quantity;
use crate::texts::labels::role_name;

// --- profile -----------------------------------------------------------------------------------

/// What /profile shows about the person.
pub struct ProfileView<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub balance: i64,
    pub messenger_notifications: bool,
}

pub fn profile(p: &ProfileView<'_>, lang: Lang) -> String {
    let none = lang.pick("не указан", "not set");
    let or_none = |v: &str| if v.trim().is_empty() { none.to_string() } else { v.to_string() };
    let l = |ru, en| lang.pick(ru, en);
    [
        format!("👤 {}", p.name),
        String::new(),
        format!("{}: {}", l("Телефон", "Phone"), or_none(p.phone)),
        format!("Email: {}", or_none(p.email)),
        format!("{}: {}", l("Роль", "Role"), role_name(p.role, lang)),
        format!("{}: {}", l("Баланс", "Balance"), format_money(p.balance, lang)),
        format!(
            "{}: {}",
            l("Уведомления в мессенджере", "Notifications in the messenger"),
            if p.messenger_notifications { l("включены", "on") } else { l("выключены", "off") }
        ),
    ]
    .join("\n")
}

pub fn ask_new_phone(lang: Lang) -> &'static str {
    lang.pick("Введите новый номер телефона (например, +79991234567):", "Enter your new phone (e.g. +79991234567):")
}

pub fn ask_new_email(lang: Lang) -> &'static str {
    lang.pick("Введите новый email:", "Enter your new email:")
}

pub fn choose_new_role(lang: Lang) -> &'static str {
    lang.pick("Выберите новую роль:", "Choose your new role:")
}

pub fn profile_updated(lang: Lang) -> &'static str {
    lang.pick("✅ Профиль обновлён.", "✅ Profile updated.")
}

/// The profile button that flips messenger notifications, saying what it will do.
pub fn messenger_notifications_toggle(on: bool, lang: Lang) -> &'static str {
    if on {
        lang.pick("🔕 Выключить уведомления здесь", "🔕 Turn notifications off here")
    } else {
        lang.pick("🔔 Включить уведомления здесь", "🔔 Turn notifications on here")
    }
}

pub fn profile_edit_labels(lang: Lang) -> [&'static str; 3] {
    [
        lang.pick("📱 Изменить телефон", "📱 Change phone"),
        lang.pick("📧 Изменить email", "📧 Change email"),
        lang.pick("🔄 Сменить роль", "🔄 Change role"),
    ]
}

// --- balance and deposits ------------------------------------------------------------------------

pub fn balance(balance: i64, deposited: i64, spent: i64, refunded: i64, lang: Lang) -> String {
    let m = |k| format_money(k, lang);
    match lang {
        Lang::Ru => format!(
            "💰 Баланс: {}\n\nПополнено всего: {}\nПотрачено: {}\nВозвращено: {}",
            m(balance),
            m(deposited),
            m(spent),
            m(refunded)
        ),
        Lang::En => format!(
            "💰 Balance: {}\n\nDeposited in total: {}\nSpent: {}\nRefunded: {}",
            m(balance),
            m(deposited),
            m(spent),
            m(refunded)
        ),
    }
}

pub fn choose_payment_method(amount: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Пополнение на {}. Как будете платить?", format_money(amount, lang)),
        Lang::En => format!("Deposit of {}. How will you pay?", format_money(amount, lang)),
    }
}

pub fn method_labels(lang: Lang) -> [&'static str; 2] {
    [lang.pick("🏦 Банковский перевод", "🏦 Bank transfer"), lang.pick("📱 СБП (QR-код)", "📱 SBP (QR code)")]
}

/// The bank details a transfer needs; the purpose carries the order code that matches it.
pub struct RequisitesView<'a> {
    pub amount: i64,
    pub recipient_name: &'a str,
    pub account: &'a str,
    pub bic: &'a str,
    pub bank_name: &'a str,
    pub purpose: &'a str,
}

pub fn requisites(r: &RequisitesView<'_>, lang: Lang) -> String {
    let l = |ru, en| lang.pick(ru, en);
    [
        format!("{}: {}", l("Пополнение на", "Deposit of"), format_money(r.amount, lang)),
        String::new(),
        l("Переведите сумму по реквизитам:", "Transfer the amount to:").to_string(),
        format!("{}: {}", l("Получатель", "Recipient"), r.recipient_name),
        format!("{}: {}", l("Счёт", "Account"), r.account),
        format!("{}: {}", l("БИК", "BIC"), r.bic),
        format!("{}: {}", l("Банк", "Bank"), r.bank_name),
        format!("{}: {}", l("Назначение платежа", "Payment purpose"), r.purpose),
        String::new(),
        l(
            "Назначение обязательно: по нему платёж зачисляется на ваш баланс.",
            "Keep the purpose exactly: it is how the payment reaches your balance.",
        )
        .to_string(),
    ]
    .join("\n")
}

pub fn sbp_qr(amount: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!(
            "Пополнение на {} через СБП.\n\nОткройте QR-код по кнопке «Оплатить» и подтвердите платёж в приложении банка.",
            format_money(amount, lang)
        ),
        Lang::En => format!(
            "Deposit of {} by SBP.\n\nOpen the QR code with \"Pay\" and confirm the payment in your bank's app.",
            format_money(amount, lang)
        ),
    }
}

pub fn ask_inn(lang: Lang) -> &'static str {
    lang.pick(
        "Для первого пополнения банку нужен ваш ИНН (12 цифр). Введите его:",
        "For your first deposit the bank needs your INN (12 digits). Please enter it:",
    )
}

pub fn invalid_inn(lang: Lang) -> &'static str {
    lang.pick(
        "Это не ИНН физического лица: нужно 12 цифр с верными контрольными цифрами.",
        "That is not a personal INN: 12 digits with correct check digits are needed.",
    )
}

pub fn sbp_unavailable(lang: Lang) -> &'static str {
    lang.pick("СБП сейчас недоступна, оплатите переводом.", "SBP is not available now; please pay by transfer.")
}

pub fn transactions_header(count: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("📜 История операций (всего {count}):"),
        Lang::En => format!("📜 Transactions ({count} in total):"),
    }
}

pub fn no_transactions(lang: Lang) -> &'static str {
    lang.pick("Операций пока нет.", "No transactions yet.")
}

pub fn transaction_kind(kind: &str, lang: Lang) -> String {
    let known = match kind {
        "deposit" => lang.pick("Пополнение", "Deposit"),
        "withdrawal" => lang.pick("Вывод", "Withdrawal"),
        "procurement_join" => lang.pick("Оплата закупки", "Procurement payment"),
        "procurement_refund" => lang.pick("Возврат", "Refund"),
        "transfer" => lang.pick("Перевод", "Transfer"),
        "bonus" => lang.pick("Бонус", "Bonus"),
        other => return other.to_string(),
    };
    known.to_string()
}

pub fn payment_not_found(lang: Lang) -> &'static str {
    lang.pick("Платёж не найден.", "Payment not found.")
}

// --- notifications -------------------------------------------------------------------------------

pub fn notifications_header(unread: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("🔔 Уведомления (непрочитанных: {unread}):"),
        Lang::En => format!("🔔 Notifications ({unread} unread):"),
    }
}

pub fn no_notifications(lang: Lang) -> &'static str {
    lang.pick("Уведомлений нет.", "No notifications.")
}

pub fn marked_read(count: u64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Отмечено прочитанными: {count}."),
        Lang::En => format!("Marked as read: {count}."),
    }
}

pub fn notification_labels(lang: Lang) -> [&'static str; 2] {
    [lang.pick("✔️ Отметить прочитанными", "✔️ Mark all read"), lang.pick("🔄 Обновить", "🔄 Refresh")]
}

// --- procurement list ----------------------------------------------------------------------------

pub fn list_header(count: i64, page: i64, pages: i64, filters: &[String], lang: Lang) -> String {
    let mut text = match lang {
        Lang::Ru => format!("📦 Закупки: {count} (страница {page} из {pages})"),
        Lang::En => format!("📦 Procurements: {count} (page {page} of {pages})"),
    };
    if !filters.is_empty() {
        text.push_str(&format!("\n{}: {}", lang.pick("Фильтры", "Filters"), filters.join(", ")));
    }
    text
}

pub fn filter_city(city: &str, lang: Lang) -> String {
    format!("{} «{city}»", lang.pick("город", "city"))
}

pub fn filter_category(name: &str, lang: Lang) -> String {
    format!("{} «{name}»", lang.pick("категория", "category"))
}

pub fn filter_search(words: &str, lang: Lang) -> String {
    format!("{} «{words}»", lang.pick("поиск", "search"))
}

pub fn nothing_matches(lang: Lang) -> &'static str {
    lang.pick("По этим условиям закупок нет.", "No procurements match.")
}

pub fn list_labels(lang: Lang) -> [&'static str; 3] {
    [
        lang.pick("◀️ Назад", "◀️ Previous"),
        lang.pick("Вперёд ▶️", "Next ▶️"),
        lang.pick("✖️ Сбросить фильтры", "✖️ Clear filters"),
    ]
}

pub fn ask_filter_city(lang: Lang) -> &'static str {
    lang.pick("Введите город:", "Enter the city:")
}

pub fn city_filter_length(lang: Lang) -> &'static str {
    lang.pick("Название города — от 2 до 100 символов.", "The city must be 2 to 100 characters long.")
}

pub fn choose_category(lang: Lang) -> &'static str {
    lang.pick("Выберите категорию:", "Choose a category:")
}

pub fn no_categories(lang: Lang) -> &'static str {
    lang.pick("Категорий пока нет.", "There are no categories yet.")
}

// --- one procurement -----------------------------------------------------------------------------

pub fn participants_header(title: &str, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("👥 Участники закупки «{title}»:"),
        Lang::En => format!("👥 Participants of \"{title}\":"),
    }
}

pub fn no_participants(lang: Lang) -> &'static str {
    lang.pick("Участников пока нет.", "No participants yet.")
}

pub fn participant_status(status: &str, lang: Lang) -> String {
    let known = match status {
        "pending" => lang.pick("ожидает подтверждения", "pending"),
        "confirmed" => lang.pick("подтверждён", "confirmed"),
        "paid" => lang.pick("оплачен", "paid"),
        "delivered" => lang.pick("получен", "delivered"),
        "cancelled" => lang.pick("отменён", "cancelled"),
        other => return other.to_string(),
    };
    known.to_string()
}

pub fn confirm_join(title: &str, quantity: Quantity, unit: &str, amount: Option<i64>, lang: Lang) -> String {
    let q = quantity.display(lang);
    let a = amount.map(|a| format_money(a, lang)).unwrap_or_else(|| "—".into());
    match lang {
        Lang::Ru => format!("Закупка «{title}»\nКоличество: {q} {unit}\nСумма: {a}\n\nПодтвердить участие?"),
        Lang::En => format!("Procurement \"{title}\"\nQuantity: {q} {unit}\nAmount: {a}\n\nConfirm joining?"),
    }
}

pub fn confirm_labels(lang: Lang) -> [&'static str; 2] {
    [lang.pick("✅ Подтвердить", "✅ Confirm"), lang.pick("Отмена", "Cancel")]
}

pub fn share_paid(amount: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("✅ Оплачено {} с вашего баланса.", format_money(amount, lang)),
        Lang::En => format!("✅ Paid {} from your balance.", format_money(amount, lang)),
    }
}

pub fn pay_share_label(amount: i64, lang: Lang) -> String {
    format!("{} {}", lang.pick("💳 Оплатить", "💳 Pay"), format_money(amount, lang))
}

pub fn back_to_card(lang: Lang) -> &'static str {
    lang.pick("⬅️ К закупке", "⬅️ Back to procurement")
}

pub fn not_a_participant(lang: Lang) -> &'static str {
    lang.pick("Вы не участвуете в этой закупке.", "You are not taking part in this procurement.")
}

// --- my procurements -----------------------------------------------------------------------------

pub fn my_organized_header(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("📋 Организую ({count}):"),
        Lang::En => format!("📋 Organizing ({count}):"),
    }
}

pub fn my_participating_header(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("🛒 Участвую ({count}):"),
        Lang::En => format!("🛒 Taking part ({count}):"),
    }
}

pub fn my_totals(organized_collected: i64, my_orders: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!(
            "Итого: собрано в моих закупках {}, мои заказы на {}.",
            format_money(organized_collected, lang),
            format_money(my_orders, lang)
        ),
        Lang::En => format!(
            "Totals: collected in my procurements {}, my orders {}.",
            format_money(organized_collected, lang),
            format_money(my_orders, lang)
        ),
    }
}

pub fn no_my_procurements(lang: Lang) -> &'static str {
    lang.pick(
        "У вас пока нет закупок. Найдите подходящую: /procurements",
        "You have no procurements yet. Find one: /procurements",
    )
}

// --- creating and organizing ---------------------------------------------------------------------

pub struct DraftView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub category: Option<&'a str>,
    pub target_amount: i64,
    pub price_per_unit: i64,
    pub unit: &'a str,
    pub city: &'a str,
    pub deadline: chrono::NaiveDate,
    pub stop_at_amount: Option<i64>,
}

pub fn draft_summary(d: &DraftView<'_>, lang: Lang) -> String {
    let l = |ru, en| lang.pick(ru, en);
    let m = |k| format_money(k, lang);
    [
        l("Проверьте закупку:", "Check the procurement:").to_string(),
        String::new(),
        format!("📦 {}", d.title),
        d.description.to_string(),
        String::new(),
        format!("{}: {}", l("Категория", "Category"), d.category.unwrap_or(l("без категории", "none"))),
        format!("{}: {}", l("Цель", "Target"), m(d.target_amount)),
        format!("{}: {} / {}", l("Цена", "Price"), m(d.price_per_unit), d.unit),
        format!("{}: {}", l("Город", "City"), d.city),
        format!("{}: {}", l("Сбор до", "Deadline"), d.deadline.format(lang.pick("%d.%m.%Y", "%Y-%m-%d"))),
        format!(
            "{}: {}",
            l("Остановить при", "Stop at"),
            d.stop_at_amount.map(m).unwrap_or_else(|| l("не ограничено", "no limit").to_string())
        ),
        String::new(),
        l("Создать?", "Create it?").to_string(),
    ]
    .join("\n")
}

pub fn organizer_action_label(action: crate::callback::OrganizerAction, lang: Lang) -> &'static str {
    use crate::callback::OrganizerAction::*;
    match action {
        Publish => lang.pick("🚀 Опубликовать", "🚀 Publish"),
        ConfirmParticipants => lang.pick("✅ Подтвердить участников", "✅ Confirm participants"),
        Stop => lang.pick("⏸️ Остановить сбор", "⏸️ Stop collection"),
        RequestPayment => lang.pick("💳 Перейти к оплате", "💳 Move to payment"),
        Complete => lang.pick("🏁 Завершить", "🏁 Complete"),
        Cancel => lang.pick("❌ Отменить закупку", "❌ Cancel procurement"),
    }
}

pub fn status_changed(status_label: &str, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Статус закупки: {status_label}."),
        Lang::En => format!("Procurement status: {status_label}."),
    }
}

pub fn participants_confirmed(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Подтверждено участников: {count}."),
        Lang::En => format!("Participants confirmed: {count}."),
    }
}

// --- chats ---------------------------------------------------------------------------------------

pub fn chats_header(lang: Lang) -> &'static str {
    lang.pick("💬 Ваши чаты закупок:", "💬 Your procurement chats:")
}

pub fn no_chats(lang: Lang) -> &'static str {
    lang.pick(
        "У вас пока нет чатов: они появляются у участников и организаторов закупок.",
        "You have no chats yet: they come with taking part in or organizing a procurement.",
    )
}

pub fn chat_line(title: &str, unread: i64, lang: Lang) -> String {
    if unread == 0 {
        return format!("• {title}");
    }
    match lang {
        Lang::Ru => format!("• {title} — непрочитанных: {unread}"),
        Lang::En => format!("• {title} — {unread} unread"),
    }
}

pub fn login_link_note(lang: Lang) -> &'static str {
    lang.pick(
        "Чат открывается в веб-кабинете. Ссылка для входа одноразовая и действует 15 минут.",
        "Chats open in the web cabinet. The login link works once, within 15 minutes.",
    )
}

pub fn open_mini_app_label(lang: Lang) -> &'static str {
    lang.pick("📱 Кабинет в Telegram", "📱 Cabinet in Telegram")
}

/// The chat's menu button that opens the cabinet as a Mini App (Telegram shows it beside the
/// text field; one text for everyone, set once at start).
pub const MENU_BUTTON_TEXT: &str = "Кабинет";

pub fn open_cabinet_label(lang: Lang) -> &'static str {
    lang.pick("🌐 Открыть веб-кабинет", "🌐 Open the web cabinet")
}

pub fn open_web_label(lang: Lang) -> &'static str {
    lang.pick("🌐 Открыть веб-чат", "🌐 Open web chat")
}

pub fn chat_room(title: &str, unread: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("💬 Чат закупки «{title}»\nНепрочитанных сообщений: {unread}"),
        Lang::En => format!("💬 Chat of \"{title}\"\nUnread messages: {unread}"),
    }
}

// --- the rest ------------------------------------------------------------------------------------

pub fn nothing_to_cancel(lang: Lang) -> &'static str {
    lang.pick("Нечего отменять.", "Nothing to cancel.")
}

pub fn not_found(lang: Lang) -> &'static str {
    lang.pick("Не найдено: возможно, это уже удалено.", "Not found: it may have been removed.")
}

pub fn forbidden(lang: Lang) -> &'static str {
    lang.pick("Это вам недоступно.", "You may not do this.")
}

pub fn refused(reason: &str, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Не получилось: {reason}"),
        Lang::En => format!("That did not work: {reason}"),
    }
}

pub fn insufficient_funds(lang: Lang) -> &'static str {
    lang.pick(
        "Недостаточно средств на балансе. Пополните его: /deposit",
        "Not enough money on your balance. Top up: /deposit",
    )
}

pub fn busy(lang: Lang) -> &'static str {
    lang.pick(
        "Обрабатываю предыдущее сообщение, повторите через минуту.",
        "Still busy with your previous message; try again in a minute.",
    )
}
