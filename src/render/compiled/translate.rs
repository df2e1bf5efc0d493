//! Translates the built-in theme's Tera templates into askama templates, mechanically.
//!
//! The Tera templates in `themes/default/templates/` are the theme's only hand-edited
//! source; `build.rs` runs this translator on every build and askama compiles its output
//! (`render::compiled`). The two languages agree on almost everything the theme uses;
//! the differences are rewritten here, one rule each:
//!
//! - Tera's truthiness (`{% if x %}` is false for `false`, `""`, `[]`, `0` and missing
//!   values) becomes a call to [`TeraIf`](super::TeraIf): a bare path becomes
//!   `{% if let Some(x_v) = x.tera_if() %}` and every use of `x` inside the branch reads
//!   `x_v`, which is how an optional value is unwrapped; a path inside a larger condition
//!   becomes `x.truthy()`.
//! - Macro calls `{{ m::name(a=b) }}` become `{% call m::name(a=b) %}{% endcall %}`
//!   (`self::` dropped), `{% set %}` becomes `{% let %}`, `elif` becomes `else if`, `and`,
//!   `or` and `not` become `&&`, `||` and `!`, `| length` becomes `.len()`.
//! - askama drops a template file's last newline, so a comment line is appended to keep it.
//!
//! Anything else Tera can express and askama cannot is refused with the template's name
//! and line, so the theme can only use what translates exactly; a test renders every
//! fixture both ways and compares the bytes.
//!
//! This file is also compiled by `build.rs` (`#[path]`), so it uses only `std` and
//! `thiserror` (a build-dependency too).

/// A template construct the translator does not handle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("themes/default/templates/{template}:{line}: {message}")]
pub struct TranslateError {
    pub template: String,
    pub line: usize,
    pub message: String,
}

/// The filters the translator knows. `length` becomes a method call; the others are
/// askama filters of the same name and meaning.
const FILTERS: &[&str] = &["safe"];

/// Translates one Tera template (`name` is only used in error messages).
pub fn translate(name: &str, source: &str) -> Result<String, TranslateError> {
    Translator {
        name,
        source,
        scopes: Vec::new(),
        out: String::with_capacity(source.len() + source.len() / 4),
    }
    .run()
}

/// One open block of the template, as far as the translator cares.
enum Scope {
    /// An `if`; `binding` is the path a bare-path condition bound and the variable it
    /// is bound to, live only in the branch it guards.
    If { binding: Option<(String, String)> },
    /// A `for`: its loop variables hide any binding of the same name.
    For { names: Vec<String> },
    /// A macro body: nothing from outside is visible.
    Macro,
    /// Any other block (`block`): transparent.
    Other,
}

struct Translator<'a> {
    name: &'a str,
    source: &'a str,
    scopes: Vec<Scope>,
    out: String,
}

/// A piece of template source: text, or a tag with its delimiters.
struct Tag<'a> {
    /// `{{`, `{%` or `{#`.
    kind: &'static str,
    /// The whitespace-control marks written inside the delimiters (`-`, or nothing).
    open_ws: &'a str,
    close_ws: &'a str,
    body: &'a str,
    /// Byte offset of the tag, for the line in error messages.
    at: usize,
}

impl<'a> Translator<'a> {
    fn run(mut self) -> Result<String, TranslateError> {
        let src = self.source;
        let mut rest = 0;
        while let Some(found) = src[rest..].find('{') {
            let start = rest + found;
            let kind = match src.get(start..start + 2) {
                Some("{{") => "{{",
                Some("{%") => "{%",
                Some("{#") => "{#",
                _ => {
                    self.out.push_str(&src[rest..=start]);
                    rest = start + 1;
                    continue;
                }
            };
            self.out.push_str(&src[rest..start]);
            let close = match kind {
                "{{" => "}}",
                "{%" => "%}",
                _ => "#}",
            };
            let inner_start = start + 2;
            let Some(len) = src[inner_start..].find(close) else {
                return Err(self.error(start, format!("`{kind}` is never closed")));
            };
            let inner = &src[inner_start..inner_start + len];
            rest = inner_start + len + 2;
            if kind == "{#" {
                self.out.push_str(&src[start..rest]);
                continue;
            }
            let (open_ws, inner) = match inner.strip_prefix('-') {
                Some(stripped) => ("-", stripped),
                None => ("", inner),
            };
            let (close_ws, body) = match inner.strip_suffix('-') {
                Some(stripped) => ("-", stripped),
                None => ("", inner),
            };
            let tag = Tag {
                kind,
                open_ws,
                close_ws,
                body: body.trim(),
                at: start,
            };
            if kind == "{{" {
                self.expression(&tag)?;
            } else {
                self.statement(&tag)?;
            }
        }
        self.out.push_str(&src[rest..]);
        if let Some(scope) = self.scopes.last() {
            let what = match scope {
                Scope::If { .. } => "if",
                Scope::For { .. } => "for",
                Scope::Macro => "macro",
                Scope::Other => "block",
            };
            return Err(self.error(src.len(), format!("`{what}` is never closed")));
        }
        if self.out.ends_with('\n') {
            self.out.push_str(
                "{# askama drops a template's last newline: this line keeps the one above. #}\n",
            );
        }
        Ok(self.out)
    }

