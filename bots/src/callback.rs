//! Button callback data as a typed enum.
//!
//! Buttons carry short strings (`view_proc_42`); the original bot matched
//! them with ad-hoc prefixes. Here every string has one variant, rendering and
//! parsing live side by side, and unknown data is an error for the caller to
//! answer politely (old buttons in a chat history outlive any release).

use std::fmt;
use std::str::FromStr;

use crate::model::Role;

/// Telegram rejects callback_data longer than this many bytes (VK allows 255).
pub const MAX_CALLBACK_LEN: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Callback {
    // procurement browsing
    ViewProcurement(i64),
    JoinProcurement(i64),
    LeaveProcurement(i64),
    ConfirmLeave(i64),
    ProcurementChat(i64),
    Participants(i64),
    RefreshProcurement(i64),
    BackToProcurements,
    FilterCity,
    FilterCategory,
    SearchProcurement,
    Category(i64),
    RefreshMyProcurements,
    ProcurementStats,
    // registration and profile
    ChooseRole(Role),
    EditPhone,
    EditEmail,
    ChangeRole,
    // balance and payments; deposit presets are whole roubles, as in the original
    DepositOptions,
    Deposit {
        rubles: i64,
    },
    DepositCustom,
    CheckPayment(i64),
    PaymentHistory,
    RefreshBalance,
    // chats
    EnterChat(i64),
    RefreshChat(i64),
    BackToChatList,
    // notifications
    NotificationsMarkRead,
    NotificationsAll,
    /// Skips an optional dialog step (email, category).
    Skip,
    // added with the runtime: the screens the original lacked
    /// Another page of the procurement list (under the filters chosen so far).
    ListPage(i64),
    /// Drops the city, category and search filters of the list.
    ClearFilters,
    /// Joins with the quantity just typed, after the amount was shown.
    ConfirmJoin(i64),
    /// Pays the person's share of a procurement in its payment phase.
    PayShare(i64),
    /// Saves the procurement whose summary was just shown.
    ConfirmCreate,
    /// Starts a deposit of this many kopecks, paid by bank transfer.
    DepositTransfer(i64),
    /// Starts a deposit of this many kopecks, paid by an SBP QR code.
    DepositSbp(i64),
    /// An organizer's action on their procurement.
    Organize(OrganizerAction, i64),
    /// Drops the dialogue in progress (the "Cancel" under a confirmation).
    Dismiss,
    /// Turns notifications in this messenger on or off (from the profile).
    ToggleMessengerNotifications,
    /// Sends the broadcast whose summary was just shown.
    ConfirmBroadcast,
}

/// What an organizer does to their procurement from its card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrganizerAction {
    Publish,
    ConfirmParticipants,
    Stop,
    RequestPayment,
    Complete,
    Cancel,
}

/// Data that matches no known button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCallback(pub String);

impl fmt::Display for UnknownCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown callback data {:?}", self.0)
    }
}

impl std::error::Error for UnknownCallback {}

/// Buttons without a parameter.
const FIXED: [(&str, Callback); 25] = [
    ("back_to_procurements", Callback::BackToProcurements),
    ("filter_city", Callback::FilterCity),
    ("filter_category", Callback::FilterCategory),
    ("search_procurement", Callback::SearchProcurement),
    ("refresh_my_procurements", Callback::RefreshMyProcurements),
    ("procurement_stats", Callback::ProcurementStats),
    ("role_buyer", Callback::ChooseRole(Role::Buyer)),
    ("role_organizer", Callback::ChooseRole(Role::Organizer)),
    ("role_supplier", Callback::ChooseRole(Role::Supplier)),
    ("edit_phone", Callback::EditPhone),
    ("edit_email", Callback::EditEmail),
    ("change_role", Callback::ChangeRole),
    ("deposit_options", Callback::DepositOptions),
    ("deposit_custom", Callback::DepositCustom),
    ("payment_history", Callback::PaymentHistory),
    ("refresh_balance", Callback::RefreshBalance),
    ("back_to_chat_list", Callback::BackToChatList),
    ("notifications_mark_read", Callback::NotificationsMarkRead),
    ("notifications_all", Callback::NotificationsAll),
    ("skip", Callback::Skip),
    ("clear_filters", Callback::ClearFilters),
    ("confirm_create", Callback::ConfirmCreate),
    ("dismiss", Callback::Dismiss),
    ("toggle_messenger_notifications", Callback::ToggleMessengerNotifications),
    ("confirm_broadcast", Callback::ConfirmBroadcast),
];

