//! The syntax-tree walk over statements, queries, selects and joins; predicates are in
//! [`super::predicates`].

use sqlparser::ast::{
    Expr, FromTable, GroupByExpr, Join, JoinConstraint, JoinOperator, LimitClause, ObjectName,
    ObjectNamePart, OrderByExpr, OrderByKind, OrderBySort, Query, Select, SelectItem, SetExpr,
    Statement, TableFactor, TableObject, TableWithJoins, UpdateTableFromKind,
};

use super::model::{Analysis, ColumnRef, Comparison, Direction, Filter, OrderColumn, TableRef};
use super::names::{bare_column, ident_text, literal_u64, object_name};
use super::MAX_WALK_DEPTH;

/// A name in scope: an alias or table name, and the table it stands for (`None` for derived
/// tables and CTEs).
pub(super) struct Scoped {
    pub(super) name: String,
    pub(super) table: Option<usize>,
}

pub(super) struct Walker<'a> {
    pub(super) out: &'a mut Analysis,
    /// Every table seen, in order; the index is its sequence number.
    pub(super) seq: Vec<String>,
    pub(super) scopes: Vec<Vec<Scoped>>,
    pub(super) ctes: Vec<String>,
    /// Equality links between two tables found in predicates (by sequence number).
    pub(super) links: Vec<(usize, usize)>,
    /// Aliases of the outer query's select list (an `ORDER BY` on one is not a column).
    pub(super) projection_aliases: Vec<String>,
}

impl<'a> Walker<'a> {
    pub(super) fn new(out: &'a mut Analysis) -> Self {
        Walker {
            out,
            seq: Vec::new(),
            scopes: Vec::new(),
            ctes: Vec::new(),
            links: Vec::new(),
            projection_aliases: Vec::new(),
        }
    }

    pub(super) fn finish(&mut self) {
        self.out.aggregates |= !self.out.group_by.is_empty() || self.out.group_by_other;
    }

    // -- scopes and tables --

