//! Reading names and literals off `sqlparser` expressions.

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, ObjectName,
    ObjectNamePart, Value,
};

/// The text of an identifier: as written when quoted, lower-cased otherwise.
pub(super) fn ident_text(ident: &sqlparser::ast::Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    }
}

pub(super) fn object_name(name: &ObjectName) -> String {
    let mut s = String::new();
    for (i, part) in name.0.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        match part {
            ObjectNamePart::Identifier(ident) => s.push_str(&ident_text(ident)),
            other => s.push_str(&other.to_string()),
        }
    }
    s
}

/// The column named by `e` when it is a plain (possibly qualified, possibly parenthesised)
/// column reference: `(qualifier, column)`.
pub(super) fn bare_column(e: &Expr) -> Option<(Option<String>, String)> {
    let mut e = e;
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    match e {
        // `$1` reads as an identifier in dialects without numbered parameters.
        Expr::Identifier(ident) if ident.quote_style.is_none() && ident.value.starts_with('$') => {
            None
        }
        Expr::Identifier(ident) => Some((None, ident_text(ident))),
        Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
            let column = ident_text(&parts[parts.len() - 1]);
            let qualifier = parts[..parts.len() - 1]
                .iter()
                .map(ident_text)
                .collect::<Vec<_>>()
                .join(".");
            Some((Some(qualifier), column))
        }
        _ => None,
    }
}

/// The function or operator name applied at the top of `e`, for [`Obstacle::Function`].
pub(super) fn applied_name(e: &Expr) -> String {
    let mut e = e;
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    match e {
        Expr::Function(f) => object_name(&f.name),
        Expr::Cast { .. } => "CAST".to_owned(),
        Expr::BinaryOp { op, .. } => op.to_string(),
        Expr::UnaryOp { op, .. } => op.to_string(),
        Expr::Extract { .. } => "EXTRACT".to_owned(),
        Expr::Substring { .. } => "SUBSTRING".to_owned(),
        Expr::Trim { .. } => "TRIM".to_owned(),
        Expr::Collate { .. } => "COLLATE".to_owned(),
        Expr::AtTimeZone { .. } => "AT TIME ZONE".to_owned(),
        Expr::Case { .. } => "CASE".to_owned(),
        _ => "expression".to_owned(),
    }
}

/// Names that parse as identifiers but are values (`CURRENT_DATE` in some dialects).
pub(super) fn is_value_word(name: &str) -> bool {
    matches!(
        name,
        "current_date"
            | "current_time"
            | "current_timestamp"
            | "localtime"
            | "localtimestamp"
            | "sysdate"
            | "true"
            | "false"
            | "null"
    )
}

pub(super) fn is_aggregate(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(
        last.to_ascii_lowercase().as_str(),
        "count"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "array_agg"
            | "string_agg"
            | "group_concat"
            | "json_agg"
            | "jsonb_agg"
            | "json_arrayagg"
            | "json_objectagg"
            | "stddev"
            | "stddev_pop"
            | "stddev_samp"
            | "variance"
            | "var_pop"
            | "var_samp"
            | "bool_and"
            | "bool_or"
            | "every"
            | "total"
    )
}

/// `true` when a `LIKE` pattern starts with a wildcard (`'%x'`, `'_x'`, `'%' || ?`,
/// `CONCAT('%', ?)`).
pub(super) fn leading_wildcard(pattern: &Expr) -> bool {
    match pattern {
        Expr::Nested(inner) => leading_wildcard(inner),
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s)
            | Value::DoubleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::NationalStringLiteral(s) => s.starts_with('%') || s.starts_with('_'),
            _ => false,
        },
        Expr::BinaryOp {
            left,
            op: BinaryOperator::StringConcat,
            ..
        } => leading_wildcard(left),
        Expr::Function(f) if object_name(&f.name).eq_ignore_ascii_case("concat") => match &f.args {
            FunctionArguments::List(list) => match list.args.first() {
                Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) => leading_wildcard(e),
                _ => false,
            },
            _ => false,
        },
        _ => false,
    }
}

pub(super) fn literal_u64(e: &Expr) -> Option<u64> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        Expr::Nested(inner) => literal_u64(inner),
        _ => None,
    }
}
