"""NetrConnectionEnum (MS-SRVS opnum 8, level 1 with a share as qualifier): the wire form, paging
with the 32-bit resume handle, and the listing limits the session listing has (a hostile server
cannot make the controller loop or grow). The answers are built here by hand with struct, a
reading of MS-SRVS 2.2.4.1-2.2.4.4 independent of the codec under test."""
import json
import pathlib
import struct

import pytest

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import connections
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcProtocolError, SrvsvcStatusError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrError

from test_srvsvc_codec import FakeServer, client_on

TABLE = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'share_user_cases.json')
                   .read_text(encoding='utf-8'))


def _u32(value):
    return struct.pack('<I', value)


def _wstr(text):
    data = (text + '\x00').encode('utf-16-le')
    n = len(data) // 2
    body = _u32(n) + _u32(0) + _u32(n) + data
    return body + b'\x00' * ((-len(body)) % 4)


def answer(entries, resume=None, status=0, level=1, total=None):
    """CONNECT_ENUM_STRUCT level 1 (or 0) + TotalEntries + ResumeHandle + status."""
    out = _u32(level) + _u32(level) + _u32(0x20000) + _u32(len(entries))
    if entries:
        out += _u32(0x20004) + _u32(len(entries))
        strings = b''
        for i, e in enumerate(entries):
            out += _u32(e.get('id', i + 1))
            if level == 1:
                out += _u32(3) + _u32(e.get('num_opens', 1)) + _u32(1) + _u32(e.get('time', 7))
                for key in ('username', 'netname'):
                    if e.get(key) is None:
                        out += _u32(0)
                    else:
                        out += _u32(0x30000 + i * 8 + (key == 'netname') * 4)
                        strings += _wstr(e[key])
        out += strings
    else:
        out += _u32(0)
    out += _u32(len(entries) if total is None else total)
    out += (_u32(0x40000) + _u32(resume)) if resume is not None else _u32(0)
    return out + _u32(status)


def conn(i):
    return {'username': 'u%d' % i, 'netname': '10.0.0.%d' % (i % 250)}


def test_request_encoding_matches_the_wire_layout():
    stub = connections.encode_connection_enum('\\\\srv', 'Data', 1, 0xFFFFFFFF, 7)
    expected = (_u32(0x20004) + _wstr('\\\\srv') + _u32(0x20008) + _wstr('Data') + _u32(1) + _u32(1)
                + _u32(0x2000c) + _u32(0) + _u32(0) + _u32(0xFFFFFFFF) + _u32(0x20010) + _u32(7))
    assert stub == expected
    assert connections.OPNUM_CONNECTION_ENUM == 8
    with pytest.raises(ValueError):
        connections.encode_connection_enum('\\\\srv', 'Data', 2, 0xFFFFFFFF, 0)


def test_level_1_fields_are_read_with_null_pointers_as_none():
    entries, total, resume, status = connections.decode_connection_enum(
        answer([{'username': 'alice', 'netname': '10.0.0.5', 'num_opens': 3},
                {'username': None, 'netname': None}], resume=9, status=234), 1)
    assert [(e['username'], e['netname'], e['num_opens'], e['type']) for e in entries] == [
        ('alice', '10.0.0.5', 3, 3), (None, None, 1, 3)]
    assert (total, resume, status) == (2, 9, 234)


def test_connections_at_another_level_than_asked_are_refused():
    """Level-0 entries read as level 1 would be connections without a user or client."""
    with pytest.raises(NdrError, match='level 0 to a level 1'):
        connections.decode_connection_enum(answer([{'id': 1}], level=0), 1)


def test_truncation_at_every_offset_is_a_clean_error():
    data = answer([conn(1), conn(2)])
    for cut in range(len(data) - 1):
        with pytest.raises(NdrError):
            connections.decode_connection_enum(data[:cut], 1)


def test_a_huge_entry_count_is_refused_before_allocating():
    data = _u32(1) + _u32(1) + _u32(0x20000) + _u32(0x7FFFFFFF) + _u32(0x20004) + _u32(0x7FFFFFFF)
    with pytest.raises(NdrError):
        connections.decode_connection_enum(data + b'\x00' * 64, 1)


def test_more_data_is_followed_with_the_resume_handle_and_the_qualifier_each_round():
    server = FakeServer([answer([conn(1)], resume=11, status=234), answer([conn(2)], resume=12, status=234),
                         answer([conn(3)])])
    entries = client_on(call=server).enum_connections('Data')
    assert [e['username'] for e in entries] == ['u1', 'u2', 'u3']
    assert [stub[-4:] for stub in server.calls] == [_u32(0), _u32(11), _u32(12)]
    assert all(_wstr('Data') in stub for stub in server.calls)


def test_status_codes_are_raised_with_the_status():
    with pytest.raises(SrvsvcStatusError) as err:
        client_on(call=FakeServer([answer([], status=2310)])).enum_connections('Data')
    assert err.value.status == 2310 and err.value.operation == 'NetrConnectionEnum'


