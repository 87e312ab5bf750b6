"""Delta debugging, the search behind every smallest counterexample: one subset at a time
(the SQL judge) or a batch of subsets per call (the pandas judge, where a call is a sandboxed run)."""

from __future__ import annotations

import time

import pytest

from drills.judge.shrinking import ddmin, ddmin_batched


def needs(*wanted):
    return lambda items: set(wanted) <= set(items)


def test_ddmin_finds_a_one_minimal_subset():
    assert sorted(ddmin(list(range(300)), needs(3, 17, 42), time.monotonic() + 5)) == [3, 17, 42]


@pytest.mark.parametrize("batch", [1, 3, 16, 64])
def test_batches_find_the_same_subset_in_fewer_calls(batch):
    fails = needs(5, 6, 90)
    calls = []

    def first_failing(candidates):
        calls.append(len(candidates))
        assert 1 <= len(candidates) <= batch
        return next((j for j, c in enumerate(candidates) if fails(c)), None)

    found = ddmin_batched(list(range(120)), first_failing, time.monotonic() + 5, batch)
    assert sorted(found) == [5, 6, 90]
    one_by_one = []
    ddmin_batched(list(range(120)), lambda cs: one_by_one.append(1) or (0 if fails(cs[0]) else None),
                  time.monotonic() + 5, 1)
    assert len(calls) <= len(one_by_one)
    if batch >= 16:
        assert len(calls) < len(one_by_one) * 2 / 3


def test_items_keep_their_order_and_the_deadline_stops_the_search():
    def c_before_f(items):
        return "c" in items and "f" in items and items.index("c") < items.index("f")

    found = ddmin(list("abcdefgh"), c_before_f, time.monotonic() + 5)
    assert found == ["c", "f"]
    # past the deadline the whole (failing) input comes back untouched
    assert ddmin(list(range(10)), needs(1), time.monotonic() - 1) == list(range(10))
