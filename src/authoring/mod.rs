//! The authoring workflow: `init` a site, write `new` incidents and maintenance windows
//! from the post-mortem variants, and `check` them (validation plus post-mortem lint).
pub mod check;
pub mod eject;
pub mod init;
pub mod lifecycle;
pub mod lint;
pub mod new;
pub mod outline;
pub mod target;
pub mod time_arg;
pub mod variants;
