//! Integration tests: one binary, so the crate links once. Each module starts
//! the real parts it needs (the CLI binary, the Moveo stand-in, moto) itself.

mod channels;
mod chaos;
mod crashes;
mod delivery;
mod fanout;
mod faults;
mod first_contact;
mod freshness;
mod helpers;
mod infra;
mod insights;
mod lambda;
mod load;
mod local_report;
mod locale;
mod moveo_api;
mod presentation;
mod properties;
mod trying;
