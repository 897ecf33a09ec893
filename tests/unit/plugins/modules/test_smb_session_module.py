"""smb_session and smb_session_info end to end against the logging fake (no network).

The fake replaces SrvsvcClient, so the modules' own option checks, resolution, listing,
planning, closing and result shaping all run for real.
"""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / 'module_utils'))
from fake_srvsvc import FakeSrvsvc, entry  # noqa: E402

from module_runs import run_in_process  # noqa: E402  (tests/, on the path through tests/conftest.py)

from ansible_collections.lanman.smb.plugins.module_utils import client_resolver, list_and_close  # noqa: E402
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (  # noqa: E402
    SrvsvcConnectionError, SrvsvcProtocolError, SrvsvcTimeoutError,
)
from ansible_collections.lanman.smb.plugins.modules import smb_session, smb_session_info  # noqa: E402

PASSWORD = 'S3cret-Pw-for-the-log'


def _run(module, fake, monkeypatch, capsys, **args):
    """The module in this process against ``fake``; the password never reaches its output."""
    args.setdefault('server', 'files01')
    args.setdefault('auth_username', 'svc-admin')
    args.setdefault('auth_password', PASSWORD)
    result = run_in_process(module, capsys, args, client_class=fake, monkeypatch=monkeypatch)
    assert PASSWORD not in result['_raw_output']
    return result


def _fake(**kwargs):
    return FakeSrvsvc([entry('\\\\10.0.0.5', 'alice'), entry('\\\\10.0.0.6', 'bob'), entry('\\\\10.0.0.7', 'carol'),
                       entry('\\\\10.9.9.9', 'svc-admin')], **kwargs)


def test_a_failure_midway_fails_the_task_with_what_was_done(monkeypatch, capsys):
    fake = _fake(delete_status={2: 5})
    result = _run(smb_session, fake, monkeypatch, capsys, all=True)
    assert result['failed'] is True and result['changed'] is True
    assert fake.calls('del') == [('\\\\10.0.0.5', 'alice'), ('\\\\10.0.0.6', 'bob')]
    assert [s['username'] for s in result['closed_sessions']] == ['alice']
    assert result['close_calls'] == [{'client': '10.0.0.5', 'username': 'alice'},
                                     {'client': '10.0.0.6', 'username': 'bob'}]
    failed = result['failed_call']
    assert (failed['client'], failed['username'], failed['status']) == ('10.0.0.6', 'bob', 5)
    assert [s['client'] for s in failed['sessions']] == ['10.0.0.6']
    assert [(c['client'], c['username']) for c in result['untried_calls']] == [('10.0.0.7', 'carol')]
    assert [s['username'] for s in result['untried_calls'][0]['sessions']] == ['carol']
    assert 'client 10.0.0.6, user bob' in result['msg'] and 'status 5' in result['msg']
    assert result['level'] == 502 and result['vanished_sessions'] == []
    assert 'alice@10.0.0.5' not in result['diff']['after']['sessions']
    assert 'bob@10.0.0.6' in result['diff']['after']['sessions']


def test_success_reports_no_failed_call(monkeypatch, capsys):
    result = _run(smb_session, _fake(), monkeypatch, capsys, username=['bob'])
    assert not result.get('failed') and result['changed'] is True
    assert result['failed_call'] is None and result['untried_calls'] == []


