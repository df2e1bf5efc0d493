//! Themes: the Tera templates and static assets pages are rendered with.
//!
//! Layers, later ones win file by file: the default theme embedded in the binary
//! (so an installed `statusgen` works anywhere), then `themes/<name>/` of the site,
//! then the site's own `templates/` and `static/`. Templates are compiled once per
//! build and checked before any page is rendered, so a broken override is reported
//! with its file and line instead of failing halfway through the site. Pages made only
//! of unchanged built-in templates render with their compiled form instead
//! (`render::compiled`); Tera then never needs to parse the built-in templates at all.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::ast::{Expr, ExprVal, FunctionCall, Node};
use tera::{Context, Tera};

use crate::diag::Diagnostic;
use crate::render::OutputFile;

macro_rules! embed_templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}
macro_rules! embed_static {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../themes/default/static/", $name)) as &[u8])),*]
    };
}

/// Every template of the built-in theme, by name. A test checks this list against
/// `themes/default/templates/`, so a new file cannot be forgotten here.
const DEFAULT_TEMPLATES: &[(&str, &str)] = embed_templates!(
    "404.html",
    "base.html",
    "component.html",
    "history.html",
    "incident.html",
    "index.html",
    "macros.html",
    "maintenance.html",
    "uptime.html",
);

/// The built-in theme's static assets, copied to the output root.
const DEFAULT_STATIC: &[(&str, &[u8])] = embed_static!("favicon.svg", "style.css");

/// The built-in theme's templates, by name (what `statusgen theme eject` copies).
pub fn builtin_templates() -> &'static [(&'static str, &'static str)] {
    DEFAULT_TEMPLATES
}

/// The built-in theme's static assets, by path under `static/`.
pub fn builtin_static() -> &'static [(&'static str, &'static [u8])] {
    DEFAULT_STATIC
}

/// Filters and functions Tera provides with `default-features = false`, plus the
/// ones the renderer treats specially. Anything else in a template is a typo.
const KNOWN_FILTERS: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "trim",
    "trim_start",
    "trim_end",
    "trim_start_matches",
    "trim_end_matches",
    "truncate",
    "wordcount",
    "replace",
    "capitalize",
    "title",
    "linebreaksbr",
    "indent",
    "striptags",
    "spaceless",
    "escape",
    "escape_xml",
    "addslashes",
    "split",
    "int",
    "float",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "slice",
    "group_by",
    "filter",
    "map",
    "concat",
    "abs",
    "pluralize",
    "round",
    "length",
    "reverse",
    "json_encode",
    "as_str",
    "get",
];
const KNOWN_FUNCTIONS: &[&str] = &["range", "throw", "get_env"];

#[derive(Debug, Clone)]
struct Source {
    /// Shown in diagnostics: relative to the site root, or under `themes/default/`.
    path: String,
    text: String,
}

/// The last theme compiled by [`Theme::load_cached`], with its fingerprint.
#[derive(Debug, Default)]
pub struct ThemeCache(std::sync::Mutex<Option<(u64, std::sync::Arc<Theme>)>>);

fn fingerprint_of(sources: &BTreeMap<String, Source>, statics: &BTreeMap<String, Vec<u8>>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for (name, src) in sources {
        (name, &src.path, &src.text).hash(&mut h);
    }
    statics.hash(&mut h);
    h.finish()
}

/// A compiled theme: templates and static assets.
#[derive(Debug)]
pub struct Theme {
    /// Built when first needed if every template is built in (see `compile`).
    tera: std::sync::OnceLock<Result<Tera, Vec<Diagnostic>>>,
    /// The templates that are the built-in theme's own, unchanged: pages made only of
    /// them may render with their compiled form (`render::compiled`) instead of Tera.
    builtin: BTreeSet<&'static str>,
    sources: BTreeMap<String, Source>,
    statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The built-in theme alone, reading nothing from disk.
    pub fn builtin() -> Result<Theme, Vec<Diagnostic>> {
        Theme::compile(builtin_sources(), builtin_statics())
    }

    /// Loads the theme a site asks for, with the site's overrides.
    #[allow(clippy::type_complexity)]
    fn read(
        root: &Path,
        theme_name: &str,
    ) -> Result<(BTreeMap<String, Source>, BTreeMap<String, Vec<u8>>), Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut sources = builtin_sources();
        let mut statics = builtin_statics();

