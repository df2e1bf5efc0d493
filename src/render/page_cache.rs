//! Rendered pages kept between rebuilds of `statusgen serve`.

use std::collections::{HashMap, HashSet};

use crate::files::OutputFile;

/// Rendered incident pages kept between rebuilds (`statusgen serve`): an incident page
/// depends only on its incident, the configuration, the theme and "now", so a page whose
/// key is unchanged is reused instead of rendered again.
/// Other pages rendered with Tera (overridden templates) are reused when their template
/// context is unchanged.
#[derive(Debug, Default)]
pub struct PageCache {
    /// By incident slug, keyed on the incident itself (so its Markdown is not rendered).
    pub(crate) incidents: PageMap,
    /// By output path, keyed on the page's serialised context.
    pub(crate) rendered: PageMap,
}

pub(crate) type PageMap = std::sync::Mutex<HashMap<String, (u64, OutputFile)>>;

impl PageCache {
    pub(crate) fn get(map: &PageMap, name: &str, key: u64) -> Option<OutputFile> {
        let pages = map.lock().unwrap_or_else(|e| e.into_inner());
        pages
            .get(name)
            .filter(|(k, _)| *k == key)
            .map(|(_, f)| f.clone())
    }

    pub(crate) fn put(map: &PageMap, name: &str, key: u64, file: &OutputFile) {
        let mut pages = map.lock().unwrap_or_else(|e| e.into_inner());
        pages.insert(name.to_string(), (key, file.clone()));
    }

    /// Forgets pages that were not produced by the latest build.
    pub(crate) fn retain(map: &PageMap, keep: &HashSet<&str>) {
        let mut pages = map.lock().unwrap_or_else(|e| e.into_inner());
        pages.retain(|name, _| keep.contains(name.as_str()));
    }
}

/// A hash of a value's `Debug` text, fed to the hasher as it is formatted.
pub fn hash_of(value: &impl std::fmt::Debug) -> u64 {
    use std::hash::Hasher;
    struct Feed(std::hash::DefaultHasher);
    impl std::fmt::Write for Feed {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut feed = Feed(std::hash::DefaultHasher::new());
    // Writing into a hasher cannot fail.
    let _ = std::fmt::write(&mut feed, format_args!("{value:?}"));
    feed.0.finish()
}
