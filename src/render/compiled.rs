//! The built-in theme's pages compiled into the binary (askama), used whenever a site
//! renders with the built-in templates unchanged.
//!
//! Why twice: the Tera templates in `themes/default/templates/` are the theme users
//! read, copy and override, and Tera must stay for those overrides. But interpreting
//! them costs most of a large build (serialising every page's context into JSON values
//! and looking every variable up by name), while these compiled twins read the same
//! context structs directly. The templates here are the Tera ones with askama's syntax
//! (`{% call %}` for macros, `.truthy()` for Tera's truthiness, `if let` for optional
//! values), and must render byte for byte what the Tera theme renders: a test renders
//! the demo, the fixture sites and a generated site both ways and compares every file.

use std::fmt;

use askama::Template;

use crate::render::html::{
    HistoryPage, IncidentPage, IndexPage, MaintenancePage, NotFoundPage, SiteCtx,
};
use crate::render::uptime_pages::{ComponentPage, UptimePage};

/// The crate's HTML escaper (see `xml::html_escape`), named in `askama.toml`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        crate::render::xml::html_escape_into(&mut dest, string)
    }
}

/// Tera's truthiness: `false`, empty strings, empty lists and missing values are false.
pub trait Truthy {
    fn truthy(&self) -> bool;
}

impl Truthy for String {
    fn truthy(&self) -> bool {
        !self.is_empty()
    }
}

impl<T> Truthy for Vec<T> {
    fn truthy(&self) -> bool {
        !self.is_empty()
    }
}

impl Truthy for Option<String> {
    fn truthy(&self) -> bool {
        self.as_deref().is_some_and(|s| !s.is_empty())
    }
}

/// What Tera prints for a string that may be missing: nothing.
pub trait Text {
    fn text(&self) -> &str;
}

impl Text for Option<String> {
    fn text(&self) -> &str {
        self.as_deref().unwrap_or("")
    }
}

/// A page context that the built-in theme can render without Tera.
pub trait CompiledPage {
    fn render_compiled(&self, site: &SiteCtx) -> String;
}

macro_rules! compiled_pages {
    ($($page:ty => $name:ident, $template:literal;)*) => {$(
        #[derive(Template)]
        #[template(path = $template)]
        struct $name<'a> {
            site: &'a SiteCtx,
            page: &'a $page,
        }

        impl CompiledPage for $page {
            fn render_compiled(&self, site: &SiteCtx) -> String {
                let mut out = String::with_capacity(16 * 1024);
                // Rendering only fails when a value's `Display` fails, and none here can.
                let _ = $name { site, page: self }.render_into(&mut out);
                // Every page is held until the write: no spare capacity.
                out.shrink_to_fit();
                out
            }
        }
    )*};
}

compiled_pages! {
    IndexPage => IndexHtml, "index.html";
    IncidentPage => IncidentHtml, "incident.html";
    HistoryPage => HistoryHtml, "history.html";
    MaintenancePage => MaintenanceHtml, "maintenance.html";
    NotFoundPage => NotFoundHtml, "404.html";
    UptimePage => UptimeHtml, "uptime.html";
    ComponentPage => ComponentHtml, "component.html";
}
