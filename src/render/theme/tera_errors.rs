//! Compiling the templates with Tera, and turning Tera's errors into diagnostics that
//! name the template file, its line and what to fix.

use std::collections::BTreeMap;

use tera::Tera;

use crate::diag::Diagnostic;
use crate::render::theme::lint::check_names;
use crate::render::theme::sources::Source;

/// Parses and links the theme's templates for Tera, with a diagnostic per problem.
pub fn build_tera(sources: &BTreeMap<String, Source>) -> Result<Tera, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    for (name, src) in sources {
        match tera::Template::new(name, None, &src.text) {
            Ok(t) => parsed.push(t),
            Err(e) => diags.push(parse_diagnostic(src, &e)),
        }
    }
    for t in &parsed {
        check_names(&t.ast, &sources[&t.name], &mut diags);
    }
    if !diags.is_empty() {
        return Err(diags);
    }

    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default escaper also turns `/` into `&#x2F;`, which is valid but
    // makes every URL unreadable in the source; `/` is harmless in both contexts.
    tera.set_escape_fn(escape_html);
    tera.register_function("t", crate::i18n::tera_function);
    // The templates are already parsed (above, for per-file diagnostics): hand them
    // over instead of having Tera parse every one again.
    for t in parsed {
        tera.templates.insert(t.name.clone(), t);
    }
    let linked = tera
        .build_inheritance_chains()
        .and_then(|()| tera.check_macro_files());
    if let Err(e) = linked {
        let chain = error_chain(&e);
        let file = blamed_template(&chain, sources)
            .map(|s| s.path.clone())
            .unwrap_or_else(|| "templates".into());
        return Err(vec![
            Diagnostic::error(file, 0, 0, chain).with_help(
                "check `{% extends %}`, `{% include %}` and `{% import %}`: every template they name must exist",
            ),
        ]);
    }
    Ok(tera)
}

/// The error and its causes on one line each, as Tera nests them.
pub fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p == &text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn parse_diagnostic(src: &Source, e: &tera::Error) -> Diagnostic {
    let chain = error_chain(e);
    // Pest prints ` --> line:col`, then the offending line with a caret and what it
    // expected; keep the expectation, the location goes into the diagnostic itself.
    let (line, col) = chain
        .find("--> ")
        .and_then(|i| {
            let rest = &chain[i + 4..];
            let end = rest
                .find(|c: char| !c.is_ascii_digit() && c != ':')
                .unwrap_or(rest.len());
            let (l, c) = rest[..end].split_once(':')?;
            Some((l.parse().ok()?, c.parse().unwrap_or(0)))
        })
        .unwrap_or((0, 0));
    let expected = chain
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("= "))
        .collect::<Vec<_>>()
        .join("; ");
    let what = if expected.is_empty() {
        chain.lines().next().unwrap_or("").to_string()
    } else {
        expected
    };
    Diagnostic::error(
        src.path.clone(),
        line,
        col,
        format!("template syntax error: {what}"),
    )
    .with_help("Tera syntax: `{{ value }}`, `{% if %}...{% endif %}`, `{% for x in list %}...{% endfor %}`")
}

pub fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = text.find(start)? + start.len();
    let j = text[i..].find(end)? + i;
    Some(&text[i..j])
}

/// Names the template an inheritance error is about: the first one the message quotes.
fn blamed_template<'a>(chain: &str, sources: &'a BTreeMap<String, Source>) -> Option<&'a Source> {
    let mut best: Option<(usize, &Source)> = None;
    for (name, src) in sources {
        for quoted in [format!("`{name}`"), format!("'{name}'")] {
            if let Some(i) = chain.find(&quoted)
                && best.is_none_or(|(b, _)| i < b)
            {
                best = Some((i, src));
            }
        }
    }
    best.map(|(_, s)| s)
}

/// Escapes for HTML text and quoted attributes (and XML); the one escaper of the crate,
/// which also drops the control characters that neither HTML nor XML 1.0 allow.
pub fn escape_html(input: &str) -> String {
    crate::render::escape::html_escape(input)
}
