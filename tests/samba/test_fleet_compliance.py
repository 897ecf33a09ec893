"""The fleet compliance playbook (lanman.smb.fleet_compliance, role session_compliance) run for
real by FQCN against a fleet of real Samba servers on loopback:

  fs-ok      alice and bob connected: compliant
  fs-bad     alice (compliant) and carol twice (carol is a forbidden user)
  fs-denied  the audit account lost its admin rights: listing is denied
  fs-down    a free port with nothing listening (given in session_compliance_servers)
  win01      a Windows host (ansible_connection=winrm) whose WinRM port is closed: unreachable
  printer01  an inventory host that is neither Windows nor agentless

The Windows path cannot run here (no Windows host): only its failure capture runs for real
(win01); a Windows-shaped result is fed to the report module directly in
test_windows_result_is_judged_like_any_other.
"""
import csv
import json
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from samba_lab.server import SambaLab, free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAYBOOK = str(pathlib.Path(sys.executable).with_name('ansible-playbook'))
REPORTS = ('report.json', 'sessions.csv', 'findings.csv', 'report.html', 'junit.xml')

POLICY = {
    'name': 'lab policy',
    'forbidden_users': ['carol'],
    'max_sessions_per_user': 3,
    'max_idle_seconds': 3600,  # Samba reports no idle time: not evaluable, never a pass
}


class Fleet:
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.labs = []

    def lab(self, users):
        lab = SambaLab(users=users).start()
        self.labs.append(lab)
        return lab

    def stop(self):
        for lab in self.labs:
            lab.stop()


@pytest.fixture()
def fleet(tmp_path):
    f = Fleet(tmp_path)
    try:
        f.ok = f.lab({'alice': 'Alice-Pw-1', 'bob': 'Bob-Pw-2'})
        f.bad = f.lab({'alice': 'Alice-Pw-1', 'carol': 'Carol-Pw-3'})
        f.denied = f.lab({'alice': 'Alice-Pw-1'})
        # The audit account stays valid on fs-denied but loses BUILTIN\Administrators: listing is denied.
        listing = f.denied._net('groupmap', 'list')
        f.denied._net('groupmap', 'delmem', 'S-1-5-32-544', listing.split('Domain Admins (', 1)[1].split(')', 1)[0])
        f.clients = {
            ('fs-ok', 'alice'): [f.ok.open_session('alice')],
            ('fs-ok', 'bob'): [f.ok.open_session('bob')],
            ('fs-bad', 'alice'): [f.bad.open_session('alice')],
            ('fs-bad', 'carol'): [f.bad.open_session('carol'), f.bad.open_session('carol')],
            ('fs-denied', 'alice'): [f.denied.open_session('alice')],
        }
        f.down_port = free_port()
        yield f
    finally:
        f.stop()


def inventory(fleet, servers=('fs-ok', 'fs-bad', 'fs-denied'), windows=True, stray=True):
    hosts = {}
    labs = {'fs-ok': fleet.ok, 'fs-bad': fleet.bad, 'fs-denied': fleet.denied}
    for name in servers:
        hosts[name] = {'smb_agentless': True, 'smb_server': '127.0.0.1', 'smb_port': labs[name].port}
    if windows:
        # WinRM on a closed port: the Windows path's failure capture runs for real.
        hosts['win01'] = {'ansible_connection': 'winrm', 'ansible_host': '127.0.0.1', 'ansible_port': free_port(),
                          'ansible_user': 'Administrator', 'ansible_password': 'x',
                          'ansible_winrm_transport': 'ntlm', 'ansible_winrm_scheme': 'http'}
    if stray:
        hosts['printer01'] = {}
    path = fleet.tmp / 'inventory.json'
    path.write_text(json.dumps({'all': {'hosts': hosts}}))
    return path


