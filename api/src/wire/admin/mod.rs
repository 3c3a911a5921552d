//! Answer and request shapes of the staff API under `/api/admin/`.

pub mod dashboard;
pub mod procurement;
pub mod user;
