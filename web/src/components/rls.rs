//! Row-level security at the timeline's position: per table ENABLE/FORCE, its policies, the
//! role × command matrix of effective predicates, and what a reviewer should be warned about.
use crate::rls::{access, roles, tables_with_rls, warnings, Access, COMMANDS};
use crate::state::AppState;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
}

fn access_cell(a: Access) -> Html {
    match a {
        Access::NotEnforced => html! { <td class="acc-off">{ "RLS off" }</td> },
        Access::Denied => html! { <td class="acc-deny" data-testid="acc-deny">{ "no rows" }</td> },
        Access::Allowed { using, check } => html! {
            <td class="acc-allow">
                if let Some(u) = using { <div><span class="clause">{ "USING " }</span><code>{ u }</code></div> }
                if let Some(c) = check { <div><span class="clause">{ "CHECK " }</span><code>{ c }</code></div> }
            </td>
        },
    }
}

#[function_component(RlsPanel)]
pub fn rls_panel(props: &Props) -> Html {
    let state = &props.state;
    let Some(catalog) = state.catalog() else {
        return html! { <p class="empty">{ "Replaying up to this step…" }</p> };
    };
    let tables = tables_with_rls(catalog);
    if tables.is_empty() {
        return html! {
            <p class="empty" data-testid="rls-empty">{ "No table has row-level security or policies at this step. \
                `ALTER TABLE t ENABLE ROW LEVEL SECURITY` and `CREATE POLICY` in a migration make it appear here." }</p>
        };
    }
    html! {
        <div class="rls" data-testid="rls">
            { for tables.into_iter().map(|t| {
                let roles = roles(t);
                html! {
                    <article class="card" data-testid="rls-table" data-name={t.name.to_string()}>
                        <h4>{ t.name.to_string() }
                            <span class={classes!("tag", if t.rls_enabled { "on" } else { "off" })}>{ if t.rls_enabled { "RLS enabled" } else { "RLS disabled" } }</span>
                            if t.rls_forced { <span class="tag on">{ "FORCE" }</span> }
                        </h4>
                        { for warnings(catalog, t).into_iter().map(|w| html! { <p class="warn" data-testid="rls-warning">{ w }</p> }) }
                        if !t.policies.is_empty() {
                            <table class="policies">
                                <thead><tr><th>{ "policy" }</th><th>{ "command" }</th><th>{ "kind" }</th><th>{ "roles" }</th><th>{ "USING" }</th><th>{ "WITH CHECK" }</th></tr></thead>
                                <tbody>{ for t.policies.iter().map(|p| html! {
                                    <tr>
                                        <td>{ &p.name }</td><td>{ &p.command }</td>
                                        <td>{ if p.permissive { "permissive" } else { "restrictive" } }</td>
                                        <td>{ if p.roles.is_empty() { "PUBLIC".to_string() } else { p.roles.join(", ") } }</td>
                                        <td><code>{ p.using.clone().unwrap_or_default() }</code></td>
                                        <td><code>{ p.with_check.clone().unwrap_or_default() }</code></td>
                                    </tr>
                                }) }</tbody>
                            </table>
                            <table class="matrix" data-testid="rls-matrix">
                                <caption>{ "Effective access: permissive policies ORed, restrictive ones ANDed" }</caption>
                                <thead><tr><th>{ "role" }</th>{ for COMMANDS.iter().map(|c| html! { <th>{ *c }</th> }) }</tr></thead>
                                <tbody>{ for roles.iter().map(|r| html! {
                                    <tr><th>{ r }</th>{ for COMMANDS.iter().map(|c| access_cell(access(t, r, c))) }</tr>
                                }) }</tbody>
                            </table>
                        }
                    </article>
                }
            }) }
        </div>
    }
}