        let valid_name = !theme_name.is_empty()
            && theme_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            return Err(vec![
                Diagnostic::error(
                    "site.toml",
                    0,
                    0,
                    format!("theme name {theme_name:?} is not a folder name"),
                )
                .with_help(
                    "use letters, digits, `-` and `_` only: the theme lives in `themes/<name>/`",
                ),
            ]);
        }
        let theme_dir = root.join("themes").join(theme_name);
        let theme_rel = format!("themes/{theme_name}");
        if theme_dir.is_dir() {
            read_tree(
                root,
                &theme_dir.join("templates"),
                &mut diags,
                |rel, bytes| {
                    let name = rel.clone();
                    insert_template(
                        &mut sources,
                        name,
                        format!("{theme_rel}/templates/{rel}"),
                        bytes,
                    )
                },
            );
            read_tree(root, &theme_dir.join("static"), &mut diags, |rel, bytes| {
                statics.insert(rel, bytes);
                None
            });
        } else if theme_name != "default" {
            diags.push(
                Diagnostic::error(
                    "site.toml",
                    0,
                    0,
                    format!("theme \"{theme_name}\" not found: there is no folder `{theme_rel}/`"),
                )
                .with_help(
                    "create the theme folder with a `templates/` sub-folder, or set `theme = \"default\"`",
                ),
            );
        }
        read_tree(root, &root.join("templates"), &mut diags, |rel, bytes| {
            insert_template(&mut sources, rel.clone(), format!("templates/{rel}"), bytes)
        });
        read_tree(root, &root.join("static"), &mut diags, |rel, bytes| {
            statics.insert(rel, bytes);
            None
        });
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok((sources, statics))
    }

    pub fn load(root: &Path, theme_name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let (sources, statics) = Self::read(root, theme_name)?;
        Theme::compile(sources, statics)
    }

    /// Like [`Theme::load`], but reuses the theme compiled last time when no template
    /// or static file changed (`statusgen serve` rebuilds).
    pub fn load_cached(
        root: &Path,
        theme_name: &str,
        cache: &ThemeCache,
    ) -> Result<std::sync::Arc<Theme>, Vec<Diagnostic>> {
        let (sources, statics) = Self::read(root, theme_name)?;
        let key = fingerprint_of(&sources, &statics);
        let mut slot = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, theme)) = slot.as_ref().filter(|(k, _)| *k == key) {
            return Ok(theme.clone());
        }
        let theme = std::sync::Arc::new(Theme::compile(sources, statics)?);
        *slot = Some((key, theme.clone()));
        Ok(theme)
    }

    fn compile(
        sources: BTreeMap<String, Source>,
        statics: BTreeMap<String, Vec<u8>>,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let builtin: BTreeSet<&'static str> = DEFAULT_TEMPLATES
            .iter()
            .filter(|(name, text)| sources.get(*name).is_some_and(|s| s.text == *text))
            .map(|(name, _)| *name)
            .collect();
        // The built-in templates alone render compiled; their Tera form is only built if
        // a page asks for it (`tera_only`). Any site template is checked now, so a broken
        // one is reported before anything renders.
        let tera = std::sync::OnceLock::new();
        if builtin.len() != sources.len() {
            let _ = tera.set(Ok(build_tera(&sources)?));
        }
        Ok(Theme {
            tera,
            builtin,
            sources,
            statics,
        })
    }

    fn tera(&self) -> Result<&Tera, Diagnostic> {
        // Only the built-in templates are built lazily, and they compile (tested).
        let built = self.tera.get_or_init(|| build_tera(&self.sources));
        built.as_ref().map_err(|diags| {
            diags.first().cloned().unwrap_or_else(|| {
                Diagnostic::error("templates", 0, 0, "the theme's templates do not compile")
            })
        })
    }

    /// True when a page template and everything it uses are the built-in theme's own:
    /// the page can then render with the compiled templates, which give the same bytes
    /// much faster. A site overriding `incident.html` keeps the other pages compiled;
    /// one overriding `base.html` or `macros.html` renders every page with Tera.
    pub fn renders_compiled(&self, template: &str) -> bool {
        // Every built-in page template extends `base.html` and may import `macros.html`,
        // and uses no other template (a test checks).
        [template, "base.html", "macros.html"]
            .iter()
            .all(|t| self.builtin.contains(t))
    }

    /// The same theme rendering every page with Tera, even the built-in templates:
    /// for checking that the compiled templates give the same bytes.
    pub fn tera_only(mut self) -> Theme {
        self.builtin.clear();
        self
    }

    /// True when the theme has a template of that name (e.g. `uptime.html`).
    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Where a template came from, as shown in diagnostics.
    pub fn template_path(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(|s| s.path.as_str())
    }

    /// The static assets to copy to the output root, sorted by path.
    pub fn static_files(&self) -> Vec<OutputFile> {
        self.statics
            .iter()
            .map(|(p, b)| OutputFile::new(p.clone(), b.clone()))
            .collect()
    }

    /// A short content hash of a static asset, for cache-busting links
    /// (`style.css?v=...`): stable across builds and machines.
    /// Changes whenever any template or static file of the theme changes: part of the
    /// key under which `serve` reuses rendered pages.
    pub fn fingerprint(&self) -> u64 {
        fingerprint_of(&self.sources, &self.statics)
    }

    pub fn asset_version(&self, path: &str) -> Option<String> {
        self.statics.get(path).map(|b| format!("{:08x}", fnv1a(b)))
    }

    /// Renders one template with `site` and `page` in its context.
    pub fn render(
        &self,
        template: &str,
        site: &impl Serialize,
        page: &impl Serialize,
    ) -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("site", site);
        ctx.insert("page", page);
        self.tera()?
            .render(template, &ctx)
            .map_err(|e| self.render_diagnostic(template, &e))
    }

    fn render_diagnostic(&self, template: &str, e: &tera::Error) -> Diagnostic {
        let chain = error_chain(e);
        // Tera names no line for render errors; look for the culprit's name in the
        // template and the ones it extends, nearest first.
        let culprit = between(&chain, "Variable `", "`")
            .or_else(|| between(&chain, "Filter '", "'"))
            .or_else(|| between(&chain, "Function '", "'"))
            .or_else(|| between(&chain, "Test '", "'"));
        let mut chain_names = vec![template.to_string()];
        if let Some(Ok(tera)) = self.tera.get()
            && let Ok(t) = tera.get_template(template)
        {
            chain_names.extend(t.parents.iter().cloned());
        }
        chain_names.extend(self.sources.keys().cloned());
        let mut file = self.template_path(template).unwrap_or(template).to_string();
        let (mut line, mut col) = (0, 0);
        if let Some(c) = culprit {
            for name in &chain_names {
                if let Some(src) = self.sources.get(name)
                    && let Some((l, cl)) = find_word(&src.text, c)
                {
                    file = src.path.clone();
                    (line, col) = (l, cl);
                    break;
                }
            }
        }
        Diagnostic::error(
            file,
            line,
            col,
            format!("cannot render `{template}`: {chain}"),
        )
        .with_help(
            "a template may use only the variables of its page context (`site.*`, `page.*`); \
             compare with the same template in themes/default/templates/",
        )
    }
}

