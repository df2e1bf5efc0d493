//! statusgen: a static-site generator for public status pages and post-mortems.
//!
//! The data flows one way: [`load`] → validate → [`model`] (derive) → [`render`] → [`output`].
pub mod authoring;
pub mod base_url;
pub mod build;
pub mod cli;
pub mod diag;
pub mod files;
pub mod fuzz_targets;
pub mod i18n;
pub mod import;
pub mod load;
pub mod model;
pub mod notify;
pub mod now;
pub mod output;
pub mod render;
pub mod sections;
pub mod serve;
pub mod site;
#[cfg(test)]
pub(crate) mod test_site;
pub mod validate;
pub mod vocabulary;
