use super::*;

#[test]
fn unqualified_columns_with_two_tables_have_no_table() {
    let a = analyze("SELECT * FROM a, b WHERE x = 1");
    assert_eq!(a.filters[0].table, None);
}

#[test]
fn cte_names_are_not_tables() {
    let a = analyze("WITH t AS (SELECT * FROM users WHERE id = 1) SELECT * FROM t");
    assert_eq!(a.tables.len(), 1);
    assert_eq!(a.tables[0].name, "users");
}
