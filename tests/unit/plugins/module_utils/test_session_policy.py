"""Compliance policy rules (docs/policy.md): validation, every rule, the not-evaluable paths."""
import pytest

from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import (
    KNOWN_KEYS, LEVEL_FIELDS, RULES, PolicyError, evaluate, evaluate_all, summarize,
)

from contract_session import session


def result(sessions, level=502, server='fs01', error=None, **extra):
    data = {'server': server, 'level': level, 'sessions': sessions, 'error': error}
    data.update(extra)
    return data


def run(policy_data, sessions, level=502, resolver=None, **extra):
    return evaluate(load_policy(policy_data), result(sessions, level, **extra), resolver=resolver)


def rule(evaluation, name):
    (found,) = [r for r in evaluation['rules'] if r['rule'] == name]
    return found


def violators(evaluation, name):
    return [(f['session']['client'], f['session']['username'])
            for f in rule(evaluation, name)['findings']]


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize('data, message', [
    ({'max_idle': 5}, "policy key 'max_idle' is unknown (did you mean 'max_idle_seconds'?); "
                      "known keys: name, description, allowed_clients"),
    ({'colour': 'red'}, "policy key 'colour' is unknown; known keys: name,"),
    ({'max_idle_seconds': '1h'}, "max_idle_seconds must be an integer >= 0, got '1h'"),
    ({'max_idle_seconds': -1}, 'max_idle_seconds must be an integer >= 0, got -1'),
    ({'max_idle_seconds': 1.5}, 'max_idle_seconds must be an integer >= 0, got 1.5'),
    ({'max_sessions_per_user': True}, 'max_sessions_per_user must be an integer >= 0, got True'),
    ({'max_sessions_per_server': [3]}, 'max_sessions_per_server must be an integer >= 0, got [3]'),
    ({'max_open_files_per_session': '-3'}, "max_open_files_per_session must be an integer >= 0, got '-3'"),
    ({'deny_guest': 'maybe'}, "deny_guest must be true or false, got 'maybe'"),
    ({'deny_cleartext_password': 1}, 'deny_cleartext_password must be true or false, got 1'),
    ({'allowed_clients': '10.0.0.0/8'}, "allowed_clients must be a list of strings, got '10.0.0.0/8'"),
    ({'allowed_clients': [10]}, 'allowed_clients entries must be strings, got 10'),
    ({'allowed_clients': []}, 'allowed_clients is an empty list, which would allow nothing'),
    ({'allowed_users': []}, 'allowed_users is an empty list, which would allow nothing'),
    # Networks as the modules' client option reads them (test_session_policy_client_rules.py).
    ({'allowed_clients': ['10.1.0.0/255.255.0.0']}, "allowed_clients '10.1.0.0/255.255.0.0' is not a valid network"),
    ({'allowed_clients': ['10.1.0.0/33']}, "allowed_clients '10.1.0.0/33' is not a valid network"),
    ({'allowed_clients': ['10.0.0.256']}, "allowed_clients entry '10.0.0.256' looks like an IPv4 address but is not one"),
    ({'allowed_clients': ['web*']}, "allowed_clients entry 'web*' is not an IP address, a CIDR network"),
    ({'allowed_clients': ['  ']}, 'allowed_clients entries must not be empty'),
    ({'forbidden_users': ['CORP\\bob@corp']}, "forbidden_users entry 'CORP\\\\bob@corp' is not USER, DOMAIN\\USER or USER@DOMAIN"),
    ({'forbidden_users': ['a\\b\\c']}, 'is not USER, DOMAIN\\USER or USER@DOMAIN'),
    ({'allowed_users': ['bob@']}, "allowed_users entry 'bob@' has an empty domain part"),
    ({'allowed_users': ['CORP\\']}, "allowed_users entry 'CORP\\\\' has an empty account part"),
    ({'name': 5, 'deny_guest': True}, 'name must be a string, got 5'),
    ({}, 'the policy sets no rule'),
    ({'deny_guest': False, 'forbidden_users': []}, 'the policy sets no rule'),
    (['deny_guest'], 'a policy must be a mapping of keys to values, got list'),
])
def test_invalid_policy_names_key_value_and_form(data, message):
    with pytest.raises(PolicyError) as err:
        load_policy(data)
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_unknown_key_lists_every_known_key():
    with pytest.raises(PolicyError) as err:
        load_policy({'deny_guest': True, 'max_idle': 5})
    for key in KNOWN_KEYS:
        assert key in str(err.value)


