"""Issue 14 items 5 and 9, module level: the run's one deadline also bounds name resolution,
and options or missing libraries that used to crash fail cleanly, in all three agentless
modules (against the logging fake: nothing is contacted)."""
import json
import socket
import threading
import time

import pytest

from test_smb_session_module import _fake, _run   # same directory; it also makes fake_srvsvc importable
from fake_srvsvc import FakeSrvsvc, entry  # noqa: E402

from module_runs import run_in_process   # tests/, on the path through tests/conftest.py

from ansible_collections.lanman.smb.plugins.module_utils import client_resolver
from ansible_collections.lanman.smb.plugins.modules import smb_session, smb_session_audit, smb_session_info

MARGIN = 5   # generous: the bound under test is the timeout itself


def _run_audit(fake, monkeypatch, capsys, **args):
    args.setdefault('servers', ['files01'])
    args.setdefault('auth_username', 'svc-admin')
    args.setdefault('auth_password', 'pw')
    return run_in_process(smb_session_audit, capsys, args, client_class=fake, monkeypatch=monkeypatch)


def _run_any(module, fake, monkeypatch, capsys, **args):
    if module is smb_session_audit:
        return _run_audit(fake, monkeypatch, capsys, **args)
    if module is smb_session:
        args.setdefault('username', ['bob'])
    return _run(module, fake, monkeypatch, capsys, **args)


MODULES = [smb_session_info, smb_session, smb_session_audit]
IDS = ['smb_session_info', 'smb_session', 'smb_session_audit']


# ---------------------------------------------------------------- timeout's range (item 9)

@pytest.mark.parametrize('module', MODULES, ids=IDS)
@pytest.mark.parametrize('timeout', [86401, 10000000000])
def test_a_timeout_past_one_day_fails_before_connecting(module, timeout, monkeypatch, capsys):
    # 10000000000 raised OverflowError in settimeout ("unexpected error" per server in the audit)
    fake = _fake()
    result = _run_any(module, fake, monkeypatch, capsys, timeout=timeout)
    assert result['failed'] is True
    assert result['msg'] == ('timeout must be a positive number of seconds, at most 86400 (one day): it bounds the '
                             'whole run, got %d' % timeout)
    assert fake.log == []


@pytest.mark.parametrize('module', MODULES, ids=IDS)
def test_a_timeout_of_one_day_is_accepted(module, monkeypatch, capsys):
    fake = _fake()
    result = _run_any(module, fake, monkeypatch, capsys, timeout=86400)
    assert not result.get('failed'), result
    assert fake.deadline is not None or module is smb_session_audit


# ---------------------------------------------------------------- Kerberos without gssapi (item 9)

@pytest.mark.parametrize('module', MODULES, ids=IDS)
def test_kerberos_without_gssapi_is_a_clean_error_naming_what_to_install(module, monkeypatch, capsys):
    monkeypatch.setitem(__import__('sys').modules, 'gssapi', None)   # what a missing package looks like
    fake = _fake()
    result = _run_any(module, fake, monkeypatch, capsys, auth_protocol='kerberos')
    assert result['failed'] is True
    assert result['msg'].startswith('auth_protocol=kerberos needs the Python gssapi library on the host that runs '
                                    'the module (')
    assert "pip install 'pyspnego[kerberos]'" in result['msg'] and 'libkrb5-dev' in result['msg']
    assert 'auth_protocol=ntlm' in result['msg'] and 'Traceback' not in json.dumps(result)
    assert fake.log == []


@pytest.mark.parametrize('module', MODULES, ids=IDS)
def test_kerberos_with_gssapi_goes_ahead(module, monkeypatch, capsys):
    monkeypatch.setitem(__import__('sys').modules, 'gssapi', type(__import__('sys'))('gssapi'))
    fake = _fake()
    result = _run_any(module, fake, monkeypatch, capsys, auth_protocol='kerberos')
    assert not result.get('failed'), result
    assert ('connect',) in fake.log


def test_negotiate_does_not_need_gssapi(monkeypatch, capsys):
    monkeypatch.setitem(__import__('sys').modules, 'gssapi', None)
    fake = _fake()
    assert not _run(smb_session_info, fake, monkeypatch, capsys, auth_protocol='negotiate').get('failed')


# ---------------------------------------------------------------- client names within the deadline (item 9)

