//! Slash commands and main-menu buttons, recognised as one `Command`.
//!
//! A reply-keyboard press arrives as ordinary text ("📦 Закупки"), so menu
//! labels in either language map to the same commands as `/procurements`.

use crate::lang::Lang;
use crate::texts::labels::{Label, normalize_label};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Start,
    Help,
    Profile,
    Balance,
    Deposit,
    Procurements,
    MyProcurements,
    Search,
    CreateProcurement,
    Chat,
    Transactions,
    Notifications,
    Broadcast,
    /// Leaves the current dialog; not in the original, whose dialogs could
    /// only be escaped by finishing them.
    Cancel,
}

/// A recognised command and whatever followed it ("/search мёд" → "мёд").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCommand {
    pub command: Command,
    pub args: String,
}

/// Menu buttons and the command each one runs. "My supplies" opens the same
/// list as "My orders": a supplier's supplies are the procurements they serve.
const MENU: [(Label, Command); 9] = [
    (Label::Procurements, Command::Procurements),
    (Label::MyOrders, Command::MyProcurements),
    (Label::MySupplies, Command::MyProcurements),
    (Label::CreateProcurement, Command::CreateProcurement),
    (Label::Profile, Command::Profile),
    (Label::Balance, Command::Balance),
    (Label::Chat, Command::Chat),
    (Label::Help, Command::Help),
    (Label::Cancel, Command::Cancel),
];

impl Command {
    /// In the order /help lists them.
    pub const ALL: [Command; 14] = [
        Command::Start,
        Command::Profile,
        Command::Balance,
        Command::Deposit,
        Command::Transactions,
        Command::Notifications,
        Command::Procurements,
        Command::MyProcurements,
        Command::Search,
        Command::CreateProcurement,
        Command::Chat,
        Command::Broadcast,
        Command::Cancel,
        Command::Help,
    ];

    /// The name after the slash.
    pub fn name(self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Help => "help",
            Command::Profile => "profile",
            Command::Balance => "balance",
            Command::Deposit => "deposit",
            Command::Procurements => "procurements",
            Command::MyProcurements => "my_procurements",
            Command::Search => "search",
            Command::CreateProcurement => "create_procurement",
            Command::Chat => "chat",
            Command::Transactions => "transactions",
            Command::Notifications => "notifications",
            Command::Broadcast => "broadcast",
            Command::Cancel => "cancel",
        }
    }

    /// Recognises "/cmd", "/cmd@SomeBot args" or a main-menu label in either language.
    pub fn parse(text: &str) -> Option<ParsedCommand> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix('/') {
            let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            // Telegram appends "@BotName" to commands in groups
            let name = head.split('@').next().unwrap_or(head);
            let command = Command::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(name))?;
            return Some(ParsedCommand { command, args: args.trim().to_string() });
        }
        Command::from_menu_text(text).map(|command| ParsedCommand { command, args: String::new() })
    }

    fn from_menu_text(text: &str) -> Option<Command> {
        let typed = normalize_label(text);
        if typed.is_empty() {
            return None;
        }
        MENU.into_iter()
            .find(|(label, _)| [Lang::Ru, Lang::En].into_iter().any(|lang| normalize_label(label.text(lang)) == typed))
            .map(|(_, command)| command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(text: &str) -> Option<Command> {
        Command::parse(text).map(|p| p.command)
    }

    #[test]
    fn every_slash_command_parses() {
        for c in Command::ALL {
            assert_eq!(cmd(&format!("/{}", c.name())), Some(c));
        }
        assert_eq!(cmd("/my_procurements"), Some(Command::MyProcurements));
        assert_eq!(cmd("/create_procurement"), Some(Command::CreateProcurement));
    }

    #[test]
    fn bot_suffix_case_and_args() {
        assert_eq!(cmd("/start@GroupBuyBot"), Some(Command::Start));
        assert_eq!(cmd("  /HELP  "), Some(Command::Help));
        let parsed = Command::parse("/search  свежий мёд ").unwrap();
        assert_eq!(parsed.command, Command::Search);
        assert_eq!(parsed.args, "свежий мёд");
        assert_eq!(Command::parse("/start ref_42").unwrap().args, "ref_42");
    }

    #[test]
    fn unknown_or_plain_text_is_not_a_command() {
        assert_eq!(cmd("/unknown"), None);
        assert_eq!(cmd("/"), None);
        assert_eq!(cmd("/start_now"), None);
        assert_eq!(cmd("привет"), None);
        assert_eq!(cmd(""), None);
        assert_eq!(cmd("📦"), None);
        assert_eq!(cmd("Закупки мёда"), None);
    }

    #[test]
    fn menu_labels_in_both_languages() {
        for lang in [Lang::Ru, Lang::En] {
            for (label, command) in MENU {
                assert_eq!(cmd(label.text(lang)), Some(command), "{}", label.text(lang));
            }
        }
        assert_eq!(cmd("📦 Закупки"), Some(Command::Procurements));
        assert_eq!(cmd("My Orders"), Some(Command::MyProcurements));
        assert_eq!(cmd("помощь"), Some(Command::Help));
        assert_eq!(cmd("Отмена"), Some(Command::Cancel));
        assert_eq!(cmd("cancel"), Some(Command::Cancel));
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in Command::ALL.iter().enumerate() {
            assert!(Command::ALL[i + 1..].iter().all(|b| a.name() != b.name()));
        }
    }
}
