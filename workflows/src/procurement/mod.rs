//! Procurements: what organizers open and buyers join.

mod deadlines;
mod edit;
mod featured;
mod generated;
mod join;
mod lifecycle;
mod model;
mod open;
mod payment_deadline;
mod settlement;
mod status;
mod store;

pub use edit::{edit, edit_in};
pub use featured::set_featured;
pub use generated::{GeneratedProcurement, insert_generated};
pub use join::{JoinRequest, join, leave};
pub use lifecycle::{change_status, change_status_in, reach_deadline};
pub use model::{NewProcurement, Percent, Procurement, ProcurementPatch};
pub use open::open;
pub use payment_deadline::{PaymentDeadlineOutcome, reach_payment_deadline};
pub use settlement::{capture_participant, commission_split, pay_participant, refund_participant};
pub use status::{ProcurementEvent, ProcurementStatus};
pub(crate) use store::remove_order;
pub use store::{
    DraftVisibility, Ordering, ProcurementFilter, UserProcurements, create, get, list, lock, update, user_procurements,
};
