//! The periodic sweeps: their names and default schedules (what each does is the runner's).

use serde::{Deserialize, Serialize};

/// The periodic sweeps, each on its own cron schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CronSchedule {
    DeadlineSweep,
    PaymentDeadlineSweep,
    SettlementSweep,
    DailyStatistics,
    BankReconcile,
    /// Retrain the analytics models on the history so far.
    ModelTraining,
}

impl CronSchedule {
    pub const ALL: [CronSchedule; 6] = [
        Self::DeadlineSweep,
        Self::PaymentDeadlineSweep,
        Self::SettlementSweep,
        Self::DailyStatistics,
        Self::BankReconcile,
        Self::ModelTraining,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeadlineSweep => "deadline_sweep",
            Self::PaymentDeadlineSweep => "payment_deadline_sweep",
            Self::SettlementSweep => "settlement_sweep",
            Self::DailyStatistics => "daily_statistics",
            Self::BankReconcile => "bank_reconcile",
            Self::ModelTraining => "model_training",
        }
    }

    /// Six fields, seconds first (the `cron` crate's format).
    pub fn default_expression(self) -> &'static str {
        match self {
            Self::DeadlineSweep => "*/10 * * * * *",
            Self::PaymentDeadlineSweep => "0 * * * * *",
            Self::SettlementSweep => "0 */5 * * * *",
            Self::DailyStatistics => "0 5 0 * * *",
            // Incoming money must be identified within about 30 minutes, or the bank retypes it.
            Self::BankReconcile => "*/15 * * * * *",
            // Nightly, when the platform is quiet (UTC: 06:30 in Moscow is still before the day's trade).
            Self::ModelTraining => "0 30 3 * * *",
        }
    }
}
