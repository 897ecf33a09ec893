"""NetrSessionEnum answers a hostile server sends, built lazily so that the fake server's own
memory does not blur what the client spends on them.

An answer is a stream of NDR stub chunks (the entries are repeated blocks, never a list);
``fragments`` cuts a stream into DCE/RPC response fragments as a server sends them. Used by
the memory tests (memory_probe.py, test_srvsvc_memory.py) and benchmarks/srvsvc_memory_bench.py.
"""
import json
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


def _long_wstring(char, length, piece=32768):
    """The chunks of a conformant varying string of ``length`` times ``char`` (and its NUL),
    made piece by piece: the fake server never holds the whole string."""
    count = length + 1
    yield _U32.pack(count) + _U32.pack(0) + _U32.pack(count)
    unit = (char * piece).encode('utf-16-le')
    left = length
    while left > 0:
        n = min(piece, left)
        yield unit if n == piece else unit[:2 * n]
        left -= n
    tail = b'\0\0'
    yield tail + b'\0' * (-(12 + 2 * count) % 4)


def answer(level, count, strings, resume=None, status=0, block=1000, fields=None):
    """Stub chunks of a NetrSessionEnum answer of ``count`` identical entries at ``level``.

    ``strings``: field name -> text for the string fields (a missing one is a NULL pointer),
    or (character, length) for a long string made piece by piece (``count`` must then be 1).
    ``fields``: the entry layout when it is not a session level's (NetrFileEnum has the same
    answer shape: FILE_INFO_3, see file_answer).
    """
    fields = fields or LEVEL_FIELDS[level]
    if any(isinstance(v, tuple) for v in strings.values()):
        yield from _answer_with_long_strings(level, count, strings, resume, status, fields)
        return
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


def _answer_with_long_strings(level, count, strings, resume, status, fields):
    if count != 1:
        raise ValueError('long strings are made for a single entry')
    head = b''.join(_U32.pack(v) for v in (level, level, 0x20004, 1, 0x20008, 1))
    head += b''.join(_U32.pack((0x20000 if strings.get(name) is not None else 0) if kind == 'p' else 7)
                     for name, kind in fields)
    yield head
    for name, kind in fields:
        value = strings.get(name)
        if kind != 'p' or value is None:
            continue
        if isinstance(value, tuple):
            yield from _long_wstring(*value)
        else:
            yield _wstring(value)
    tail = _U32.pack(1)
    tail += _U32.pack(0x2000c) + _U32.pack(resume) if resume else _U32.pack(0)
    yield tail + _U32.pack(status)


# FILE_INFO_3 (MS-SRVS 2.2.4.9), written out here rather than taken from the codec.
FILE_INFO_3 = (('id', 'u'), ('permissions', 'u'), ('num_locks', 'u'), ('pathname', 'p'), ('username', 'p'))


def file_answer(count, strings, resume=None, status=0):
    """Stub chunks of a NetrFileEnum level-3 answer of ``count`` identical files."""
    return answer(3, count, strings, resume=resume, status=status, fields=FILE_INFO_3)


def fragments(chunks, call_id):
    """Response fragments of the stub ``chunks`` (an iterable of bytes), each at most BODY bytes
    of stub, FIRST on the first and LAST on the last, made as they are read."""
    chunks = iter(chunks)
    current, pos = next(chunks, b''), 0
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


def _filling(level, count, char):
    """Strings of ``char`` in every string field of ``count`` entries, as long as the listing's
    byte and text budgets both let them be (less 1 KiB for the header and tail)."""
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import messages
    wire = getattr(messages, 'MAX_LISTING_BYTES', 64 * MIB) - 1024
    text = getattr(messages, 'MAX_LISTING_TEXT', wire)
    printed = len(json.dumps(char)) - 2
    fields = [name for name, kind in LEVEL_FIELDS[level] if kind == 'p']
    length = getattr(messages, 'MAX_STRING_CHARS', 1024)
    while (count * (4 * len(LEVEL_FIELDS[level]) + len(fields) * len(_wstring(char * length))) > wire
           or count * len(fields) * length * printed > text):
        length -= 1
    return dict((name, char * length) for name in fields)


def _sessions():
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import messages
    return messages.MAX_SESSIONS


REALISTIC_502 = {'cname': '\\\\10.20.30.40', 'username': 'jdoe.smith01', 'cltype_name': '',
                 'transport': '\\Device\\NetBT_Tcpip_{4F6D2F5A-1B2C-4D3E-9F80-112233445566}'}


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
    # resume rounds of 20,000 sessions whose names JSON prints as escapes: small on the wire,
    # large in the result
    'rounds_of_escaped_names': lambda: (1, _rounds_of(1, {'cname': NON_ASCII * 15, 'username': NON_ASCII * 15}, 20000)),
    # one answer holding one name of 8 million characters (16 MiB, within the byte budget)
    'one_huge_name': lambda: (1, _one(1, 1, {'cname': 'a', 'username': ('x', 8 * MIB)})),
    # accepted: the most sessions a listing may hold, every string field as long as the budgets
    # allow, in a character JSON prints as a 6-byte escape (the costliest result let in)...
    'worst_accepted_escaped': lambda: (502, _one(502, _sessions(), _filling(502, _sessions(), '\u4e2d'))),
    # ...and in plain ASCII (the most wire bytes let in)
    'worst_accepted_ascii': lambda: (502, _one(502, _sessions(), _filling(502, _sessions(), 'w'))),
    # accepted: the most sessions a listing may hold, as a Windows server reports them
    'realistic_max_sessions': lambda: (502, _one(502, _sessions(), REALISTIC_502)),
}
