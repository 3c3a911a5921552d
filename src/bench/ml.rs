//! `groupbuy bench ml`: the analytics on generated history (analytics/src/history.rs), in
//! process, no database: success AUC and Brier beside the baselines at each moment of the window,
//! the calibration table, demand MAE and MASE against the naive forecast, training time and
//! prediction latency. The numbers describe how well the models recover the generative model,
//! not how they would do on real trade.

use analytics::history::HistoryModel;
use analytics::{Params, Row, price};
use std::time::Instant;

#[derive(clap::Args)]
pub struct MlBenchArgs {
    /// Generated procurements (the newest fifth is the test part).
    #[arg(long, default_value_t = 20_000)]
    pub procurements: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(args: MlBenchArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let rows: Vec<Row> = HistoryModel::STANDARD
        .generate(args.procurements, args.seed, 1_800_000_000)
        .into_iter()
        .map(|g| g.row)
        .collect();
    println!("generated {} procurements in {:.2} s (seed {})", rows.len(), started.elapsed().as_secs_f64(), args.seed);
    let split = analytics::split(rows).ok_or_else(|| anyhow::anyhow!(analytics::TOO_LITTLE))?;
    let params = Params::default();
    let t = Instant::now();
    let (success, report) = split.success(&analytics::success::PARAMS);
    let success_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (demand, demand_report) = split.demand(&params);
    let demand_secs = t.elapsed().as_secs_f64();
    println!("train {} / test {} procurements (time split)", split.train.len(), split.test.len());
    println!("\nsuccess (test part; AUC higher is better, Brier lower):");
    println!("elapsed | model AUC  Brier | heuristic AUC  Brier | logistic AUC  Brier | base rate Brier");
    for m in &report.moments {
        println!(
            "{:>7.2} | {:>9.3} {:>6.3} | {:>13.3} {:>6.3} | {:>12.3} {:>6.3} | {:>15.3}",
            m.elapsed,
            m.model.auc,
            m.model.brier,
            m.heuristic.auc,
            m.heuristic.brier,
            m.logistic.auc,
            m.logistic.brier,
            m.base_rate.brier
        );
    }
    println!("beats every baseline at 0.25: {}", report.beats_baselines());
    if let Some(g) = &report.gain_over_logistic {
        println!(
            "AUC model − logistic at 0.25: {:+.4}, 95 % paired bootstrap [{:+.4}, {:+.4}] ({} resamples): {}",
            g.observed,
            g.low,
            g.high,
            g.resamples,
            if g.significant() { "significant" } else { "not significant" }
        );
    }
    println!("\ncalibration at 0.25 (bin: predicted → observed, count):");
    for b in &report.calibration {
        println!("  {:.1}–{:.1}: {:.3} → {:.3} ({})", b.from, b.to, b.predicted, b.observed, b.count);
    }
    let d = &demand_report;
    println!("\ndemand (test part):");
    println!(
        "participants: MAE {:.2}, naive MAE {:.2}, MASE {:.3}; original formula MAE {:.2} (MASE {:.3})",
        d.participants.mae,
        d.participants.naive_mae,
        d.participants.mase,
        d.heuristic_participants_mae,
        d.heuristic_participants_mase
    );
    println!("units:        MAE {:.2}, naive MAE {:.2}, MASE {:.3}", d.units.mae, d.units.naive_mae, d.units.mase);
    println!("\ntraining: success {success_secs:.2} s, demand {demand_secs:.2} s");
    let latency = |f: &dyn Fn(&Row)| {
        let t = Instant::now();
        split.test.iter().for_each(f);
        t.elapsed().as_secs_f64() * 1e6 / split.test.len() as f64
    };
    let s_us = latency(&|r| {
        std::hint::black_box(success.probability(r, r.progress_at(0.25), r.price_per_unit));
    });
    let d_us = latency(&|r| {
        std::hint::black_box(demand.predict(r, r.price_per_unit));
    });
    let p_us = latency(&|r| {
        std::hint::black_box(price::advise(&success, &demand, r, r.progress_at(0.25)));
    });
    println!(
        "prediction latency per procurement: success {s_us:.1} µs, demand {d_us:.1} µs, price advice {p_us:.1} µs"
    );
    println!("total {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