def run_compliance(ansible_env, fleet, inv, check=False, policy=None, policy_file=None, down=True, **extra):
    report_dir = fleet.tmp / 'reports'
    variables = {
        'session_compliance_report_dir': str(report_dir),
        'session_compliance_auth_username': fleet.ok.admin_user,
        'session_compliance_auth_password': fleet.ok.admin_password,
        'session_compliance_auth_protocol': 'ntlm',
        'session_compliance_timeout': 10,
        'ansible_python_interpreter': sys.executable,
    }
    if down:
        variables['session_compliance_servers'] = [{'server': '127.0.0.1', 'port': fleet.down_port, 'name': 'fs-down'}]
    if policy_file:
        variables['session_compliance_policy_file'] = str(policy_file)
    else:
        variables['session_compliance_policy'] = POLICY if policy is None else policy
    variables.update(extra)
    vars_file = fleet.tmp / 'vars.json'
    vars_file.write_text(json.dumps(variables))
    cmd = [PLAYBOOK, 'lanman.smb.fleet_compliance', '-i', str(inv), '-e', '@%s' % vars_file]
    if check:
        cmd.append('--check')
    proc = subprocess.run(cmd, env=ansible_env, check=False, capture_output=True, text=True, timeout=300)
    proc.output = proc.stdout + proc.stderr
    proc.report_dir = report_dir
    return proc


def load_report(proc):
    path = proc.report_dir / 'report.json'
    assert path.exists(), proc.output[-4000:]
    return json.loads(path.read_text())


def by_server(report):
    return {e['server']: e for e in report['servers']}


def still_connected(fleet):
    """Each client asks the server through its own connection."""
    return {key: [c.alive() for c in clients] for key, clients in fleet.clients.items()}


def assert_reports_written(proc):
    missing = [name for name in REPORTS if not (proc.report_dir / name).is_file()]
    assert not missing, 'missing %s\n%s' % (missing, proc.output[-4000:])


# ------------------------------------------------------------------------- the verdict

def test_violations_fail_the_run_after_every_report_is_written(ansible_env, fleet):
    proc = run_compliance(ansible_env, fleet, inventory(fleet))
    assert proc.returncode != 0, proc.output[-4000:]
    assert 'SMB session compliance failed: 2 violation(s) on 1 server(s)' in proc.output, proc.output[-4000:]
    assert_reports_written(proc)
    report = load_report(proc)
    servers = by_server(report)
    assert sorted(servers) == ['fs-bad', 'fs-denied', 'fs-down', 'fs-ok', 'printer01', 'win01']

    # findings: exactly carol's two sessions on fs-bad, each naming server, rule, session, limit
    findings = report['findings']
    assert len(findings) == 2, findings
    assert findings == [f for e in report['servers'] for f in e['findings']]
    for f in findings:
        assert f['server'] == 'fs-bad' and f['rule'] == 'forbidden_users'
        assert f['session'] == {'client': '127.0.0.1', 'username': 'carol'}
        assert f['message']
    # carol's two sessions from one address read alike; the messages tell them apart
    assert len(set(f['message'] for f in findings)) == 2, findings
    assert report['summary']['violations'] == 2 and report['summary']['servers_with_violations'] == 1
    assert report['summary']['verdict'] == 'fail'

    # compliant sessions pass; idle time on Samba is not evaluable, never a pass
    for name in ('fs-ok', 'fs-bad'):
        rules = {r['rule']: r['status'] for r in servers[name]['rules']}
        assert rules['max_idle_seconds'] == 'not_evaluable'
        assert rules['max_sessions_per_user'] == 'pass'
    assert {r['rule']: r['status'] for r in servers['fs-ok']['rules']}['forbidden_users'] == 'pass'
    assert {r['rule']: r['status'] for r in servers['fs-bad']['rules']}['forbidden_users'] == 'violation'
    assert servers['fs-ok']['session_count'] >= 2 and not servers['fs-ok']['error']

    # every server that could not be audited says why, and hides no other server
    assert 'denied' in servers['fs-denied']['error'].lower(), servers['fs-denied']
    assert servers['fs-down']['error'], servers['fs-down']
    assert servers['win01']['error'].startswith('unreachable'), servers['win01']
    assert 'not audited' in servers['printer01']['error']
    assert report['summary']['errors'] == 4

    # CSV: carol's findings; the sessions list has both of carol's sessions
    rows = list(csv.DictReader((proc.report_dir / 'findings.csv').open()))
    assert sorted((r['server'], r['rule']) for r in rows) == [('fs-bad', 'forbidden_users')] * 2
    sessions = list(csv.DictReader((proc.report_dir / 'sessions.csv').open()))
    assert [r['username'] for r in sessions if r['server'] == 'fs-bad'].count('carol') == 2

    # JUnit (valid against the schema): a testcase per server and rule; the violated rule fails
    # and names both sessions, each unaudited server's rules are errors, idle time is skipped
    assert_junit_schema(proc.report_dir / 'junit.xml')
    junit = ET.parse(str(proc.report_dir / 'junit.xml')).getroot()
    cases = {(c.get('classname'), c.get('name')): c for c in junit.iter('testcase')}
    failed = sorted(k for k, c in cases.items() if c.find('failure') is not None)
    assert failed == [('fs-bad', 'forbidden_users')], failed
    failure_lines = cases[('fs-bad', 'forbidden_users')].find('failure').text.splitlines()
    assert [line for line in failure_lines if 'carol' in line and 'forbidden_users' in line] == [
        f['message'] for f in findings] and len(findings) == 2
    errored = sorted({k[0] for k, c in cases.items() if c.find('error') is not None})
    assert errored == ['fs-denied', 'fs-down', 'printer01', 'win01']
    assert cases[('fs-ok', 'max_idle_seconds')].find('skipped') is not None
    rules = len(POLICY) - 1  # every key but name is a rule
    assert junit.get('failures') == '1' and junit.get('errors') == str(4 * rules)

    # without enforce nobody is disconnected
    assert all(all(v) for v in still_connected(fleet).values())


