//! Expressions in a comparable form. The catalog keeps expressions as written, while PostgreSQL
//! stores them analysed and `pg_dump` prints that form: `x IN ('a', 'b')` comes back as
//! `x = ANY (ARRAY['a'::text, 'b'::text])`, `x BETWEEN 0 AND 100` as `x >= 0 AND x <= 100`,
//! a varchar column compared with text as `(x)::text`, function calls schema-qualified. To
//! compare a history's schema with a schema loaded from a dump, both sides are brought to one
//! form: IN lists as `= ANY (ARRAY[...])` (`NOT IN` as `<> ALL`), BETWEEN as two comparisons,
//! casts removed, function names without their schema.
//!
//! Removing casts and schemas can make two different expressions compare equal (`x::int > 0`
//! and `x > 0`); the drift report accepts that to avoid reporting every CHECK of a dump as
//! different.

use pg_query::protobuf::{self, AExprKind, BoolExprType, Node};
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, Relation};

/// The catalog with every stored expression (defaults, CHECKs, policies, index predicates) in
/// the comparable form.
pub fn catalog(catalog: &Catalog) -> Catalog {
    let mut out = catalog.clone();
    let keys: Vec<_> = out.relations.keys().cloned().collect();
    for key in &keys {
        let Some(rel) = out.relations.get_mut(key) else { continue };
        match rel {
            Relation::Table(t) => {
                for c in &mut t.columns {
                    c.default = c.default.as_deref().map(|d| typed_literal(&c.type_name, &expression(d)));
                    c.generated = c.generated.as_deref().map(expression);
                    c.collation =
                        c.collation.as_deref().map(|s| s.strip_prefix("pg_catalog.").unwrap_or(s).to_string());
                }
                for con in &mut t.constraints {
                    if let schemasim_catalog::ConstraintKind::Check { expr } = &mut con.kind {
                        *expr = expression(expr);
                    }
                }
                for p in &mut t.policies {
                    p.using = p.using.as_deref().map(expression);
                    p.with_check = p.with_check.as_deref().map(expression);
                }
            }
            Relation::Index(i) => {
                i.predicate = i.predicate.as_deref().map(expression);
                i.elements = i.elements.iter().map(|e| index_element(e)).collect();
            }
            Relation::View(_) | Relation::Sequence(_) => {}
        }
    }
    out
}

/// A quoted literal default of a boolean or integer column as PostgreSQL stores it: `'f'` is
/// `false`, `'0'` is `0` (the constant is coerced when the default is stored).
fn typed_literal(type_name: &str, default: &str) -> String {
    let Some(inner) = default.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) else { return default.to_string() };
    match type_name {
        "boolean" => match inner.trim().to_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => "true".into(),
            "f" | "false" | "n" | "no" | "off" | "0" => "false".into(),
            _ => default.to_string(),
        },
        "smallint" | "integer" | "bigint" if inner.trim().parse::<i64>().is_ok() => inner.trim().to_string(),
        _ => default.to_string(),
    }
}

/// An index element (`expr [COLLATE c] [opclass] [ASC|DESC] [NULLS FIRST|LAST]`): the longest
/// leading part that is an expression in the comparable form, the rest without schema names.
fn index_element(element: &str) -> String {
    let words: Vec<&str> = element.split(' ').collect();
    for cut in (1..=words.len()).rev() {
        let head = words[..cut].join(" ");
        if let Some(mut node) = bare_expression(&head) {
            rewrite(&mut node);
            let Ok(head) = crate::expr::deparse_expr(&node) else { break };
            let tail: Vec<&str> = words[cut..].iter().map(|w| w.rsplit('.').next().unwrap_or(w)).collect();
            return std::iter::once(head.as_str()).chain(tail).collect::<Vec<_>>().join(" ");
        }
    }
    element.to_string()
}

/// `text` parsed as one expression, without an alias (`f(x) gin_trgm_ops` would read as
/// `f(x) AS gin_trgm_ops`).
fn bare_expression(text: &str) -> Option<Node> {
    let parsed = pg_query::parse(&format!("SELECT {text}")).ok()?;
    let stmt = parsed.protobuf.stmts.into_iter().next()?.stmt?.node?;
    let NodeEnum::SelectStmt(select) = stmt else { return None };
    match select.target_list.as_slice() {
        [Node { node: Some(NodeEnum::ResTarget(rt)) }] if rt.name.is_empty() && select.from_clause.is_empty() => {
            rt.val.as_deref().cloned()
        }
        _ => None,
    }
}

