//! Derivation: pure functions from the loaded site and "now" to status, uptime and metrics.
pub mod derived;
pub mod measured;
pub mod metrics;
pub mod reliability;
pub mod status;
pub mod timeline;
pub mod uptime;
