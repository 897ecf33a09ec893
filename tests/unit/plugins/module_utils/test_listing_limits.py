"""Issue 14 R4: one listing's limits and error texts, the same in both twins.

tests/fixtures/listing_limits.json holds MAX_SESSIONS and the two texts; the C# tests read the
same file. Here the Python twin's constants must equal it, and the client must raise exactly
those texts for each way a server can break the rules.
"""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import client as srvsvc_client, messages
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcProtocolError, SrvsvcTimeoutError
from stalling_server import client_stalling_in_round_two  # same directory

from test_srvsvc_codec import FakeServer, client_on, enum_response, level_1_entry

LIMITS = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'listing_limits.json').read_text())


def test_the_python_twin_uses_the_shared_limits_and_texts():
    assert messages.MAX_SESSIONS == LIMITS['max_sessions'] == 100000
    assert messages.TOO_MANY_TEXT == LIMITS['too_many']
    assert messages.NO_PROGRESS_TEXT == LIMITS['no_progress']


@pytest.mark.parametrize('pages, handle', [
    ([enum_response(1, [], 9, resume=11, status=234)], 11),                           # more data, no entry
    ([enum_response(1, [], 9, resume=11, status=234),                                 # no entry, a new handle:
      enum_response(1, [], 9, resume=12, status=234)], 11),                           # stops at the first round
    ([enum_response(1, [level_1_entry(1)], 9, resume=None, status=234)], 0),         # no resume handle
    ([enum_response(1, [level_1_entry(1)], 9, resume=0, status=234)], 0),            # handle 0 (a NULL pointer too)
    ([enum_response(1, [level_1_entry(1)], 9, resume=11, status=234)], 11),          # the same handle again
    ([enum_response(1, [level_1_entry(1)], 9, resume=11, status=234),                # an earlier handle again
      enum_response(1, [level_1_entry(2)], 9, resume=12, status=234),
      enum_response(1, [level_1_entry(3)], 9, resume=11, status=234)], 11),
], ids=['no-entries', 'no-entries-new-handle', 'no-handle', 'handle-0', 'same-handle', 'earlier-handle'])
def test_a_listing_that_does_not_progress_stops_with_the_shared_text(pages, handle):
    with pytest.raises(SrvsvcProtocolError) as err:
        client_on(call=FakeServer(pages)).enum_sessions(1)
    assert str(err.value) == LIMITS['no_progress'].format(server='srv', handle=handle)


def test_a_listing_past_the_session_cap_stops_with_the_shared_text(monkeypatch):
    monkeypatch.setattr(srvsvc_client, 'MAX_SESSIONS', 3)
    pages = [enum_response(1, [level_1_entry(1), level_1_entry(2)], 9, resume=11, status=234),
             enum_response(1, [level_1_entry(3), level_1_entry(4)], 9, resume=12, status=234)]
    with pytest.raises(SrvsvcProtocolError) as err:
        client_on(call=FakeServer(pages)).enum_sessions(1)
    assert str(err.value) == LIMITS['too_many'].format(server='srv', max=3)
    # exactly at the cap is still a listing
    monkeypatch.setattr(srvsvc_client, 'MAX_SESSIONS', 4)
    pages[1] = enum_response(1, [level_1_entry(3), level_1_entry(4)], 9, status=0)
    assert len(client_on(call=FakeServer(pages)).enum_sessions(1)) == 4


def test_a_call_that_runs_out_of_time_after_the_first_round_counts_the_rounds():
    client = client_stalling_in_round_two([enum_response(1, [level_1_entry(1)], 9, resume=11, status=234)])
    with pytest.raises(SrvsvcTimeoutError, match=r'^NetrSessionEnum on srv port 445: the 30 second timeout ran out '
                                                 r'before the listing finished \(1 rounds, 1 sessions received so far'):
        client.enum_sessions(1)


def test_nerr_buf_too_small_is_followed_as_more_data_as_the_windows_twin_does():
    # 2123, NERR_BufTooSmall: contract.md "Listing limits" pages it like 234; NetSession.cs does,
    # and so do the agentless file listings: a session listing that stopped there lost sessions.
    pages = [enum_response(1, [level_1_entry(1), level_1_entry(2)], 3, resume=11, status=2123),
             enum_response(1, [level_1_entry(3)], 3, status=0)]
    server = FakeServer(pages)
    assert len(client_on(call=server).enum_sessions(1)) == 3 and len(server.calls) == 2
