"""Benchmark: smb_session_audit over 1, 50 and 500 servers, and the per-host way for 50.

A script, not a test: figures depend on the machine. It prints them; the section
"Fleet audit (smb_session_audit)" of docs/benchmarks.md quotes a run.

How the load is made: LABS private Samba instances on loopback (tests/samba_lab), each
listening on ADDRESSES loopback addresses 127.0.0.1..127.0.0.<ADDRESSES> with its own port,
so LABS x ADDRESSES distinct (address, port) servers exist; server entry i of a run is
address (i // LABS) + 1 of lab (i % LABS): every entry is a separate SMB connection and
authentication, spread evenly over the smbd instances. Each lab holds SESSIONS_PER_LAB user
sessions opened by this script.

Each run is one whole `ansible localhost -m lanman.smb.smb_session_audit` command under
/usr/bin/time -v (wall seconds, peak RSS of the largest single process). While it runs, the
process tree is sampled every SAMPLE_SECONDS for open file descriptors and summed RSS.
The sizes are run interleaved (1, 50, 500, 1, 50, 500, ...) and the ratios are taken within
a round, so a machine that speeds up or slows down between rounds does not skew them.

The per-host way: `ansible-playbook` with one smb_session_info task (delegate_to localhost)
over an inventory of 50 hosts, forks 5, interleaved with the 50-server audit.

    .venv/bin/python benchmarks/fleet_audit_bench.py [--rounds 5] [--per-host-rounds 3]
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tests'))

from samba_lab.server import SambaLab  # noqa: E402

from interleave import collection_path, spread  # noqa: E402

LABS = 10
ADDRESSES = 50
SESSIONS_PER_LAB = 4
SIZES = (1, 50, 500)
SAMPLE_SECONDS = 0.05
USERS = {'alice': 'Alice-Pw-1', 'bob': 'Bob-Pw-2'}
BIN = pathlib.Path(sys.executable).parent


def servers_for(labs, count):
    return [{'server': '127.0.0.%d' % (i // len(labs) + 1), 'port': labs[i % len(labs)].port}
            for i in range(count)]


def _tree(root):
    """PIDs of ``root`` and all its descendants (from /proc)."""
    parents = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            stat = open('/proc/%s/stat' % entry).read()
        except OSError:
            continue
        parents.setdefault(int(stat.rsplit(')', 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _sample(pid):
    """(fds of the process with most, total fds, summed RSS in KiB) over the tree of pid."""
    most, total, rss = 0, 0, 0
    for p in _tree(pid):
        try:
            fds = len(os.listdir('/proc/%d/fd' % p))
            status = open('/proc/%d/status' % p).read()
        except OSError:
            continue
        most, total = max(most, fds), total + fds
        match = re.search(r'VmRSS:\s+(\d+)', status)
        rss += int(match.group(1)) if match else 0
    return most, total, rss


def timed(cmd, env):
    """Run cmd under /usr/bin/time -v; returns wall, peak RSS (MiB), peak fds, peak tree RSS, stdout."""
    with tempfile.NamedTemporaryFile('r', suffix='.time') as report:
        proc = subprocess.Popen(['/usr/bin/time', '-v', '-o', report.name] + cmd, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        peaks = dict(fds=0, tree_fds=0, tree_rss=0)

        def watch():
            while proc.poll() is None:
                most, total, rss = _sample(proc.pid)
                peaks['fds'] = max(peaks['fds'], most)
                peaks['tree_fds'] = max(peaks['tree_fds'], total)
                peaks['tree_rss'] = max(peaks['tree_rss'], rss)
                time.sleep(SAMPLE_SECONDS)
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        out = proc.communicate()[0]
        watcher.join()
        text = report.read()
    wall = re.search(r'Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)', text)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', text).group(1))
    if proc.returncode != 0:
        raise RuntimeError('%s failed (%d): %s' % (' '.join(cmd[:4]), proc.returncode, out[-3000:]))
    return dict(wall=seconds, rss=rss / 1024.0, fds=peaks['fds'], tree_fds=peaks['tree_fds'],
                tree_rss=peaks['tree_rss'] / 1024.0, out=out)


def audit_cmd(labs, count):
    lab = labs[0]
    args = dict(servers=servers_for(labs, count), auth_username=lab.admin_user,
                auth_password=lab.admin_password, auth_protocol='ntlm')
    return [str(BIN / 'ansible'), 'localhost', '-m', 'lanman.smb.smb_session_audit',
            '-a', json.dumps(args), '-e', 'ansible_python_interpreter=%s' % sys.executable]


def check_audit(result, count):
    body = json.loads(result['out'].partition(' => ')[2])
    summary = body['summary']
    if summary['servers'] != count or summary['failed']:
        raise RuntimeError('audit of %d servers was not clean: %s %s' % (
            count, summary, [e['error'] for e in body['servers'] if e['error']][:3]))
    return summary['sessions']


def per_host_files(labs, count, tmp):
    inventory = {'all': {'hosts': {}}}
    for i, entry in enumerate(servers_for(labs, count)):
        inventory['all']['hosts']['srv%03d' % i] = {'smb_address': entry['server'], 'smb_port': entry['port']}
    inv = tmp / 'inventory.json'
    inv.write_text(json.dumps(inventory))
    lab = labs[0]
    play = [{'hosts': 'all', 'gather_facts': False,
             'tasks': [{'lanman.smb.smb_session_info': {
                 'server': '{{ smb_address }}', 'port': '{{ smb_port }}', 'auth_username': lab.admin_user,
                 'auth_password': lab.admin_password, 'auth_protocol': 'ntlm'},
                 'delegate_to': 'localhost', 'vars': {'ansible_python_interpreter': sys.executable,
                                                      'ansible_connection': 'local'}}]}]
    playbook = tmp / 'per_host.yml'
    playbook.write_text(json.dumps(play))
    return [str(BIN / 'ansible-playbook'), '-i', str(inv), '-f', '5', str(playbook)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--per-host-rounds', type=int, default=3)
    options = parser.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix='fleet-bench-'))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collection_path(ROOT, tmp / 'collections'), ANSIBLE_NOCOLOR='1',
               ANSIBLE_LOCAL_TEMP=str(tmp / 'local'), ANSIBLE_REMOTE_TMP=str(tmp / 'remote'),
               ANSIBLE_HOST_KEY_CHECKING='0', ANSIBLE_DEPRECATION_WARNINGS='0')
    addresses = ['127.0.0.%d' % i for i in range(1, ADDRESSES + 1)]
    labs = [SambaLab(users=USERS, addresses=addresses) for dummy in range(LABS)]
    try:
        for lab in labs:
            lab.start()
            for n in range(SESSIONS_PER_LAB):
                lab.open_session(sorted(USERS)[n % len(USERS)])
        print('load: %d smbd instances x %d loopback addresses, %d user sessions each; ansible-core %s'
              % (LABS, ADDRESSES, SESSIONS_PER_LAB,
                 subprocess.run([str(BIN / 'ansible'), '--version'], capture_output=True, text=True, check=True)
                 .stdout.split('\n')[0]))
        runs = dict((size, []) for size in SIZES)
        per_host, audit50_peer = [], []
        per_host_cmd = per_host_files(labs, 50, tmp)
        for size in SIZES:  # warm-up: page cache, smbd's first fork
            timed(audit_cmd(labs, size), env)
        for round_number in range(options.rounds):
            for size in SIZES:
                result = timed(audit_cmd(labs, size), env)
                result['sessions'] = check_audit(result, size)
                runs[size].append(result)
                print('round %d: %3d servers %6.2f s  rss %5.1f MiB  fds %3d  sessions %d'
                      % (round_number + 1, size, result['wall'], result['rss'], result['fds'], result['sessions']))
        for round_number in range(options.per_host_rounds):
            a = timed(audit_cmd(labs, 50), env)
            check_audit(a, 50)
            b = timed(per_host_cmd, env)
            if len(re.findall(r'ok=1 .*unreachable=0 +failed=0', b['out'])) != 50:
                raise RuntimeError('per-host run failed: %s' % b['out'][-2000:])
            audit50_peer.append(a)
            per_host.append(b)
            print('per-host round %d: audit 50 %.2f s, smb_session_info x 50 (forks 5) %.2f s, tree rss %.0f MiB'
                  % (round_number + 1, a['wall'], b['wall'], b['tree_rss']))
    finally:
        for lab in labs:
            lab.stop()

    print()
    print('| servers | wall s, median (min-max) | ratio to 1 server, median (min-max) | peak RSS largest process MiB'
          ' | peak RSS process tree MiB | max open fds (one process) |')
    print('|---|---|---|---|---|---|')
    for size in SIZES:
        walls = [r['wall'] for r in runs[size]]
        ratios = [r['wall'] / one['wall'] for r, one in zip(runs[size], runs[1])]
        print('| %d | %s | %s | %.0f | %.0f | %d |' % (
            size, spread(walls), spread(ratios), max(r['rss'] for r in runs[size]),
            max(r['tree_rss'] for r in runs[size]), max(r['fds'] for r in runs[size])))
    print()
    ratios = [b['wall'] / a['wall'] for a, b in zip(audit50_peer, per_host)]
    print('| 50 servers | wall s, median (min-max) | peak RSS process tree MiB |')
    print('|---|---|---|')
    print('| smb_session_audit, one task | %s | %.0f |'
          % (spread([a['wall'] for a in audit50_peer]), max(a['tree_rss'] for a in audit50_peer)))
    print('| smb_session_info per host, forks 5 | %s | %.0f |'
          % (spread([b['wall'] for b in per_host]), max(b['tree_rss'] for b in per_host)))
    print('| ratio per-host / audit | %s | |' % spread(ratios))


if __name__ == '__main__':
    main()