def test_no_violation_and_every_server_audited_passes(ansible_env, fleet, tmp_path):
    policy_file = tmp_path / 'policy.yml'
    policy_file.write_text(yaml.safe_dump({'forbidden_users': ['mallory'], 'max_sessions_per_user': 3}))
    proc = run_compliance(ansible_env, fleet, inventory(fleet, servers=('fs-ok', 'fs-bad'), windows=False, stray=False),
                          policy_file=policy_file, down=False)
    assert proc.returncode == 0, proc.output[-4000:]
    assert_reports_written(proc)
    report = load_report(proc)
    assert report['summary']['violations'] == 0 and report['summary']['errors'] == 0
    assert report['summary']['verdict'] == 'pass'
    junit = ET.parse(str(proc.report_dir / 'junit.xml')).getroot()
    assert not [c for c in junit.iter('testcase') if c.find('failure') is not None]


def test_fail_switches_off_let_the_run_pass_with_the_same_reports(ansible_env, fleet):
    proc = run_compliance(ansible_env, fleet, inventory(fleet),
                          session_compliance_fail_on_violation=False, session_compliance_fail_on_error=False)
    assert proc.returncode == 0, proc.output[-4000:]
    assert_reports_written(proc)
    assert load_report(proc)['summary']['violations'] == 2


def test_violations_alone_fail_the_run(ansible_env, fleet):
    """Not failing on unaudited servers leaves the violations to fail the run."""
    proc = run_compliance(ansible_env, fleet, inventory(fleet), session_compliance_fail_on_error=False)
    assert proc.returncode != 0, proc.output[-4000:]
    assert 'SMB session compliance failed: 2 violation(s)' in proc.output, proc.output[-4000:]
    assert_reports_written(proc)


def test_unaudited_server_fails_the_run_even_without_violations(ansible_env, fleet):
    proc = run_compliance(ansible_env, fleet, inventory(fleet, servers=('fs-ok',), windows=False, stray=False))
    assert proc.returncode != 0, proc.output[-4000:]
    assert '0 violation(s) on 0 server(s), 1 server(s) not audited' in proc.output, proc.output[-4000:]
    assert_reports_written(proc)


def test_bad_policy_fails_before_any_server_is_contacted(ansible_env, fleet):
    proc = run_compliance(ansible_env, fleet, inventory(fleet), policy={'forbiden_users': ['carol']})
    assert proc.returncode != 0
    assert 'forbiden_users' in proc.output and 'forbidden_users' in proc.output, proc.output[-3000:]
    assert 'List the SMB sessions' not in proc.output, 'a server was contacted before the policy was checked'
    assert not proc.report_dir.exists()