    fn error(&self, at: usize, message: String) -> TranslateError {
        TranslateError {
            template: self.name.to_string(),
            line: self.source[..at.min(self.source.len())]
                .matches('\n')
                .count()
                + 1,
            message,
        }
    }

    fn emit(&mut self, tag: &Tag, body: &str) {
        let close = if tag.kind == "{{" { "}}" } else { "%}" };
        self.out.push_str(tag.kind);
        self.out.push_str(tag.open_ws);
        self.out.push(' ');
        self.out.push_str(body);
        self.out.push(' ');
        self.out.push_str(tag.close_ws);
        self.out.push_str(close);
    }

    /// `{{ … }}`: a macro call becomes askama's `{% call %}`, anything else an expression.
    fn expression(&mut self, tag: &Tag) -> Result<(), TranslateError> {
        let tokens = self.tokens(tag)?;
        if let [
            Tok::Ident(ns),
            Tok::Punct("::"),
            Tok::Ident(name),
            Tok::Punct("("),
            ..,
        ] = tokens.as_slice()
            && tokens.last() == Some(&Tok::Punct(")"))
        {
            let args = self.expr(&tokens[4..tokens.len() - 1], tag)?;
            let callee = if *ns == "self" {
                (*name).to_string()
            } else {
                format!("{ns}::{name}")
            };
            self.out.push_str(&format!(
                "{{%{} call {callee}({args}) %}}{{% endcall {}%}}",
                tag.open_ws, tag.close_ws
            ));
            return Ok(());
        }
        let body = self.expr(&tokens, tag)?;
        self.emit(tag, &body);
        Ok(())
    }

    fn statement(&mut self, tag: &Tag) -> Result<(), TranslateError> {
        let keyword = tag.body.split_whitespace().next().unwrap_or("");
        let rest = tag.body[keyword.len()..].trim();
        match keyword {
            "extends" | "import" | "include" => self.emit(tag, tag.body),
            "block" => {
                self.scopes.push(Scope::Other);
                self.emit(tag, tag.body);
            }
            "macro" => {
                self.scopes.push(Scope::Macro);
                self.emit(tag, tag.body);
            }
            "endblock" | "endmacro" | "endfor" | "endif" => {
                if self.scopes.pop().is_none() {
                    return Err(self.error(tag.at, format!("`{keyword}` without an opening tag")));
                }
                self.emit(tag, tag.body);
            }
            "set" => {
                let Some((name, value)) = rest.split_once('=') else {
                    return Err(self.error(tag.at, "`set` without `=`".to_string()));
                };
                let tokens = self.tokenize(value, tag)?;
                let value = self.expr(&tokens, tag)?;
                self.emit(tag, &format!("let {} = {value}", name.trim()));
            }
            "for" => {
                let Some((names, iterable)) = rest.split_once(" in ") else {
                    return Err(self.error(tag.at, "`for` without `in`".to_string()));
                };
                let tokens = self.tokenize(iterable, tag)?;
                let iterable = self.expr(&tokens, tag)?;
                let names: Vec<String> = names.split(',').map(|n| n.trim().to_string()).collect();
                let pattern = if names.len() == 1 {
                    names[0].clone()
                } else {
                    format!("({})", names.join(", "))
                };
                self.scopes.push(Scope::For { names });
                self.emit(tag, &format!("for {pattern} in {iterable}"));
            }
            "if" => {
                self.scopes.push(Scope::If { binding: None });
                let cond = self.condition(rest, tag)?;
                self.emit(tag, &format!("if {cond}"));
            }
            // `for … else`: the same in both languages (the loop ran zero times).
            "else" if matches!(self.scopes.last(), Some(Scope::For { .. })) => {
                self.emit(tag, "else");
            }
            "elif" | "else" => {
                let Some(Scope::If { binding }) = self.scopes.last_mut() else {
                    return Err(self.error(tag.at, format!("`{keyword}` outside an `if`")));
                };
                // The previous branch's binding ends here.
                *binding = None;
                if keyword == "else" {
                    self.emit(tag, "else");
                } else {
                    let cond = self.condition(rest, tag)?;
                    self.emit(tag, &format!("else if {cond}"));
                }
            }
            _ => {
                return Err(self.error(
                    tag.at,
                    format!("`{{% {keyword} %}}` has no askama translation"),
                ));
            }
        }
        Ok(())
    }

