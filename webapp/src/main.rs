//! The GroupBuy web cabinet: a Yew single-page app served at `/`, for buyers, organizers and
//! suppliers, in the browser or inside Telegram as a Mini App.
//!
//! One file per page in `pages/`, one file per API resource in `api/`, the pieces several pages
//! share in `components/` and in the `web-kit` crate (shared with the staff app).

mod account;
mod api;
mod app;
mod components;
mod i18n;
mod live;
mod pages;
mod route;
mod session;

fn main() {
    web_kit::theme::apply(web_kit::theme::initial());
    i18n::choose(i18n::initial());
    session::resume();
    yew::Renderer::<app::App>::new().render();
}
