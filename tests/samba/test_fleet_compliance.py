"""The fleet compliance playbook run as docs/compliance.md tells a CI job to run it:

    ansible-playbook lanman.smb.fleet_compliance -i inventory.json \\
      -e session_compliance_policy_file=policy.yml -e session_compliance_report_dir=smb-compliance -e @vars.json

from a scratch working directory (relative paths; the PWD variable left pointing elsewhere, as a
CI runner starting a process may leave it), by FQCN, against real Samba servers on loopback.

The read-only fleet (one per module, shared by the tests that only read it):

  fs-bad       alice; carol twice (forbidden); dave (forbidden, waived); erin (forbidden, her waiver
               expired); a null session (smbclient -N: Samba lists it as 'nobody' with the guest flag);
               a half-open logon (session setup started, never finished: user ''); the audit's own
  fs-bad-unc   the same server as fs-bad, written \\\\127.0.0.1: a duplicate
  fs-ok-v6     another server, written [::1]; alice and bob, compliant
  fs-ok-dot    the same smbd as fs-ok-v6, written localhost. (a trailing dot)
  127.0.0.1    the same smbd again, as a bare session_compliance_servers entry on the default port
  fs-denied    in the group smb_agentless, ansible_host form; the audit account lost its admin rights
  fs-down      a session_compliance_servers dict entry: a free port with nothing listening
  win01        a Windows host (ansible_connection=winrm) whose WinRM port is closed: unreachable
  printer01    an inventory host that is neither Windows nor agentless

Enforcement runs against a server of its own (its sessions are closed), listed only in
session_compliance_servers with an empty inventory.

The Windows path cannot run here (no Windows host): only its failure capture runs for real
(win01); a Windows-shaped result is fed to the report module directly in
test_windows_result_is_judged_like_any_other.
"""
import csv
import json
import os
import pathlib
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET

import pytest
import yaml

from samba_lab.server import SambaLab, free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAYBOOK = str(pathlib.Path(sys.executable).with_name('ansible-playbook'))
REPORTS = ('report.json', 'sessions.csv', 'findings.csv', 'report.html', 'junit.xml')
USERS = {'alice': 'Alice-Pw-1', 'bob': 'Bob-Pw-2', 'carol': 'Carol-Pw-3', 'dave': 'Dave-Pw-4', 'erin': 'Erin-Pw-5'}

POLICY = {
    'name': 'lab policy',
    'forbidden_users': ['carol', 'dave', 'erin', ''],          # '' = anonymous sessions
    'allowed_users': ['alice', 'bob', 'carol', 'dave', 'erin', ''],   # the audit account is not listed
    'max_sessions_per_user': 3,
    'max_idle_seconds': 3600,              # Samba reports no idle time: not evaluable, never a pass
    'deny_cleartext_password': True,       # Samba's user_flags carry only the guest bit: not evaluable
    'waivers': [
        {'rule': 'forbidden_users', 'user': 'dave', 'justification': 'vendor access until CHG-1 (2999)',
         'expires': '2999-12-31'},
        {'rule': 'forbidden_users', 'user': 'erin', 'justification': 'old exception', 'expires': '2000-01-01'},
    ],
}


# ------------------------------------------------------------------------- client helpers