# A blank entry used to be dropped, so `client: [127.0.0.1], username: ['']` closed every user on
# that client (issue 14). Every bad entry or server fails before anything is resolved, listed or closed.
BAD_ENTRIES = [
    (smb_session, dict(client=['10.0.0.6'], username=['']), "username[0] is empty ('')"),
    (smb_session, dict(client=[''], username=['bob']), "client[0] is empty ('')"),
    (smb_session, dict(client=['\\\\'], all=True), "client[0] is empty ('\\\\')"),
    (smb_session, dict(client=['.'], all=True), "client[0] is empty ('.')"),
    (smb_session, dict(all=True, exclude_client=['10.0.0.5', '[]']), "exclude_client[1] is empty ('[]')"),
    (smb_session, dict(all=True, exclude_username=['LAB\\']), "exclude_username[0] is empty ('LAB\\')"),
    (smb_session, dict(username=['bob', 'alice', '  ']), "username[2] is empty ('  ')"),
    (smb_session, dict(username=['LAB\x07lice']), "username[0] 'LAB\\alice' holds a control character"),
    (smb_session, dict(username=['bob'], server='0.0.0.0'), "server '0.0.0.0' is the unspecified address"),
    (smb_session_info, dict(client=''), "client[0] is empty ('')"),
    (smb_session_info, dict(client=['10.0.0.5', None]), "client[1] is empty ('')"),
    (smb_session_info, dict(username=['@contoso.com']), "username[0] is empty ('@contoso.com')"),
    (smb_session_info, dict(server='*'), "server '*' is a wildcard pattern"),
    (smb_session_info, dict(server='127.1'), "server '127.1' is a numeric shorthand"),
]


@pytest.mark.parametrize('module, args, message', BAD_ENTRIES,
                         ids=['%s-%s' % (m.__name__.rsplit('.', 1)[1], ascii(a)) for m, a, dummy in BAD_ENTRIES])
@pytest.mark.parametrize('check_mode', [False, True], ids=['real', 'check'])
def test_bad_entries_fail_before_anything_is_resolved_listed_or_closed(module, args, message, check_mode,
                                                                       monkeypatch, capsys):
    looked_up = []
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', lambda *a, **k: looked_up.append(a) or [])
    fake = _fake()
    result = _run(module, fake, monkeypatch, capsys, _ansible_check_mode=check_mode, **args)
    assert result['failed'] is True and result['msg'].startswith(message), result['msg']
    assert fake.log == [] and looked_up == []   # never connected, listed or closed; nothing resolved


def test_an_empty_list_is_the_same_as_unset(monkeypatch, capsys):
    result = _run(smb_session_info, _fake(), monkeypatch, capsys, client=[], username=[])
    assert not result.get('failed') and len(result['sessions']) == 4
    fake = _fake()
    result = _run(smb_session, fake, monkeypatch, capsys, client=[], username=[])
    assert result['failed'] is True and 'No sessions selected' in result['msg'] and fake.log == []


def test_an_unresolvable_exclusion_fails_before_connecting(monkeypatch, capsys):
    fake = _fake()
    result = _run(smb_session, fake, monkeypatch, capsys, all=True, exclude_client=['backup01.invalid'])
    assert result['failed'] is True
    assert result['msg'] == ("exclude_client 'backup01.invalid' does not resolve to any address, so it would "
                             "protect nothing; fix the name or give its IP address.")
    assert fake.log == []  # never connected, never listed, never closed


@pytest.mark.parametrize('module, option, value', [
    (smb_session, 'exclude_client', '10.1/16'),
    (smb_session, 'client', '10.1.0.0/33'),
    (smb_session_info, 'client', 'pc01/24'),
    (smb_session_info, 'client', '010.1.0.0/16'),
], ids=['close-exclude', 'close-client', 'info-name-with-prefix', 'info-octal'])
def test_a_malformed_network_fails_before_connecting_and_is_never_looked_up(
        module, option, value, monkeypatch, capsys):
    """Like the Windows twin (ClientResolution.ResolveClients): the option's entries are checked
    first, so the user reads what is wrong with the network, not that it "does not resolve"."""
    looked_up = []
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', lambda *a, **k: looked_up.append(a) or [])
    fake = _fake()
    args = {option: [value], 'all': True} if module is smb_session else {option: [value]}
    result = _run(module, fake, monkeypatch, capsys, **args)
    assert result['failed'] is True
    assert result['msg'].startswith("%s '%s' is not a valid network: " % (option, value)), result['msg']
    assert '10.1.0.0/16' in result['msg']
    assert fake.log == [] and looked_up == [] and result['warnings'] == []


def test_an_unresolvable_client_warns(monkeypatch, capsys):
    fake = _fake()
    result = _run(smb_session, fake, monkeypatch, capsys, client=['ws42.invalid'])
    assert not result.get('failed') and result['changed'] is False and fake.calls('del') == []
    assert "client 'ws42.invalid' does not resolve; matching it only as a name the server might report" in result['warnings']


