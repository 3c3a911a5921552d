//! What the GroupBuy web apps share (the staff app `admin-ui` today, the buyers' web cabinet
//! next): the JSON client for the API with its typed error, the API's page type, the colour
//! theme, display helpers over `money` and `wasm-utils`, and a few Yew components.

pub mod components;
pub mod display;
pub mod http;
pub mod page;
pub mod theme;

pub use http::ApiError;
pub use page::Page;
