"""Issue 14 items 5 and 6: one deadline covers every step of an agentless run.

A stalling proxy (samba_lab/stalling_proxy.py) stands between the modules and a real smbd and
goes silent at one protocol step. For every step the run must end within ``timeout`` (plus a
generous margin: these tests never time anything tightly) and fail naming that step; a
NetrSessionDel whose answer was lost is reported as possibly done, because it was.

Most cases run the module in this process (fast); two run it through ansible-playbook to show
that the real module process ends too. The cases that only list share one server (conftest's
shared_lab); those that close have their own.
"""
import time

import pytest

from module_runs import run_in_process
from samba_lab.stalling_proxy import (
    CLOSE, CREATE, LOGOFF, NEGOTIATE, SESSION_SETUP, TREE_CONNECT, TREE_DISCONNECT, WRITE, FullBacklog, Stall,
    StallingProxy,
)

from ansible_collections.lanman.smb.plugins.modules import smb_session, smb_session_info

TIMEOUT = 2
MARGIN = 5     # generous: the bound under test is TIMEOUT; the margin only absorbs a busy machine


def rpc_started(lab):
    """A fresh server starts samba-dcerpcd at the first srvsvc call, which takes 0.5-2 s on a busy
    machine: made here, before the run under test, whose timeout is then spent on its own steps
    (else it can run out before the step the test stalls)."""
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
    with SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm') as client:
        client.enum_sessions(1)
    return lab


def run_here(module, lab, port, capsys, **args):
    """The module's main() in this process against ``port``: (result, seconds it took)."""
    args.update(server='127.0.0.1', port=port, auth_username=lab.admin_user, auth_password=lab.admin_password,
                auth_protocol='ntlm', timeout=TIMEOUT)
    start = time.monotonic()
    result = run_in_process(module, capsys, args)
    return result, time.monotonic() - start


STEPS = [
    (Stall(NEGOTIATE), 'SMB negotiate'),
    (Stall(SESSION_SETUP), 'session setup (logon)'),
    (Stall(SESSION_SETUP, occurrence=2), 'session setup (logon)'),   # NTLM's second leg
    (Stall(TREE_CONNECT), 'tree connect to IPC$'),
    (Stall(CREATE), 'opening \\PIPE\\srvsvc'),
    (Stall(WRITE), 'srvsvc bind'),
    (Stall(opnum=12), 'NetrSessionEnum'),
    (Stall(opnum=12, trickle=0.2), 'NetrSessionEnum'),   # the answer comes one byte every 0.2 s
    (Stall(CLOSE), 'closing \\PIPE\\srvsvc'),
    (Stall(TREE_DISCONNECT), 'tree disconnect'),
    (Stall(LOGOFF), 'logoff'),
]


@pytest.mark.parametrize('stall, step', STEPS, ids=[
    'negotiate', 'session-setup', 'session-setup-2nd-leg', 'tree-connect', 'create', 'bind', 'enum',
    'enum-trickled', 'close', 'tree-disconnect', 'logoff'])
def test_a_server_silent_at_any_step_fails_the_info_module_in_time_naming_the_step(
        shared_lab, capsys, stall, step):
    with StallingProxy(shared_lab.port, stall) as proxy:
        result, seconds = run_here(smb_session_info, shared_lab, proxy.port, capsys)
        assert proxy.stalled.is_set()
    assert result['failed'] is True
    assert 'the %d second timeout ran out during %s' % (TIMEOUT, step) in result['msg'], result['msg']
    assert 'timeout bounds the whole run' in result['msg']
    assert seconds < TIMEOUT + MARGIN


def test_a_tcp_connect_without_answer_ends_at_the_deadline(shared_lab, capsys):
    backlog = FullBacklog()
    try:
        result, seconds = run_here(smb_session_info, shared_lab, backlog.port, capsys)
    finally:
        backlog.close()
    assert result['failed'] is True and 'ran out during TCP connect' in result['msg'], result['msg']
    # sub-second precision: smbprotocol alone would have given up after int(remaining) = 1 s
    assert TIMEOUT - 0.3 <= seconds < TIMEOUT + MARGIN


