"""Policy waivers (docs/policy.md, "Waivers"): validated like the rest of the policy; a waived
finding is reported as waived, never dropped; an expired waiver is a violation that says so."""
import datetime

import pytest
import yaml

from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import PolicyError, evaluate, summarize

from contract_session import session

TODAY = datetime.date(2026, 6, 15)
BASE = {'forbidden_users': ['carol', ''], 'allowed_clients': ['10.0.0.0/8'], 'max_sessions_per_server': 2}


def waive(**entry):
    entry.setdefault('rule', 'forbidden_users')
    entry.setdefault('justification', 'migration CHG-1234')
    entry.setdefault('expires', '2026-06-30')
    data = dict(BASE)
    data['waivers'] = [entry]
    return data


def judge(policy_data, *sessions, **extra):
    result = {'server': extra.pop('server', 'fs01'), 'level': 502, 'error': None, 'sessions': list(sessions)}
    result.update(extra)
    return evaluate(load_policy(policy_data), result, today=extra.pop('today', TODAY))


def statuses(ev):
    return dict((r['rule'], r['status']) for r in ev['rules'])


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize('waivers, message', [
    ('x', 'waivers must be a list of waiver entries'),
    (['x'], 'waivers[0] must be a mapping with rule, justification and expires'),
    ([{'rule': 'forbidden_users', 'justification': 'j', 'expires': '2026-01-01', 'host': 'x'}],
     'waivers[0] has unknown key(s) host; known keys: rule, server, user, client, path, justification, expires'),
    ([{'justification': 'j', 'expires': '2026-01-01'}], 'waivers[0] needs rule'),
    ([{'rule': 'forbidden_users', 'expires': '2026-01-01'}], 'waivers[0] needs justification'),
    ([{'rule': 'forbidden_users', 'justification': 'j'}], 'waivers[0] needs expires'),
    ([{'rule': 'forbidden_users', 'justification': '  ', 'expires': '2026-01-01'}],
     'waivers[0] justification must be a non-empty string'),
    ([{'rule': 'max_idle_seconds', 'justification': 'j', 'expires': '2026-01-01'}],
     "waivers[0] waives rule 'max_idle_seconds', which the policy does not set"),
    ([{'rule': 'forbiden_users', 'justification': 'j', 'expires': '2026-01-01'}],
     "waivers[0] waives rule 'forbiden_users'"),
    ([{'rule': 'forbidden_users', 'justification': 'j', 'expires': '2026-02-30'}],
     'waivers[0] expires must be a date written YYYY-MM-DD'),
    ([{'rule': 'forbidden_users', 'justification': 'j', 'expires': 'next week'}],
     "waivers[0] expires must be a date written YYYY-MM-DD (the last day the waiver applies), got 'next week'"),
    ([{'rule': 'forbidden_users', 'justification': 'j', 'expires': '2026-01-01', 'server': ['']}],
     'waivers[0] server entries must not be empty'),
    ([{'rule': 'forbidden_users', 'justification': 'j', 'expires': '2026-01-01', 'server': []}],
     'waivers[0] server must be a string or a non-empty list of strings'),
    ([{'rule': 'forbidden_users', 'justification': 'j', 'expires': '2026-01-01', 'user': 'CORP\\'}],
     "waivers[0] user entry 'CORP\\\\' has an empty account part"),
    ([{'rule': 'forbidden_users', 'justification': 'j', 'expires': '2026-01-01', 'client': '10.0.0.0/255.0.0.0'}],
     "waivers[0] client '10.0.0.0/255.0.0.0' is not a valid network"),
])
def test_invalid_waivers_name_the_entry_and_the_problem(waivers, message):
    data = dict(BASE)
    data['waivers'] = waivers
    with pytest.raises(PolicyError) as err:
        load_policy(data)
    assert message in str(err.value)


def test_yaml_dates_and_lists_are_accepted_and_round_trip():
    policy = load_policy(yaml.safe_load('''
forbidden_users: [carol]
max_sessions_per_server: 3
waivers:
  - rule: [forbidden_users, max_sessions_per_server]
    server: fs-*
    user: CORP\\carol
    client: [10.0.0.0/8, jump01]
    justification: " agreed "
    expires: 2026-12-31
'''))
    (waiver,) = policy.waivers
    assert waiver.expires == datetime.date(2026, 12, 31)
    data = policy.to_dict()
    assert data['waivers'] == [{'rule': ['forbidden_users', 'max_sessions_per_server'], 'server': ['fs-*'],
                                'user': ['CORP\\carol'], 'client': ['10.0.0.0/8', 'jump01'],
                                'justification': 'agreed', 'expires': '2026-12-31'}]
    assert load_policy(data).to_dict() == data   # the plan hands the report module the normalised policy


