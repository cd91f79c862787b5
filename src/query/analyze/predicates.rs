//! Predicates: which columns a `WHERE`/`ON` compares, how (equality, range, not sargable), and
//! the join links between tables.

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget, UnaryOperator,
};

use super::model::{Comparison, Filter, Obstacle};
use super::names::{
    applied_name, bare_column, is_aggregate, is_value_word, leading_wildcard, object_name,
};
use super::walker::Walker;
use super::MAX_WALK_DEPTH;

impl Walker<'_> {
    /// Walk a `WHERE`/`ON` condition: `AND` chains iteratively (they can be thousands long),
    /// each conjunct classified.
    pub(super) fn predicate(&mut self, e: &Expr, depth: u32) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Nested(inner) => stack.push(inner),
                Expr::BinaryOp {
                    left,
                    op: BinaryOperator::And,
                    right,
                } => {
                    stack.push(right);
                    stack.push(left);
                }
                Expr::BinaryOp {
                    op: BinaryOperator::Or,
                    ..
                } => self.disjunction(e, depth),
                _ => self.atom(e, depth),
            }
        }
    }

    /// An `OR`: equalities on one column act like `IN`; across different columns no column is
    /// usable, so each becomes [`Obstacle::Or`].
    pub(super) fn disjunction(&mut self, e: &Expr, depth: u32) {
        let mut branches = Vec::new();
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Nested(inner) => stack.push(inner),
                Expr::BinaryOp {
                    left,
                    op: BinaryOperator::Or,
                    right,
                } => {
                    stack.push(right);
                    stack.push(left);
                }
                _ => branches.push(e),
            }
        }
        let saved = std::mem::take(&mut self.out.filters);
        for branch in branches {
            self.predicate(branch, depth + 1);
        }
        let inner = std::mem::replace(&mut self.out.filters, saved);
        let Some(first) = inner.first() else { return };
        let one_column = inner
            .iter()
            .all(|f| f.table == first.table && f.column == first.column);
        if one_column && inner.iter().all(|f| f.comparison == Comparison::Equality) {
            self.out.filters.push(Filter {
                table: first.table.clone(),
                column: first.column.clone(),
                comparison: Comparison::Equality,
            });
            return;
        }
        let mut seen: Vec<(Option<String>, String)> = Vec::new();
        for f in inner {
            let key = (f.table.clone(), f.column.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let comparison = match f.comparison {
                Comparison::NotSargable(
                    o @ (Obstacle::Function(_) | Obstacle::LeadingWildcard),
                ) => Comparison::NotSargable(o),
                _ => Comparison::NotSargable(Obstacle::Or),
            };
            self.out.filters.push(Filter {
                table: f.table,
                column: f.column,
                comparison,
            });
        }
    }

    /// Mark every column inside `e` as not sargable for `obstacle`.
    pub(super) fn mark_all(&mut self, e: &Expr, depth: u32, obstacle: Obstacle) {
        let mut cols = Vec::new();
        self.scan(e, depth + 1, &mut cols);
        for col in cols {
            self.push_filter(&col, Comparison::NotSargable(obstacle.clone()));
        }
    }

    /// Scan `e` for constants: `true` when it refers to no column (subqueries inside are walked).
    pub(super) fn is_constant(&mut self, e: &Expr, depth: u32) -> bool {
        let mut cols = Vec::new();
        self.scan(e, depth + 1, &mut cols);
        cols.is_empty()
    }

    /// One side of a test on a single column: a bare column gets `comparison`; a column under a
    /// function gets [`Obstacle::Function`].
    pub(super) fn column_test(&mut self, e: &Expr, depth: u32, comparison: Comparison) {
        match bare_column(e) {
            Some(col) if !(col.0.is_none() && is_value_word(&col.1)) => {
                self.push_filter(&col, comparison)
            }
            Some(_) => {}
            None => {
                let name = applied_name(e);
                self.mark_all(e, depth, Obstacle::Function(name));
            }
        }
    }

    pub(super) fn atom(&mut self, e: &Expr, depth: u32) {
        match e {
            Expr::BinaryOp { left, op, right } => {
                let comparison = match op {
                    BinaryOperator::Eq | BinaryOperator::Spaceship => Comparison::Equality,
                    BinaryOperator::Lt
                    | BinaryOperator::LtEq
                    | BinaryOperator::Gt
                    | BinaryOperator::GtEq => Comparison::Range,
                    BinaryOperator::NotEq => Comparison::NotSargable(Obstacle::Negation),
                    _ => {
                        let mut cols = Vec::new();
                        self.scan(e, depth + 1, &mut cols);
                        return;
                    }
                };
                let (lc, rc) = (
                    bare_column(left).filter(|c| !(c.0.is_none() && is_value_word(&c.1))),
                    bare_column(right).filter(|c| !(c.0.is_none() && is_value_word(&c.1))),
                );
                match (lc, rc) {
                    (Some(l), Some(r)) => {
                        if comparison == Comparison::Equality {
                            self.join_link(&l, &r);
                        }
                    }
                    (Some(_), None) => {
                        if self.is_constant(right, depth) {
                            self.column_test(left, depth, comparison);
                        }
                    }
                    (None, Some(_)) => {
                        if self.is_constant(left, depth) {
                            self.column_test(right, depth, comparison);
                        }
                    }
                    (None, None) => {
                        for side in [left, right] {
                            if !self.is_constant(side, depth) {
                                let name = applied_name(side);
                                self.mark_all(side, depth, Obstacle::Function(name));
                            }
                        }
                    }
                }
            }
            Expr::IsNull(inner) => self.column_test(inner, depth, Comparison::Equality),
            Expr::IsTrue(inner) | Expr::IsFalse(inner) => {
                self.column_test(inner, depth, Comparison::Equality)
            }
            Expr::IsNotNull(inner) | Expr::IsNotTrue(inner) | Expr::IsNotFalse(inner) => {
                self.column_test(inner, depth, Comparison::NotSargable(Obstacle::Negation))
            }
            Expr::In {
                expr,
                target,
                negated,
                ..
            } => {
                let comparison = if *negated {
                    Comparison::NotSargable(Obstacle::Negation)
                } else {
                    Comparison::Equality
                };
                match target {
                    InTarget::List(list) => {
                        let mut constant = true;
                        for item in list {
                            constant &= self.is_constant(item, depth);
                        }
                        if constant {
                            self.column_test(expr, depth, comparison);
                        }
                    }
                    InTarget::Subquery(q) => {
                        self.out.subqueries += 1;
                        self.query(q, depth + 1, false);
                        if *negated {
                            if let Some(col) = bare_column(expr) {
                                let (_, c) = self.column_ref(&col);
                                self.out.not_in_subqueries.push(c);
                            }
                        }
                        self.column_test(expr, depth, comparison);
                    }
                    _ => {
                        let mut cols = Vec::new();
                        self.scan(e, depth + 1, &mut cols);
                    }
                }
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let constant = self.is_constant(low, depth) & self.is_constant(high, depth);
                if constant {
                    let comparison = if *negated {
                        Comparison::NotSargable(Obstacle::Negation)
                    } else {
                        Comparison::Range
                    };
                    self.column_test(expr, depth, comparison);
                }
            }
            Expr::Like {
                negated,
                expr,
                pattern,
                ..
            }
            | Expr::ILike {
                negated,
                expr,
                pattern,
                ..
            } => {
                if !self.is_constant(pattern, depth) {
                    return;
                }
                let comparison = if *negated {
                    Comparison::NotSargable(Obstacle::Negation)
                } else if leading_wildcard(pattern) {
                    Comparison::NotSargable(Obstacle::LeadingWildcard)
                } else {
                    Comparison::Range
                };
                self.column_test(expr, depth, comparison);
            }
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => {
                // `NOT EXISTS`/`NOT (… IN subquery)` still walk their subqueries.
                let saved = std::mem::take(&mut self.out.filters);
                self.predicate(expr, depth + 1);
                let inner = std::mem::replace(&mut self.out.filters, saved);
                for f in inner {
                    self.out.filters.push(Filter {
                        comparison: Comparison::NotSargable(Obstacle::Negation),
                        ..f
                    });
                }
            }
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                self.column_test(e, depth, Comparison::Equality)
            }
            Expr::Function(_) => {
                let name = applied_name(e);
                self.mark_all(e, depth, Obstacle::Function(name));
            }
            _ => {
                let mut cols = Vec::new();
                self.scan(e, depth + 1, &mut cols);
            }
        }
    }

    /// `l = r` between two columns: a join link, and a join key on the later table.
    pub(super) fn join_link(&mut self, l: &(Option<String>, String), r: &(Option<String>, String)) {
        let (ls, lref) = self.column_ref(l);
        let (rs, rref) = self.column_ref(r);
        if let (Some(a), Some(b)) = (ls, rs) {
            if a == b {
                return;
            }
            self.links.push((a, b));
            let key = if b > a { rref } else { lref };
            if !self.out.join_keys.contains(&key) {
                self.out.join_keys.push(key);
            }
        }
    }

    /// Collect the columns `e` refers to (outside subqueries) into `cols`, walking subqueries
    /// as their own queries; return `true` when `e` calls an aggregate function.
    pub(super) fn scan(
        &mut self,
        e: &Expr,
        depth: u32,
        cols: &mut Vec<(Option<String>, String)>,
    ) -> bool {
        if depth > MAX_WALK_DEPTH {
            return false;
        }
        let d = depth + 1;
        let mut agg = false;
        match e {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                if let Some(col) = bare_column(e) {
                    if !(col.0.is_none() && is_value_word(&col.1)) {
                        cols.push(col);
                    }
                }
            }
            Expr::Nested(x)
            | Expr::IsNull(x)
            | Expr::IsNotNull(x)
            | Expr::IsTrue(x)
            | Expr::IsFalse(x)
            | Expr::IsNotTrue(x)
            | Expr::IsNotFalse(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x)
            | Expr::UnaryOp { expr: x, .. }
            | Expr::Cast { expr: x, .. }
            | Expr::Convert { expr: x, .. }
            | Expr::Extract { expr: x, .. }
            | Expr::Ceil { expr: x, .. }
            | Expr::Floor { expr: x, .. }
            | Expr::Collate { expr: x, .. }
            | Expr::JsonAccess { value: x, .. } => agg |= self.scan(x, d, cols),
            Expr::CompoundFieldAccess { root, .. } => agg |= self.scan(root, d, cols),
            Expr::BinaryOp { left, right, .. }
            | Expr::IsDistinctFrom(left, right)
            | Expr::IsNotDistinctFrom(left, right)
            | Expr::AnyOp { left, right, .. }
            | Expr::AllOp { left, right, .. }
            | Expr::Like {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::ILike {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::SimilarTo {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::RLike {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::AtTimeZone {
                timestamp: left,
                time_zone: right,
            } => {
                // Long operator chains stop at MAX_WALK_DEPTH.
                agg |= self.scan(right, d, cols);
                agg |= self.scan(left, d, cols);
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                agg |= self.scan(expr, d, cols);
                agg |= self.scan(low, d, cols);
                agg |= self.scan(high, d, cols);
            }
            Expr::In { expr, target, .. } => {
                agg |= self.scan(expr, d, cols);
                match target {
                    InTarget::List(list) => {
                        for item in list {
                            agg |= self.scan(item, d, cols);
                        }
                    }
                    InTarget::Subquery(q) => {
                        self.out.subqueries += 1;
                        self.query(q, d, false);
                    }
                    InTarget::Unnest(x) => agg |= self.scan(x, d, cols),
                    _ => {}
                }
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                agg |= self.scan(expr, d, cols);
                for x in [substring_from, substring_for].into_iter().flatten() {
                    agg |= self.scan(x, d, cols);
                }
            }
            Expr::Trim {
                expr, trim_what, ..
            } => {
                agg |= self.scan(expr, d, cols);
                if let Some(x) = trim_what {
                    agg |= self.scan(x, d, cols);
                }
            }
            Expr::Position { expr, r#in } => {
                agg |= self.scan(expr, d, cols);
                agg |= self.scan(r#in, d, cols);
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                for x in operand.iter().chain(else_result.iter()) {
                    agg |= self.scan(x, d, cols);
                }
                for when in conditions {
                    agg |= self.scan(&when.condition, d, cols);
                    agg |= self.scan(&when.result, d, cols);
                }
            }
            Expr::Tuple(items) => {
                for x in items {
                    agg |= self.scan(x, d, cols);
                }
            }
            Expr::Function(f) => {
                agg |= is_aggregate(&object_name(&f.name));
                match &f.args {
                    FunctionArguments::List(list) => {
                        for arg in &list.args {
                            let x = match arg {
                                FunctionArg::Unnamed(a) => a,
                                FunctionArg::Named { arg, .. }
                                | FunctionArg::ExprNamed { arg, .. } => arg,
                            };
                            if let FunctionArgExpr::Expr(x) = x {
                                agg |= self.scan(x, d, cols);
                            }
                        }
                    }
                    FunctionArguments::Subquery(q) => {
                        self.out.subqueries += 1;
                        self.query(q, d, false);
                    }
                    FunctionArguments::None => {}
                }
            }
            Expr::Exists { subquery, .. } | Expr::Subquery(subquery) => {
                self.out.subqueries += 1;
                self.query(subquery, d, false);
            }
            _ => {}
        }
        agg
    }
}
