"""NetrSessionEnum answers a hostile server sends, built lazily so that the fake server's own
memory does not blur what the client spends on them.

An answer is a stream of NDR stub chunks (the entries are repeated blocks, never a list);
``fragments`` cuts a stream into DCE/RPC response fragments as a server sends them. Used by
the memory tests (memory_probe.py, test_srvsvc_memory.py) and benchmarks/srvsvc_memory_bench.py.
"""
import struct

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import dcerpc
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import LEVEL_FIELDS

FIRST, LAST = dcerpc.PFC_FIRST_FRAG, dcerpc.PFC_LAST_FRAG
# What one fragment carries: the bind offers MAX_FRAG, less the response header.
BODY = dcerpc.MAX_FRAG - 24
_U32 = struct.Struct('<I')


def _wstring(text):
    """A conformant varying string with its NUL, padded to 4 bytes."""
    data = (text + '\0').encode('utf-16-le')
    count = len(data) // 2
    raw = _U32.pack(count) + _U32.pack(0) + _U32.pack(count) + data
    return raw + b'\0' * (-len(raw) % 4)


def answer(level, count, strings, resume=None, status=0, block=1000):
    """Stub chunks of a NetrSessionEnum answer of ``count`` identical entries at ``level``.

    ``strings``: field name -> text for the string fields (a missing one is a NULL pointer).
    """
    fields = LEVEL_FIELDS[level]
    fixed = b''.join(_U32.pack((0x20000 if strings.get(name) is not None else 0) if kind == 'p' else 7)
                     for name, kind in fields)
    deferred = b''.join(_wstring(strings[name]) for name, kind in fields
                        if kind == 'p' and strings.get(name) is not None)
    head = b''.join(_U32.pack(v) for v in (level, level, 0x20004, count))
    head += _U32.pack(0x20008) + _U32.pack(count) if count else _U32.pack(0)
    yield head
    for part in (fixed, deferred):
        left = count
        while left > 0:
            n = min(block, left)
            yield part * n
            left -= n
    tail = _U32.pack(count)
    tail += _U32.pack(0x2000c) + _U32.pack(resume) if resume else _U32.pack(0)
    yield tail + _U32.pack(status)


def fragments(chunks, call_id):
    """Response fragments of the stub ``chunks`` (an iterable of bytes), each at most BODY bytes
    of stub, FIRST on the first and LAST on the last, made as they are read."""
    chunks = iter(chunks)
    current, pos = next(chunks), 0
    upcoming = next(chunks, None)
    first = True
    while True:
        body = current[pos:pos + BODY]
        pos += len(body)
        while len(body) < BODY and upcoming is not None:   # fill from the next chunks
            current, pos = upcoming, 0
            upcoming = next(chunks, None)
            more = current[:BODY - len(body)]
            body += more
            pos = len(more)
        last = pos >= len(current) and upcoming is None
        yield _fragment(body, (FIRST if first else 0) | (LAST if last else 0), call_id)
        first = False
        if last:
            return
        if pos >= len(current):
            current, pos = upcoming, 0
            upcoming = next(chunks, None)


def _fragment(stub, flags, call_id):
    body = struct.pack('<IHBB', len(stub), 0, 0, 0) + stub
    return struct.pack('<BBBB4sHHI', 5, 0, dcerpc.PTYPE_RESPONSE, flags, b'\x10\0\0\0', 16 + len(body), 0,
                       call_id) + body


class LazyPipe:
    """A \\PIPE\\srvsvc stand-in: the n-th request is answered by ``make(n, call_id)``, a
    fragment iterator, read one fragment per read_fragment()."""

    def __init__(self, make):
        self.make = make
        self.requests = 0
        self.reads = 0
        self._frags = iter(())

    def transceive(self, pdu):
        call_id = struct.unpack_from('<I', pdu, 12)[0]
        self.requests += 1
        self._frags = iter(self.make(self.requests, call_id))
        return self.read_fragment()

    def read_fragment(self):
        self.reads += 1
        return next(self._frags)


# ----------------------------------------------------------------- the scenarios
# Each makes (level, answer maker) for a LazyPipe; sizes follow the audit of issue 14 item 7.

MIB = 1024 * 1024
NON_ASCII = '\u00e9\u4e2d'   # each escapes to \\uXXXX in JSON: the costliest text to print


def _one(level, count, strings, **kw):
    return lambda n, call_id: fragments(answer(level, count, strings, **kw), call_id)


def _entries_in(nbytes, level, strings):
    fixed = 4 * len(LEVEL_FIELDS[level])
    deferred = sum(len(_wstring(s)) for s in strings.values() if s is not None)
    return nbytes // (fixed + deferred)


SHORT = {'cname': '1234', 'username': 'abcd'}   # 72 wire bytes an entry at level 1


def _rounds_of(level, strings, per_round):
    def make(n, call_id):
        return fragments(answer(level, per_round, strings, resume=n, status=234), call_id)
    return make


SCENARIOS = {
    # one 64 MiB answer (the old per-answer cap) of level-1 entries with one-letter names
    'one_answer_short_strings': lambda: (1, _one(1, _entries_in(64 * MIB - 4096, 1, SHORT), SHORT)),
    # 1,000,000 level-0 entries whose name pointers are NULL: 4 bytes each on the wire
    'million_null_entries': lambda: (0, _one(0, 1000000, {})),
    # resume rounds, each 1 MiB of entries with 1,000-character names, forever "more data"
    'rounds_of_long_names': lambda: (1, _rounds_of(1, {'cname': 'c' * 1000, 'username': 'u' * 1000},
                                                   _entries_in(MIB, 1, {'cname': 'c' * 1000, 'username': 'u' * 1000}))),
    # resume rounds of short entries: each round is small, the listing grows past the session cap
    'rounds_of_short_entries': lambda: (1, _rounds_of(1, SHORT, 20000)),
    # one round holding one name of 16 million characters
    'one_huge_name': lambda: (1, _one(1, 1, {'cname': 'a', 'username': 'x' * (16 * MIB)})),
}
