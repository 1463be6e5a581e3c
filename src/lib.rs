//! moveo-reports: period → fetch → model → render → deliver.
//!
//! See the README for the map of modules.

pub mod analytics;
pub mod app;
pub mod bench;
pub mod brand;
pub mod cli;
pub mod config;
pub mod deliver;
pub mod fanout;
pub mod lambda;
pub mod locale;
pub mod moveo;
pub mod notice;
pub mod period;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod request;
pub mod runs;
pub mod spec;
pub mod telemetry;
