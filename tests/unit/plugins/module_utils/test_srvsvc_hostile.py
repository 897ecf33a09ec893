"""A hostile or broken server must not hang or exhaust the controller.

Fake pipes stand in for \\PIPE\\srvsvc (no network): each test plays one misbehaviour and
expects a clear SrvsvcProtocolError / SrvsvcTimeoutError, fast and without building the
entries a lying answer announces."""
import itertools
import json
import pathlib
import socket
import struct
import threading
import time
import tracemalloc

import pytest

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import client as srvsvc_client, dcerpc, messages
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError, SrvsvcProtocolError, SrvsvcTimeoutError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrWriter

from test_srvsvc_codec import client_on, enum_response, level_1_entry  # same directory (pytest rootdir-less import)

FIRST, LAST = dcerpc.PFC_FIRST_FRAG, dcerpc.PFC_LAST_FRAG
# R4 of issue 14: the same limits and texts in both twins
LIMITS = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'listing_limits.json').read_text())


def too_many_text(maximum, server='srv'):
    return LIMITS['too_many'].format(server=server, max=maximum)


def fragment(stub, flags, call_id=2, ptype=dcerpc.PTYPE_RESPONSE):
    body = struct.pack('<IHBB', len(stub), 0, 0, 0) + stub
    return struct.pack('<BBBB4sHHI', 5, 0, ptype, flags, b'\x10\0\0\0', 16 + len(body), 0, call_id) + body


class FragmentPipe:
    """Answers every request with the fragments ``make(call_id)`` yields, one per read."""

    def __init__(self, make, delay=0.0):
        self.make = make
        self.delay = delay
        self.reads = 0
        self._frags = iter(())

    def transceive(self, pdu):
        call_id = struct.unpack_from('<I', pdu, 12)[0]
        self._frags = iter(self.make(call_id))
        return self.read_fragment()

    def read_fragment(self):
        self.reads += 1
        if self.delay:
            time.sleep(self.delay)
        return next(self._frags)


def split(stub, call_id, size=dcerpc.MAX_FRAG - 24):
    """``stub`` as the fragments of one answer, as a server sends it."""
    chunks = [stub[i:i + size] for i in range(0, len(stub), size)] or [b'']
    return [fragment(c, (FIRST if i == 0 else 0) | (LAST if i == len(chunks) - 1 else 0), call_id)
            for i, c in enumerate(chunks)]


def one_fragment(stub):
    return lambda call_id: split(stub, call_id)


# ---------------------------------------------------------------- fragments

def test_endless_empty_non_final_fragments_fail_fast():
    # far more empty fragments than the cap allows, then a last one: without the cap the client
    # would read them all and fail later on the empty stub, with another message
    pipe = FragmentPipe(lambda call_id: itertools.chain(
        [fragment(b'', FIRST, call_id)], itertools.repeat(fragment(b'', 0, call_id), 3 * dcerpc.MAX_FRAGMENTS),
        [fragment(b'', LAST, call_id)]))
    start = time.monotonic()
    with pytest.raises(SrvsvcProtocolError, match='without a last one'):
        client_on(pipe).enum_sessions(1)
    assert pipe.reads == dcerpc.MAX_FRAGMENTS
    assert time.monotonic() - start < 5


def test_fragment_cap_counts_fragments_not_bytes():
    frags = [fragment(b'ab', FIRST, 4), fragment(b'cd', 0, 4), fragment(b'ef', LAST, 4)]
    pipe = FragmentPipe(lambda call_id: list(frags))
    old = dcerpc.MAX_FRAGMENTS
    dcerpc.MAX_FRAGMENTS = 3
    try:
        assert dcerpc.transact(pipe, 12, b'', 4) == b'abcdef'    # exactly at the cap: accepted
        dcerpc.MAX_FRAGMENTS = 2
        with pytest.raises(dcerpc.RpcProtocolError, match='2 response fragments without a last one'):
            dcerpc.transact(pipe, 12, b'', 4)
    finally:
        dcerpc.MAX_FRAGMENTS = old


def test_fragment_cap_admits_a_full_size_answer_in_the_smallest_legal_fragments():
    body = dcerpc.MUST_RECV_FRAG_SIZE - 24
    assert dcerpc.MAX_FRAGMENTS * body >= dcerpc.MAX_RESPONSE_BYTES
    assert (dcerpc.MAX_FRAGMENTS - 1) * body < dcerpc.MAX_RESPONSE_BYTES


def test_first_fragment_without_the_first_flag_is_refused():
    stub = enum_response(1, [level_1_entry(1)])
    for flags in (LAST, 0):
        with pytest.raises(SrvsvcProtocolError, match='lacks the first-fragment flag'):
            client_on(FragmentPipe(lambda call_id, f=flags: [fragment(stub, f, call_id)])).enum_sessions(1)


