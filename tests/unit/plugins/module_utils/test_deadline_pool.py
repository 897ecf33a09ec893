"""The bounded pool with per-item deadlines behind smb_session_audit."""
import threading
import time

import pytest

from ansible_collections.lanman.smb.plugins.module_utils.deadline_pool import run_with_deadlines


def _timed_out(item, seconds):
    return ('timeout', item, seconds)


def _crashed(item, error):
    return ('crash', item, str(error))


def test_results_come_back_in_input_order_whatever_finishes_first():
    def work(item, slot):
        time.sleep(item / 100.0)
        return ('ok', item)
    items = [9, 1, 7, 0, 5, 3]
    assert run_with_deadlines(items, work, 3, 5, _timed_out, _crashed) == [('ok', i) for i in items]


def test_never_more_than_workers_at_once():
    lock = threading.Lock()
    state = dict(now=0, peak=0)

    def work(item, slot):
        with lock:
            state['now'] += 1
            state['peak'] = max(state['peak'], state['now'])
        time.sleep(0.02)
        with lock:
            state['now'] -= 1
        return item
    assert run_with_deadlines(list(range(40)), work, 4, 5, _timed_out, _crashed) == list(range(40))
    assert state['peak'] == 4


def test_an_exception_in_one_item_is_that_item_s_result_only():
    def work(item, slot):
        if item == 2:
            raise KeyError('boom')
        return item
    result = run_with_deadlines([1, 2, 3, 4], work, 2, 5, _timed_out, _crashed)
    assert result == [1, ('crash', 2, "'boom'"), 3, 4]


def test_a_hanging_item_is_reported_aborted_and_replaced_on_time():
    release = threading.Event()
    aborted = []

    def work(item, slot):
        if item == 'hang':
            slot.on_abort(lambda: (aborted.append(item), release.set()))
            release.wait(60)  # only the abort ends this
            return 'late'
        time.sleep(0.05)
        return item
    items = ['a', 'hang', 'b', 'c', 'd']
    start = time.monotonic()
    # One worker: the items after the hanging one only run because a replacement takes over.
    result = run_with_deadlines(items, work, 1, 0.5, _timed_out, _crashed)
    took = time.monotonic() - start
    assert [r if isinstance(r, str) else r[:2] for r in result] == ['a', ('timeout', 'hang'), 'b', 'c', 'd']
    assert 0.5 <= result[1][2] < 1.0
    assert took < 1.5
    release.wait(2)
    assert aborted == ['hang']


def test_an_abort_registered_after_the_deadline_still_runs():
    calls = []
    gate = threading.Event()

    def work(item, slot):
        gate.wait(5)  # past the deadline before anything can be aborted
        slot.on_abort(lambda: calls.append(item))
        return item
    threading.Timer(0.6, gate.set).start()
    result = run_with_deadlines(['x'], work, 1, 0.2, _timed_out, _crashed)
    assert result[0][0] == 'timeout'
    time.sleep(0.8)
    assert calls == ['x']


@pytest.mark.parametrize('workers', [1, 7, 64])
def test_every_item_is_answered_once_with_many_timeouts(workers):
    def work(item, slot):
        if item % 3 == 0:
            time.sleep(0.6)
        return item
    result = run_with_deadlines(list(range(12)), work, workers, 0.3, _timed_out, _crashed)
    for item, value in enumerate(result):
        if item % 3 == 0:
            assert value[:2] == ('timeout', item)
        else:
            assert value == item


def test_an_overall_deadline_ends_the_whole_run_and_never_starts_late_items():
    """The client names' look-ups use it (issue 14 item 9): the run ends at the deadline, the
    items still queued are reported without being started."""
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.deadline import Deadline
    started = []

    def work(item, slot):
        started.append(item)
        time.sleep(0.3)
        return ('ok', item)
    begin = time.monotonic()
    result = run_with_deadlines(list(range(100)), work, 4, 60, _timed_out, _crashed, deadline=Deadline(1))
    assert time.monotonic() - begin < 1 + 2
    done = [r for r in result if r[0] == 'ok']
    late = [r for r in result if r[0] == 'timeout']
    assert len(done) + len(late) == 100 and 4 <= len(done) <= 16
    assert len(started) <= len(done) + 4          # nothing queued was started after the deadline
    assert all(r[2] == 0.0 for r in late if r[1] not in started)
