//! Looking at procurements: the list with its filters, search and pages, one procurement's
//! card, and its participants.

use chrono::Utc;
use workflows::DomainError;
use workflows::page::PageRequest;
use workflows::participant::{self, Participant, ParticipantFilter, ParticipantStatus};
use workflows::procurement::{self, DraftVisibility, Ordering, Procurement, ProcurementFilter, ProcurementStatus};

use super::session::{Dialog, ListFilter};
use super::turn::{Failure, Handled, Turn};
use super::views;
use crate::callback::{Callback, OrganizerAction};
use crate::dialog::search::{self, SearchQuery};
use crate::keyboard::{self, Button, Keyboard};
use crate::reply::Reply;
use crate::texts::screens;
use crate::texts::{format_money, format_procurement_details};

/// /procurements: every open procurement, filters dropped.
pub async fn fresh_list(turn: &mut Turn<'_>) -> Handled {
    turn.session.filter = ListFilter::default();
    list(turn, 1, false).await
}

/// Page `page` of the open procurements under the session's filters.
pub async fn list(turn: &mut Turn<'_>, page: i64, replace: bool) -> Handled {
    let filter = turn.session.filter.clone();
    let query = ProcurementFilter {
        category_id: filter.category_id,
        city: filter.city.clone(),
        search: filter.search.clone(),
        active_only: true,
        ordering: Ordering::default(),
        drafts: DraftVisibility::None,
        ..ProcurementFilter::default()
    };
    let mut conn = turn.pool().acquire().await?;
    let found = procurement::list(&mut conn, &query, PageRequest::new(Some(page))).await?;
    let mut labels = Vec::new();
    if let Some(id) = filter.category_id {
        let name = workflows::catalog::get(&mut conn, id).await.map(|c| c.name).unwrap_or_else(|_| id.to_string());
        labels.push(screens::filter_category(&name, turn.lang));
    }
    if let Some(city) = &filter.city {
        labels.push(screens::filter_city(city, turn.lang));
    }
    if let Some(words) = &filter.search {
        labels.push(screens::filter_search(words, turn.lang));
    }
    drop(conn);
    let lang = turn.lang;
    let items: Vec<_> = found.results.iter().map(views::list_item).collect();
    let mut kb = keyboard::procurement_list(&items, lang);
    let pages = (found.count + workflows::page::PAGE_SIZE - 1) / workflows::page::PAGE_SIZE;
    let [previous, next, clear] = screens::list_labels(lang);
    let mut paging = Vec::new();
    if found.has_previous() {
        paging.push(Button::callback(previous, Callback::ListPage(found.page - 1)));
    }
    if found.has_next() {
        paging.push(Button::callback(next, Callback::ListPage(found.page + 1)));
    }
    if !paging.is_empty() {
        // under the procurements, above the filter buttons
        kb.buttons.insert(items.len(), paging);
    }
    if !filter.is_empty() {
        kb = kb.with_row(vec![Button::callback(clear, Callback::ClearFilters)]);
    }
    let text = if found.results.is_empty() {
        if filter.is_empty() {
            crate::texts::common::no_active_procurements(lang)
        } else {
            screens::nothing_matches(lang)
        }
        .to_string()
    } else {
        screens::list_header(found.count, found.page, pages.max(1), &labels, lang)
    };
    let reply = Reply::with_keyboard(text, kb);
    turn.show(reply, replace);
    Ok(())
}

/// /search with words lists at once; without, asks for them.
pub async fn search(turn: &mut Turn<'_>, words: &str) -> Handled {
    let ctx = turn.dialog_ctx();
    if words.trim().is_empty() {
        let (state, reply) = search::start(&ctx);
        turn.session.dialog = Some(Dialog::Search(state));
        turn.say(reply);
        return Ok(());
    }
    // the same rules as the typed query
    match search::step(search::SearchState, &crate::dialog::Input::text(words), &ctx) {
        crate::dialog::Step::Done(query) => searched(turn, query).await,
        crate::dialog::Step::Continue { state, reply } => {
            turn.session.dialog = Some(Dialog::Search(state));
            turn.say(reply);
            Ok(())
        }
        _ => list(turn, 1, false).await,
    }
}

pub async fn searched(turn: &mut Turn<'_>, query: SearchQuery) -> Handled {
    turn.session.filter = ListFilter { search: Some(query.0), ..ListFilter::default() };
    list(turn, 1, false).await
}

pub fn ask_city(turn: &mut Turn<'_>) -> Handled {
    turn.session.dialog = Some(Dialog::FilterCity);
    turn.say(Reply::text(screens::ask_filter_city(turn.lang)));
    Ok(())
}

pub async fn city_given(turn: &mut Turn<'_>, text: &str) -> Handled {
    let city = text.trim();
    if !(2..=100).contains(&city.chars().count()) {
        turn.session.dialog = Some(Dialog::FilterCity);
        turn.say(Reply::text(screens::city_filter_length(turn.lang)));
        return Ok(());
    }
    turn.session.filter.city = Some(city.to_string());
    list(turn, 1, false).await
}

pub async fn categories(turn: &mut Turn<'_>) -> Handled {
    let mut conn = turn.pool().acquire().await?;
    let all = workflows::catalog::list(&mut conn, None).await?;
    let views: Vec<_> = all.iter().filter(|c| c.is_active).map(views::category).collect();
    if views.is_empty() {
        turn.say(Reply::text(screens::no_categories(turn.lang)));
        return Ok(());
    }
    turn.say(Reply::with_keyboard(screens::choose_category(turn.lang), keyboard::categories(&views)));
    Ok(())
}

