"""smb_open_file_info and smb_open_file against a real Samba, with files held open by real SMB
clients (several users, byte-range locks). Every close is verified through each client's own
handle: the selected handles fail with STATUS_FILE_CLOSED, the others still read.

Tests that only read share ONE server (module scope); each test that closes gets a fresh one.
The first test pins what Samba 4.17 reports (docs/developer/open-files.md, 'Calls')."""
import pytest

from conftest import USERS, ModuleRunner
from samba_lab.open_files import FileHolder, samba_path, unix_path
from samba_lab.server import SambaLab

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import file_calls
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcStatusError

UNKNOWN_SHARE = "share 'nosuchshare' does not exist on the server."
IPC_SHARE = "share 'IPC$' has no local path: it holds no files."


def hold_files(lab):
    """alice: two files under reports/ (one with two locks), one at the top; bob: one under
    reports/, one under private/; carol: a pipe. Returns (holders, {name: (holder, held)})."""
    alice, bob, carol = (FileHolder(lab, user) for user in ('alice', 'bob', 'carol'))
    held = {
        'alice_q1': (alice, alice.open('reports/q1.txt', locks=2)),
        'alice_q2': (alice, alice.open('reports/q2.csv')),
        'alice_top': (alice, alice.open('top.txt')),
        'bob_q3': (bob, bob.open('reports/sub/q3.txt', locks=1)),
        'bob_private': (bob, bob.open('private/Notes.TXT')),
    }
    held['carol_pipe'] = (carol, carol.open_pipe('srvsvc'))
    return (alice, bob, carol), held


def still_open(held):
    return dict((name, holder.works(h)) for name, (holder, h) in sorted(held.items()))


@pytest.fixture(scope='module')
def shared_lab():
    """One server for every test here that only reads."""
    with SambaLab(users=USERS) as server:
        holders, held = hold_files(server)
        yield server, held
        for holder in holders:
            holder.close()


@pytest.fixture(scope='module')
def shared_run(ansible_env, shared_lab):
    return ModuleRunner(ansible_env, shared_lab[0])


@pytest.fixture()
def closing_lab(ansible_env):
    """A fresh server for a test that closes files."""
    with SambaLab(users=USERS) as server:
        holders, held = hold_files(server)
        yield server, held, ModuleRunner(ansible_env, server)
        for holder in holders:
            holder.close()


def by_path(files):
    return dict((f['path'], f) for f in files)


# ---------------------------------------------------------------- what Samba 4.17 reports

def test_samba_reports_unix_paths_in_c_form_locks_and_no_pipes(shared_lab):
    lab, held = shared_lab
    with SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm') as client:
        entries = file_calls.enum_files(client, 3)
        files = dict((e['pathname'], e) for e in entries)
        q1 = files[samba_path(lab, 'reports/q1.txt')]
        assert (q1['username'], q1['num_locks'], q1['permissions'] & 3) == ('alice', 2, 3)
        assert files[samba_path(lab, 'reports/sub/q3.txt')]['num_locks'] == 1
        assert not any(p.upper().startswith('\\PIPE\\') for p in files)   # carol's pipe and ours: not listed
        with pytest.raises(SrvsvcStatusError) as level_2:
            file_calls.enum_files(client, 2)
        assert level_2.value.status == 124
        assert file_calls.file_info(client, q1['id']) == (False, None)   # NetrFileGetInfo: op_rng fault
        assert file_calls.share_info(client, 'nosuchshare') == (False, None, None)   # 123 on Samba
        assert file_calls.share_info(client, 'data') == (True, 0, samba_path(lab, ''))
        exists, share_type, path = file_calls.share_info(client, 'IPC$')
        assert exists and share_type & 0x0FFFFFFF == 3 and path   # IPC$ reports a path (C:\tmp)
        assert file_calls.close_file(client, 12345) is False   # not open: status 2 on Samba
    with SrvsvcClient('127.0.0.1', lab.port, 'alice', USERS['alice'], auth_protocol='ntlm') as client:
        with pytest.raises(SrvsvcStatusError) as denied:
            file_calls.enum_files(client, 3)
        assert denied.value.status == 5
        with pytest.raises(SrvsvcStatusError) as close_denied:
            file_calls.close_file(client, q1['id'])
        assert close_denied.value.status == 5
    assert all(still_open(held).values())


# ---------------------------------------------------------------- info (shared server)

def test_info_lists_every_held_file_with_user_locks_and_client(shared_lab, shared_run):
    lab, held = shared_lab
    r = shared_run('smb_open_file_info')
    assert not r.get('failed'), r.get('msg')
    files = by_path(r['open_files'])
    for name, user, relative, locks in (('alice_q1', 'alice', 'reports/q1.txt', 2),
                                        ('bob_q3', 'bob', 'reports/sub/q3.txt', 1),
                                        ('bob_private', 'bob', 'private/Notes.TXT', 0)):
        f = files[samba_path(lab, relative)]
        assert (f['username'], f['num_locks'], f['is_pipe']) == (user, locks, False), name
        assert f['permissions'][:2] == ['read', 'write'] and f['client'] == '127.0.0.1'
        assert f['clients'] == ['127.0.0.1']
    assert [f['id'] for f in r['open_files']] == sorted(f['id'] for f in r['open_files'])
    assert not any(f['is_pipe'] for f in r['open_files'])   # the module's own srvsvc pipe is never listed
    assert r['level'] == 3


