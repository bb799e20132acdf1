//! schemasim's browser app: a Yew front end over the engine, entirely client-side.
//!
//! `state.rs` holds the state and its reducer (no Html, tested natively); `analysis.rs` the
//! incremental replay, run in the replay worker and mirrored on the page (`replay.rs`); `jobs.rs`
//! the whole-history analyses, run in the jobs worker (`worker.rs`); `components/` the panels,
//! which take the state and `Callback`s.
pub mod analysis;
pub mod arcs;
pub mod components;
pub mod er;
pub mod examples;
pub mod highlight;
pub mod jobs;
pub mod project;
pub mod replay;
pub mod rls;
pub mod state;
pub mod worker;
