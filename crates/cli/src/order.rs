//! `schemasim order`: the dependency graph between migrations, the pairs that can be swapped, and
//! `--try ORDER` (replay another order and explain what changes).

use super::{exit_code, load_project, migrations_until, replay_options, ReplayArgs};
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use schemasim_engine::order::{
    check_pairs, dependency_graph, try_order, DependencyGraph, PairCheck, PairOutcome, Side, TryReport, Writer,
};
use schemasim_engine::{Catalog, ChangeKind, Migration};
use schemasim_layouts::{resolve_step, Project};
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum OrderFormat {
    Text,
    Json,
    Dot,
}

pub fn run(format: OrderFormat, tried: Option<&str>, swap_pairs: bool, args: &ReplayArgs) -> Result<ExitCode> {
    let project = load_project(&args.paths)?;
    let migrations = migrations_until(&project, args)?;
    let options = replay_options(args);
    let base = schemasim_engine::new_session(&options);
    let replay = schemasim_engine::replay_from(base.clone(), &migrations, &options);
    if let Some(spec) = tried {
        let order = parse_order(&project, migrations.len(), spec)?;
        let report = try_order(&base, &migrations, &replay, &order, &options);
        match format {
            OrderFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
            OrderFormat::Text => print_try(&report, &migrations.iter().map(|m| m.name.clone()).collect::<Vec<_>>()),
            OrderFormat::Dot => bail!("--format dot prints the dependency graph; use text or json with --try"),
        }
        let same = report.failure.is_none() && report.changes.is_empty();
        return Ok(if same { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    let graph = dependency_graph(&Catalog::new(), &migrations, &replay, &options);
    match format {
        OrderFormat::Dot => print!("{}", dot(&graph)),
        OrderFormat::Json | OrderFormat::Text => {
            let pairs =
                if swap_pairs { check_pairs(&base, &migrations, &independent_neighbours(&graph)) } else { Vec::new() };
            if let OrderFormat::Json = format {
                let out = serde_json::json!({ "graph": graph, "pairs": swap_pairs.then_some(&pairs) });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                print_graph(&graph, &migrations, swap_pairs.then_some(pairs.as_slice()));
            }
        }
    }
    Ok(exit_code(&replay))
}

/// Adjacent migrations with no edge between them that both succeeded: the pairs checked by
/// swapping them.
fn independent_neighbours(graph: &DependencyGraph) -> Vec<(usize, usize)> {
    let ok = |i: usize| graph.migrations[i].outcome == schemasim_engine::MigrationOutcome::Ok;
    (1..graph.migrations.len()).map(|i| (i - 1, i)).filter(|&(a, b)| ok(a) && ok(b) && !graph.linked(a, b)).collect()
}

/// `A,B,C..D,..E,F..`: migrations by name, version or position, and inclusive ranges of the
/// history's order (an open end is the first or last migration).
fn parse_order(project: &Project, count: usize, spec: &str) -> Result<Vec<usize>> {
    let resolve = |s: &str| -> Result<usize> {
        resolve_step(project, s)
            .filter(|i| *i < count)
            .with_context(|| format!("--try: no migration has the name, version or position {s}"))
    };
    let mut order = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match item.split_once("..") {
            Some((a, b)) => {
                let first = if a.trim().is_empty() { 0 } else { resolve(a)? };
                let last = if b.trim().is_empty() { count.saturating_sub(1) } else { resolve(b)? };
                if first > last {
                    bail!("--try: the range {item} runs backwards");
                }
                order.extend(first..=last);
            }
            None => order.push(resolve(item)?),
        }
    }
    if order.is_empty() {
        bail!("--try: no migration given");
    }
    for (k, i) in order.iter().enumerate() {
        if order[..k].contains(i) {
            bail!("--try: {} is listed twice", project.steps[*i].name);
        }
    }
    Ok(order)
}

fn print_graph(graph: &DependencyGraph, migrations: &[Migration], pairs: Option<&[PairCheck]>) {
    for (i, m) in graph.migrations.iter().enumerate() {
        let needs: Vec<&str> = {
            let mut v: Vec<usize> = graph.edges.iter().filter(|e| e.to == i).map(|e| e.from).collect();
            v.sort_unstable();
            v.dedup();
            v.into_iter().map(|j| graph.migrations[j].name.as_str()).collect()
        };
        let status = match m.outcome {
            schemasim_engine::MigrationOutcome::Ok => "",
            schemasim_engine::MigrationOutcome::Error => " (ERROR in this order)",
            schemasim_engine::MigrationOutcome::Skipped => " (not run: an earlier migration failed)",
        };
        if needs.is_empty() {
            println!("{}{status}", m.name);
        } else {
            println!("{}{status}: after {}", m.name, needs.join(", "));
        }
        for e in graph.edges.iter().filter(|e| e.to == i) {
            println!("    {}:{}:{}: {}", migrations[i].path, e.line, e.column, e.reason);
        }
    }
    let free: Vec<&str> = graph.free().into_iter().map(|i| graph.migrations[i].name.as_str()).collect();
    if free.is_empty() {
        println!("free to move (no dependency either way): none");
    } else {
        println!("free to move (no dependency either way): {}", free.join(", "));
    }
    if let Some(pairs) = pairs {
        print_pairs(graph, pairs);
    }
    let linked: std::collections::BTreeSet<(usize, usize)> = graph.edges.iter().map(|e| (e.from, e.to)).collect();
    println!(
        "{} migrations, {} dependencies between {} pairs, {} free",
        graph.migrations.len(),
        graph.edges.len(),
        linked.len(),
        free.len()
    );
}

fn print_pairs(graph: &DependencyGraph, pairs: &[PairCheck]) {
    let name = |i: usize| graph.migrations[i].name.as_str();
    let same = pairs.iter().filter(|p| p.outcome == PairOutcome::Same).count();
    println!(
        "swapped {} adjacent pairs without a dependency between them: {same} give the same schema, {} differ, {} fail",
        pairs.len(),
        pairs.iter().filter(|p| matches!(p.outcome, PairOutcome::Differ { .. })).count(),
        pairs.iter().filter(|p| matches!(p.outcome, PairOutcome::SwapFails { .. })).count(),
    );
    for p in pairs {
        match &p.outcome {
            PairOutcome::Same => {}
            PairOutcome::Differ { changes, order_only } => {
                let what = if *order_only { "column order differs" } else { "the schemas differ" };
                println!("    conflict: {} and {}: both orders succeed, {what}:", name(p.first), name(p.second));
                for c in changes {
                    println!("        {} {}", sign(c.kind), c.object);
                }
            }
            PairOutcome::SwapFails { migration, line, column, sqlstate, message } => println!(
                "    {} before {} fails: {migration}:{line}:{column}: ERROR {sqlstate}: {message}",
                name(p.second),
                name(p.first)
            ),
        }
    }
}

fn sign(kind: ChangeKind) -> char {
    match kind {
        ChangeKind::Added => '+',
        ChangeKind::Removed => '-',
        ChangeKind::Changed => '~',
    }
}

fn writer(w: Option<&Writer>) -> String {
    match w {
        Some(w) => {
            let what = match w.provenance {
                schemasim_engine::order::Provenance::Created => "created by",
                schemasim_engine::order::Provenance::Changed => "changed by",
                schemasim_engine::order::Provenance::Dropped => "dropped by",
                schemasim_engine::order::Provenance::Used => "named by",
            };
            format!("{what} {}", w.migration)
        }
        None => "not written by any migration".to_string(),
    }
}

/// The tried order as runs of the original order: `001..058, 200, 115`.
fn compact(order: &[String], names: &[String]) -> String {
    let position = |n: &String| names.iter().position(|x| x == n);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for p in order.iter().filter_map(position) {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == p => *last = p,
            _ => runs.push((p, p)),
        }
    }
    let run = |&(a, b): &(usize, usize)| match b - a {
        0 => names[a].clone(),
        1 => format!("{}, {}", names[a], names[b]),
        _ => format!("{}..{}", names[a], names[b]),
    };
    runs.iter().map(run).collect::<Vec<_>>().join(", ")
}

fn print_try(report: &TryReport, names: &[String]) {
    println!("order tried: {}", compact(&report.order, names));
    if !report.omitted.is_empty() {
        println!("left out: {}", report.omitted.join(", "));
    }
    if !report.failing_as_before.is_empty() {
        println!("failing in both orders: {}", report.failing_as_before.join(", "));
    }
    if !report.broken.is_empty() {
        println!("dependencies of the original order this order breaks ({}):", report.broken.len());
        const SHOWN: usize = 20;
        for e in report.broken.iter().take(SHOWN) {
            println!("    {}", e.reason);
        }
        if report.broken.len() > SHOWN {
            println!("    ... and {} more (--format json lists them all)", report.broken.len() - SHOWN);
        }
    }
    match &report.failure {
        Some(f) => {
            println!(
                "FAILS at {}:{}:{}: ERROR {}: {} (it succeeds in the original order)",
                f.path, f.line, f.column, f.sqlstate, f.message
            );
            if let Some(d) = &f.detail {
                println!("    DETAIL: {d}");
            }
            for n in &f.names {
                println!(
                    "    {} {} {}: here {}; in the original order {}",
                    f.migration,
                    n.verb,
                    n.object,
                    writer(n.tried.as_ref()),
                    writer(n.original.as_ref())
                );
            }
        }
        None if report.changes.is_empty() => println!("succeeds; the schema is the same as in the original order"),
        None => {
            let what = if report.order_only { "only in column order" } else { "in" };
            println!(
                "succeeds; the schema differs from the original order {what} {} objects (- only in the original order, + only in this one):",
                report.changes.len()
            );
            for c in &report.changes {
                println!(
                    "    {} {}: originally {}; here {}",
                    sign(c.change.kind),
                    c.change.object,
                    writer(c.original.as_ref()),
                    writer(c.tried.as_ref())
                );
            }
        }
    }
    for n in &report.notices {
        let side = match n.only_in {
            Side::Tried => "only in this order",
            Side::Original => "only in the original order",
        };
        println!("    {side}: {}:{}:{}: {}: {}", n.path, n.line, n.column, n.severity, n.message);
    }
    for s in &report.skipped {
        println!(
            "{}:{}:{}: skipped here (NOTICE: {}); what it declares comes from later migrations:",
            s.path, s.line, s.column, s.notice
        );
        for n in &s.from_later {
            println!(
                "    {}: here {}; in the original order {}",
                n.object,
                writer(n.tried.as_ref()),
                writer(n.original.as_ref())
            );
        }
    }
}

/// Graphviz: one node per migration (dashed when free), one edge per pair of migrations,
/// labelled with its first reason and carrying every reason as a tooltip.
fn dot(graph: &DependencyGraph) -> String {
    fn quote(s: &str) -> String {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
    let mut out = String::from("digraph migrations {\n    rankdir=LR;\n    node [shape=box];\n");
    for (i, m) in graph.migrations.iter().enumerate() {
        let style = if m.free { ", style=dashed" } else { "" };
        out.push_str(&format!("    m{i} [label={}{style}];\n", quote(&m.name)));
    }
    let mut pairs: Vec<(usize, usize)> = graph.edges.iter().map(|e| (e.from, e.to)).collect();
    pairs.dedup();
    pairs.sort_unstable();
    pairs.dedup();
    for (from, to) in pairs {
        let reasons: Vec<&str> =
            graph.edges.iter().filter(|e| e.from == from && e.to == to).map(|e| e.reason.as_str()).collect();
        let first = graph.edges.iter().find(|e| e.from == from && e.to == to);
        let label = match (first, reasons.len()) {
            (Some(e), 1) => e.object.clone(),
            (Some(e), n) => format!("{} (+{} more)", e.object, n - 1),
            (None, _) => String::new(),
        };
        out.push_str(&format!(
            "    m{from} -> m{to} [label={}, tooltip={}];\n",
            quote(&label),
            quote(&reasons.join("\n"))
        ));
    }
    out.push_str("}\n");
    out
}
