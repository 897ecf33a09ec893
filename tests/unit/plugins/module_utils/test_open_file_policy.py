"""The open-file rules of the compliance policy (docs/policy.md, "Open files"): forbidden_open_paths
and max_open_files_per_user, judged on the open files of a server (docs/developer/open-files.md keys),
with the open-file modules' own path rules (open_file_rules.py)."""
import datetime

import pytest

from ansible_collections.lanman.smb.plugins.module_utils.compliance_change import compare
from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import enforcement_plan
from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import (
    KNOWN_KEYS, PolicyError, evaluate, summarize,
)

from contract_session import session

TODAY = datetime.date(2026, 12, 5)


def open_file(file_id, path, username='bob', client='10.0.0.5', clients=None):
    """An open file as the open-file info modules return it at level 3."""
    is_pipe = None if path is None else path.upper().startswith('\\PIPE\\')
    return {'id': file_id, 'path': path, 'username': username, 'permissions': ['read'],
            'permissions_mask': 1, 'num_locks': 0, 'is_pipe': is_pipe, 'client': client,
            'clients': clients if clients is not None else ([client] if client else [])}


def level2_file(file_id):
    return {'id': file_id, 'path': None, 'username': None, 'permissions': None, 'permissions_mask': None,
            'num_locks': None, 'is_pipe': None, 'client': None, 'clients': []}


def judge(policy_data, files, sessions=(), **extra):
    result = {'server': 'fs01', 'level': 502, 'sessions': list(sessions) or [session('10.0.0.5', 'bob')],
              'error': None, 'open_files': files}
    result.update(extra)
    return evaluate(load_policy(policy_data), result, today=TODAY)


def rule(evaluation, name):
    (found,) = [r for r in evaluation['rules'] if r['rule'] == name]
    return found


def flagged(evaluation, name='forbidden_open_paths'):
    return [f['file']['path'] for f in rule(evaluation, name)['findings']]


# ---------------------------------------------------------------- forbidden_open_paths: path forms

def test_a_folder_entry_does_not_forbid_a_sibling_that_shares_its_prefix():
    ev = judge({'forbidden_open_paths': ['D:\\Data\\']},
               [open_file(1, 'D:\\Data\\a.xlsx'), open_file(2, 'D:\\Database\\b.mdf'),
                open_file(3, 'D:\\Data'), open_file(4, 'D:\\Data\\sub\\deep\\c.txt')])
    # The folder itself (an open handle on the directory) is not "under" it.
    assert flagged(ev) == ['D:\\Data\\a.xlsx', 'D:\\Data\\sub\\deep\\c.txt']
    assert rule(ev, 'forbidden_open_paths')['status'] == 'violation'


def test_an_entry_without_a_trailing_separator_is_that_path_only():
    ev = judge({'forbidden_open_paths': ['D:\\Data']},
               [open_file(1, 'D:\\Data\\a.xlsx'), open_file(3, 'D:\\Data')])
    assert flagged(ev) == ['D:\\Data']


def test_windows_paths_match_in_any_case_and_with_either_separator():
    ev = judge({'forbidden_open_paths': ['d:/data/']},
               [open_file(1, 'D:\\DATA\\Report.XLSX'), open_file(2, 'D:\\data2\\x')])
    assert flagged(ev) == ['D:\\DATA\\Report.XLSX']


def test_posix_paths_are_case_sensitive():
    ev = judge({'forbidden_open_paths': ['/srv/Data/']},
               [open_file(1, '/srv/data/a.txt'), open_file(2, '/srv/Data/b.txt'), open_file(3, '/srv/DATA/c')])
    assert flagged(ev) == ['/srv/Data/b.txt']


def test_a_posix_entry_never_matches_a_windows_path_nor_the_reverse():
    ev = judge({'forbidden_open_paths': ['/srv/data/', 'C:\\srv\\data\\']},
               [open_file(1, 'D:\\srv\\data\\a'), open_file(2, '\\srv\\data\\b')])
    assert flagged(ev) == []
    assert rule(ev, 'forbidden_open_paths')['status'] == 'pass'


