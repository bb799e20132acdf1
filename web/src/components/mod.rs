//! The app's components. Each takes what it shows as props and reports user actions through
//! `Callback`s; only `app.rs` holds the reducer.
pub mod app;
pub mod audit;
pub mod diagram;
pub mod diff;
pub mod drift;
pub mod editor;
pub mod header;
pub mod lints;
pub mod order;
pub mod problems;
pub mod project_list;
pub mod rls;
pub mod rollback;
pub mod schema;
pub mod timeline;
