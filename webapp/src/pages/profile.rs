//! `/profile`: the person's name, phone and email, their role, the language of the app and of
//! the bots, notifications in the messengers on or off, and the messenger accounts linked to
//! them. Saved with one `PATCH /api/users/{id}/`; the language then applies here at once.

use crate::account::use_account;
use crate::api::me::{self, Me, MeChange};
use crate::i18n::{self, Lang, use_lang};
use web_kit::ApiError;
use web_kit::components::{Alert, Notice};
use yew::prelude::*;

/// The form's fields as typed.
#[derive(Clone, PartialEq, Default)]
struct Form {
    first_name: String,
    last_name: String,
    phone: String,
    email: String,
    role: String,
    language: String,
    messenger_notifications: bool,
}

impl Form {
    fn of(me: &Me) -> Form {
        Form {
            first_name: me.first_name.clone(),
            last_name: me.last_name.clone(),
            phone: me.phone.clone(),
            email: me.email.clone(),
            role: me.role.clone(),
            language: Lang::parse(&me.language_code).code().to_string(),
            messenger_notifications: me.messenger_notifications,
        }
    }

    /// Only what changed, so a field the server has meanwhile changed elsewhere is kept.
    fn change_from(&self, me: &Me) -> MeChange {
        let was = Form::of(me);
        let changed = |new: &str, old: &str| (new.trim() != old).then(|| new.trim().to_string());
        MeChange {
            first_name: changed(&self.first_name, &was.first_name),
            last_name: changed(&self.last_name, &was.last_name),
            phone: changed(&phone_as_sent(&self.phone), &was.phone),
            email: changed(&self.email, &was.email),
            role: changed(&self.role, &was.role),
            language_code: changed(&self.language, &was.language),
            messenger_notifications: (self.messenger_notifications != was.messenger_notifications)
                .then_some(self.messenger_notifications),
        }
    }

    /// A problem the server would refuse anyway, said before sending.
    fn problem(&self, lang: Lang) -> Option<&'static str> {
        let email = self.email.trim();
        let plausible = email.split_once('@').is_some_and(|(name, domain)| !name.is_empty() && domain.contains('.'));
        if !email.is_empty() && !plausible {
            return Some(lang.pick(
                "Адрес почты выглядит неверно: нужен вид name@example.ru.",
                "The email looks wrong: name@example.com is expected.",
            ));
        }
        let phone = phone_as_sent(&self.phone);
        let digits = phone.trim_start_matches('+');
        if !phone.is_empty() && (!(11..=15).contains(&digits.len()) || digits.starts_with('0')) {
            return Some(lang.pick(
                "Телефон — от 11 до 15 цифр с кодом страны, например +79991234567.",
                "A phone number has 11 to 15 digits with the country code, such as +79991234567.",
            ));
        }
        None
    }
}

/// A phone as typed ("+7 (900) 123-45-67") as the API takes it: a leading '+' and the digits.
fn phone_as_sent(typed: &str) -> String {
    let typed = typed.trim();
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        // Letters alone: sent as typed, for the API to say what is wrong.
        return typed.to_string();
    }
    format!("+{digits}")
}

fn platform_name(platform: &str) -> &str {
    match platform {
        "telegram" => "Telegram",
        "vk" => "VK",
        "websocket" => "Web",
        other => other,
    }
}

