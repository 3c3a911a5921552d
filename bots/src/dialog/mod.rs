//! Multi-step dialogs as pure state machines.
//!
//! Each dialog is `step(state, input, ctx) -> Step`: no I/O, no clock, no
//! platform. States are serde types so the runtime can keep them in the
//! user's session between messages; a finished dialog hands back typed data
//! (`Done`) and the runtime performs the API call and reports its outcome.

pub mod create_procurement;
pub mod deposit;
pub mod join;
pub mod registration;
pub mod search;

use chrono::NaiveDate;

use crate::callback::Callback;
use crate::command::{Command, ParsedCommand};
use crate::lang::Lang;
use crate::reply::Reply;
use crate::texts::common;

/// One user action fed into a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(String),
    Callback(Callback),
}

impl Input {
    pub fn text(text: impl Into<String>) -> Self {
        Input::Text(text.into())
    }
}

/// What a step may depend on besides the state. `today` is passed in (in the
/// platform's time zone) so deadline checks are deterministic and testable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    pub lang: Lang,
    pub today: NaiveDate,
}

/// The result of feeding one input to a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<S, D> {
    /// Still collecting: keep `state`, send `reply` (a prompt or an error).
    Continue { state: S, reply: Reply },
    /// All answers collected and valid.
    Done(D),
    /// The user cancelled; drop the state and send `reply`.
    Cancelled(Reply),
    /// The user sent another command (slash or menu button) mid-dialog: drop
    /// the state and run that command, instead of taking "/help" as a name.
    Interrupted(ParsedCommand),
}

impl<S, D> Step<S, D> {
    pub(crate) fn ask(state: S, reply: Reply) -> Self {
        Step::Continue { state, reply }
    }
}

/// Handles what every dialog treats the same way: cancel and other commands.
pub(crate) fn intercept<S, D>(input: &Input, lang: Lang) -> Option<Step<S, D>> {
    let Input::Text(text) = input else {
        return None;
    };
    let parsed = Command::parse(text)?;
    Some(if parsed.command == Command::Cancel {
        Step::Cancelled(Reply::text(common::cancelled(lang)))
    } else {
        Step::Interrupted(parsed)
    })
}

/// The number of characters (not bytes) in trimmed input, for length rules.
pub(crate) fn char_len(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn ctx() -> Ctx {
        Ctx { lang: Lang::Ru, today: NaiveDate::from_ymd_opt(2026, 6, 15).unwrap() }
    }

    pub fn text(s: &str) -> Input {
        Input::text(s)
    }

    /// Unwraps a `Continue`, failing the test on anything else.
    pub fn cont<S: std::fmt::Debug, D: std::fmt::Debug>(step: Step<S, D>) -> (S, Reply) {
        match step {
            Step::Continue { state, reply } => (state, reply),
            other => panic!("expected Continue, got {other:?}"),
        }
    }

    pub fn done<S: std::fmt::Debug, D: std::fmt::Debug>(step: Step<S, D>) -> D {
        match step {
            Step::Done(d) => d,
            other => panic!("expected Done, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_words_cancel() {
        for word in ["/cancel", "Отмена", "cancel"] {
            let step: Option<Step<(), ()>> = intercept(&Input::text(word), Lang::Ru);
            assert_eq!(step, Some(Step::Cancelled(Reply::text("Действие отменено."))));
        }
    }

    #[test]
    fn other_commands_interrupt() {
        let step: Option<Step<(), ()>> = intercept(&Input::text("/help"), Lang::Ru);
        match step {
            Some(Step::Interrupted(p)) => assert_eq!(p.command, Command::Help),
            other => panic!("{other:?}"),
        }
        let menu: Option<Step<(), ()>> = intercept(&Input::text("📦 Закупки"), Lang::Ru);
        assert!(matches!(menu, Some(Step::Interrupted(_))));
    }

    #[test]
    fn ordinary_input_passes_through() {
        let plain: Option<Step<(), ()>> = intercept(&Input::text("Иван"), Lang::Ru);
        assert!(plain.is_none());
        let button: Option<Step<(), ()>> = intercept(&Input::Callback(Callback::Skip), Lang::Ru);
        assert!(button.is_none());
    }
}
