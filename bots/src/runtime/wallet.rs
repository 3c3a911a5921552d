//! Money: the balance, its movements, and deposits (amount → way to pay → requisites, the
//! sandbox payment page or an SBP QR code → a status check).

use workflows::ledger::{self, TransactionFilter};
use workflows::page::PageRequest;
use workflows::payments::{self, DepositMethod, NewDeposit};
use workflows::{DomainError, Money};

use super::session::Dialog;
use super::turn::{Handled, Turn};
use crate::callback::Callback;
use crate::dialog::deposit::{self, DepositRequest, MAX_DEPOSIT, MIN_DEPOSIT};
use crate::keyboard::{self, Button, Keyboard};
use crate::reply::Reply;
use crate::texts::labels::Label;
use crate::texts::screens::{self, RequisitesView};
use crate::texts::{format_money, payment as t};

/// How many movements /transactions lists.
const RECENT_TRANSACTIONS: usize = 10;

pub async fn balance(turn: &mut Turn<'_>, replace: bool) -> Handled {
    let uid = turn.user_id()?;
    let s = ledger::summary_of(&mut *turn.pool().acquire().await?, uid).await?;
    let text = screens::balance(
        s.available().kopecks(),
        s.total_deposited.kopecks(),
        s.total_spent.kopecks(),
        s.total_refunded.kopecks(),
        turn.lang,
    );
    let reply = Reply::with_keyboard(text, keyboard::balance(turn.lang));
    turn.show(reply, replace);
    Ok(())
}

pub async fn transactions(turn: &mut Turn<'_>) -> Handled {
    let filter = TransactionFilter { user_id: Some(turn.user_id()?), transaction_type: None };
    let page = ledger::transactions_of(&mut *turn.pool().acquire().await?, &filter, PageRequest::new(None)).await?;
    let lang = turn.lang;
    if page.results.is_empty() {
        turn.say(Reply::text(screens::no_transactions(lang)));
        return Ok(());
    }
    let mut lines = vec![screens::transactions_header(page.count, lang)];
    for tx in page.results.iter().take(RECENT_TRANSACTIONS) {
        let sign = if tx.amount.kopecks() > 0 { "+" } else { "" };
        lines.push(format!(
            "{} {}: {sign}{} → {}",
            tx.created_at.format(lang.pick("%d.%m.%Y", "%Y-%m-%d")),
            screens::transaction_kind(&tx.transaction_type.to_string(), lang),
            format_money(tx.amount.kopecks(), lang),
            format_money(tx.balance_after.kopecks(), lang)
        ));
    }
    turn.say(Reply::text(lines.join("\n")));
    Ok(())
}

/// /deposit: the preset amounts and "custom amount".
pub fn amounts(turn: &mut Turn<'_>) -> Handled {
    turn.say(Reply::with_keyboard(t::choose_deposit_amount(turn.lang), keyboard::deposit_amounts(turn.lang)));
    Ok(())
}

pub fn ask_custom(turn: &mut Turn<'_>) -> Handled {
    let (state, reply) = deposit::start(&turn.dialog_ctx());
    turn.session.dialog = Some(Dialog::Deposit(state));
    turn.say(reply);
    Ok(())
}

pub async fn custom_amount(turn: &mut Turn<'_>, request: DepositRequest) -> Handled {
    methods(turn, request.amount).await
}

/// The ways to pay `amount`: SBP is offered when the bank can make QR codes.
pub async fn methods(turn: &mut Turn<'_>, amount: i64) -> Handled {
    if turn.inner.settings.bank.is_none() {
        return start(turn, amount, false, None).await;
    }
    let [transfer, sbp] = screens::method_labels(turn.lang);
    let kb = Keyboard::inline(vec![
        vec![Button::callback(transfer, Callback::DepositTransfer(amount))],
        vec![Button::callback(sbp, Callback::DepositSbp(amount))],
    ]);
    turn.say(Reply::with_keyboard(screens::choose_payment_method(amount, turn.lang), kb));
    Ok(())
}