def test_a_posix_entry_matches_samba_c_form_case_sensitively():
    """Samba reports /srv/data/a.txt as C:\\srv\\data\\a.txt (docs/developer/open-files.md)."""
    files = [open_file(1, 'C:\\srv\\data\\a.txt'), open_file(2, 'C:\\srv\\DATA\\b.txt'),
             open_file(3, 'C:\\srv\\database\\c.txt')]
    assert flagged(judge({'forbidden_open_paths': ['/srv/data/']}, files)) == ['C:\\srv\\data\\a.txt']
    # The Windows form of the same folder matches in any case: the sibling /srv/DATA too.
    assert flagged(judge({'forbidden_open_paths': ['C:\\srv\\data\\']}, files)) == [
        'C:\\srv\\data\\a.txt', 'C:\\srv\\DATA\\b.txt']


def test_globs_do_not_cross_a_separator():
    ev = judge({'forbidden_open_paths': ['D:\\Data\\*.pst']},
               [open_file(1, 'D:\\Data\\mail.pst'), open_file(2, 'D:\\Data\\old\\mail.pst'),
                open_file(3, 'D:\\Data\\mail.pst.bak')])
    assert flagged(ev) == ['D:\\Data\\mail.pst']


def test_pipes_are_not_under_a_folder_entry_but_an_exact_pipe_entry_names_one():
    files = [open_file(1, '\\PIPE\\srvsvc'), open_file(2, '\\PIPE\\spoolss'), open_file(3, '\\pipe\\lsarpc')]
    assert flagged(judge({'forbidden_open_paths': ['\\PIPE\\']}, files)) == []
    assert flagged(judge({'forbidden_open_paths': ['\\PIPE\\*']}, files)) == []
    assert flagged(judge({'forbidden_open_paths': ['\\pipe\\SPOOLSS']}, files)) == ['\\PIPE\\spoolss']


def test_a_root_entry_forbids_every_file_of_that_volume():
    ev = judge({'forbidden_open_paths': ['E:\\']},
               [open_file(1, 'E:\\x'), open_file(2, 'e:\\deep\\y'), open_file(3, 'D:\\x')])
    assert flagged(ev) == ['E:\\x', 'e:\\deep\\y']


# ---------------------------------------------------------------- forbidden_open_paths: findings

def test_a_finding_names_the_file_the_opener_and_the_entry():
    ev = judge({'forbidden_open_paths': ['D:\\Data\\']}, [open_file(7, 'D:\\Data\\a.xlsx', 'CORP\\bob')])
    (finding,) = ev['findings']
    assert finding['file'] == {'id': 7, 'path': 'D:\\Data\\a.xlsx', 'username': 'CORP\\bob', 'client': '10.0.0.5'}
    assert finding['session'] == {'client': '10.0.0.5', 'username': 'CORP\\bob'}
    assert (finding['observed'], finding['limit']) == ('D:\\Data\\a.xlsx', 'D:\\Data\\')
    assert finding['message'] == ("fs01: file 7 'D:\\Data\\a.xlsx' is open by CORP\\bob from '10.0.0.5': "
                                  "it is under forbidden_open_paths entry 'D:\\Data\\'")
    assert ev['open_file_count'] == 1
    assert ev['open_files'][0]['violations'] == ['forbidden_open_paths']
    # A file finding marks the file, never a session.
    assert [s['violations'] for s in ev['sessions']] == [[]]


@pytest.mark.parametrize('username, client, clients, opener', [
    ('', None, [], '(anonymous) (no session of this user listed)'),
    (None, None, [], '(unknown user) (no session of this user listed)'),
    ('bob', None, ['10.0.0.5', '10.0.0.6'], "bob (from one of '10.0.0.5', '10.0.0.6')"),
])
def test_an_opener_without_a_single_client_or_a_name_is_still_judged(username, client, clients, opener):
    ev = judge({'forbidden_open_paths': ['/srv/']}, [open_file(1, '/srv/a', username, client, clients)])
    (finding,) = ev['findings']
    assert finding['message'] == "fs01: file 1 '/srv/a' is open by %s: it is under forbidden_open_paths entry '/srv/'" % opener


