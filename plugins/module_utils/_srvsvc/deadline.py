# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one time budget of a module run (``timeout``), and the watchdog that enforces it.

A Deadline is made when the module starts and passed down to every step: name resolution,
TCP connect, negotiate, session setup, tree connect, opening the pipe, the bind, every call
and every fragment of its answer, and closing. Steps that wait on a socket we own are given
what is left of it. smbprotocol waits without a limit in most of its steps (session setup,
tree connect, create, close, logoff, and any answer the server marks STATUS_PENDING), so a
Watchdog shuts the connection's socket down when the deadline passes: smbprotocol's receiver
then sees the connection end and releases every wait, and the step that was running reports
the timeout by name (client.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

# The longest timeout accepted: one day. Longer is no use to a task, and far longer values
# overflow the wait primitives (threading, select) with an OverflowError.
MAX_TIMEOUT = 86400


class Deadline:
    """A point in time (time.monotonic) ``seconds`` after it was made."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self):
        """Seconds left, never below 0."""
        return max(0.0, self.end - time.monotonic())

    def expired(self):
        return time.monotonic() >= self.end


class Watchdog:
    """Calls ``abort()`` once, from a daemon thread, when ``deadline`` passes, unless stop() came
    first. ``fired`` tells afterwards whether it did. The thread never keeps the process alive."""

    def __init__(self, deadline, abort):
        self.fired = False
        self._deadline = deadline
        self._abort = abort
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name='lanman-smb-deadline')
        self._thread.daemon = True
        self._thread.start()

    def _run(self):
        while not self._stopped.wait(self._deadline.remaining()):
            if self._deadline.expired():   # Event.wait may return a little early
                self.fired = True
                try:
                    self._abort()
                except Exception:  # aborting is best effort: the connection may be closing anyway
                    pass
                return

    def stop(self):
        self._stopped.set()


def format_seconds(value):
    """A timeout as typed (30, not 30.0)."""
    return ('%d' % value) if value == int(value) else ('%g' % value)