def test_valid_policy_normalises_values_and_keeps_rule_order():
    policy = load_policy({
        'name': 'nightly', 'description': 'd', 'max_idle_seconds': '3600',
        'deny_guest': 'yes', 'deny_cleartext_password': False, 'allowed_users': [' alice '],
        'forbidden_users': None, 'max_sessions_per_user': 0,
    })
    assert list(policy.rules) == ['allowed_users', 'deny_guest', 'max_idle_seconds',
                                  'max_sessions_per_user']
    assert policy.to_dict() == {'name': 'nightly', 'description': 'd', 'allowed_users': ['alice'],
                                'deny_guest': True, 'max_idle_seconds': 3600,
                                'max_sessions_per_user': 0}


def test_every_rule_is_a_known_key():
    assert set(RULES) < set(KNOWN_KEYS)


# ---------------------------------------------------------------- result shape

def test_result_shape_lists_every_set_rule_and_every_finding():
    ev = run({'deny_guest': True, 'max_sessions_per_server': 5},
             [session('10.0.0.5', 'guest', flags=1), session('10.0.0.6')])
    assert set(ev) >= {'server', 'level', 'error', 'session_count', 'rules', 'findings'}
    assert (ev['server'], ev['level'], ev['error'], ev['session_count']) == ('fs01', 502, None, 2)
    assert [(r['rule'], r['status']) for r in ev['rules']] == [
        ('deny_guest', 'violation'), ('max_sessions_per_server', 'pass')]
    (finding,) = ev['findings']
    assert finding == {
        'server': 'fs01', 'rule': 'deny_guest', 'session': {'client': '10.0.0.5', 'username': 'guest'},
        'observed': True, 'limit': True,
        'message': "fs01: guest from '10.0.0.5' is logged on as guest",
        'waiver_status': None, 'waiver': None,
    }
    assert [s['violations'] for s in ev['sessions']] == [['deny_guest'], []]


# ---------------------------------------------------------------- allowed_clients

CLIENTS = {'allowed_clients': ['10.1.0.0/16', 'fd00::/8', '192.0.2.7', 'fe80::1%3',
                               'FILESRV1', 'backup01.corp.example']}


@pytest.mark.parametrize('client, allowed', [
    ('10.1.200.3', True),
    ('10.2.0.1', False),
    ('::ffff:10.1.2.3', True),          # IPv4-mapped reported raw
    ('fd12:3456::1', True),             # IPv6 in a CIDR
    ('fe00::1', False),
    ('192.0.2.7', True),
    ('192.0.2.8', False),
    ('fe80::1', True),                  # zone missing on one side
    ('fe80::1%3', True),
    ('fe80::1%4', False),               # different zone
    ('filesrv1', True),                 # host name, case-insensitive
    ('FILESRV1.', True),                # trailing dot
    ('FILESRV2', False),
    ('BACKUP01.corp.example', True),
    ('backup01', False),                # short name is not the FQDN
])
def test_allowed_clients(client, allowed):
    ev = run(CLIENTS, [session(client)])
    assert rule(ev, 'allowed_clients')['status'] == ('pass' if allowed else 'violation')
    if not allowed:
        assert ev['findings'][0]['observed'] == client
        assert "is not in allowed_clients" in ev['findings'][0]['message']


