"""Open files in the fleet audit and the compliance run (issue 17 item 5), against one real Samba
whose files are held open by real SMB clients. Every test here only reads (enforcement leaves
open-file findings alone, and the test checks through each client's own handle that it did), so
the server is shared by the module.

  alice   restricted/secret.txt   under the forbidden folder
  bob     restricted2/ok.txt      a sibling folder that shares the forbidden folder's prefix
  bob     public/a.txt, public/b.txt
"""
import csv
import json
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import USERS, ModuleRunner
from samba_lab.open_files import FileHolder, samba_path, unix_path
from samba_lab.server import SambaLab
from test_fleet_compliance import Job, assert_junit_schema, assert_reports_written, by_server, load_report


@pytest.fixture(scope='module')
def held_lab():
    with SambaLab(users=USERS) as server:
        alice, bob = FileHolder(server, 'alice'), FileHolder(server, 'bob')
        held = {
            'secret': (alice, alice.open('restricted/secret.txt')),
            'sibling': (bob, bob.open('restricted2/ok.txt')),
            'a': (bob, bob.open('public/a.txt')),
            'b': (bob, bob.open('public/b.txt')),
        }
        yield server, held
        for holder in (alice, bob):
            holder.close()


def still_open(held):
    return dict((name, holder.works(h)) for name, (holder, h) in sorted(held.items()))


# ---------------------------------------------------------------- smb_session_audit open_files

def test_the_audit_lists_open_files_only_when_asked(ansible_env, held_lab):
    lab, held = held_lab
    run = ModuleRunner(ansible_env, lab)
    servers = [{'server': '127.0.0.1', 'port': lab.port, 'name': 'fs1'}]
    plain = run('smb_session_audit', auth=False, servers=servers, auth_username=lab.admin_user,
                auth_password=lab.admin_password, auth_protocol='ntlm')
    assert plain.get('failed') is not True, plain['_raw_output'][-3000:]
    (entry,) = plain['servers']
    assert (entry['open_files'], entry['open_files_error'], plain['summary']['open_files']) == (None, None, 0)

    listed = run('smb_session_audit', auth=False, servers=servers, auth_username=lab.admin_user,
                 auth_password=lab.admin_password, auth_protocol='ntlm', open_files=True)
    (entry,) = listed['servers']
    assert entry['error'] is None and entry['open_files_error'] is None, entry
    files = dict((f['path'], f) for f in entry['open_files'])
    assert sorted(files) == sorted(samba_path(lab, p) for p in (
        'restricted/secret.txt', 'restricted2/ok.txt', 'public/a.txt', 'public/b.txt'))
    secret = files[samba_path(lab, 'restricted/secret.txt')]
    # Joined to alice's session; her FileHolder connects from loopback.
    assert (secret['username'], secret['client'], secret['clients'], secret['is_pipe']) == (
        'alice', '127.0.0.1', ['127.0.0.1'], False)
    assert [f['id'] for f in entry['open_files']] == sorted(f['id'] for f in entry['open_files'])
    assert listed['summary']['open_files'] == 4
    assert lab.admin_password not in listed['_raw_output']


def test_the_audit_refuses_open_files_with_a_session_filter(ansible_env, held_lab):
    lab = held_lab[0]
    result = ModuleRunner(ansible_env, lab)(
        'smb_session_audit', auth=False, servers=['127.0.0.1'], port=lab.port, auth_username=lab.admin_user,
        auth_password=lab.admin_password, open_files=True, username=['alice'])
    assert result['failed'] is True
    assert result['msg'].startswith('open_files does not combine with client or username')


# ---------------------------------------------------------------- the compliance run

