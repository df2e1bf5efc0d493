//! Themes: the Tera templates and static assets pages are rendered with.
//!
//! Layers, later ones win file by file: the default theme embedded in the binary
//! (so an installed `statusgen` works anywhere), then `themes/<name>/` of the site,
//! then the site's own `templates/` and `static/` ([`sources`]). Templates are compiled
//! once per build and checked before any page is rendered ([`lint`], [`tera_errors`]),
//! so a broken override is reported with its file and line instead of failing halfway
//! through the site. Pages made only of unchanged built-in templates render with their
//! compiled form instead (`render::compiled`); Tera then never needs to parse the
//! built-in templates at all.

pub mod lint;
pub mod sources;
pub mod tera_errors;

pub use sources::{builtin_static, builtin_templates};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::render::theme::lint::find_word;
use crate::render::theme::sources::{
    DEFAULT_TEMPLATES, Source, builtin_sources, builtin_statics, insert_template, read_tree,
};
use crate::render::theme::tera_errors::{between, build_tera, error_chain};

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
        texts: &'static crate::i18n::Texts,
    ) -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("site", site);
        ctx.insert("page", page);
        let tera = self.tera()?;
        crate::i18n::with_texts(texts, || tera.render(template, &ctx))
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

pub(crate) fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::sources::*;
    use super::tera_errors::escape_html;
    use super::*;
    use std::fs;

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
        assert_eq!(paths, ["favicon.svg", "localtime.js", "style.css"]);
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
            .render(
                "404.html",
                &(),
                &serde_json::json!({"title": "<b>"}),
                crate::i18n::Texts::english(),
            )
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
        let err = theme
            .render("404.html", &(), &(), crate::i18n::Texts::english())
            .expect_err("fails");
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
