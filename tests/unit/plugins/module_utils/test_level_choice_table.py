"""tests/fixtures/level_choice_cases.json through the agentless listing (list_sessions).

The C# twin runs the same rows against the stand-in netapi32 (tests/csharp/SharedTableTests.cs):
the calls in order (level, wire client, wire user, status), the level used, the warnings and the
error are held equal in both twins. Adding a row tests both.
"""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import list_and_close as ops
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcStatusError

from shared_table_servers import LevelServer

ROOT = pathlib.Path(__file__).resolve().parents[4]
CASES = json.loads((ROOT / 'tests' / 'fixtures' / 'level_choice_cases.json').read_text(encoding='utf-8'))['cases']


def _status(error):
    """The status a failed listing reports: LevelError is the level error (124)."""
    if isinstance(error, ops.LevelError):
        return 124
    return error.status


def _shown(session):
    return '%s|%s' % (session.client, '<null>' if session.username is None else session.username)


@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_level_choice_case(case):
    server = LevelServer(case['server']['levels'], case['server']['sessions'])
    warnings = []
    try:
        sessions, level = ops.list_sessions(server, case['level'], case['client'] or [], case['username'] or [],
                                            warn=warnings.append)
        error = None
    except (ops.LevelError, SrvsvcStatusError) as e:
        sessions, level, error = [], None, _status(e)
    assert server.calls == case['calls']
    assert error == case['error']
    assert level == case['level_used']
    assert warnings == case['warnings']
    assert [_shown(s) for s in sessions] == case['sessions']


def test_the_table_holds_the_fallbacks_the_contract_names():
    """Rows for every fallback of contract.md 'Level choice' (a table without them could not fail)."""
    assert any(c['level'] is None and c['level_used'] == 1 for c in CASES)
    assert any(c['level_used'] == 10 and c['warnings'] for c in CASES)
    assert any(c['error'] == 124 and c['level'] is None for c in CASES)
    assert any(c['error'] == 5 and c['server']['levels'].get('10') == 124 for c in CASES)
    assert any(c['level'] == 0 and c['username'] and c['error'] == 5 for c in CASES)
