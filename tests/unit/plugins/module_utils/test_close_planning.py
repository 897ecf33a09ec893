"""Close planning of the agentless modules against the vectors shared with NetSession.cs."""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils.close_planning import (
    CloseSelection, CloseSelectionError, plan_close,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    SessionInfo, account_part, clients_match, has_client_name, is_null_session,
)

CASES = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures'
                    / 'close_planning_cases.json').read_text(encoding='utf-8'))
PLANNED = [c for c in CASES if not c['expect']['error']]


def _sessions(case):
    return [SessionInfo(raw_client=e['client'], username=e['username'], idle_seconds=e['idle_seconds'])
            for e in case['sessions']]


@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_shared_planning_vector(case):
    selection = CloseSelection(**case['selection'])
    expect = case['expect']
    if expect['error']:
        with pytest.raises(CloseSelectionError) as err:
            plan_close(_sessions(case), selection)
        assert err.value.code == expect['error']
        assert expect['error_text'] in str(err.value)
        return
    sessions = _sessions(case)
    index = dict((id(s), i) for i, s in enumerate(sessions))
    plan = plan_close(sessions, selection)
    got_close = [{'client': t.client, 'raw_client': t.raw_client, 'username': t.username,
                  'count': len(t.sessions), 'sessions': [index[id(s)] for s in t.sessions]}
                 for t in plan.targets]
    got_skipped = [{'client': k.session.client, 'username': k.session.username, 'reason': k.reason}
                   for k in plan.skipped]
    assert got_close == expect['close']
    assert got_skipped == expect['skipped']


def test_every_vector_has_a_unique_name_and_every_close_lists_its_sessions():
    assert len(set(c['name'] for c in CASES)) == len(CASES)
    for case in PLANNED:
        for close in case['expect']['close']:
            assert close['count'] == len(close['sessions']), case['name']


def test_a_session_is_never_both_closed_and_skipped():
    for case in PLANNED:
        plan = plan_close(_sessions(case), CloseSelection(**case['selection']))
        closed = [id(s) for s in plan.sessions_to_close]
        assert len(closed) == len(set(closed)), case['name']
        assert not set(closed) & set(id(k.session) for k in plan.skipped), case['name']


def _ended_by(target, session):
    """What NetSessionDel(client, user) ends on the server, by the contract's name rules."""
    if target.client is None:
        return not is_null_session(session.username) and \
            account_part(session.username).lower() == account_part(target.username).lower()
    if not has_client_name(session.client) or not clients_match(session.client, target.client):
        return False
    if target.username is None:
        return True
    return not is_null_session(session.username) and \
        account_part(session.username).lower() == account_part(target.username).lower()


def test_each_call_lists_exactly_the_sessions_it_ends_and_ends_only_selected_ones():
    """Run the calls in order against the listing: every call's ``sessions`` are what it ends
    at that point, and nothing skipped or unselected is ever ended (issue 8, defect 2)."""
    for case in PLANNED:
        sessions = _sessions(case)
        plan = plan_close(sessions, CloseSelection(**case['selection']))
        alive = list(sessions)
        for target in plan.targets:
            assert target.client is not None or target.username is not None, case['name']
            ended = [s for s in alive if _ended_by(target, s)]
            assert [id(s) for s in ended] == [id(s) for s in target.sessions] or \
                sorted(id(s) for s in ended) == sorted(id(s) for s in target.sessions), case['name']
            alive = [s for s in alive if not _ended_by(target, s)]
