"""QueryTracker.load_mysql_slow_log and load_pg_stat_statements: good entries are recorded,
malformed ones reported with their line, unreadable files raise OSError."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO_ROOT

from cognition_core import QueryTracker

SLOW_LOG = """\
/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
Time                 Id Command    Argument
# Time: 2024-03-01T10:00:00.000000Z
# User@Host: app[app] @ web-1 [10.0.0.12]  Id:    42
# Query_time: 2.000000  Lock_time: 0.000100 Rows_sent: 10  Rows_examined: 200000
SET timestamp=1709287200;
SELECT * FROM orders WHERE customer_id = 7;
# Query_time: nonsense  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1
SELECT 1;
# Query_time: 4.000000  Lock_time: 0.000100 Rows_sent: 10  Rows_examined: 200000
SET timestamp=1709287260;
SELECT * FROM orders WHERE customer_id = 8;
# Query_time: 0.5  Lock_time: 0.0 Rows_sent: -3  Rows_examined: 1
SELECT 2;
"""

PG_CSV = """\
query,calls,total_exec_time,min_exec_time,max_exec_time,mean_exec_time,stddev_exec_time,rows
"SELECT * FROM t WHERE id = $1",200,5000,1,400,25,30,200
"SELECT * FROM t WHERE id = $1 AND x = $2",oops,1,1,1,1,0,1
"SELECT a
  FROM t
 WHERE b = $1",10,100,5,20,10,4,1000
"DELETE FROM t WHERE id = $1",5,-1,1,1,1,0,5
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_slow_log_entries_are_recorded_by_fingerprint(tmp_path: Path) -> None:
    tracker = QueryTracker()
    report = tracker.load_mysql_slow_log(write(tmp_path, "slow.log", SLOW_LOG))
    assert (report.imported, report.calls) == (2, 2)
    stats = tracker.stats()
    assert len(stats) == 1
    assert stats[0].normalized == "select * from orders where customer_id = ?"
    assert (stats[0].calls, stats[0].mean_ms, stats[0].max_ms) == (2, 3_000.0, 4_000.0)
    assert stats[0].rows_examined == 400_000
    assert (stats[0].first_seen_ms, stats[0].last_seen_ms) == (1_709_287_200_000, 1_709_287_260_000)


def test_malformed_slow_log_entries_are_reported_with_their_line(tmp_path: Path) -> None:
    report = QueryTracker().load_mysql_slow_log(write(tmp_path, "slow.log", SLOW_LOG))
    assert [e.line for e in report.errors] == [9, 14]
    assert "Query_time" in report.errors[0].message
    assert "Rows_sent" in report.errors[1].message
    assert not report.is_clean
    assert report.summary.startswith("2 queries imported (2 calls, 6000.000 ms), 2 errors")


def test_pg_stat_statements_rows_are_recorded_with_their_moments(tmp_path: Path) -> None:
    tracker = QueryTracker()
    report = tracker.load_pg_stat_statements(write(tmp_path, "pgss.csv", PG_CSV), now_ms=7)
    assert (report.imported, report.calls) == (2, 210)
    top = tracker.stats()[0]
    assert top.normalized == "select * from t where id = ?"
    assert (top.calls, top.total_ms, top.min_ms, top.max_ms) == (200, 5_000.0, 1.0, 400.0)
    assert top.first_seen_ms == 7


def test_malformed_pg_rows_are_reported_with_their_first_line(tmp_path: Path) -> None:
    report = QueryTracker().load_pg_stat_statements(write(tmp_path, "pgss.csv", PG_CSV))
    assert [e.line for e in report.errors] == [3, 7]
    assert "calls" in report.errors[0].message
    assert str(report.errors[0]).startswith("line 3: ")


def test_the_shared_mysql_fixture_imports_with_its_three_bad_entries() -> None:
    tracker = QueryTracker()
    report = tracker.load_mysql_slow_log(
        REPO_ROOT / "tests" / "fixtures" / "query" / "mysql-slow.log"
    )
    assert report.imported == 6
    assert [e.line for e in report.errors] == [34, 37, 41]
    assert sum(s.calls for s in tracker.stats()) == 6


def test_a_pg_export_without_a_query_column_is_one_error_at_line_1(tmp_path: Path) -> None:
    path = write(tmp_path, "pgss.csv", "calls,total_exec_time,rows\n1,1,1\n")
    tracker = QueryTracker()
    report = tracker.load_pg_stat_statements(path)
    assert report.imported == 0
    assert [e.line for e in report.errors] == [1]
    assert "query" in report.errors[0].message
    assert len(tracker) == 0


def test_an_empty_file_imports_nothing_cleanly(tmp_path: Path) -> None:
    report = QueryTracker().load_mysql_slow_log(write(tmp_path, "empty.log", ""))
    assert (report.imported, report.errors, report.is_clean) == (0, [], True)


def test_a_path_may_be_a_str(tmp_path: Path) -> None:
    report = QueryTracker().load_mysql_slow_log(str(write(tmp_path, "slow.log", SLOW_LOG)))
    assert report.imported == 2


def test_invalid_utf8_in_a_log_is_imported_lossily(tmp_path: Path) -> None:
    path = tmp_path / "latin1.log"
    path.write_bytes(
        b"# Query_time: 0.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1\n"
        b"SELECT * FROM t WHERE name = 'Zo\xeb';\n"
    )
    tracker = QueryTracker()
    assert tracker.load_mysql_slow_log(path).imported == 1
    assert tracker.stats()[0].example == "SELECT * FROM t WHERE name = 'Zo\ufffd'"


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope.log"
    with pytest.raises(FileNotFoundError) as info:
        QueryTracker().load_mysql_slow_log(missing)
    assert info.value.filename == str(missing)


def test_a_directory_is_an_os_error(tmp_path: Path) -> None:
    tracker = QueryTracker()
    with pytest.raises(IsADirectoryError):
        tracker.load_pg_stat_statements(tmp_path)
    assert len(tracker) == 0


def test_a_non_path_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        QueryTracker().load_mysql_slow_log(42)  # type: ignore[arg-type]
