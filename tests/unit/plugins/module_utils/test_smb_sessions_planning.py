"""Close planning of the agentless modules against the vectors shared with NetSession.cs."""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils.smb_sessions import (
    CloseSelection, SelectionError, Session, plan_close,
)

CASES = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures'
                    / 'close_planning_cases.json').read_text(encoding='utf-8'))


def _sessions(case):
    return [Session(raw_client=e['client'], username=e['username'], idle_seconds=e['idle_seconds'], level=1)
            for e in case['sessions']]


@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_shared_planning_vector(case):
    selection = CloseSelection(**case['selection'])
    expect = case['expect']
    if expect['error']:
        with pytest.raises(SelectionError) as err:
            plan_close(_sessions(case), selection)
        assert err.value.code == expect['error']
        assert 'all=true' in str(err.value)
        return
    plan = plan_close(_sessions(case), selection)
    got_close = [{'client': t.client, 'raw_client': t.raw_client, 'username': t.username,
                  'count': len(t.sessions)} for t in plan.targets]
    got_skipped = [{'client': k.session.client, 'username': k.session.username, 'reason': k.reason}
                   for k in plan.skipped]
    assert got_close == expect['close']
    assert got_skipped == expect['skipped']


def test_a_session_is_never_both_closed_and_skipped():
    for case in CASES:
        if case['expect']['error']:
            continue
        plan = plan_close(_sessions(case), CloseSelection(**case['selection']))
        closed = set(id(s) for s in plan.sessions_to_close)
        assert not closed & set(id(k.session) for k in plan.skipped), case['name']


def test_client_wide_close_takes_every_session_of_the_client():
    """Safety net for the rule that makes null sessions closable at all."""
    for case in CASES:
        if case['expect']['error']:
            continue
        sessions = _sessions(case)
        plan = plan_close(sessions, CloseSelection(**case['selection']))
        for target in plan.targets:
            if target.username is None:
                same_client = [s for s in sessions if s.client.lower() == target.client.lower()]
                assert len(target.sessions) == len(same_client), case['name']
