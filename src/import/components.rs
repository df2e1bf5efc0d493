//! Source component names → statusgen component ids: the source's declared components,
//! the ones already in site.toml, `--map FILE`, and names only incidents use.

use std::collections::{BTreeMap, HashMap};

use crate::import::model::{Origin, SourceComponent};
use crate::import::report::Report;
use crate::load::slug;
use crate::site::Config;

/// A component to add to site.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct NewComponent {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
}

/// `--map FILE`: source name → component id, or `""` to drop it.
pub type NameMap = BTreeMap<String, String>;

/// Reads `--map FILE`, or says why not (with the line).
pub fn read_map(path: &std::path::Path) -> Result<NameMap, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        format!("{}:{line}: {}", path.display(), e.message())
    })?;
    let mut map = NameMap::new();
    for (k, v) in table {
        match v.as_str() {
            Some(id) if id.is_empty() || slug::is_valid(id) => {
                map.insert(norm(&k), id.to_string());
            }
            _ => {
                return Err(format!(
                    "{}: \"{k}\" must map to a component id (a-z, 0-9, -) or \"\" to drop it, found {v}",
                    path.display()
                ));
            }
        }
    }
    Ok(map)
}

/// Names compared the way people mean them: case, surrounding and repeated spaces,
/// no-break spaces and stray BOMs do not matter.
pub fn norm(s: &str) -> String {
    s.replace(['\u{FEFF}', '\u{200B}'], "")
        .replace(['\u{00A0}', '\u{202F}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A component id from a display name: transliterated to ASCII, `[a-z0-9-]+`.
pub fn id_from_name(name: &str) -> String {
    let s = slug::from_file_stem(&deunicode::deunicode(name));
    if s.is_empty() { "component".into() } else { s }
}

pub struct Resolver {
    /// norm(key or name) → Some(id), or None when mapped to "" (dropped).
    ids: HashMap<String, Option<String>>,
    /// Ids in use (site.toml's and new ones).
    used: Vec<String>,
    /// Declared source names, for "closest" hints.
    declared: Vec<String>,
    map: NameMap,
    pub new: Vec<NewComponent>,
}

impl Resolver {
    /// Registers the source's declared components and the site's existing ones.
    pub fn new(
        declared: &[SourceComponent],
        existing: Option<&Config>,
        map: NameMap,
        report: &mut Report,
        config_file: &str,
    ) -> Resolver {
        let mut r = Resolver {
            ids: HashMap::new(),
            used: Vec::new(),
            declared: declared.iter().map(|c| c.name.clone()).collect(),
            map,
            new: Vec::new(),
        };
        if let Some(cfg) = existing {
            for c in &cfg.components {
                r.used.push(c.id.clone());
                r.ids.insert(norm(&c.id), Some(c.id.clone()));
                r.ids.entry(norm(&c.name)).or_insert(Some(c.id.clone()));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for c in declared {
            if !seen.insert(norm(&c.key)) {
                report.guessed(
                    Origin::new(config_file, 0),
                    format!(
                        "component \"{}\"{} is declared twice: incidents name both the same way, so they are one component",
                        c.name,
                        c.group.as_deref().map(|g| format!(" (in {g})")).unwrap_or_default()
                    ),
                );
                continue;
            }
            if r.ids.contains_key(&norm(&c.key)) && !r.map.contains_key(&norm(&c.key)) {
                continue;
            }
            let id = r.assign(&c.key, &c.name, c.group.clone(), c.description.clone());
            if id.is_none() {
                report.dropped(
                    Origin::new(config_file, 0),
                    format!(
                        "component \"{}\" is mapped to \"\" by --map: left out",
                        c.name
                    ),
                );
            }
            r.ids.insert(norm(&c.key), id.clone());
            r.ids.entry(norm(&c.name)).or_insert(id);
        }
        r
    }

    /// Gives `key` an id: from --map, else a new one made from its name.
    fn assign(
        &mut self,
        key: &str,
        name: &str,
        group: Option<String>,
        description: Option<String>,
    ) -> Option<String> {
        let mapped = self
            .map
            .get(&norm(key))
            .or_else(|| self.map.get(&norm(name)))
            .cloned();
        let id = match mapped {
            Some(id) if id.is_empty() => return None,
            Some(id) => id,
            None => {
                let base = id_from_name(name);
                let mut id = base.clone();
                let mut n = 2;
                while self.used.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                id
            }
        };
        // A mapped id may already be in use: then the names share that component.
        if !self.used.contains(&id) {
            self.used.push(id.clone());
            self.new.push(NewComponent {
                id: id.clone(),
                name: name.trim().to_string(),
                group,
                description,
            });
        }
        Some(id)
    }

    /// The id of a component an incident names; a name the source never declared becomes
    /// a component of its own (reported with the closest declared name).
    pub fn resolve(&mut self, key: &str, origin: &Origin, report: &mut Report) -> Option<String> {
        let k = norm(key);
        if let Some(mapped) = self.map.get(&k).cloned()
            && !self.ids.contains_key(&k)
        {
            let id = self.assign(key, key, None, None);
            if id.is_none() {
                report.dropped(
                    origin.clone(),
                    format!("component \"{key}\" is mapped to \"\" by --map: left out"),
                );
            } else {
                report.guessed(
                    origin.clone(),
                    format!("component \"{key}\" mapped to \"{mapped}\" by --map"),
                );
            }
            self.ids.insert(k, id.clone());
            return id;
        }
        if let Some(id) = self.ids.get(&k) {
            if id.is_none() {
                report.dropped(
                    origin.clone(),
                    format!("component \"{key}\" is mapped to \"\" by --map: left out"),
                );
            }
            return id.clone();
        }
        let id = self.assign(key, key, None, None);
        let hint = match self.closest(key) {
            Some(c) => format!(
                "; the closest configured name is \"{c}\" (map it with --map if it is the same)"
            ),
            None => String::new(),
        };
        report.guessed(
            origin.clone(),
            format!(
                "component \"{key}\" is not in the source's configuration: added as \"{}\"{hint}",
                id.as_deref().unwrap_or_default()
            ),
        );
        self.ids.insert(k, id.clone());
        id
    }

    fn closest(&self, name: &str) -> Option<&str> {
        let n = norm(name);
        self.declared
            .iter()
            .map(|d| (strsim::levenshtein(&n, &norm(d)), d.as_str()))
            .min()
            .map(|(_, d)| d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(name: &str) -> SourceComponent {
        SourceComponent {
            key: name.into(),
            name: name.into(),
            group: Some("Core".into()),
            description: None,
        }
    }

    #[test]
    fn names_resolve_case_insensitively_and_unknown_ones_are_added() {
        let mut report = Report::default();
        let mut map = NameMap::new();
        map.insert(norm("Old CDN"), String::new());
        map.insert(norm("Web site"), "website".into());
        let mut r = Resolver::new(
            &[comp("Gateway"), comp("Média Proxy")],
            None,
            map,
            &mut report,
            "config.yml",
        );
        let o = Origin::new("content/issues/a.md", 3);
        assert_eq!(
            r.resolve("gateway ", &o, &mut report).as_deref(),
            Some("gateway")
        );
        assert_eq!(
            r.resolve("MÉDIA\u{00A0}PROXY", &o, &mut report).as_deref(),
            Some("media-proxy")
        );
        assert_eq!(
            r.resolve("Gatway", &o, &mut report).as_deref(),
            Some("gatway")
        );
        assert!(
            report
                .notes
                .last()
                .unwrap()
                .message
                .contains("closest configured name is \"Gateway\"")
        );
        assert_eq!(r.resolve("Old CDN", &o, &mut report), None);
        assert_eq!(
            r.resolve("web  site", &o, &mut report).as_deref(),
            Some("website")
        );
        let ids: Vec<&str> = r.new.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["gateway", "media-proxy", "gatway", "website"]);
    }
}