pub async fn category_chosen(turn: &mut Turn<'_>, id: i64) -> Handled {
    workflows::catalog::get(&mut *turn.pool().acquire().await?, id).await?;
    turn.session.filter.category_id = Some(id);
    list(turn, 1, false).await
}

pub async fn clear_filters(turn: &mut Turn<'_>) -> Handled {
    turn.session.filter = ListFilter::default();
    list(turn, 1, true).await
}

/// The procurement as this person may see it: drafts exist only for their organizer.
pub async fn visible(turn: &Turn<'_>, id: i64) -> Result<Procurement, Failure> {
    let p = procurement::get(&mut *turn.pool().acquire().await?, id).await?;
    if p.hidden_from(turn.actor()?) {
        return Err(DomainError::not_found("procurement", id).into());
    }
    Ok(p)
}

/// The person's live order in a procurement, if they have one.
pub async fn my_order(turn: &Turn<'_>, procurement_id: i64) -> Result<Option<Participant>, Failure> {
    let filter =
        ParticipantFilter { procurement_id: Some(procurement_id), user_id: Some(turn.user_id()?), status: None };
    let mut conn = turn.pool().acquire().await?;
    let orders = participant::list(&mut conn, &filter, PageRequest::new(None)).await?;
    Ok(orders.results.into_iter().find(|o| o.is_active))
}

/// The buttons an organizer has on their procurement in its current state.
fn organizer_rows(p: &Procurement, turn: &Turn<'_>) -> Vec<Vec<Button>> {
    use OrganizerAction::*;
    let actions: &[OrganizerAction] = match p.status {
        ProcurementStatus::Draft => &[Publish, Cancel],
        ProcurementStatus::Active => &[ConfirmParticipants, Stop, Cancel],
        ProcurementStatus::Stopped => &[ConfirmParticipants, RequestPayment, Cancel],
        ProcurementStatus::Payment => &[Complete, Cancel],
        ProcurementStatus::Completed | ProcurementStatus::Cancelled => &[],
    };
    actions
        .iter()
        .map(|&action| {
            vec![Button::callback(screens::organizer_action_label(action, turn.lang), Callback::Organize(action, p.id))]
        })
        .collect()
}

/// The procurement card with what this person can do on it.
pub async fn detail(turn: &mut Turn<'_>, id: i64, replace: bool) -> Handled {
    let p = visible(turn, id).await?;
    let order = my_order(turn, id).await?;
    let lang = turn.lang;
    let view = views::procurement(&p, Utc::now());
    let mut text = format_procurement_details(&view, lang);
    let mut kb = keyboard::procurement_detail(&view, order.is_some(), lang);
    if let Some(order) = &order {
        let quantity = crate::quantity::Quantity::from_hundredths(order.quantity.hundredths())
            .map(|q| q.display(lang))
            .unwrap_or_default();
        text.push_str(&format!(
            "\n\n{}: {quantity} {}, {} ({})",
            lang.pick("Ваш заказ", "Your order"),
            p.unit,
            format_money(order.amount.kopecks(), lang),
            screens::participant_status(&order.status.to_string(), lang)
        ));
        if p.status == ProcurementStatus::Payment && order.status == ParticipantStatus::Confirmed {
            let label = screens::pay_share_label(order.amount.kopecks(), lang);
            kb.buttons.insert(0, vec![Button::callback(label, Callback::PayShare(id))]);
        }
        if p.status != ProcurementStatus::Active {
            // leaving is possible only while collecting
            kb.buttons
                .retain(|row| !row.iter().any(|b| b.callback_data == Some(Callback::LeaveProcurement(id).data())));
        }
    }
    if turn.user_id()? == p.organizer_id {
        let at = kb.buttons.len().saturating_sub(2);
        for (offset, row) in organizer_rows(&p, turn).into_iter().enumerate() {
            kb.buttons.insert(at + offset, row);
        }
    }
    let reply = Reply::with_keyboard(text, kb);
    turn.show(reply, replace);
    Ok(())
}

pub async fn participants(turn: &mut Turn<'_>, id: i64) -> Handled {
    let p = visible(turn, id).await?;
    let list = participant::active_of_procurement(&mut *turn.pool().acquire().await?, id).await?;
    let lang = turn.lang;
    let mut text = screens::participants_header(&p.title, lang);
    if list.is_empty() {
        text.push_str(&format!("\n\n{}", screens::no_participants(lang)));
    }
    for (n, part) in list.iter().enumerate() {
        let quantity = crate::quantity::Quantity::from_hundredths(part.quantity.hundredths())
            .map(|q| q.display(lang))
            .unwrap_or_default();
        text.push_str(&format!(
            "\n{}. {} — {quantity} {}, {} ({})",
            n + 1,
            part.user_name,
            p.unit,
            format_money(part.amount.kopecks(), lang),
            screens::participant_status(&part.status.to_string(), lang)
        ));
    }
    let mut rows = Vec::new();
    let pending = list.iter().any(|part| part.status == ParticipantStatus::Pending);
    if turn.user_id()? == p.organizer_id && pending {
        let action = OrganizerAction::ConfirmParticipants;
        rows.push(vec![Button::callback(
            screens::organizer_action_label(action, lang),
            Callback::Organize(action, id),
        )]);
    }
    rows.push(vec![Button::callback(screens::back_to_card(lang), Callback::ViewProcurement(id))]);
    turn.say(Reply::with_keyboard(text, Keyboard::inline(rows)));
    Ok(())
}
