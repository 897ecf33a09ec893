"""smb_session_audit against several real smbd on loopback, plus servers that misbehave."""
import select
import socket
import threading
import time

import pytest

from samba_lab.server import ADMIN_USER as ADMIN, SambaLab, free_port

USERS = {'alice': 'Alice-Pw-1', 'bob': 'Bob-Pw-2', 'carol': 'Carol-Pw-3'}
ADMIN_PASSWORD = 'Adm1n-Pass!'  # SambaLab's default admin password

TIMEOUT = 4


class FakeServer:
    """TCP listeners on loopback that accept and then never answer (``silent``) or answer
    garbage (``garbage``). Counts connections, the most open at once, and closes seen."""

    def __init__(self, mode='silent', count=1):
        self.mode = mode
        self.listeners = []
        for dummy in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(('127.0.0.1', 0))
            sock.listen(64)
            self.listeners.append(sock)
        self.ports = [s.getsockname()[1] for s in self.listeners]
        self.accepted = 0
        self.open_now = 0
        self.peak_open = 0
        self._conns = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop:
            readable = select.select(self.listeners + self._conns, [], [], 0.05)[0]
            # Closes first: a connection closed before another one opened is never counted as
            # open at the same time as it.
            readable.sort(key=lambda sock: sock in self.listeners)
            for sock in readable:
                if sock in self.listeners:
                    conn = sock.accept()[0]
                    self._conns.append(conn)
                    self.accepted += 1
                    self.open_now += 1
                    self.peak_open = max(self.peak_open, self.open_now)
                    if self.mode == 'garbage':  # a NetBIOS length, then bytes no SMB2 parser accepts
                        conn.sendall(b'\x00\x00\x00\x08' + b'\xfeSMB\xff\xff\xff\xff')
                    continue
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b''
                if not data:  # the client closed or shut down its side
                    self._conns.remove(sock)
                    sock.close()
                    self.open_now -= 1

    def close(self):
        self._stop = True
        self._thread.join(2)
        for sock in self.listeners + self._conns:
            sock.close()


@pytest.fixture(scope='module')
def fleet():
    """Three good servers with known sessions, and one whose admin password is another one.
    Shared by the tests of this file: the module only reads, so no test changes them."""
    labs = [SambaLab(users=USERS) for dummy in range(3)]
    labs.append(SambaLab(users=USERS, admin_password='Other-Adm1n-Pw!'))
    try:
        for lab in labs:
            lab.start()
        good_a, good_b, good_c, denying = labs
        good_a.open_session('alice')
        good_b.open_session('bob')
        good_b.open_session('bob')
        good_c.open_session('carol')
        good_c.open_session('alice')
        yield labs
    finally:
        for lab in labs:
            lab.stop()


@pytest.fixture(scope='module')
def audit(module_runner):
    """Runs the module for real through Ansible (conftest's ModuleRunner) as the admin of the
    good servers, with this file's timeout: result, output (_raw_output) and wall time (_wall)."""
    def run_audit(servers, check=False, **args):
        args.setdefault('auth_username', ADMIN)
        args.setdefault('auth_password', ADMIN_PASSWORD)
        args.setdefault('auth_protocol', 'ntlm')
        args.setdefault('timeout', TIMEOUT)
        return module_runner('smb_session_audit', check=check, servers=servers, **args)
    return run_audit


def _entry(lab):
    return {'server': '127.0.0.1', 'port': lab.port}


def _users(entry):
    return sorted(s['username'] for s in entry['sessions'])


def test_one_task_lists_every_good_server_and_reports_each_bad_one(fleet, audit):
    good_a, good_b, good_c, denying = fleet
    silent = FakeServer('silent')
    refused_port = free_port()
    try:
        servers = [_entry(good_a), {'server': '127.0.0.1', 'port': refused_port}, _entry(good_b),
                   {'server': '127.0.0.1', 'port': silent.ports[0]}, _entry(denying), _entry(good_c)]
        result = audit(servers)
    finally:
        silent.close()
    assert not result.get('failed'), result.get('msg')
    assert result['changed'] is False
    entries = result['servers']
    assert [(e['server'], e['port']) for e in entries] == [(s['server'], s['port']) for s in servers]
    # An entry given without a name is named by its server, with the port when not the default.
    assert [e['name'] for e in entries] == ['127.0.0.1:%d' % s['port'] for s in servers]
    a, refused, b, hang, deny, c = entries
    admin = good_a.admin_user
    assert _users(a) == sorted(['alice', admin])
    assert _users(b) == sorted(['bob', 'bob', admin])
    assert _users(c) == sorted(['alice', 'carol', admin])
    for ok in (a, b, c):
        assert ok['error'] is None and ok['level'] == 1
        assert ok['idle_time_reliable'] is False  # Samba: 502 and 2 refused, idle always 0
        assert ok['server_kind'] == 'samba'
        assert set(ok['sessions'][0]) == {'client', 'username', 'num_opens', 'active_seconds', 'idle_seconds',
                                          'user_flags', 'is_guest', 'cleartext_password', 'client_type',
                                          'transport', 'own_session'}
        # The audit's own session is labelled; nobody else's is.
        assert [s['username'] for s in ok['sessions'] if s['own_session']] == [admin]
    assert 'Cannot connect to SMB server 127.0.0.1 port %d' % refused_port in refused['error']
    assert hang['error'].startswith('127.0.0.1 port %d did not answer within %d s' % (silent.ports[0], TIMEOUT))
    assert TIMEOUT <= hang['elapsed_seconds'] < TIMEOUT + 1.5
    assert 'Authentication to 127.0.0.1 port %d' % denying.port in deny['error']
    for bad in (refused, hang, deny):
        assert bad['sessions'] == [] and bad['level'] is None and bad['idle_time_reliable'] is None
    assert result['summary'] == {'servers': 6, 'ok': 3, 'failed': 3, 'duplicates': 0, 'sessions': 8,
                                 'open_files': 0}
    # The silent server costs its own deadline once, in parallel with the others.
    assert result['_wall'] < TIMEOUT + 12, result['_wall']
    assert good_a.admin_password not in result['_raw_output']


