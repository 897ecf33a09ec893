"""Benchmark: the agentless close planner (plan_close) and a whole close play.

Planning (always): ``plan_close`` of this checkout on one (client, user) pair of 500, 1,000 and
2,000 sessions (every session selected: each goes through the pair check), CPU time of the
call in this process, sizes interleaved (500, 1000, 2000, then the next round starts one size
later); per round the ratios t(1000)/t(500) and t(2000)/t(1000) (2 when planning is linear).
Also 500 of 1,000 sessions (two users from one client, one selected). With ``--before REV``,
the planner of that git revision (session_rules.py, or session_names.py + close_planning.py after
the split) runs too, interleaved with this one, fewer rounds.

Play (``--play``): a private Samba on loopback (tests/samba_lab) holding 1,000 sessions from
127.0.0.1, 500 of user ``victim`` and 500 of ``keeper`` (SMB sessions multiplexed 250 per TCP
connection, NTLM; each user on its own connections, as Samba's NetSessDel ends every session of
a connection it kills). Each round runs, in an order that rotates every round:
  - the ping play: two ``ansible.builtin.ping`` tasks;
  - the close play: the two tasks of smb_session's first example (a dry run in check mode with
    diff, then the close, guarded by ``when``), closing victim's 500 sessions of the 1,000;
  - with ``--before REV``, the same close play from that revision's collection (git archive).
Before each close play the victim's sessions are reopened (not timed); after it the script
checks that victim's sessions are gone and keeper's are all there. Wall time and the CPU time
of the ``ansible-playbook`` process tree; ratios are taken per round against that round's ping.

    .venv/bin/python benchmarks/close_plan_bench.py [--rounds 9] [--before REV] [--play] [--play-rounds 9]

A script, not a test: figures depend on the machine (record them in docs/benchmarks.md).
"""
import argparse
import importlib.util
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import uuid

from interleave import children_cpu_seconds, collection_path, spread

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
SIZES = (500, 1000, 2000)
PER_CONNECTION = 250


# The planner's files at a revision, in load order: one file before issue 16 split it, two after.
PLANNER_FILES = (('session_rules.py',), ('session_names.py', 'close_planning.py'))
_IMPORT_OF_NAMES = re.compile(r'^from ansible_collections\.lanman\.smb\.plugins\.module_utils\.session_names import '
                              r'(\([^)]*\)|[^\n]*)$', re.M)


def planner_texts(read):
    """The planner's source, as one text, from ``read(file name)`` (None: no such file)."""
    for names in PLANNER_FILES:
        texts = [read(name) for name in names]
        if all(text is not None for text in texts):
            # close_planning.py imports its names from session_names.py: one namespace serves both
            return '\n'.join(_IMPORT_OF_NAMES.sub('', text).replace('from __future__ import', '# from __future__ import')
                             if i else text for i, text in enumerate(texts))
    raise SystemExit('no planner found (%s)' % ' or '.join(' + '.join(names) for names in PLANNER_FILES))


