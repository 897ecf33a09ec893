"""tests/fixtures/share_user_cases.json through the Python twin: which sessions the share selector
lists and closes (share_selector.uses_share, close_planning.plan_close), the share errors
(share_selector.list_share_users) and the share entry checks. The C# twin runs the same rows
(tests/csharp/ShareUserTests.cs)."""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import share_selector
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcStatusError
from ansible_collections.lanman.smb.plugins.module_utils.close_planning import CloseSelection, plan_close
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    SessionInfo, check_selector_entries, filter_sessions,
)
from ansible_collections.lanman.smb.plugins.module_utils.share_selector import ShareConnection, uses_share

TABLE = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'share_user_cases.json')
                   .read_text(encoding='utf-8'))


def _sessions(case):
    return [SessionInfo(raw or '', user, idle_seconds=idle) for raw, user, idle in case['sessions']]


def _connections(case):
    return [ShareConnection(share, client, user) for share, client, user in case['connections']]


@pytest.mark.parametrize('case', TABLE['cases'], ids=lambda c: c['name'])
def test_listed_sessions(case):
    sessions = _sessions(case)
    sel = case['selection']
    listed = [s for s in filter_sessions(sessions, sel['client'], sel['username']) if uses_share(s, _connections(case))]
    assert [sessions.index(s) for s in listed] == case['listed']
    assert share_selector.share_warnings(sessions, _connections(case), sel['client'], sel['username']) == \
        case['warnings']


@pytest.mark.parametrize('case', TABLE['cases'], ids=lambda c: c['name'])
def test_close_plan(case):
    sessions = _sessions(case)
    selection = CloseSelection(share_connections=_connections(case), **case['selection'])
    plan = plan_close(sessions, selection)
    closed = sorted(sessions.index(s) for t in plan.targets for s in t.sessions)
    assert closed == case['closed']
    assert [[sessions.index(k.session), k.reason] for k in plan.skipped] == case['skipped']
    # every call names a client and a user: a share selects users, never a whole client
    assert all(t.client and t.username for t in plan.targets)


def test_no_share_and_no_other_selector_is_still_refused_but_an_empty_share_listing_is_a_selector():
    with pytest.raises(ValueError, match='give client, username and/or share'):
        plan_close([SessionInfo('\\\\10.0.0.5', 'alice', idle_seconds=1)], CloseSelection())
    plan = plan_close([SessionInfo('\\\\10.0.0.5', 'alice', idle_seconds=1)], CloseSelection(share_connections=[]))
    assert plan.targets == [] and plan.skipped == []


class _Lister:
    def __init__(self, answers):
        self.answers = answers
        self.asked = []

    def enum_connections(self, share, level=1):
        self.asked.append((share, level))
        answer = self.answers[share]
        if isinstance(answer, int):
            raise SrvsvcStatusError(answer, 'NetrConnectionEnum')
        return answer


@pytest.mark.parametrize('row', TABLE['share_errors'], ids=lambda r: str(r['status']))
def test_share_errors(row):
    assert share_selector.share_listing_error(row['share'], row['status']) == row['message']
    lister = _Lister({row['share']: row['status']})
    if row['message'] is None:
        with pytest.raises(SrvsvcStatusError) as err:
            share_selector.list_share_users(lister, [row['share']])
        assert err.value.status == row['status']
    else:
        with pytest.raises(share_selector.ShareUsersError) as err:
            share_selector.list_share_users(lister, [row['share']])
        assert str(err.value) == row['message']


@pytest.mark.parametrize('row', TABLE['placeholders'], ids=lambda r: r['netname'])
def test_placeholder_connections(row):
    entry = {'netname': row['netname'], 'username': row['username']}
    lister = _Lister({row['share']: [entry]})
    if row['message'] is None:
        [found] = share_selector.list_share_users(lister, [row['share']])
        assert (found.share, found.client, found.username) == (row['share'], row['netname'], row['username'])
    else:
        with pytest.raises(share_selector.ShareUsersError) as err:
            share_selector.list_share_users(lister, [row['share']])
        assert str(err.value) == row['message']


@pytest.mark.parametrize('row', TABLE['entries'], ids=lambda r: repr(r['entries']))
def test_share_entries(row):
    if row['message'] is None:
        assert check_selector_entries('share', row['entries']) == row['entries']
    else:
        with pytest.raises(ValueError) as err:
            check_selector_entries('share', row['entries'])
        assert str(err.value) == row['message']


def test_every_share_is_listed_once_at_level_1_and_no_share_lists_nothing():
    lister = _Lister({'Data': [{'netname': '10.0.0.5', 'username': 'alice'}], 'Projects': []})
    found = share_selector.list_share_users(lister, ['Data', 'Projects', 'DATA', 'data'])
    assert lister.asked == [('Data', 1), ('Projects', 1)] and [c.username for c in found] == ['alice']
    assert share_selector.list_share_users(lister, None) is None
    assert share_selector.list_share_users(lister, []) is None