def test_allowed_client_host_name_matches_its_resolved_addresses():
    calls = []

    def resolver(name):
        calls.append(name)
        return {'backup01.corp.example': ['10.9.0.4', 'FD00::4'], 'FILESRV1': []}[name]

    ev = run(CLIENTS, [session('10.9.0.4'), session('fd00:0::4'), session('10.9.0.5')],
             resolver=resolver)
    assert violators(ev, 'allowed_clients') == [('10.9.0.5', 'alice')]
    assert sorted(calls) == ['FILESRV1', 'backup01.corp.example']  # once per name


def test_without_resolver_a_host_name_allows_no_address():
    ev = run(CLIENTS, [session('10.9.0.4')])
    assert violators(ev, 'allowed_clients') == [('10.9.0.4', 'alice')]


def test_resolver_failure_means_no_addresses_not_a_crash():
    def resolver(name):
        raise OSError('name or service not known')
    ev = run(CLIENTS, [session('FILESRV1'), session('10.9.0.4')], resolver=resolver)
    assert violators(ev, 'allowed_clients') == [('10.9.0.4', 'alice')]


def test_ipv4_mapped_network_matches_plain_ipv4_client():
    ev = run({'allowed_clients': ['::ffff:10.0.0.0/112']}, [session('10.0.0.9'), session('10.1.0.9')])
    assert violators(ev, 'allowed_clients') == [('10.1.0.9', 'alice')]


def test_allowed_clients_is_judged_at_level_0():
    ev = run(CLIENTS, [session('10.2.0.1', level=0)], level=0)
    assert violators(ev, 'allowed_clients') == [('10.2.0.1', None)]


def test_session_without_client_name_is_not_judged_as_pass():
    ev = run(CLIENTS, [session('')])
    assert rule(ev, 'allowed_clients')['status'] == 'not_evaluable'
    assert rule(ev, 'allowed_clients')['reason'] == '1 of 1 sessions do not report the client name'


# ---------------------------------------------------------------- user patterns

@pytest.mark.parametrize('pattern, username, matches', [
    ('bob', 'bob', True),
    ('bob', 'BOB', True),
    ('CORP\\bob', 'bob', True),              # the API reports no domain: account part
    ('bob@corp.example', 'Bob', True),
    ('bob', 'CORP\\bob', True),              # no domain in the pattern: any domain
    ('CORP\\bob', 'corp\\BOB', True),
    ('CORP\\bob', 'OTHER\\bob', False),      # both have a domain: it must match
    ('CORP\\bob', 'bob@corp.example', True),  # NetBIOS vs DNS spelling of one domain
    ('bob@corp.example', 'CORP\\bob', True),
    ('bob@corp.example', 'OTHER\\bob', False),
    ('svc_*', 'SVC_backup', True),
    ('svc_*', 'backup_svc', False),
    ('b?b', 'bob', True),
    ('b?b', 'boob', False),
    ('*\\svc_*', 'CORP\\svc_x', True),
    ('[ab]ob', 'aob', False),                # brackets are literal
    ('[ab]ob', '[ab]ob', True),
    ('*$', 'FILESRV1$', True),               # machine account
    ('filesrv1', 'FILESRV1$', False),
    ('*', '', False),                        # a wildcard never names the null session
    ('*', 'ANONYMOUS LOGON', False),
    ('', '', True),
    ('', 'NT AUTHORITY\\ANONYMOUS LOGON', True),
    ('ANONYMOUS LOGON', '', True),
    ('', 'bob', False),
])
def test_forbidden_users_patterns(pattern, username, matches):
    ev = run({'forbidden_users': [pattern]}, [session('10.0.0.5', username)])
    assert rule(ev, 'forbidden_users')['status'] == ('violation' if matches else 'pass')
    if matches:
        assert ev['findings'][0]['limit'] == pattern
        assert ev['findings'][0]['observed'] == username