def load_rules(text, path, name):
    """The planner as a module of its own (it imports only the standard library)."""
    path.write_text(text, encoding='utf-8')
    spec = importlib.util.spec_from_file_location(name, str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read_at(rev):
    def read(name):
        proc = subprocess.run(['git', '-C', str(ROOT), 'show', '%s:plugins/module_utils/%s' % (rev, name)],
                              capture_output=True, text=True, check=False)
        return proc.stdout if proc.returncode == 0 else None
    return read


def _read_here(name):
    path = ROOT / 'plugins' / 'module_utils' / name
    return path.read_text(encoding='utf-8') if path.exists() else None


def rules_session(rules):
    """The session class: SessionInfo, named Session before issue 16 item 2."""
    return getattr(rules, 'SessionInfo', None) or rules.Session


def one_pair(rules, count):
    sessions = [rules_session(rules)('\\\\10.0.0.5', 'bob', idle_seconds=100) for dummy in range(count)]
    return sessions, rules.CloseSelection(username=['bob'], own_client=['192.168.56.10'])


def half_of(rules, count):
    sessions = [rules_session(rules)('\\\\10.0.0.5', 'bob' if i % 2 else 'alice', idle_seconds=100) for i in range(count)]
    return sessions, rules.CloseSelection(username=['bob'], own_client=['192.168.56.10'])


def plan_seconds(rules, build, count):
    """CPU seconds of one plan_close call (sessions built before)."""
    sessions, selection = build(rules, count)
    start = time.process_time()
    plan = rules.plan_close(sessions, selection)
    elapsed = time.process_time() - start
    expected = count if build is one_pair else count // 2
    assert len(plan.sessions_to_close) == expected, (len(plan.sessions_to_close), expected)
    return elapsed


def planning(rules, rounds, before=None, before_rounds=3):
    print('plan_close, one (client, user) pair, every session selected; CPU seconds per call, median (min-max) '
          'of %d rounds, sizes interleaved' % rounds)
    times = dict((n, []) for n in SIZES)
    for rnd in range(rounds):
        shift = rnd % len(SIZES)
        for n in SIZES[shift:] + SIZES[:shift]:
            times[n].append(plan_seconds(rules, one_pair, n))
    for n in SIZES:
        print('  %5d sessions: %s s' % (n, spread(times[n], '%.4f')))
    for small, large in zip(SIZES, SIZES[1:]):
        print('  t(%d) / t(%d) per round: %s (2.0 = linear, 4.0 = quadratic)'
              % (large, small, spread([b / a for a, b in zip(times[small], times[large])], '%.2f')))
    half = [plan_seconds(rules, half_of, 1000) for dummy in range(rounds)]
    print('  500 of 1,000 sessions (two users of one client, one selected): %s s' % spread(half, '%.4f'))
    if before is None or not before_rounds:
        return
    print('before (%s) and after interleaved, %d rounds: CPU seconds per call, median (min-max), and before/after'
          % (before[0], before_rounds))
    for build, n, label in [(one_pair, n, '%d sessions of one pair' % n) for n in SIZES] + [(half_of, 1000, '500 of 1,000')]:
        pairs = []
        for rnd in range(before_rounds):
            order = [('after', rules), ('before', before[1])]
            if rnd % 2:
                order.reverse()
            got = dict((name, plan_seconds(module, build, n)) for name, module in order)
            pairs.append((got['before'], got['after']))
        print('  %-26s before %s s, after %s s, before/after %s'
              % (label, spread([p[0] for p in pairs], '%.3f'), spread([p[1] for p in pairs], '%.4f'),
                 spread([p[0] / p[1] for p in pairs], '%.0f')))


# ---------------------------------------------------------------- the play

PING_PLAY = '''- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.ping:
    - ansible.builtin.ping:
'''

# smb_session's first example, against the lab.
CLOSE_PLAY = '''- hosts: localhost
  gather_facts: false
  module_defaults:
    group/lanman.smb.agentless:
      server: 127.0.0.1
      port: %(port)d
      auth_username: %(admin)s
      auth_password: "%(password)s"
      auth_protocol: ntlm
  tasks:
    - name: Dry run - which sessions of victim would be closed
      lanman.smb.smb_session:
        username: victim
      check_mode: true
      diff: true
      register: would_close

    - name: Close them, unless victim is on more machines than expected
      lanman.smb.smb_session:
        username: victim
      when: would_close.closed_sessions | map(attribute='client') | unique | length <= 2
'''


class Load:
    """500 sessions of victim and 500 of keeper, each user on its own TCP connections."""

    def __init__(self, lab):
        self.lab = lab
        self.held = {'victim': [], 'keeper': []}

    def _open(self, user, count):
        from smbprotocol.connection import Connection
        from smbprotocol.session import Session
        for start in range(0, count, PER_CONNECTION):
            conn = Connection(uuid.uuid4(), '127.0.0.1', self.lab.port, require_signing=True)
            conn.connect(timeout=10)
            for dummy in range(min(PER_CONNECTION, count - start)):
                Session(conn, user, self.lab.users[user], require_encryption=False, auth_protocol='ntlm').connect()
            self.held[user].append(conn)

    def listed(self):
        from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
        with SrvsvcClient('127.0.0.1', self.lab.port, self.lab.admin_user, self.lab.admin_password,
                          auth_protocol='ntlm') as client:
            sessions = client.enum_sessions(1)
        return dict((user, sum(1 for s in sessions if s['username'] == user)) for user in self.held)

    def drop(self, user):
        for conn in self.held[user]:
            try:
                conn.disconnect()
            except Exception:
                pass
        self.held[user] = []

    def ensure(self):
        """Both users at 500 sessions (reopened when a close or a dropped connection took them)."""
        for dummy in range(3):
            counts = self.listed()
            if counts == {'victim': 500, 'keeper': 500}:
                return
            for user, count in counts.items():
                if count != 500:
                    self.drop(user)
                    time.sleep(0.5)
                    self._open(user, 500)
        raise RuntimeError('could not hold 500 sessions of each user: %r' % self.listed())

    def close_all(self):
        for user in self.held:
            self.drop(user)


def timed(cmd, env):
    start, cpu = time.perf_counter(), children_cpu_seconds()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    elapsed = (time.perf_counter() - start, children_cpu_seconds() - cpu)
    if proc.returncode != 0:
        raise RuntimeError('%s failed: %s %s' % (' '.join(cmd), proc.stdout[-3000:], proc.stderr[-2000:]))
    return elapsed


def play(rounds, before, tmp):
    sys.path.insert(0, str(ROOT / 'tests'))
    from samba_lab.server import SambaLab
    checkouts = [('after', ROOT)]
    if before:
        archive = pathlib.Path(tmp) / 'before-checkout'
        archive.mkdir()
        tar = subprocess.run(['git', '-C', str(ROOT), 'archive', before], capture_output=True, check=True).stdout
        subprocess.run(['tar', '-x', '-C', str(archive)], input=tar, check=True)
        checkouts.append(('before %s' % before, archive))
    with SambaLab(users={'victim': 'Victim-Pw-1', 'keeper': 'Keeper-Pw-1'}) as lab:
        base_env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                        ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR='1')
        jobs = []
        ping_file = pathlib.Path(tmp) / 'ping.yml'
        ping_file.write_text(PING_PLAY)
        jobs.append(('ping', [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(ping_file)], base_env))
        close_file = pathlib.Path(tmp) / 'close.yml'
        close_file.write_text(CLOSE_PLAY % {'port': lab.port, 'admin': lab.admin_user, 'password': lab.admin_password})
        for name, root in checkouts:
            env = dict(base_env, ANSIBLE_COLLECTIONS_PATH=collection_path(root, pathlib.Path(tmp) / name.split()[0]))
            jobs.append((name, [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(close_file)], env))
        sys.path.insert(0, jobs[1][2]['ANSIBLE_COLLECTIONS_PATH'])
        load = Load(lab)
        try:
            load.ensure()
            for name, cmd, env in jobs:          # warm-up, and each close play must close victim's 500
                timed(cmd, env)
                if name != 'ping':
                    assert load.listed() == {'victim': 0, 'keeper': 500}, (name, load.listed())
                    load.ensure()
            times = dict((name, []) for name, dummy, dummy2 in jobs)
            dropped = 0
            for rnd in range(rounds):
                shift = rnd % len(jobs)
                round_times, complete = {}, True
                for name, cmd, env in jobs[shift:] + jobs[:shift]:
                    load.ensure()
                    round_times[name] = timed(cmd, env)
                    counts = load.listed()
                    if name != 'ping':
                        assert counts['victim'] == 0, (name, counts)
                    # Held connections sometimes drop here (see startup_bench.py): a round counts only
                    # when keeper's 500 sessions were all there after every play of it.
                    complete = complete and counts['keeper'] == 500
                if complete:
                    for name in round_times:
                        times[name].append(round_times[name])
                else:
                    dropped += 1
        finally:
            load.close_all()
    print('close play (dry run + close of 500 of 1,000 sessions) against a two-task ping play, %d rounds '
          '(%d left out: a held keeper connection dropped), order rotating; seconds, median (min-max); ratio '
          'per round to its ping' % (rounds, dropped))
    for i, what in ((0, 'wall'), (1, 'CPU of the ansible-playbook process tree')):
        ping = [t[i] for t in times['ping']]
        print('%s: ping play %s s' % (what, spread(ping, '%.2f')))
        for name, dummy, dummy2 in jobs[1:]:
            mine = [t[i] for t in times[name]]
            print('  close play %-16s %s s; ratio to ping %s'
                  % (name, spread(mine, '%.2f'), spread([m / p for m, p in zip(mine, ping)], '%.2f')))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=9, help='planning rounds')
    parser.add_argument('--before', help='a git revision to compare with (e.g. the commit before issue 16 item 7)')
    parser.add_argument('--before-rounds', type=int, default=3, help='planning rounds of the before code (slow)')
    parser.add_argument('--play', action='store_true', help='also time the close play against Samba')
    parser.add_argument('--play-rounds', type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rules = load_rules(planner_texts(_read_here), pathlib.Path(tmp) / 'planner_after.py', 'planner_after')
        before = None
        if args.before:
            before = (args.before, load_rules(planner_texts(_read_at(args.before)), pathlib.Path(tmp) / 'planner_before.py',
                                              'planner_before'))
        planning(rules, args.rounds, before, args.before_rounds)
        if args.play:
            play(args.play_rounds, args.before, tmp)


if __name__ == '__main__':
    main()