    pub(super) fn add_table(&mut self, name: &ObjectName, alias: Option<String>) {
        let text = object_name(name);
        let scope_name = alias.clone().unwrap_or_else(|| text.clone());
        let is_cte = name.0.len() == 1 && self.ctes.iter().any(|c| c == &text);
        let table = if is_cte {
            None
        } else {
            let r = TableRef {
                name: text.clone(),
                alias: alias.clone(),
            };
            if !self.out.tables.contains(&r) {
                self.out.tables.push(r);
            }
            self.seq.push(text.clone());
            Some(self.seq.len() - 1)
        };
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Scoped {
                name: scope_name,
                table,
            });
            // `FROM public.users` can be qualified as `users.x` too.
            if alias.is_none() && name.0.len() > 1 {
                if let Some(ObjectNamePart::Identifier(last)) = name.0.last() {
                    scope.push(Scoped {
                        name: ident_text(last),
                        table,
                    });
                }
            }
        }
    }

    pub(super) fn add_derived(&mut self, alias: Option<String>) {
        if let (Some(name), Some(scope)) = (alias, self.scopes.last_mut()) {
            scope.push(Scoped { name, table: None });
        }
    }

    /// Resolve a column qualifier (or none) to a table sequence number.
    pub(super) fn resolve(&self, qualifier: Option<&str>) -> Option<usize> {
        match qualifier {
            Some(q) => {
                for scope in self.scopes.iter().rev() {
                    if let Some(s) = scope.iter().find(|s| s.name == q) {
                        return s.table;
                    }
                }
                None
            }
            None => {
                let scope = self.scopes.last()?;
                let mut tables = scope.iter().map(|s| s.table);
                let first = tables.next()?;
                if tables.all(|t| t == first) {
                    first
                } else {
                    None
                }
            }
        }
    }

    pub(super) fn column_ref(&self, col: &(Option<String>, String)) -> (Option<usize>, ColumnRef) {
        let seq = self.resolve(col.0.as_deref());
        let table = seq.and_then(|i| self.seq.get(i).cloned());
        (
            seq,
            ColumnRef {
                table,
                column: col.1.clone(),
            },
        )
    }

    pub(super) fn push_filter(&mut self, col: &(Option<String>, String), comparison: Comparison) {
        let (_, c) = self.column_ref(col);
        self.out.filters.push(Filter {
            table: c.table,
            column: c.column,
            comparison,
        });
    }

    // -- statements and queries --

    pub(super) fn statement(&mut self, statement: &Statement, depth: u32) {
        match statement {
            Statement::Query(q) => self.query(q, depth, true),
            Statement::Insert(insert) => {
                self.scopes.push(Vec::new());
                if let TableObject::TableName(name) = &insert.table {
                    self.add_table(name, None);
                }
                self.scopes.pop();
                if let Some(source) = &insert.source {
                    self.query(source, depth + 1, false);
                }
            }
            Statement::Update(update) => {
                self.scopes.push(Vec::new());
                self.table_with_joins(&update.table, depth);
                if let Some(
                    UpdateTableFromKind::BeforeSet(from) | UpdateTableFromKind::AfterSet(from),
                ) = &update.from
                {
                    for twj in from {
                        self.table_with_joins(twj, depth);
                    }
                }
                for assignment in &update.assignments {
                    let mut cols = Vec::new();
                    self.scan(&assignment.value, depth + 1, &mut cols);
                }
                if let Some(selection) = &update.selection {
                    self.predicate(selection, depth + 1);
                }
                self.order_keys(&update.order_by, true);
                if let Some(limit) = &update.limit {
                    self.out.limit = literal_u64(limit);
                }
                self.scopes.pop();
            }
            Statement::Delete(delete) => {
                self.scopes.push(Vec::new());
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) =
                    &delete.from;
                for twj in from {
                    self.table_with_joins(twj, depth);
                }
                for twj in delete.using.iter().flatten() {
                    self.table_with_joins(twj, depth);
                }
                if let Some(selection) = &delete.selection {
                    self.predicate(selection, depth + 1);
                }
                self.order_keys(&delete.order_by, true);
                if let Some(limit) = &delete.limit {
                    self.out.limit = literal_u64(limit);
                }
                self.scopes.pop();
            }
            _ => {}
        }
    }

    /// Walk a query; `top` for the statement's outer query (its ORDER BY, LIMIT, `SELECT *` and
    /// aggregates are the ones reported).
    pub(super) fn query(&mut self, q: &Query, depth: u32, top: bool) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        let ctes_before = self.ctes.len();
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.out.subqueries += 1;
                self.query(&cte.query, depth + 1, false);
                self.ctes.push(ident_text(&cte.alias.name));
            }
        }
        self.scopes.push(Vec::new());
        self.set_expr(&q.body, depth, top);
        if top {
            if let Some(order_by) = &q.order_by {
                match &order_by.kind {
                    OrderByKind::Expressions(keys) => self.order_keys(keys, true),
                    OrderByKind::All(_) => self.out.order_by_other = true,
                }
            }
            match &q.limit_clause {
                Some(LimitClause::LimitOffset { limit, offset, .. }) => {
                    self.out.limit = limit.as_ref().and_then(literal_u64);
                    self.out.offset = offset.as_ref().and_then(|o| literal_u64(&o.value));
                }
                Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                    self.out.limit = literal_u64(limit);
                    self.out.offset = literal_u64(offset);
                }
                None => {}
            }
        }
        self.scopes.pop();
        self.ctes.truncate(ctes_before);
    }

    pub(super) fn set_expr(&mut self, body: &SetExpr, depth: u32, top: bool) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        match body {
            SetExpr::Select(select) => self.select(select, depth, top),
            SetExpr::Query(q) => {
                self.scopes.push(Vec::new());
                self.query(q, depth + 1, top);
                self.scopes.pop();
            }
            SetExpr::SetOperation { left, right, .. } => {
                // Each branch has its own FROM scope.
                self.scopes.push(Vec::new());
                self.set_expr(left, depth + 1, top);
                self.scopes.pop();
                self.scopes.push(Vec::new());
                self.set_expr(right, depth + 1, top);
                self.scopes.pop();
            }
            SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) => {
                self.statement(s, depth + 1)
            }
            _ => {}
        }
    }

    pub(super) fn order_keys(&mut self, keys: &[OrderByExpr], top: bool) {
        if !top {
            return;
        }
        for key in keys {
            let direction = match key.options.sort {
                Some(OrderBySort::Desc) => Direction::Desc,
                _ => Direction::Asc,
            };
            match bare_column(&key.expr) {
                Some(col) if col.0.is_some() || !self.projection_aliases.contains(&col.1) => {
                    let (_, column) = self.column_ref(&col);
                    self.out.order_by.push(OrderColumn { column, direction });
                }
                _ => self.out.order_by_other = true,
            }
        }
    }

    pub(super) fn select(&mut self, s: &Select, depth: u32, top: bool) {
        // FROM first: it brings the names the rest of the select refers to.
        let mut items: Vec<(usize, usize)> = Vec::new(); // (first seq, end seq) per FROM item
        for twj in &s.from {
            let start = self.seq.len();
            self.table_with_joins(twj, depth);
            items.push((start, self.seq.len()));
        }
        for item in &s.projection {
            match item {
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    if top {
                        self.out.select_star = true;
                    }
                }
                SelectItem::UnnamedExpr(e) => self.projection_expr(e, depth, top),
                SelectItem::ExprWithAlias { expr, alias } => {
                    if top {
                        self.projection_aliases.push(ident_text(alias));
                    }
                    self.projection_expr(expr, depth, top);
                }
                SelectItem::ExprWithAliases { expr, .. } => self.projection_expr(expr, depth, top),
            }
        }
        if let Some(selection) = &s.selection {
            self.predicate(selection, depth + 1);
        }
        // A comma-joined item with no equality link to an earlier item is a cross join.
        for &(start, end) in items.iter().skip(1) {
            let (first, _) = items[0];
            if start == end {
                continue;
            }
            let linked = self.links.iter().any(|&(a, b)| {
                let (lo, hi) = (a.min(b), a.max(b));
                (start..end).contains(&hi) && (first..start).contains(&lo)
            });
            if !linked {
                let name = self.seq[start].clone();
                if !self.out.cross_joins.contains(&name) {
                    self.out.cross_joins.push(name);
                }
            }
        }
        if let GroupByExpr::Expressions(keys, _) = &s.group_by {
            for key in keys {
                if top {
                    match bare_column(key) {
                        Some(col)
                            if col.0.is_some() || !self.projection_aliases.contains(&col.1) =>
                        {
                            let (_, c) = self.column_ref(&col);
                            self.out.group_by.push(c);
                        }
                        _ => self.out.group_by_other = true,
                    }
                }
                let mut cols = Vec::new();
                self.scan(key, depth + 1, &mut cols);
            }
        } else if top {
            self.out.group_by_other = true;
        }
        if let Some(having) = &s.having {
            let mut cols = Vec::new();
            let agg = self.scan(having, depth + 1, &mut cols);
            if top && agg {
                self.out.aggregates = true;
            }
        }
    }

    pub(super) fn projection_expr(&mut self, e: &Expr, depth: u32, top: bool) {
        let mut cols = Vec::new();
        let agg = self.scan(e, depth + 1, &mut cols);
        if top && agg {
            self.out.aggregates = true;
        }
    }

    pub(super) fn table_with_joins(&mut self, twj: &TableWithJoins, depth: u32) {
        self.table_factor(&twj.relation, depth);
        for join in &twj.joins {
            self.join(join, depth);
        }
    }

    pub(super) fn table_factor(&mut self, factor: &TableFactor, depth: u32) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                let alias = alias.as_ref().map(|a| ident_text(&a.name));
                if args.is_some() {
                    self.add_derived(alias);
                } else {
                    self.add_table(name, alias);
                }
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                self.out.subqueries += 1;
                self.query(subquery, depth + 1, false);
                self.add_derived(alias.as_ref().map(|a| ident_text(&a.name)));
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => self.table_with_joins(table_with_joins, depth + 1),
            _ => {}
        }
    }

    pub(super) fn join(&mut self, join: &Join, depth: u32) {
        let before = self.seq.len();
        self.table_factor(&join.relation, depth);
        let constraint = match &join.join_operator {
            JoinOperator::Join(c)
            | JoinOperator::Inner(c)
            | JoinOperator::Left(c)
            | JoinOperator::LeftOuter(c)
            | JoinOperator::Right(c)
            | JoinOperator::RightOuter(c)
            | JoinOperator::FullOuter(c)
            | JoinOperator::Semi(c)
            | JoinOperator::LeftSemi(c)
            | JoinOperator::RightSemi(c)
            | JoinOperator::Anti(c)
            | JoinOperator::LeftAnti(c)
            | JoinOperator::RightAnti(c)
            | JoinOperator::StraightJoin(c) => Some(c),
            JoinOperator::AsOf { constraint, .. } => Some(constraint),
            _ => None,
        };
        match constraint {
            Some(JoinConstraint::On(e)) => self.predicate(e, depth + 1),
            Some(JoinConstraint::Using(cols) | JoinConstraint::UsingAlias(cols, _))
                if before < self.seq.len() =>
            {
                let table = self.seq[before].clone();
                for col in cols {
                    let column = object_name(col);
                    let r = ColumnRef {
                        table: Some(table.clone()),
                        column,
                    };
                    if !self.out.join_keys.contains(&r) {
                        self.out.join_keys.push(r);
                    }
                }
                if before > 0 {
                    self.links.push((before - 1, before));
                }
            }
            _ => {}
        }
    }

    // -- predicates --
}
