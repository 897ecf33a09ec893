"""smb_session against a real smbd on loopback: what a maintenance window relies on.

Client state is always checked through the lab (a new request on each client's own
connection), never only through the module's output. Tests that close nothing share one server
(conftest's shared_lab: alice once, bob twice); the others have a fresh one each.
"""
import time


def _wait_dead(lab, handle, seconds=5):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if not lab.is_connected(handle):
            return True
        time.sleep(0.1)
    return False


def _users(sessions):
    return sorted(s['username'] for s in sessions)


def _held(lab):
    """The users of the shared server's held sessions that no longer answer (none, if nothing was closed)."""
    return [s.user for s in lab.held if not lab.is_connected(s)]


def test_check_mode_reports_the_plan_and_closes_nothing(shared_lab, shared_run):
    lab, run = shared_lab, shared_run   # alice, bob, bob
    result = run('smb_session', username=['bob'], check=True, diff=True)
    assert result['changed'] is True
    assert _users(result['closed_sessions']) == ['bob', 'bob']
    assert result['close_calls'] == [{'client': '127.0.0.1', 'username': 'bob'}]
    assert _held(lab) == []
    assert 'bob@127.0.0.1' in result['diff']['before']['sessions']
    assert 'bob@127.0.0.1' not in result['diff']['after']['sessions']


def test_close_by_user_really_disconnects_only_that_user_and_is_idempotent(lab, run):
    alice = lab.open_session('alice')
    bob1 = lab.open_session('bob')
    bob2 = lab.open_session('bob')
    check = run('smb_session', username=['bob'], check=True, diff=True)
    real = run('smb_session', username=['bob'], diff=True)
    assert real['changed'] is True
    assert _users(real['closed_sessions']) == ['bob', 'bob']
    assert real['diff'] == check['diff']  # the dry run told the truth
    assert _wait_dead(lab, bob1) and _wait_dead(lab, bob2)
    assert lab.is_connected(alice)
    again = run('smb_session', username=['bob'])
    assert again['changed'] is False and again['closed_sessions'] == [] and again['close_calls'] == []
    listed = run('smb_session_info')
    assert 'bob' not in _users(listed['sessions'])


def test_close_by_client_and_user(lab, run):
    alice = lab.open_session('alice')
    carol = lab.open_session('carol')
    result = run('smb_session', client=['\\\\127.0.0.1'], username=['LAB\\carol'])
    assert result['changed'] and _users(result['closed_sessions']) == ['carol']
    assert _wait_dead(lab, carol) and lab.is_connected(alice)


def test_no_match_is_unchanged(shared_lab, shared_run):
    lab, run = shared_lab, shared_run
    result = run('smb_session', username=['nobody'])
    assert result['changed'] is False and result['closed_sessions'] == [] and not result.get('failed')
    result = run('smb_session', client=['10.1.2.3'])
    assert result['changed'] is False
    assert _held(lab) == []


def test_nothing_is_closed_without_a_selector(shared_lab, shared_run):
    lab, run = shared_lab, shared_run
    result = run('smb_session')
    assert result['failed'] and 'all=true' in result['msg']
    assert _held(lab) == []


def test_all_closes_everyone_but_the_module_itself(lab, run):
    alice = lab.open_session('alice')
    bob = lab.open_session('bob')
    result = run('smb_session', all=True, exclude_username=['carol'])
    assert result['changed'] and _users(result['closed_sessions']) == ['alice', 'bob']
    own = [s for s in result['skipped_sessions'] if s['reason'] == 'own_session']
    assert _users(own) == [lab.admin_user]
    # never a client-wide close of our own address
    assert all(call['username'] is not None for call in result['close_calls'])
    assert _wait_dead(lab, alice) and _wait_dead(lab, bob)


def test_the_module_never_closes_its_own_session(lab, run):
    admin_elsewhere = lab.open_session(lab.admin_user)
    result = run('smb_session', username=[lab.admin_user])
    assert result['changed'] is False and not result.get('failed')
    assert [s['reason'] for s in result['skipped_sessions']] == ['own_session', 'own_session']
    assert lab.is_connected(admin_elsewhere)