def test_a_non_admin_account_is_denied_per_server_and_the_password_never_printed(fleet, audit):
    good_a = fleet[0]
    secret = 'Wr0ng-S3cret-Pw'
    result = audit([_entry(good_a)], auth_username='alice', auth_password=USERS['alice'])
    entry = result['servers'][0]
    assert not result.get('failed') and result['summary']['failed'] == 1
    assert 'status 5' in entry['error'] and 'Administrators' in entry['error']
    assert USERS['alice'] not in result['_raw_output']
    result = audit([_entry(good_a), _entry(fleet[1])], auth_password=secret)
    assert all('Authentication to' in e['error'] for e in result['servers'])
    assert secret not in result['_raw_output']


def test_a_server_answering_garbage_is_its_own_error(fleet, audit):
    garbage = FakeServer('garbage')
    try:
        result = audit([{'server': '127.0.0.1', 'port': garbage.ports[0]}, _entry(fleet[1])])
    finally:
        garbage.close()
    bad, good = result['servers']
    assert bad['error'] and bad['sessions'] == []
    assert 'did not answer' not in bad['error']  # it answered at once, badly
    assert good['error'] is None and 'bob' in _users(good)


def test_the_pool_is_bounded_and_every_connection_is_closed(fleet, audit):
    silent = FakeServer('silent', count=6)
    try:
        result = audit([{'server': '127.0.0.1', 'port': p} for p in silent.ports], workers=2, timeout=1)
        time.sleep(0.5)
        still_open = silent.open_now
    finally:
        silent.close()
    assert [e['error'].split(' did not')[0] for e in result['servers']] == \
        ['127.0.0.1 port %d' % p for p in silent.ports]
    assert silent.accepted == 6
    assert silent.peak_open <= 2
    assert still_open == 0


def test_filters_levels_and_server_forms(fleet, audit):
    good_a, good_b, good_c = fleet[:3]
    servers = [_entry(good_c), {'server': 'localhost', 'port': good_a.port}, _entry(good_b)]
    result = audit(servers, username=['LAB\\Alice'])
    assert [_users(e) for e in result['servers']] == [['alice'], ['alice'], []]
    assert result['servers'][1]['server'] == 'localhost'
    result = audit(servers, level=0, check=True)
    assert not result.get('failed')
    assert [e['level'] for e in result['servers']] == [0, 0, 0]
    assert all(s['username'] is None for e in result['servers'] for s in e['sessions'])
    assert [e['idle_time_reliable'] for e in result['servers']] == [False] * 3
    result = audit(servers, level=1)
    assert [e['idle_time_reliable'] for e in result['servers']] == [None] * 3  # not asked for more
    result = audit(servers, level=502)
    assert not result.get('failed')
    assert all('level 502' in e['error'] for e in result['servers'])
    # A bare string uses the module's port.
    result = audit(['127.0.0.1', 'localhost'], port=good_b.port)
    assert [_users(e).count('bob') for e in result['servers']] == [2, 2]
    # The forms an admin types for smb_session_info's server work here too.
    result = audit(['\\\\127.0.0.1', '[::1]', '//localhost.'], port=good_b.port)
    assert [e['server'] for e in result['servers']] == ['127.0.0.1', '::1', 'localhost']
    assert [_users(e).count('bob') for e in result['servers']] == [2, 2, 2]


def test_a_server_written_twice_is_listed_once_and_every_entry_reported(fleet, audit):
    """Two names for one server (any spelling) hide nothing: the server is listed once, under the
    first name, and the repeat says whose it is."""
    good_b = fleet[1]
    result = audit([{'server': '127.0.0.1', 'port': good_b.port, 'name': 'fs-b'},
                    {'server': '\\\\127.0.0.1', 'port': good_b.port, 'name': 'fs-b-alias'},
                    {'server': '[::1]', 'port': good_b.port, 'name': 'fs-b-v6'}])
    assert not result.get('failed'), result.get('msg')
    first, alias, v6 = result['servers']
    assert (first['name'], first['error'], _users(first).count('bob')) == ('fs-b', None, 2)
    assert (alias['name'], alias['duplicate_of'], alias['sessions'], alias['error']) == ('fs-b-alias', 'fs-b', [], None)
    assert v6['duplicate_of'] is None and _users(v6).count('bob') == 2   # another address: another server
    assert result['summary'] == {'servers': 3, 'ok': 2, 'failed': 0, 'duplicates': 1,
                                 'sessions': len(first['sessions']) + len(v6['sessions']), 'open_files': 0}
    assert 'fs-b-alias (127.0.0.1 port %d): the same server as fs-b' % good_b.port in result['_raw_output']
    # the audit's sessions (one per address it connected from; a listing shows the other worker's too
    # when they overlap) are all its own
    for entry, address in ((first, '127.0.0.1'), (v6, '::1')):
        mine = [s for s in entry['sessions'] if s['username'] == ADMIN]
        assert address in [s['client'] for s in mine] and all(s['own_session'] for s in mine), mine
        assert not [s for s in entry['sessions'] if s['own_session'] and s['username'] != ADMIN]