/// One expression in the comparable form (unchanged when it does not parse).
pub fn expression(text: &str) -> String {
    let Ok(mut node) = crate::expr::parse_expr(text) else { return text.to_string() };
    rewrite(&mut node);
    crate::expr::deparse_expr(&node).unwrap_or_else(|_| text.to_string())
}

fn op(name: &str) -> Vec<Node> {
    vec![Node { node: Some(NodeEnum::String(protobuf::String { sval: name.to_string() })) }]
}

fn compare(left: &Node, name: &str, right: Node) -> Node {
    Node {
        node: Some(NodeEnum::AExpr(Box::new(protobuf::AExpr {
            kind: AExprKind::AexprOp as i32,
            name: op(name),
            lexpr: Some(Box::new(left.clone())),
            rexpr: Some(Box::new(right)),
            location: -1,
        }))),
    }
}

fn list_items(node: Option<&Node>) -> Option<Vec<Node>> {
    match node.and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::List(l)) => Some(l.items.clone()),
        _ => None,
    }
}

fn rewrite(node: &mut Node) {
    // Casts go first, so what they wrap is rewritten too.
    while let Some(NodeEnum::TypeCast(tc)) = &mut node.node {
        match tc.arg.take() {
            Some(arg) => *node = *arg,
            None => break,
        }
    }
    let replacement = match node.node.as_mut() {
        Some(NodeEnum::AExpr(e)) => {
            let kind = AExprKind::try_from(e.kind).unwrap_or(AExprKind::Undefined);
            let name = e.name.iter().find_map(|n| match &n.node {
                Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                _ => None,
            });
            match (kind, list_items(e.rexpr.as_deref()), e.lexpr.as_deref()) {
                (AExprKind::AexprIn, Some(items), Some(_)) => {
                    e.kind = if name.as_deref() == Some("<>") { AExprKind::AexprOpAll } else { AExprKind::AexprOpAny }
                        as i32;
                    e.rexpr = Some(Box::new(Node {
                        node: Some(NodeEnum::AArrayExpr(protobuf::AArrayExpr { elements: items, location: -1 })),
                    }));
                    None
                }
                (AExprKind::AexprBetween | AExprKind::AexprNotBetween, Some(bounds), Some(x)) if bounds.len() == 2 => {
                    let between = kind == AExprKind::AexprBetween;
                    let (lo, hi, boolop) =
                        if between { (">=", "<=", BoolExprType::AndExpr) } else { ("<", ">", BoolExprType::OrExpr) };
                    Some(Node {
                        node: Some(NodeEnum::BoolExpr(Box::new(protobuf::BoolExpr {
                            xpr: None,
                            boolop: boolop as i32,
                            args: vec![compare(x, lo, bounds[0].clone()), compare(x, hi, bounds[1].clone())],
                            location: -1,
                        }))),
                    })
                }
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(r) = replacement {
        *node = r;
    }
    match node.node.as_mut() {
        Some(NodeEnum::AExpr(e)) => {
            for side in [e.lexpr.as_deref_mut(), e.rexpr.as_deref_mut()].into_iter().flatten() {
                rewrite(side);
            }
        }
        Some(NodeEnum::BoolExpr(b)) => {
            // AND/OR of one kind nested in itself is one list, as PostgreSQL flattens it.
            let boolop = b.boolop;
            let mut args = Vec::new();
            for mut a in std::mem::take(&mut b.args) {
                rewrite(&mut a);
                match a.node {
                    Some(NodeEnum::BoolExpr(inner))
                        if inner.boolop == boolop && boolop != BoolExprType::NotExpr as i32 =>
                    {
                        args.extend(inner.args)
                    }
                    other => args.push(Node { node: other }),
                }
            }
            b.args = args;
        }
        Some(NodeEnum::FuncCall(f)) => {
            if f.funcname.len() == 2 {
                f.funcname.remove(0);
            }
            f.args.iter_mut().for_each(rewrite);
            // nextval('public.s') and nextval('s'): the sequence name without its schema.
            let nextval = matches!(f.funcname.first().and_then(|n| n.node.as_ref()), Some(NodeEnum::String(s)) if s.sval == "nextval");
            if let (true, Some(Some(NodeEnum::AConst(c)))) = (nextval, f.args.first_mut().map(|a| a.node.as_mut())) {
                if let Some(protobuf::a_const::Val::Sval(s)) = c.val.as_mut() {
                    if let Some((_, name)) = s.sval.rsplit_once('.') {
                        s.sval = name.to_string();
                    }
                }
            }
        }
        Some(NodeEnum::AArrayExpr(a)) => a.elements.iter_mut().for_each(rewrite),
        Some(NodeEnum::List(l)) => l.items.iter_mut().for_each(rewrite),
        Some(NodeEnum::NullTest(n)) => n.arg.as_deref_mut().into_iter().for_each(rewrite),
        Some(NodeEnum::BooleanTest(n)) => n.arg.as_deref_mut().into_iter().for_each(rewrite),
        Some(NodeEnum::CoalesceExpr(c)) => c.args.iter_mut().for_each(rewrite),
        Some(NodeEnum::MinMaxExpr(c)) => c.args.iter_mut().for_each(rewrite),
        Some(NodeEnum::RowExpr(r)) => r.args.iter_mut().for_each(rewrite),
        Some(NodeEnum::CaseExpr(c)) => {
            c.arg.as_deref_mut().into_iter().for_each(rewrite);
            c.defresult.as_deref_mut().into_iter().for_each(rewrite);
            for w in &mut c.args {
                if let Some(NodeEnum::CaseWhen(cw)) = w.node.as_mut() {
                    cw.expr.as_deref_mut().into_iter().for_each(rewrite);
                    cw.result.as_deref_mut().into_iter().for_each(rewrite);
                }
            }
        }
        Some(NodeEnum::SubLink(s)) => s.testexpr.as_deref_mut().into_iter().for_each(rewrite),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{expression, index_element, typed_literal};

    #[test]
    fn index_elements_and_typed_literals() {
        assert_eq!(
            index_element("COALESCE(close_time, '9999-12-31 23:59:59') DESC"),
            index_element("COALESCE(close_time, '9999-12-31 23:59:59'::timestamp) DESC")
        );
        assert_eq!(index_element("public.canon(name) public.gin_trgm_ops"), index_element("canon(name) gin_trgm_ops"));
        assert_ne!(index_element("a DESC"), index_element("a"));
        assert_eq!(typed_literal("boolean", "'f'"), "false");
        assert_eq!(typed_literal("integer", "'0'"), "0");
        assert_eq!(typed_literal("text", "'0'"), "'0'");
    }

    #[test]
    fn written_and_stored_forms_compare_equal() {
        let same = [
            ("channel IN ('email', 'in_app')", "channel = ANY (ARRAY['email'::text, 'in_app'::text])"),
            ("rank BETWEEN 0 AND 100", "((rank >= 0) AND (rank <= 100))"),
            (
                "status IN ('active', 'pending')",
                "((status)::text = ANY ((ARRAY['active'::character varying, 'pending'::character varying])::text[]))",
            ),
            ("tenant_id = current_tenant_id()", "(tenant_id = core.current_tenant_id())"),
            ("a > 0 AND b > 0 AND c > 0", "(((a > 0) AND (b > 0)) AND (c > 0))"),
            ("x NOT IN (1, 2)", "x <> ALL (ARRAY[1, 2])"),
            ("nextval('s_id_seq')", "nextval('public.s_id_seq'::regclass)"),
        ];
        for (written, stored) in same {
            assert_eq!(expression(written), expression(stored), "{written} / {stored}");
        }
        let different = [("a IN (1, 2)", "a = ANY (ARRAY[1, 3])"), ("x BETWEEN 0 AND 10", "x >= 0 AND x < 10")];
        for (a, b) in different {
            assert_ne!(expression(a), expression(b), "{a} / {b}");
        }
    }
}