@pytest.mark.parametrize('module', [smb_session, smb_session_info], ids=['smb_session', 'smb_session_info'])
@pytest.mark.parametrize('args, hint', [
    (dict(server='files01:4445'), 'give the port in the port option'),
    (dict(server='smb://files01'), 'not a URL'),
    (dict(server=' '), 'is empty'),
    (dict(port=0), 'port must be between 1 and 65535'),
    (dict(port=70000), 'port must be between 1 and 65535'),
    (dict(timeout=0), 'timeout must be a positive number of seconds'),
])
def test_bad_connection_options_fail_before_connecting(monkeypatch, capsys, module, args, hint):
    fake = _fake()
    args.setdefault('username', ['bob'])
    result = _run(module, fake, monkeypatch, capsys, **args)
    assert result['failed'] is True and hint in result['msg'] and fake.log == []


def test_the_server_reaches_the_client_in_its_plain_form(monkeypatch, capsys):
    fake = _fake()
    _run(smb_session_info, fake, monkeypatch, capsys, server='\\\\[FD00::5]', port=4445)
    assert fake.log[0] == ('new', 'fd00::5', 4445, 30)


def test_info_level_0_with_username_on_samba(monkeypatch, capsys):
    fake = _fake(enum_status={2: 124, 10: 124, 502: 124})
    result = _run(smb_session_info, fake, monkeypatch, capsys, level=0, username=['bob'])
    assert result['level'] == 0 and [s['client'] for s in result['sessions']] == ['10.0.0.6']
    assert result['sessions'][0]['username'] is None


def test_info_unset_level_with_502_denied_returns_level_10_and_warns(monkeypatch, capsys):
    result = _run(smb_session_info, _fake(enum_status={502: 5}), monkeypatch, capsys)
    assert result['level'] == 10 and list_and_close.LEVEL_502_DENIED_WARNING in result['warnings']
    assert len(result['sessions']) == 4


def test_close_unset_level_with_502_denied_closes_at_level_10(monkeypatch, capsys):
    fake = _fake(enum_status={502: 5})
    result = _run(smb_session, fake, monkeypatch, capsys, username=['carol'])
    assert result['level'] == 10 and list_and_close.LEVEL_502_DENIED_WARNING in result['warnings']
    assert fake.calls('del') == [('\\\\10.0.0.7', 'carol')]


def test_listing_errors_fail_cleanly(monkeypatch, capsys):
    result = _run(smb_session, _fake(enum_status={502: 50}), monkeypatch, capsys, all=True)
    assert result['failed'] is True and 'status 50' in result['msg']


# Every error of the client is a SrvsvcError: the modules catch that one type and fail with its
# text, whichever kind it is and wherever it happens (connecting or listing).
CLIENT_ERRORS = [
    SrvsvcConnectionError('Cannot connect to SMB server files01 port 445: refused'),
    SrvsvcProtocolError('Cannot connect to SMB server files01 port 445: its answer is not valid SMB'),
    SrvsvcTimeoutError('NetrSessionEnum on files01 port 445: the listing did not finish'),
]


@pytest.mark.parametrize('module, args', [(smb_session_info, {}), (smb_session, {'all': True})],
                         ids=['info', 'close'])
@pytest.mark.parametrize('error', CLIENT_ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize('where', ['connect', 'list'])
def test_every_kind_of_client_error_fails_the_module_with_its_text(monkeypatch, capsys, module, args, error, where):
    fake = _fake(connect_error=error) if where == 'connect' else _fake(enum_status={502: error})
    result = _run(module, fake, monkeypatch, capsys, **args)
    assert result['failed'] is True and result['msg'] == str(error)
    assert fake.calls('del') == []


def test_a_refused_level_fails_the_info_module_with_the_level_advice(monkeypatch, capsys):
    result = _run(smb_session_info, _fake(enum_status={2: 124}), monkeypatch, capsys, level=2)
    assert result['failed'] is True and 'does not serve information level 2' in result['msg']
