//! Where an input goes: the dialogue in progress, a command, or a button's screen.

use super::session::Dialog;
use super::turn::{Handled, Turn};
use super::{account, broadcasting, browse, inbox, orders, organizing, wallet};
use crate::callback::Callback;
use crate::command::{Command, ParsedCommand};
use crate::dialog::{Input, Step, create_procurement, deposit, join, registration, search};
use crate::reply::Reply;
use crate::texts::{common, screens};

pub async fn input(turn: &mut Turn<'_>, input: Input) -> Handled {
    if let Some(dialog) = turn.session.dialog.take() {
        let feeds = match &input {
            Input::Text(_) => true,
            Input::Callback(_) => dialog.takes_buttons(),
        };
        if feeds {
            return dialogue(turn, dialog, input).await;
        }
        // a button of another screen ends the dialogue and does what it says
    }
    match input {
        Input::Text(text) => match Command::parse(&text) {
            Some(parsed) => command(turn, parsed).await,
            None => {
                turn.say_with_menu(common::unknown_input(turn.lang));
                Ok(())
            }
        },
        Input::Callback(callback) => button(turn, callback).await,
    }
}

/// What became of a dialogue step that the runtime must still act on.
enum Settled<D> {
    Done(D),
    Command(ParsedCommand),
    Shown,
}

/// Keeps a continuing dialogue (and sends its prompt), or ends it.
fn settle<S, D>(turn: &mut Turn<'_>, step: Step<S, D>, keep: fn(S) -> Dialog) -> Settled<D> {
    match step {
        Step::Continue { state, reply } => {
            turn.session.dialog = Some(keep(state));
            turn.say(reply);
            Settled::Shown
        }
        Step::Done(done) => Settled::Done(done),
        Step::Cancelled(reply) => {
            turn.say_with_menu(reply.text);
            Settled::Shown
        }
        Step::Interrupted(parsed) => Settled::Command(parsed),
    }
}

/// The runtime's own dialogues treat commands as the core's do: /cancel cancels, others interrupt.
fn intercept(turn: &mut Turn<'_>, input: &Input) -> Option<Settled<()>> {
    let Input::Text(text) = input else { return None };
    let parsed = Command::parse(text)?;
    if parsed.command == Command::Cancel {
        turn.say_with_menu(common::cancelled(turn.lang));
        return Some(Settled::Shown);
    }
    Some(Settled::Command(parsed))
}

/// Runs a settled core dialogue step: on `Done`, `$finish(turn, done)`.
macro_rules! core_step {
    ($turn:expr, $step:expr, $keep:expr, $finish:expr) => {
        match settle($turn, $step, $keep) {
            Settled::Done(done) => $finish($turn, done).await,
            Settled::Command(parsed) => Box::pin(command($turn, parsed)).await,
            Settled::Shown => Ok(()),
        }
    };
}

async fn dialogue(turn: &mut Turn<'_>, dialog: Dialog, input: Input) -> Handled {
    let ctx = turn.dialog_ctx();
    match dialog {
        Dialog::Registration(s) => {
            core_step!(turn, registration::step(s, &input, &ctx), Dialog::Registration, account::register)
        }
        Dialog::Search(s) => core_step!(turn, search::step(s, &input, &ctx), Dialog::Search, browse::searched),
        Dialog::Deposit(s) => core_step!(turn, deposit::step(s, &input, &ctx), Dialog::Deposit, wallet::custom_amount),
        Dialog::Join(s) => core_step!(turn, join::step(s, &input, &ctx), Dialog::Join, orders::confirm_join),
        Dialog::CreateProcurement(s) => {
            core_step!(turn, create_procurement::step(s, &input, &ctx), Dialog::CreateProcurement, organizing::confirm)
        }
        own => own_dialogue(turn, own, input).await,
    }
}

/// The runtime's short dialogues: one typed answer or one confirmation button.
async fn own_dialogue(turn: &mut Turn<'_>, dialog: Dialog, input: Input) -> Handled {
    match intercept(turn, &input) {
        Some(Settled::Command(parsed)) => return Box::pin(command(turn, parsed)).await,
        Some(_) => return Ok(()),
        None => {}
    }
    match (dialog, input) {
        (Dialog::JoinConfirm(request), Input::Callback(Callback::ConfirmJoin(id))) if id == request.procurement_id => {
            orders::join(turn, request).await
        }
        (Dialog::CreateConfirm(draft), Input::Callback(Callback::ConfirmCreate)) => {
            organizing::create(turn, draft).await
        }
        (Dialog::BroadcastConfirm(draft), Input::Callback(Callback::ConfirmBroadcast)) => {
            broadcasting::send(turn, draft).await
        }
        (_, Input::Callback(callback)) => button(turn, callback).await,
        (Dialog::JoinConfirm(request), Input::Text(_)) => orders::confirm_join(turn, request).await,
        (Dialog::CreateConfirm(draft), Input::Text(_)) => organizing::confirm(turn, draft).await,
        (Dialog::Inn { amount, sbp }, Input::Text(text)) => wallet::inn_given(turn, amount, sbp, &text).await,
        (Dialog::EditPhone, Input::Text(text)) => account::phone_given(turn, &text).await,
        (Dialog::EditEmail, Input::Text(text)) => account::email_given(turn, &text).await,
        (Dialog::FilterCity, Input::Text(text)) => browse::city_given(turn, &text).await,
        (Dialog::BroadcastTarget, Input::Text(text)) => {
            let (target, rest) = text.trim().split_once(char::is_whitespace).unwrap_or((text.trim(), ""));
            broadcasting::target_given(turn, target, rest.trim())
        }
        (Dialog::BroadcastText(draft), Input::Text(text)) => broadcasting::text_given(turn, draft, &text),
        (Dialog::BroadcastConfirm(draft), Input::Text(_)) => {
            let text = draft.text.clone();
            broadcasting::text_given(turn, draft, &text)
        }
        // the core's dialogues never reach here
        (other, Input::Text(_)) => {
            tracing::warn!(?other, "dialogue without a handler dropped");
            turn.say_with_menu(common::unknown_input(turn.lang));
            Ok(())
        }
    }
}

