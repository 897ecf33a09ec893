"""The fleet run between its modules (compliance_run.py): results from what the role gathered,
what enforcement closes and leaves alone, the verdict a CI job reads."""
import pytest

from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import (
    NO_WINDOWS_RESULT, UNKNOWN_KIND, assemble_results, enforcement_plan, enforcement_record, verdict,
    windows_result,
)
from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import evaluate, summarize

from contract_session import session


def opens(client, user, count, **extra):
    s = session(client, user, num_opens=count)
    s.update(extra)
    return s


def agentless(name, *sessions, **extra):
    data = {'server': name, 'address': '127.0.0.1', 'port': 4450, 'connection': 'agentless', 'level': 502,
            'error': None, 'sessions': list(sessions)}
    data.update(extra)
    return data


POLICY = load_policy({'max_open_files_per_session': 10, 'forbidden_users': ['carol'], 'max_sessions_per_server': 5})


def plan_for(*results, **options):
    policy = options.pop('policy', POLICY)
    evaluations = [evaluate(policy, r) for r in results]
    for ev, r in zip(evaluations, results):
        ev.update(address=r.get('address'), port=r.get('port'), connection=r.get('connection'),
                  duplicate_of=r.get('duplicate_of'))
    return enforcement_plan(evaluations, **options)


# ---------------------------------------------------------------- mixed pairs (defect 7)

def test_a_pair_that_also_holds_a_compliant_session_is_left_alone_by_default():
    """A close by (client, user) ends every session of the pair: closing bob's hoarding session
    would also end his compliant one."""
    plan = plan_for(agentless('fs1', opens('10.0.0.5', 'bob', 50), opens('10.0.0.5', 'BOB', 1),
                              opens('10.0.0.6', 'carol', 1)))
    assert [(c['client'], c['username'], c['mixed']) for c in plan['agentless']] == [('10.0.0.6', 'carol', False)]
    (alone,) = [a for a in plan['left_alone'] if a['username'] == 'bob']
    assert alone['rules'] == ['max_open_files_per_session']
    assert 'also holds 1 compliant session' in alone['reason'] and 'enforce_mixed_pairs' in alone['reason']


def test_closing_mixed_pairs_is_an_explicit_opt_in():
    plan = plan_for(agentless('fs1', opens('10.0.0.5', 'bob', 50), opens('10.0.0.5', 'bob', 1)),
                    close_mixed_pairs=True)
    assert [(c['name'], c['server'], c['port'], c['client'], c['username'], c['mixed']) for c in plan['agentless']] == [
        ('fs1', '127.0.0.1', 4450, '10.0.0.5', 'bob', True)]
    assert [a for a in plan['left_alone'] if a['username'] == 'bob'] == []


def test_closes_are_planned_in_client_then_user_order_whatever_order_the_server_lists():
    """Samba lists sessions in the order its processes run: enforce.json and the close calls
    must read the same every night (a real-Samba run listed erin before carol once)."""
    listed = [opens('10.0.0.7', 'Erin', 50), opens('10.0.0.6', 'carol', 1), opens('10.0.0.6', 'alice', 50),
              opens('10.0.0.10', 'dave', 50)]
    for order in (listed, list(reversed(listed))):
        plan = plan_for(agentless('fs1', *order))
        assert [(c['client'], c['username']) for c in plan['agentless']] == [
            ('10.0.0.10', 'dave'), ('10.0.0.6', 'alice'), ('10.0.0.6', 'carol'), ('10.0.0.7', 'Erin')]


def test_a_pair_whose_every_session_violates_is_closed():
    plan = plan_for(agentless('fs1', opens('10.0.0.5', 'bob', 50), opens('10.0.0.5', 'bob', 11)))
    assert [(c['username'], c['rules'], c['mixed']) for c in plan['agentless']] == [
        ('bob', ['max_open_files_per_session'], False)]


def test_the_audits_own_session_does_not_make_a_pair_mixed():
    """The close modules protect their own session; it is no compliant session a close would end."""
    own = opens('10.0.0.5', 'bob', 1, own_session=True)
    plan = plan_for(agentless('fs1', opens('10.0.0.5', 'bob', 50), own))
    assert [c['username'] for c in plan['agentless']] == ['bob']