@pytest.mark.parametrize('pages, handle', [
    ([answer([], resume=11, status=234)], 11),
    ([answer([], resume=11, status=234), answer([], resume=12, status=234)], 11),   # stops at the first round
    ([answer([conn(1)], resume=None, status=234)], 0),
    ([answer([conn(1)], resume=0, status=234)], 0),
    ([answer([conn(1)], resume=11, status=234), answer([conn(2)], resume=12, status=234),
      answer([conn(3)], resume=11, status=234)], 11),
], ids=['no-entries', 'no-entries-new-handle', 'no-handle', 'handle-0', 'earlier-handle'])
def test_a_listing_that_does_not_progress_stops_with_the_shared_text(pages, handle):
    with pytest.raises(SrvsvcProtocolError) as err:
        client_on(call=FakeServer(pages)).enum_connections('Data')
    assert str(err.value) == TABLE['listing_limits']['no_progress'].format(server='srv', handle=handle)


def test_the_limits_are_the_shared_ones():
    limits = TABLE['listing_limits']
    assert connections.MAX_CONNECTIONS == limits['max_connections']
    assert connections.NO_PROGRESS_TEXT == limits['no_progress']
    assert connections.TOO_MANY_TEXT == limits['too_many']


def test_a_listing_past_the_connection_cap_stops_with_the_shared_text(monkeypatch):
    monkeypatch.setattr(connections, 'MAX_CONNECTIONS', 3)
    pages = [answer([conn(1), conn(2)], resume=11, status=234), answer([conn(3), conn(4)], resume=12, status=234)]
    with pytest.raises(SrvsvcProtocolError) as err:
        client_on(call=FakeServer(pages)).enum_connections('Data')
    assert str(err.value) == TABLE['listing_limits']['too_many'].format(server='srv', max=3)
    monkeypatch.setattr(connections, 'MAX_CONNECTIONS', 4)
    pages[1] = answer([conn(3), conn(4)])
    assert len(client_on(call=FakeServer(pages)).enum_connections('Data')) == 4


def test_a_name_longer_than_a_field_may_hold_is_refused():
    page = answer([{'username': 'x' * 1025, 'netname': '10.0.0.5'}])
    with pytest.raises(SrvsvcProtocolError, match='refusing the answer'):
        client_on(call=FakeServer([page])).enum_connections('Data')


def test_names_past_the_listing_text_budget_are_refused(monkeypatch):
    monkeypatch.setattr(connections, 'MAX_LISTING_TEXT', 50)
    pages = [answer([conn(i) for i in range(1, 4)], resume=11, status=234), answer([conn(i) for i in range(4, 9)])]
    with pytest.raises(SrvsvcProtocolError, match="names take more than 50 characters"):
        client_on(call=FakeServer(pages)).enum_connections('Data')


def test_the_answers_byte_budget_is_passed_to_each_call_and_shrinks():
    budgets = []

    class Recording(FakeServer):
        def __call__(self, opnum, stub, operation, **limits):
            budgets.append((opnum, limits['max_bytes']))
            return FakeServer.__call__(self, opnum, stub, operation, **limits)
    pages = [answer([conn(1)], resume=11, status=234), answer([conn(2)])]
    client_on(call=Recording(pages)).enum_connections('Data')
    assert budgets[0] == (8, connections.MAX_LISTING_BYTES)
    assert budgets[1] == (8, connections.MAX_LISTING_BYTES - len(pages[0]))


def test_a_listing_that_outlasts_the_runs_deadline_stops_with_a_timeout():
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcTimeoutError

    class Clock:
        """A deadline that runs out once the first round has been answered."""
        seconds = 30
        rounds = 0

        def expired(self):
            return self.rounds >= 1

        def remaining(self):
            return 0 if self.expired() else 30

    clock = Clock()

    class Counting(FakeServer):
        def __call__(self, opnum, stub, operation, **limits):
            clock.rounds += 1
            return FakeServer.__call__(self, opnum, stub, operation, **limits)
    client = client_on(call=Counting([answer([conn(i)], resume=10 + i, status=234) for i in range(1, 50)]))
    client.deadline = clock
    with pytest.raises(SrvsvcTimeoutError, match=r'NetrConnectionEnum on srv port 445: the timeout ran out .*1 rounds, 1 '):
        client.enum_connections('Data')


def test_a_call_that_runs_out_of_time_fails_with_the_calls_own_timeout():
    # Unlike the session and file listings (which then count the rounds), the connection
    # listing lets the call's timeout through as it is (paging.Listing.slow_call_ends_listing).
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcTimeoutError
    from stalling_server import client_stalling_in_round_two  # same directory

    client = client_stalling_in_round_two([answer([conn(1)], resume=11, status=234)])
    with pytest.raises(SrvsvcTimeoutError, match=r'^srv port 445: the 30 second timeout ran out during NetrConnectionEnum'):
        client.enum_connections('Data')