pub async fn command(turn: &mut Turn<'_>, parsed: ParsedCommand) -> Handled {
    match parsed.command {
        Command::Start => return account::start(turn).await,
        Command::Help => {
            turn.say_with_menu(common::help(turn.lang));
            return Ok(());
        }
        Command::Cancel => {
            turn.say_with_menu(screens::nothing_to_cancel(turn.lang));
            return Ok(());
        }
        _ => {}
    }
    turn.user()?;
    match parsed.command {
        Command::Profile => account::profile(turn).await,
        Command::Balance => wallet::balance(turn, false).await,
        Command::Deposit => wallet::amounts(turn),
        Command::Transactions => wallet::transactions(turn).await,
        Command::Notifications => inbox::notifications(turn, false).await,
        Command::Procurements => browse::fresh_list(turn).await,
        Command::Search => browse::search(turn, &parsed.args).await,
        Command::MyProcurements => orders::mine(turn, false).await,
        Command::CreateProcurement => organizing::start(turn).await,
        Command::Chat => inbox::chats(turn, false).await,
        Command::Broadcast => broadcasting::start(turn, &parsed.args).await,
        Command::Start | Command::Help | Command::Cancel => Ok(()),
    }
}

async fn button(turn: &mut Turn<'_>, callback: Callback) -> Handled {
    turn.user()?;
    match callback {
        Callback::ViewProcurement(id) => browse::detail(turn, id, false).await,
        Callback::RefreshProcurement(id) => browse::detail(turn, id, true).await,
        Callback::Participants(id) => browse::participants(turn, id).await,
        Callback::BackToProcurements => browse::list(turn, 1, false).await,
        Callback::ListPage(page) => browse::list(turn, page, true).await,
        Callback::FilterCity => browse::ask_city(turn),
        Callback::FilterCategory => browse::categories(turn).await,
        Callback::Category(id) => browse::category_chosen(turn, id).await,
        Callback::ClearFilters => browse::clear_filters(turn).await,
        Callback::SearchProcurement => browse::search(turn, "").await,
        Callback::JoinProcurement(id) => orders::start_join(turn, id).await,
        Callback::LeaveProcurement(id) => orders::ask_leave(turn, id),
        Callback::ConfirmLeave(id) => orders::leave(turn, id).await,
        Callback::PayShare(id) => orders::pay(turn, id).await,
        Callback::RefreshMyProcurements | Callback::ProcurementStats => orders::mine(turn, true).await,
        Callback::Organize(action, id) => organizing::act(turn, action, id).await,
        Callback::ChooseRole(role) => account::role_chosen(turn, role).await,
        Callback::EditPhone => account::ask_phone(turn),
        Callback::EditEmail => account::ask_email(turn),
        Callback::ChangeRole => account::ask_role(turn),
        Callback::DepositOptions => wallet::amounts(turn),
        Callback::Deposit { rubles } => wallet::methods(turn, rubles.saturating_mul(100)).await,
        Callback::DepositCustom => wallet::ask_custom(turn),
        Callback::DepositTransfer(kopecks) => wallet::start(turn, kopecks, false, None).await,
        Callback::DepositSbp(kopecks) => wallet::start(turn, kopecks, true, None).await,
        Callback::CheckPayment(id) => wallet::check(turn, id).await,
        Callback::PaymentHistory => wallet::transactions(turn).await,
        Callback::RefreshBalance => wallet::balance(turn, true).await,
        Callback::ProcurementChat(id) | Callback::EnterChat(id) => inbox::room(turn, id, false).await,
        Callback::RefreshChat(id) => inbox::room(turn, id, true).await,
        Callback::BackToChatList => inbox::chats(turn, true).await,
        Callback::NotificationsMarkRead => inbox::mark_read(turn).await,
        Callback::NotificationsAll => inbox::notifications(turn, true).await,
        // a confirmation whose dialogue is over (expired or already answered)
        Callback::ToggleMessengerNotifications => account::toggle_messenger_notifications(turn).await,
        Callback::ConfirmJoin(_) | Callback::ConfirmCreate | Callback::ConfirmBroadcast | Callback::Skip => {
            turn.notice = Some(common::stale_button(turn.lang).to_string());
            turn.say(Reply::text(common::stale_button(turn.lang)));
            Ok(())
        }
        Callback::Dismiss => {
            turn.say_with_menu(common::cancelled(turn.lang));
            Ok(())
        }
    }
}