def test_files_without_a_path_level_2_leave_the_rule_not_evaluable_never_a_pass():
    ev = judge({'forbidden_open_paths': ['D:\\Data\\']}, [level2_file(1), level2_file(2)])
    result = rule(ev, 'forbidden_open_paths')
    assert result['status'] == 'not_evaluable'
    assert result['reason'] == '2 of 2 files do not report the path'


def test_a_violation_among_files_without_a_path_says_how_many_were_not_judged():
    ev = judge({'forbidden_open_paths': ['D:\\Data\\']}, [level2_file(1), open_file(2, 'D:\\Data\\x')])
    result = rule(ev, 'forbidden_open_paths')
    assert (result['status'], result['reason']) == ('violation', '1 of 2 files do not report the path')


# ---------------------------------------------------------------- max_open_files_per_user

def test_the_cap_allows_exactly_n_files_and_flags_n_plus_one():
    three = [open_file(i, 'D:\\f%d' % i) for i in range(3)]
    assert rule(judge({'max_open_files_per_user': 3}, three), 'max_open_files_per_user')['status'] == 'pass'
    ev = judge({'max_open_files_per_user': 2}, three)
    (finding,) = ev['findings']
    assert (finding['observed'], finding['limit'], finding['file']) == (3, 2, None)
    assert finding['session'] == {'client': None, 'username': 'bob'}
    assert finding['message'] == 'fs01: bob holds 3 open files (pipes not counted); the limit is 2'
    assert [f['violations'] for f in ev['open_files']] == [['max_open_files_per_user']] * 3


def test_a_limit_of_zero_allows_no_open_file():
    assert rule(judge({'max_open_files_per_user': 0}, [open_file(1, '/a')]), 'max_open_files_per_user')['status'] == 'violation'
    assert rule(judge({'max_open_files_per_user': 0}, []), 'max_open_files_per_user')['status'] == 'pass'


def test_pipes_are_never_counted():
    files = [open_file(1, 'D:\\a'), open_file(2, 'D:\\b'), open_file(3, '\\PIPE\\srvsvc'),
             open_file(4, '\\pipe\\spoolss'), open_file(5, '\\PIPE\\lsarpc')]
    assert rule(judge({'max_open_files_per_user': 2}, files), 'max_open_files_per_user')['status'] == 'pass'


def test_one_account_is_one_user_whatever_the_domain_form_and_case():
    files = [open_file(1, '/a', 'CORP\\Bob'), open_file(2, '/b', 'bob'), open_file(3, '/c', 'BOB@corp.example')]
    ev = judge({'max_open_files_per_user': 2}, files)
    (finding,) = ev['findings']
    assert finding['observed'] == 3


def test_anonymous_openers_count_as_one_user_and_unknown_users_are_not_judged():
    files = [open_file(1, '/a', ''), open_file(2, '/b', 'ANONYMOUS LOGON'), open_file(3, '/c', None),
             open_file(4, '/d', None)]
    ev = judge({'max_open_files_per_user': 1}, files)
    result = rule(ev, 'max_open_files_per_user')
    assert result['status'] == 'violation'
    (finding,) = result['findings']
    assert (finding['session']['username'], finding['observed']) == ('', 2)
    assert finding['message'] == 'fs01: (anonymous) holds 2 open files (pipes not counted); the limit is 1'
    assert result['reason'] == '2 of 4 files do not report the user name'


def test_only_files_without_a_user_name_are_not_evaluable():
    ev = judge({'max_open_files_per_user': 5}, [level2_file(1)])
    assert rule(ev, 'max_open_files_per_user')['status'] == 'not_evaluable'


# ---------------------------------------------------------------- not listed, failed, error

def test_a_result_without_open_files_cannot_judge_the_file_rules():
    ev = judge({'forbidden_open_paths': ['/srv/'], 'forbidden_users': ['carol']}, None)
    result = rule(ev, 'forbidden_open_paths')
    assert result['status'] == 'not_evaluable'
    assert result['reason'].startswith('the open files were not listed')
    assert rule(ev, 'forbidden_users')['status'] == 'pass'
    assert (ev['open_files'], ev['open_file_count']) == (None, None)
    assert summarize([ev])['not_evaluable'] == 1


