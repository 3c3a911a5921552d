//! Registration: name → phone → email (optional) → role.
//!
//! Started by /start for an unknown user. The collected `Registration` is
//! what the runtime sends to the API to create the user.

use serde::{Deserialize, Serialize};

use super::{Ctx, Input, Step, intercept};
use crate::callback::Callback;
use crate::keyboard::{self, Keyboard};
use crate::lang::Lang;
use crate::model::Role;
use crate::reply::Reply;
use crate::texts::labels::role_from_text;
use crate::texts::registration as t;
use crate::validate;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum RegistrationState {
    Name,
    Phone { name: String },
    Email { name: String, phone: String },
    Role { name: String, phone: String, email: Option<String> },
}

/// A finished registration, validated and normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub name: String,
    /// Always starts with '+'.
    pub phone: String,
    /// Lower-cased; `None` when the user skipped it.
    pub email: Option<String>,
    pub role: Role,
}

pub fn start(ctx: &Ctx) -> (RegistrationState, Reply) {
    (RegistrationState::Name, Reply::text(t::ask_name(ctx.lang)))
}

fn email_keyboard(lang: Lang) -> Keyboard {
    Keyboard::inline(vec![keyboard::skip_row(lang)])
}

pub fn step(state: RegistrationState, input: &Input, ctx: &Ctx) -> Step<RegistrationState, Registration> {
    if let Some(step) = intercept(input, ctx.lang) {
        return step;
    }
    let lang = ctx.lang;
    let text = match input {
        Input::Text(text) => Some(text.as_str()),
        Input::Callback(_) => None,
    };
    match state {
        RegistrationState::Name => match text.and_then(validate::name) {
            Some(name) => {
                let reply = Reply::text(t::ask_phone(&name, lang));
                Step::ask(RegistrationState::Phone { name }, reply)
            }
            None => Step::ask(state, Reply::text(t::invalid_name(lang))),
        },
        RegistrationState::Phone { name } => match text.and_then(validate::phone) {
            Some(phone) => Step::ask(
                RegistrationState::Email { name, phone },
                Reply::with_keyboard(t::ask_email(lang), email_keyboard(lang)),
            ),
            None => Step::ask(RegistrationState::Phone { name }, Reply::text(t::invalid_phone(lang))),
        },
        RegistrationState::Email { name, phone } => {
            let email = match input {
                Input::Callback(Callback::Skip) => Ok(None),
                Input::Text(text) if validate::is_skip(text) => Ok(None),
                Input::Text(text) => validate::email(text).map(Some).ok_or(()),
                Input::Callback(_) => Err(()),
            };
            match email {
                Ok(email) => Step::ask(
                    RegistrationState::Role { name, phone, email },
                    Reply::with_keyboard(t::ask_role(lang), keyboard::role_choice(lang)),
                ),
                Err(()) => Step::ask(
                    RegistrationState::Email { name, phone },
                    Reply::with_keyboard(t::invalid_email(lang), email_keyboard(lang)),
                ),
            }
        }
        RegistrationState::Role { name, phone, email } => {
            // the buttons are the normal way; typed role names help on
            // clients where inline buttons are awkward
            let role = match input {
                Input::Callback(Callback::ChooseRole(role)) => Some(*role),
                Input::Text(text) => role_from_text(text),
                Input::Callback(_) => None,
            };
            match role {
                Some(role) => Step::Done(Registration { name, phone, email, role }),
                None => Step::ask(
                    RegistrationState::Role { name, phone, email },
                    Reply::with_keyboard(t::ask_role(lang), keyboard::role_choice(lang)),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialog::test_support::{cont, ctx, done, text};

    fn run(inputs: &[Input]) -> Step<RegistrationState, Registration> {
        let ctx = ctx();
        let (mut state, _) = start(&ctx);
        let (last, init) = inputs.split_last().unwrap();
        for input in init {
            state = cont(step(state, input, &ctx)).0;
        }
        step(state, last, &ctx)
    }

    #[test]
    fn happy_path_collects_normalised_data() {
        let reg = done(run(&[
            text("  Иван   Петров "),
            text("8 (999) 123-45-67"),
            text("Ivan@Example.RU"),
            Input::Callback(Callback::ChooseRole(Role::Organizer)),
        ]));
        assert_eq!(
            reg,
            Registration {
                name: "Иван Петров".into(),
                phone: "+79991234567".into(),
                email: Some("ivan@example.ru".into()),
                role: Role::Organizer,
            }
        );
    }

    #[test]
    fn email_can_be_skipped_by_dash_or_button() {
        let by_dash = done(run(&[text("John"), text("79991234567"), text("-"), text("Buyer")]));
        assert_eq!(by_dash.email, None);
        assert_eq!(by_dash.phone, "+79991234567");
        assert_eq!(by_dash.role, Role::Buyer);

        let by_button = done(run(&[
            text("John"),
            text("+79991234567"),
            Input::Callback(Callback::Skip),
            Input::Callback(Callback::ChooseRole(Role::Supplier)),
        ]));
        assert_eq!(by_button.email, None);
    }

    #[test]
    fn invalid_answers_keep_the_step() {
        let ctx = ctx();
        let (state, reply) = cont(step(RegistrationState::Name, &text("J"), &ctx));
        assert_eq!(state, RegistrationState::Name);
        assert!(reply.text.contains("от 2 до 50"));

        let phone_state = RegistrationState::Phone { name: "Иван".into() };
        let (state, reply) = cont(step(phone_state.clone(), &text("12345"), &ctx));
        assert_eq!(state, phone_state);
        assert!(reply.text.contains("+79991234567"));

        let email_state = RegistrationState::Email { name: "Иван".into(), phone: "+79991234567".into() };
        let (state, reply) = cont(step(email_state.clone(), &text("user@"), &ctx));
        assert_eq!(state, email_state);
        assert!(reply.keyboard.is_some());
    }

    #[test]
    fn role_step_ignores_other_buttons() {
        let role_state = RegistrationState::Role { name: "Иван".into(), phone: "+79991234567".into(), email: None };
        let (state, reply) = cont(step(role_state.clone(), &Input::Callback(Callback::ViewProcurement(1)), &ctx()));
        assert_eq!(state, role_state);
        let kb = reply.keyboard.unwrap();
        assert_eq!(kb.callbacks().next(), Some("role_buyer"));
    }

    #[test]
    fn prompts_follow_the_flow() {
        let ctx = ctx();
        let (state, reply) = start(&ctx);
        assert!(reply.text.contains("Как вас зовут?"));
        let (state, reply) = cont(step(state, &text("Иван"), &ctx));
        assert!(reply.text.starts_with("Отлично, Иван!"));
        let (state, reply) = cont(step(state, &text("+79991234567"), &ctx));
        assert!(reply.text.contains("«-»"));
        let (_, reply) = cont(step(state, &text("-"), &ctx));
        assert_eq!(reply.text, "Почти готово! Выберите роль:");
    }

    #[test]
    fn english_prompts() {
        let ctx = Ctx { lang: Lang::En, ..ctx() };
        let (_, reply) = cont(step(RegistrationState::Name, &text("1"), &ctx));
        assert!(reply.text.starts_with("Please enter a valid name"));
    }

    #[test]
    fn help_mid_dialog_interrupts_instead_of_failing_validation() {
        assert!(matches!(step(RegistrationState::Name, &text("/help"), &ctx()), Step::Interrupted(_)));
        assert!(matches!(step(RegistrationState::Name, &text("/cancel"), &ctx()), Step::Cancelled(_)));
    }

    #[test]
    fn state_survives_a_session_store() {
        let state = RegistrationState::Role { name: "Иван".into(), phone: "+79991234567".into(), email: None };
        let json = serde_json::to_string(&state).unwrap();
        assert!(json.contains("\"step\":\"role\""));
        assert_eq!(serde_json::from_str::<RegistrationState>(&json).unwrap(), state);
    }
}
