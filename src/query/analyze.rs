//! Statement structure for advice: tables, filtered columns (equality vs range), ORDER BY / GROUP
//! BY columns, `SELECT *`, LIMIT/OFFSET — from `sqlparser` where the statement parses, from tokens
//! where it does not.
