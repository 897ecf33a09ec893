# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stub data of MS-SRVS NetrSessionEnum (opnum 12) and NetrSessionDel (opnum 13).

Layouts from MS-SRVS 2.2.4.15 - 2.2.4.19 (SESSION_INFO_0/1/2/10/502) and 3.1.4.6/3.1.4.7.
Entries come back as dicts with the wire names; fields a level lacks are None.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.listing_codec import (
    EntryLayout, decode_enum_answer, encode_enum_request,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrReader, NdrWriter

OPNUM_SESSION_ENUM = 12
OPNUM_SESSION_DEL = 13

WIRE_KEYS = ('cname', 'username', 'num_opens', 'time', 'idle_time', 'user_flags', 'cltype_name', 'transport')

# Per level: the fixed part of one entry in wire order; 'p' = string pointer, 'u' = uint32.
LEVEL_FIELDS = {
    0: (('cname', 'p'),),
    1: (('cname', 'p'), ('username', 'p'), ('num_opens', 'u'), ('time', 'u'), ('idle_time', 'u'),
        ('user_flags', 'u')),
    2: (('cname', 'p'), ('username', 'p'), ('num_opens', 'u'), ('time', 'u'), ('idle_time', 'u'),
        ('user_flags', 'u'), ('cltype_name', 'p')),
    10: (('cname', 'p'), ('username', 'p'), ('time', 'u'), ('idle_time', 'u')),
    502: (('cname', 'p'), ('username', 'p'), ('num_opens', 'u'), ('time', 'u'), ('idle_time', 'u'),
          ('user_flags', 'u'), ('cltype_name', 'p'), ('transport', 'p')),
}
LEVELS = tuple(sorted(LEVEL_FIELDS))

# Listing limits (issue 14, R4 and item 7). The same MAX_SESSIONS and texts hold in the Windows
# twin (NetSession.cs); tests/fixtures/listing_limits.json pins them for both.
#
# The most sessions one listing (all resume rounds together) may hold. Neither Windows Server
# (no licence cap on inbound SMB sessions) nor Samba (`max smbd processes` = 0) documents a
# ceiling, but every session is an authenticated SMB logon the server keeps state for, and the
# project's scale target is 100,000 (benchmarks/netsession_cs_bench.py): more is a broken or
# hostile server, which must not make the controller build an entry per 4 wire bytes.
MAX_SESSIONS = 100000
# The most bytes of answers one listing may take, all rounds together: it bounds what reading
# the answers costs. 100,000 sessions at level 502 as Windows reports them take 18-26 MB
# (\\10.20.30.40, a 20-character user, \Device\NetBT_Tcpip_{GUID}).
MAX_LISTING_BYTES = 32 * 1024 * 1024
# The most characters the listing's strings may take in the module's result, JSON-escaped as
# Ansible prints them (a non-ASCII character takes 6), all rounds together: it bounds what the
# result costs, where the module spends most (Ansible holds the result about 4 times over as it
# prints it). The same 100,000 real sessions take 6-9 million. Measured peaks (issue 14 item 7,
# benchmarks/srvsvc_memory_bench.py): the worst listing these limits admit costs about 210 MB.
MAX_LISTING_TEXT = 16 * 1024 * 1024
# The longest string a session field may hold, in UTF-16 code units. Real values are short:
# a client is an address or a host name (at most 255 characters, plus \\ or brackets), a user
# name at most 256 (Windows: 20; Samba: a Unix name, or DOMAIN\user from winbind), a client
# type or a transport name well under 100. Four times the longest stays readable in a message
# and in the task output, and refuses a hostile name at once instead of at a listing budget.
MAX_STRING_CHARS = 1024

NO_PROGRESS_TEXT = ('NetSessionEnum on {server}: the server reported more data without making progress '
                    '(resume handle {handle}); stopping instead of looping.')
TOO_MANY_TEXT = ('NetSessionEnum on {server}: the listing holds more than {max} sessions, more than any real '
                 'server holds, so the server is broken or hostile; stopping instead of growing.')
TOO_LARGE_TEXT = ('NetSessionEnum on {server}: the listing\'s answers take more than {max} bytes, more than any '
                  'real server sends, so the server is broken or hostile; stopping instead of growing.')
TOO_MUCH_TEXT_TEXT = ('NetSessionEnum on {server}: the listing\'s names take more than {max} characters to print, '
                      'more than any real server sends, so the server is broken or hostile; stopping instead of '
                      'growing.')


def encode_session_enum(server, client, user, level, prefmaxlen, resume_handle):
    if level not in LEVEL_FIELDS:
        raise ValueError('level must be one of %s' % ', '.join(map(str, LEVELS)))
    return encode_enum_request(server, (client, user), level, prefmaxlen, resume_handle)


def encode_session_del(server, client, user):
    w = NdrWriter()
    w.unique_wstring(server)
    w.unique_wstring(client)
    w.unique_wstring(user)
    return w.getvalue()


def decode_session_enum(stub, max_entries=MAX_SESSIONS, asked_level=None, max_chars=MAX_STRING_CHARS,
                        text_budget=None):
    """Return (entries, total_entries, resume_handle or None, status), within the bounds of
    listing_codec.decode_enum_answer; no string may be longer than ``max_chars``."""
    layout = EntryLayout(LEVEL_FIELDS, WIRE_KEYS, lambda name: max_chars, 'sessions')
    return decode_enum_answer(stub, layout, asked_level, max_entries, text_budget)


def decode_status(stub):
    """The WERROR of a call whose only out value is its status (NetrSessionDel)."""
    return NdrReader(stub).u32()