    /// An `if`/`elif` condition. A lone path binds its value for the branch; anything
    /// else becomes a boolean expression with Tera's truthiness made explicit.
    fn condition(&mut self, cond: &str, tag: &Tag) -> Result<String, TranslateError> {
        let tokens = self.tokenize(cond, tag)?;
        if let Some(path) = lone_path(&tokens) {
            let path = self.substitute(&path);
            let var = format!("{}_v", path.rsplit('.').next().unwrap_or(&path));
            if let Some(Scope::If { binding }) = self.scopes.last_mut() {
                *binding = Some((path.clone(), var.clone()));
            }
            return Ok(format!("let Some({var}) = {path}.tera_if()"));
        }
        self.boolean(&tokens, tag)
    }

    /// A condition as a Rust boolean: operands of `and`/`or`/`not` that are not
    /// comparisons are tested with `.truthy()`.
    fn boolean(&self, tokens: &[Tok], tag: &Tag) -> Result<String, TranslateError> {
        let mut out = Vec::new();
        for part in split_top_level(tokens, &["and", "or"]) {
            match part {
                Part::Op(op) => out.push(if op == "and" { "&&" } else { "||" }.to_string()),
                Part::Operand(mut toks) => {
                    let mut nots = 0;
                    while let [Tok::Ident("not"), tail @ ..] = toks {
                        nots += 1;
                        toks = tail;
                    }
                    let operand = if let [Tok::Punct("("), inner @ .., Tok::Punct(")")] = toks
                        && balanced(inner)
                    {
                        format!("({})", self.boolean(inner, tag)?)
                    } else if has_top_level_comparison(toks) {
                        self.expr(toks, tag)?
                    } else {
                        format!("{}.truthy()", self.expr(toks, tag)?)
                    };
                    out.push(format!("{}{operand}", "!".repeat(nots)));
                }
            }
        }
        Ok(out.join(" "))
    }

    /// Translates an expression token by token.
    fn expr(&self, tokens: &[Tok], tag: &Tag) -> Result<String, TranslateError> {
        let mut out = String::new();
        let mut i = 0;
        while i < tokens.len() {
            let tok = &tokens[i];
            match tok {
                Tok::Punct("|") => {
                    let Some(Tok::Ident(filter)) = tokens.get(i + 1) else {
                        return Err(self.error(tag.at, "`|` without a filter name".into()));
                    };
                    if tokens.get(i + 2) == Some(&Tok::Punct("(")) {
                        return Err(self.error(
                            tag.at,
                            format!("filter `{filter}` with arguments has no askama translation"),
                        ));
                    }
                    if *filter == "length" {
                        out.push_str(".len()");
                    } else if FILTERS.contains(filter) {
                        out.push('|');
                        out.push_str(filter);
                    } else {
                        return Err(self.error(
                            tag.at,
                            format!("filter `{filter}` has no askama translation"),
                        ));
                    }
                    i += 2;
                    continue;
                }
                Tok::Ident("and") => push_spaced(&mut out, "&&"),
                Tok::Ident("or") => push_spaced(&mut out, "||"),
                Tok::Ident("not") => push_spaced(&mut out, "!"),
                Tok::Ident("in" | "is") => {
                    return Err(self.error(
                        tag.at,
                        format!("`{}` has no askama translation", tok.text()),
                    ));
                }
                // `t(k="key", name=value…)`: the build's texts (`crate::i18n`), a Tera
                // function with named arguments; askama calls `t.k("key").a("name", value)`.
                Tok::Ident("t") if tokens.get(i + 1) == Some(&Tok::Punct("(")) => {
                    let Some(len) = closing_paren(&tokens[i + 1..]) else {
                        return Err(self.error(tag.at, "`t(` is never closed".into()));
                    };
                    let call = self.text_call(&tokens[i + 2..i + 1 + len], tag)?;
                    push_word(&mut out, &call);
                    i += len + 2;
                    continue;
                }
                Tok::Ident("True") => push_word(&mut out, "true"),
                Tok::Ident("False") => push_word(&mut out, "false"),
                Tok::Ident(_) => {
                    // A path: `a.b.c`, possibly bound by an enclosing `if`.
                    let mut path = tok.text().to_string();
                    let mut j = i + 1;
                    let after_colons = i > 0 && tokens[i - 1] == Tok::Punct("::");
                    while let (Some(Tok::Punct(".")), Some(Tok::Ident(next))) =
                        (tokens.get(j), tokens.get(j + 1))
                    {
                        path.push('.');
                        path.push_str(next);
                        j += 2;
                    }
                    // A named argument (`a=b`) or a macro name is not a variable.
                    let is_name = after_colons
                        || tokens.get(j) == Some(&Tok::Punct("="))
                        || tokens.get(j) == Some(&Tok::Punct("::"));
                    let path = if is_name {
                        path
                    } else {
                        self.substitute(&path)
                    };
                    push_word(&mut out, &path);
                    i = j;
                    continue;
                }
                Tok::Str(s) => push_word(&mut out, &format!("{s:?}")),
                Tok::Num(n) => push_word(&mut out, n),
                Tok::Punct(p @ ("(" | ")" | "." | "::" | "[" | "]")) => out.push_str(p),
                Tok::Punct(",") => out.push_str(", "),
                Tok::Punct("=") => out.push('='),
                Tok::Punct(p) => push_spaced(&mut out, p),
            }
            i += 1;
        }
        Ok(out.trim().to_string())
    }

