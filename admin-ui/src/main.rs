//! The staff admin app: a Yew single-page app served at `/admin-panel/`.
//!
//! Staff log in with their GroupBuy staff account; the app then talks to `/api/admin/` with the
//! session cookie. One file per page in `pages/`, one file per API resource in `api/`, the
//! pieces the pages share in `components/` and in the `web-kit` crate.

mod api;
mod app;
mod components;
mod pages;
mod route;

fn main() {
    web_kit::theme::apply(web_kit::theme::initial());
    yew::Renderer::<app::App>::new().render();
}
