//! Participants: a buyer's order in a procurement.

mod generated;
mod lifecycle;
mod model;
mod status;
mod store;

pub use generated::{GeneratedOrder, insert_generated};
pub use lifecycle::{cancel, change_status};
pub use model::Participant;
pub use status::{ParticipantEvent, ParticipantStatus};
pub(crate) use store::{NewOrder, fetch_placed, place_order_query};
pub use store::{ParticipantFilter, active_of_procurement, get, list, lock, many, of_procurements, set_status};
