//! Migration order: the dependencies between migrations (from the replay, each edge explained),
//! and the sandbox: the current order and switches compared with the committed order
//! (`order::try_order`): what breaks, or how the schema differs.
use crate::state::{Action, AppState};
use schemasim_engine::order::{dependency_graph, try_order};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

#[function_component(OrderPanel)]
pub fn order_panel(props: &Props) -> Html {
    let state = &props.state;
    let computed = {
        let state = state.clone();
        use_memo(state.revision, move |_| {
            let project = &state.project;
            let base = state.analysis.base()?;
            let options = project.options();
            let history = state.analysis.replay_committed(project)?;
            let graph = dependency_graph(&base.catalog, &history.migrations, &history.replay, &options);
            let tried = (!project.is_committed_order()).then(|| {
                let order: Vec<usize> = (0..project.migrations.len())
                    .filter(|&i| project.migrations[i].enabled)
                    .filter_map(|i| history.order.iter().position(|&c| c == i))
                    .collect();
                try_order(base, &history.migrations, &history.replay, &order, &options)
            });
            Some((graph, tried))
        })
    };
    let Some((graph, tried)) = &*computed else { return html! { <p class="empty">{ "Replaying…" }</p> } };
    let restore = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::RestoreCommittedOrder))
    };
    let sandbox = match tried {
        None => html! {
            <p class="muted" data-testid="order-committed">{ "This is the committed order with every migration on. Drag a migration in the list, or switch one off (as if it never ran), to see what breaks or changes." }</p>
        },
        Some(t) => html! {
            <div class="sandbox" data-testid="order-sandbox">
                <p><strong>{ "Compared with the committed order" }</strong>{ " " }<button onclick={restore} data-testid="restore-order">{ "Back to the committed order" }</button></p>
                if !t.omitted.is_empty() { <p>{ format!("Left out: {}.", t.omitted.join(", ")) }</p> }
                if let Some(f) = &t.failure {
                    <p class="bad" data-testid="order-failure">{ format!("{} fails at {}:{}:{}: ERROR {}: {}", f.migration, f.path, f.line, f.column, f.sqlstate, f.message) }</p>
                }
                if !t.broken.is_empty() {
                    <h4>{ format!("Dependencies this order breaks ({})", t.broken.len()) }</h4>
                    <ul class="objects">{ for t.broken.iter().take(20).map(|e| html! { <li>{ &e.reason }</li> }) }</ul>
                }
                if t.failure.is_none() {
                    if t.changes.is_empty() {
                        <p class="ok-text" data-testid="order-same">{ "Same final schema as the committed order." }</p>
                    } else {
                        <h4>{ format!("Final schema differs: {} object(s){}", t.changes.len(), if t.order_only { " (column order only)" } else { "" }) }</h4>
                        <ul class="objects" data-testid="order-changes">{ for t.changes.iter().map(|c| html! {
                            <li>{ format!("{:?}: {}", c.change.kind, c.change.object).to_lowercase() }</li>
                        }) }</ul>
                    }
                }
                { for t.skipped.iter().map(|s| html! {
                    <p class="warn">{ format!("{}:{}: {} (skipped; what it declares comes from {})", s.path, s.line, s.notice,
                        s.from_later.iter().map(|o| o.object.clone()).collect::<Vec<_>>().join(", ")) }</p>
                }) }
            </div>
        },
    };
    let free = graph.free();
    html! {
        <div class="order" data-testid="order">
            { sandbox }
            <h3>{ format!("Dependencies in the committed order ({} edges; free to move: {})", graph.edges.len(),
                if free.is_empty() { "none".to_string() } else { free.iter().map(|&i| graph.migrations[i].name.clone()).collect::<Vec<_>>().join(", ") }) }</h3>
            <ul class="deps">{ for graph.migrations.iter().enumerate().map(|(i, m)| {
                // What this migration needs from earlier ones.
                let edges: Vec<_> = graph.edges.iter().filter(|e| e.to == i).collect();
                html! {
                    <li>
                        <strong>{ &m.name }</strong>
                        if edges.is_empty() { <span class="muted">{ "  needs nothing earlier" }</span> }
                        <ul>{ for edges.iter().take(12).map(|e| html! { <li class="edge" title={e.object.clone()}>{ &e.reason }</li> }) }
                            if edges.len() > 12 { <li class="muted">{ format!("… {} more", edges.len() - 12) }</li> }</ul>
                    </li>
                }
            }) }</ul>
        </div>
    }
}
