# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MS-SRVS NetrConnectionEnum (opnum 8): who is connected to a share.

Layouts from MS-SRVS 2.2.4.1 - 2.2.4.4 (CONNECTION_INFO_0/1, CONNECT_ENUM_STRUCT) and 3.1.4.1.
With a share name as Qualifier, coni1_netname is the client computer and coni1_username the
user (docs/developer/open-files.md, "Share users"). The wire form is NetrSessionEnum's with one
string (the qualifier) where that call has two filters, and the same listing limits, with
``connections`` in the texts. The Windows twin is NetConnection.cs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcProtocolError, SrvsvcStatusError, SrvsvcTimeoutError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import (
    MAX_LISTING_BYTES, MAX_LISTING_TEXT, MAX_STRING_CHARS, TextBudget, TextBudgetError, TooManyEntriesError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import (
    FieldTooLongError, NdrError, NdrReader, NdrWriter,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import ERROR_MORE_DATA

OPNUM_CONNECTION_ENUM = 8

WIRE_KEYS = ('id', 'type', 'num_opens', 'num_users', 'time', 'username', 'netname')

# Per level: the fixed part of one entry in wire order; 'p' = string pointer, 'u' = uint32.
LEVEL_FIELDS = {
    0: (('id', 'u'),),
    1: (('id', 'u'), ('type', 'u'), ('num_opens', 'u'), ('num_users', 'u'), ('time', 'u'),
        ('username', 'p'), ('netname', 'p')),
}

# The most connections one listing may hold (all rounds together): the sessions' bound, for the
# same reason (every connection is an authenticated tree connect the server keeps state for).
MAX_CONNECTIONS = 100000
MAX_ENUM_ROUNDS = 100000
MAX_PREFERRED_LENGTH = 0xFFFFFFFF

NO_PROGRESS_TEXT = ('NetConnectionEnum on {server}: the server reported more data without making progress '
                    '(resume handle {handle}); stopping instead of looping.')
TOO_MANY_TEXT = ('NetConnectionEnum on {server}: the listing holds more than {max} connections, more than any '
                 'real server holds, so the server is broken or hostile; stopping instead of growing.')
TOO_LARGE_TEXT = ('NetConnectionEnum on {server}: the listing\'s answers take more than {max} bytes, more than '
                  'any real server sends, so the server is broken or hostile; stopping instead of growing.')
TOO_MUCH_TEXT_TEXT = ('NetConnectionEnum on {server}: the listing\'s names take more than {max} characters to '
                      'print, more than any real server sends, so the server is broken or hostile; stopping '
                      'instead of growing.')


def encode_connection_enum(server, qualifier, level, prefmaxlen, resume_handle):
    if level not in LEVEL_FIELDS:
        raise ValueError('level must be 0 or 1')
    w = NdrWriter()
    w.unique_wstring(server)
    w.unique_wstring(qualifier)
    w.u32(level)          # CONNECT_ENUM_STRUCT.Level
    w.u32(level)          # union discriminant
    w.referent()          # pointer to the (empty) container
    w.u32(0)              # container.EntriesRead
    w.u32(0)              # container.Buffer = NULL
    w.u32(prefmaxlen)
    w.referent()          # ResumeHandle pointer
    w.u32(resume_handle)
    return w.getvalue()


def decode_connection_enum(stub, asked_level, max_entries=MAX_CONNECTIONS, max_chars=MAX_STRING_CHARS,
                           text_budget=None):
    """Return (entries, total_entries, resume_handle or None, status); bounds as
    messages.decode_session_enum (TooManyEntriesError before any entry is built, FieldTooLongError,
    TextBudgetError). An answer at another level than ``asked_level`` raises NdrError."""
    r = NdrReader(stub)
    level = r.u32()
    switch = r.u32()
    if level != switch or level not in LEVEL_FIELDS:
        raise NdrError('unexpected info level %d (switch %d)' % (level, switch))
    fields = LEVEL_FIELDS[level]
    entries = []
    if r.u32():                              # container pointer
        entries_read = r.u32()
        if entries_read and level != asked_level:
            raise NdrError('the server answered with connections at level %d to a level %d request'
                           % (level, asked_level))
        if entries_read > max_entries:
            raise TooManyEntriesError('the answer holds %d connections, more than the %d this listing may still '
                                      'take' % (entries_read, max_entries))
        if r.u32():                          # Buffer pointer
            entry_size = 4 * len(fields)
            count = r.count(entry_size, 'entry')
            if count != entries_read:
                raise NdrError('array count %d differs from EntriesRead %d' % (count, entries_read))
            fixed = NdrReader(stub, r.position)
            r.skip(count * entry_size)
            for dummy in range(count):
                entry = dict.fromkeys(WIRE_KEYS)
                for name, kind in fields:
                    value = fixed.u32()
                    if kind == 'u':
                        entry[name] = value
                    elif value:
                        text = entry[name] = r.wstring(max_chars)
                        if text_budget is not None:
                            text_budget.spend(text)
                entries.append(entry)
        elif entries_read:
            raise NdrError('EntriesRead %d with a NULL buffer' % entries_read)
    total = r.u32()
    resume = r.u32() if r.u32() else None   # unique pointer, then its value
    status = r.u32()
    return entries, total, resume, status


def enum_connections(client, qualifier, level=1):
    """Every connection ``qualifier`` (a share name) has, following ERROR_MORE_DATA with the
    resume handle; ``client`` is a connected SrvsvcClient. Bounded as the session listing:
    MAX_CONNECTIONS entries, MAX_LISTING_BYTES of answers, MAX_LISTING_TEXT characters, the
    run's deadline; a round without progress stops it."""
    server = '\\\\' + client.server
    deadline = client._budget()
    entries = []
    resume = 0
    seen_handles = set()
    budget = MAX_LISTING_BYTES
    text_budget = TextBudget(MAX_LISTING_TEXT)
    where = '%s port %s' % (client.server, client.port)
    for rounds in range(MAX_ENUM_ROUNDS):
        stub = encode_connection_enum(server, qualifier, level, MAX_PREFERRED_LENGTH, resume)
        answer = client._call(OPNUM_CONNECTION_ENUM, stub, 'NetrConnectionEnum', max_bytes=budget,
                              too_large=TOO_LARGE_TEXT.format(server=client.server, max=MAX_LISTING_BYTES))
        budget -= len(answer)
        try:
            batch, _total, next_resume, status = decode_connection_enum(
                answer, level, MAX_CONNECTIONS - len(entries), text_budget=text_budget)
        except TooManyEntriesError:
            raise SrvsvcProtocolError(TOO_MANY_TEXT.format(server=client.server, max=MAX_CONNECTIONS))
        except TextBudgetError:
            raise SrvsvcProtocolError(TOO_MUCH_TEXT_TEXT.format(server=client.server, max=MAX_LISTING_TEXT))
        except FieldTooLongError as e:
            raise SrvsvcProtocolError('NetrConnectionEnum on %s: refusing the answer: %s; the server is broken '
                                      'or hostile' % (where, e))
        except NdrError as e:
            raise SrvsvcProtocolError('NetrConnectionEnum on %s: malformed answer: %s' % (where, e))
        del answer
        if status not in (0, ERROR_MORE_DATA):
            raise SrvsvcStatusError(status, 'NetrConnectionEnum')
        entries.extend(batch)
        if status == 0:
            return entries
        if not batch or not next_resume or next_resume in seen_handles:
            raise SrvsvcProtocolError(NO_PROGRESS_TEXT.format(server=client.server, handle=next_resume or 0))
        seen_handles.add(next_resume)
        resume = next_resume
        if deadline.expired():
            error = SrvsvcTimeoutError(
                'NetrConnectionEnum on %s: the timeout ran out before the listing finished (%d rounds, %d '
                'connections received so far; timeout bounds the whole run). Raise timeout if the server is '
                'merely busy.' % (where, rounds + 1, len(entries)))
            error.step = 'NetrConnectionEnum'
            error.request_sent = True
            raise error
    raise SrvsvcProtocolError('NetrConnectionEnum on %s: more than %d rounds' % (where, MAX_ENUM_ROUNDS))
