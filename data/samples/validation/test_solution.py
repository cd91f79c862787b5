"""Tests for solution.py; PARANOID runs them with pytest in a sandbox."""
from solution import apply_discount, order_total


def test_order_total_adds_tax():
    assert order_total([10.0, 5.0], 0.2) == 18.0


def test_discount_rule_is_applied():
    assert apply_discount(100.0, "total * 0.9") == 90.0


def test_order_total_includes_shipping():
    assert order_total([10.0], 0.0) == 14.99
