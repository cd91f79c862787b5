"""cognition_core.fingerprint: grouping, the id and Query ID forms, and hostile input."""

from __future__ import annotations

import re
import threading

import pytest

import cognition_core
from cognition_core import ErrorCode, InvalidArgumentError


def test_literals_whitespace_and_case_do_not_change_the_fingerprint() -> None:
    a = cognition_core.fingerprint("SELECT * FROM users WHERE id = 42")
    b = cognition_core.fingerprint("select *\n  from USERS where id=7 -- from the API")
    assert a == b
    assert a.normalized == "select * from users where id = ?"


def test_different_tables_get_different_fingerprints() -> None:
    a = cognition_core.fingerprint("SELECT * FROM users_2009 WHERE id = 1")
    b = cognition_core.fingerprint("SELECT * FROM users_2010 WHERE id = 1")
    assert a.id != b.id


def test_id_is_sixteen_lower_case_hex_digits() -> None:
    fp = cognition_core.fingerprint("SELECT 1")
    assert re.fullmatch(r"[0-9a-f]{16}", fp.id)
    assert str(fp) == fp.id


def test_query_id_is_pt_query_digest_form() -> None:
    # pt-query-digest 3.2.1 reports this statement as 0xEA1E6309EEEFF9A6831AD2FB940FC23C.
    fp = cognition_core.fingerprint("SELECT * FROM users WHERE id = 42")
    assert fp.query_id == "0xEA1E6309EEEFF9A6831AD2FB940FC23C"


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("SELECT a FROM t", "SELECT"),
        ("SELECT * FROM a JOIN b ON a.id = b.a_id", "JOIN"),
        ("SELECT count(*) FROM t", "AGGREGATE"),
        ("INSERT INTO t (a) VALUES (1)", "INSERT"),
        ("UPDATE t SET a = 1", "UPDATE"),
        ("DELETE FROM t WHERE a = 1", "DELETE"),
        ("CREATE INDEX i ON t (c)", "DDL"),
        ("SHOW TABLES", "OTHER"),
    ],
)
def test_kind_names_the_statement_type(sql: str, kind: str) -> None:
    assert cognition_core.fingerprint(sql).kind == kind


def test_fingerprints_are_hashable_and_equal_by_shape() -> None:
    shapes = {cognition_core.fingerprint(f"SELECT * FROM t WHERE a = {i}") for i in range(5)}
    assert len(shapes) == 1
    assert cognition_core.fingerprint("SELECT 1") != "SELECT 1"


def test_repr_shows_id_kind_and_text() -> None:
    fp = cognition_core.fingerprint("DELETE FROM carts WHERE id = 9")
    assert repr(fp) == (
        f"Fingerprint(id='{fp.id}', kind='DELETE', normalized='delete from carts where id = ?')"
    )


@pytest.mark.parametrize(
    "sql", ["", "   ", ";", "garbage ((( '", "SELECT * FROM t WHERE a = 'unterminated"]
)
def test_any_text_gets_a_fingerprint(sql: str) -> None:
    fp = cognition_core.fingerprint(sql)
    assert re.fullmatch(r"[0-9a-f]{16}", fp.id)
    assert fp == cognition_core.fingerprint(sql)


def test_a_one_megabyte_statement_gets_a_fingerprint() -> None:
    values = ", ".join(str(i) for i in range(200_000))
    sql = f"SELECT * FROM t WHERE id IN ({values})"
    assert len(sql) > 1_000_000
    fp = cognition_core.fingerprint(sql)
    assert fp.normalized == "select * from t where id in(?+)"
    assert len(fp.query_id) == 34


@pytest.mark.parametrize("sql", [b"SELECT 1", None, 42, ["SELECT 1"]])
def test_non_str_sql_is_a_type_error(sql: object) -> None:
    with pytest.raises(TypeError, match="sql must be a str"):
        cognition_core.fingerprint(sql)  # type: ignore[arg-type]


def test_lone_surrogate_is_an_invalid_utf8_error() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        cognition_core.fingerprint("SELECT '\udcff'")
    assert info.value.code is ErrorCode.INVALID_UTF8
    assert isinstance(info.value, ValueError)


def test_non_ascii_text_is_fingerprinted() -> None:
    fp = cognition_core.fingerprint("SELECT * FROM \"Prénoms\" WHERE nom = 'Zoë'")
    assert fp.normalized == 'select * from "Prénoms" where nom = ?'


def test_threads_fingerprinting_at_once_agree() -> None:
    sql = "SELECT id FROM orders WHERE customer_id = 17 AND status IN ('a', 'b')"
    expected = cognition_core.fingerprint(sql).id
    seen: list[str] = []

    def work() -> None:
        ids = {cognition_core.fingerprint(sql).id for _ in range(2_000)}
        seen.extend(ids)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [expected] * 4
