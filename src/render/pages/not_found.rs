//! The 404 page.

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::render::context::NotFoundPage;
use crate::render::page_kit::PageKit;
use crate::render::theme::Theme;

pub fn not_found_page(kit: &PageKit, theme: &Theme) -> Result<OutputFile, Diagnostic> {
    let page = NotFoundPage {
        title: kit.page_title(kit.clock.texts.get("not_found_title")),
        canonical: String::new(),
        nav: "",
        draft: false,
    };
    kit.render(theme, "404.html", "404.html", &page)
}
