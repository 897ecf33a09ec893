"""ClosePlanner (C#) against the Python planner over seeded random session sets.

The Python planner decides each case (tests/unit/.../random_close_cases.py: zones, spellings of
one client, null sessions, machine accounts, own client, CIDR selectors, client names in CIDR
form, duplicates); the cases go
to the C# test program as planning vectors, which it must plan to the same calls (same sessions
per call, in order), the same skipped sessions and reasons, or the same error. The Python planner
is itself compared with a straightforward reference
(tests/unit/plugins/module_utils/test_close_plan_differential.py)."""
import pathlib
import random
import sys

from ansible_collections.lanman.smb.plugins.module_utils.close_planning import (
    CloseSelection, CloseSelectionError, plan_close,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import SessionInfo

# build is test_netsession_cs's fixture (it compiles the utils and the C# test program); imported, pytest uses it here too.
from test_netsession_cs import build, run_tests, write_name_rules, write_selector_checks, write_vectors  # noqa: F401 pylint: disable=unused-import

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / 'unit' / 'plugins' / 'module_utils'))
from random_close_cases import one_pair_case, random_case  # noqa: E402

# A part of each error message both twins write.
ERROR_TEXTS = {'no_selector': 'all=true', 'bad_client_selector': 'is not a valid network'}


def python_decides(case):
    """The case with 'expect' filled in by the Python planner, as in close_planning_cases.json."""
    sessions = [SessionInfo(raw_client=e['client'], username=e['username'], idle_seconds=e['idle_seconds'])
                for e in case['sessions']]
    index = dict((id(s), i) for i, s in enumerate(sessions))
    expect = {'error': None, 'error_text': None, 'close': [], 'skipped': []}
    try:
        plan = plan_close(sessions, CloseSelection(**case['selection']))
    except CloseSelectionError as e:
        expect.update(error=e.code, error_text=ERROR_TEXTS[e.code])
        assert expect['error_text'] in str(e)
    else:
        expect['close'] = [{'client': t.client, 'raw_client': t.raw_client, 'username': t.username,
                            'count': len(t.sessions), 'sessions': [index[id(s)] for s in t.sessions]}
                           for t in plan.targets]
        expect['skipped'] = [{'client': k.session.client, 'username': k.session.username, 'reason': k.reason}
                             for k in plan.skipped]
    return dict(case, expect=expect)


def random_cases():
    rng = random.Random(16011)
    cases = [random_case(rng, 'random %d' % i, cidr_clients=True) for i in range(1500)]
    cases += [one_pair_case(rng, 'one pair %d' % i, rng.choice([100, 300])) for i in range(6)]
    return [python_decides(case) for case in cases]


def test_csharp_planner_decides_as_the_python_planner_on_random_sessions(build, runtime, tmp_path):
    cases = random_cases()
    vectors, name_rules, checks = tmp_path / 'random_vectors.tsv', tmp_path / 'name_rules.tsv', tmp_path / 'checks.tsv'
    assert write_vectors(vectors, cases) == len(cases)
    write_name_rules(name_rules)
    write_selector_checks(checks)
    proc = run_tests(build, runtime, vectors, name_rules, checks)
    assert proc.returncode in (0, 1), 'exit %d\n%s' % (proc.returncode, (proc.stdout + proc.stderr)[-6000:])
    failures = [line for line in proc.stdout.splitlines() if line.startswith('FAIL ')]
    assert not failures, '%d failures; the first: %s' % (len(failures), '\n'.join(failures[:3]))
    assert sum(line.startswith('PASS vector: random ') or line.startswith('PASS vector: one pair ')
               for line in proc.stdout.splitlines()) == len(cases)
    # the cases reach the rules: every kind of outcome occurs
    outcomes = set(k['reason'] for c in cases for k in c['expect']['skipped'])
    outcomes |= set(c['expect']['error'] for c in cases if c['expect']['error'])
    outcomes |= set('user-wide' if t['client'] is None else 'client-wide' if t['username'] is None else 'pair'
                    for c in cases for t in c['expect']['close'])
    assert outcomes >= {'own_session', 'excluded_client', 'excluded_username', 'machine_account', 'idle_unknown',
                        'idle_below_threshold', 'pair_has_unselected_session', 'own_client',
                        'null_session_shares_client', 'no_client_name', 'no_selector', 'bad_client_selector',
                        'user-wide', 'client-wide', 'pair'}, outcomes
