//! The person's account: registration by /start, the profile and its edits.

use workflows::DomainError;
use workflows::users::{self, NewUser, UserPatch};

use super::conversation::domain_platform;
use super::turn::{Failure, Handled, Turn, domain_role, role_of};
use crate::callback::Callback;
use crate::dialog::registration::{self, Registration};
use crate::keyboard::{self, Button, Keyboard};
use crate::model::Role;
use crate::reply::Reply;
use crate::texts::common;
use crate::texts::registration as reg_texts;
use crate::texts::screens::{self, ProfileView};
use crate::validate;

/// /start: welcome back, or the registration dialogue for someone new.
pub async fn start(turn: &mut Turn<'_>) -> Handled {
    if let Some(user) = &turn.user {
        let name = if user.first_name.trim().is_empty() { user.full_name() } else { user.first_name.clone() };
        turn.say_with_menu(common::welcome_back(&name, turn.lang));
        return Ok(());
    }
    let (state, reply) = registration::start(&turn.dialog_ctx());
    turn.session.dialog = Some(super::session::Dialog::Registration(state));
    turn.say(reply);
    Ok(())
}

/// The registration dialogue is complete: the account and its messenger identity are created.
pub async fn register(turn: &mut Turn<'_>, done: Registration) -> Handled {
    let (first_name, last_name) = match done.name.split_once(' ') {
        Some((first, last)) => (first.to_string(), last.to_string()),
        None => (done.name.clone(), String::new()),
    };
    let new = NewUser {
        platform: domain_platform(turn.platform),
        platform_user_id: turn.person.platform_user_id.clone(),
        username: turn.person.username.clone().unwrap_or_default(),
        first_name,
        last_name,
        phone: done.phone,
        email: done.email.unwrap_or_default(),
        role: domain_role(done.role),
        language_code: turn.lang.code().to_string(),
    };
    let mut conn = turn.pool().acquire().await?;
    let user = match users::register(&mut conn, new).await {
        Ok(user) => user,
        // registered meanwhile (another device, the REST API): that account is theirs
        Err(DomainError::Conflict { .. }) => {
            users::by_platform(&mut conn, domain_platform(turn.platform), &turn.person.platform_user_id).await?
        }
        Err(e) => return Err(e.into()),
    };
    let role = role_of(&user);
    turn.user = Some(user);
    turn.say_with_menu(reg_texts::complete(role, turn.lang));
    Ok(())
}

pub async fn profile(turn: &mut Turn<'_>) -> Handled {
    let user = turn.user()?;
    let name = user.full_name();
    let view = ProfileView {
        name: &name,
        phone: &user.phone,
        email: &user.email,
        role: role_of(user),
        balance: user.balance.kopecks(),
        messenger_notifications: user.messenger_notifications,
    };
    let text = screens::profile(&view, turn.lang);
    let [phone, email, role] = screens::profile_edit_labels(turn.lang);
    let mut rows = vec![
        vec![Button::callback(phone, Callback::EditPhone)],
        vec![Button::callback(email, Callback::EditEmail)],
        vec![Button::callback(role, Callback::ChangeRole)],
        vec![Button::callback(
            screens::messenger_notifications_toggle(user.messenger_notifications, turn.lang),
            Callback::ToggleMessengerNotifications,
        )],
    ];
    rows.extend(super::inbox::cabinet_rows(turn, "/profile", screens::open_cabinet_label(turn.lang)).await?);
    let keyboard = Keyboard::inline(rows);
    turn.say(Reply::with_keyboard(text, keyboard));
    Ok(())
}

pub fn ask_phone(turn: &mut Turn<'_>) -> Handled {
    turn.session.dialog = Some(super::session::Dialog::EditPhone);
    turn.say(Reply::text(screens::ask_new_phone(turn.lang)));
    Ok(())
}

pub fn ask_email(turn: &mut Turn<'_>) -> Handled {
    turn.session.dialog = Some(super::session::Dialog::EditEmail);
    turn.say(Reply::text(screens::ask_new_email(turn.lang)));
    Ok(())
}

pub fn ask_role(turn: &mut Turn<'_>) -> Handled {
    turn.say(Reply::with_keyboard(screens::choose_new_role(turn.lang), keyboard::role_choice(turn.lang)));
    Ok(())
}

pub async fn phone_given(turn: &mut Turn<'_>, text: &str) -> Handled {
    let Some(phone) = validate::phone(text) else {
        turn.session.dialog = Some(super::session::Dialog::EditPhone);
        turn.say(Reply::text(reg_texts::invalid_phone(turn.lang)));
        return Ok(());
    };
    save(turn, UserPatch { phone: Some(phone), ..UserPatch::default() }).await
}

pub async fn email_given(turn: &mut Turn<'_>, text: &str) -> Handled {
    let Some(email) = validate::email(text) else {
        turn.session.dialog = Some(super::session::Dialog::EditEmail);
        turn.say(Reply::text(reg_texts::invalid_email(turn.lang)));
        return Ok(());
    };
    save(turn, UserPatch { email: Some(email), ..UserPatch::default() }).await
}

pub async fn role_chosen(turn: &mut Turn<'_>, role: Role) -> Handled {
    save(turn, UserPatch { role: Some(domain_role(role)), ..UserPatch::default() }).await
}

/// Turns notifications in the person's messengers off when they are on, and on when off.
pub async fn toggle_messenger_notifications(turn: &mut Turn<'_>) -> Handled {
    let on = !turn.user()?.messenger_notifications;
    save(turn, UserPatch { messenger_notifications: Some(on), ..UserPatch::default() }).await
}

/// Stores a profile change and shows the profile as it is now (with the menu of the new role).
async fn save(turn: &mut Turn<'_>, patch: UserPatch) -> Handled {
    let id = turn.user_id()?;
    let mut conn = turn.pool().acquire().await?;
    let updated = users::update(&mut conn, id, patch).await.map_err(Failure::from)?;
    turn.user = Some(updated);
    turn.say_with_menu(screens::profile_updated(turn.lang));
    profile(turn).await
}
