//! Migration order: the dependencies between migrations (from the replay, each edge explained),
//! and the sandbox: the current order and switches compared with the committed order
//! (`order::try_order`): what breaks, or how the schema differs.
use crate::arcs::{arc_view, row_y, ArcRole, ARC_BAND, ROW_HEIGHT};
use crate::jobs::{JobKind, JobOutput};
use crate::state::{Action, AppState};
use schemasim_engine::order::Edge;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

#[function_component(OrderPanel)]
pub fn order_panel(props: &Props) -> Html {
    let state = &props.state;
    let Some(JobOutput::Order { graph, tried }) = state.job(JobKind::Order) else {
        return super::job_placeholder(
            state.job(JobKind::Order),
            "Replaying the committed order and deriving the dependencies",
        );
    };
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
    let answer = state.job_results.get(&JobKind::Order).cloned().map(OrderAnswer);
    html! {
        <div class="order" data-testid="order">
            { sandbox }
            <h3>{ format!("Dependencies in the committed order ({} edges; free to move: {})", graph.edges.len(),
                if free.is_empty() { "none".to_string() } else { free.iter().map(|&i| graph.migrations[i].name.clone()).collect::<Vec<_>>().join(", ") }) }</h3>
            if let Some(answer) = answer { <DependencyArcs {answer} /> }
        </div>
    }
}

/// The Order job's answer, compared by identity: an answer is replaced, never changed, so the
/// arcs are not laid out again (nor the graph compared edge by edge) on every render.
#[derive(Clone)]
struct OrderAnswer(Rc<JobOutput>);

impl PartialEq for OrderAnswer {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
struct ArcsProps {
    answer: OrderAnswer,
}

/// The migrations as a timeline with an arc from each to each later one that needs it; a
/// click on a migration shows what it needs and what needs it, a click on an arc its reasons.
#[function_component(DependencyArcs)]
fn dependency_arcs(props: &ArcsProps) -> Html {
    let focus = use_state(|| None::<usize>);
    let picked = use_state(|| None::<(usize, usize)>);
    let graph = match &*props.answer.0 {
        JobOutput::Order { graph, .. } => Some(graph),
        _ => None,
    };
    let n = graph.map_or(0, |g| g.migrations.len());
    let current_focus = (*focus).filter(|&f| f < n);
    let view = {
        let answer = props.answer.clone();
        use_memo((props.answer.clone(), current_focus), move |_| match &*answer.0 {
            JobOutput::Order { graph, tried } => {
                Some(arc_view(graph, current_focus, tried.as_ref().map_or(&[], |t| &t.broken)))
            }
            _ => None,
        })
    };
    let (Some(graph), Some(view)) = (graph, view.as_ref()) else { return html! {} };
    let width = ARC_BAND + 420.0;
    let arcs = view.arcs.iter().map(|arc| {
        let class = match arc.role {
            ArcRole::Into => "arc into",
            ArcRole::OutOf => "arc out",
            ArcRole::Broken => "arc broken",
            ArcRole::Other => "arc",
        };
        let title = arc.edges.iter().take(8).map(|&e| graph.edges[e].reason.clone()).collect::<Vec<_>>().join("\n")
            + &if arc.edges.len() > 8 { format!("\n… {} more", arc.edges.len() - 8) } else { String::new() };
        let onclick = {
            let picked = picked.clone();
            let pair = (arc.from, arc.to);
            Callback::from(move |_| picked.set(Some(pair)))
        };
        html! { <path d={arc.path.clone()} class={class} {onclick} data-testid="arc"><title>{ title }</title></path> }
    });
    let rows = graph.migrations.iter().enumerate().map(|(i, m)| {
        let onclick = {
            let (focus, picked) = (focus.clone(), picked.clone());
            Callback::from(move |_| {
                focus.set(Some(i));
                picked.set(None);
            })
        };
        let y = row_y(i);
        html! {
            <g class={classes!("arc-row", (current_focus == Some(i)).then_some("focus"), m.free.then_some("free"))}
                {onclick} data-testid="arc-row">
                <rect x={ARC_BAND.to_string()} y={(y - ROW_HEIGHT / 2.0).to_string()} width={(width - ARC_BAND).to_string()} height={ROW_HEIGHT.to_string()} />
                <circle cx={ARC_BAND.to_string()} cy={y.to_string()} r="3" />
                <text x={(ARC_BAND + 10.0).to_string()} y={(y + 4.0).to_string()}>{ &m.name }</text>
            </g>
        }
    });
    let reasons = |edges: Vec<&Edge>| {
        html! {
            <ul class="objects">{ for edges.iter().take(40).map(|e| html! { <li class="edge" title={e.object.clone()}>{ &e.reason }</li> }) }
                if edges.len() > 40 { <li class="muted">{ format!("… {} more", edges.len() - 40) }</li> }</ul>
        }
    };
    let detail = match ((*picked).filter(|&(a, b)| a < n && b < n), current_focus) {
        (Some((a, b)), _) => html! {
            <>
                <h4>{ format!("{} → {}", graph.migrations[a].name, graph.migrations[b].name) }</h4>
                { reasons(graph.edges.iter().filter(|e| e.from.min(e.to) == a && e.from.max(e.to) == b).collect()) }
            </>
        },
        (None, Some(f)) => {
            let needs: Vec<&Edge> = graph.edges.iter().filter(|e| e.to == f).collect();
            let needed_by: Vec<&Edge> = graph.edges.iter().filter(|e| e.from == f).collect();
            html! {
                <>
                    <h4>{ &graph.migrations[f].name }</h4>
                    <p><span class="swatch into" />{ format!("needs {} earlier migration(s)", needs.iter().map(|e| e.from).collect::<std::collections::BTreeSet<_>>().len()) }</p>
                    { reasons(needs) }
                    <p><span class="swatch out" />{ format!("needed by {} later migration(s)", needed_by.iter().map(|e| e.to).collect::<std::collections::BTreeSet<_>>().len()) }</p>
                    { reasons(needed_by) }
                </>
            }
        }
        (None, None) => html! {
            <p class="muted">{ "Click a migration to see what it needs (blue) and what needs it (orange); click an arc for its reasons. Red arcs are dependencies the sandbox's order breaks." }</p>
        },
    };
    html! {
        <div class="deps-view">
            <div class="arcs-scroll">
                if view.focus_only && current_focus.is_none() {
                    <p class="muted">{ format!("{} arcs between pairs of migrations: click a migration to draw its own.", view.total) }</p>
                }
                <svg class="arcs" width={width.to_string()} height={view.height.to_string()} data-testid="order-arcs">
                    <g>{ for arcs }</g>
                    <g>{ for rows }</g>
                </svg>
            </div>
            <div class="deps-detail" data-testid="order-detail">{ detail }</div>
        </div>
    }
}
