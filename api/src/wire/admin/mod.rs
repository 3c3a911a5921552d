//! Bodies of the staff API (`/api/admin/`): the public shapes plus what staff also see.

pub mod audit;
pub mod category;
pub mod dashboard;
pub mod jobs;
pub mod money;
pub mod notification;
pub mod procurement;
pub mod user;

use crate::error::ApiResult;
use workflows::admin::list::Window;
use workflows::page::PageRequest;

/// The page a staff list answers (`page_size` 1 to 100, 20 by default; 400 otherwise).
pub fn page(page: Option<i64>, page_size: Option<i64>) -> ApiResult<PageRequest> {
    Ok(workflows::admin::list::page(page, page_size)?)
}

/// `date_from`/`date_to`: a date (`2026-12-01`, its whole day) or an RFC 3339 time; 400 otherwise.
pub fn window(date_from: Option<&str>, date_to: Option<&str>) -> ApiResult<Window> {
    Ok(Window::parse(date_from, date_to)?)
}

/// `{"affected": N}`: how many things an action changed.
#[derive(Debug, poem_openapi::Object)]
pub struct Affected {
    pub affected: u64,
}