fn builtin_sources() -> BTreeMap<String, Source> {
    DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                Source {
                    path: format!("themes/default/templates/{name}"),
                    text: text.to_string(),
                },
            )
        })
        .collect()
}

fn builtin_statics() -> BTreeMap<String, Vec<u8>> {
    DEFAULT_STATIC
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect()
}

fn insert_template(
    sources: &mut BTreeMap<String, Source>,
    name: String,
    path: String,
    bytes: Vec<u8>,
) -> Option<Diagnostic> {
    // Notes such as a README beside the templates are not templates.
    if !(name.ends_with(".html") || name.ends_with(".xml")) {
        return None;
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    match String::from_utf8(bytes) {
        Ok(text) => {
            // CRLF files parse, but keep the rendered output byte-identical across OSes.
            let text = text.replace("\r\n", "\n");
            sources.insert(name, Source { path, text });
            None
        }
        Err(e) => Some(
            Diagnostic::error(path, 0, 0, format!("template is not UTF-8: {e}"))
                .with_help("save the file as UTF-8"),
        ),
    }
}

/// Reads every file under `dir` (sorted, relative `/` paths), following symlinks
/// only when they stay inside the site root. A missing `dir` is fine.
fn read_tree(
    root: &Path,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    mut each: impl FnMut(String, Vec<u8>) -> Option<Diagnostic>,
) {
    if !dir.is_dir() {
        return;
    }
    let canon_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let rel_to_root = |p: &Path| -> String {
        p.strip_prefix(root)
            .unwrap_or(p)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map(&rel_to_root)
                    .unwrap_or_else(|| rel_to_root(dir));
                diags.push(
                    Diagnostic::error(at, 0, 0, format!("cannot read: {e}"))
                        .with_help("check the file's permissions, or remove the symlink loop"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let file_name = entry.file_name().to_string_lossy();
        // Editor swap and backup files are never part of a theme.
        if file_name.ends_with('~') || file_name.ends_with(".swp") || file_name == ".DS_Store" {
            continue;
        }
        if entry.path_is_symlink() || path_has_symlink(root, path) {
            let inside = fs::canonicalize(path)
                .map(|c| c.starts_with(&canon_root))
                .unwrap_or(false);
            if !inside {
                diags.push(
                    Diagnostic::error(
                        rel_to_root(path),
                        0,
                        0,
                        "symlink leads outside the site root",
                    )
                    .with_help("copy the file into the site instead of linking to it"),
                );
                continue;
            }
        }
        match crate::load::boundary::read(&canon_root, path) {
            Ok(bytes) => {
                if let Some(d) = each(rel, bytes) {
                    diags.push(d);
                }
            }
            Err(refusal) => diags.push(refusal.diagnostic(&rel_to_root(path))),
        }
    }
}

/// True when a component of `path` below `root` is a symlink (walkdir reports
/// files reached through a linked folder as plain files).
fn path_has_symlink(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    let mut cur = PathBuf::from(root);
    for c in rel.components() {
        cur.push(c);
        if fs::symlink_metadata(&cur)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            return true;
        }
    }
    false
}

/// Parses and links the theme's templates for Tera, with a diagnostic per problem.
fn build_tera(sources: &BTreeMap<String, Source>) -> Result<Tera, Vec<Diagnostic>> {
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

/// Escapes for HTML text and quoted attributes (and XML); the one escaper of the crate,
/// which also drops the control characters that neither HTML nor XML 1.0 allow.
pub fn escape_html(input: &str) -> String {
    crate::render::xml::html_escape(input)
}

/// The error and its causes on one line each, as Tera nests them.
fn error_chain(e: &tera::Error) -> String {
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

/// Reports filters and functions that do not exist, before any page renders.
fn check_names(ast: &[Node], src: &Source, diags: &mut Vec<Diagnostic>) {
    let mut filters = BTreeSet::new();
    let mut functions = BTreeSet::new();
    walk_nodes(ast, &mut filters, &mut functions);
    for f in filters {
        if !KNOWN_FILTERS.contains(&f.as_str()) {
            let (line, col) = find_word(&src.text, &f).unwrap_or((0, 0));
            diags.push(
                Diagnostic::error(src.path.clone(), line, col, format!("unknown filter `{f}`"))
                    .with_help(format!(
                        "available filters: {}; values are pre-formatted in the page context",
                        KNOWN_FILTERS.join(", ")
                    )),
            );
        }
    }
    for f in functions {
        if !KNOWN_FUNCTIONS.contains(&f.as_str()) {
            let (line, col) = find_word(&src.text, &f).unwrap_or((0, 0));
            diags.push(
                Diagnostic::error(
                    src.path.clone(),
                    line,
                    col,
                    format!("unknown function `{f}`"),
                )
                .with_help(format!(
                    "available functions: {}",
                    KNOWN_FUNCTIONS.join(", ")
                )),
            );
        }
    }
}

fn walk_nodes(nodes: &[Node], filters: &mut BTreeSet<String>, functions: &mut BTreeSet<String>) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, e) => walk_expr(e, filters, functions),
            Node::MacroDefinition(_, m, _) => {
                for e in m.args.values().flatten() {
                    walk_expr(e, filters, functions);
                }
                walk_nodes(&m.body, filters, functions);
            }
            Node::Set(_, s) => walk_expr(&s.value, filters, functions),
            Node::FilterSection(_, f, _) => {
                walk_call(&f.filter, filters, functions, true);
                walk_nodes(&f.body, filters, functions);
            }
            Node::Block(_, b, _) => walk_nodes(&b.body, filters, functions),
            Node::Forloop(_, f, _) => {
                walk_expr(&f.container, filters, functions);
                walk_nodes(&f.body, filters, functions);
                if let Some(b) = &f.empty_body {
                    walk_nodes(b, filters, functions);
                }
            }
            Node::If(i, _) => {
                for (_, e, body) in &i.conditions {
                    walk_expr(e, filters, functions);
                    walk_nodes(body, filters, functions);
                }
                if let Some((_, body)) = &i.otherwise {
                    walk_nodes(body, filters, functions);
                }
            }
            _ => {}
        }
    }
}