class SlowResolver:
    """getaddrinfo that takes ``delay`` seconds per name and knows only ``known``."""

    def __init__(self, delay, known=None):
        self.delay = delay
        self.known = dict(known or {})
        self.calls = 0
        self.most_at_once = 0
        self._now = 0
        self._lock = threading.Lock()

    def __call__(self, host, *args, **kwargs):
        with self._lock:
            self.calls += 1
            self._now += 1
            self.most_at_once = max(self.most_at_once, self._now)
        try:
            time.sleep(self.delay)
        finally:
            with self._lock:
                self._now -= 1
        if host in self.known:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, '', (self.known[host], 0))]
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')


def test_a_thousand_unresolvable_client_names_end_within_the_timeout(monkeypatch, capsys):
    # before: 1,000 names at 0.2 s each took 197 s, outside any timeout
    resolver = SlowResolver(0.2)
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', resolver)
    fake = _fake()
    names = ['ws%04d.invalid' % i for i in range(1000)]
    start = time.monotonic()
    result = _run(smb_session_info, fake, monkeypatch, capsys, client=names, timeout=2)
    assert time.monotonic() - start < 2 + MARGIN
    assert result['failed'] is True
    assert result['msg'].startswith('The 2 second timeout (it bounds the whole run) ran out before connecting to '
                                    'files01: resolving the client and exclude_client names took it all.')
    late = [w for w in result['warnings'] if 'did not resolve within the timeout' in w]
    assert len(late) == 1, result['warnings']           # one warning for all the names cut off
    looked_up = [w for w in result['warnings'] if w.endswith("does not resolve; matching it only as a name the "
                                                             "server might report")]
    assert int(late[0].split(' ', 1)[0]) + len(looked_up) == 1000
    assert fake.log == []
    assert 1 < resolver.most_at_once <= client_resolver.RESOLVE_WORKERS


def test_names_are_looked_up_together(monkeypatch, capsys):
    resolver = SlowResolver(0.3, known=dict(('pc%02d' % i, '10.0.1.%d' % i) for i in range(40)))
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', resolver)
    fake = _fake()
    start = time.monotonic()
    result = _run(smb_session_info, fake, monkeypatch, capsys, client=['pc%02d' % i for i in range(40)], timeout=30)
    assert time.monotonic() - start < 0.3 * 40 / 2   # one by one: 12 s
    assert not result.get('failed') and result['warnings'] == [] and resolver.calls == 40


def test_a_slow_exclusion_fails_the_close_before_connecting(monkeypatch, capsys):
    resolver = SlowResolver(5, known={'backup01': '10.0.0.9'})
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', resolver)
    fake = _fake()
    start = time.monotonic()
    result = _run(smb_session, fake, monkeypatch, capsys, all=True, exclude_client=['backup01'], timeout=1)
    assert time.monotonic() - start < 1 + MARGIN
    assert result['failed'] is True
    assert result['msg'] == ("exclude_client 'backup01' did not resolve within the timeout (it bounds the whole "
                             "run), so it would protect nothing; nothing was closed. Give its IP address, or raise "
                             "timeout.")
    assert fake.log == []


def test_the_audit_resolves_client_names_within_its_timeout(monkeypatch, capsys):
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', SlowResolver(5))
    fake = FakeSrvsvc([entry('\\\\10.0.0.5', 'alice')])
    start = time.monotonic()
    result = _run_audit(fake, monkeypatch, capsys, client=['pc01.invalid'], timeout=1)
    assert time.monotonic() - start < 1 + MARGIN
    assert any("did not resolve within the timeout" in w for w in result['warnings'])


# ---------------------------------------------------------------- a lost NetrSessionDel answer (item 5)

def test_a_del_whose_answer_never_came_is_reported_as_possibly_done(monkeypatch, capsys):
    fake = _fake(delete_status={2: 'timeout'})
    result = _run(smb_session, fake, monkeypatch, capsys, all=True)
    assert result['failed'] is True and result['changed'] is True
    assert [s['username'] for s in result['closed_sessions']] == ['alice']
    failed = result['failed_call']
    assert (failed['username'], failed['status']) == ('bob', None)
    assert failed['message'].endswith('The server received this call and may already have closed its sessions: '
                                      'its answer never came. List the sessions again (smb_session_info) to see '
                                      'which are gone.')
    assert [c['username'] for c in result['untried_calls']] == ['carol']
    assert 'may already have closed its sessions' in result['msg']