    /// The arguments of `t(…)` as a method chain: `k` first (a string literal), then
    /// every other named argument as `.a("name", value)`.
    fn text_call(&self, args: &[Tok], tag: &Tag) -> Result<String, TranslateError> {
        let mut key = None;
        let mut rest = String::new();
        for arg in split_commas(args) {
            let [Tok::Ident(name), Tok::Punct("="), value @ ..] = arg else {
                return Err(self.error(
                    tag.at,
                    "`t` takes named arguments only: t(k=\"key\", name=value)".into(),
                ));
            };
            if *name == "k" {
                let [Tok::Str(k)] = value else {
                    return Err(self.error(tag.at, "`t`'s key `k` must be a string literal".into()));
                };
                key = Some(k.clone());
            } else {
                rest.push_str(&format!(".a({name:?}, {})", self.expr(value, tag)?));
            }
        }
        let Some(key) = key else {
            return Err(self.error(tag.at, "`t` needs the text's key `k`".into()));
        };
        Ok(format!("t.k({key:?}){rest}"))
    }

    /// The variable a path reads, after the bindings of the enclosing `if`s.
    fn substitute(&self, path: &str) -> String {
        let root = path.split('.').next().unwrap_or(path);
        // Bindings outside a macro, or outside a loop that binds the path's root, do not
        // reach it. The rest apply outermost first: an inner binding was recorded with
        // the outer ones already substituted (`{% if a %}{% if a.b %}{{ a.b }}` reads `b_v`).
        let start = self
            .scopes
            .iter()
            .rposition(|scope| match scope {
                Scope::Macro => true,
                Scope::For { names } => names.iter().any(|n| n == root),
                _ => false,
            })
            .map_or(0, |i| i + 1);
        let mut path = path.to_string();
        for scope in &self.scopes[start..] {
            if let Scope::If {
                binding: Some((bound, var)),
            } = scope
            {
                if path == *bound {
                    path = var.clone();
                } else if let Some(tail) = path.strip_prefix(bound.as_str())
                    && tail.starts_with('.')
                {
                    path = format!("{var}{tail}");
                }
            }
        }
        path
    }

    fn tokens<'s>(&self, tag: &Tag<'s>) -> Result<Vec<Tok<'s>>, TranslateError> {
        self.tokenize(tag.body, tag)
    }

    fn tokenize<'s>(&self, s: &'s str, tag: &Tag) -> Result<Vec<Tok<'s>>, TranslateError> {
        tokenize(s).map_err(|m| self.error(tag.at, m))
    }
}

/// A token of a Tera expression.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Str(String),
    Num(&'a str),
    Punct(&'a str),
}

impl Tok<'_> {
    fn text(&self) -> &str {
        match self {
            Tok::Ident(s) | Tok::Num(s) | Tok::Punct(s) => s,
            Tok::Str(s) => s,
        }
    }
}

