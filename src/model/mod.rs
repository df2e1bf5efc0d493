//! Derivation: pure functions from the loaded site and "now" to status, uptime and metrics.
pub mod level;
pub mod status;