def test_a_later_fragment_with_the_first_flag_is_refused():
    stub = enum_response(1, [level_1_entry(1)])
    pipe = FragmentPipe(lambda call_id: [fragment(stub[:8], FIRST, call_id), fragment(stub[8:], FIRST | LAST, call_id)])
    with pytest.raises(SrvsvcProtocolError, match='after the first one carries the first-fragment flag'):
        client_on(pipe).enum_sessions(1)


def test_every_fragment_is_checked_for_call_id_and_type():
    stub = enum_response(1, [level_1_entry(1)])
    wrong_call = FragmentPipe(lambda call_id: [fragment(stub[:8], FIRST, call_id), fragment(stub[8:], LAST, call_id + 1)])
    with pytest.raises(SrvsvcProtocolError, match='response for call 3 while waiting for call 2'):
        client_on(wrong_call).enum_sessions(1)
    wrong_type = FragmentPipe(lambda call_id: [fragment(stub[:8], FIRST, call_id),
                                               fragment(stub[8:], LAST, call_id, ptype=dcerpc.PTYPE_REQUEST)])
    with pytest.raises(SrvsvcProtocolError, match='expected a response PDU, got type 0'):
        client_on(wrong_type).enum_sessions(1)


def test_a_well_formed_multi_fragment_answer_still_decodes():
    stub = enum_response(1, [level_1_entry(i) for i in range(300)])
    pipe = FragmentPipe(lambda call_id: split(stub, call_id, size=1000))
    entries = client_on(pipe).enum_sessions(1)
    assert pipe.reads > 5
    assert [e['username'] for e in entries] == ['u%d' % i for i in range(300)]


# ---------------------------------------------------------------- memory

def null_entries_answer(count, resume=None, status=0):
    """A level-0 answer of ``count`` entries whose name pointers are all NULL: 4 bytes each."""
    w = NdrWriter()
    for value in (0, 0, 0x20004, count, 0x20008, count):   # level, switch, ptr, EntriesRead, Buffer, count
        w.u32(value)
    tail = NdrWriter()
    tail.u32(count)                                          # TotalEntries
    if resume:
        tail.referent()
    tail.u32(resume or 0)                                    # NULL pointer when there is no handle
    tail.u32(status)
    return w.getvalue() + b'\0' * (4 * count) + tail.getvalue()


def test_null_entries_answer_helper_decodes_below_the_cap():
    entries, total, resume, status = messages.decode_session_enum(null_entries_answer(5))
    assert (len(entries), total, resume, status) == (5, 5, None, 0)
    assert entries[0]['cname'] is None
    assert messages.decode_session_enum(null_entries_answer(2, resume=9, status=234))[1:] == (2, 9, 234)


