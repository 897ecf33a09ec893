"""tests/fixtures/close_outcome_cases.json through the agentless executor (execute_plan).

The C# twin runs the same rows through CloseExecutor.Run against the stand-in netapi32
(tests/csharp/SharedTableTests.cs): what each NetSessionDel was sent and answered, and which
sessions end up closed, vanished, in the failed call or untried, are held equal. Adding a row
tests both.
"""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import list_and_close as ops
from ansible_collections.lanman.smb.plugins.module_utils.close_planning import ClosePlan, CloseTarget
from ansible_collections.lanman.smb.plugins.module_utils.session_names import SessionInfo, normalise_client

from shared_table_servers import ScriptedDeleteServer

ROOT = pathlib.Path(__file__).resolve().parents[4]
CASES = json.loads((ROOT / 'tests' / 'fixtures' / 'close_outcome_cases.json').read_text(encoding='utf-8'))['cases']
NATURAL = (0, 2312, 2221)


def forced_answers(case):
    """The answers the server is scripted to give; None where its own answer is the table's."""
    samba = case['server']['samba_delete']
    return [None if a in NATURAL or (a == 5 and samba) else a for a in case['answers']]


def _run(case):
    sessions = [SessionInfo(raw_client=c, username=u) for c, u in case['sessions']]
    targets = [CloseTarget(normalise_client(call['raw_client']), call['raw_client'], call['username'],
                           [sessions[i] for i in call['sessions']]) for call in case['calls']]
    server = ScriptedDeleteServer([case['sessions'][i] for i in case['server']['live']], forced_answers(case),
                                  case['server']['samba_delete'], case['server']['relist_status'])
    outcome = ops.execute_plan(server, ClosePlan(targets, []), 1, case['check_mode'])
    return sessions, server, outcome


@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_close_outcome_case(case):
    sessions, server, outcome = _run(case)
    index = dict((id(s), i) for i, s in enumerate(sessions))
    sent = [[(c['raw_client'] or '').lstrip('\\') or None, c['username'], a]
            for c, a in zip(case['calls'], case['answers'])]
    assert server.deletes == sent
    assert [index[id(s)] for s in outcome.closed] == case['closed']
    assert [index[id(s)] for s in outcome.vanished] == case['vanished']
    failed = None
    if outcome.failed_call is not None:
        failed = {'call': len(outcome.calls) - 1, 'status': outcome.failed_call['status']}
        assert outcome.error
    assert failed == case['failed_call']
    untried = [[(c['raw_client'] or '').lstrip('\\') or None, c['username']] for c in
               [case['calls'][i] for i in case['untried']]]
    assert [[normalise_client(u['client']) if u['client'] else None, u['username']] for u in outcome.untried] == untried
    assert outcome.changed is case['changed']


def test_the_table_holds_every_answer_kind():
    answers = set(str(a) for c in CASES for a in c['answers'])
    assert set(['0', '2312', '2221', '5', 'no_answer']) <= answers
    assert any(c['failed_call'] and c['failed_call']['status'] == 5 for c in CASES)
    assert any(c['server']['samba_delete'] and c['vanished'] for c in CASES)