# ------------------------------------------------------------------------- enforce

def test_enforce_in_check_mode_closes_nothing(ansible_env, fleet):
    proc = run_compliance(ansible_env, fleet, inventory(fleet), check=True, session_compliance_enforce=True)
    assert proc.returncode != 0, proc.output[-4000:]
    assert_reports_written(proc)
    enforce = json.loads((proc.report_dir / 'enforce.json').read_text())
    assert enforce['check_mode'] is True
    closes = enforce['closes']
    assert [(c['server'], c['client'], c['username']) for c in closes] == [('fs-bad', '127.0.0.1', 'carol')]
    assert closes[0]['changed'] and len(closes[0]['closed_sessions']) == 2  # what it would close
    assert all(all(v) for v in still_connected(fleet).values()), still_connected(fleet)


def test_enforce_closes_exactly_the_violators(ansible_env, fleet):
    proc = run_compliance(ansible_env, fleet, inventory(fleet), session_compliance_enforce=True)
    # the violations were found (and reported) before they were closed: the run still fails
    assert proc.returncode != 0, proc.output[-4000:]
    assert_reports_written(proc)
    enforce = json.loads((proc.report_dir / 'enforce.json').read_text())
    assert enforce['check_mode'] is False
    assert [(c['server'], c['username'], c['changed'], c['failed']) for c in enforce['closes']] == [
        ('fs-bad', 'carol', True, False)]
    connected = still_connected(fleet)
    assert connected.pop(('fs-bad', 'carol')) == [False, False]
    assert all(all(v) for v in connected.values()), connected


def test_enforce_honours_the_close_modules_exclusions(ansible_env, fleet):
    proc = run_compliance(ansible_env, fleet, inventory(fleet), session_compliance_enforce=True,
                          session_compliance_exclude_username=['carol'])
    enforce = json.loads((proc.report_dir / 'enforce.json').read_text())
    assert [c['changed'] for c in enforce['closes']] == [False]
    assert [s['reason'] for s in enforce['closes'][0]['skipped_sessions']] == ['excluded_username'] * 2
    assert all(all(v) for v in still_connected(fleet).values())


# ------------------------------------------------------------------------- Windows wiring

def test_windows_result_is_judged_like_any_other(run):
    """What the role builds from a win_smb_session_info result (level 502, reliable idle time)."""
    windows = {'server': 'win02', 'level': 502, 'error': None, 'idle_time_reliable': True, 'sessions': [
        session('10.0.0.5', 'jdoe', idle=60), session('10.0.0.9', 'carol', idle=7200)]}
    result = run('session_compliance_report', auth=False, policy=POLICY, results=[windows],
                 report_dir=str(pathlib.Path(run.lab.dir) / 'win-report'))
    assert not result.get('failed'), result
    rules = {r['rule']: r['status'] for r in result['evaluations'][0]['rules']}
    assert rules == {'forbidden_users': 'violation', 'max_sessions_per_user': 'pass', 'max_idle_seconds': 'violation'}
    assert result['violating_sessions'] == {'win02': [
        {'client': '10.0.0.9', 'username': 'carol', 'rules': ['forbidden_users', 'max_idle_seconds'], 'closable': True}]}


def test_the_playbook_and_role_pass_syntax_check(ansible_env, tmp_path):
    inv = tmp_path / 'inventory.ini'
    inv.write_text('[windows]\nwin01 ansible_connection=psrp\n')
    proc = subprocess.run([PLAYBOOK, '--syntax-check', 'lanman.smb.fleet_compliance', '-i', str(inv)],
                          env=ansible_env, check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def session(client, user, idle=0):
    return {'client': client, 'username': user, 'num_opens': 1, 'active_seconds': 100, 'idle_seconds': idle,
            'user_flags': 0, 'is_guest': False, 'cleartext_password': False, 'client_type': None, 'transport': None}


def assert_junit_schema(path):
    """The JUnit schema of the format CI systems read (tests/fixtures/junit-report.xsd)."""
    import xmlschema
    xmlschema.XMLSchema(str(ROOT / 'tests' / 'fixtures' / 'junit-report.xsd')).validate(str(path))
