"""tests/fixtures/listing_cases.json through the agentless listing (list_and_close.list_sessions).

The C# twin runs the same rows against the stand-in netapi32 (tests/csharp/WindowsSpecificsTests.cs).
The fake server below compares wire filters the way the stand-in does (and Windows: with its own
spelling of the client and user, case-insensitively, leading backslashes ignored), so both twins
are held to the same calls, in the same order, and the same result.
"""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import list_and_close
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcStatusError

ROOT = pathlib.Path(__file__).resolve().parents[4]
CASES = json.loads((ROOT / 'tests' / 'fixtures' / 'listing_cases.json').read_text(encoding='utf-8'))['cases']


def _same(server_spelling, wire_filter):
    return server_spelling.lstrip('\\').lower() == wire_filter.lstrip('\\').lower()


class SpellingServer:
    """Answers NetrSessionEnum from sessions as the server spells them; logs every call."""

    def __init__(self, filters, sessions):
        self.filters = filters
        self.sessions = [dict(cname=c, username=u, num_opens=1, time=100, idle_time=10, user_flags=0,
                              cltype_name='', transport='\\Device\\Tcp') for c, u in sessions]
        self.calls = []

    def enum_sessions(self, level, client=None, user=None):
        status, rows = self._answer(client, user)
        self.calls.append([client, user, level, status])
        if status:
            raise SrvsvcStatusError(status, 'NetrSessionEnum')
        return [dict(row) for row in rows]

    def _answer(self, client, user):
        if self.filters == 'ignored':
            return 0, self.sessions
        rows = [s for s in self.sessions if client is None or _same(s['cname'], client)]
        if client is not None and not rows:
            return (0, []) if self.filters == 'empty' else (2312, [])
        rows = [s for s in rows if user is None or _same(s['username'], user)]
        if user is not None and not rows:
            return (0, []) if self.filters == 'empty' else (2221, [])
        return 0, rows


def _shown(session):
    return '%s|%s' % (session.client, '<null>' if session.username is None else session.username)


@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_listing_case(case):
    server = SpellingServer(case['server']['filters'], case['server']['sessions'])
    sessions, _level = list_and_close.list_sessions(server, case['level'], case['client'] or [], case['username'] or [])
    assert server.calls == case['calls']
    assert [_shown(s) for s in sessions] == case['sessions']


def test_the_table_has_rows_that_list_again():
    """The rows that prove the relisting are there (a table without them could not fail)."""
    relisted = [c for c in CASES if len(c['calls']) == 2 and c['calls'][0][:2] != [None, None]]
    assert len(relisted) >= 5
