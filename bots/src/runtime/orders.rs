//! A buyer's orders: joining with a quantity (the amount shown before confirming), leaving with
//! confirmation, paying in the payment phase, and the person's procurements with totals.

use chrono::Utc;
use workflows::analytics::outlook::{MyProcurements, my_procurements};
use workflows::participant::{self, ParticipantStatus};
use workflows::procurement::{self, JoinRequest as DomainJoin};
use workflows::{DomainError, Quantity as DomainQuantity};

use super::browse::{my_order, visible};
use super::session::Dialog;
use super::turn::{Handled, Turn};
use super::views;
use crate::callback::Callback;
use crate::dialog::join::{self, JoinRequest};
use crate::keyboard::{self, Button, Keyboard};
use crate::reply::Reply;
use crate::texts::outlook::success_outlook;
use crate::texts::{format_money, procurement as t, screens, status_emoji, status_label};

pub async fn start_join(turn: &mut Turn<'_>, id: i64) -> Handled {
    let p = visible(turn, id).await?;
    let view = views::procurement(&p, Utc::now());
    match join::start(&view, &turn.dialog_ctx()) {
        Ok((state, reply)) => {
            turn.session.dialog = Some(Dialog::Join(state));
            turn.say(reply);
        }
        Err(refusal) => turn.say(refusal),
    }
    Ok(())
}

/// The quantity is typed: show what it costs and wait for the confirmation.
pub async fn confirm_join(turn: &mut Turn<'_>, request: JoinRequest) -> Handled {
    let p = visible(turn, request.procurement_id).await?;
    let lang = turn.lang;
    let text = screens::confirm_join(&p.title, request.quantity, &p.unit, request.amount, lang);
    let [yes, no] = screens::confirm_labels(lang);
    let kb = Keyboard::inline(vec![
        vec![Button::callback(yes, Callback::ConfirmJoin(p.id))],
        vec![Button::callback(no, Callback::ViewProcurement(p.id))],
    ]);
    turn.session.dialog = Some(Dialog::JoinConfirm(request));
    turn.say(Reply::with_keyboard(text, kb));
    Ok(())
}

pub async fn join(turn: &mut Turn<'_>, request: JoinRequest) -> Handled {
    let id = request.procurement_id;
    let order = DomainJoin {
        user_id: turn.user_id()?,
        quantity: Some(DomainQuantity::from_hundredths(request.quantity.hundredths())),
        // the server computes it from the quantity and price, as shown
        amount: None,
        notes: String::new(),
    };
    let joined = procurement::join(turn.pool(), id, order, turn.actor()?, Utc::now()).await?;
    turn.catalogue_changed().await;
    let p = visible(turn, id).await?;
    let text = t::joined(request.quantity, &p.unit, Some(joined.amount.kopecks()), turn.lang);
    let back =
        Keyboard::inline(vec![vec![Button::callback(screens::back_to_card(turn.lang), Callback::ViewProcurement(id))]]);
    turn.say(Reply::with_keyboard(text, back));
    Ok(())
}

pub fn ask_leave(turn: &mut Turn<'_>, id: i64) -> Handled {
    turn.say(Reply::with_keyboard(t::confirm_leave(turn.lang), keyboard::confirm_leave(id, turn.lang)));
    Ok(())
}

pub async fn leave(turn: &mut Turn<'_>, id: i64) -> Handled {
    procurement::leave(turn.pool(), id, turn.user_id()?, turn.actor()?).await?;
    turn.catalogue_changed().await;
    turn.say_with_menu(t::left(turn.lang));
    Ok(())
}

/// Pays the person's confirmed order from their balance into the procurement's escrow.
pub async fn pay(turn: &mut Turn<'_>, id: i64) -> Handled {
    let Some(order) = my_order(turn, id).await? else {
        turn.say(Reply::text(screens::not_a_participant(turn.lang)));
        return Ok(());
    };
    let paid = participant::change_status(turn.pool(), order.id, ParticipantStatus::Paid, turn.actor()?).await?;
    turn.say(Reply::text(screens::share_paid(paid.amount.kopecks(), turn.lang)));
    Ok(())
}

/// /my_procurements: what the person organizes and takes part in, with totals, and the success
/// outlook of each active procurement they organize.
pub async fn mine(turn: &mut Turn<'_>, replace: bool) -> Handled {
    let uid = turn.user_id()?;
    let MyProcurements { procurements: mine, outlook } = match my_procurements(turn.pool(), uid, Utc::now()).await {
        Ok(mine) => mine,
        Err(DomainError::NotFound { .. }) => return Err(super::turn::Failure::NotRegistered),
        Err(e) => return Err(e.into()),
    };
    let lang = turn.lang;
    if mine.organized.is_empty() && mine.participating.is_empty() {
        turn.say_with_menu(screens::no_my_procurements(lang));
        return Ok(());
    }
    let line = |p: &procurement::Procurement, extra: String| {
        format!(
            "{} {} — {} {extra}",
            status_emoji(&p.status.to_string()),
            p.title,
            status_label(&p.status.to_string(), lang)
        )
    };
    let mut lines = Vec::new();
    let mut buttons = Vec::new();
    if !mine.organized.is_empty() {
        lines.push(screens::my_organized_header(mine.organized.len(), lang));
        for p in &mine.organized {
            let collected = format!(
                "({} / {})",
                format_money(p.current_amount.kopecks(), lang),
                format_money(p.target_amount.kopecks(), lang)
            );
            lines.push(line(p, collected));
            if let Some(o) = outlook.get(&p.id) {
                lines.push(format!("   {}", success_outlook(o.probability, o.model_version, lang)));
            }
            buttons.push(p);
        }
        lines.push(String::new());
    }
    if !mine.participating.is_empty() {
        lines.push(screens::my_participating_header(mine.participating.len(), lang));
        for (p, amount, _) in &mine.participating {
            lines.push(line(p, format!("({})", format_money(amount.kopecks(), lang))));
            buttons.push(p);
        }
        lines.push(String::new());
    }
    let collected: i64 = mine.organized.iter().map(|p| p.current_amount.kopecks()).sum();
    let ordered: i64 = mine.participating.iter().map(|(_, amount, _)| amount.kopecks()).sum();
    lines.push(screens::my_totals(collected, ordered, lang));
    let items: Vec<_> = buttons.into_iter().map(views::list_item).collect();
    let mut rows: Vec<Vec<Button>> = keyboard::procurement_list(&items, lang)
        .buttons
        .into_iter()
        .take(items.len().min(keyboard::LIST_LIMIT))
        .collect();
    rows.push(vec![Button::callback(crate::texts::labels::Label::Refresh.text(lang), Callback::RefreshMyProcurements)]);
    let reply = Reply::with_keyboard(lines.join("\n"), Keyboard::inline(rows));
    turn.show(reply, replace);
    Ok(())
}