def test_a_failed_file_listing_is_not_evaluable_with_its_error():
    ev = judge({'max_open_files_per_user': 5}, None, open_files_error='access denied (5) listing open files')
    result = rule(ev, 'max_open_files_per_user')
    assert (result['status'], result['reason']) == (
        'not_evaluable', 'the open files could not be listed: access denied (5) listing open files')


def test_an_empty_listing_is_a_pass():
    ev = judge({'forbidden_open_paths': ['/srv/'], 'max_open_files_per_user': 0}, [])
    assert [r['status'] for r in ev['rules']] == ['pass', 'pass']
    assert ev['open_file_count'] == 0


def test_a_server_not_audited_is_an_error_for_the_file_rules_too():
    ev = judge({'forbidden_open_paths': ['/srv/']}, None, error='connection refused', sessions=[])
    assert [(r['rule'], r['status']) for r in ev['rules']] == [('forbidden_open_paths', 'error')]


def test_file_rules_come_after_the_session_rules_in_results_and_findings():
    ev = judge({'max_open_files_per_user': 0, 'forbidden_users': ['bob']}, [open_file(1, '/a')])
    assert [r['rule'] for r in ev['rules']] == ['forbidden_users', 'max_open_files_per_user']
    assert [f['rule'] for f in ev['findings']] == ['forbidden_users', 'max_open_files_per_user']


# ---------------------------------------------------------------- waivers

def test_a_waiver_by_user_covers_a_file_finding_and_the_file_is_marked_waived():
    ev = judge({'forbidden_open_paths': ['/srv/'], 'waivers': [
        {'rule': 'forbidden_open_paths', 'user': 'svc_backup', 'justification': 'backup (CHG-1)',
         'expires': '2027-01-31'}]},
        [open_file(1, '/srv/a', 'svc_backup'), open_file(2, '/srv/b', 'bob')])
    assert [(f['file']['id'], f['waiver_status']) for f in ev['findings']] == [(1, 'active'), (2, None)]
    assert [(f['violations'], f['waived']) for f in ev['open_files']] == [
        ([], ['forbidden_open_paths']), (['forbidden_open_paths'], [])]
    assert summarize([ev])['violations'] == 1


def test_a_waiver_by_client_never_covers_an_opener_of_several_clients():
    policy = {'forbidden_open_paths': ['/srv/'], 'waivers': [
        {'rule': 'forbidden_open_paths', 'client': '10.0.0.5', 'justification': 'j', 'expires': '2027-01-31'}]}
    ev = judge(policy, [open_file(1, '/srv/a', 'bob', None, ['10.0.0.5', '10.0.0.6']),
                        open_file(2, '/srv/b', 'bob', '10.0.0.5')])
    assert [f['waiver_status'] for f in ev['findings']] == [None, 'active']


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize('data, message', [
    ({'forbidden_open_paths': 'D:\\Data\\'}, "forbidden_open_paths must be a list of strings, got 'D:\\\\Data\\\\'"),
    ({'forbidden_open_paths': [5]}, 'forbidden_open_paths entries must be strings, got 5'),
    ({'forbidden_open_paths': ['data\\a.txt']}, "forbidden_open_paths[0] 'data\\a.txt' is not an absolute path"),
    ({'forbidden_open_paths': ['/srv/', 'D:\\Data\\..\\x']}, "forbidden_open_paths[1] 'D:\\Data\\..\\x' has a '.' or '..' component"),
    ({'forbidden_open_paths': ['D:\\Data\\**']}, "forbidden_open_paths[0] 'D:\\Data\\**' uses '**'"),
    ({'forbidden_open_paths': ['']}, 'forbidden_open_paths[0] is empty'),
    ({'forbidden_open_paths': ['D:\\a\x07b']}, 'forbidden_open_paths[0]'),
    ({'max_open_files_per_user': -1}, 'max_open_files_per_user must be an integer >= 0, got -1'),
    ({'max_open_files_per_user': '20 files'}, "max_open_files_per_user must be an integer >= 0, got '20 files'"),
    ({'max_open_files': 5}, "policy key 'max_open_files' is unknown (did you mean"),
    ({'forbidden_paths': ['/srv/']}, "(did you mean 'forbidden_open_paths'?)"),
])
def test_invalid_open_file_rules_name_the_key_and_the_form(data, message):
    with pytest.raises(PolicyError) as err:
        load_policy(data)
    assert message in str(err.value)