def test_violators_left_alone_say_why():
    plan = plan_for(
        agentless('fs1', opens('', 'carol', 1), opens('10.0.0.7', '', 50), opens('10.0.0.8', 'eve', 1),
                  opens('10.0.0.8', 'eve', 1), *[opens('10.0.0.9', 'u%d' % i, 1) for i in range(3)]),
        agentless('down', error='refused', sessions=[]),
        agentless('alias', duplicate_of='fs1', sessions=[]),
        policy=load_policy({'max_open_files_per_session': 10, 'forbidden_users': ['carol'],
                            'max_sessions_per_server': 5, 'max_sessions_per_user': 1}))
    reasons = dict(((a['server'], a['client'], a['username'], tuple(a['rules'])), a['reason'])
                   for a in plan['left_alone'])
    assert 'no client name' in reasons[('fs1', '', 'carol', ('forbidden_users',))]
    assert 'null session' in reasons[('fs1', '10.0.0.7', '', ('max_open_files_per_session',))]
    assert 'names no single session' in reasons[('fs1', None, 'eve', ('max_sessions_per_user',))]
    assert 'names no single session' in reasons[('fs1', None, None, ('max_sessions_per_server',))]
    assert plan['agentless'] == [] and plan['windows'] == []
    assert not [a for a in plan['left_alone'] if a['server'] in ('down', 'alias')]


def test_windows_pairs_are_closed_on_their_host():
    plan = plan_for({'server': 'win01', 'connection': 'windows', 'level': 502, 'error': None,
                     'sessions': [opens('10.0.0.5', 'carol', 1)]})
    assert plan['windows'] == [{'host': 'win01', 'client': '10.0.0.5', 'username': 'carol',
                                'rules': ['forbidden_users'], 'mixed': False}]


def test_a_result_without_a_way_to_reach_the_server_is_left_alone():
    plan = plan_for({'server': 'x', 'level': 502, 'error': None, 'sessions': [opens('10.0.0.5', 'carol', 1)]})
    assert plan['agentless'] == [] and 'not known how to reach' in plan['left_alone'][0]['reason']


def test_the_record_lists_every_close_and_every_violator_left_alone():
    agentless_closes = {'results': [
        {'item': {'name': 'fs1', 'client': '10.0.0.5', 'username': 'bob', 'rules': ['forbidden_users'], 'mixed': True},
         'changed': True, 'closed_sessions': [{'username': 'bob'}], 'skipped_sessions': []},
        {'item': {'name': 'fs2', 'client': '10.0.0.6', 'username': 'eve'}, 'failed': True, 'msg': 'denied'},
    ]}
    windows_closes = {'results': [{'item': {'host': 'win01', 'client': '10.0.0.7', 'username': 'x'},
                                   'unreachable': True, 'msg': 'gone'}, {'skipped': True}]}
    record = enforcement_record(agentless_closes, windows_closes, [{'server': 'fs1', 'reason': 'r'}], True, False)
    assert record['check_mode'] is True and record['mixed_pairs_closed'] is False
    assert [(c['server'], c['changed'], c['failed'], c['mixed']) for c in record['closes']] == [
        ('fs1', True, False, True), ('fs2', False, True, False), ('win01', False, True, False)]
    assert record['left_alone'] == [{'server': 'fs1', 'reason': 'r'}]
    assert enforcement_record({'skipped': True}, None, [], False, True)['closes'] == []


# ---------------------------------------------------------------- results

def test_assembled_results_name_every_planned_server_once():
    plan = {'agentless': [{'name': 'fs1', 'server': '10.0.0.1', 'port': 445},
                          {'name': 'fs1-alias', 'server': '10.0.0.1', 'port': 445},
                          {'name': 'lost', 'server': '10.0.0.3', 'port': 445}],
            'windows': ['win01', 'win02', 'win03', 'win04'],
            'not_audited': [{'name': 'printer01'}]}
    audit = {'servers': [
        {'name': 'fs1', 'server': '10.0.0.1', 'port': 445, 'level': 1, 'sessions': [], 'error': None,
         'server_kind': 'samba', 'idle_time_reliable': False},
        {'name': 'fs1-alias', 'server': '10.0.0.1', 'port': 445, 'level': None, 'sessions': [], 'error': None,
         'duplicate_of': 'fs1'}]}
    windows = [{'level': 502, 'sessions': [session('10.0.0.9')]}, {'failed': True, 'msg': 'WinRM said no'},
               {'unreachable': True, 'msg': 'port 5985 closed'}]
    results = assemble_results(plan, audit, windows)
    by_name = dict((r['server'], r) for r in results)
    assert [r['server'] for r in results] == ['fs1', 'fs1-alias', 'lost', 'win01', 'win02', 'win03', 'win04',
                                              'printer01']
    fs1 = by_name['fs1']
    assert (fs1['address'], fs1['port'], fs1['connection']) == ('10.0.0.1', 445, 'agentless')
    assert by_name['fs1-alias']['duplicate_of'] == 'fs1'
    assert by_name['lost']['error'] == 'smb_session_audit failed: no result for this server'
    assert by_name['win01']['server_kind'] == 'windows' and by_name['win01']['error'] is None
    assert by_name['win02']['error'] == 'WinRM said no'
    assert by_name['win03']['error'] == 'unreachable: port 5985 closed'
    assert by_name['win04']['error'] == NO_WINDOWS_RESULT
    assert by_name['printer01']['error'] == UNKNOWN_KIND


