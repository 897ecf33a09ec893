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

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import paging
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.listing_codec import (
    EntryLayout, decode_enum_answer, encode_enum_request,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import (
    MAX_LISTING_BYTES, MAX_LISTING_TEXT, MAX_STRING_CHARS,
)

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

NO_PROGRESS_TEXT = ('NetConnectionEnum on {server}: the server reported more data without making progress '
                    '(resume handle {handle}); stopping instead of looping.')
TOO_MANY_TEXT = ('NetConnectionEnum on {server}: the listing holds more than {max} connections, more than any '
                 'real server holds, so the server is broken or hostile; stopping instead of growing.')
TOO_LARGE_TEXT = ('NetConnectionEnum on {server}: the listing\'s answers take more than {max} bytes, more than '
                  'any real server sends, so the server is broken or hostile; stopping instead of growing.')
TOO_MUCH_TEXT_TEXT = ('NetConnectionEnum on {server}: the listing\'s names take more than {max} characters to '
                      'print, more than any real server sends, so the server is broken or hostile; stopping '
                      'instead of growing.')
CONNECTION_TEXTS = paging.ListingTexts(NO_PROGRESS_TEXT, TOO_MANY_TEXT, TOO_LARGE_TEXT, TOO_MUCH_TEXT_TEXT)
# Unlike the sessions' and files' texts, this one names no seconds (kept as it was).
SLOW_TEXT = ('NetrConnectionEnum on {where}: the timeout ran out before the listing finished ({rounds} rounds, '
             '{count} connections received so far; timeout bounds the whole run). Raise timeout if the server is '
             'merely busy.')


def encode_connection_enum(server, qualifier, level, prefmaxlen, resume_handle):
    if level not in LEVEL_FIELDS:
        raise ValueError('level must be 0 or 1')
    return encode_enum_request(server, (qualifier,), level, prefmaxlen, resume_handle)


def decode_connection_enum(stub, asked_level, max_entries=MAX_CONNECTIONS, max_chars=MAX_STRING_CHARS,
                           text_budget=None):
    """Return (entries, total_entries, resume_handle or None, status); bounds as
    messages.decode_session_enum (TooManyEntriesError before any entry is built, FieldTooLongError,
    TextBudgetError). An answer at another level than ``asked_level`` raises NdrError."""
    layout = EntryLayout(LEVEL_FIELDS, WIRE_KEYS, lambda name: max_chars, 'connections')
    return decode_enum_answer(stub, layout, asked_level, max_entries, text_budget)


def enum_connections(client, qualifier, level=1):
    """Every connection ``qualifier`` (a share name) has, following ERROR_MORE_DATA with the
    resume handle; ``client`` is a connected SrvsvcClient. Bounded as the session listing:
    MAX_CONNECTIONS entries, MAX_LISTING_BYTES of answers, MAX_LISTING_TEXT characters, the
    run's deadline; a round without progress stops it. A call that runs out of time fails with
    the call's own timeout (the sessions' and files' listings count the rounds then)."""
    server = '\\\\' + client.server
    return paging.enum_all(client, paging.Listing(
        OPNUM_CONNECTION_ENUM, 'NetrConnectionEnum', 'connections', CONNECTION_TEXTS,
        lambda resume: encode_connection_enum(server, qualifier, level, paging.MAX_PREFERRED_LENGTH, resume),
        lambda answer, max_entries, text_budget: decode_connection_enum(answer, level, max_entries,
                                                                        text_budget=text_budget),
        MAX_CONNECTIONS, MAX_LISTING_BYTES, MAX_LISTING_TEXT, slow_text=SLOW_TEXT, slow_call_ends_listing=False))