const PUNCTS: &[&str] = &[
    "==", "!=", ">=", "<=", "::", ">", "<", "+", "-", "*", "/", "%", "~", "(", ")", "[", "]", ",",
    ".", "|", "=",
];

fn tokenize(s: &str) -> Result<Vec<Tok<'_>>, String> {
    let mut tokens = Vec::new();
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < s.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'"' || c == b'\'' || c == b'`' {
            let Some(len) = s[i + 1..].find(c as char) else {
                return Err(format!("unterminated string in `{s}`"));
            };
            tokens.push(Tok::Str(s[i + 1..i + 1 + len].to_string()));
            i += len + 2;
        } else if c.is_ascii_digit() {
            let len = s[i..]
                .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
                .unwrap_or(s.len() - i);
            tokens.push(Tok::Num(&s[i..i + len]));
            i += len;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let len = s[i..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(s.len() - i);
            tokens.push(Tok::Ident(&s[i..i + len]));
            i += len;
        } else if let Some(p) = PUNCTS.iter().find(|p| s[i..].starts_with(**p)) {
            tokens.push(Tok::Punct(p));
            i += p.len();
        } else {
            return Err(format!(
                "unexpected `{}` in `{s}`",
                &s[i..].chars().next().unwrap_or(' ')
            ));
        }
    }
    Ok(tokens)
}

/// `a.b.c` alone (no operators, filters or calls).
fn lone_path(tokens: &[Tok]) -> Option<String> {
    let mut path = String::new();
    for (n, tok) in tokens.iter().enumerate() {
        match (n % 2, tok) {
            (0, Tok::Ident(id)) if !matches!(*id, "not" | "true" | "false" | "True" | "False") => {
                path.push_str(id);
            }
            (1, Tok::Punct(".")) => path.push('.'),
            _ => return None,
        }
    }
    (tokens.len() % 2 == 1).then_some(path)
}

enum Part<'t, 'a> {
    Op(&'a str),
    Operand(&'t [Tok<'a>]),
}

/// Splits at the given keywords outside parentheses.
fn split_top_level<'t, 'a>(tokens: &'t [Tok<'a>], ops: &[&str]) -> Vec<Part<'t, 'a>> {
    let mut parts = Vec::new();
    let mut start = 0;
    for i in top_level(tokens, |t| matches!(t, Tok::Ident(op) if ops.contains(op))) {
        parts.push(Part::Operand(&tokens[start..i]));
        if let Tok::Ident(op) = tokens[i] {
            parts.push(Part::Op(op));
        }
        start = i + 1;
    }
    parts.push(Part::Operand(&tokens[start..]));
    parts
}

/// The positions of the tokens `at` picks outside parentheses and brackets.
fn top_level(tokens: &[Tok], at: impl Fn(&Tok) -> bool) -> Vec<usize> {
    let mut depth = 0i32;
    let mut found = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        match tok {
            Tok::Punct("(" | "[") => depth += 1,
            Tok::Punct(")" | "]") => depth -= 1,
            t if depth == 0 && at(t) => found.push(i),
            _ => {}
        }
    }
    found
}