def test_a_failed_audit_task_is_every_agentless_servers_error():
    plan = {'agentless': [{'name': 'a', 'server': 'a', 'port': 445}, {'name': 'b', 'server': 'b', 'port': 445}]}
    results = assemble_results(plan, {'failed': True, 'msg': 'smbprotocol is missing'}, [])
    assert [r['error'] for r in results] == ['smb_session_audit failed: smbprotocol is missing'] * 2


@pytest.mark.parametrize('registered', [None, {'skipped': True}, 'garbage'])
def test_a_windows_host_without_a_listing_is_an_error(registered):
    assert windows_result('w', registered)['error'] == NO_WINDOWS_RESULT


# ---------------------------------------------------------------- verdict

def _summary(**counts):
    base = {'servers': 3, 'servers_with_violations': 0, 'violations': 0, 'not_evaluable': 0, 'errors': 0}
    base.update(counts)
    return base


@pytest.mark.parametrize('counts, options, failing', [
    ({}, {}, []),
    ({'violations': 2, 'servers_with_violations': 1}, {}, ['violation']),
    ({'errors': 1}, {}, ['not-audited']),
    ({'errors': 1}, {'fail_on_error': False}, []),
    ({'violations': 2}, {'fail_on_violation': False}, []),
    ({'not_evaluable': 3}, {}, []),
    ({'not_evaluable': 3}, {'fail_on_not_evaluable': True}, ['not-evaluable']),
    ({'violations': 2, 'new': 0, 'persisting': 2}, {'fail_on_new_only': True}, []),
    ({'violations': 2, 'new': 1, 'persisting': 1}, {'fail_on_new_only': True}, ['violation']),
    ({'violations': 2}, {'fail_on_new_only': True}, ['violation']),   # no previous report: every finding is new
    ({'violations': 1, 'errors': 1, 'not_evaluable': 1}, {'fail_on_not_evaluable': True, 'enforcement_failures': 2},
     ['violation', 'not-audited', 'not-evaluable', 'enforcement-failed']),
])
def test_each_outcome_is_named_first_in_the_message(counts, options, failing):
    result = verdict(_summary(**counts), '/r', **options)
    assert result['outcomes'] == failing and result['fail'] is bool(failing)
    assert result['message'].startswith('SMB session compliance [%s]: ' % (', '.join(failing) or 'pass'))
    assert result['message'].endswith('Reports in /r (report.html, junit.xml).')


def test_the_message_counts_what_happened():
    summary = summarize([])
    summary.update(violations=3, servers_with_violations=2, errors=1, not_evaluable=2, waived=1, duplicates=1,
                   new=1, persisting=2, resolved=4)
    message = verdict(summary, '/r', enforcement_failures=1)['message']
    assert ('3 violations on 2 servers (1 new, 2 persisting; 4 resolved); 1 finding waived; 1 server not audited; '
            '2 rule results not evaluable; 1 duplicate listed under another name; 1 close failed') in message


def test_a_failed_close_fails_the_run_and_says_so():
    from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import with_enforcement
    base = verdict(_summary(violations=1, servers_with_violations=1), '/r')
    record = {'closes': [{'failed': True}, {'failed': False}]}
    result = with_enforcement(base, record)
    assert result['outcomes'] == ['violation', 'enforcement-failed'] and result['fail'] is True
    assert result['message'].startswith('SMB session compliance [violation, enforcement-failed]: 1 violation on 1 server;')
    assert '; 1 close failed (enforce.json). Reports in /r (report.html, junit.xml).' in result['message']
    assert with_enforcement(base, {'closes': [{'failed': False}]}) == base
    passing = with_enforcement(verdict(_summary(), '/r'), record)
    assert passing['outcomes'] == ['enforcement-failed']
    assert passing['message'].startswith('SMB session compliance [enforcement-failed]: 0 violations on 0 servers')