def test_two_sessions_alike_give_two_findings_a_reader_can_tell_apart():
    """One user from one client twice: the messages are numbered, so the report (and the JUnit
    failure text) does not show one finding twice; a lone session's message stays as it was."""
    sessions = [session('10.0.0.5', 'carol'), session('10.0.0.5', 'carol'), session('10.0.0.6', 'carol')]
    messages = [f['message'] for f in run({'forbidden_users': ['carol']}, sessions)['findings']]
    assert messages == [
        "fs01: carol from '10.0.0.5': user matches forbidden_users entry 'carol' (session 1 of 2 alike)",
        "fs01: carol from '10.0.0.5': user matches forbidden_users entry 'carol' (session 2 of 2 alike)",
        "fs01: carol from '10.0.0.6': user matches forbidden_users entry 'carol'",
    ]


def test_allowed_users_null_session_is_a_violation_unless_listed():
    sessions = [session('10.0.0.5', ''), session('10.0.0.6', 'alice'), session('10.0.0.7', 'ALICE$'),
                session('10.0.0.8', None)]  # null user at level 502 = null session (contract)
    ev = run({'allowed_users': ['*']}, sessions)
    assert violators(ev, 'allowed_users') == [('10.0.0.5', ''), ('10.0.0.8', None)]
    assert "(anonymous) from '10.0.0.5': user matches no allowed_users entry" in ev['findings'][0]['message']
    ev = run({'allowed_users': ['alice', '']}, sessions)
    assert violators(ev, 'allowed_users') == [('10.0.0.7', 'ALICE$')]


def test_user_rules_not_evaluable_at_level_0():
    ev = run({'forbidden_users': ['bob'], 'allowed_users': ['alice'], 'max_sessions_per_user': 1},
             [session('10.0.0.5', level=0), session('10.0.0.5', level=0)], level=0)
    for name in ('forbidden_users', 'allowed_users', 'max_sessions_per_user'):
        assert rule(ev, name)['status'] == 'not_evaluable'
        assert rule(ev, name)['reason'] == ('level 0 does not report the user name; list at '
                                            'level 1, 2, 10 or 502 to judge this rule')
    assert ev['findings'] == []


def test_level_0_not_evaluable_even_without_sessions():
    ev = run({'forbidden_users': ['bob']}, [], level=0)
    assert rule(ev, 'forbidden_users')['status'] == 'not_evaluable'


# ---------------------------------------------------------------- flags

@pytest.mark.parametrize('name, flags, violates', [
    ('deny_guest', 1, True), ('deny_guest', 2, False), ('deny_guest', 0, False),
    ('deny_cleartext_password', 2, True), ('deny_cleartext_password', 1, False),
    ('deny_cleartext_password', 3, True),
])
def test_flag_rules(name, flags, violates):
    ev = run({name: True}, [session('10.0.0.5', flags=flags)])
    assert rule(ev, name)['status'] == ('violation' if violates else 'pass')


@pytest.mark.parametrize('level', [0, 10])
def test_flag_rules_not_evaluable_at_levels_without_user_flags(level):
    ev = run({'deny_guest': True, 'deny_cleartext_password': True},
             [session('10.0.0.5', level=level)], level=level)
    assert rule(ev, 'deny_guest')['status'] == 'not_evaluable'
    assert rule(ev, 'deny_guest')['reason'].startswith('level %d does not report the guest flag' % level)
    assert rule(ev, 'deny_cleartext_password')['status'] == 'not_evaluable'


def test_deny_guest_false_sets_no_rule():
    ev = run({'deny_guest': False, 'max_sessions_per_server': 9}, [session('10.0.0.5', flags=1)])
    assert [r['rule'] for r in ev['rules']] == ['max_sessions_per_server']


# ---------------------------------------------------------------- limits

@pytest.mark.parametrize('idle, violates', [(3599, False), (3600, False), (3601, True)])
def test_max_idle_boundary(idle, violates):
    ev = run({'max_idle_seconds': 3600}, [session('10.0.0.5', idle=idle)])
    assert rule(ev, 'max_idle_seconds')['status'] == ('violation' if violates else 'pass')
    if violates:
        assert ev['findings'][0]['observed'] == 3601
        assert ev['findings'][0]['message'].endswith('has been idle 3601 s; the limit is 3600')