# ---------------------------------------------------------------- applying

def test_a_waived_finding_is_reported_as_waived_never_dropped():
    ev = judge(waive(user='carol'), session('10.0.0.5', 'carol'), session('10.0.0.6', 'dave'))
    (finding,) = ev['findings']
    assert finding['waiver_status'] == 'active'
    assert finding['waiver'] == {'index': 0, 'justification': 'migration CHG-1234', 'expires': '2026-06-30'}
    assert statuses(ev)['forbidden_users'] == 'waived'
    rule = [r for r in ev['rules'] if r['rule'] == 'forbidden_users'][0]
    assert rule['reason'] == 'waived until 2026-06-30: migration CHG-1234'
    assert [(s['violations'], s['waived']) for s in ev['sessions']] == [([], ['forbidden_users']), ([], [])]
    summary = summarize([ev])
    assert (summary['violations'], summary['waived'], summary['verdict']) == (0, 1, 'pass')


@pytest.mark.parametrize('today, status', [
    (datetime.date(2026, 6, 30), 'waived'),       # the last day it applies
    (datetime.date(2026, 7, 1), 'violation'),
])
def test_an_expired_waiver_is_a_violation_that_says_so(today, status):
    ev = judge(waive(), session('10.0.0.5', 'carol'), today=today)
    assert statuses(ev)['forbidden_users'] == status
    if status == 'violation':
        (finding,) = ev['findings']
        assert finding['waiver_status'] == 'expired'
        assert finding['message'].endswith('; waivers[0] expired on 2026-06-30 (migration CHG-1234)')
        assert summarize([ev])['violations'] == 1


def test_only_the_findings_a_waiver_matches_are_waived():
    ev = judge(waive(user='carol', server='FS0?', client='10.0.0.0/24'),
               session('10.0.0.5', 'carol'), session('10.0.1.5', 'carol'), session('10.0.0.6', 'CORP\\Carol'))
    assert [f['waiver_status'] for f in ev['findings'] if f['rule'] == 'forbidden_users'] == ['active', None, 'active']
    assert statuses(ev)['forbidden_users'] == 'violation'
    ev = judge(waive(server='other*'), session('10.0.0.5', 'carol'))
    assert statuses(ev)['forbidden_users'] == 'violation'


def test_an_anonymous_waiver_names_anonymous_sessions_only():
    ev = judge(waive(user=''), session('10.0.0.5', ''), session('10.0.0.6', 'carol'))
    assert [(f['session']['username'], f['waiver_status']) for f in ev['findings']] == [('', 'active'), ('carol', None)]
    ev = judge(waive(user='*'), session('10.0.0.5', ''))
    assert ev['findings'][0]['waiver_status'] is None


def test_a_server_wide_finding_is_waived_by_server_not_by_user_or_client():
    three = [session('10.0.0.%d' % i, 'u%d' % i) for i in range(3)]
    ev = judge(waive(rule='max_sessions_per_server', server='fs01'), *three)
    assert statuses(ev)['max_sessions_per_server'] == 'waived'
    ev = judge(waive(rule='max_sessions_per_server', user='u1'), *three)
    assert statuses(ev)['max_sessions_per_server'] == 'violation'
    ev = judge(waive(rule='max_sessions_per_server', client='10.0.0.0/8'), *three)
    assert statuses(ev)['max_sessions_per_server'] == 'violation'


def test_an_active_waiver_wins_over_an_expired_one_whatever_the_order():
    data = waive(expires='2026-01-01')
    data['waivers'].append({'rule': 'forbidden_users', 'justification': 'renewed', 'expires': '2026-12-31'})
    ev = judge(data, session('10.0.0.5', 'carol'))
    assert ev['findings'][0]['waiver'] == {'index': 1, 'justification': 'renewed', 'expires': '2026-12-31'}


def test_a_waiver_client_host_name_matches_what_it_resolves_to():
    data = waive(rule='allowed_clients', client='jump01')
    result = {'server': 'fs01', 'level': 502, 'error': None, 'sessions': [session('192.0.2.5', 'dave')]}
    from ansible_collections.lanman.smb.plugins.module_utils.session_policy import evaluate_all
    (ev,) = evaluate_all(load_policy(data), [result], resolver=lambda name: ['192.0.2.5'] if name == 'jump01' else [],
                         today=TODAY)
    assert statuses(ev)['allowed_clients'] == 'waived'
