//! The closed sets of names the API accepts; anything else is a 400 naming the valid values.

use poem_openapi::Enum;
use workflows::chat::MessageType;
use workflows::ledger::TransactionType;
use workflows::notify::NotificationType;
use workflows::participant::ParticipantStatus;
use workflows::procurement::ProcurementStatus;
use workflows::users::{Platform, Role};

/// Maps a wire enum onto its domain twin in both directions, variant by variant.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $wire:ident => $domain:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
        #[oai(rename_all = "snake_case")]
        pub enum $wire {
            $($variant),+
        }

        impl From<$wire> for $domain {
            fn from(v: $wire) -> Self {
                match v { $($wire::$variant => $domain::$variant),+ }
            }
        }

        impl From<$domain> for $wire {
            fn from(v: $domain) -> Self {
                match v { $($domain::$variant => $wire::$variant),+ }
            }
        }
    };
}

wire_enum!(
    /// A procurement's state: draft → active → stopped → payment → completed, or cancelled.
    ProcurementStatusName => ProcurementStatus { Draft, Active, Stopped, Payment, Completed, Cancelled }
);
wire_enum!(
    /// A participant's state: pending → confirmed → paid → delivered, or cancelled.
    ParticipantStatusName => ParticipantStatus { Pending, Confirmed, Paid, Delivered, Cancelled }
);
wire_enum!(RoleName => Role { Buyer, Organizer, Supplier });
wire_enum!(PlatformName => Platform { Telegram, Whatsapp, Websocket, Vk });
wire_enum!(
    TransactionTypeName => TransactionType { Deposit, Withdrawal, ProcurementJoin, ProcurementRefund, Transfer, Bonus }
);
wire_enum!(
    /// What a chat message carries: `system` messages are written by the platform and staff.
    MessageTypeName => MessageType { Text, Image, File, System }
);
wire_enum!(
    /// What a notification is about.
    NotificationTypeName => NotificationType {
        NewMessage, ProcurementUpdate, PaymentRequired, PaymentReceived, ProcurementCompleted, System
    }
);