/// Starts the deposit; the bank's first deposit of a person needs their INN, asked for here.
pub async fn start(turn: &mut Turn<'_>, amount: i64, sbp: bool, inn: Option<String>) -> Handled {
    let lang = turn.lang;
    // the amount comes from a button, which anyone can forge: the dialogue's limits hold
    if amount < MIN_DEPOSIT {
        turn.say(Reply::text(t::amount_too_small(MIN_DEPOSIT, lang)));
        return Ok(());
    }
    if amount > MAX_DEPOSIT {
        turn.say(Reply::text(t::amount_too_large(MAX_DEPOSIT, lang)));
        return Ok(());
    }
    let settings = &turn.inner.settings;
    let method = if sbp { DepositMethod::Sbp } else { DepositMethod::Transfer };
    let new = NewDeposit { user_id: turn.user_id()?, amount: Money::from_kopecks(amount), description: None, inn };
    let started = payments::start_deposit(turn.pool(), &settings.pay_into, settings.bank.as_deref(), new, method).await;
    let (deposit, qr) = match started {
        Ok(started) => started,
        Err(DomainError::Invalid { field: "inn", .. }) => {
            turn.session.dialog = Some(Dialog::Inn { amount, sbp });
            turn.say(Reply::text(screens::ask_inn(lang)));
            return Ok(());
        }
        Err(DomainError::Unavailable { .. }) if sbp => {
            // the bank cannot make a QR code now: a transfer always works
            turn.say(Reply::text(screens::sbp_unavailable(lang)));
            return Box::pin(start(turn, amount, false, None)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let check = vec![Button::callback(Label::CheckStatus.text(lang), Callback::CheckPayment(deposit.id))];
    if let Some(qr) = qr {
        turn.say(Reply::with_keyboard(
            screens::sbp_qr(amount, lang),
            keyboard::payment_link(&qr.url, deposit.id, lang),
        ));
        return Ok(());
    }
    let requisites = payments::requisites(&settings.pay_into, &deposit);
    let view = RequisitesView {
        amount,
        recipient_name: &requisites.recipient_name,
        account: &requisites.recipient_account,
        bic: &requisites.bic,
        bank_name: &requisites.bank_name,
        purpose: &requisites.purpose,
    };
    let text = screens::requisites(&view, lang);
    let kb = if deposit.confirmation_url.is_empty() {
        Keyboard::inline(vec![check])
    } else {
        // the sandbox bank's page, where the transfer is simulated
        keyboard::payment_link(&deposit.confirmation_url, deposit.id, lang)
    };
    turn.say(Reply::with_keyboard(text, kb));
    Ok(())
}

pub async fn inn_given(turn: &mut Turn<'_>, amount: i64, sbp: bool, text: &str) -> Handled {
    let inn = text.trim();
    if !workflows::users::inn::is_valid(inn) {
        turn.session.dialog = Some(Dialog::Inn { amount, sbp });
        turn.say(Reply::text(screens::invalid_inn(turn.lang)));
        return Ok(());
    }
    start(turn, amount, sbp, Some(inn.to_string())).await
}

/// "Check payment": the deposit's status as reconciliation left it.
pub async fn check(turn: &mut Turn<'_>, payment_id: i64) -> Handled {
    let lang = turn.lang;
    let found = payments::get(&mut *turn.pool().acquire().await?, payment_id).await;
    let payment = match found {
        Ok(p) if p.user_id == turn.user_id()? => p,
        Ok(_) | Err(DomainError::NotFound { .. }) => {
            turn.say(Reply::text(screens::payment_not_found(lang)));
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let reply = match payment.status.as_str() {
        "succeeded" => Reply::text(t::payment_confirmed(lang)),
        "pending" | "waiting_for_capture" => Reply::with_keyboard(
            t::payment_pending(lang),
            Keyboard::inline(vec![vec![Button::callback(
                Label::CheckStatus.text(lang),
                Callback::CheckPayment(payment.id),
            )]]),
        ),
        _ => Reply::text(t::payment_failed(lang)),
    };
    turn.notice = Some(reply.text.clone());
    turn.say(reply);
    Ok(())
}