/// Builds a variant from the id that follows its prefix.
type FromId = fn(i64) -> Callback;

/// Buttons that carry one numeric id after a prefix.
const WITH_ID: [(&str, FromId); 22] = [
    ("view_proc_", Callback::ViewProcurement),
    ("join_proc_", Callback::JoinProcurement),
    ("leave_proc_", Callback::LeaveProcurement),
    ("confirm_leave_", Callback::ConfirmLeave),
    ("chat_", Callback::ProcurementChat),
    ("participants_", Callback::Participants),
    ("refresh_proc_", Callback::RefreshProcurement),
    ("category_", Callback::Category),
    ("check_payment_", Callback::CheckPayment),
    ("enter_chat_", Callback::EnterChat),
    ("refresh_chat_", Callback::RefreshChat),
    ("list_page_", Callback::ListPage),
    ("confirm_join_", Callback::ConfirmJoin),
    ("pay_share_", Callback::PayShare),
    ("dep_transfer_", Callback::DepositTransfer),
    ("dep_sbp_", Callback::DepositSbp),
    ("org_publish_", |id| Callback::Organize(OrganizerAction::Publish, id)),
    ("org_confirm_", |id| Callback::Organize(OrganizerAction::ConfirmParticipants, id)),
    ("org_stop_", |id| Callback::Organize(OrganizerAction::Stop, id)),
    ("org_payment_", |id| Callback::Organize(OrganizerAction::RequestPayment, id)),
    ("org_complete_", |id| Callback::Organize(OrganizerAction::Complete, id)),
    ("org_cancel_", |id| Callback::Organize(OrganizerAction::Cancel, id)),
];

/// A non-negative decimal id with no sign, spaces or other decoration.
fn parse_id(digits: &str) -> Option<i64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl Callback {
    /// The string put into the button.
    pub fn data(&self) -> String {
        self.to_string()
    }

    /// Deposit preset amount in kopecks, if this is a deposit preset.
    pub fn deposit_kopecks(&self) -> Option<i64> {
        match self {
            Callback::Deposit { rubles } => rubles.checked_mul(100),
            _ => None,
        }
    }
}

impl FromStr for Callback {
    type Err = UnknownCallback;

    fn from_str(data: &str) -> Result<Self, Self::Err> {
        if let Some((_, cb)) = FIXED.iter().find(|(name, _)| *name == data) {
            return Ok(*cb);
        }
        for (prefix, make) in WITH_ID {
            if let Some(id) = data.strip_prefix(prefix).and_then(parse_id) {
                return Ok(make(id));
            }
        }
        // "deposit_" is checked last so "deposit_custom" above wins
        if let Some(rubles) = data.strip_prefix("deposit_").and_then(parse_id)
            && rubles > 0
            && rubles.checked_mul(100).is_some()
        {
            return Ok(Callback::Deposit { rubles });
        }
        Err(UnknownCallback(data.to_string()))
    }
}

