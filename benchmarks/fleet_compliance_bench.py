"""Benchmark: the fleet compliance playbook over 1, 50, 200 and 400 agentless inventory hosts,
each beside smb_session_audit over the same servers.

A script, not a test: figures depend on the machine. It prints them; the section "Fleet
compliance playbook" of docs/benchmarks.md quotes a run and states the goals (issue 15, defect 9):
the playbook over 200 hosts at most 2x the audit module over the same servers, 400 hosts at
most 2.2x 200 hosts, 50 hosts at most 2x one host.

How the load is made: as in fleet_audit_bench.py, LABS private Samba instances on loopback
(tests/samba_lab), each listening on ADDRESSES loopback addresses with its own port; server i
is address (i // LABS) + 1 of lab (i % LABS), so every server is its own TCP connection, SMB
logon and srvsvc listing, spread evenly over the smbd instances, each holding SESSIONS_PER_LAB
user sessions. The playbook run is `ansible-playbook lanman.smb.fleet_compliance` from a scratch
working directory with an inventory of N hosts (smb_agentless, smb_server, smb_port), a policy
file and a report directory given as relative paths; the peer is `ansible localhost -m
lanman.smb.smb_session_audit` over the same N servers. Both run under /usr/bin/time -v.

Each round runs every size, and within a size the two peers back to back, the order
alternating between rounds (A B, B A, ...); ratios are taken within a round (playbook / audit
at one size; playbook at 50 / at 1 and at 400 / at 200), so a machine that speeds up or slows
down between rounds does not skew them. Medians and min-max of those ratios are printed.

    .venv/bin/python benchmarks/fleet_compliance_bench.py [--rounds 5]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tests'))
sys.path.insert(0, str(ROOT / 'benchmarks'))

from fleet_audit_bench import BIN, audit_cmd, check_audit, servers_for, timed  # noqa: E402
from samba_lab.server import SambaLab  # noqa: E402

from interleave import collection_path, spread  # noqa: E402

LABS = 10
ADDRESSES = 40
SESSIONS_PER_LAB = 4
SIZES = (1, 50, 200, 400)
USERS = {'alice': 'Alice-Pw-1', 'bob': 'Bob-Pw-2'}
POLICY = 'forbidden_users: [mallory]\nmax_sessions_per_user: 50\n'


def playbook_job(labs, count, base):
    """A scratch working directory with inventory.json, policy.yml and vars.json for ``count`` hosts."""
    job = base / ('job-%d' % count)
    job.mkdir()
    hosts = dict(('srv%03d' % i, {'smb_agentless': True, 'smb_server': entry['server'], 'smb_port': entry['port']})
                 for i, entry in enumerate(servers_for(labs, count)))
    (job / 'inventory.json').write_text(json.dumps({'all': {'hosts': hosts}}))
    (job / 'policy.yml').write_text(POLICY)
    lab = labs[0]
    (job / 'vars.json').write_text(json.dumps({
        'session_compliance_auth_username': lab.admin_user, 'session_compliance_auth_password': lab.admin_password,
        'session_compliance_auth_protocol': 'ntlm', 'ansible_python_interpreter': sys.executable}))
    return job


def playbook_cmd(job):
    return (job, [str(BIN / 'ansible-playbook'), 'lanman.smb.fleet_compliance', '-i', 'inventory.json',
                  '-e', 'session_compliance_policy_file=policy.yml', '-e', 'session_compliance_report_dir=out',
                  '-e', '@vars.json'])


def run_playbook(job_cmd, env, count):
    job, cmd = job_cmd
    here = os.getcwd()
    os.chdir(str(job))  # the documented CI command runs from the job's directory
    try:
        result = timed(cmd, env)
    finally:
        os.chdir(here)
    report = json.loads((job / 'out' / 'report.json').read_text())
    if report['summary']['servers'] != count or report['summary']['errors']:
        raise RuntimeError('playbook over %d hosts was not clean: %s' % (count, report['summary']))
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=5)
    options = parser.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix='compliance-bench-'))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collection_path(ROOT, tmp / 'collections'), ANSIBLE_NOCOLOR='1',
               ANSIBLE_LOCAL_TEMP=str(tmp / 'local'), ANSIBLE_REMOTE_TMP=str(tmp / 'remote'),
               ANSIBLE_HOST_KEY_CHECKING='0', ANSIBLE_DEPRECATION_WARNINGS='0')
    addresses = ['127.0.0.%d' % i for i in range(1, ADDRESSES + 1)]
    labs = [SambaLab(users=USERS, addresses=addresses) for dummy in range(LABS)]
    audit, play = dict((n, []) for n in SIZES), dict((n, []) for n in SIZES)
    try:
        for lab in labs:
            lab.start()
            for n in range(SESSIONS_PER_LAB):
                lab.open_session(sorted(USERS)[n % len(USERS)])
        print('load: %d smbd instances x %d loopback addresses, %d user sessions each; %s'
              % (LABS, ADDRESSES, SESSIONS_PER_LAB,
                 subprocess.run([str(BIN / 'ansible'), '--version'], capture_output=True, text=True, check=True)
                 .stdout.split('\n')[0]))
        jobs = dict((n, playbook_cmd(playbook_job(labs, n, tmp))) for n in SIZES)
        for n in SIZES:  # warm-up: page cache, smbd's first forks
            timed(audit_cmd(labs, n), env)
            run_playbook(jobs[n], env, n)
        for round_number in range(options.rounds):
            for n in SIZES:
                peers = [('audit', lambda: timed(audit_cmd(labs, n), env)),
                         ('playbook', lambda: run_playbook(jobs[n], env, n))]
                if round_number % 2:
                    peers.reverse()
                for name, run in peers:
                    result = run()
                    if name == 'audit':
                        check_audit(result, n)
                    (audit if name == 'audit' else play)[n].append(result)
                print('round %d: %3d hosts  playbook %6.2f s  audit %6.2f s  ratio %.2f'
                      % (round_number + 1, n, play[n][-1]['wall'], audit[n][-1]['wall'],
                         play[n][-1]['wall'] / audit[n][-1]['wall']))
    finally:
        for lab in labs:
            lab.stop()

    print()
    print('| hosts | playbook wall s, median (min-max) | smb_session_audit wall s, median (min-max) '
          '| playbook / audit per round, median (min-max) | playbook peak RSS, process tree MiB |')
    print('|---|---|---|---|---|')
    for n in SIZES:
        ratios = [p['wall'] / a['wall'] for p, a in zip(play[n], audit[n])]
        print('| %d | %s | %s | %s | %.0f |' % (
            n, spread([p['wall'] for p in play[n]]), spread([a['wall'] for a in audit[n]]), spread(ratios),
            max(p['tree_rss'] for p in play[n])))
    print()
    print('| playbook, per round | ratio, median (min-max) | goal |')
    print('|---|---|---|')
    print('| 200 hosts / audit over 200 | %s | <= 2 |'
          % spread([p['wall'] / a['wall'] for p, a in zip(play[200], audit[200])]))
    print('| 400 hosts / 200 hosts | %s | <= 2.2 |' % spread([b['wall'] / a['wall'] for a, b in zip(play[200], play[400])]))
    print('| 50 hosts / 1 host | %s | <= 2 |' % spread([b['wall'] / a['wall'] for a, b in zip(play[1], play[50])]))


if __name__ == '__main__':
    main()