def test_valid_open_file_rules_load_and_say_the_run_must_list_files():
    policy = load_policy({'forbidden_open_paths': ['D:\\Data\\', '/srv/x'], 'max_open_files_per_user': '20'})
    assert policy.to_dict() == {'forbidden_open_paths': ['D:\\Data\\', '/srv/x'], 'max_open_files_per_user': 20}
    assert policy.lists_open_files()
    assert not load_policy({'forbidden_users': ['x']}).lists_open_files()
    # An empty list sets no rule (as forbidden_users), so it lists nothing either.
    assert not load_policy({'forbidden_open_paths': [], 'deny_guest': True}).lists_open_files()
    assert {'forbidden_open_paths', 'max_open_files_per_user'} <= set(KNOWN_KEYS)


# ---------------------------------------------------------------- enforcement and change

def test_enforcement_never_closes_a_session_for_an_open_file_finding():
    """Closing bob's session would end every file and share he holds from that client."""
    ev = judge({'forbidden_open_paths': ['/srv/'], 'max_open_files_per_user': 0},
               [open_file(1, '/srv/a', 'bob', '10.0.0.5')], sessions=[session('10.0.0.5', 'bob')])
    ev.update(address='127.0.0.1', port=445, connection='agentless')
    plan = enforcement_plan([ev], close_mixed_pairs=True)
    assert plan['agentless'] == [] and plan['windows'] == []
    assert [(a['rules'], a['reason'].split(' finding')[0]) for a in plan['left_alone']] == [
        (['forbidden_open_paths'], 'a forbidden_open_paths'), (['max_open_files_per_user'], 'a max_open_files_per_user')]
    assert plan['left_alone'][0]['file']['path'] == '/srv/a'
    assert 'lanman.smb.smb_open_file' in plan['left_alone'][0]['reason']


def test_two_forbidden_files_of_one_user_are_two_findings_known_by_path_across_runs():
    policy = {'forbidden_open_paths': ['/srv/']}
    first = judge(policy, [open_file(1, '/srv/a'), open_file(2, '/srv/b')])
    compare([first], None, '2026-12-04T03:00:00+00:00')
    previous = {'generated': '2026-12-04T03:00:00+00:00', 'findings': first['findings']}
    # /srv/b is closed, /srv/c opened under the same id: one persisting, one new, one resolved.
    second = judge(policy, [open_file(1, '/srv/a'), open_file(2, '/srv/c')])
    change = compare([second], previous, '2026-12-05T03:00:00+00:00')
    assert [(f['file']['path'], f['change']) for f in second['findings']] == [('/srv/a', 'persisting'), ('/srv/c', 'new')]
    assert [f['file']['path'] for f in change['resolved_findings']] == ['/srv/b']


def test_a_waiver_by_path_covers_only_the_files_under_it():
    ev = judge({'forbidden_open_paths': ['D:\\Data\\'], 'waivers': [
        {'rule': 'forbidden_open_paths', 'path': 'D:\\Data\\app\\*.lock', 'justification': 'app lock (CHG-2)',
         'expires': '2027-01-31'}]},
        [open_file(1, 'd:\\data\\APP\\run.lock'), open_file(2, 'D:\\Data\\app\\sub\\run.lock'),
         open_file(3, 'D:\\Data\\app\\run.lockx')])
    assert [(f['file']['id'], f['waiver_status']) for f in ev['findings']] == [(1, 'active'), (2, None), (3, None)]


def test_a_waiver_by_path_never_covers_a_per_user_count():
    ev = judge({'max_open_files_per_user': 0, 'waivers': [
        {'rule': 'max_open_files_per_user', 'path': '/srv/', 'justification': 'j', 'expires': '2027-01-31'}]},
        [open_file(1, '/srv/a')])
    assert [f['waiver_status'] for f in ev['findings']] == [None]