def test_a_lost_del_answer_fails_the_close_saying_the_session_may_be_gone(lab, capsys):
    rpc_started(lab)
    alice = lab.open_session('alice')
    bob = lab.open_session('bob')
    with StallingProxy(lab.port, Stall(opnum=13)) as proxy:
        result, seconds = run_here(smb_session, lab, proxy.port, capsys, username=['bob'])
    assert seconds < TIMEOUT + MARGIN
    assert result['failed'] is True and result['changed'] is False
    failed = result['failed_call']
    assert (failed['client'], failed['username'], failed['status']) == ('127.0.0.1', 'bob', None)
    assert 'ran out during NetrSessionDel' in failed['message']
    assert 'may already have closed its sessions' in failed['message']
    assert 'may already have closed its sessions' in result['msg']
    assert result['closed_sessions'] == [] and result['untried_calls'] == []
    assert result['close_calls'] == [{'client': '127.0.0.1', 'username': 'bob'}]
    # ...and it had: the server carried the call out, only its answer was lost
    deadline = time.time() + 5
    while lab.is_connected(bob) and time.time() < deadline:
        time.sleep(0.1)
    assert not lab.is_connected(bob) and lab.is_connected(alice)


def test_a_silent_logoff_after_closing_reports_what_was_closed(lab, capsys):
    rpc_started(lab)
    lab.open_session('bob')
    with StallingProxy(lab.port, Stall(LOGOFF)) as proxy:
        result, seconds = run_here(smb_session, lab, proxy.port, capsys, username=['bob'])
    assert seconds < TIMEOUT + MARGIN
    assert result['failed'] is True and result['changed'] is True
    assert [s['username'] for s in result['closed_sessions']] == ['bob'] and result['failed_call'] is None
    assert result['msg'].startswith('Every planned close call was answered')
    assert 'ran out during logoff' in result['msg']


@pytest.mark.parametrize('stall, step', [(Stall(SESSION_SETUP), 'session setup (logon)'), (Stall(opnum=13), 'NetrSessionDel')],
                         ids=['session-setup', 'del'])
def test_the_real_module_process_ends_in_time(stall, step, run, lab):
    """Through ansible-playbook: the module's own process must end too (no thread keeps it)."""
    rpc_started(lab)
    lab.open_session('bob')
    with StallingProxy(lab.port, stall) as proxy:
        start = time.monotonic()
        result = run('smb_session', port=proxy.port, username=['bob'], timeout=TIMEOUT)
        seconds = time.monotonic() - start
    assert result['failed'] is True and 'ran out during %s' % step in result['msg'], result['msg']
    assert 'Traceback' not in result['_raw_output']
    assert seconds < TIMEOUT + 30   # ansible-playbook itself takes a few seconds to start


def test_the_audit_names_the_step_a_silent_server_stopped_in(shared_lab, capsys):
    from ansible_collections.lanman.smb.plugins.modules import smb_session_audit
    with StallingProxy(shared_lab.port, Stall(TREE_CONNECT)) as proxy:
        args = dict(servers=[{'server': '127.0.0.1', 'port': proxy.port}, {'server': '127.0.0.1', 'port': shared_lab.port}],
                    auth_username=shared_lab.admin_user, auth_password=shared_lab.admin_password,
                    auth_protocol='ntlm', timeout=TIMEOUT)
        start = time.monotonic()
        result = run_in_process(smb_session_audit, capsys, args)
        seconds = time.monotonic() - start
    stalled, good = result['servers']
    assert stalled['error'] == ('127.0.0.1 port %d did not answer within %d s (connect and list sessions; it stopped '
                                'during tree connect to IPC$); check that it is an SMB server and not overloaded, or '
                                'raise timeout.' % (proxy.port, TIMEOUT))
    assert good['error'] is None and 'alice' in [s['username'] for s in good['sessions']]
    assert seconds < TIMEOUT + MARGIN
