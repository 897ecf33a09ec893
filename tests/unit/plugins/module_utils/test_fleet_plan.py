"""The plan of a fleet run (fleet_plan.py), made before any server is contacted: the policy and
its file, paths relative to the job's working directory, which hosts are which servers."""
import json

import pytest
import yaml

from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import UNKNOWN_KIND
from ansible_collections.lanman.smb.plugins.module_utils.fleet_plan import (
    PlanError, classify_host, load_policy_input, plan_servers, report_paths, resolve_path,
)


def read_yaml(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


# ---------------------------------------------------------------- paths (defect 1)

def test_relative_paths_are_the_jobs_working_directory():
    assert resolve_path('policy.yml', '/ci/job') == '/ci/job/policy.yml'
    assert resolve_path('reports/../smb', '/ci/job') == '/ci/job/smb'
    assert resolve_path('/abs/x', '/ci/job') == '/abs/x'
    assert resolve_path(None, '/ci/job') is None


def test_a_relative_policy_file_is_read_from_the_working_directory(tmp_path):
    (tmp_path / 'policy.yml').write_text('forbidden_users: [carol]\n')
    policy, source = load_policy_input(None, 'policy.yml', str(tmp_path), read_yaml)
    assert policy.rules == {'forbidden_users': ['carol']} and source == str(tmp_path / 'policy.yml')


def test_a_missing_policy_file_names_where_it_was_looked_for(tmp_path):
    with pytest.raises(PlanError) as err:
        load_policy_input(None, 'policy.yml', str(tmp_path), read_yaml)
    assert str(err.value) == ('SMB session compliance [bad-policy]: the policy file %s (session_compliance_policy_file='
                              'policy.yml, relative to the working directory %s) does not exist'
                              % (tmp_path / 'policy.yml', tmp_path))
    assert err.value.outcome == 'bad-policy'


# ---------------------------------------------------------------- the policy file (defect 10)

@pytest.mark.parametrize('text, message', [
    ('', 'the policy file {path} is empty; write the policy as YAML keys'),
    ('# only a comment\n', 'the policy file {path} is empty'),
    ('- forbidden_users: [carol]\n', 'the policy file {path} holds a list; a policy is a mapping of keys to values'),
    ('forbidden_users\n', "the policy file {path} holds a str ('forbidden_users')"),
    ('forbidden_users: [carol\n', 'the policy file {path} cannot be read as YAML'),
    ('forbiden_users: [carol]\n', "the policy ({path}) is invalid: policy key 'forbiden_users' is unknown"),
])
def test_a_bad_policy_file_is_named_with_the_problem(tmp_path, text, message):
    path = tmp_path / 'policy.yml'
    path.write_text(text)
    with pytest.raises(PlanError) as err:
        load_policy_input(None, str(path), '/', read_yaml)
    assert str(err.value).startswith('SMB session compliance [bad-policy]: ' + message.format(path=path))


def test_an_inline_policy_wins_and_no_policy_is_bad_input():
    policy, source = load_policy_input({'deny_guest': True}, 'ignored.yml', '/', read_yaml)
    assert source == 'session_compliance_policy' and policy.rules == {'deny_guest': True}
    with pytest.raises(PlanError) as err:
        load_policy_input(None, None, '/', read_yaml)
    assert err.value.outcome == 'bad-input' and 'set session_compliance_policy' in str(err.value)


# ---------------------------------------------------------------- report paths

def test_the_previous_report_defaults_to_the_one_in_the_report_directory(tmp_path):
    directory, previous, data, warnings = report_paths('smb', None, str(tmp_path))
    assert (directory, previous, data, warnings) == (str(tmp_path / 'smb'), str(tmp_path / 'smb' / 'report.json'),
                                                     None, [])
    (tmp_path / 'smb').mkdir()
    (tmp_path / 'smb' / 'report.json').write_text(json.dumps({'generated': 'g', 'findings': []}))
    directory, previous, data, warnings = report_paths('smb', None, str(tmp_path))
    assert previous == str(tmp_path / 'smb' / 'report.json') and data['generated'] == 'g'


def test_a_missing_previous_report_warns_and_a_broken_one_fails(tmp_path):
    directory, previous, data, warnings = report_paths('smb', 'last/report.json', str(tmp_path))
    assert (previous, data) == (str(tmp_path / 'last' / 'report.json'), None)
    assert warnings == ['no previous report at %s: every finding of this run is new' % (tmp_path / 'last' / 'report.json')]
    (tmp_path / 'bad.json').write_text('nope')
    with pytest.raises(PlanError) as err:
        report_paths('smb', 'bad.json', str(tmp_path))
    assert err.value.outcome == 'bad-input' and 'cannot be read as JSON' in str(err.value)
    (tmp_path / 'file').write_text('')
    with pytest.raises(PlanError) as err:
        report_paths('file', None, str(tmp_path))
    assert 'is a file, not a directory' in str(err.value)


# ---------------------------------------------------------------- servers (defects 2, 3, 4)

@pytest.mark.parametrize('host_vars, in_group, kind', [
    ({'smb_agentless': True}, False, 'agentless'),
    ({'smb_agentless': 'yes'}, False, 'agentless'),
    ({'smb_agentless': 'false', 'ansible_connection': 'winrm'}, False, 'windows'),
    ({}, True, 'agentless'),
    ({'ansible_connection': 'psrp'}, False, 'windows'),
    ({'ansible_connection': 'ansible.builtin.winrm'}, False, 'windows'),
    ({'ansible_connection': 'ssh'}, False, 'unknown'),
    ({}, False, 'unknown'),
])
def test_each_host_kind(host_vars, in_group, kind):
    assert classify_host('h', host_vars, in_group) == kind


def test_a_mistyped_agentless_flag_is_bad_input():
    with pytest.raises(PlanError) as err:
        classify_host('fs01', {'smb_agentless': 'ture'}, False)
    assert "inventory host fs01 has smb_agentless='ture'; use true or false" in str(err.value)


@pytest.mark.parametrize('pattern', ['all', 'fileservers'])
def test_nothing_to_audit_is_an_error_never_a_green_run(pattern):
    with pytest.raises(PlanError) as err:
        plan_servers([], [], 445, pattern=pattern)
    assert err.value.outcome == 'bad-input'
    assert "nothing to audit: the host pattern '%s' matched no inventory host" % pattern in str(err.value)


def test_listed_servers_need_no_inventory_host():
    plan = plan_servers([], ['files01', {'server': '10.0.0.5', 'port': 1445, 'name': 'nas'}], 445)
    assert plan == {'agentless': [{'name': 'files01', 'server': 'files01', 'port': 445},
                                  {'name': 'nas', 'server': '10.0.0.5', 'port': 1445}],
                    'windows': [], 'not_audited': []}


def test_every_host_is_planned_under_its_inventory_name_whatever_the_server_form():
    hosts = [
        ('fs-dot', {'smb_agentless': True, 'smb_server': 'files01.'}, False),
        ('fs-v6', {'smb_server': '[fd00::5]', 'smb_port': '1445'}, True),
        ('fs-unc', {'smb_agentless': True, 'smb_server': '\\\\files02'}, False),
        ('fs-host', {'smb_agentless': True, 'ansible_host': '10.0.0.9'}, False),
        ('fs-name', {'smb_agentless': True}, False),
        ('fs-alias', {'smb_agentless': True, 'smb_server': 'FILES01'}, False),   # the same server as fs-dot
        ('win01', {'ansible_connection': 'winrm'}, False),
        ('printer01', {}, False),
    ]
    plan = plan_servers(hosts, [{'server': 'files01', 'name': 'listed'}], 445)
    assert plan['agentless'] == [
        {'name': 'fs-dot', 'server': 'files01', 'port': 445},
        {'name': 'fs-v6', 'server': 'fd00::5', 'port': 1445},
        {'name': 'fs-unc', 'server': 'files02', 'port': 445},
        {'name': 'fs-host', 'server': '10.0.0.9', 'port': 445},
        {'name': 'fs-name', 'server': 'fs-name', 'port': 445},
        {'name': 'fs-alias', 'server': 'FILES01', 'port': 445},
        {'name': 'listed', 'server': 'files01', 'port': 445},
    ]
    assert plan['windows'] == ['win01']
    assert plan['not_audited'] == [{'name': 'printer01', 'error': UNKNOWN_KIND}]


@pytest.mark.parametrize('hosts, servers, message', [
    ([('fs01', {'smb_agentless': True, 'smb_server': 'smb://files01'}, False)], [],
     'inventory host fs01 (smb_server): server'),
    ([('fs01', {'smb_agentless': True, 'smb_port': 'x'}, False)], [], "inventory host fs01 has port 'x'"),
    ([('fs01', {'smb_agentless': True}, False)], [{'server': 'x', 'name': 'FS01'}],
     "session_compliance_servers[0] repeats the name 'FS01' of inventory host fs01"),
    ([('win01', {'ansible_connection': 'winrm'}, False)], [{'server': 'x', 'name': 'win01'}],
     'inventory host win01 has the name of an agentless server in session_compliance_servers'),
    ([], [{'server': 'x', 'port': 0}], 'session_compliance_servers[0] has port 0'),
])
def test_bad_server_entries_fail_before_any_server_is_contacted(hosts, servers, message):
    with pytest.raises(PlanError) as err:
        plan_servers(hosts, servers, 445)
    assert err.value.outcome == 'bad-input' and message in str(err.value)