def test_a_logoff_that_times_out_after_the_closes_fails_with_what_was_closed(monkeypatch, capsys):
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcTimeoutError
    fake = _fake(disconnect_error=SrvsvcTimeoutError('files01 port 445: the 30 second timeout ran out during logoff'))
    result = _run(smb_session, fake, monkeypatch, capsys, username=['bob'])
    assert result['failed'] is True and result['changed'] is True
    assert [s['username'] for s in result['closed_sessions']] == ['bob'] and result['failed_call'] is None
    assert result['msg'] == ('Every planned close call was answered (closed_sessions, vanished_sessions); then '
                             'closing the connection failed: files01 port 445: the 30 second timeout ran out during '
                             'logoff')


def test_the_info_module_fails_when_its_logoff_times_out(monkeypatch, capsys):
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcTimeoutError
    fake = _fake(disconnect_error=SrvsvcTimeoutError('files01 port 445: the 30 second timeout ran out during logoff'))
    result = _run(smb_session_info, fake, monkeypatch, capsys)
    assert result['failed'] is True and 'ran out during logoff' in result['msg']


def test_one_deadline_reaches_the_client_from_the_module_start(monkeypatch, capsys):
    fake = _fake()
    before = time.monotonic()
    _run(smb_session_info, fake, monkeypatch, capsys, timeout=7)
    assert fake.deadline is not None and fake.deadline.seconds == 7
    assert before + 7 <= fake.deadline.end <= time.monotonic() + 7


# ---------------------------------------------------------------- bad input (moved from tests/samba)
# These failed before any server was contacted when they ran through Ansible against a listener
# on loopback; here the logging fake shows the same (no client made, nothing connected), and an
# exception the module let through instead of fail_json would end main() with it, not SystemExit.

@pytest.mark.parametrize('args, message', [
    (dict(servers=[]), 'servers is empty'),
    (dict(workers=0), 'workers must be from 1 to 256'),
    (dict(workers=257), 'workers must be from 1 to 256'),
    (dict(timeout=0), 'timeout must be a positive'),
    (dict(servers=['127.0.0.1', {'server': '10.9.9.9', 'name': '127.0.0.1'}]),
     "servers[1] repeats the name '127.0.0.1' of servers[0]"),
    (dict(servers=[{'server': '127.0.0.1', 'host': 'x'}]), "unknown key(s) host"),
    (dict(servers=[{'server': '127.0.0.1', 'port': 70000}]), 'a port is a number from 1 to 65535'),
    (dict(servers=['  ']), 'empty server name'),
    (dict(servers=[['a']]), 'servers[0] is a list'),
    (dict(servers=['files01:4445']), 'servers[0]: server'),
    (dict(servers=['smb://files01']), 'is not a URL'),
    (dict(servers=[{'server': '\\\\files01\\share'}]), 'servers[0]: server'),
    (dict(client=['10.1.0.0/33']), "client '10.1.0.0/33' is not a valid network"),
    (dict(username=['bob', '']), "username[1] is empty ('')"),
    (dict(servers=['*']), "servers[0]: server '*' is a wildcard pattern"),
])
@pytest.mark.parametrize('check_mode', [False, True], ids=['real', 'check'])
def test_bad_audit_input_fails_before_any_server_is_contacted(args, message, check_mode, monkeypatch, capsys):
    fake = _fake()
    args = dict(args)   # the rows are shared by both check modes
    args.setdefault('servers', [{'server': '127.0.0.1', 'port': 4445}])
    result = _run_audit(fake, monkeypatch, capsys, port=4445, timeout=args.pop('timeout', 4),
                        _ansible_check_mode=check_mode, **args)
    assert result['failed'] is True and message in result['msg'], result.get('msg')
    assert fake.log == []   # no client made: nothing was connected, listed or resolved through it


@pytest.mark.parametrize('module', [smb_session_info, smb_session], ids=['smb_session_info', 'smb_session'])
def test_a_missing_server_is_a_clear_error(module, monkeypatch, capsys):
    fake = _fake()
    args = {'username': ['bob']} if module is smb_session else {}
    result = run_in_process(module, capsys, dict(args, auth_username='svc-admin', auth_password='pw'),
                            client_class=fake, monkeypatch=monkeypatch)
    assert result['failed'] is True and 'server' in result['msg'], result['msg']
    assert fake.log == []