def test_max_idle_at_level_10_is_judged():
    ev = run({'max_idle_seconds': 10}, [session('10.0.0.5', idle=11, level=10)], level=10)
    assert rule(ev, 'max_idle_seconds')['status'] == 'violation'


def test_samba_idle_time_is_not_evaluable_never_pass():
    ev = run({'max_idle_seconds': 10}, [session('10.0.0.5', idle=0, level=1)], level=1,
             idle_time_reliable=False)
    assert rule(ev, 'max_idle_seconds')['status'] == 'not_evaluable'
    assert 'Samba reports 0' in rule(ev, 'max_idle_seconds')['reason']
    assert ev['findings'] == []


def test_unknown_idle_reliability_is_not_evaluable_never_pass():
    """smb_session_audit returns idle_time_reliable None when level 1 was asked for: it cannot
    tell Samba (idle always 0) from Windows then, so a 0 proves nothing. A result without the
    key (a hand-written or Windows result) is judged."""
    ev = run({'max_idle_seconds': 10}, [session('10.0.0.5', idle=0, level=1)], level=1,
             idle_time_reliable=None)
    assert rule(ev, 'max_idle_seconds')['status'] == 'not_evaluable'
    assert 'leave level unset' in rule(ev, 'max_idle_seconds')['reason']
    assert ev['idle_time_reliable'] is None
    ev = run({'max_idle_seconds': 10}, [session('10.0.0.5', idle=11, level=1)], level=1)
    assert rule(ev, 'max_idle_seconds')['status'] == 'violation' and ev['idle_time_reliable'] is True


def test_max_idle_not_evaluable_at_level_0():
    ev = run({'max_idle_seconds': 10}, [session('10.0.0.5', level=0)], level=0)
    assert rule(ev, 'max_idle_seconds')['status'] == 'not_evaluable'


@pytest.mark.parametrize('opens, violates', [(49, False), (50, False), (51, True)])
def test_max_open_files_boundary(opens, violates):
    ev = run({'max_open_files_per_session': 50}, [session('10.0.0.5', num_opens=opens)])
    assert rule(ev, 'max_open_files_per_session')['status'] == ('violation' if violates else 'pass')


def test_max_open_files_not_evaluable_at_level_10():
    ev = run({'max_open_files_per_session': 0}, [session('10.0.0.5', num_opens=9, level=10)], level=10)
    assert rule(ev, 'max_open_files_per_session')['status'] == 'not_evaluable'
    assert rule(ev, 'max_open_files_per_session')['reason'].startswith(
        'level 10 does not report the open file count')


def test_max_sessions_per_user_groups_by_account_case_insensitive():
    sessions = [session('10.0.0.1', 'alice'), session('10.0.0.2', 'ALICE'),
                session('10.0.0.3', 'CORP\\alice'), session('10.0.0.4', 'bob'),
                session('10.0.0.5', 'bob')]
    ev = run({'max_sessions_per_user': 2}, sessions)
    (finding,) = ev['findings']
    assert finding['session'] == {'client': None, 'username': 'alice'}
    assert (finding['observed'], finding['limit']) == (3, 2)
    assert [s['violations'] for s in ev['sessions']] == [['max_sessions_per_user']] * 3 + [[], []]


def test_max_sessions_per_user_counts_anonymous_sessions_together():
    sessions = [session('10.0.0.1', ''), session('10.0.0.2', 'ANONYMOUS LOGON')]
    ev = run({'max_sessions_per_user': 1}, sessions)
    (finding,) = ev['findings']
    assert finding['session'] == {'client': None, 'username': ''}
    assert '(anonymous) has 2 sessions; the limit is 1' in finding['message']


@pytest.mark.parametrize('count, violates', [(2, False), (3, True)])
def test_max_sessions_per_server_boundary(count, violates):
    ev = run({'max_sessions_per_server': 2}, [session('10.0.0.%d' % i) for i in range(count)])
    assert rule(ev, 'max_sessions_per_server')['status'] == ('violation' if violates else 'pass')
    if violates:
        assert ev['findings'][0]['session'] is None
        assert ev['findings'][0]['observed'] == 3


