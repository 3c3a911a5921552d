//! A small bar chart drawn as inline SVG: one group of bars per label, one bar per series.
//! No chart library: the apps stay small, and the page can be read without scripts for charts.

use yew::prelude::*;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 72.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 12.0;
/// Labels shown on the x axis at most; the others stay in the bars' tooltips.
const MAX_LABELS: usize = 10;

#[derive(Clone, PartialEq)]
pub struct Series {
    pub name: AttrValue,
    pub values: Vec<f64>,
}

#[derive(Properties, PartialEq)]
pub struct BarChartProps {
    /// `data-chart`.
    pub name: AttrValue,
    pub title: AttrValue,
    pub labels: Vec<AttrValue>,
    pub series: Vec<Series>,
    /// How a value reads in the axis and the tooltips.
    #[prop_or(Callback::from(|v: f64| format_count(v)))]
    pub format: Callback<f64, String>,
}

/// `12`, `3.5`: whole numbers without decimals.
pub fn format_count(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// Where the bars of each label go: `(x, width)` of series `s` in group `i`.
fn bar_slot(i: usize, s: usize, groups: usize, series: usize) -> (f64, f64) {
    let group = (WIDTH - LEFT) / groups.max(1) as f64;
    let width = group * 0.8 / series.max(1) as f64;
    (LEFT + group * i as f64 + group * 0.1 + width * s as f64, width)
}

#[function_component(BarChart)]
pub fn bar_chart(props: &BarChartProps) -> Html {
    let max = props.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0_f64, f64::max);
    let scale = if max > 0.0 { (HEIGHT - TOP - BOTTOM) / max } else { 0.0 };
    let groups = props.labels.len();
    let every = groups.div_ceil(MAX_LABELS).max(1);
    let base = HEIGHT - BOTTOM;
    let bars = props
        .series
        .iter()
        .enumerate()
        .flat_map(|(s, series)| series.values.iter().enumerate().map(move |(i, &value)| (s, series, i, value)));
    html! {
        <figure class="chart">
            <figcaption>{ props.title.clone() }</figcaption>
            <svg data-chart={props.name.clone()} viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                 aria-label={props.title.clone()}>
                <line class="axis" x1={LEFT.to_string()} y1={base.to_string()} x2={WIDTH.to_string()} y2={base.to_string()} />
                <text class="tick" x={(LEFT - 4.0).to_string()} y={(TOP + 4.0).to_string()} text-anchor="end">
                    { props.format.emit(max) }
                </text>
                <text class="tick" x={(LEFT - 4.0).to_string()} y={base.to_string()} text-anchor="end">{ "0" }</text>
                { for bars.map(|(s, series, i, value)| {
                    let (x, width) = bar_slot(i, s, groups, props.series.len());
                    let height = value * scale;
                    let label = props.labels.get(i).cloned().unwrap_or_default();
                    html! {
                        <rect class={format!("bar s{s}")} x={format!("{x:.1}")} y={format!("{:.1}", base - height)}
                              width={format!("{width:.1}")} height={format!("{height:.1}")}>
                            <title>{ format!("{label} · {}: {}", series.name, props.format.emit(value)) }</title>
                        </rect>
                    }
                }) }
                { for props.labels.iter().enumerate().filter(|(i, _)| i % every == 0).map(|(i, label)| {
                    let (x, _) = bar_slot(i, 0, groups, 1);
                    html! { <text class="tick" x={format!("{x:.1}")} y={(HEIGHT - 6.0).to_string()}>{ label.clone() }</text> }
                }) }
            </svg>
            if props.series.len() > 1 {
                <ul class="legend">
                    { for props.series.iter().enumerate().map(|(s, series)| html! {
                        <li><span class={format!("swatch s{s}")}></span>{ series.name.clone() }</li>
                    }) }
                </ul>
            }
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{bar_slot, format_count};

    #[test]
    fn bars_of_a_group_sit_side_by_side_inside_it() {
        let (x0, w) = bar_slot(1, 0, 4, 2);
        let (x1, _) = bar_slot(1, 1, 4, 2);
        assert!((x1 - x0 - w).abs() < 1e-9);
        assert!(x0 > super::LEFT);
        assert_eq!(format_count(3.0), "3");
        assert_eq!(format_count(0.3), "0.3");
    }
}
