//! Analytics on our own history: the training rows extracted from our tables, model versions
//! trained by a durable job and stored with their metrics, predictions recorded with the version
//! that made them, and generated history for a fresh installation. The models themselves are the
//! `analytics` crate's (pure); the SQL is here.

mod extract;
pub mod history;
pub mod outlook;
pub mod predict;
pub mod train;
pub mod versions;

pub use extract::finished as training_rows;
pub use versions::ModelType;