@pytest.mark.parametrize('waiver, message', [
    ({'rule': ['forbidden_open_paths', 'forbidden_users'], 'path': '/srv/'},
     "waivers[0] has path, which only open-file findings have, but waives rule 'forbidden_users'; give path only "
     "with forbidden_open_paths or max_open_files_per_user"),
    ({'rule': 'forbidden_open_paths', 'path': ['/srv/', 'srv\\x']},
     "waivers[0] path[1] 'srv\\x' is not an absolute path"),
    ({'rule': 'forbidden_open_paths', 'path': ['']}, 'waivers[0] path entries must not be empty'),
    ({'rule': 'forbidden_open_paths', 'path': 7}, 'waivers[0] path must be a string or a non-empty list'),
])
def test_a_bad_waiver_path_fails_the_policy(waiver, message):
    waiver.update(justification='j', expires='2027-01-31')
    with pytest.raises(PolicyError) as err:
        load_policy({'forbidden_open_paths': ['/srv/'], 'forbidden_users': ['x'], 'waivers': [waiver]})
    assert message in str(err.value)


def test_a_waiver_path_round_trips_as_typed():
    policy = load_policy({'forbidden_open_paths': ['/srv/'], 'waivers': [
        {'rule': 'forbidden_open_paths', 'path': '/srv/a b ', 'justification': 'j', 'expires': '2027-01-31'}]})
    assert policy.to_dict()['waivers'][0]['path'] == ['/srv/a b ']


def test_the_policy_examples_in_docs_policy_md_load():
    import pathlib
    import re
    import yaml
    text = (pathlib.Path(__file__).resolve().parents[4] / 'docs' / 'policy.md').read_text(encoding='utf-8')
    blocks = re.findall(r'```yaml\n(.*?)```', text, re.S)
    examples = [yaml.safe_load(b) for b in blocks if re.search(r'^forbidden_open_paths:', b, re.M)]
    assert len(examples) == 2
    for data in examples:
        assert load_policy(data).lists_open_files()


# ---------------------------------------------------------------- the run: where the files come from

def test_windows_hosts_get_their_open_files_from_win_smb_open_file_info_aligned_with_the_plan():
    from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import assemble_results
    plan = {'agentless': [], 'windows': ['w1', 'w2', 'w3', 'w4'], 'not_audited': []}
    listed = {'changed': False, 'level': 502, 'sessions': [session('10.0.0.5', 'bob')]}
    files = [{'changed': False, 'level': 3, 'open_files': [open_file(1, 'D:\\Data\\a')]},
             {'skipped': True, 'changed': False},
             {'failed': True, 'msg': 'Access is denied (5) listing open files'}]
    results = assemble_results(plan, None, [listed] * 4, files)
    assert [(r['server'], r['open_files'] and len(r['open_files']), r['open_files_error']) for r in results] == [
        ('w1', 1, None), ('w2', None, None), ('w3', None, 'Access is denied (5) listing open files'),
        ('w4', None, None)]
    policy = load_policy({'forbidden_open_paths': ['D:\\Data\\']})
    statuses = [(rule(evaluate(policy, r, today=TODAY), 'forbidden_open_paths')['status']) for r in results]
    assert statuses == ['violation', 'not_evaluable', 'not_evaluable', 'not_evaluable']


def test_agentless_results_keep_the_audits_open_files():
    from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import assemble_results
    plan = {'agentless': [{'name': 'nas1', 'server': '10.0.0.9', 'port': 445}], 'windows': [], 'not_audited': []}
    audit = {'servers': [{'name': 'nas1', 'server': '10.0.0.9', 'port': 445, 'level': 1, 'error': None,
                          'sessions': [], 'open_files': [open_file(4, '/srv/x/a')], 'open_files_error': None}]}
    (result,) = assemble_results(plan, audit, [])
    ev = evaluate(load_policy({'forbidden_open_paths': ['/srv/x/']}), result, today=TODAY)
    assert [f['file']['id'] for f in ev['findings']] == [4]