/// The index of the `)` closing the `(` at `tokens[0]`.
fn closing_paren(tokens: &[Tok]) -> Option<usize> {
    let mut depth = 0i32;
    for (i, tok) in tokens.iter().enumerate() {
        match tok {
            Tok::Punct("(") => depth += 1,
            Tok::Punct(")") => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits call arguments at the commas outside parentheses.
fn split_commas<'t, 'a>(tokens: &'t [Tok<'a>]) -> Vec<&'t [Tok<'a>]> {
    let mut parts = Vec::new();
    let mut start = 0;
    for i in top_level(tokens, |t| matches!(t, Tok::Punct(","))) {
        parts.push(&tokens[start..i]);
        start = i + 1;
    }
    if start < tokens.len() {
        parts.push(&tokens[start..]);
    }
    parts
}

fn balanced(tokens: &[Tok]) -> bool {
    let mut depth = 0i32;
    for tok in tokens {
        match tok {
            Tok::Punct("(") => depth += 1,
            Tok::Punct(")") => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

fn has_top_level_comparison(tokens: &[Tok]) -> bool {
    let mut depth = 0i32;
    tokens.iter().any(|tok| match tok {
        Tok::Punct("(") => {
            depth += 1;
            false
        }
        Tok::Punct(")") => {
            depth -= 1;
            false
        }
        Tok::Punct("==" | "!=" | ">" | "<" | ">=" | "<=") => depth == 0,
        _ => false,
    })
}

fn push_spaced(out: &mut String, s: &str) {
    if !out.is_empty() && !out.ends_with([' ', '(']) {
        out.push(' ');
    }
    out.push_str(s);
    if s != "!" {
        out.push(' ');
    }
}

fn push_word(out: &mut String, s: &str) {
    if !out.is_empty() && !out.ends_with([' ', '(', '.', ':', '[', '=', '!']) {
        out.push(' ');
    }
    out.push_str(s);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(src: &str) -> String {
        translate("t.html", src).unwrap()
    }

    #[test]
    fn a_lone_path_binds_its_value_for_the_branch_only() {
        assert_eq!(
            t("{% if i.resolved %}{{ i.resolved.display }}{% else %}{{ i.resolved }}{% endif %}"),
            "{% if let Some(resolved_v) = i.resolved.tera_if() %}{{ resolved_v.display }}\
             {% else %}{{ i.resolved }}{% endif %}"
        );
        // Nested: the inner binding of a path under the outer one is used inside it.
        assert_eq!(
            t(
                "{% if a.logo %}{% if a.logo.dark %}{{ a.logo.dark }}{% endif %}{{ a.logo.url }}{% endif %}"
            ),
            "{% if let Some(logo_v) = a.logo.tera_if() %}{% if let Some(dark_v) = logo_v.dark.tera_if() %}\
             {{ dark_v }}{% endif %}{{ logo_v.url }}{% endif %}"
        );
    }

    #[test]
    fn compound_conditions_test_truthiness_explicitly() {
        assert_eq!(
            t("{% if not w.percent %}a{% elif w.breach and x > 2 %}b{% endif %}"),
            "{% if !w.percent.truthy() %}a{% else if w.breach.truthy() && x > 2 %}b{% endif %}"
        );
        assert_eq!(
            t("{% if page.contents | length > 2 %}x{% endif %}"),
            "{% if page.contents.len() > 2 %}x{% endif %}"
        );
    }

    #[test]
    fn macro_calls_become_call_blocks() {
        assert_eq!(
            t("{{ m::impact(i=i) }}{{- self::marks(items=u.items, name=\"a \" ~ n) -}}"),
            "{% call m::impact(i=i) %}{% endcall %}\
             {%- call marks(items=u.items, name=\"a \" ~ n) %}{% endcall -%}"
        );
    }

    #[test]
    fn bindings_reach_macro_arguments_but_not_loop_variables_or_macros() {
        assert_eq!(
            t(
                "{% if c.uptime %}{{ m::row(u=c.uptime) }}{% for c in xs %}{{ c.uptime }}{% endfor %}{% endif %}"
            ),
            "{% if let Some(uptime_v) = c.uptime.tera_if() %}{% call m::row(u=uptime_v) %}{% endcall %}\
             {% for c in xs %}{{ c.uptime }}{% endfor %}{% endif %}"
        );
    }

    #[test]
    fn text_calls_become_method_chains() {
        assert_eq!(
            t("{{ t(k=\"page_of\", page=p.n, pages=3) }}{{ m::x(name=t(k=\"a\")) }}"),
            "{{ t.k(\"page_of\").a(\"page\", p.n).a(\"pages\", 3) }}\
             {% call m::x(name=t.k(\"a\")) %}{% endcall %}"
        );
        assert!(translate("x.html", "{{ t(k=key) }}").is_err());
        assert!(translate("x.html", "{{ t(\"a\") }}").is_err());
    }

    #[test]
    fn set_filters_and_final_newline() {
        assert_eq!(
            t("{% set i = page.incident %}{{ page.body | safe }}\n"),
            "{% let i = page.incident %}{{ page.body|safe }}\n\
             {# askama drops a template's last newline: this line keeps the one above. #}\n"
        );
    }

    #[test]
    fn what_cannot_translate_is_refused_with_its_line() {
        let err = translate("x.html", "a\n{{ x | upper }}").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.to_string().contains("x.html:2: filter `upper`"),
            "{err}"
        );
        assert!(translate("x.html", "{% raw %}").is_err());
        assert!(translate("x.html", "{% if a in b %}{% endif %}").is_err());
        assert!(translate("x.html", "{% if a %}").is_err());
        assert!(translate("x.html", "{{ a").is_err());
    }
}