class NullSession:
    """An anonymous (null) SMB session to IPC$, held open by smbclient -N."""

    def __init__(self, lab):
        self.proc = subprocess.Popen(['smbclient', '-N', '//127.0.0.1/IPC$', '-p', str(lab.port), '-m', 'SMB3'],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def close(self):
        self.proc.kill()
        self.proc.wait(10)


class HalfOpenLogon:
    """A connection whose logon started (first NTLM leg of SESSION_SETUP) and never finished."""

    def __init__(self, lab):
        import spnego
        from smbprotocol.connection import Connection
        from smbprotocol.exceptions import MoreProcessingRequired
        from smbprotocol.session import SMB2SessionSetupRequest
        self.connection = Connection(uuid.uuid4(), '127.0.0.1', lab.port, require_signing=False)
        self.connection.connect(timeout=10)
        context = spnego.client('alice', USERS['alice'], hostname='127.0.0.1', service='cifs', protocol='ntlm')
        request = SMB2SessionSetupRequest()
        request['security_mode'] = self.connection.client_security_mode
        request['buffer'] = context.step()
        try:
            self.connection.receive(self.connection.send(request))
        except MoreProcessingRequired:
            pass  # the server waits for the second leg, which never comes
        self.opened = time.monotonic()

    def close(self):
        self.connection.disconnect()


def revoke_admin(lab):
    """The audit account stays valid but loses BUILTIN\\Administrators: listing is denied."""
    listing = lab._net('groupmap', 'list')
    lab._net('groupmap', 'delmem', 'S-1-5-32-544', listing.split('Domain Admins (', 1)[1].split(')', 1)[0])


# ------------------------------------------------------------------------- running the CI command

class Job:
    """A CI job's scratch working directory: inventory.json, policy.yml and vars.json, by relative path."""

    def __init__(self, directory, env, admin):
        self.dir = directory
        self.env = dict(env, PWD=str(ROOT))   # a stale PWD must not matter
        self.admin = admin
        self.dir.mkdir(parents=True, exist_ok=True)

    def write(self, inventory, policy=None, policy_text=None, **variables):
        data = {'all': {'hosts': inventory.get('hosts', {}), 'children': inventory.get('children', {})}}
        (self.dir / 'inventory.json').write_text(json.dumps(data))
        (self.dir / 'policy.yml').write_text(policy_text if policy_text is not None else yaml.safe_dump(policy))
        data = {'session_compliance_auth_username': self.admin.admin_user,
                'session_compliance_auth_password': self.admin.admin_password,
                'session_compliance_auth_protocol': 'ntlm', 'session_compliance_timeout': 10,
                'ansible_python_interpreter': sys.executable}
        data.update(variables)
        (self.dir / 'vars.json').write_text(json.dumps(data))

    def run(self, *extra, report_dir='smb-compliance'):
        cmd = [PLAYBOOK, 'lanman.smb.fleet_compliance', '-i', 'inventory.json',
               '-e', 'session_compliance_policy_file=policy.yml']
        if report_dir:
            cmd += ['-e', 'session_compliance_report_dir=%s' % report_dir]
        cmd += ['-e', '@vars.json'] + list(extra)
        proc = subprocess.run(cmd, cwd=str(self.dir), env=self.env, check=False, capture_output=True, text=True,
                              timeout=300)
        proc.output = proc.stdout + proc.stderr
        proc.report_dir = self.dir / 'smb-compliance'
        return proc


def load_report(proc):
    path = proc.report_dir / 'report.json'
    assert path.exists(), proc.output[-4000:]
    return json.loads(path.read_text())


def by_server(report):
    return {e['server']: e for e in report['servers']}


def rule_status(server):
    return {r['rule']: r['status'] for r in server['rules']}


def sessions_of(server, user):
    return [s for s in server['sessions'] if s['username'] == user]


def assert_reports_written(proc):
    missing = [name for name in REPORTS if not (proc.report_dir / name).is_file()]
    assert not missing, 'missing %s\n%s' % (missing, proc.output[-4000:])


def assert_junit_schema(path):
    """The JUnit schema of the format CI systems read (tests/fixtures/junit-report.xsd)."""
    import xmlschema
    xmlschema.XMLSchema(str(ROOT / 'tests' / 'fixtures' / 'junit-report.xsd')).validate(str(path))


def stray_report_dirs():
    """Report directories a relative path must never create inside the collection."""
    return [p for p in (ROOT / 'playbooks' / 'smb-compliance', ROOT / 'roles' / 'session_compliance' / 'smb-compliance',
                        ROOT / 'smb-compliance') if p.exists()]


# ------------------------------------------------------------------------- the read-only fleet

@pytest.fixture(scope='module')
def fleet():
    labs, held = [], []
    try:
        bad = SambaLab(users=USERS).start()
        labs.append(bad)
        ok = SambaLab(users=USERS).start()
        labs.append(ok)
        denied = SambaLab(users=USERS).start()
        labs.append(denied)
        revoke_admin(denied)
        clients = {'alice': [bad.open_session('alice')], 'carol': [bad.open_session('carol'), bad.open_session('carol')],
                   'dave': [bad.open_session('dave')], 'erin': [bad.open_session('erin')]}
        ok.open_session('alice')
        ok.open_session('bob')
        held.append(NullSession(bad))
        half_open = HalfOpenLogon(bad)
        held.append(half_open)
        down_port, win_port = free_port(), free_port()
        inventory = {'hosts': {
            'fs-bad': {'smb_agentless': True, 'smb_server': '127.0.0.1', 'smb_port': bad.port},
            'fs-bad-unc': {'smb_agentless': True, 'smb_server': '\\\\127.0.0.1', 'smb_port': bad.port},
            'fs-ok-v6': {'smb_agentless': True, 'smb_server': '[::1]', 'smb_port': ok.port},
            'fs-ok-dot': {'smb_agentless': 'yes', 'smb_server': 'localhost.', 'smb_port': ok.port},
            'win01': {'ansible_connection': 'winrm', 'ansible_host': '127.0.0.1', 'ansible_port': win_port,
                      'ansible_user': 'Administrator', 'ansible_password': 'x',
                      'ansible_winrm_transport': 'ntlm', 'ansible_winrm_scheme': 'http'},
            'printer01': {},
        }, 'children': {'smb_agentless': {'hosts': {
            'fs-denied': {'ansible_host': '127.0.0.1', 'smb_port': denied.port}}}}}
        servers = [{'server': '127.0.0.1', 'port': down_port, 'name': 'fs-down'}, '127.0.0.1']
        yield {'bad': bad, 'ok': ok, 'inventory': inventory, 'servers': servers, 'port': ok.port,
               'clients': clients, 'half_open': half_open}
    finally:
        for handle in held:
            handle.close()
        for lab in labs:
            lab.stop()


def test_the_documented_ci_command_twice(ansible_env, fleet, tmp_path):
    """Run 1: the truth of every server, every report. Run 2, in the same directory: compared with
    run 1; fails only on the new finding (the half-open logon, judged once it has lasted)."""
    job = Job(tmp_path / 'job', ansible_env, fleet['bad'])
    job.write(fleet['inventory'], POLICY, session_compliance_servers=fleet['servers'],
              session_compliance_port=fleet['port'], session_compliance_logon_grace_seconds=600)
    first = job.run()
    assert first.returncode != 0, first.output[-4000:]
    assert ('SMB session compliance [violation, not-audited]: 4 violations on 1 server; 1 finding waived; '
            '4 servers not audited; 8 rule results not evaluable; 1 duplicate listed under another name. Reports in %s'
            % (job.dir / 'smb-compliance')) in first.output, first.output[-4000:]
    assert_reports_written(first)
    assert stray_report_dirs() == []
    report = load_report(first)
    servers = by_server(report)
    assert sorted(servers) == ['127.0.0.1', 'fs-bad', 'fs-bad-unc', 'fs-denied', 'fs-down', 'fs-ok-dot', 'fs-ok-v6',
                               'printer01', 'win01']

    # every server form is audited under its own name
    for name, address in (('fs-ok-v6', '::1'), ('fs-ok-dot', 'localhost'), ('127.0.0.1', '127.0.0.1'),
                          ('fs-bad', '127.0.0.1')):
        assert servers[name]['error'] is None and servers[name]['address'] == address, servers[name]
        assert servers[name]['server_kind'] == 'samba'
    for name in ('fs-ok-v6', 'fs-ok-dot', '127.0.0.1'):
        assert sorted(s['username'] for s in servers[name]['sessions'] if not s['own_session']) == ['alice', 'bob']
        assert servers[name]['findings'] == []
    # the duplicate is reported, audited once, and hides nothing
    assert servers['fs-bad-unc']['duplicate_of'] == 'fs-bad' and servers['fs-bad-unc']['sessions'] == []
    assert report['summary']['duplicates'] == 1 and report['summary']['servers'] == 8

    bad = servers['fs-bad']
    findings = [(f['rule'], f['session']['username'], f['waiver_status']) for f in bad['findings']]
    assert sorted(findings, key=str) == sorted([
        ('forbidden_users', 'carol', None), ('forbidden_users', 'carol', None),
        ('forbidden_users', 'dave', 'active'), ('forbidden_users', 'erin', 'expired'),
        ('forbidden_users', 'nobody', None)], key=str)
    # carol's two sessions read alike; the messages tell them apart
    assert len(set(f['message'] for f in bad['findings'] if f['session']['username'] == 'carol')) == 2
    erin = next(f for f in bad['findings'] if f['session']['username'] == 'erin')
    assert erin['message'].endswith('waivers[1] expired on 2000-01-01 (old exception)')
    # the null session: Samba's guest account with the guest flag, anonymous, caught by ''
    (nobody,) = sessions_of(bad, 'nobody')
    assert (nobody['is_guest'], nobody['anonymous'], nobody['violations']) == (True, True, ['forbidden_users'])
    nobody_finding = next(f for f in bad['findings'] if f['session']['username'] == 'nobody')
    assert "(anonymous) from '127.0.0.1': user matches forbidden_users entry ''" in nobody_finding['message']
    # the half-open logon: labelled, not judged (younger than the grace)
    (half,) = sessions_of(bad, '')
    assert (half['logon_in_progress'], half['judged'], half['violations']) == (True, False, [])
    # the audit's own session: labelled, not judged (allowed_users does not list the audit account)
    own = sessions_of(bad, fleet['bad'].admin_user)
    assert own and all(s['own_session'] and not s['judged'] and not s['violations'] for s in own)
    assert rule_status(bad) == {'forbidden_users': 'violation', 'allowed_users': 'pass', 'max_sessions_per_user': 'pass',
                                'max_idle_seconds': 'not_evaluable', 'deny_cleartext_password': 'not_evaluable'}
    assert (report['summary']['violations'], report['summary']['waived']) == (4, 1)

    # every server that could not be audited says why, once, and hides no other server
    assert 'denied' in servers['fs-denied']['error'].lower(), servers['fs-denied']
    assert servers['fs-down']['error'] and servers['win01']['error'].startswith('unreachable')
    assert 'not audited' in servers['printer01']['error']
    assert report['summary']['errors'] == 4

    # CSV: the findings with their status; the sessions with their labels
    rows = list(csv.DictReader((first.report_dir / 'findings.csv').open()))
    assert sorted((r['username'], r['status']) for r in rows) == [
        ('carol', 'violation'), ('carol', 'violation'), ('dave', 'waived'), ('erin', 'violation'),
        ('nobody', 'violation')]
    sessions = list(csv.DictReader((first.report_dir / 'sessions.csv').open()))
    assert {(r['server'], r['username']): r['logon_in_progress'] for r in sessions}[('fs-bad', '')] == 'true'

    # JUnit: valid; the violated rule fails naming the unwaived findings; one error per unaudited server
    assert_junit_schema(first.report_dir / 'junit.xml')
    junit = ET.parse(str(first.report_dir / 'junit.xml')).getroot()
    cases = {(c.get('classname'), c.get('name')): c for c in junit.iter('testcase')}
    assert sorted(k for k, c in cases.items() if c.find('failure') is not None) == [('fs-bad', 'forbidden_users')]
    failure = cases[('fs-bad', 'forbidden_users')].find('failure')
    assert failure.get('message').startswith('4 violations: ') and '1 more finding(s) waived' in failure.text
    assert sorted(k for k, c in cases.items() if c.find('error') is not None) == [
        ('fs-denied', 'audit'), ('fs-down', 'audit'), ('printer01', 'audit'), ('win01', 'audit')]
    assert cases[('fs-bad-unc', 'audit')].find('skipped') is not None
    assert junit.get('errors') == '4'

    # Run 2: one of carol's sessions ended; the half-open logon has now lasted past a 1 s grace
    fleet['clients']['carol'].pop().close()
    while time.monotonic() - fleet['half_open'].opened < 2:
        time.sleep(0.2)
    job.write(fleet['inventory'], POLICY, session_compliance_servers=fleet['servers'],
              session_compliance_port=fleet['port'], session_compliance_logon_grace_seconds=1,
              session_compliance_fail_on_new_only=True, session_compliance_fail_on_error=False)
    second = job.run(report_dir=None)   # the default report directory: smb-compliance, relative
    assert second.returncode != 0, second.output[-4000:]
    assert ('SMB session compliance [violation]: 4 violations on 1 server (1 new, 3 persisting; 1 resolved); '
            '1 finding waived; 4 servers not audited;') in second.output, second.output[-4000:]
    again = load_report(second)
    assert again['change']['previous_generated'] == report['generated']
    bad = by_server(again)['fs-bad']
    changes = sorted((f['session']['username'], f['change'], f['first_seen'] == report['generated'])
                     for f in bad['findings'])
    assert changes == [('', 'new', False), ('carol', 'persisting', True), ('dave', 'persisting', True),
                       ('erin', 'persisting', True), ('nobody', 'persisting', True)]
    (half,) = sessions_of(bad, '')
    assert (half['logon_in_progress'], half['judged'], half['anonymous']) == (True, True, True)
    assert [(f['server'], f['session']['username']) for f in again['change']['resolved_findings']] == [('fs-bad', 'carol')]
    page = (second.report_dir / 'report.html').read_text()
    assert 'Compared with the report of %s.' % report['generated'] in page and 'id="resolved"' in page


def test_a_bad_policy_fails_before_any_server_is_contacted(ansible_env, fleet, tmp_path):
    job = Job(tmp_path / 'job', ansible_env, fleet['bad'])
    job.write(fleet['inventory'], {'forbiden_users': ['carol']})
    proc = job.run()
    assert proc.returncode != 0
    assert "SMB session compliance [bad-policy]: the policy (%s) is invalid: policy key 'forbiden_users' is unknown " \
           "(did you mean 'forbidden_users'?)" % (job.dir / 'policy.yml') in proc.output, proc.output[-3000:]
    assert 'List the SMB sessions' not in proc.output, 'a server was contacted before the policy was checked'
    assert not proc.report_dir.exists()


def test_nothing_audited_is_never_green(ansible_env, fleet, tmp_path):
    """An empty inventory, and a --limit that leaves out the controller, fail with a message."""
    job = Job(tmp_path / 'job', ansible_env, fleet['bad'])
    job.write({'hosts': {}}, POLICY)
    proc = job.run()
    assert proc.returncode != 0
    assert "SMB session compliance [bad-input]: nothing to audit: the host pattern 'all' matched no inventory host" \
           in proc.output, proc.output[-3000:]
    job.write(fleet['inventory'], POLICY)
    proc = job.run('--limit', 'fs-ok-v6')
    assert proc.returncode != 0
    assert 'SMB session compliance [bad-input]: nothing was audited, because --limit leaves out localhost' \
           in proc.output, proc.output[-3000:]
    assert not proc.report_dir.exists()


# ------------------------------------------------------------------------- enforce

def test_enforcement_closes_exactly_the_violators_and_leaves_mixed_pairs_alone(ansible_env, tmp_path):
    """A server given only in session_compliance_servers (no inventory host at all):
    carol twice (forbidden, every session of the pair violates), erin (forbidden, excluded from
    enforcement), bob twice from one client (one session holds too many files: a mixed pair), alice."""
    policy = {'forbidden_users': ['carol', 'erin'], 'max_open_files_per_session': 2}
    with SambaLab(users=USERS) as lab:
        clients = {'alice': [lab.open_session('alice')], 'carol': [lab.open_session('carol'), lab.open_session('carol')],
                   'erin': [lab.open_session('erin')], 'bob': [lab.open_session('bob'), lab.open_session('bob')]}
        bob = clients['bob'][0]
        for number in range(2):   # one of bob's sessions holds 3 files, over the limit of 2
            bob.open_file('extra-%s-%d-%d.txt' % (bob.user, bob.local_port, number))

        def alive():
            return dict((user, [c.alive() for c in sessions]) for user, sessions in clients.items())

        job = Job(tmp_path / 'job', ansible_env, lab)
        job.write({'hosts': {}}, policy, session_compliance_servers=[{'server': '127.0.0.1', 'port': lab.port,
                                                                      'name': 'fs-e'}],
                  session_compliance_enforce=True, session_compliance_exclude_username=['erin'])

        dry = job.run('--check')
        assert dry.returncode != 0 and 'SMB session compliance [violation]' in dry.output, dry.output[-4000:]
        enforce = json.loads((dry.report_dir / 'enforce.json').read_text())
        assert enforce['check_mode'] is True and enforce['mixed_pairs_closed'] is False
        closes = dict((c['username'], c) for c in enforce['closes'])
        assert sorted(closes) == ['carol', 'erin']
        assert closes['carol']['changed'] and len(closes['carol']['closed_sessions']) == 2   # what it would close
        assert not closes['erin']['changed']
        assert [s['reason'] for s in closes['erin']['skipped_sessions']] == ['excluded_username']
        (bob,) = [a for a in enforce['left_alone'] if a['username'] == 'bob']
        assert bob['rules'] == ['max_open_files_per_session'] and 'also holds 1 compliant session' in bob['reason']
        assert all(all(v) for v in alive().values()), alive()

        real = job.run()
        assert real.returncode != 0, real.output[-4000:]   # the violations happened: the run still fails
        enforce = json.loads((real.report_dir / 'enforce.json').read_text())
        assert enforce['check_mode'] is False
        assert [(c['username'], c['changed'], c['failed']) for c in enforce['closes']] == [
            ('carol', True, False), ('erin', False, False)]
        assert alive() == {'alice': [True], 'carol': [False, False], 'erin': [True], 'bob': [True, True]}

        job.write({'hosts': {}}, policy, session_compliance_servers=[{'server': '127.0.0.1', 'port': lab.port,
                                                                      'name': 'fs-e'}],
                  session_compliance_enforce=True, session_compliance_exclude_username=['erin'],
                  session_compliance_enforce_mixed_pairs=True)
        mixed = job.run()
        enforce = json.loads((mixed.report_dir / 'enforce.json').read_text())
        assert enforce['mixed_pairs_closed'] is True
        assert [(c['username'], c['mixed'], c['changed']) for c in enforce['closes']] == [
            ('bob', True, True), ('erin', False, False)]
        assert alive() == {'alice': [True], 'carol': [False, False], 'erin': [True], 'bob': [False, False]}


# ------------------------------------------------------------------------- Windows wiring

def test_windows_result_is_judged_like_any_other(module_runner, tmp_path):
    """What the role builds from a win_smb_session_info result (level 502, reliable idle time)."""
    windows = {'server': 'win02', 'level': 502, 'error': None, 'idle_time_reliable': True, 'sessions': [
        session('10.0.0.5', 'jdoe', idle=60), session('10.0.0.9', 'carol', idle=7200)]}
    policy = {'forbidden_users': ['carol'], 'max_sessions_per_user': 3, 'max_idle_seconds': 3600,
              'deny_cleartext_password': True}
    result = module_runner('session_compliance_report', policy=policy, results=[windows],
                           report_dir=str(tmp_path / 'win-report'))
    assert not result.get('failed'), result
    rules = {r['rule']: r['status'] for r in result['evaluations'][0]['rules']}
    assert rules == {'forbidden_users': 'violation', 'max_sessions_per_user': 'pass', 'max_idle_seconds': 'violation',
                     'deny_cleartext_password': 'pass'}
    assert result['violating_sessions'] == {'win02': [
        {'client': '10.0.0.9', 'username': 'carol', 'rules': ['forbidden_users', 'max_idle_seconds'], 'mixed': False,
         'closable': True}]}


def test_the_playbook_and_role_pass_syntax_check(ansible_env, tmp_path):
    inv = tmp_path / 'inventory.ini'
    inv.write_text('[windows]\nwin01 ansible_connection=psrp\n')
    proc = subprocess.run([PLAYBOOK, '--syntax-check', 'lanman.smb.fleet_compliance', '-i', str(inv)],
                          env=ansible_env, check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def session(client, user, idle=0):
    return {'client': client, 'username': user, 'num_opens': 1, 'active_seconds': 100, 'idle_seconds': idle,
            'user_flags': 0, 'is_guest': False, 'cleartext_password': False, 'client_type': None, 'transport': None}


def test_no_test_left_a_report_inside_the_collection():
    assert stray_report_dirs() == [] and not os.path.exists(str(ROOT / 'playbooks' / 'reports'))