def test_info_share_and_posix_and_username_selectors(shared_lab, shared_run):
    lab, held = shared_lab
    by_share = shared_run('smb_open_file_info', share=['data'])
    assert len(by_share['open_files']) == 5
    posix = shared_run('smb_open_file_info', path=[unix_path(lab, 'reports') + '/'], username=['LAB\\ALICE'])
    assert sorted(f['path'] for f in posix['open_files']) == [
        samba_path(lab, 'reports/q1.txt'), samba_path(lab, 'reports/q2.csv')]
    case = shared_run('smb_open_file_info', path=[unix_path(lab, 'private/notes.txt')])   # POSIX: case-sensitive
    assert case['open_files'] == []
    glob = shared_run('smb_open_file_info', path=[unix_path(lab, '*/q?.txt')])   # '*' does not cross '/'
    assert [f['path'] for f in glob['open_files']] == [samba_path(lab, 'reports/q1.txt')]


def test_unknown_share_and_ipc_share_fail_with_the_contract_texts(shared_lab, shared_run):
    unknown = shared_run('smb_open_file', share=['nosuchshare'])
    assert unknown.get('failed') and unknown['msg'] == UNKNOWN_SHARE
    ipc = shared_run('smb_open_file_info', share=['IPC$'])
    assert ipc.get('failed') and ipc['msg'] == IPC_SHARE
    assert all(still_open(shared_lab[1]).values())


def test_level_2_is_refused_by_samba_and_takes_no_selector(shared_run):
    r = shared_run('smb_open_file_info', level=2)
    assert r.get('failed') and r['msg'] == ('NetrFileEnum: the server does not serve information level 2 '
                                            '(ERROR_INVALID_LEVEL). Windows serves levels 2 and 3; Samba serves '
                                            'level 3 only. Leave level unset to use level 3.')
    selector = shared_run('smb_open_file_info', level=2, username=['bob'])
    assert selector.get('failed') and selector['msg'].startswith('level 2 carries only file ids')


def test_close_module_refuses_before_connecting(shared_run):
    r = shared_run('smb_open_file')
    assert r.get('failed') and r['msg'].startswith('Select what to close')
    root = shared_run('smb_open_file', path=['/'])
    assert root.get('failed') and 'is a whole volume' in root['msg']


def test_a_user_without_rights_is_told_what_is_needed(shared_lab, shared_run):
    r = shared_run('smb_open_file_info', auth_username='alice', auth_password=USERS['alice'])
    assert r.get('failed') and 'status 5' in r['msg'] and 'BUILTIN\\Administrators' in r['msg']
    assert 'Alice-Pw-1' not in r['_raw_output']


# ---------------------------------------------------------------- closing (a fresh server each)

def test_check_mode_closes_nothing(closing_lab):
    lab, held, run = closing_lab
    r = run('smb_open_file', check=True, diff=True, path=[unix_path(lab, 'reports') + '/'])
    assert not r.get('failed'), r.get('msg')
    assert sorted(f['path'] for f in r['closed_files']) == sorted(
        samba_path(lab, p) for p in ('reports/q1.txt', 'reports/q2.csv', 'reports/sub/q3.txt'))
    assert r['changed'] is True and r['diff']['after']['open_files'] == []
    assert all(still_open(held).values())   # every handle, selected or not, still reads


def test_close_closes_exactly_the_selected_files_then_is_unchanged(closing_lab):
    lab, held, run = closing_lab
    r = run('smb_open_file', diff=True, path=[samba_path(lab, 'REPORTS') + '\\'], exclude_username=['bob'])
    assert not r.get('failed'), r.get('msg')
    assert sorted(f['path'] for f in r['closed_files']) == [
        samba_path(lab, 'reports/q1.txt'), samba_path(lab, 'reports/q2.csv')]
    assert [(f['path'], f['reason']) for f in r['skipped_files']] == [
        (samba_path(lab, 'reports/sub/q3.txt'), 'excluded_username')]
    assert still_open(held) == {'alice_q1': False, 'alice_q2': False, 'alice_top': True, 'bob_private': True,
                                'bob_q3': True, 'carol_pipe': True}
    again = run('smb_open_file', path=[samba_path(lab, 'REPORTS') + '\\'], exclude_username=['bob'])
    assert again['changed'] is False and again['closed_files'] == [] and not again.get('failed')


def test_share_selector_closes_the_share_files_not_pipes(closing_lab):
    lab, held, run = closing_lab
    r = run('smb_open_file', share=['data'], username=['bob'])
    assert not r.get('failed'), r.get('msg')
    assert sorted(f['path'] for f in r['closed_files']) == [
        samba_path(lab, 'private/Notes.TXT'), samba_path(lab, 'reports/sub/q3.txt')]
    assert still_open(held) == {'alice_q1': True, 'alice_q2': True, 'alice_top': True, 'bob_private': False,
                                'bob_q3': False, 'carol_pipe': True}


def test_all_closes_every_file_but_no_pipe_and_not_its_own_channel(closing_lab):
    lab, held, run = closing_lab
    r = run('smb_open_file', all=True)
    assert not r.get('failed'), r.get('msg')   # its own srvsvc channel survived to the logoff
    assert len(r['closed_files']) == 5 and not any(f['is_pipe'] for f in r['closed_files'])
    assert still_open(held) == {'alice_q1': False, 'alice_q2': False, 'alice_top': False, 'bob_private': False,
                                'bob_q3': False, 'carol_pipe': True}
