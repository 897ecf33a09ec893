# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A bounded pool of daemon threads where every item has a wall-clock deadline.

concurrent.futures is not used: its worker threads are joined at interpreter exit, so one
call stuck in a blocking library (smbprotocol waits without a limit during session setup)
would keep the module process alive after it has printed its result. Here a worker that
passes its item's deadline is abandoned: the item is reported as timed out, its abort
callback is called (close the socket it waits on), a fresh worker takes its place so the
pool keeps ``workers`` threads busy, and the abandoned daemon thread can never block exit.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import threading
import time

# Longest pause of the supervising thread; deadlines are checked at least this often.
_MAX_WAIT = 0.5
# How long the supervisor waits for an abort callback before it moves on without it.
ABORT_GRACE = 0.5


class Slot:
    """What a worker shares with the supervisor about the item it runs."""

    def __init__(self):
        self.started = time.monotonic()
        self.abandoned = False
        self._abort = None
        self._aborted = False
        self._lock = threading.Lock()

    def on_abort(self, callback):
        """Register how to unblock this item's work; runs at most once, maybe right away
        (when the deadline already passed) or later from the supervisor's side."""
        with self._lock:
            self._abort = callback
            run = self.abandoned and not self._aborted
            self._aborted = self._aborted or run
        if run:
            _call_quietly(callback)

    def abort(self):
        with self._lock:
            self.abandoned = True
            callback = None if self._aborted else self._abort
            self._aborted = self._aborted or callback is not None
        if callback is not None:
            _call_quietly(callback)


def _call_quietly(callback):
    try:
        callback()
    except Exception:  # aborting is best effort: the work may be finishing on its own
        pass


def run_with_deadlines(items, work, workers, timeout, timed_out, crashed, deadline=None):
    """Run ``work(item, slot)`` for every item on at most ``workers`` threads.

    Returns one result per item, in input order: what ``work`` returned, or
    ``timed_out(item, seconds)`` when it ran longer than ``timeout`` seconds, or
    ``crashed(item, exception)`` when it raised. One item never stops the others.
    ``deadline`` (an object with ``end``, a time.monotonic() value) bounds the whole run as
    well: when it passes, running items are abandoned and items not yet started are reported
    by ``timed_out(item, 0)`` without being started.
    """
    count = len(items)
    results = [None] * count
    state = dict(remaining=count)
    pending = collections.deque(range(count))
    running = {}
    cond = threading.Condition()

    def worker():
        while True:
            with cond:
                if not pending:
                    return
                index = pending.popleft()
                slot = running[index] = Slot()
            try:
                value = work(items[index], slot)
            except BaseException as e:  # one server's surprise must not abort the fleet (nor hang it)
                value = crashed(items[index], e)
            with cond:
                if slot.abandoned or index not in running:
                    return  # already reported as timed out; a replacement worker took this place
                del running[index]
                results[index] = value
                state['remaining'] -= 1
                cond.notify_all()

    def start_worker():
        thread = threading.Thread(target=worker, name='lanman-smb-audit-worker')
        thread.daemon = True
        thread.start()

    for dummy in range(min(workers, count)):
        start_worker()

    end = deadline.end if deadline is not None else None
    with cond:
        while state['remaining']:
            now = time.monotonic()
            if end is not None and now >= end:
                while pending:   # never started: reported, and no worker may take them now
                    index = pending.popleft()
                    results[index] = timed_out(items[index], 0.0)
                    state['remaining'] -= 1
            overdue = [i for i, s in running.items() if now - s.started >= timeout or (end is not None and now >= end)]
            for index in overdue:
                slot = running.pop(index)
                slot.abandoned = True
                results[index] = timed_out(items[index], now - slot.started)
                state['remaining'] -= 1
                # The abort runs on its own thread so that a callback that blocks cannot hold
                # up the supervisor, but is given a moment first so that the abandoned connection
                # is closed before its replacement opens one.
                aborter = threading.Thread(target=slot.abort, name='lanman-smb-audit-abort')
                aborter.daemon = True
                aborter.start()
                aborter.join(ABORT_GRACE)
                if pending:
                    start_worker()
            if not state['remaining']:
                break
            next_deadline = min([s.started + timeout for s in running.values()] + ([end] if end is not None else [])
                                or [now + _MAX_WAIT])
            cond.wait(min(_MAX_WAIT, max(0.01, next_deadline - now)))
    return results
