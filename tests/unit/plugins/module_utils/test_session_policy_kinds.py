"""What a session means depends on the server that lists it (docs/policy.md, "Server kinds"):
anonymous sessions on Samba, logons still in progress, the audit's own session, the
cleartext-password flag Samba does not carry."""
import pytest

from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import (
    LOGON_GRACE_SECONDS, evaluate, result_server_kind,
)

from contract_session import session


def samba(*sessions, **extra):
    data = {'server': 'smb1', 'level': 1, 'error': None, 'idle_time_reliable': False,
            'server_kind': 'samba', 'sessions': list(sessions)}
    data.update(extra)
    return data


def windows(*sessions, **extra):
    data = {'server': 'win1', 'level': 502, 'error': None, 'idle_time_reliable': True,
            'server_kind': 'windows', 'sessions': list(sessions)}
    data.update(extra)
    return data


def at(level, client, user, flags=0, age=100, **extra):
    s = session(client, user, level=level, flags=flags)
    s['active_seconds'] = age
    s.update(extra)
    return s


def status(evaluation, name):
    (found,) = [r for r in evaluation['rules'] if r['rule'] == name]
    return found['status']


def labels(evaluation, key):
    return [s[key] for s in evaluation['sessions']]


# ---------------------------------------------------------------- server kind

@pytest.mark.parametrize('result, kind', [
    ({'server_kind': 'samba'}, 'samba'),
    ({'server_kind': 'windows', 'idle_time_reliable': False, 'level': 1}, 'windows'),   # given wins
    ({'level': 1, 'idle_time_reliable': False}, 'samba'),   # the audit's Samba answer before server_kind
    ({'level': 0, 'idle_time_reliable': False}, None),      # level 0: nothing known
    ({'level': 1, 'idle_time_reliable': None}, None),       # level 1 asked for
    ({'level': 502}, 'windows'),                            # a result without the key is judged as before
])
def test_server_kind_of_a_result(result, kind):
    assert result_server_kind(result) == kind


# ---------------------------------------------------------------- anonymous (defect 5)

def test_a_samba_null_logon_is_anonymous_though_listed_as_the_guest_account():
    """Samba lists a null (anonymous) logon as its guest account with the guest flag: '' must
    catch it, and '*' (any named account) must not let it through."""
    nobody = at(1, '10.0.0.5', 'nobody', flags=1)
    alice = at(1, '10.0.0.6', 'alice')
    ev = evaluate(load_policy({'forbidden_users': ['']}), samba(nobody, alice))
    assert status(ev, 'forbidden_users') == 'violation'
    assert [f['session']['username'] for f in ev['findings']] == ['nobody']
    assert '(anonymous)' in ev['findings'][0]['message']
    assert labels(ev, 'anonymous') == [True, False]
    ev = evaluate(load_policy({'allowed_users': ['*']}), samba(nobody, alice))
    assert [f['session']['username'] for f in ev['findings']] == ['nobody']
    ev = evaluate(load_policy({'allowed_users': ['*', '']}), samba(nobody, alice))
    assert status(ev, 'allowed_users') == 'pass'


def test_a_windows_guest_is_a_named_guest_not_anonymous():
    guest = at(502, '10.0.0.5', 'Guest', flags=1)
    ev = evaluate(load_policy({'forbidden_users': ['']}), windows(guest))
    assert status(ev, 'forbidden_users') == 'pass' and labels(ev, 'anonymous') == [False]
    ev = evaluate(load_policy({'forbidden_users': ['guest'], 'deny_guest': True}), windows(guest))
    assert status(ev, 'forbidden_users') == 'violation' and status(ev, 'deny_guest') == 'violation'


@pytest.mark.parametrize('user', ['', 'ANONYMOUS LOGON', 'NT AUTHORITY\\ANONYMOUS LOGON'])
def test_a_windows_null_session_is_anonymous(user):
    ev = evaluate(load_policy({'forbidden_users': ['']}), windows(at(502, '10.0.0.5', user)))
    assert status(ev, 'forbidden_users') == 'violation' and labels(ev, 'anonymous') == [True]


def test_on_an_unknown_kind_the_guest_flag_counts_as_anonymous():
    """Level 1 asked for: it may be Samba, so a guest-flag session may be a null logon; a
    compliance report must not pass what may be an anonymous session."""
    ev = evaluate(load_policy({'forbidden_users': ['']}),
                  samba(at(1, '10.0.0.5', 'nobody', flags=1), server_kind=None, idle_time_reliable=None))
    assert status(ev, 'forbidden_users') == 'violation'


def test_anonymous_sessions_of_samba_count_as_one_user():
    ev = evaluate(load_policy({'max_sessions_per_user': 1}),
                  samba(at(1, '10.0.0.5', 'nobody', flags=1), at(1, '10.0.0.6', '', age=50)))
    assert [f['session']['username'] for f in ev['findings']] == ['']
    assert ev['findings'][0]['observed'] == 2


