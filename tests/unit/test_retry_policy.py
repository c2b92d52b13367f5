"""The per-partition failure streak: backoff grows per partition, outages never spend the
retry budget, errors do, and a spent budget marks the failing batch for dead-lettering."""

from __future__ import annotations

import pytest

from consumers.base import PartitionHealth, RetryPolicy


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(initial_backoff_s=0.5, max_backoff_s=30)
    assert [policy.backoff(n) for n in range(1, 9)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_each_partition_keeps_its_own_streak() -> None:
    policy = RetryPolicy(max_attempts=0, timeout_s=0)
    poison, healthy = PartitionHealth(), PartitionHealth()
    delays = [poison.failed(float(t), last_offset=9, error="boom", outage=False, policy=policy) for t in range(6)]
    # a success elsewhere does not reset the poison partition's backoff
    healthy.failed(0.0, last_offset=3, error="blip", outage=False, policy=policy)
    assert delays == [0.5, 1, 2, 4, 8, 16]
    assert poison.failures == 6 and healthy.failures == 1


def test_attempt_budget_marks_the_failing_batch() -> None:
    policy = RetryPolicy(max_attempts=3, timeout_s=0)
    health = PartitionHealth()
    for t in range(2):
        health.failed(float(t), last_offset=41, error="boom", outage=False, policy=policy)
        assert health.dead_letter_through is None
    assert health.failed(2.0, last_offset=41, error="boom", outage=False, policy=policy) == 0.0
    assert health.dead_letter_through == 41 and health.retry_at == 2.0


def test_time_budget() -> None:
    policy = RetryPolicy(max_attempts=0, timeout_s=60)
    health = PartitionHealth()
    health.failed(100.0, last_offset=5, error="boom", outage=False, policy=policy)
    health.failed(159.0, last_offset=5, error="boom", outage=False, policy=policy)
    assert health.dead_letter_through is None
    health.failed(160.0, last_offset=5, error="boom", outage=False, policy=policy)
    assert health.dead_letter_through == 5


@pytest.mark.parametrize("attempts", [1, 10, 100])
def test_outages_never_spend_the_budget(attempts: int) -> None:
    policy = RetryPolicy(max_attempts=3, timeout_s=60)
    health = PartitionHealth()
    for t in range(attempts):
        health.failed(float(t * 100), last_offset=5, error="ConnectionError", outage=True, policy=policy)
    assert health.dead_letter_through is None and health.errors == 0
    assert health.retry_at - (attempts - 1) * 100 == policy.backoff(attempts)


def test_no_limits_means_retry_forever() -> None:
    policy = RetryPolicy(max_attempts=0, timeout_s=0)
    assert not policy.exhausted(10_000, 0.0, 1e9)
