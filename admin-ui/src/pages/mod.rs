//! One file per page of the admin app.

pub mod audit;
pub mod broadcasts;
pub mod categories;
pub mod dashboard;
pub mod doctor;
pub mod jobs;
pub mod login;
pub mod messages;
pub mod models;
pub mod notifications;
pub mod payments;
pub mod procurements;
pub mod transactions;
pub mod users;
