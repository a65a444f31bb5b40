"""Failed sign-ins counted in the database: locks after the limit, longer each time, shared by workers."""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine

from engine import LoginThrottle, ThrottleKey, ThrottleLimits, make_engine

START = datetime(2026, 3, 2, 9, 0)
LIMITS = ThrottleLimits(user_failures=5, address_failures=20, window=timedelta(minutes=15),
                        lock=timedelta(minutes=15), max_lock=timedelta(hours=2))
BOB, HOME = ThrottleKey.user("bob"), ThrottleKey.address("10.0.0.7")


def fail(throttle: LoginThrottle, times: int, *keys: ThrottleKey) -> datetime | None:
    until = None
    for _ in range(times):
        until = throttle.record_failure(list(keys) or [BOB]) or until
    return until


def test_the_fifth_failure_locks_for_the_lock_time(db: Engine, make_clock: Callable) -> None:
    clock = make_clock(START)
    throttle = LoginThrottle(db, clock, LIMITS)
    assert fail(throttle, 4) is None and throttle.locked_until([BOB]) is None
    assert throttle.record_failure([BOB]) == START + timedelta(minutes=15)
    assert throttle.locked_until([BOB, HOME]) == START + timedelta(minutes=15)
    assert throttle.locked_until([ThrottleKey.user("Bob ")]) is not None, "the name as typed, case and spaces aside"
    clock.advance(minutes=15)
    assert throttle.locked_until([BOB]) is None


def test_each_lock_in_a_row_lasts_twice_as_long_up_to_the_maximum(db: Engine, make_clock: Callable) -> None:
    clock = make_clock(START)
    throttle = LoginThrottle(db, clock, LIMITS)
    for minutes in (15, 30, 60, 120, 120):
        assert fail(throttle, 5) == clock.now + timedelta(minutes=minutes)
        clock.advance(minutes=minutes)
    throttle.clear(BOB)  # a successful sign-in
    assert fail(throttle, 5) == clock.now + timedelta(minutes=15)


def test_failures_outside_the_window_start_a_new_count(db: Engine, make_clock: Callable) -> None:
    clock = make_clock(START)
    throttle = LoginThrottle(db, clock, LIMITS)
    fail(throttle, 4)
    clock.advance(minutes=16)
    assert fail(throttle, 4) is None
    assert throttle.record_failure([BOB]) is not None


def test_an_address_has_its_own_higher_limit(db: Engine, make_clock: Callable) -> None:
    throttle = LoginThrottle(db, make_clock(START), LIMITS)
    for n in range(19):
        assert throttle.record_failure([ThrottleKey.user(f"user{n}"), HOME]) is None
    assert throttle.record_failure([ThrottleKey.user("user19"), HOME]) is not None
    assert throttle.locked_until([ThrottleKey.user("anyone"), HOME]) is not None
    assert throttle.locked_until([ThrottleKey.user("anyone"), ThrottleKey.address("10.0.0.8")]) is None


def test_two_workers_failing_at_once_lose_no_count(database_url: str, make_clock: Callable) -> None:
    """Two web workers, each with its own connection pool, count into the same row."""
    clock = make_clock(START)
    limits = ThrottleLimits(user_failures=1000, address_failures=1000)
    engines = [make_engine(database_url) for _ in range(2)]
    workers = [LoginThrottle(e, clock, limits) for e in engines]
    threads = [threading.Thread(target=fail, args=(w, 20)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    strict = LoginThrottle(engines[0], clock, ThrottleLimits(user_failures=42))
    assert strict.record_failure([BOB]) is None, "the 41st"
    assert strict.record_failure([BOB]) is not None, "the 42nd locks: all 40 concurrent failures counted"
    for e in engines:
        e.dispose()
