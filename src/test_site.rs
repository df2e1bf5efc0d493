//! One builder for the sites unit tests make in code (instead of each test module
//! writing out a `Site` and its `Config` by hand): every option at its `site.toml`
//! default unless a test sets it.

use std::path::PathBuf;

use chrono_tz::Tz;

use crate::site::{Component, Config, Incident, Maintenance, Site};

pub(crate) struct TestSite {
    site: Site,
}

impl TestSite {
    /// "Acme Status" at `https://acme.test/` in `tz`, with nothing in it yet.
    pub(crate) fn new(tz: Tz) -> TestSite {
        TestSite {
            site: Site {
                root: PathBuf::from("."),
                config: Config::with_defaults("Acme Status", "https://acme.test/", tz, Vec::new()),
                incidents: Vec::new(),
                maintenance: Vec::new(),
                checks: Default::default(),
            },
        }
    }

    pub(crate) fn titled(mut self, title: &str, base_url: &str) -> TestSite {
        let c = &self.site.config;
        self.site.config = Config {
            description: c.description.clone(),
            ..Config::with_defaults(title, base_url, c.timezone, c.components.clone())
        };
        self
    }

    pub(crate) fn root(mut self, root: &str) -> TestSite {
        self.site.root = PathBuf::from(root);
        self
    }

    pub(crate) fn description(mut self, description: &str) -> TestSite {
        self.site.config.description = description.to_string();
        self
    }

    pub(crate) fn components(mut self, components: Vec<Component>) -> TestSite {
        self.site.config.components = components;
        self
    }

    pub(crate) fn incidents(mut self, incidents: Vec<Incident>) -> TestSite {
        self.site.incidents = incidents;
        self
    }

    pub(crate) fn maintenance(mut self, maintenance: Vec<Maintenance>) -> TestSite {
        self.site.maintenance = maintenance;
        self
    }

    pub(crate) fn build(self) -> Site {
        self.site
    }
}
