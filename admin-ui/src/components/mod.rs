//! Pieces every admin page uses: the page frame, server-side lists, filters, action outcomes,
//! selection with bulk actions.

mod bulk;
mod filters;
mod list;
mod outcome;
mod screen;

pub use bulk::{BulkBar, Selection, use_selection};
pub use filters::{DateRange, FilterSelect, SearchBox, TextFilter, options};
pub use list::{List, use_list};
pub use outcome::{Outcome, Shown, run};
pub use screen::Screen;
