//! Checks a template for filters and functions Tera does not have (a typo would
//! otherwise fail only when a page renders), with the file and line of each.

use std::collections::BTreeSet;

use tera::ast::{Expr, ExprVal, FunctionCall, Node};

use crate::diag::Diagnostic;
use crate::render::theme::sources::Source;

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

/// `t` is statusgen's: the interface text of the build's language (`crate::i18n`).
const KNOWN_FUNCTIONS: &[&str] = &["range", "throw", "get_env", "t"];

/// Reports filters and functions that do not exist, before any page renders.
pub fn check_names(ast: &[Node], src: &Source, diags: &mut Vec<Diagnostic>) {
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
pub fn find_word(text: &str, word: &str) -> Option<(usize, usize)> {
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
