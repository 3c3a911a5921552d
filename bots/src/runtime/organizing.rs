//! An organizer's work: the create-procurement dialogue's confirmation and creation, and the
//! actions on a procurement through its state machine (publish, confirm participants, stop,
//! move to payment, complete, cancel).

use chrono::{NaiveTime, Utc};
use workflows::participant::{self, ParticipantStatus};
use workflows::procurement::{self, NewProcurement as DomainDraft, ProcurementStatus};
use workflows::{DomainError, Money};

use super::browse::visible;
use super::session::Dialog;
use super::turn::{Handled, Turn, role_of};
use super::views;
use crate::callback::{Callback, OrganizerAction};
use crate::dialog::create_procurement::{self, NewProcurement};
use crate::keyboard::{Button, Keyboard};
use crate::reply::Reply;
use crate::texts::screens::{self, DraftView};
use crate::texts::{procurement as t, status_label};

/// /create_procurement: organizers get the dialogue, everyone else the reason they cannot.
pub async fn start(turn: &mut Turn<'_>) -> Handled {
    let role = role_of(turn.user()?);
    let all = workflows::catalog::list(&mut *turn.pool().acquire().await?, None).await?;
    let categories = all.iter().filter(|c| c.is_active).map(views::category).collect();
    match create_procurement::start(role, categories, &turn.dialog_ctx()) {
        Ok((state, reply)) => {
            turn.session.dialog = Some(Dialog::CreateProcurement(state));
            turn.say(reply);
        }
        Err(refusal) => turn.say_with_menu(refusal.text),
    }
    Ok(())
}

/// Every answer is in: show the summary and wait for the confirmation.
pub async fn confirm(turn: &mut Turn<'_>, draft: NewProcurement) -> Handled {
    let category = match draft.category_id {
        Some(id) => Some(workflows::catalog::get(&mut *turn.pool().acquire().await?, id).await?.name),
        None => None,
    };
    let lang = turn.lang;
    let view = DraftView {
        title: &draft.title,
        description: &draft.description,
        category: category.as_deref(),
        target_amount: draft.target_amount,
        price_per_unit: draft.price_per_unit,
        unit: &draft.unit,
        city: &draft.city,
        deadline: draft.deadline,
        stop_at_amount: draft.stop_at_amount,
    };
    let text = screens::draft_summary(&view, lang);
    let [yes, no] = screens::confirm_labels(lang);
    let kb = Keyboard::inline(vec![
        vec![Button::callback(yes, Callback::ConfirmCreate)],
        vec![Button::callback(no, Callback::Dismiss)],
    ]);
    turn.session.dialog = Some(Dialog::CreateConfirm(draft));
    turn.say(Reply::with_keyboard(text, kb));
    Ok(())
}

/// Confirmed: the draft is stored through the same use case as the REST API's.
pub async fn create(turn: &mut Turn<'_>, draft: NewProcurement) -> Handled {
    let offset = turn.inner.settings.utc_offset;
    // collection runs to the end of the chosen day in the platform's time zone
    let end_of_day = draft.deadline.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
    let deadline = end_of_day
        .and_local_timezone(offset)
        .single()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| DomainError::invalid("deadline", "not a valid date"))?;
    let new = DomainDraft {
        title: draft.title,
        description: draft.description,
        category_id: draft.category_id,
        organizer_id: turn.user_id()?,
        supplier_id: None,
        city: draft.city,
        delivery_address: String::new(),
        target_amount: Money::from_kopecks(draft.target_amount),
        stop_at_amount: draft.stop_at_amount.map(Money::from_kopecks),
        unit: draft.unit,
        price_per_unit: Some(Money::from_kopecks(draft.price_per_unit)),
        min_quantity: None,
        commission_percent: None,
        deadline,
        payment_deadline: None,
        image_url: String::new(),
    };
    let created = procurement::open(turn.pool(), new, turn.actor()?, Utc::now()).await?;
    turn.catalogue_changed().await;
    let lang = turn.lang;
    let publish = OrganizerAction::Publish;
    let kb = Keyboard::inline(vec![
        vec![Button::callback(screens::organizer_action_label(publish, lang), Callback::Organize(publish, created.id))],
        vec![Button::callback(screens::back_to_card(lang), Callback::ViewProcurement(created.id))],
    ]);
    turn.say(Reply::with_keyboard(t::procurement_created(&created.title, lang), kb));
    Ok(())
}

/// One organizer action; the state machine and its use cases decide whether it is allowed.
pub async fn act(turn: &mut Turn<'_>, action: OrganizerAction, id: i64) -> Handled {
    let lang = turn.lang;
    let actor = turn.actor()?;
    let back =
        Keyboard::inline(vec![vec![Button::callback(screens::back_to_card(lang), Callback::ViewProcurement(id))]]);
    let target = match action {
        OrganizerAction::ConfirmParticipants => {
            let p = visible(turn, id).await?;
            if !actor.may_act_for(p.organizer_id) {
                return Err(DomainError::forbidden("only the organizer confirms participants").into());
            }
            let orders = participant::active_of_procurement(&mut *turn.pool().acquire().await?, id).await?;
            let mut confirmed = 0;
            for order in orders.iter().filter(|o| o.status == ParticipantStatus::Pending) {
                participant::change_status(turn.pool(), order.id, ParticipantStatus::Confirmed, actor).await?;
                confirmed += 1;
            }
            turn.say(Reply::with_keyboard(screens::participants_confirmed(confirmed, lang), back));
            return Ok(());
        }
        OrganizerAction::Publish => ProcurementStatus::Active,
        OrganizerAction::Stop => ProcurementStatus::Stopped,
        OrganizerAction::RequestPayment => ProcurementStatus::Payment,
        OrganizerAction::Complete => ProcurementStatus::Completed,
        OrganizerAction::Cancel => ProcurementStatus::Cancelled,
    };
    let changed = procurement::change_status(turn.pool(), id, target, actor, Utc::now()).await?;
    turn.catalogue_changed().await;
    let label = status_label(&changed.status.to_string(), lang);
    turn.say(Reply::with_keyboard(screens::status_changed(&label, lang), back));
    Ok(())
}
