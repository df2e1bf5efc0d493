//! Rendering: from the site and its derived figures to an in-memory list of files.
//! Nothing here touches the disk; `output` writes the list atomically and `serve`
//! serves it from memory.
pub mod api;
pub mod badge;
pub mod brand;
pub mod compiled;
pub mod context;
pub mod dates;
pub mod day_marks;
pub mod escape;
pub mod favicon;
pub mod feeds;
pub mod figures;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod measured;
pub mod nesting;
pub mod page_cache;
pub mod page_kit;
pub mod pages;
pub mod plain_text;
pub mod reliability_export;
pub mod sitemap;
pub mod theme;
pub mod urls;
pub mod xml;
