//! Collected of the target as a bar with the figures beside it; the percent is the server's
//! (truncated), so the bar and the lists agree.

use money::Money;
use web_kit::display;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub collected: Money,
    pub target: Money,
    pub percent: i32,
}

#[function_component(Progress)]
pub fn progress(props: &ProgressProps) -> Html {
    let lang = crate::i18n::use_lang();
    let percent = props.percent.clamp(0, 100);
    let label = format!(
        "{} {} {} ({percent} %)",
        display::rubles(props.collected),
        lang.pick("из", "of"),
        display::rubles(props.target)
    );
    html! {
        <div class="progress">
            <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent.to_string()} aria-label={label.clone()}>
                <span style={format!("width:{percent}%")}></span>
            </div>
            <span class="progress-text">{ label }</span>
        </div>
    }
}
