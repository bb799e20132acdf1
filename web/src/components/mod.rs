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
pub mod queries;
pub mod rls;
pub mod rollback;
pub mod schema;
pub mod timeline;

use crate::jobs::JobOutput;
use yew::prelude::*;

/// What a panel shows while its job runs in the worker, or when it failed.
pub fn job_placeholder(output: Option<&JobOutput>, what: &str) -> Html {
    match output {
        Some(JobOutput::Failed(why)) => html! { <p class="bad" data-testid="job-failed">{ why }</p> },
        _ => {
            html! { <p class="empty computing" data-testid="job-running">{ format!("{what} in the background…") }</p> }
        }
    }
}
