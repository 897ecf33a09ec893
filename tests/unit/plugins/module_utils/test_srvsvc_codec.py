"""NDR codec and resume loop of the MS-SRVS client, without a server.

Responses are built here field by field from MS-SRVS; hostile variants must raise a clear
error (never IndexError/struct.error/MemoryError, never hang)."""
import random
import struct

import pytest

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import dcerpc
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcProtocolError, SrvsvcStatusError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import (
    LEVEL_FIELDS, decode_session_enum, encode_session_enum,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrError, NdrReader, NdrWriter


def enum_response(level, entries, total=None, resume=None, status=0):
    w = NdrWriter()
    w.u32(level)
    w.u32(level)
    w.referent()
    w.u32(len(entries))
    if entries:
        w.referent()
        w.u32(len(entries))
        for entry in entries:
            for name, kind in LEVEL_FIELDS[level]:
                if kind == 'u':
                    w.u32(entry[name])
                elif entry.get(name) is None:
                    w.u32(0)
                else:
                    w.referent()
        for entry in entries:
            for name, kind in LEVEL_FIELDS[level]:
                if kind == 'p' and entry.get(name) is not None:
                    w.wstring(entry[name])
    else:
        w.u32(0)
    w.u32(len(entries) if total is None else total)
    if resume is None:
        w.u32(0)
    else:
        w.referent()
        w.u32(resume)
    w.u32(status)
    return w.getvalue()


FULL = {'cname': '\\\\[fe80::1]', 'username': 'J\u00fcrgen\U0001D11E', 'num_opens': 7, 'time': 3600,
        'idle_time': 0xFFFFFFFF, 'user_flags': 3, 'cltype_name': 'Windows 10', 'transport': '\\Device\\Tcp'}


@pytest.mark.parametrize('level', sorted(LEVEL_FIELDS))
def test_every_level_round_trips_its_fields_and_only_them(level):
    entries, total, resume, status = decode_session_enum(enum_response(level, [FULL, FULL]))
    assert (total, resume, status) == (2, None, 0)
    names = [field[0] for field in LEVEL_FIELDS[level]]
    for entry in entries:
        for key, value in entry.items():
            assert value == (FULL[key] if key in names else None), (level, key)


def test_null_string_pointer_is_none():
    entry = dict(FULL, username=None)
    entries = decode_session_enum(enum_response(1, [entry]))[0]
    assert entries[0]['username'] is None and entries[0]['cname'] == FULL['cname']


def test_truncation_at_every_offset_is_a_clean_error():
    data = enum_response(502, [FULL, dict(FULL, username='bob')], resume=8, status=234)
    for cut in range(len(data)):
        with pytest.raises(NdrError):
            decode_session_enum(data[:cut])


def test_huge_counts_are_refused_before_allocating():
    data = bytearray(enum_response(1, [FULL]))
    # the conformant array count sits after level, switch, container ptr, EntriesRead, buffer ptr
    # below the session cap (test_srvsvc_hostile covers the cap), so the byte check must refuse it
    struct.pack_into('<I', data, 20, 50000)
    struct.pack_into('<I', data, 12, 50000)
    with pytest.raises(NdrError, match='does not fit'):
        decode_session_enum(bytes(data))


def test_string_longer_than_the_data_is_refused():
    w = NdrWriter()
    w.u32(0x40000000)
    w.u32(0)
    w.u32(0x40000000)
    with pytest.raises(NdrError):
        NdrReader(w.getvalue()).wstring()


def test_random_mutations_never_escape_as_other_errors():
    rng = random.Random(1234)
    valid = enum_response(502, [FULL] * 3, resume=5, status=234)
    for dummy in range(3000):
        data = bytearray(valid)
        for dummy2 in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            decode_session_enum(bytes(data))
        except NdrError:
            pass


def test_request_encoding_matches_the_wire_layout():
    stub = encode_session_enum('\\\\srv', None, 'bob', 1, 0xFFFFFFFF, 0)
    r = NdrReader(stub)
    assert r.u32() != 0 and r.wstring() == '\\\\srv'
    assert r.u32() == 0                       # client NULL
    assert r.u32() != 0 and r.wstring() == 'bob'
    assert [r.u32(), r.u32()] == [1, 1]       # level, union switch
    assert r.u32() != 0                       # container pointer
    assert [r.u32(), r.u32()] == [0, 0]       # EntriesRead, Buffer NULL
    assert r.u32() == 0xFFFFFFFF
    assert r.u32() != 0 and r.u32() == 0      # resume handle pointer and value
    assert r.remaining == 0


class FakeServer:
    """Pages of level-1 entries answered through SrvsvcClient._call."""

    def __init__(self, pages):
        self.pages = pages
        self.calls = []

    def __call__(self, opnum, stub, operation, **limits):
        self.calls.append(stub)
        return self.pages[min(len(self.calls), len(self.pages)) - 1]


def client_on(pipe=None, call=None, timeout=30):
    """A SrvsvcClient without a connection: its pipe is ``pipe`` (the real _call, transact and
    resume loop run) or, with ``call``, its _call is replaced (only the resume loop runs)."""
    client = object.__new__(SrvsvcClient)
    client.server = 'srv'
    client.port = 445
    client._password = None
    client._timeout = timeout
    client._call_id = 1
    client._pipe = pipe
    if call is not None:
        client._call = call
    return client


def level_1_entry(i):
    return {'cname': '10.0.%d.%d' % (i // 250, i % 250), 'username': 'u%d' % i, 'num_opens': 0, 'time': 1,
            'idle_time': 2, 'user_flags': 0}


def test_more_data_is_followed_to_the_end():
    server = FakeServer([enum_response(1, [level_1_entry(1)], 3, resume=11, status=234),
                         enum_response(1, [level_1_entry(2)], 3, resume=12, status=234),
                         enum_response(1, [level_1_entry(3)], 3, status=0)])
    entries = client_on(call=server).enum_sessions(1)
    assert [e['cname'] for e in entries] == ['10.0.0.1', '10.0.0.2', '10.0.0.3']
    assert len(server.calls) == 3


def test_a_server_that_repeats_its_resume_handle_is_not_followed_forever():
    server = FakeServer([enum_response(1, [level_1_entry(1)], 9, resume=11, status=234)])
    with pytest.raises(SrvsvcProtocolError, match='without making progress'):
        client_on(call=server).enum_sessions(1)
    assert len(server.calls) == 2


def test_more_data_with_no_entries_stops():
    server = FakeServer([enum_response(1, [], 9, resume=11, status=234)])
    with pytest.raises(SrvsvcProtocolError):
        client_on(call=server).enum_sessions(1)


def test_sessions_at_another_level_than_asked_are_refused():
    """Level 0 entries answered to a level 502 request would read as sessions without a user
    (null sessions), which a close plans as client-wide calls: refuse them. An error answer
    carries no entries, so whatever level it echoes, its status still counts."""
    server = FakeServer([enum_response(0, [{'cname': '10.0.0.5'}])])
    with pytest.raises(SrvsvcProtocolError, match='level 0 .* level 502'):
        client_on(call=server).enum_sessions(502)
    server = FakeServer([enum_response(1, [], status=124)])
    with pytest.raises(SrvsvcStatusError) as err:
        client_on(call=server).enum_sessions(502)
    assert err.value.status == 124


def test_status_codes_become_readable_errors():
    server = FakeServer([enum_response(1, [], status=5)])
    with pytest.raises(SrvsvcStatusError) as err:
        client_on(call=server).enum_sessions(1)
    assert err.value.status == 5 and 'SrvsvcSessionInfo' in str(err.value) and 'Server Operators' in str(err.value)


def test_fault_pdu_and_wrong_call_id_are_protocol_errors():
    fault = struct.pack('<BBBB4sHHI', 5, 0, 3, 3, b'\x10\0\0\0', 32, 0, 7) + struct.pack('<IHBBII', 16, 0, 0, 0, 0x1c010002, 0)
    with pytest.raises(dcerpc.RpcProtocolError, match='op_rng_error'):
        dcerpc.response_stub(fault, 7)
    response = dcerpc.request_pdu(12, b'\0' * 8, 9)
    with pytest.raises(dcerpc.RpcProtocolError):
        dcerpc.response_stub(response, 9)  # a request is not a response
    with pytest.raises(dcerpc.RpcProtocolError, match='length'):
        dcerpc.parse_header(response[:-1])


def test_multi_fragment_responses_are_reassembled_and_capped():
    def fragment(stub, flags):
        body = struct.pack('<IHBB', len(stub), 0, 0, 0) + stub
        return struct.pack('<BBBB4sHHI', 5, 0, 2, flags, b'\x10\0\0\0', 16 + len(body), 0, 4) + body

    class Pipe:
        def __init__(self, frags):
            self.frags = list(frags)

        def transceive(self, pdu):
            return self.frags.pop(0)

        def read_fragment(self):
            return self.frags.pop(0)

    assert dcerpc.transact(Pipe([fragment(b'ab', 1), fragment(b'cd', 0), fragment(b'ef', 2)]), 12, b'', 4) == b'abcdef'
    endless = Pipe([fragment(b'x' * 4000, 1)] + [fragment(b'x' * 4000, 0)] * 20000)
    old = dcerpc.MAX_RESPONSE_BYTES
    dcerpc.MAX_RESPONSE_BYTES = 100000
    try:
        with pytest.raises(dcerpc.RpcProtocolError, match='larger than'):
            dcerpc.transact(endless, 12, b'', 4)
    finally:
        dcerpc.MAX_RESPONSE_BYTES = old
