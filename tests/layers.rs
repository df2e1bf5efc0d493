//! The crate's modules depend only down the pipeline: load → derive → render → write,
//! and nothing imports a stage above it. Every module of `src/` is given a layer here;
//! a reference (`crate::…`, `super::…`) to a module of a higher layer, a cycle between
//! modules, or a module missing from the table fails the test, with the offending
//! edges listed. Test modules (`#[cfg(test)] mod tests`) are left out: tests may reach
//! anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path prefixes and their layer, lowest first; the longest prefix wins. A
/// module may import its own layer's modules only within the same top-level module:
/// `render` and `output` share a layer and so cannot import each other.
const LAYERS: &[(&str, u32)] = &[
    // Leaves: the shared vocabulary, diagnostics, "now", the built files.
    ("vocabulary", 0),
    ("diag", 0),
    ("now", 0),
    ("files", 0),
    // The post-mortem section names and their synonyms.
    ("sections", 0),
    // The base URL's normal form and its check (worded as diagnostics).
    ("base_url", 1),
    // The interface's languages: catalogs and locale formatting.
    ("i18n", 1),
    // The typed site.
    ("site", 2),
    // Reading it.
    ("load", 3),
    // Deriving from it.
    ("model", 4),
    ("validate", 5),
    // Rendering and writing, side by side.
    ("render", 6),
    ("output", 6),
    // The build: all of the above.
    ("build", 7),
    // Commands on top of the build.
    ("authoring", 8),
    ("serve", 8),
    ("notify", 8),
    // Import writes content the way `new` does, with its helpers.
    ("import", 9),
    ("cli", 10),
    // Fuzzing entry points into the parsers and renderers.
    ("fuzz_targets", 10),
    ("main", 11),
    ("lib", 11),
    // Test-only: the builder the unit tests make sites with.
    ("test_site", 11),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS
        .iter()
        .filter(|(prefix, _)| module == *prefix || module.starts_with(&format!("{prefix}::")))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, l)| *l)
}

fn module_name(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without its test module and comments.
fn code(text: &str) -> String {
    let test_module = [
        "#[cfg(test)]\nmod tests",
        "#[cfg(test)]\npub(crate) mod tests",
    ]
    .iter()
    .filter_map(|m| text.find(m))
    .min();
    let text = match test_module {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("//") { "" } else { l }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b` path in `code`, with `crate::a::{b, c::d}` groups expanded.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + 7..];
        let before_ok =
            i == 0 || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$');
        if before_ok {
            expand("", after, &mut out);
        }
        rest = after;
    }
    out
}

/// Reads one path (`a::b::{c, d::e}`) at the start of `s`, prefixed by `base`.
fn expand(base: &str, s: &str, out: &mut Vec<String>) {
    let mut path = base.to_string();
    let mut s = s;
    loop {
        let len = s
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        if len > 0 {
            if !path.is_empty() {
                path.push_str("::");
            }
            path.push_str(&s[..len]);
            s = &s[len..];
        }
        if let Some(tail) = s.strip_prefix("::") {
            if let Some(group) = tail.strip_prefix('{') {
                // Split the group at top-level commas.
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            let item = group[start..i].trim();
                            if !item.is_empty() {
                                expand(&path, item, out);
                            }
                            return;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            let item = group[start..i].trim();
                            if !item.is_empty() {
                                expand(&path, item, out);
                            }
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            s = tail;
            continue;
        }
        out.push(path);
        return;
    }
}

/// The longest prefix of `path` that is a module of the crate.
fn owning_module(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|m| modules.contains(m))
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files: Vec<_> = walkdir::WalkDir::new(&src)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|f| module_name(&src, f)).collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        let module = module_name(&src, file);
        let text = code(&std::fs::read_to_string(file).unwrap());
        let mut deps = BTreeSet::new();
        for path in crate_paths(&text) {
            if let Some(m) = owning_module(&path, &modules) {
                deps.insert(m);
            }
        }
        // `super::x` from a child module.
        let parent = module.rsplit_once("::").map(|(p, _)| p.to_string());
        for (i, _) in text.match_indices("super::") {
            let tail = &text[i + 7..];
            let name_len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            let base = parent.clone().unwrap_or_default();
            let path = if base.is_empty() {
                tail[..name_len].to_string()
            } else {
                format!("{base}::{}", &tail[..name_len])
            };
            if let Some(m) = owning_module(&path, &modules) {
                deps.insert(m);
            }
        }
        deps.remove(&module);
        deps.remove("");
        graph.insert(module, deps);
    }
    graph
}

#[test]
fn no_module_imports_a_stage_above_it() {
    let graph = graph();
    let mut problems = Vec::new();
    for (module, deps) in &graph {
        let Some(own) = layer(module) else {
            problems.push(format!("{module} has no layer in tests/layers.rs"));
            continue;
        };
        for dep in deps {
            let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
            match layer(dep) {
                Some(l) if l > own => {
                    problems.push(format!("{module} (layer {own}) imports {dep} (layer {l})"))
                }
                Some(l) if l == own && top(dep) != top(module) => problems.push(format!(
                    "{module} imports {dep}, beside it on layer {l}: move what both need lower"
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_two_modules_import_each_other_even_indirectly() {
    let graph = graph();
    // Tarjan's strongly connected components.
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        cycles: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.cycles.push(component);
            }
        }
    }
    let mut s = State {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        cycles: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    let cycles: Vec<String> = s.cycles.iter().map(|c| c.join(" ⇄ ")).collect();
    assert!(
        cycles.is_empty(),
        "modules in a circle:\n{}",
        cycles.join("\n")
    );
}

/// Prints the module graph (`cargo test --test layers -- --nocapture print`).
#[test]
fn print_the_module_graph() {
    for (module, deps) in graph() {
        let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
        println!("{module} → {}", deps.join(", "));
    }
}