fn walk_call(
    call: &FunctionCall,
    filters: &mut BTreeSet<String>,
    functions: &mut BTreeSet<String>,
    is_filter: bool,
) {
    if is_filter {
        filters.insert(call.name.clone());
    } else {
        functions.insert(call.name.clone());
    }
    for e in call.args.values() {
        walk_expr(e, filters, functions);
    }
}

fn walk_expr(e: &Expr, filters: &mut BTreeSet<String>, functions: &mut BTreeSet<String>) {
    for f in &e.filters {
        walk_call(f, filters, functions, true);
    }
    walk_val(&e.val, filters, functions);
}

fn walk_val(v: &ExprVal, filters: &mut BTreeSet<String>, functions: &mut BTreeSet<String>) {
    match v {
        ExprVal::Math(m) => {
            walk_expr(&m.lhs, filters, functions);
            walk_expr(&m.rhs, filters, functions);
        }
        ExprVal::Logic(l) => {
            walk_expr(&l.lhs, filters, functions);
            walk_expr(&l.rhs, filters, functions);
        }
        ExprVal::Test(t) => {
            for a in &t.args {
                walk_expr(a, filters, functions);
            }
        }
        ExprVal::MacroCall(m) => {
            for a in m.args.values() {
                walk_expr(a, filters, functions);
            }
        }
        ExprVal::FunctionCall(f) => walk_call(f, filters, functions, false),
        ExprVal::Array(items) => {
            for a in items {
                walk_expr(a, filters, functions);
            }
        }
        ExprVal::StringConcat(s) => {
            for a in &s.values {
                walk_val(a, filters, functions);
            }
        }
        ExprVal::In(i) => {
            walk_expr(&i.lhs, filters, functions);
            walk_expr(&i.rhs, filters, functions);
        }
        _ => {}
    }
}