def test_idle_threshold_on_samba_matches_nothing_and_says_why(lab, run):
    alice = lab.open_session('alice')
    result = run('smb_session', all=True, min_idle_seconds=3600)
    assert result['changed'] is False
    assert 'idle_below_threshold' in [s['reason'] for s in result['skipped_sessions']]
    assert any('idle time of 0' in w for w in result.get('warnings', []))
    assert lab.is_connected(alice)
    result = run('smb_session', username=['alice'], min_idle_seconds=0)
    assert result['changed'] and _wait_dead(lab, alice)


def test_excluded_user_stays_connected(lab, run):
    alice = lab.open_session('alice')
    bob = lab.open_session('bob')
    result = run('smb_session', all=True, exclude_username=['alice'], exclude_client=[])
    assert 'alice' in [s['username'] for s in result['skipped_sessions'] if s['reason'] == 'excluded_username']
    assert _wait_dead(lab, bob) and lab.is_connected(alice)


def test_non_admin_caller_cannot_close(shared_lab, shared_run):
    lab, run = shared_lab, shared_run
    result = run('smb_session', username=['bob'], auth_username='alice', auth_password=lab.users['alice'])
    assert result['failed'] and 'Administrators' in result['msg']
    assert _held(lab) == []


def test_session_vanishing_before_close_is_not_an_error(lab, run, monkeypatch):
    """Samba answers ACCESS_DENIED for a delete that matches nothing; the module must
    re-list and call it vanished. Reproduced in-process with a real server."""
    from ansible_collections.lanman.smb.plugins.module_utils import list_and_close
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
    from ansible_collections.lanman.smb.plugins.module_utils.close_planning import CloseSelection, plan_close
    bob = lab.open_session('bob')
    with SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm') as client:
        sessions, level = list_and_close.list_sessions(client, None, [], [])
        plan = plan_close(sessions, CloseSelection(username=['bob'], own_client=[client.local_address],
                                                   own_username=lab.admin_user))
        lab.close_session(bob)  # bob logs off between listing and closing
        time.sleep(0.5)
        outcome = list_and_close.execute_plan(client, plan, level, check_mode=False)
    assert outcome.changed is False and outcome.closed == [] and [s.username for s in outcome.vanished] == ['bob']
    assert outcome.failed_call is None


def _add_lister(lab, name, password):
    """A user in BUILTIN\\Administrators only: Samba lets it list sessions (NetSessEnum) but
    not close them (NetSessDel wants root or Domain Admins)."""
    lab.add_user(name, password)
    group = lab.dir / 'group'
    group.write_text(group.read_text().replace('smbbuiltinadmins:x:30001:\n', 'smbbuiltinadmins:x:30001:%s\n' % name))
    lab.touch_nss_files()


def test_a_denied_close_fails_with_the_call_and_the_untried_ones_and_is_not_vanished(lab, run):
    """Samba answers 5 both for "denied" and for "nothing matched": the pair is still listed,
    so this is a failure, and the second pair is reported untried, not closed."""
    _add_lister(lab, 'auditor', 'Aud1tor-Pw-9')
    alice = lab.open_session('alice')
    bob = lab.open_session('bob')
    result = run('smb_session', all=True, auth_username='auditor', auth_password='Aud1tor-Pw-9')
    assert result['failed'] is True and result['changed'] is False, result.get('msg')
    assert 'failed_call' in result, result['msg']  # the listing itself was allowed
    assert result['closed_sessions'] == [] and result['vanished_sessions'] == []
    failed = result['failed_call']
    first = failed['username']  # Samba lists in its own order: whichever pair came first
    other = {'alice': 'bob', 'bob': 'alice'}[first]
    assert (failed['client'], failed['status']) == ('127.0.0.1', 5)
    assert [s['username'] for s in failed['sessions']] == [first]
    assert [(c['client'], c['username']) for c in result['untried_calls']] == [('127.0.0.1', other)]
    assert result['close_calls'] == [{'client': '127.0.0.1', 'username': first}]
    assert 'client 127.0.0.1, user %s' % first in result['msg'] and 'status 5' in result['msg']
    assert 'Aud1tor-Pw-9' not in result['_raw_output']
    assert lab.is_connected(alice) and lab.is_connected(bob)


def test_an_exclusion_that_does_not_resolve_closes_nothing(shared_lab, shared_run):
    lab, run = shared_lab, shared_run
    result = run('smb_session', all=True, exclude_client=['backup01.invalid'])
    assert result['failed'] is True and "exclude_client 'backup01.invalid' does not resolve" in result['msg']
    assert _held(lab) == []