def _job(tmp_path, ansible_env, lab, policy, name):
    job = Job(tmp_path / name, ansible_env, lab)
    job.write({'hosts': {'fs1': {'smb_agentless': True, 'smb_server': '127.0.0.1', 'smb_port': lab.port,
                                 'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}},
              policy)
    return job


def test_a_held_file_under_a_forbidden_folder_fails_the_run_and_others_do_not(tmp_path, ansible_env, held_lab):
    lab, held = held_lab
    forbidden = unix_path(lab, 'restricted') + '/'      # POSIX form; Samba reports C:\...\restricted\...
    job = _job(tmp_path, ansible_env, lab, {'forbidden_open_paths': [forbidden], 'max_open_files_per_user': 2},
               'forbidden')
    proc = job.run('-e', 'session_compliance_enforce=true')
    assert proc.returncode == 2, proc.output[-4000:]
    assert 'SMB session compliance [violation]: 2 violations on 1 server' in proc.output
    assert_reports_written(proc)
    report = load_report(proc)
    fs1 = by_server(report)['fs1']
    assert fs1['open_file_count'] == 4
    assert {r['rule']: r['status'] for r in fs1['rules']} == {
        'forbidden_open_paths': 'violation', 'max_open_files_per_user': 'violation'}
    (finding,) = [f for f in fs1['findings'] if f['rule'] == 'forbidden_open_paths']
    secret = samba_path(lab, 'restricted/secret.txt')
    assert (finding['file']['path'], finding['file']['username'], finding['file']['client']) == (
        secret, 'alice', '127.0.0.1')
    assert finding['message'] == ("fs1: file %d '%s' is open by alice from '127.0.0.1': it is under "
                                  "forbidden_open_paths entry '%s'" % (finding['file']['id'], secret, forbidden))
    (cap,) = [f for f in fs1['findings'] if f['rule'] == 'max_open_files_per_user']
    assert (cap['session']['username'], cap['observed']) == ('bob', 3)

    rows = list(csv.DictReader((proc.report_dir / 'findings.csv').open()))
    assert [(r['rule'], r['path'], r['file_id']) for r in rows if r['rule'] == 'forbidden_open_paths'] == [
        ('forbidden_open_paths', secret, str(finding['file']['id']))]
    assert_junit_schema(proc.report_dir / 'junit.xml')
    cases = dict((c.get('name'), c) for c in ET.parse(str(proc.report_dir / 'junit.xml')).getroot().iter('testcase'))
    assert secret in cases['forbidden_open_paths'].find('failure').text

    # Enforcement closed nothing for a file finding, and said so; every handle still reads.
    enforce = json.loads((proc.report_dir / 'enforce.json').read_text())
    assert enforce['closes'] == []
    assert sorted(a['rules'][0] for a in enforce['left_alone']) == ['forbidden_open_paths', 'max_open_files_per_user']
    assert still_open(held) == {'a': True, 'b': True, 'secret': True, 'sibling': True}


def test_a_policy_whose_forbidden_paths_hold_no_open_file_passes(tmp_path, ansible_env, held_lab):
    lab = held_lab[0]
    # The folder itself without its separator is that path only; 'restricted' + '3/' is no folder in use;
    # a Windows-form entry of another drive never matches Samba's C:\ form.
    policy = {'forbidden_open_paths': [unix_path(lab, 'restricted'), unix_path(lab, 'restricted3') + '/',
                                       'D:\\restricted\\'],
              'max_open_files_per_user': 3}
    proc = _job(tmp_path, ansible_env, lab, policy, 'clean').run()
    assert proc.returncode == 0, proc.output[-4000:]
    fs1 = by_server(load_report(proc))['fs1']
    assert {r['rule']: r['status'] for r in fs1['rules']} == {
        'forbidden_open_paths': 'pass', 'max_open_files_per_user': 'pass'}
    assert fs1['open_file_count'] == 4


def test_a_policy_without_open_file_rules_lists_no_open_files(tmp_path, ansible_env, held_lab):
    lab = held_lab[0]
    proc = _job(tmp_path, ansible_env, lab, {'forbidden_users': ['mallory']}, 'sessions-only').run()
    assert proc.returncode == 0, proc.output[-4000:]
    fs1 = by_server(load_report(proc))['fs1']
    assert (fs1['open_files'], fs1['open_file_count']) == (None, None)


def test_a_windows_hosts_open_files_reach_the_report_through_the_plan(ansible_env, held_lab, tmp_path):
    """What report.yml passes for the Windows hosts (no Windows host here: the registered results of
    win_smb_session_info and win_smb_open_file_info are given as the role would gather them)."""
    lab = held_lab[0]
    plan = {'policy': {'forbidden_open_paths': ['D:\\Finance\\']}, 'report_dir': str(tmp_path / 'win'),
            'agentless': [], 'windows': ['win01', 'win02'], 'not_audited': [], 'open_files': True}
    sessions = {'changed': False, 'level': 502, 'sessions': [
        {'client': '10.0.0.5', 'username': 'jdoe', 'num_opens': 1, 'active_seconds': 5, 'idle_seconds': 0,
         'user_flags': 0, 'is_guest': False, 'cleartext_password': False, 'client_type': '', 'transport': None}]}
    files = [{'changed': False, 'level': 3, 'open_files': [
        {'id': 5, 'path': 'd:\\finance\\Q4.xlsx', 'username': 'CORP\\jdoe', 'permissions': ['read'],
         'permissions_mask': 1, 'num_locks': 0, 'is_pipe': False, 'client': '10.0.0.5', 'clients': ['10.0.0.5']}]},
        {'failed': True, 'msg': 'Access is denied (5)'}]
    result = ModuleRunner(ansible_env, lab)('session_compliance_report', auth=False, plan=plan,
                                            windows_results=[sessions, sessions], windows_file_results=files)
    assert result.get('failed') is not True, result['_raw_output'][-3000:]
    win01, win02 = result['evaluations']
    (finding,) = win01['findings']
    assert finding['file'] == {'id': 5, 'path': 'd:\\finance\\Q4.xlsx', 'username': 'CORP\\jdoe',
                               'client': '10.0.0.5'}
    assert [(r['status'], r['reason']) for r in win02['rules']] == [
        ('not_evaluable', 'the open files could not be listed: Access is denied (5)')]
    assert result['enforcement']['windows'] == []
    assert result['verdict']['outcomes'] == ['violation']


def test_an_open_file_policy_runs_through_the_windows_play_too(tmp_path, ansible_env, held_lab):
    """win01's WinRM port is closed: both of its listings fail for real (the session one makes it
    not audited); the run still judges fs1's files and writes every report."""
    from samba_lab.server import free_port
    lab = held_lab[0]
    job = Job(tmp_path / 'with-windows', ansible_env, lab)
    hosts = {
        'fs1': {'smb_agentless': True, 'smb_server': '127.0.0.1', 'smb_port': lab.port,
                'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable},
        'win01': {'ansible_connection': 'winrm', 'ansible_host': '127.0.0.1', 'ansible_port': free_port(),
                  'ansible_user': 'Administrator', 'ansible_password': 'x', 'ansible_winrm_transport': 'ntlm',
                  'ansible_winrm_scheme': 'http'}}
    job.write({'hosts': hosts}, {'forbidden_open_paths': [unix_path(lab, 'restricted') + '/']})
    proc = job.run()
    assert proc.returncode == 2, proc.output[-4000:]
    assert 'SMB session compliance [violation, not-audited]: 1 violation on 1 server' in proc.output
    assert 'List the open files of the Windows host' in proc.output   # the listing was tried
    servers = by_server(load_report(proc))
    assert servers['win01']['error'].startswith('unreachable')
    assert [f['file']['path'] for f in servers['fs1']['findings']] == [samba_path(lab, 'restricted/secret.txt')]


def test_a_server_that_stalls_while_listing_its_files_is_bounded_by_the_servers_timeout(held_lab, capsys):
    """The file listing is inside the server's one deadline: a server silent after NetrFileEnum is
    reported by it, naming the step, and a second server is still listed."""
    import time
    from ansible.module_utils.common import warnings
    from ansible.module_utils.testing import patch_module_args
    from samba_lab.stalling_proxy import Stall, StallingProxy
    from ansible_collections.lanman.smb.plugins.modules import smb_session_audit

    lab = held_lab[0]
    timeout, margin = 2, 5     # the margin only absorbs a busy machine
    warnings._global_warnings.clear()
    with StallingProxy(lab.port, stall=Stall(opnum=9)) as proxy:
        args = dict(servers=[{'server': '127.0.0.1', 'port': proxy.port, 'name': 'stalls'},
                             {'server': '127.0.0.1', 'port': lab.port, 'name': 'fine'}],
                    auth_username=lab.admin_user, auth_password=lab.admin_password, auth_protocol='ntlm',
                    timeout=timeout, open_files=True)
        start = time.monotonic()
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                smb_session_audit.main()
        elapsed = time.monotonic() - start
        assert proxy.stalled.is_set()
    result = json.loads(capsys.readouterr().out)
    stalls, fine = result['servers']
    assert elapsed < timeout + margin
    assert stalls['error'].startswith('127.0.0.1 port %d did not answer within 2 s (connect and list sessions and '
                                      'open files; it stopped during NetrFileEnum)' % proxy.port), stalls['error']
    assert (stalls['sessions'], stalls['open_files']) == ([], None)
    assert fine['error'] is None and len(fine['open_files']) == 4