/// 1-based line and column of the first whole-word occurrence of `word` inside a
/// Tera tag (`{{ }}` or `{% %}`), falling back to anywhere in the text.
fn find_word(text: &str, word: &str) -> Option<(usize, usize)> {
    if word.is_empty() {
        return None;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut fallback = None;
    for (start, _) in text.match_indices(word) {
        let before = text[..start].chars().next_back();
        let after = text[start + word.len()..].chars().next();
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            continue;
        }
        let open = text[..start].rfind(['{']);
        let close = text[..start].rfind('}');
        let in_tag = match (open, close) {
            (Some(o), Some(c)) => o > c,
            (Some(_), None) => true,
            _ => false,
        };
        let pos = crate::diag::line_col(text, start);
        if in_tag {
            return Some(pos);
        }
        fallback.get_or_insert(pos);
    }
    fallback
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
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

fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let p = dir.path().join(path);
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(p, text).expect("write");
        }
        dir
    }

    #[test]
    fn embedded_list_matches_the_theme_folder() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let list = |sub: &str| -> Vec<String> {
            let mut v: Vec<String> = fs::read_dir(base.join(sub))
                .expect("theme folder")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let templates: Vec<String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        let statics: Vec<String> = DEFAULT_STATIC.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(list("templates"), templates);
        assert_eq!(list("static"), statics);
    }

    #[test]
    fn builtin_theme_compiles() {
        let theme = Theme::builtin().expect("default theme compiles");
        assert!(theme.has_template("index.html"));
        for (name, _) in DEFAULT_TEMPLATES {
            assert!(theme.renders_compiled(name), "{name}");
        }
        let tera = Theme::builtin().unwrap().tera_only();
        assert!(!tera.renders_compiled("index.html"));
        // Built only when a page needs it: it must then compile.
        assert!(tera.tera.get().is_none());
        assert!(tera.tera().is_ok());
        let files = theme.static_files();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["favicon.svg", "style.css"]);
        assert_eq!(theme.asset_version("style.css").map(|v| v.len()), Some(8));
    }

    #[test]
    fn builtin_pages_use_no_template_but_base_and_macros() {
        // `renders_compiled` relies on it: a page is compiled only when it and these two
        // are unchanged.
        for (name, text) in DEFAULT_TEMPLATES {
            for tag in ["{% extends", "{% import", "{% include"] {
                for (i, _) in text.match_indices(tag) {
                    let rest = &text[i + tag.len()..];
                    let used = rest.split('"').nth(1).unwrap_or("");
                    assert!(
                        used == "base.html" || used == "macros.html",
                        "{name} uses {used}"
                    );
                }
            }
        }
    }

    #[test]
    fn site_overrides_templates_and_static() {
        let dir = site_with(&[
            ("templates/404.html", "custom {{ page.title }}"),
            ("templates/README.md", "notes {{ broken"),
            ("static/style.css", "body{}"),
            ("static/img/logo.png", "png"),
        ]);
        let theme = Theme::load(dir.path(), "default").expect("loads");
        assert_eq!(theme.template_path("404.html"), Some("templates/404.html"));
        // The overridden page renders with Tera, the others stay compiled.
        assert!(!theme.renders_compiled("404.html"));
        assert!(theme.renders_compiled("incident.html"));
        assert_eq!(
            theme.template_path("index.html"),
            Some("themes/default/templates/index.html")
        );
        let files = theme.static_files();
        let css = files.iter().find(|f| f.path == "style.css").expect("css");
        assert_eq!(css.bytes, b"body{}");
        assert!(files.iter().any(|f| f.path == "img/logo.png"));
        let out = theme
            .render("404.html", &(), &serde_json::json!({"title": "<b>"}))
            .expect("renders");
        assert_eq!(out, "custom &lt;b&gt;");
    }

    #[test]
    fn site_theme_layers_between_builtin_and_site() {
        let dir = site_with(&[
            ("themes/calm/templates/404.html", "theme"),
            ("themes/calm/templates/extra.html", "extra"),
            ("themes/calm/static/style.css", "theme-css"),
            ("templates/extra.html", "site"),
        ]);
        let theme = Theme::load(dir.path(), "calm").expect("loads");
        assert_eq!(
            theme.template_path("404.html"),
            Some("themes/calm/templates/404.html")
        );
        assert_eq!(
            theme.template_path("extra.html"),
            Some("templates/extra.html")
        );
        assert!(theme.has_template("incident.html"));
        let css = theme
            .static_files()
            .into_iter()
            .find(|f| f.path == "style.css");
        assert_eq!(css.map(|f| f.bytes), Some(b"theme-css".to_vec()));
    }

    #[test]
    fn unknown_theme_names_site_toml() {
        let dir = site_with(&[]);
        let err = Theme::load(dir.path(), "fancy").expect_err("no such theme");
        assert_eq!(err[0].file, "site.toml");
        assert!(err[0].message.contains("fancy"), "{}", err[0]);
        let err = Theme::load(dir.path(), "../x").expect_err("bad name");
        assert_eq!(err[0].file, "site.toml");
    }

    #[test]
    fn parse_error_names_file_and_line() {
        let dir = site_with(&[(
            "templates/index.html",
            "<p>ok</p>\n<p>{{ page.title }}</p>\n<p>{% if %}</p>\n",
        )]);
        let err = Theme::load(dir.path(), "default").expect_err("broken");
        assert_eq!(err.len(), 1, "{err:?}");
        assert_eq!(err[0].file, "templates/index.html");
        assert_eq!(err[0].line, 3);
        assert!(err[0].column > 0);
        assert!(
            err[0].message.starts_with("template syntax error"),
            "{}",
            err[0]
        );
        assert!(err[0].help.is_some());
    }

    #[test]
    fn unknown_filter_and_function_are_caught_at_load() {
        let dir = site_with(&[(
            "templates/history.html",
            "a\n\nb {{ page.title | shout }}\n{{ now() }}\n",
        )]);
        let err = Theme::load(dir.path(), "default").expect_err("broken");
        assert_eq!(err.len(), 2, "{err:?}");
        assert_eq!(err[0].file, "templates/history.html");
        assert_eq!((err[0].line, err[0].column), (3, 19));
        assert!(err[0].message.contains("`shout`"));
        assert_eq!(err[1].line, 4);
        assert!(err[1].message.contains("`now`"));
    }

    #[test]
    fn missing_parent_names_the_child() {
        let dir = site_with(&[("templates/404.html", "{% extends \"nope.html\" %}")]);
        let err = Theme::load(dir.path(), "default").expect_err("broken");
        assert_eq!(err[0].file, "templates/404.html", "{}", err[0]);
        assert!(err[0].message.contains("nope.html"));
    }

    #[test]
    fn render_error_names_template_and_line() {
        let dir = site_with(&[("templates/404.html", "ok\n{{ page.nope.deeper }}\n")]);
        let theme = Theme::load(dir.path(), "default").expect("parses");
        let err = theme.render("404.html", &(), &()).expect_err("fails");
        assert_eq!(err.file, "templates/404.html");
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains("page.nope.deeper"), "{err}");
    }

    #[test]
    fn escaping_keeps_slashes() {
        assert_eq!(
            escape_html(r#"/a/?b=1&c="<'>"#),
            "/a/?b=1&amp;c=&quot;&lt;&#39;&gt;"
        );
    }
}
