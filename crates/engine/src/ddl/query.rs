//! Name resolution for queries stored in the catalog (views, materialized views), as
//! PostgreSQL's parse analysis does it (parse_relation.c, parse_target.c):
//!
//! - every FROM item gets a reference name (its alias, else the relation's, CTE's or
//!   function's name); a JOIN hides its inputs' columns behind its own column list (USING and
//!   NATURAL columns merged, first), and an aliased JOIN hides its inputs' names too;
//! - an unqualified column is looked up in the innermost query level first, then in the outer
//!   levels (correlated subqueries); `a.c` names the item `a`; a name that is no column may be a
//!   whole-row reference to an item;
//! - `*` and `a.*` in a target list are expanded into the columns they stand for, which is why
//!   a view keeps its columns when its tables get new ones; each output column is named by
//!   FigureColname when it has no alias.
//!
//! The result says which relations and columns the query reads (pg_depend of the view's rule:
//! dropping or retyping such a column is refused) and where, by byte offset in the query text,
//! so a rename can be applied to the stored text exactly where it applies.

use crate::error::{PgError, PgResult};
use schemasim_catalog::{quote_ident, Catalog, QualName, Relation};
use serde_json::Value;

/// A column reference resolved to a relation's column.
#[derive(Clone, Debug)]
pub struct ColumnUse {
    /// Byte offset of the ColumnRef in the analysed text.
    pub location: usize,
    pub table: QualName,
    pub column: String,
    /// Number of dotted names written (`c` = 1, `t.c` = 2, `s.t.c` = 3).
    pub fields: usize,
    /// Set when the reference is qualified by the relation's own name (no alias), so renaming
    /// the relation renames the qualifier too.
    pub qualified_by_relation: bool,
}

/// A relation named in a FROM clause.
#[derive(Clone, Debug)]
pub struct RelationUse {
    pub location: usize,
    pub table: QualName,
    /// Written with its schema.
    pub qualified: bool,
}

/// A `*` or `a.*` target that can be written out as explicit columns.
#[derive(Clone, Debug)]
pub struct StarUse {
    pub location: usize,
    pub expansion: String,
}

#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Output column names of the top-level query.
    pub columns: Vec<String>,
    /// Their types where they could be inferred.
    pub column_types: Vec<Option<String>>,
    /// Relations read anywhere in the query, in order of appearance.
    pub relations: Vec<QualName>,
    /// Relation columns read anywhere in the query.
    pub column_deps: Vec<(QualName, String)>,
    pub column_uses: Vec<ColumnUse>,
    pub relation_uses: Vec<RelationUse>,
    pub stars: Vec<StarUse>,
}

#[derive(Clone, Debug)]
struct Col {
    name: String,
    /// `format_type` text when known.
    type_name: Option<String>,
    /// The relation column this output stands for (none for computed, CTE and merged columns).
    dep: Option<(QualName, String)>,
    /// Qualifier that names it unambiguously in a star expansion.
    qual: Option<String>,
}

#[derive(Clone, Debug)]
struct Item {
    refname: Option<String>,
    rel_visible: bool,
    cols_visible: bool,
    relation: Option<QualName>,
    aliased: bool,
    /// `None` when the columns are not known (set-returning functions, system catalogs).
    columns: Option<Vec<Col>>,
}

#[derive(Clone, Debug)]
struct Cte {
    name: String,
    columns: Option<Vec<(String, Option<String>)>>,
}

#[derive(Default)]
struct Level {
    items: Vec<Item>,
    ctes: Vec<Cte>,
    /// Items of a level are invisible to a non-LATERAL subquery in its FROM clause.
    hidden: bool,
}

enum ItemLookup {
    NoItem,
    UnknownColumns,
    NoColumn,
    Column(Col, bool),
}

enum Lookup {
    /// The column, and whether its item is a relation named by its own name.
    Found(Col, bool),
    Ambiguous,
    /// Some item in scope has unknown columns: the name may be one of them.
    Unknown,
    NotFound,
}

struct Analyzer<'a> {
    catalog: &'a Catalog,
    search_path: &'a [String],
    levels: Vec<Level>,
    /// Output names a bare GROUP BY / ORDER BY name may refer to.
    output_names: Option<Vec<String>>,
    out: Analysis,
}

/// Analyses a query (`SELECT ...`, `VALUES ...`) given as SQL text. `search_path` holds the
/// existing schemas to look unqualified relations up in.
pub fn analyze(catalog: &Catalog, search_path: &[String], text: &str) -> PgResult<Analysis> {
    let parsed = pg_query::parse(text).map_err(|e| PgError::new("42601", e.to_string()))?;
    let value = serde_json::to_value(&parsed.protobuf).map_err(|e| PgError::new("XX000", e.to_string()))?;
    let stmt = value.pointer("/stmts/0/stmt").unwrap_or(&NULL);
    let Some(("SelectStmt", select)) = node(stmt) else {
        return Err(PgError::new("42601", "a view's query must be a SELECT"));
    };
    let mut a = Analyzer { catalog, search_path, levels: Vec::new(), output_names: None, out: Analysis::default() };
    let columns = a.select(select)?;
    let mut out = a.out;
    let columns = columns.unwrap_or_default();
    out.column_types = columns.iter().map(|c| c.type_name.clone()).collect();
    out.columns = columns.into_iter().map(|c| c.name).collect();
    dedup_by(&mut out.column_uses, |u| u.location);
    dedup_by(&mut out.relation_uses, |u| u.location);
    dedup_by(&mut out.stars, |u| u.location);
    let mut deps = Vec::new();
    for d in out.column_deps.drain(..) {
        if !deps.contains(&d) {
            deps.push(d);
        }
    }
    out.column_deps = deps;
    Ok(out)
}

fn dedup_by<T>(items: &mut Vec<T>, key: impl Fn(&T) -> usize) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(key(i)));
}

/// `{"node": {"Kind": {...}}}` or `{"Kind": {...}}` → `("Kind", {...})`.
fn node(v: &Value) -> Option<(&str, &Value)> {
    let inner = v.get("node").unwrap_or(v);
    let map = inner.as_object()?;
    if map.len() != 1 {
        return None;
    }
    map.iter().next().map(|(k, v)| (k.as_str(), v))
}

