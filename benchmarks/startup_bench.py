"""Benchmark: `ansible localhost -m lanman.smb.smb_session_info` against `ansible localhost -m ping`.

Starts a private Samba on loopback (tests/samba_lab), opens SESSIONS sessions (many SMB
sessions on a few TCP connections, as benchmarks/srvsvc_bench.py does), then runs, for each
round, `ping` and `smb_session_info` from each checkout given, in an order that rotates every
round (A, B, A, B... with the start shifted), and prints per checkout the median and min-max
of the ratio info / ping of the same round. Also prints what importing the module's
module_utils costs in a fresh interpreter (median wall time), for the breakdown.

    .venv/bin/python benchmarks/startup_bench.py [--before /work/main] [--rounds 15]

A script, not a test: figures depend on the machine (record them in docs/benchmarks.md).
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tests'))

from smbprotocol.connection import Connection  # noqa: E402
from smbprotocol.session import Session  # noqa: E402

from samba_lab.server import SambaLab  # noqa: E402

from interleave import children_cpu_seconds, collection_path  # noqa: E402

SESSIONS = 1000
PER_CONNECTION = 250
# The held connections have been seen to drop after some minutes here; every round first
# checks that the server still lists the sessions and reopens them if not (outside the timing).
BIN = pathlib.Path(sys.executable).parent


def open_sessions(lab, user, count):
    """``count`` SMB sessions of ``user``, PER_CONNECTION per TCP connection."""
    conns = []
    for start in range(0, count, PER_CONNECTION):
        conn = Connection(uuid.uuid4(), '127.0.0.1', lab.port, require_signing=True)
        conn.connect(timeout=10)
        for dummy in range(min(PER_CONNECTION, count - start)):
            Session(conn, user, lab.users[user], require_encryption=False, auth_protocol='ntlm').connect()
        conns.append(conn)
    return conns


def listed_sessions(lab):
    # This checkout's client, through the collection path main() put on sys.path.
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
    with SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm') as client:
        return len(client.enum_sessions(1))


def ensure_sessions(lab, holders):
    if listed_sessions(lab) > SESSIONS:
        return holders
    for conn in holders:
        try:
            conn.disconnect()
        except Exception:
            pass
    holders = open_sessions(lab, 'bench', SESSIONS)
    assert listed_sessions(lab) > SESSIONS
    return holders


def timed(cmd, env):
    """Wall time, CPU time of the command and its children (less disturbed by a busy machine), stdout."""
    start, cpu = time.perf_counter(), children_cpu_seconds()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    elapsed = time.perf_counter() - start, children_cpu_seconds() - cpu
    if proc.returncode != 0:
        raise RuntimeError('%s failed: %s %s' % (' '.join(cmd[:4]), proc.stdout[-2000:], proc.stderr[-2000:]))
    return elapsed, proc.stdout


def import_cost(coll, runs=11):
    """Median wall time of a fresh interpreter importing basic + the module's utils, minus basic alone."""
    code = 'import ansible.module_utils.basic%s'
    glue = 'agentless_module'   # smb_session_ops before the module_utils became a package
    if not (pathlib.Path(coll) / 'ansible_collections/lanman/smb/plugins/module_utils/agentless_module.py').exists():
        glue = 'smb_session_ops'
    utils = '; import ansible_collections.lanman.smb.plugins.module_utils.' + glue
    if (pathlib.Path(coll) / 'ansible_collections/lanman/smb/plugins/module_utils/list_and_close.py').exists():
        # since issue 16 the glue is thin: smb_session also imports the rules files it no longer pulls in
        utils += ''.join('; import ansible_collections.lanman.smb.plugins.module_utils.' + name
                         for name in ('client_resolver', 'close_planning', 'list_and_close'))
    env = dict(os.environ, PYTHONPATH=coll)
    base, full = [], []
    for dummy in range(runs):
        for out, extra in ((base, ''), (full, utils)):
            start = time.perf_counter()
            subprocess.run([sys.executable, '-c', code % extra], env=env, check=True)
            out.append(time.perf_counter() - start)
    return statistics.median(full) - statistics.median(base)


def summary(values):
    return 'median %.3f (min %.3f, max %.3f)' % (statistics.median(values), min(values), max(values))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--before', type=pathlib.Path, help='another checkout to compare (e.g. /work/main)')
    parser.add_argument('--rounds', type=int, default=15)
    args = parser.parse_args()
    checkouts = [('after', ROOT)] + ([('before', args.before.resolve())] if args.before else [])
    with tempfile.TemporaryDirectory() as tmp, \
            SambaLab(users={'bench': 'Bench-Pw-1'}) as lab:
        holders = open_sessions(lab, 'bench', SESSIONS)
        env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable)
        envs = {}
        for name, root in checkouts:
            envs[name] = dict(env, ANSIBLE_COLLECTIONS_PATH=collection_path(root, '%s/%s' % (tmp, name)))
        sys.path.insert(0, envs['after']['ANSIBLE_COLLECTIONS_PATH'])
        module_args = json.dumps({'server': '127.0.0.1', 'port': lab.port, 'auth_username': lab.admin_user,
                                  'auth_password': lab.admin_password, 'auth_protocol': 'ntlm', 'level': 1})
        ping = [str(BIN / 'ansible'), 'localhost', '-m', 'ping']
        info = [str(BIN / 'ansible'), 'localhost', '-m', 'lanman.smb.smb_session_info', '-a', module_args]
        for name, dummy in checkouts:      # warm-up; also checks that every listing sees the sessions
            out = timed(info, envs[name])[1]
            count = json.loads(out[out.index('{'):])['sessions']
            assert len(count) >= SESSIONS, (name, len(count))
        timed(ping, env)
        jobs = [('ping', ping, env)] + [(name, info, envs[name]) for name, dummy in checkouts]
        times = {name: [] for name, dummy, dummy2 in jobs}
        listed = []
        for rnd in range(args.rounds):
            holders = ensure_sessions(lab, holders)
            shift = rnd % len(jobs)
            round_times, round_listed = {}, []
            for name, cmd, job_env in jobs[shift:] + jobs[:shift]:
                elapsed, out = timed(cmd, job_env)
                round_times[name] = elapsed    # (wall, cpu)
                if cmd is info:
                    round_listed.append(len(json.loads(out[out.index('{'):])['sessions']))
            listed.extend(round_listed)
            # Held sessions sometimes drop mid-round here: a round counts only if every listing
            # in it saw all of them, so both checkouts are compared on the same load.
            if min(round_listed) > SESSIONS:
                for name in round_times:
                    times[name].append(round_times[name])
        for conn in holders:
            conn.disconnect()
        print('%d sessions opened, %d rounds; listings returned %d-%d sessions; %d rounds where every '
              'listing saw all sessions are used' % (SESSIONS, args.rounds, min(listed), max(listed), len(times['ping'])))
        for i, what in ((0, 'wall'), (1, 'CPU')):
            ping_t = [t[i] for t in times['ping']]
            print('%s time: ping %s s' % (what, summary(ping_t)))
            for name, root in checkouts:
                mine = [t[i] for t in times[name]]
                print('  smb_session_info %-6s %s s; ratio to ping %s'
                      % (name, summary(mine), summary([m / p for m, p in zip(mine, ping_t)])))
        for name, root in checkouts:
            print('import of the module_utils beyond basic (fresh interpreter, median wall), %s: %.3f s'
                  % (name, import_cost(envs[name]['ANSIBLE_COLLECTIONS_PATH'])))


if __name__ == '__main__':
    main()
