//! One training row per finished procurement, holding only what was known while it ran, plus its
//! outcome; the same row, without an outcome, describes a live procurement at prediction time.

use serde::{Deserialize, Serialize};

/// The moments of a procurement's window (share of the time from publication to deadline) at
/// which its funding progress is recorded. A success model trained on all of them predicts at
/// any moment: a live procurement is described at its own elapsed share.
pub const FRACTIONS: [f64; 4] = [0.1, 0.25, 0.5, 0.75];

/// Funding progress at one moment of the window.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Progress {
    /// Share of the window elapsed, 0..1.
    pub elapsed: f64,
    /// Collected amount / target amount (may exceed 1).
    pub share: f64,
    /// Active participants at that moment.
    pub participants: f64,
}

/// A procurement as the models see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub procurement_id: i64,
    pub organizer_id: i64,
    /// Published (the window opens), seconds since the epoch.
    pub opened_at: i64,
    /// The deadline (the window closes), seconds since the epoch.
    pub closes_at: i64,
    pub category: String,
    /// The category's parent, or the category itself at the top level.
    pub parent_category: String,
    pub city: String,
    pub unit: String,
    /// Roubles (float is fine here: features, never money movements).
    pub target_amount: f64,
    pub price_per_unit: f64,
    pub featured: bool,
    /// The organizer's procurements that finished before this one opened, and how many of them
    /// succeeded; filled by [`with_track_records`].
    pub organizer_finished: f64,
    pub organizer_succeeded: f64,
    /// Progress at each of [`FRACTIONS`].
    pub curve: [Progress; FRACTIONS.len()],
    /// `Some(true)` completed, `Some(false)` cancelled for missing its target, `None` live.
    pub succeeded: Option<bool>,
    /// At the close: participants and units ordered (the demand targets).
    pub final_participants: f64,
    pub final_units: f64,
}

impl Row {
    pub fn duration_days(&self) -> f64 {
        ((self.closes_at - self.opened_at) as f64 / 86_400.0).max(0.0)
    }

    /// The progress recorded at the latest fraction not after `elapsed`, or none yet.
    pub fn progress_at(&self, elapsed: f64) -> Progress {
        self.curve.iter().rev().find(|p| p.elapsed <= elapsed + 1e-9).copied().unwrap_or_default()
    }
}

/// A join as history records it: when (seconds since the epoch), how much, and when it left
/// (if it did).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Join {
    pub at: i64,
    pub left_at: Option<i64>,
    pub amount: f64,
}

/// The progress curve of a window from its joins.
pub fn curve(opened_at: i64, closes_at: i64, target_amount: f64, joins: &[Join]) -> [Progress; FRACTIONS.len()] {
    let span = (closes_at - opened_at).max(1) as f64;
    FRACTIONS.map(|elapsed| {
        let t = opened_at + (span * elapsed) as i64;
        let active = joins.iter().filter(|j| j.at <= t && j.left_at.is_none_or(|l| l > t));
        let (amount, n) = active.fold((0.0, 0.0), |(a, n), j| (a + j.amount, n + 1.0));
        Progress { elapsed, share: if target_amount > 0.0 { amount / target_amount } else { 0.0 }, participants: n }
    })
}

/// Fills each row's organizer track record: the organizer's procurements that closed before this
/// one opened (never later ones, which would leak the future).
pub fn with_track_records(rows: &mut [Row]) {
    let mut closed: Vec<(i64, i64, bool)> =
        rows.iter().filter_map(|r| r.succeeded.map(|s| (r.organizer_id, r.closes_at, s))).collect();
    closed.sort_unstable_by_key(|&(o, at, _)| (o, at));
    for row in rows.iter_mut() {
        let start = closed.partition_point(|&(o, _, _)| o < row.organizer_id);
        let before = closed[start..].iter().take_while(|&&(o, at, _)| o == row.organizer_id && at <= row.opened_at);
        let (n, ok) = before.fold((0.0, 0.0), |(n, ok), &(_, _, s)| (n + 1.0, ok + f64::from(u8::from(s))));
        row.organizer_finished = n;
        row.organizer_succeeded = ok;
    }
}

/// Oldest first by opening, split at `test_share`: the newest part is the test set.
pub fn time_split(mut rows: Vec<Row>, test_share: f64) -> (Vec<Row>, Vec<Row>) {
    rows.sort_by_key(|r| (r.opened_at, r.procurement_id));
    let cut = ((rows.len() as f64) * (1.0 - test_share)).round() as usize;
    let test = rows.split_off(cut.min(rows.len()));
    (rows, test)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn row(id: i64, organizer: i64, opened: i64, closes: i64, succeeded: Option<bool>) -> Row {
        Row {
            procurement_id: id,
            organizer_id: organizer,
            opened_at: opened,
            closes_at: closes,
            category: "Мёд".into(),
            parent_category: "Продукты".into(),
            city: "Москва".into(),
            unit: "кг".into(),
            target_amount: 1000.0,
            price_per_unit: 100.0,
            featured: false,
            organizer_finished: 0.0,
            organizer_succeeded: 0.0,
            curve: [Progress::default(); FRACTIONS.len()],
            succeeded,
            final_participants: 5.0,
            final_units: 10.0,
        }
    }

    #[test]
    fn the_curve_counts_joins_up_to_each_moment_and_not_those_who_left() {
        let joins = [
            Join { at: 5, left_at: None, amount: 100.0 },
            Join { at: 20, left_at: Some(60), amount: 200.0 },
            Join { at: 70, left_at: None, amount: 300.0 },
        ];
        let c = curve(0, 100, 1000.0, &joins);
        assert_eq!(c[0], Progress { elapsed: 0.1, share: 0.1, participants: 1.0 });
        assert_eq!(c[1], Progress { elapsed: 0.25, share: 0.3, participants: 2.0 });
        assert_eq!(c[2], Progress { elapsed: 0.5, share: 0.3, participants: 2.0 });
        assert_eq!(c[3], Progress { elapsed: 0.75, share: 0.4, participants: 2.0 });
    }

    #[test]
    fn track_records_count_only_what_closed_before_the_opening() {
        let mut rows = vec![
            row(1, 7, 0, 10, Some(true)),
            row(2, 7, 5, 20, Some(false)),
            row(3, 7, 20, 30, Some(true)),
            row(4, 8, 25, 30, None),
        ];
        with_track_records(&mut rows);
        let got: Vec<(f64, f64)> = rows.iter().map(|r| (r.organizer_finished, r.organizer_succeeded)).collect();
        assert_eq!(got, vec![(0.0, 0.0), (0.0, 0.0), (2.0, 1.0), (0.0, 0.0)]);
    }

    #[test]
    fn the_split_puts_the_newest_in_the_test_part() {
        let rows: Vec<Row> = (0..10).rev().map(|i| row(i, 1, i * 10, i * 10 + 5, Some(true))).collect();
        let (train, test) = time_split(rows, 0.2);
        assert_eq!(train.len(), 8);
        assert_eq!(test.iter().map(|r| r.procurement_id).collect::<Vec<_>>(), vec![8, 9]);
        let r = &train[0];
        assert_eq!(r.progress_at(0.3).elapsed, 0.0, "no curve point recorded yet in a default row");
    }
}