static NULL: Value = Value::Null;

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key).and_then(|l| l.as_array()).map_or(&[], |l| l.as_slice())
}

fn string(v: &Value, key: &str) -> String {
    v.get(key).and_then(|s| s.as_str()).unwrap_or("").to_string()
}

fn int(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(|s| s.as_i64()).unwrap_or(0)
}

fn present<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// String values of a name list (`fields`, `colnames`, `funcname`).
fn names(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| match node(i) {
            Some(("String", s)) => Some(string(s, "sval")),
            _ => None,
        })
        .collect()
}

fn alias_of(v: &Value) -> Option<(String, Vec<String>)> {
    let alias = present(v, "alias")?;
    Some((string(alias, "aliasname"), names(list(alias, "colnames"))))
}

fn is_system_schema(schema: &str) -> bool {
    schema == "pg_catalog" || schema == "information_schema"
}

impl Analyzer<'_> {
    fn select(&mut self, s: &Value) -> PgResult<Option<Vec<Col>>> {
        self.levels.push(Level::default());
        let result = self.select_body(s);
        self.levels.pop();
        result
    }

    fn select_body(&mut self, s: &Value) -> PgResult<Option<Vec<Col>>> {
        if let Some(with) = present(s, "with_clause") {
            self.with_clause(with)?;
        }
        if int(s, "op") > 1 {
            let left = match present(s, "larg") {
                Some(l) => self.select(l)?,
                None => None,
            };
            let right = match present(s, "rarg") {
                Some(r) => self.select(r)?,
                None => None,
            };
            // The result's types: the first arm's where known, else the other's.
            let left = left.map(|cs| {
                cs.into_iter()
                    .enumerate()
                    .map(|(i, c)| Col {
                        type_name: c
                            .type_name
                            .or_else(|| right.as_ref().and_then(|r| r.get(i)).and_then(|rc| rc.type_name.clone())),
                        dep: None,
                        qual: None,
                        ..c
                    })
                    .collect::<Vec<_>>()
            });
            self.output_names = left.as_ref().map(|cs| cs.iter().map(|c| c.name.clone()).collect());
            self.walk(&s["sort_clause"])?;
            self.output_names = None;
            self.walk(&s["limit_count"])?;
            self.walk(&s["limit_offset"])?;
            return Ok(left);
        }
        let values = list(s, "values_lists");
        if !values.is_empty() {
            let width = values.first().and_then(|v| node(v)).map_or(0, |(_, l)| list(l, "items").len());
            for v in values {
                self.walk(v)?;
            }
            return Ok(Some(
                (1..=width)
                    .map(|i| Col { name: format!("column{i}"), type_name: None, dep: None, qual: None })
                    .collect(),
            ));
        }
        for item in list(s, "from_clause") {
            let items = self.range_item(item)?;
            self.top().items.extend(items);
        }
        let mut outputs: Option<Vec<Col>> = Some(Vec::new());
        for t in list(s, "target_list") {
            let Some(("ResTarget", rt)) = node(t) else { continue };
            let val = rt.get("val").unwrap_or(&NULL);
            let name = string(rt, "name");
            if let Some(("ColumnRef", cr)) = node(val) {
                if is_star(cr) {
                    let expanded = self.expand_star(cr)?;
                    match (expanded, outputs.as_mut()) {
                        (Some(cols), Some(out)) => out.extend(cols),
                        _ => outputs = None,
                    }
                    continue;
                }
            }
            self.walk(val)?;
            let name = if name.is_empty() { figure_colname(val).0 } else { name };
            if let Some(out) = outputs.as_mut() {
                let type_name = self.type_of(val);
                out.push(Col { name, type_name, dep: None, qual: None });
            }
        }
        self.walk(&s["where_clause"])?;
        self.output_names = outputs.as_ref().map(|cs| cs.iter().map(|c| c.name.clone()).collect());
        self.walk(&s["group_clause"])?;
        self.walk(&s["sort_clause"])?;
        self.walk(&s["distinct_clause"])?;
        self.output_names = None;
        self.walk(&s["having_clause"])?;
        self.walk(&s["window_clause"])?;
        self.walk(&s["limit_count"])?;
        self.walk(&s["limit_offset"])?;
        Ok(outputs)
    }

    fn top(&mut self) -> &mut Level {
        if self.levels.is_empty() {
            self.levels.push(Level::default());
        }
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    fn with_clause(&mut self, with: &Value) -> PgResult<()> {
        let recursive = with.get("recursive").and_then(|r| r.as_bool()).unwrap_or(false);
        for c in list(with, "ctes") {
            let Some(("CommonTableExpr", cte)) = node(c) else { continue };
            let name = string(cte, "ctename");
            let aliases = names(list(cte, "aliascolnames"));
            let query = cte.get("ctequery").unwrap_or(&NULL);
            let rename = |cols: Option<Vec<(String, Option<String>)>>| -> Option<Vec<(String, Option<String>)>> {
                let mut cols = cols?;
                for (i, a) in aliases.iter().enumerate() {
                    if i < cols.len() {
                        cols[i].0 = a.clone();
                    }
                }
                Some(cols)
            };
            let col_names =
                |cols: Option<Vec<Col>>| cols.map(|cs| cs.into_iter().map(|c| (c.name, c.type_name)).collect());
            match node(query) {
                Some(("SelectStmt", sel)) => {
                    if recursive {
                        // The recursive term sees the CTE with the non-recursive term's columns.
                        let seed = if !aliases.is_empty() {
                            Some(aliases.iter().map(|a| (a.clone(), None)).collect())
                        } else if int(sel, "op") > 1 {
                            match present(sel, "larg") {
                                Some(l) => col_names(self.select(l)?),
                                None => None,
                            }
                        } else {
                            None
                        };
                        self.top().ctes.push(Cte { name: name.clone(), columns: seed });
                        let cols = rename(col_names(self.select(sel)?));
                        if let Some(c) = self.top().ctes.iter_mut().rev().find(|c| c.name == name) {
                            c.columns = cols;
                        }
                    } else {
                        let cols = rename(col_names(self.select(sel)?));
                        self.top().ctes.push(Cte { name, columns: cols });
                    }
                }
                _ => {
                    self.walk(query)?;
                    self.top().ctes.push(Cte { name, columns: None });
                }
            }
        }
        Ok(())
    }

    fn find_cte(&self, name: &str) -> Option<Cte> {
        self.levels.iter().rev().find_map(|l| l.ctes.iter().rev().find(|c| c.name == name).cloned())
    }

    /// The namespace items one FROM-clause entry adds.
    fn range_item(&mut self, v: &Value) -> PgResult<Vec<Item>> {
        let Some((kind, n)) = node(v) else { return Ok(Vec::new()) };
        match kind {
            "RangeVar" => self.range_var(n).map(|i| vec![i]),
            "RangeSubselect" => {
                let lateral = n.get("lateral").and_then(|l| l.as_bool()).unwrap_or(false);
                let sub = n.get("subquery").unwrap_or(&NULL);
                let cols = self.subquery_hiding_level(sub, !lateral)?;
                let alias = alias_of(n);
                let refname = alias.as_ref().map(|a| a.0.clone());
                let cols = cols.map(|cs| rename_cols(cs, alias.as_ref().map_or(&[][..], |a| &a.1), refname.as_deref()));
                Ok(vec![Item {
                    refname,
                    rel_visible: true,
                    cols_visible: true,
                    relation: None,
                    aliased: true,
                    columns: cols.map(|cs| cs.into_iter().map(|c| Col { dep: None, ..c }).collect()),
                }])
            }
            "RangeFunction" => {
                self.walk(&n["functions"])?;
                let alias = alias_of(n);
                let mut column_names: Vec<String> = alias.as_ref().map(|a| a.1.clone()).unwrap_or_default();
                let coldefs: Vec<String> = list(n, "coldeflist")
                    .iter()
                    .chain(list(n, "functions").iter().flat_map(|f| {
                        match node(f) {
                            Some(("List", l)) => list(l, "items")
                                .get(1)
                                .and_then(|c| node(c))
                                .map(|(_, c)| list(c, "items"))
                                .unwrap_or_default(),
                            _ => &[],
                        }
                    }))
                    .filter_map(|c| match node(c) {
                        Some(("ColumnDef", d)) => Some(string(d, "colname")),
                        _ => None,
                    })
                    .collect();
                if column_names.is_empty() {
                    column_names = coldefs;
                }
                let funcname = list(n, "functions")
                    .first()
                    .and_then(|f| node(f))
                    .and_then(|(_, l)| list(l, "items").first())
                    .and_then(|fc| match node(fc) {
                        Some(("FuncCall", fc)) => names(list(fc, "funcname")).pop(),
                        _ => None,
                    });
                let refname = alias.as_ref().map(|a| a.0.clone()).or(funcname);
                let columns = (!column_names.is_empty()).then(|| {
                    let mut cols: Vec<Col> = column_names
                        .into_iter()
                        .map(|name| Col { name, type_name: None, dep: None, qual: refname.clone() })
                        .collect();
                    if n.get("ordinality").and_then(|o| o.as_bool()).unwrap_or(false) {
                        cols.push(Col {
                            name: "ordinality".into(),
                            type_name: Some("bigint".into()),
                            dep: None,
                            qual: refname.clone(),
                        });
                    }
                    cols
                });
                Ok(vec![Item {
                    refname,
                    rel_visible: true,
                    cols_visible: true,
                    relation: None,
                    aliased: true,
                    columns,
                }])
            }
            "RangeTableSample" => match present(n, "relation") {
                Some(r) => self.range_item(r),
                None => Ok(Vec::new()),
            },
            "JoinExpr" => self.join(n),
            _ => {
                // XMLTABLE, JSON_TABLE: columns not modelled.
                self.walk(n)?;
                let refname = alias_of(n).map(|a| a.0);
                Ok(vec![Item {
                    refname,
                    rel_visible: true,
                    cols_visible: true,
                    relation: None,
                    aliased: true,
                    columns: None,
                }])
            }
        }
    }

    /// A subquery in FROM cannot see its own level's items unless it is LATERAL.
    fn subquery_hiding_level(&mut self, sub: &Value, hide: bool) -> PgResult<Option<Vec<Col>>> {
        let Some(("SelectStmt", sel)) = node(sub) else { return Ok(None) };
        let was = self.top().hidden;
        self.top().hidden = hide || was;
        let result = self.select(sel);
        self.top().hidden = was;
        result
    }

    fn range_var(&mut self, n: &Value) -> PgResult<Item> {
        let schema = string(n, "schemaname");
        let relname = string(n, "relname");
        let location = int(n, "location").max(0) as usize;
        let alias = alias_of(n);
        let refname = alias.as_ref().map(|a| a.0.clone()).unwrap_or_else(|| relname.clone());
        let colaliases = alias.as_ref().map(|a| a.1.clone()).unwrap_or_default();
        if schema.is_empty() {
            if let Some(cte) = self.find_cte(&relname) {
                let cols = cte.columns.map(|cs| {
                    rename_cols(
                        cs.into_iter()
                            .map(|(name, type_name)| Col { name, type_name, dep: None, qual: None })
                            .collect(),
                        &colaliases,
                        Some(&refname),
                    )
                });
                return Ok(Item {
                    refname: Some(refname),
                    rel_visible: true,
                    cols_visible: true,
                    relation: None,
                    aliased: true,
                    columns: cols,
                });
            }
        }
        let unknown = Item {
            refname: Some(refname.clone()),
            rel_visible: true,
            cols_visible: true,
            relation: None,
            aliased: alias.is_some(),
            columns: None,
        };
        if is_system_schema(&schema) || (schema.is_empty() && relname.starts_with("pg_")) {
            return Ok(unknown);
        }
        let qn = if schema.is_empty() {
            self.search_path
                .iter()
                .map(|s| QualName::new(s.clone(), relname.clone()))
                .find(|qn| self.catalog.relations.contains_key(qn))
        } else {
            if !self.catalog.schemas.contains_key(&schema) {
                return Err(PgError::undefined_schema(&schema));
            }
            Some(QualName::new(schema.clone(), relname.clone())).filter(|qn| self.catalog.relations.contains_key(qn))
        };
        let Some(qn) = qn else {
            let written = if schema.is_empty() { relname } else { format!("{schema}.{relname}") };
            return Err(PgError::undefined_table(&written));
        };
        self.out.relation_uses.push(RelationUse { location, table: qn.clone(), qualified: !schema.is_empty() });
        if !self.out.relations.contains(&qn) {
            self.out.relations.push(qn.clone());
        }
        let names = self.catalog.relations.get(&qn).and_then(typed_columns);
        let columns = names.map(|ns| {
            let cols = ns
                .into_iter()
                .map(|(c, type_name)| Col {
                    dep: Some((qn.clone(), c.clone())),
                    name: c,
                    type_name,
                    qual: Some(refname.clone()),
                })
                .collect();
            rename_cols(cols, &colaliases, Some(&refname))
        });
        Ok(Item {
            refname: Some(refname),
            rel_visible: true,
            cols_visible: true,
            relation: Some(qn),
            aliased: alias.is_some(),
            columns,
        })
    }

    fn join(&mut self, n: &Value) -> PgResult<Vec<Item>> {
        let left = match present(n, "larg") {
            Some(l) => self.range_item(l)?,
            None => Vec::new(),
        };
        // A LATERAL right side (or a function) sees the left side's items (moved in and back
        // out: the right side leaves the level's items as it found them).
        let before = self.top().items.len();
        let left_len = left.len();
        self.top().items.extend(left);
        let right = match present(n, "rarg") {
            Some(r) => self.range_item(r),
            None => Ok(Vec::new()),
        };
        let mut left = self.top().items.split_off(before);
        left.truncate(left_len);
        let right = right?;
        // ON sees the join's inputs (and outer levels).
        let was = self.top().hidden;
        self.top().hidden = true;
        left.extend(right);
        self.levels.push(Level { items: left, ctes: Vec::new(), hidden: false });
        let quals = self.walk(&n["quals"]);
        let mut left = self.levels.pop().map(|l| l.items).unwrap_or_default();
        let right = left.split_off(left_len);
        self.top().hidden = was;
        quals?;
        let visible = |items: &[Item]| -> Option<Vec<Col>> {
            let mut cols = Vec::new();
            for i in items.iter().filter(|i| i.cols_visible) {
                cols.extend(i.columns.clone()?);
            }
            Some(cols)
        };
        let left_cols = visible(&left);
        let right_cols = visible(&right);
        let natural = n.get("is_natural").and_then(|b| b.as_bool()).unwrap_or(false);
        let using: Option<Vec<String>> = if natural {
            match (&left_cols, &right_cols) {
                (Some(l), Some(r)) => {
                    Some(l.iter().filter(|c| r.iter().any(|rc| rc.name == c.name)).map(|c| c.name.clone()).collect())
                }
                _ => None,
            }
        } else {
            Some(names(list(n, "using_clause")))
        };
        // USING columns are read from both sides (the join condition compares them).
        for name in using.iter().flatten() {
            for (side, cols) in [("left", &left_cols), ("right", &right_cols)] {
                match cols.iter().flatten().find(|c| &c.name == name) {
                    Some(c) => {
                        if let Some(d) = &c.dep {
                            self.out.column_deps.push(d.clone());
                        }
                    }
                    None if cols.is_some() && !natural => {
                        return Err(PgError::new(
                            "42703",
                            format!("column \"{name}\" specified in USING clause does not exist in {side} table"),
                        ))
                    }
                    None => {}
                }
            }
        }
        let alias = alias_of(n);
        let columns = match (left_cols, right_cols, using.clone()) {
            (Some(l), Some(r), Some(using)) => {
                let mut cols: Vec<Col> =
                    using.iter().map(|u| Col { name: u.clone(), type_name: None, dep: None, qual: None }).collect();
                let mut take = |side: Vec<Col>| {
                    let mut merged_seen: Vec<String> = Vec::new();
                    for c in side {
                        if using.contains(&c.name) && !merged_seen.contains(&c.name) {
                            merged_seen.push(c.name.clone());
                            continue;
                        }
                        cols.push(c);
                    }
                };
                take(l);
                take(r);
                Some(cols)
            }
            _ => None,
        };
        let mut items: Vec<Item> = left.into_iter().chain(right).collect();
        for i in &mut items {
            i.cols_visible = false;
            if alias.is_some() {
                i.rel_visible = false;
            }
        }
        let refname = alias.as_ref().map(|a| a.0.clone());
        let columns = columns.map(|cs| {
            let cs = match &refname {
                Some(r) => cs.into_iter().map(|c| Col { qual: Some(r.clone()), ..c }).collect(),
                None => cs,
            };
            rename_cols(cs, alias.as_ref().map_or(&[][..], |a| &a.1), refname.as_deref())
        });
        if let Some(ua) = present(n, "join_using_alias") {
            let name = string(ua, "aliasname");
            items.push(Item {
                refname: Some(name.clone()),
                rel_visible: true,
                cols_visible: false,
                relation: None,
                aliased: true,
                columns: using.map(|u| {
                    u.into_iter()
                        .map(|c| Col { name: c, type_name: None, dep: None, qual: Some(name.clone()) })
                        .collect()
                }),
            });
        }
        items.push(Item {
            rel_visible: refname.is_some(),
            refname,
            cols_visible: true,
            relation: None,
            aliased: true,
            columns,
        });
        Ok(items)
    }

    /// Expands `*` / `a.*` of a target list; records the expansion when it can be written out.
    fn expand_star(&mut self, cr: &Value) -> PgResult<Option<Vec<Col>>> {
        let location = int(cr, "location").max(0) as usize;
        let qualifier = names(list(cr, "fields"));
        let items: Vec<&Item> = if qualifier.is_empty() {
            self.levels.last().map(|l| l.items.iter().filter(|i| i.cols_visible).collect()).unwrap_or_default()
        } else {
            let refname = qualifier.last().cloned().unwrap_or_default();
            match self.find_item(&refname) {
                Some(i) => vec![i],
                None => {
                    return Err(PgError::new("42P01", format!("missing FROM-clause entry for table \"{refname}\"")))
                }
            }
        };
        if qualifier.is_empty() && items.is_empty() {
            return Err(PgError::new("42601", "SELECT * with no tables specified is not valid"));
        }
        let mut cols = Vec::new();
        for i in &items {
            let Some(cs) = &i.columns else { return Ok(None) };
            for c in cs {
                let qual = if qualifier.is_empty() { c.qual.clone() } else { i.refname.clone() };
                cols.push(Col { qual, name: c.name.clone(), type_name: c.type_name.clone(), dep: c.dep.clone() });
            }
        }
        for c in &cols {
            if let Some(d) = &c.dep {
                self.out.column_deps.push(d.clone());
            }
        }
        // Merged USING columns are written unqualified; everything else needs a qualifier.
        let writable = cols.iter().all(|c| c.qual.is_some() || c.dep.is_none());
        if writable && !cols.is_empty() {
            let expansion = cols
                .iter()
                .map(|c| match &c.qual {
                    Some(q) => format!("{}.{}", quote_ident(q), quote_ident(&c.name)),
                    None => quote_ident(&c.name),
                })
                .collect::<Vec<_>>()
                .join(", ");
            self.out.stars.push(StarUse { location, expansion });
        }
        Ok(Some(cols))
    }

    /// The type of an output expression, where it can be told from the expression alone.
    fn type_of(&self, v: &Value) -> Option<String> {
        let (kind, n) = node(v)?;
        match kind {
            "ColumnRef" => {
                let written = names(list(n, "fields"));
                match written.as_slice() {
                    [name] => match self.find_column(name) {
                        Lookup::Found(c, _) => c.type_name,
                        _ => None,
                    },
                    [item, column] => match self.item_column(None, item, column) {
                        ItemLookup::Column(c, _) => c.type_name,
                        _ => None,
                    },
                    _ => None,
                }
            }
            "TypeCast" => {
                let t = present(n, "type_name")?;
                self.type_name(t)
            }
            "AConst" => {
                let val = n.get("val")?;
                let (k, _) = val.as_object()?.iter().next()?;
                Some(
                    match k.as_str() {
                        "Ival" => "integer",
                        "Fval" => "numeric",
                        "Boolval" => "boolean",
                        "Bsval" => "bit",
                        _ => "text",
                    }
                    .to_string(),
                )
            }
            "BoolExpr" | "NullTest" | "BooleanTest" => Some("boolean".into()),
            "SubLink" => {
                use pg_query::protobuf::SubLinkType as T;
                let t = int(n, "sub_link_type");
                (t == T::ExistsSublink as i64 || t == T::AnySublink as i64 || t == T::AllSublink as i64)
                    .then(|| "boolean".into())
            }
            "CoalesceExpr" | "MinMaxExpr" => list(n, "args").iter().find_map(|a| self.type_of(a)),
            "CaseExpr" => list(n, "args")
                .iter()
                .filter_map(|w| node(w).map(|(_, w)| w.get("result").unwrap_or(&NULL)))
                .chain(present(n, "defresult"))
                .find_map(|r| self.type_of(r)),
            "AExpr" => {
                use pg_query::protobuf::AExprKind as K;
                let op = names(list(n, "name")).pop().unwrap_or_default();
                let kind = int(n, "kind");
                let comparison = [
                    "=", "<>", "!=", "<", ">", "<=", ">=", "~~", "!~~", "~~*", "!~~*", "~", "~*", "@>", "<@", "&&",
                    "?", "?|", "?&",
                ];
                if kind != K::AexprOp as i64 || comparison.contains(&op.as_str()) {
                    return (kind != K::AexprNullif as i64).then(|| "boolean".into());
                }
                if op == "||" {
                    let l = present(n, "lexpr").and_then(|l| self.type_of(l));
                    return Some(match l.as_deref() {
                        Some(t) if t.starts_with("json") || t.ends_with("[]") => l.unwrap_or_default(),
                        _ => "text".into(),
                    });
                }
                let l = present(n, "lexpr").and_then(|l| self.type_of(l));
                let r = present(n, "rexpr").and_then(|r| self.type_of(r));
                match (l, r) {
                    (Some(l), Some(r)) if l == r => Some(l),
                    (Some(l), None) | (None, Some(l)) if op == "-" || op == "+" => Some(l),
                    _ => None,
                }
            }
            "SqlvalueFunction" | "SQLValueFunction" => {
                use pg_query::protobuf::SqlValueFunctionOp as O;
                let op = O::try_from(int(n, "op") as i32).ok()?;
                Some(
                    match op {
                        O::SvfopCurrentDate => "date",
                        O::SvfopCurrentTime | O::SvfopCurrentTimeN => "time with time zone",
                        O::SvfopCurrentTimestamp | O::SvfopCurrentTimestampN => "timestamp with time zone",
                        O::SvfopLocaltime | O::SvfopLocaltimeN => "time without time zone",
                        O::SvfopLocaltimestamp | O::SvfopLocaltimestampN => "timestamp without time zone",
                        O::SqlvalueFunctionOpUndefined => return None,
                        _ => "name",
                    }
                    .to_string(),
                )
            }
            "FuncCall" => {
                let name = names(list(n, "funcname")).pop()?;
                let args = list(n, "args");
                let first = || args.first().and_then(|a| self.type_of(a));
                let t = match name.as_str() {
                    "count" | "row_number" | "rank" | "dense_rank" | "ntile" => "bigint",
                    "now" | "transaction_timestamp" | "statement_timestamp" | "clock_timestamp" => {
                        "timestamp with time zone"
                    }
                    "lower" | "upper" | "trim" | "btrim" | "ltrim" | "rtrim" | "concat" | "concat_ws" | "substr"
                    | "substring" | "replace" | "md5" | "string_agg" | "format" | "left" | "right" | "lpad"
                    | "rpad" | "repeat" | "initcap" | "to_char" | "quote_ident" | "quote_literal" => "text",
                    "length" | "char_length" | "octet_length" | "position" | "strpos" => "integer",
                    "gen_random_uuid" | "uuid_generate_v4" => "uuid",
                    "random" => "double precision",
                    "json_build_object" | "json_agg" | "to_json" | "json_build_array" | "row_to_json" => "json",
                    "jsonb_build_object" | "jsonb_agg" | "to_jsonb" | "jsonb_build_array" | "jsonb_set" => "jsonb",
                    "bool_and" | "bool_or" | "every" => "boolean",
                    "to_tsvector" | "setweight" => "tsvector",
                    "max" | "min" | "first_value" | "last_value" | "lag" | "lead" | "nullif" | "abs" => return first(),
                    "array_agg" => return first().map(|t| if t.ends_with("[]") { t } else { format!("{t}[]") }),
                    "sum" => {
                        return first().map(|t| {
                            match t.as_str() {
                                "smallint" | "integer" => "bigint",
                                "real" => "real",
                                "double precision" => "double precision",
                                "interval" => "interval",
                                "money" => "money",
                                _ => "numeric",
                            }
                            .to_string()
                        })
                    }
                    "avg" => {
                        return first().map(|t| {
                            match t.as_str() {
                                "real" | "double precision" => "double precision",
                                "interval" => "interval",
                                _ => "numeric",
                            }
                            .to_string()
                        })
                    }
                    _ => return None,
                };
                Some(t.to_string())
            }
            _ => None,
        }
    }

    /// `enum_column = 'label'` (or `IN (...)`): the literal is read as a label of the column's
    /// enum type, which must exist (22P02).
    fn check_enum_labels(&self, e: &Value) -> PgResult<()> {
        use pg_query::protobuf::AExprKind as K;
        let op = names(list(e, "name")).pop().unwrap_or_default();
        let kind = int(e, "kind");
        let comparison = kind == K::AexprIn as i64
            || (kind == K::AexprOp as i64 && matches!(op.as_str(), "=" | "<>" | "!=" | "<" | ">" | "<=" | ">="));
        if !comparison {
            return Ok(());
        }
        for (col, other) in [("lexpr", "rexpr"), ("rexpr", "lexpr")] {
            let Some(c) = present(e, col) else { continue };
            if !matches!(node(c), Some(("ColumnRef", _))) {
                continue;
            }
            let Some(type_name) = self.type_of(c) else { continue };
            let labels = self.catalog.types.iter().find_map(|(qn, t)| match &t.kind {
                schemasim_catalog::TypeKind::Enum { values } if qn.to_string() == type_name => Some(values),
                _ => None,
            });
            let Some(labels) = labels else { continue };
            let Some(other) = present(e, other) else { continue };
            let candidates = match node(other) {
                Some(("List", l)) => list(l, "items"),
                _ => std::slice::from_ref(other),
            };
            for lit in candidates {
                let Some(label) = lit.pointer("/node/AConst/val/Sval/sval").and_then(|s| s.as_str()) else { continue };
                if !labels.iter().any(|l| l == label) {
                    return Err(PgError::new(
                        "22P02",
                        format!("invalid input value for enum {}: \"{label}\"", super::casts::display_type(&type_name)),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `format_type` text of a TypeName in serde form.
    fn type_name(&self, t: &Value) -> Option<String> {
        let type_names = names(list(t, "names"));
        let mods: Vec<String> = list(t, "typmods")
            .iter()
            .filter_map(|m| {
                let val = m.pointer("/node/AConst/val")?;
                let (k, v) = val.as_object()?.iter().next()?;
                match k.as_str() {
                    "Ival" => Some(v.get("ival").and_then(|i| i.as_i64()).unwrap_or(0).to_string()),
                    "Sval" => v.get("sval").and_then(|i| i.as_str()).map(str::to_string),
                    "Fval" => v.get("fval").and_then(|i| i.as_str()).map(str::to_string),
                    _ => None,
                }
            })
            .collect();
        let mods = if mods.is_empty() { String::new() } else { format!("({})", mods.join(",")) };
        crate::types::format_type_parts(
            self.catalog,
            self.search_path,
            &type_names,
            &mods,
            list(t, "array_bounds").len(),
        )
        .ok()
    }

    fn visible_levels(&self) -> impl Iterator<Item = &Level> {
        self.levels.iter().rev().filter(|l| !l.hidden)
    }

    fn find_item(&self, refname: &str) -> Option<&Item> {
        self.visible_levels()
            .find_map(|l| l.items.iter().find(|i| i.rel_visible && i.refname.as_deref() == Some(refname)))
    }

    /// An item a non-LATERAL subquery cannot reference.
    fn hidden_item(&self, refname: &str) -> bool {
        self.levels.iter().any(|l| l.hidden && l.items.iter().any(|i| i.refname.as_deref() == Some(refname)))
    }

    fn has_item(&self, refname: &str) -> bool {
        self.visible_levels().any(|l| l.items.iter().any(|i| i.rel_visible && i.refname.as_deref() == Some(refname)))
    }

    /// Column `column` of the item named `refname` (of relation `schema.refname` when a schema
    /// is given), innermost level first.
    fn item_column(&self, schema: Option<&str>, refname: &str, column: &str) -> ItemLookup {
        let item = self.visible_levels().find_map(|l| {
            l.items.iter().find(|i| {
                i.rel_visible
                    && i.refname.as_deref() == Some(refname)
                    && schema.is_none_or(|s| i.relation.as_ref().is_some_and(|r| r.schema == s))
            })
        });
        let Some(item) = item else { return ItemLookup::NoItem };
        let Some(cols) = &item.columns else { return ItemLookup::UnknownColumns };
        match cols.iter().find(|c| c.name == column) {
            Some(c) => ItemLookup::Column(c.clone(), item.relation.is_some() && !item.aliased),
            None => ItemLookup::NoColumn,
        }
    }

    fn find_column(&self, name: &str) -> Lookup {
        for level in self.visible_levels() {
            let mut found: Option<(&Col, bool)> = None;
            let mut count = 0;
            let mut unknown = false;
            for item in level.items.iter().filter(|i| i.cols_visible) {
                match &item.columns {
                    None => unknown = true,
                    Some(cols) => {
                        for c in cols.iter().filter(|c| c.name == name) {
                            count += 1;
                            found = Some((c, item.relation.is_some() && !item.aliased));
                        }
                    }
                }
            }
            match (count, found) {
                (1, Some((c, by_relation))) => {
                    return if unknown { Lookup::Unknown } else { Lookup::Found(c.clone(), by_relation) };
                }
                (0, _) if unknown => return Lookup::Unknown,
                (0, _) => {}
                _ => return Lookup::Ambiguous,
            }
        }
        Lookup::NotFound
    }

    fn record(&mut self, col: &Col, by_relation: bool, location: usize, fields: usize) {
        if let Some((table, column)) = &col.dep {
            self.out.column_deps.push((table.clone(), column.clone()));
            self.out.column_uses.push(ColumnUse {
                location,
                table: table.clone(),
                column: column.clone(),
                fields,
                qualified_by_relation: fields >= 2 && by_relation,
            });
        }
    }

    fn column_ref(&mut self, cr: &Value) -> PgResult<()> {
        let location = int(cr, "location").max(0) as usize;
        let fields = list(cr, "fields");
        let star = is_star(cr);
        let written = names(fields);
        if star {
            // A whole-row reference (`t.*` inside an expression): no column dependency.
            return Ok(());
        }
        match written.as_slice() {
            [name] => match self.find_column(name) {
                Lookup::Found(c, by_relation) => {
                    self.record(&c, by_relation, location, 1);
                    Ok(())
                }
                Lookup::Unknown => Ok(()),
                Lookup::Ambiguous => Err(PgError::new("42702", format!("column reference \"{name}\" is ambiguous"))),
                Lookup::NotFound => {
                    let whole_row = self.has_item(name);
                    let output = self.output_names.as_ref().is_some_and(|o| o.contains(name));
                    if whole_row || output {
                        Ok(())
                    } else {
                        Err(PgError::undefined_column(name))
                    }
                }
            },
            [first, second, rest @ ..] => {
                // `s.t.c` when `t` is an item of relation `s.t`, else `t.c[.field]`.
                if let [third, ..] = rest {
                    match self.item_column(Some(first), second, third) {
                        ItemLookup::NoItem => {}
                        found => return self.qualified(found, third, location, 3, &format!("{first}.{second}")),
                    }
                }
                match self.item_column(None, first, second) {
                    ItemLookup::NoItem => match self.find_column(first) {
                        // `col.field` on a composite column.
                        Lookup::Found(c, by_relation) => {
                            self.record(&c, by_relation, location, 1);
                            Ok(())
                        }
                        Lookup::Unknown | Lookup::Ambiguous => Ok(()),
                        Lookup::NotFound if self.hidden_item(first) => Err(PgError::new(
                            "42P01",
                            format!("invalid reference to FROM-clause entry for table \"{first}\""),
                        )),
                        Lookup::NotFound => {
                            Err(PgError::new("42P01", format!("missing FROM-clause entry for table \"{first}\"")))
                        }
                    },
                    found => self.qualified(found, second, location, 2, first),
                }
            }
            _ => Ok(()),
        }
    }

    fn qualified(
        &mut self,
        found: ItemLookup,
        column: &str,
        location: usize,
        fields: usize,
        written: &str,
    ) -> PgResult<()> {
        match found {
            ItemLookup::Column(c, by_relation) => {
                self.record(&c, by_relation, location, fields);
                Ok(())
            }
            ItemLookup::NoColumn => Err(PgError::new("42703", format!("column {written}.{column} does not exist"))),
            ItemLookup::NoItem | ItemLookup::UnknownColumns => Ok(()),
        }
    }

    /// Walks an expression (or any part of a statement that holds expressions).
    fn walk(&mut self, v: &Value) -> PgResult<()> {
        match v {
            Value::Object(map) => {
                if let Some(cr) = map.get("ColumnRef") {
                    if map.len() == 1 {
                        return self.column_ref(cr);
                    }
                }
                if let Some(e) = map.get("AExpr") {
                    if map.len() == 1 {
                        self.check_enum_labels(e)?;
                    }
                }
                if let Some(sl) = map.get("SubLink") {
                    if map.len() == 1 {
                        self.walk(&sl["testexpr"])?;
                        if let Some(("SelectStmt", sel)) = sl.get("subselect").and_then(|s| node(s)) {
                            let saved = self.output_names.take();
                            let r = self.select(sel);
                            self.output_names = saved;
                            r?;
                        }
                        return Ok(());
                    }
                }
                for (_, x) in map {
                    self.walk(x)?;
                }
                Ok(())
            }
            Value::Array(items) => {
                for x in items {
                    self.walk(x)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn is_star(cr: &Value) -> bool {
    list(cr, "fields").last().and_then(|f| node(f)).is_some_and(|(k, _)| k == "AStar")
}

fn rename_cols(mut cols: Vec<Col>, aliases: &[String], refname: Option<&str>) -> Vec<Col> {
    for (i, a) in aliases.iter().enumerate() {
        if i < cols.len() {
            cols[i].name = a.clone();
        }
    }
    if let Some(r) = refname {
        for c in &mut cols {
            c.qual = Some(r.to_string());
        }
    }
    cols
}

/// PostgreSQL's FigureColname: the name of an unnamed output column, with its strength
/// (2 = a real name, 1 = a fallback such as a cast's type name, 0 = `?column?`).
fn figure_colname(v: &Value) -> (String, u8) {
    let Some((kind, n)) = node(v) else { return ("?column?".into(), 0) };
    let named = |s: &str| (s.to_string(), 2u8);
    match kind {
        "ColumnRef" => match names(list(n, "fields")).pop() {
            Some(f) => (f, 2),
            None => ("?column?".into(), 0),
        },
        "A_Indirection" | "AIndirection" => match names(list(n, "indirection")).pop() {
            Some(f) => (f, 2),
            None => figure_colname(&n["arg"]),
        },
        "FuncCall" => match names(list(n, "funcname")).pop() {
            Some(f) => (f, 2),
            None => ("?column?".into(), 0),
        },
        "A_Expr" | "AExpr" if int(n, "kind") == pg_query::protobuf::AExprKind::AexprNullif as i64 => named("nullif"),
        "TypeCast" => {
            let inner = figure_colname(&n["arg"]);
            if inner.1 <= 1 {
                if let Some(t) = present(n, "type_name") {
                    if let Some(last) = names(list(t, "names")).pop() {
                        return (last, 1);
                    }
                }
            }
            inner
        }
        "CollateClause" => figure_colname(&n["arg"]),
        "GroupingFunc" => named("grouping"),
        "MergeSupportFunc" => named("merge_action"),
        "SubLink" => {
            use pg_query::protobuf::SubLinkType as T;
            let t = int(n, "sub_link_type");
            if t == T::ExistsSublink as i64 {
                named("exists")
            } else if t == T::ArraySublink as i64 {
                named("array")
            } else if t == T::ExprSublink as i64 {
                match n.get("subselect").and_then(|s| node(s)) {
                    Some(("SelectStmt", sel)) => sublink_colname(sel),
                    _ => ("?column?".into(), 0),
                }
            } else {
                ("?column?".into(), 0)
            }
        }
        "CaseExpr" => {
            let inner = figure_colname(&n["defresult"]);
            if inner.1 <= 1 {
                ("case".into(), 1)
            } else {
                inner
            }
        }
        "A_ArrayExpr" | "AArrayExpr" => named("array"),
        "RowExpr" => named("row"),
        "CoalesceExpr" => named("coalesce"),
        "MinMaxExpr" => {
            if int(n, "op") == pg_query::protobuf::MinMaxOp::IsGreatest as i64 {
                named("greatest")
            } else {
                named("least")
            }
        }
        "SQLValueFunction" | "SqlvalueFunction" => {
            use pg_query::protobuf::SqlValueFunctionOp as O;
            let op = O::try_from(int(n, "op") as i32).unwrap_or(O::SqlvalueFunctionOpUndefined);
            let name = match op {
                O::SvfopCurrentDate => "current_date",
                O::SvfopCurrentTime | O::SvfopCurrentTimeN => "current_time",
                O::SvfopCurrentTimestamp | O::SvfopCurrentTimestampN => "current_timestamp",
                O::SvfopLocaltime | O::SvfopLocaltimeN => "localtime",
                O::SvfopLocaltimestamp | O::SvfopLocaltimestampN => "localtimestamp",
                O::SvfopCurrentRole => "current_role",
                O::SvfopCurrentUser => "current_user",
                O::SvfopUser => "user",
                O::SvfopSessionUser => "session_user",
                O::SvfopCurrentCatalog => "current_catalog",
                O::SvfopCurrentSchema => "current_schema",
                O::SqlvalueFunctionOpUndefined => return ("?column?".into(), 0),
            };
            named(name)
        }
        "XmlSerialize" => named("xmlserialize"),
        "JsonParseExpr" => named("json"),
        "JsonScalarExpr" => named("json_scalar"),
        "JsonSerializeExpr" => named("json_serialize"),
        "JsonObjectConstructor" | "JsonObjectAgg" => {
            named(if kind == "JsonObjectAgg" { "json_objectagg" } else { "json_object" })
        }
        "JsonArrayConstructor" | "JsonArrayQueryConstructor" => named("json_array"),
        "JsonArrayAgg" => named("json_arrayagg"),
        "JsonFuncExpr" => {
            use pg_query::protobuf::JsonExprOp as O;
            let op = int(n, "op");
            if op == O::JsonExistsOp as i64 {
                named("json_exists")
            } else if op == O::JsonQueryOp as i64 {
                named("json_query")
            } else if op == O::JsonValueOp as i64 {
                named("json_value")
            } else {
                ("?column?".into(), 0)
            }
        }
        _ => ("?column?".into(), 0),
    }
}

/// The name of a scalar subquery's column: its first target's name.
fn sublink_colname(sel: &Value) -> (String, u8) {
    if int(sel, "op") > 1 {
        return match present(sel, "larg") {
            Some(l) => sublink_colname(l),
            None => ("?column?".into(), 2),
        };
    }
    let Some(first) = list(sel, "target_list").first() else { return ("?column?".into(), 0) };
    let Some(("ResTarget", rt)) = node(first) else { return ("?column?".into(), 0) };
    let name = string(rt, "name");
    if !name.is_empty() {
        return (name, 2);
    }
    (figure_colname(&rt["val"]).0, 2)
}

/// A replacement of `text[start..end]`.
#[derive(Clone, Debug)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies non-overlapping edits (overlapping ones after the first are dropped).
pub fn apply_edits(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for e in edits {
        if e.start < last || e.end > text.len() || !text.is_char_boundary(e.start) || !text.is_char_boundary(e.end) {
            continue;
        }
        out.push_str(&text[last..e.start]);
        out.push_str(&e.text);
        last = e.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Byte ranges of the dotted names (and a final `*`) written at `location`: `s`, `t`, `c` of
/// `s.t.c`.
pub fn name_tokens(text: &str, location: usize) -> Vec<(usize, usize)> {
    name_tokens_in(text, &scan_tokens(text), location)
}

/// Byte ranges of the scanner's tokens of `text` (empty when it does not scan), for
/// `name_tokens_in`: one scan serves every location of the same text.
pub fn scan_tokens(text: &str) -> Vec<(usize, usize)> {
    let Ok(scan) = pg_query::scan(text) else { return Vec::new() };
    scan.tokens.iter().map(|t| (t.start as usize, t.end as usize)).collect()
}

/// `name_tokens` over the tokens `scan_tokens` gave for `text`.
pub fn name_tokens_in(text: &str, tokens: &[(usize, usize)], location: usize) -> Vec<(usize, usize)> {
    let Some(mut i) = tokens.iter().position(|t| t.0 == location) else { return Vec::new() };
    let mut out = vec![tokens[i]];
    while i + 2 < tokens.len() && text.get(tokens[i + 1].0..tokens[i + 1].1) == Some(".") {
        i += 2;
        out.push(tokens[i]);
        if text.get(tokens[i].0..tokens[i].1) == Some("*") {
            break;
        }
    }
    out
}

/// A table's or view's columns with their types as `format_type` prints them (`None` where a
/// view column's type is not known); `None` for other relations.
pub(crate) fn typed_columns(relation: &Relation) -> Option<Vec<(String, Option<String>)>> {
    match relation {
        Relation::Table(t) => Some(t.columns.iter().map(|c| (c.name.clone(), Some(c.type_name.clone()))).collect()),
        Relation::View(v) => Some(
            v.columns.iter().enumerate().map(|(i, c)| (c.clone(), v.column_types.get(i).cloned().flatten())).collect(),
        ),
        _ => None,
    }
}
