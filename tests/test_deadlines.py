"""The watching thread behind the engine's time limits (guidegraph/store/deadlines.py)."""

from __future__ import annotations

import threading
import time

from guidegraph.store.deadlines import IDLE_CHECK, Deadlines


def test_a_passed_deadline_runs_its_expiry_once_and_done_says_so():
    deadlines = Deadlines()
    ran = []
    try:
        started = time.monotonic()
        fired = threading.Event()
        watch = deadlines.watch(0.2, lambda: (ran.append(time.monotonic() - started), fired.set()))
        assert fired.wait(5)
        assert deadlines.done(watch) is True
        time.sleep(0.3)
        assert len(ran) == 1 and 0.2 <= ran[0] < 1.0
    finally:
        deadlines.close()


def test_done_before_the_deadline_means_the_expiry_never_runs():
    deadlines = Deadlines()
    ran = []
    try:
        watch = deadlines.watch(0.2, lambda: ran.append(True))
        assert deadlines.done(watch) is False
        time.sleep(0.5)
        assert ran == []
    finally:
        deadlines.close()


def test_a_short_limit_is_kept_while_the_thread_sleeps_towards_a_long_one():
    # The thread is asleep until the first watch's deadline (or its idle look); the second,
    # far earlier one must wake it.
    deadlines = Deadlines()
    fired = threading.Event()
    try:
        long = deadlines.watch(60, lambda: None)
        time.sleep(0.1)  # the thread is now waiting
        started = time.monotonic()
        short = deadlines.watch(0.1, fired.set)
        assert fired.wait(IDLE_CHECK / 2 + 0.5)
        assert time.monotonic() - started < IDLE_CHECK / 2 + 0.5
        assert deadlines.done(short) and not deadlines.done(long)
    finally:
        deadlines.close()


def test_several_deadlines_expire_in_their_own_time():
    deadlines = Deadlines()
    order: list[str] = []
    try:
        watches = {name: deadlines.watch(seconds, lambda name=name: order.append(name))
                   for name, seconds in (("c", 0.6), ("a", 0.1), ("b", 0.3))}
        time.sleep(1.2)
        assert order == ["a", "b", "c"]
        assert all(deadlines.done(w) for w in watches.values())
    finally:
        deadlines.close()


def test_close_stops_the_thread():
    deadlines = Deadlines()
    deadlines.watch(30, lambda: None)
    thread = deadlines._thread
    assert thread is not None and thread.is_alive()
    deadlines.close()
    assert not thread.is_alive()
