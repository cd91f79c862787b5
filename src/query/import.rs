//! Importers for what services already have: MySQL slow query logs and PostgreSQL
//! `pg_stat_statements` CSV exports.