def test_level_0_knows_no_user_so_nothing_is_labelled_anonymous():
    ev = evaluate(load_policy({'allowed_clients': ['10.0.0.0/8']}),
                  samba(at(0, '10.0.0.5', None), level=0, server_kind=None))
    assert labels(ev, 'anonymous') == [None]


# ---------------------------------------------------------------- logons in progress (defect 5)

def test_a_samba_logon_in_progress_is_labelled_and_not_judged():
    """Samba lists a session whose logon has not finished with user ''; on a busy server there
    always are some: judging them gave random violations."""
    young = at(1, '192.0.2.9', '', age=0)
    ev = evaluate(load_policy({'forbidden_users': [''], 'allowed_clients': ['10.0.0.0/8'],
                               'max_sessions_per_server': 0}), samba(young))
    assert ev['findings'] == []
    assert [status(ev, r) for r in ('forbidden_users', 'allowed_clients', 'max_sessions_per_server')] == ['pass'] * 3
    (entry,) = ev['sessions']
    assert entry['logon_in_progress'] is True and entry['judged'] is False
    assert 'logon in progress' in entry['not_judged_reason']
    assert ev['session_count'] == 1 and ev['judged_count'] == 0


@pytest.mark.parametrize('age, judged', [
    (0, False), (LOGON_GRACE_SECONDS - 1, False), (LOGON_GRACE_SECONDS, True), (3600, True)])
def test_a_half_open_logon_that_persists_is_judged_as_anonymous(age, judged):
    ev = evaluate(load_policy({'forbidden_users': ['']}), samba(at(1, '10.0.0.5', '', age=age)))
    assert status(ev, 'forbidden_users') == ('violation' if judged else 'pass')
    assert labels(ev, 'logon_in_progress') == [True] and labels(ev, 'judged') == [judged]


def test_the_grace_is_an_option():
    ev = evaluate(load_policy({'forbidden_users': ['']}), samba(at(1, '10.0.0.5', '', age=3)),
                  logon_grace_seconds=2)
    assert status(ev, 'forbidden_users') == 'violation'


def test_an_empty_user_on_windows_is_a_null_session_judged_at_once():
    ev = evaluate(load_policy({'forbidden_users': ['']}), windows(at(502, '10.0.0.5', '', age=0)))
    assert status(ev, 'forbidden_users') == 'violation'
    assert labels(ev, 'logon_in_progress') == [False]


# ---------------------------------------------------------------- the audit's own session (defect 6)

def test_the_audits_own_session_is_labelled_and_not_judged_by_default():
    """A CI runner outside allowed_clients failed every server forever."""
    own = at(1, '192.0.2.50', 'svc-audit', own_session=True)
    other = at(1, '192.0.2.50', 'mallory')
    policy = load_policy({'allowed_clients': ['10.0.0.0/8'], 'max_sessions_per_server': 1})
    ev = evaluate(policy, samba(own, other))
    assert [f['session']['username'] for f in ev['findings']] == ['mallory']
    assert status(ev, 'max_sessions_per_server') == 'pass'   # the audit's own session is not counted
    assert labels(ev, 'own_session') == [True, False]
    assert labels(ev, 'judged') == [False, True]
    assert ev['sessions'][0]['not_judged_reason'].startswith("the audit's own session")


def test_the_audits_own_session_can_be_judged():
    own = at(1, '192.0.2.50', 'svc-audit', own_session=True)
    ev = evaluate(load_policy({'allowed_clients': ['10.0.0.0/8']}), samba(own), judge_own_session=True)
    assert [f['session']['username'] for f in ev['findings']] == ['svc-audit']
    assert labels(ev, 'own_session') == [True] and labels(ev, 'judged') == [True]


def test_a_session_without_the_label_is_not_the_audits():
    ev = evaluate(load_policy({'allowed_clients': ['10.0.0.0/8']}), windows(at(502, '192.0.2.50', 'x')))
    assert labels(ev, 'own_session') == [False]


# ---------------------------------------------------------------- cleartext password on Samba (defect 8)

def test_deny_cleartext_password_is_not_evaluable_on_samba():
    """Samba's level-1 user_flags carries only the guest bit: a pass would claim what it did not see."""
    ev = evaluate(load_policy({'deny_cleartext_password': True, 'deny_guest': True}),
                  samba(at(1, '10.0.0.5', 'alice')))
    assert status(ev, 'deny_cleartext_password') == 'not_evaluable'
    assert 'Samba' in [r for r in ev['rules'] if r['rule'] == 'deny_cleartext_password'][0]['reason']
    assert status(ev, 'deny_guest') == 'pass'


def test_deny_cleartext_password_is_not_evaluable_when_the_kind_is_unknown_at_level_1():
    ev = evaluate(load_policy({'deny_cleartext_password': True}),
                  samba(at(1, '10.0.0.5', 'alice'), server_kind=None, idle_time_reliable=None))
    assert status(ev, 'deny_cleartext_password') == 'not_evaluable'


def test_deny_cleartext_password_is_judged_on_windows():
    ev = evaluate(load_policy({'deny_cleartext_password': True}), windows(at(502, '10.0.0.5', 'alice', flags=2)))
    assert status(ev, 'deny_cleartext_password') == 'violation'
