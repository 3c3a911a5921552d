//! The staff admin app: a Yew single-page app served at `/admin-panel/`.
//!
//! It starts with the procurement board staff watch most: every procurement with its status,
//! progress and money, filterable by status and searchable, straight from the public API.

mod api;
mod board;

fn main() {
    yew::Renderer::<board::Board>::new().render();
}
