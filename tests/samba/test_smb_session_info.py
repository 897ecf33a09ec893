"""smb_session_info against a real smbd on loopback.

The module only reads: most tests share one server (conftest's shared_lab, holding alice once and
bob twice); those that stop the server or break a connection have a fresh one.
"""


def _pairs(sessions):
    return sorted((s['client'], s['username']) for s in sessions)


def test_lists_every_real_session_with_contract_keys(shared_lab, shared_run):
    lab, run = shared_lab, shared_run   # holds alice, bob, bob
    result = run('smb_session_info')
    assert not result.get('failed'), result.get('msg')
    assert result['changed'] is False
    assert result['level'] == 1  # Samba serves 0 and 1 only: the richest is chosen
    users = sorted(s['username'] for s in result['sessions'])
    # our own admin session is listed too
    assert users == ['alice', 'bob', 'bob', lab.admin_user]
    for s in result['sessions']:
        assert s['client'] == '127.0.0.1'
        assert s['client_type'] is None and s['transport'] is None  # level 1 lacks them: null, not 0
        assert s['num_opens'] is not None and s['active_seconds'] is not None
        if s['username'] != lab.admin_user:  # each lab client holds one file open
            assert s['num_opens'] == 1
        assert s['active_seconds'] < 3600  # the wrapped -1 of a new session is clamped


def test_filters_are_applied_locally_because_samba_ignores_them(shared_run):
    run = shared_run   # the server holds alice, bob, bob
    result = run('smb_session_info', username=['LAB\\Bob'])
    assert _pairs(result['sessions']) == [('127.0.0.1', 'bob'), ('127.0.0.1', 'bob')]
    result = run('smb_session_info', client=['10.9.9.9'])
    assert result['sessions'] == []
    result = run('smb_session_info', client=['localhost'], username=['alice', 'carol'])
    assert _pairs(result['sessions']) == [('127.0.0.1', 'alice')]


def test_level_zero_and_unsupported_levels(shared_run):
    run = shared_run
    result = run('smb_session_info', level=0)
    assert result['level'] == 0
    assert all(s['username'] is None and s['idle_seconds'] is None for s in result['sessions'])
    result = run('smb_session_info', level=502)
    assert result['failed']
    assert 'level 502' in result['msg'] and 'Samba serves 0 and 1' in result['msg']


def test_level_0_with_a_username_filter_returns_exactly_that_users_sessions(shared_run):
    """Samba ignores the wire filter and level 0 has no user name: the module filters at level 1."""
    run = shared_run   # the server holds alice, bob, bob
    result = run('smb_session_info', level=0, username=['LAB\\Bob'])
    assert not result.get('failed'), result.get('msg')
    assert result['level'] == 0 and len(result['sessions']) == 2
    for s in result['sessions']:
        assert [k for k, v in s.items() if v is not None] == ['client'] and s['client'] == '127.0.0.1'
    assert run('smb_session_info', level=0, username=['nobody'])['sessions'] == []


def test_server_as_an_admin_types_it(shared_lab, shared_run):
    lab, run = shared_lab, shared_run   # holds alice once
    for server in ('[::1]', '\\\\127.0.0.1', '//localhost.'):
        result = run('smb_session_info', server=server, username=['alice'])
        assert not result.get('failed'), (server, result.get('msg'))
        assert [s['username'] for s in result['sessions']] == ['alice']
    result = run('smb_session_info', server='127.0.0.1:%d' % lab.port)
    assert result['failed'] and 'give the port in the port option' in result['msg']


def test_check_mode_is_supported(shared_run):
    run = shared_run
    result = run('smb_session_info', check=True)
    assert not result.get('failed') and 'alice' in [s['username'] for s in result['sessions']]


def test_non_admin_caller_gets_access_denied_with_the_rule(shared_lab, shared_run):
    lab, run = shared_lab, shared_run
    result = run('smb_session_info', auth_username='alice', auth_password=lab.users['alice'])
    assert result['failed']
    assert 'status 5' in result['msg'] and 'Administrators' in result['msg']


def test_wrong_password_is_clear_and_never_printed(shared_run):
    run = shared_run
    secret = 'Wr0ng-S3cret-Pw'
    result = run('smb_session_info', auth_password=secret)
    assert result['failed']
    assert 'Authentication to 127.0.0.1' in result['msg'] and 'auth_password' in result['msg']
    assert secret not in result['_raw_output']


def test_wrong_port_and_stopped_server_are_clear(lab, run):
    from samba_lab.server import free_port
    result = run('smb_session_info', port=free_port(), timeout=5)
    assert result['failed'] and 'Cannot connect to SMB server 127.0.0.1 port' in result['msg']
    port = lab.port
    lab.stop()
    result = run('smb_session_info', port=port, timeout=5)
    assert result['failed'] and 'Cannot connect' in result['msg']


def test_smb3_encryption_can_be_required(shared_run):
    run = shared_run
    result = run('smb_session_info', require_encryption=True)
    assert not result.get('failed'), result.get('msg')
    assert 'alice' in [s['username'] for s in result['sessions']]


def test_require_encryption_really_encrypts_the_session(shared_lab):
    lab = shared_lab
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
    for wanted in (True, False):
        with SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm',
                          require_encryption=wanted) as client:
            assert client._session.encrypt_data is wanted
            assert client.enum_sessions(1)


def test_a_server_that_stops_answering_does_not_hang_the_client(lab):
    """SIGSTOP the smbd child serving our connection: the call must fail within the timeout.
    (A fresh server: the broken connection's session may linger after the test.)"""
    import os
    import signal
    import subprocess
    import time
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcConnectionError
    smbd = lab.pids()['smbd']

    def children():
        out = subprocess.run(['pgrep', '-P', str(smbd)], check=False, capture_output=True, text=True).stdout
        return set(int(p) for p in out.split())
    before = children()
    client = SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm', timeout=3)
    client.connect()
    ours = children() - before
    assert len(ours) == 1, ours
    pid = ours.pop()
    os.kill(pid, signal.SIGSTOP)
    try:
        start = time.monotonic()
        try:
            client.enum_sessions(1)
            raised = None
        except SrvsvcConnectionError as e:
            raised = e
        elapsed = time.monotonic() - start
    finally:
        os.kill(pid, signal.SIGCONT)
        client.close()
    assert raised is not None and 'the 3 second timeout ran out during NetrSessionEnum' in str(raised)
    assert elapsed < 10