#[function_component(ProfilePage)]
pub fn page() -> Html {
    let lang = use_lang();
    let account = use_account();
    let form = use_state(Form::default);
    let saved = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    {
        let form = form.clone();
        use_effect_with(account.me.clone(), move |me| {
            if let Some(me) = me {
                form.set(Form::of(me));
            }
        });
    }
    let Some(me) = account.me.clone() else { return html! {} };
    let text_field =
        |name: &'static str, label: &'static str, kind: &'static str, value: &str, set: fn(&mut Form, String)| {
            let form = form.clone();
            let saved = saved.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut next = (*form).clone();
                set(&mut next, input.value());
                form.set(next);
                saved.set(false);
            });
            html! {
                <label class="field">
                    { label }
                    <input type={kind} {name} value={value.to_string()} {oninput} />
                </label>
            }
        };
    let on_select = |set: fn(&mut Form, String)| {
        let form = form.clone();
        let saved = saved.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*form).clone();
            set(&mut next, select.value());
            form.set(next);
            saved.set(false);
        })
    };
    let on_notify = {
        let form = form.clone();
        let saved = saved.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            form.set(Form { messenger_notifications: input.checked(), ..(*form).clone() });
            saved.set(false);
        })
    };
    let problem = form.problem(lang);
    let on_submit = {
        let form = form.clone();
        let me = me.clone();
        let (saved, error, busy) = (saved.clone(), error.clone(), busy.clone());
        let reload = account.reload.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let change = form.change_from(&me);
            let language_changed = change.language_code.is_some();
            let (saved, error, busy, reload, id) = (saved.clone(), error.clone(), busy.clone(), reload.clone(), me.id);
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match me::update(id, &change).await {
                    Ok(_) => {
                        if language_changed {
                            // The saved language now rules over a choice made on this device.
                            i18n::forget_choice();
                        }
                        reload.emit(());
                        error.set(None);
                        saved.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let unchanged = form.change_from(&me) == MeChange::default();
    html! {
        <>
            <h1>{ lang.pick("Профиль", "Profile") }</h1>
            <form class="panel profile" onsubmit={on_submit} novalidate=true>
                <div class="grid">
                    { text_field("first_name", lang.pick("Имя", "First name"), "text", &form.first_name, |f, v| f.first_name = v) }
                    { text_field("last_name", lang.pick("Фамилия", "Last name"), "text", &form.last_name, |f, v| f.last_name = v) }
                    { text_field("phone", lang.pick("Телефон", "Phone"), "tel", &form.phone, |f, v| f.phone = v) }
                    { text_field("email", lang.pick("Эл. почта", "Email"), "email", &form.email, |f, v| f.email = v) }
                    <label class="field">
                        { lang.pick("Роль", "Role") }
                        <select name="role" onchange={on_select(|f, v| f.role = v)}>
                            { for [("buyer", lang.pick("Покупатель", "Buyer")), ("organizer", lang.pick("Организатор", "Organizer")), ("supplier", lang.pick("Поставщик", "Supplier"))]
                                .into_iter().map(|(value, text)| html! { <option {value} selected={form.role == value}>{ text }</option> }) }
                        </select>
                    </label>
                    <label class="field">
                        { lang.pick("Язык", "Language") }
                        <select name="language_code" onchange={on_select(|f, v| f.language = v)}>
                            <option value="ru" selected={form.language == "ru"}>{ "Русский" }</option>
                            <option value="en" selected={form.language == "en"}>{ "English" }</option>
                        </select>
                    </label>
                </div>
                <label class="check">
                    <input type="checkbox" name="messenger_notifications" checked={form.messenger_notifications} onchange={on_notify} />
                    { lang.pick("Присылать уведомления в мессенджер (на сайте они есть всегда)", "Send notifications to my messenger (the site always shows them)") }
                </label>
                if let Some(problem) = problem { <p class="hint error" role="alert">{ problem }</p> }
                if let Some(e) = &*error { <Alert error={e.clone()} /> }
                if *saved { <Notice text={lang.pick("Сохранено", "Saved")} /> }
                <button type="submit" data-action="save-profile" disabled={*busy || unchanged || problem.is_some()}>
                    { lang.pick("Сохранить", "Save") }
                </button>
            </form>
            <section class="panel" aria-labelledby="identities-title">
                <h2 id="identities-title">{ lang.pick("Связанные мессенджеры", "Linked messengers") }</h2>
                if me.identities.is_empty() {
                    <p class="muted">{ lang.pick("Нет связанных аккаунтов.", "No linked accounts.") }</p>
                } else {
                    <ul class="identities" data-list="identities">
                        { for me.identities.iter().map(|i| html! {
                            <li data-id={format!("{}:{}", i.platform, i.platform_user_id)}>
                                <strong>{ platform_name(&i.platform) }</strong>{ " · " }<span class="muted">{ &i.platform_user_id }</span>
                            </li>
                        }) }
                    </ul>
                }
                <p class="muted">{ lang.pick(
                    "Чтобы связать ещё один мессенджер, отправьте его боту GroupBuy команду /profile.",
                    "To link another messenger, send /profile to the GroupBuy bot there.",
                ) }</p>
            </section>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_changed_is_sent() {
        let me = Me { first_name: "Ann".into(), language_code: "ru".into(), role: "buyer".into(), ..Me::default() };
        let mut form = Form::of(&me);
        assert_eq!(form.change_from(&me), MeChange::default());
        form.first_name = " Anna ".into();
        form.language = "en".into();
        let change = form.change_from(&me);
        assert_eq!(change.first_name.as_deref(), Some("Anna"));
        assert_eq!(change.language_code.as_deref(), Some("en"));
        assert_eq!(change.role, None);
    }

    #[test]
    fn a_bad_email_or_phone_is_said_before_sending() {
        let form = Form { email: "nope".into(), ..Form::default() };
        assert!(form.problem(Lang::En).is_some());
        let form = Form { phone: "+7 900 123-45-67".into(), email: "a@b.ru".into(), ..Form::default() };
        assert_eq!(form.problem(Lang::En), None);
        assert_eq!(phone_as_sent(" 8 (900) 123-45-67 "), "+89001234567");
        let form = Form { phone: "12345".into(), ..Form::default() };
        assert!(form.problem(Lang::En).is_some());
    }
}