def test_an_answer_over_the_session_cap_is_refused_before_building_entries():
    count = messages.MAX_SESSIONS + 1
    stub = null_entries_answer(count)
    frags = split(stub, 2)                   # built before measuring: the first call id is 2
    tracemalloc.start()
    try:
        with pytest.raises(SrvsvcProtocolError) as err:
            client_on(FragmentPipe(lambda call_id: frags)).enum_sessions(0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the stub itself is copied once by transact; a million dicts would be far above this
    assert peak < 3 * len(stub)
    assert str(err.value) == too_many_text(messages.MAX_SESSIONS)


def test_an_answer_at_the_session_cap_is_accepted():
    old = messages.MAX_SESSIONS
    messages.MAX_SESSIONS = srvsvc_client.MAX_SESSIONS = 50
    try:
        assert len(client_on(FragmentPipe(one_fragment(null_entries_answer(50)))).enum_sessions(0)) == 50
        with pytest.raises(SrvsvcProtocolError) as err:
            client_on(FragmentPipe(one_fragment(null_entries_answer(51)))).enum_sessions(0)
        assert str(err.value) == too_many_text(50)
    finally:
        messages.MAX_SESSIONS = srvsvc_client.MAX_SESSIONS = old


def test_the_session_cap_spans_all_rounds_of_a_listing():
    pages = iter(range(1, 1000))

    def make(call_id):
        page = next(pages)
        return split(null_entries_answer(20, resume=page, status=234), call_id)
    pipe = FragmentPipe(make)
    old = srvsvc_client.MAX_SESSIONS
    srvsvc_client.MAX_SESSIONS = 50
    try:
        with pytest.raises(SrvsvcProtocolError) as err:
            client_on(pipe).enum_sessions(0)
        assert str(err.value) == too_many_text(50)
    finally:
        srvsvc_client.MAX_SESSIONS = old
    assert pipe.reads == 3    # 20 + 20 accepted, the third answer refused


# ---------------------------------------------------------------- time and rounds

def endless_more_data(delay=0.0):
    handles = itertools.count(1)
    return FragmentPipe(lambda call_id: split(enum_response(1, [level_1_entry(1)], 9, resume=next(handles), status=234),
                                              call_id), delay=delay)


def test_a_slow_server_cannot_stretch_a_listing_past_timeout():
    pipe = endless_more_data(delay=0.05)   # every round well within the per-answer timeout
    old = srvsvc_client.MAX_ENUM_ROUNDS
    srvsvc_client.MAX_ENUM_ROUNDS = 200           # without a time bound the round cap would end it, after 10 s
    start = time.monotonic()
    try:
        with pytest.raises(SrvsvcTimeoutError, match=r'the 0\.4 second timeout ran out before the listing finished '
                                                     r'\(\d+ rounds, \d+ sessions received so far.*Raise timeout'):
            client_on(pipe, timeout=0.4).enum_sessions(1)
    finally:
        srvsvc_client.MAX_ENUM_ROUNDS = old
    elapsed = time.monotonic() - start
    assert 0.4 <= elapsed < 2.0, elapsed
    assert 2 <= pipe.reads <= 9


def test_resume_loop_is_bounded_by_the_round_cap():
    pipe = endless_more_data()
    old = srvsvc_client.MAX_ENUM_ROUNDS
    srvsvc_client.MAX_ENUM_ROUNDS = 50
    try:
        with pytest.raises(SrvsvcProtocolError, match='more than 50 rounds'):
            client_on(pipe, timeout=5).enum_sessions(1)
    finally:
        srvsvc_client.MAX_ENUM_ROUNDS = old
    assert pipe.reads == 50


class _Request:
    def __init__(self):
        self.response_event = threading.Event()
        self.response = None


class _SilentOpen:
    """An smbprotocol Open whose server never answers."""

    class tree_connect:
        tree_connect_id = 1

        class session:
            session_id = 1

    class connection:
        @staticmethod
        def send(message, session_id, tree_id):
            return _Request()

    def write(self, data, offset, send=False):
        return data, lambda request: None

    def read(self, offset, length, send=False):
        return b'', lambda request: None


def test_the_real_pipe_waits_no_longer_than_the_run_deadline():
    client = client_on(timeout=0.2)
    pipe = srvsvc_client._Pipe(_SilentOpen(), 4096, client)
    client._pipe = pipe
    start = time.monotonic()
    with pytest.raises(SrvsvcTimeoutError, match=r'srv port 445: the 0\.2 second timeout ran out during NetrSessionDel') as err:
        client.delete_session('\\\\10.0.0.5', 'bob')
    assert time.monotonic() - start < 2
    assert err.value.request_sent is True           # the server got the call: it may have closed the session
    with pytest.raises(SrvsvcTimeoutError) as err:  # the budget is spent: nothing more is sent
        client.delete_session('\\\\10.0.0.6', 'carol')
    assert err.value.request_sent is False


class _TrickleOpen(_SilentOpen):
    """An smbprotocol Open whose server answers every read, ``delay`` seconds later, with the
    next fragment of ``make(call_id)``; a write is answered at once."""

    def __init__(self, make, delay):
        self.make = make
        self.delay = delay
        self.reads = 0
        self._frags = iter(())
        self.connection = self

    def send(self, message, session_id, tree_id):
        request = _Request()
        delay = self.delay if message == 'read' else 0
        threading.Timer(delay, lambda: (setattr(request, 'response', 'ok'), request.response_event.set())).start()
        return request

    def write(self, data, offset, send=False):
        self._frags = iter(self.make(struct.unpack_from('<I', data, 12)[0]))
        return 'write', lambda request: None

    def read(self, offset, length, send=False):
        def unpack(request):
            self.reads += 1
            return next(self._frags)
        return 'read', unpack


def test_a_trickled_answer_ends_at_the_run_deadline():
    # issue 14 item 6: fragments that each come just in time kept one call reading for 15 s
    # with timeout 1. Every fragment now waits only for what is left of the whole run.
    def trickle(call_id):
        yield fragment(b'\0' * 8, FIRST, call_id)
        while True:
            yield fragment(b'\0' * 8, 0, call_id)
    smb_open = _TrickleOpen(trickle, delay=0.05)
    client = client_on(timeout=1)
    client._pipe = srvsvc_client._Pipe(smb_open, 4096, client)
    start = time.monotonic()
    with pytest.raises(SrvsvcTimeoutError, match='the 1 second timeout ran out during NetrSessionEnum'):
        client.enum_sessions(1)
    assert time.monotonic() - start < 1 + 5
    assert 5 <= smb_open.reads <= 25


def test_a_del_answer_in_endless_empty_fragments_is_cut_at_once():
    # the answer of NetrSessionDel is 4 bytes: a few fragments at most, even when they come fast
    def trickle(call_id):
        yield fragment(b'', FIRST, call_id)
        while True:
            yield fragment(b'', 0, call_id)
    pipe = FragmentPipe(trickle)
    with pytest.raises(SrvsvcProtocolError, match='NetrSessionDel on srv port 445: .*fragments without a last one'):
        client_on(pipe, timeout=5).delete_session('\\\\10.0.0.5', 'bob')
    assert pipe.reads <= 4


# ---------------------------------------------------------------- bytes that are not SMB at all

class _GarbageServer:
    """A loopback TCP server that answers the first thing it receives with ``payload``."""

    def __init__(self, payload):
        self.payload = payload
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(1)
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn = self.listener.accept()[0]
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            try:
                conn.recv(65536)
                conn.sendall(self.payload)
                conn.recv(65536)   # until the client hangs up
            except OSError:
                pass

    def close(self):
        self.listener.close()
        self.thread.join(10)


@pytest.mark.parametrize('payload', [
    b'\x00\x00\x00\x08garbage!',          # a NetBIOS frame too short for an SMB2 header
    b'\x00\x00\x00\x04\xfeSMB',           # an SMB2 header cut after its magic
], ids=['not-smb', 'truncated-smb2-header'])
def test_a_server_that_answers_garbage_is_a_protocol_error(payload):
    server = _GarbageServer(payload)
    client = SrvsvcClient('127.0.0.1', port=server.port, username='u', password='Pw-in-no-message', timeout=5)
    try:
        with pytest.raises(SrvsvcProtocolError) as err:
            client.connect()
    finally:
        client.close()
        server.close()
    assert isinstance(err.value, SrvsvcError)
    assert 'not valid SMB or DCE/RPC' in str(err.value) and '127.0.0.1 port %d' % server.port in str(err.value)
    assert 'Pw-in-no-message' not in str(err.value)


def test_an_smb_message_larger_than_any_answer_is_refused_before_it_is_read():
    # smbprotocol reads the 4-byte Direct TCP length as 32 bits and allocates that much (up to
    # 4 GiB) before reading; 256 MiB here, so the check before the fix only costs a moment
    server = _GarbageServer(struct.pack('>I', 256 * 1024 * 1024) + b'\xfeSMB')
    client = SrvsvcClient('127.0.0.1', port=server.port, username='u', password='pw', timeout=5)
    start = time.monotonic()
    try:
        with pytest.raises(SrvsvcProtocolError) as err:
            client.connect()
    finally:
        client.close()
        server.close()
    assert str(err.value) == ('127.0.0.1 port %d announced an SMB message of 268435456 bytes, more than the 1048576 '
                              'this client accepts (SMB2 itself allows 16 MiB); the server is broken or hostile'
                              % server.port)
    assert time.monotonic() - start < 4


def test_the_refusal_prints_no_traceback_on_stderr():
    """smbprotocol logs its receiver's end with a traceback; in a module nothing configures
    logging, so logging's last resort would print it on stderr beside the clean error."""
    import subprocess
    import sys
    code = '''if True:
        import socket, struct, sys, threading
        sys.path.insert(0, sys.argv[1])
        from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
        listener = socket.socket(); listener.bind(('127.0.0.1', 0)); listener.listen(1)
        def serve():
            conn = listener.accept()[0]; conn.recv(65536)
            conn.sendall(struct.pack('>I', 256 * 1024 * 1024) + b'\\xfeSMB'); conn.recv(100)
        threading.Thread(target=serve, daemon=True).start()
        try:
            SrvsvcClient('127.0.0.1', listener.getsockname()[1], 'u', 'p', timeout=3).connect()
        except Exception as e:
            print(type(e).__name__)
    '''
    base = str(pathlib.Path(__file__).resolve().parents[3] / 'output' / 'collections')
    proc = subprocess.run([sys.executable, '-c', code, base], capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout.strip() == 'SrvsvcProtocolError', proc.stdout + proc.stderr
    assert proc.stderr == ''


def test_a_decode_error_during_a_call_is_a_protocol_error():
    class GarbledPipe:
        def transceive(self, pdu):
            raise struct.error('unpack requires a buffer of 4 bytes')   # what smbprotocol lets escape
    with pytest.raises(SrvsvcProtocolError, match='NetrSessionEnum on srv port 445: the answer is not valid SMB'):
        client_on(GarbledPipe()).enum_sessions(1)