impl fmt::Display for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Callback::ViewProcurement(id) => write!(f, "view_proc_{id}"),
            Callback::JoinProcurement(id) => write!(f, "join_proc_{id}"),
            Callback::LeaveProcurement(id) => write!(f, "leave_proc_{id}"),
            Callback::ConfirmLeave(id) => write!(f, "confirm_leave_{id}"),
            Callback::ProcurementChat(id) => write!(f, "chat_{id}"),
            Callback::Participants(id) => write!(f, "participants_{id}"),
            Callback::RefreshProcurement(id) => write!(f, "refresh_proc_{id}"),
            Callback::Category(id) => write!(f, "category_{id}"),
            Callback::CheckPayment(id) => write!(f, "check_payment_{id}"),
            Callback::EnterChat(id) => write!(f, "enter_chat_{id}"),
            Callback::RefreshChat(id) => write!(f, "refresh_chat_{id}"),
            Callback::Deposit { rubles } => write!(f, "deposit_{rubles}"),
            Callback::ListPage(n) => write!(f, "list_page_{n}"),
            Callback::ConfirmJoin(id) => write!(f, "confirm_join_{id}"),
            Callback::PayShare(id) => write!(f, "pay_share_{id}"),
            Callback::DepositTransfer(k) => write!(f, "dep_transfer_{k}"),
            Callback::DepositSbp(k) => write!(f, "dep_sbp_{k}"),
            Callback::Organize(action, id) => {
                let prefix = match action {
                    OrganizerAction::Publish => "org_publish_",
                    OrganizerAction::ConfirmParticipants => "org_confirm_",
                    OrganizerAction::Stop => "org_stop_",
                    OrganizerAction::RequestPayment => "org_payment_",
                    OrganizerAction::Complete => "org_complete_",
                    OrganizerAction::Cancel => "org_cancel_",
                };
                write!(f, "{prefix}{id}")
            }
            fixed => {
                let name = FIXED.iter().find(|(_, cb)| cb == fixed).map(|(name, _)| *name).unwrap_or_default();
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One value of every variant. The match makes adding a variant without
    /// extending this list a compile error.
    fn samples() -> Vec<Callback> {
        let all = vec![
            Callback::ViewProcurement(1),
            Callback::JoinProcurement(22),
            Callback::LeaveProcurement(333),
            Callback::ConfirmLeave(4),
            Callback::ProcurementChat(5),
            Callback::Participants(6),
            Callback::RefreshProcurement(7),
            Callback::BackToProcurements,
            Callback::FilterCity,
            Callback::FilterCategory,
            Callback::SearchProcurement,
            Callback::Category(8),
            Callback::RefreshMyProcurements,
            Callback::ProcurementStats,
            Callback::ChooseRole(Role::Buyer),
            Callback::ChooseRole(Role::Organizer),
            Callback::ChooseRole(Role::Supplier),
            Callback::EditPhone,
            Callback::EditEmail,
            Callback::ChangeRole,
            Callback::DepositOptions,
            Callback::Deposit { rubles: 500 },
            Callback::DepositCustom,
            Callback::CheckPayment(9),
            Callback::PaymentHistory,
            Callback::RefreshBalance,
            Callback::EnterChat(10),
            Callback::RefreshChat(11),
            Callback::BackToChatList,
            Callback::NotificationsMarkRead,
            Callback::NotificationsAll,
            Callback::Skip,
            Callback::ListPage(2),
            Callback::ClearFilters,
            Callback::ConfirmJoin(12),
            Callback::PayShare(13),
            Callback::ConfirmCreate,
            Callback::DepositTransfer(150_050),
            Callback::DepositSbp(10_000),
            Callback::Organize(OrganizerAction::Publish, 14),
            Callback::Organize(OrganizerAction::ConfirmParticipants, 15),
            Callback::Organize(OrganizerAction::Stop, 16),
            Callback::Organize(OrganizerAction::RequestPayment, 17),
            Callback::Organize(OrganizerAction::Complete, 18),
            Callback::Organize(OrganizerAction::Cancel, 19),
            Callback::Dismiss,
            Callback::ToggleMessengerNotifications,
            Callback::ConfirmBroadcast,
        ];
        for cb in &all {
            match cb {
                Callback::ViewProcurement(_)
                | Callback::JoinProcurement(_)
                | Callback::LeaveProcurement(_)
                | Callback::ConfirmLeave(_)
                | Callback::ProcurementChat(_)
                | Callback::Participants(_)
                | Callback::RefreshProcurement(_)
                | Callback::BackToProcurements
                | Callback::FilterCity
                | Callback::FilterCategory
                | Callback::SearchProcurement
                | Callback::Category(_)
                | Callback::RefreshMyProcurements
                | Callback::ProcurementStats
                | Callback::ChooseRole(_)
                | Callback::EditPhone
                | Callback::EditEmail
                | Callback::ChangeRole
                | Callback::DepositOptions
                | Callback::Deposit { .. }
                | Callback::DepositCustom
                | Callback::CheckPayment(_)
                | Callback::PaymentHistory
                | Callback::RefreshBalance
                | Callback::EnterChat(_)
                | Callback::RefreshChat(_)
                | Callback::BackToChatList
                | Callback::NotificationsMarkRead
                | Callback::NotificationsAll
                | Callback::Skip
                | Callback::ListPage(_)
                | Callback::ClearFilters
                | Callback::ConfirmJoin(_)
                | Callback::PayShare(_)
                | Callback::ConfirmCreate
                | Callback::DepositTransfer(_)
                | Callback::DepositSbp(_)
                | Callback::Organize(..)
                | Callback::Dismiss
                | Callback::ToggleMessengerNotifications
                | Callback::ConfirmBroadcast => {}
            }
        }
        all
    }

    #[test]
    fn every_variant_round_trips() {
        for cb in samples() {
            let data = cb.data();
            assert_eq!(data.parse::<Callback>(), Ok(cb), "{data}");
        }
    }

    #[test]
    fn renders_the_original_strings() {
        assert_eq!(Callback::ViewProcurement(42).data(), "view_proc_42");
        assert_eq!(Callback::JoinProcurement(42).data(), "join_proc_42");
        assert_eq!(Callback::LeaveProcurement(42).data(), "leave_proc_42");
        assert_eq!(Callback::ConfirmLeave(42).data(), "confirm_leave_42");
        assert_eq!(Callback::Deposit { rubles: 100 }.data(), "deposit_100");
        assert_eq!(Callback::DepositCustom.data(), "deposit_custom");
        assert_eq!(Callback::CheckPayment(7).data(), "check_payment_7");
        assert_eq!(Callback::Category(3).data(), "category_3");
        assert_eq!(Callback::ChooseRole(Role::Buyer).data(), "role_buyer");
        assert_eq!(Callback::EnterChat(5).data(), "enter_chat_5");
    }

    #[test]
    fn fixed_names_are_unique() {
        for (i, (a, _)) in FIXED.iter().enumerate() {
            assert!(FIXED[i + 1..].iter().all(|(b, _)| a != b), "{a}");
        }
    }

    #[test]
    fn unknown_data_is_an_error() {
        for bad in [
            "",
            "view_proc_",
            "view_proc_abc",
            "view_proc_-1",
            "view_proc_+1",
            "view_proc_ 1",
            "view_proc_1 ",
            "view_proc_99999999999999999999",
            "deposit_0",
            "deposit_-100",
            "deposit_92233720368547759",
            "role_admin",
            "broadcast_send_all",
            "VIEW_PROC_1",
            "{\"action\":\"callback\"}",
        ] {
            let err = bad.parse::<Callback>().unwrap_err();
            assert_eq!(err, UnknownCallback(bad.to_string()));
        }
    }

    #[test]
    fn deposit_preset_converts_to_kopecks() {
        assert_eq!(Callback::Deposit { rubles: 500 }.deposit_kopecks(), Some(50_000));
        assert_eq!(Callback::DepositCustom.deposit_kopecks(), None);
    }

    #[test]
    fn longest_data_fits_telegram() {
        let longest = [
            Callback::ConfirmLeave(i64::MAX),
            Callback::RefreshProcurement(i64::MAX),
            Callback::CheckPayment(i64::MAX),
            Callback::Participants(i64::MAX),
            Callback::RefreshMyProcurements,
            Callback::NotificationsMarkRead,
            Callback::Organize(OrganizerAction::Complete, i64::MAX),
            Callback::DepositTransfer(i64::MAX),
        ];
        for cb in samples().into_iter().chain(longest) {
            assert!(cb.data().len() <= MAX_CALLBACK_LEN, "{}", cb.data());
        }
    }
}