def test_limit_zero_flags_any_session():
    ev = run({'max_sessions_per_server': 0}, [session('10.0.0.1')])
    assert rule(ev, 'max_sessions_per_server')['status'] == 'violation'


def test_unknown_level_judges_what_sessions_report():
    # A listing whose level is not known: judge a field only where a session reports it.
    sessions = [session('10.0.0.1', num_opens=9), dict(session('10.0.0.2'), num_opens=None)]
    ev = run({'max_open_files_per_session': 5}, sessions, level=None)
    assert rule(ev, 'max_open_files_per_session')['status'] == 'violation'
    assert rule(ev, 'max_open_files_per_session')['reason'] == (
        '1 of 2 sessions do not report the open file count (num_opens)')
    ev = run({'max_open_files_per_session': 50}, sessions, level=None)
    assert rule(ev, 'max_open_files_per_session')['status'] == 'not_evaluable'


# ---------------------------------------------------------------- errors and summary

def test_server_error_marks_every_rule_error():
    policy = load_policy({'deny_guest': True, 'max_idle_seconds': 5})
    ev = evaluate(policy, {'server': 'fs09', 'level': None, 'sessions': [],
                           'error': 'access denied (5)'})
    assert [(r['rule'], r['status'], r['reason']) for r in ev['rules']] == [
        ('deny_guest', 'error', 'access denied (5)'), ('max_idle_seconds', 'error', 'access denied (5)')]
    assert ev['findings'] == [] and ev['session_count'] is None


def test_summarize_verdicts():
    policy = load_policy({'deny_guest': True, 'forbidden_users': ['bob']})
    ok = evaluate(policy, result([session('10.0.0.1')], server='a'))
    bad = evaluate(policy, result([session('10.0.0.1', 'bob', flags=1)], server='b'))
    err = evaluate(policy, result([], server='c', error='unreachable'))
    blind = evaluate(policy, result([session('10.0.0.1', level=0)], level=0, server='d'))
    assert summarize([ok, blind]) == {'servers': 2, 'servers_with_violations': 0, 'violations': 0,
                                      'not_evaluable': 2, 'errors': 0, 'waived': 0, 'duplicates': 0,
                                      'verdict': 'pass'}
    assert summarize([ok, err])['verdict'] == 'error'
    assert summarize([ok, bad, err, blind]) == {
        'servers': 4, 'servers_with_violations': 1, 'violations': 2, 'not_evaluable': 2,
        'errors': 1, 'waived': 0, 'duplicates': 0, 'verdict': 'fail'}
    assert summarize([]) == {'servers': 0, 'servers_with_violations': 0, 'violations': 0,
                             'not_evaluable': 0, 'errors': 0, 'waived': 0, 'duplicates': 0, 'verdict': 'pass'}


def test_the_policy_knows_every_information_level_of_the_client():
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import LEVELS
    assert sorted(LEVEL_FIELDS) == sorted(LEVELS)


@pytest.mark.parametrize('username, anonymous', [
    ('', True), ('  ', True), ('ANONYMOUS LOGON', True), ('nt authority\\Anonymous Logon', True),
    (None, False),            # a level without user names: unknown, not a null session
    ('bob', False), ('anonymous', False),
])
def test_is_anonymous(username, anonymous):
    from ansible_collections.lanman.smb.plugins.module_utils.session_policy import is_anonymous
    assert is_anonymous(username) is anonymous


def test_a_run_resolves_each_allowed_host_name_once_for_every_server():
    asked = []

    def resolver(name):
        asked.append(name)
        return ['10.0.0.5'] if name == 'ws01' else []

    policy = load_policy({'allowed_clients': ['ws01', 'gone.invalid']})
    evaluations = evaluate_all(policy, [result([session('10.0.0.5')], server=s) for s in ('a', 'b', 'c')],
                               resolver=resolver)
    assert sorted(asked) == ['gone.invalid', 'ws01']
    assert [rule(ev, 'allowed_clients')['status'] for ev in evaluations] == ['pass'] * 3
