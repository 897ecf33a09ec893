# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stub data of MS-SRVS NetrSessionEnum (opnum 12) and NetrSessionDel (opnum 13).

Layouts from MS-SRVS 2.2.4.15 - 2.2.4.19 (SESSION_INFO_0/1/2/10/502) and 3.1.4.6/3.1.4.7.
Entries come back as dicts with the wire names; fields a level lacks are None.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrError, NdrReader, NdrWriter

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

# The most sessions one listing may hold. Neither Windows Server (no licence cap on inbound SMB
# sessions) nor Samba (`max smbd processes` = 0, unlimited, by default) documents a ceiling,
# but every session is an authenticated SMB logon that the server keeps state for, and the
# project's scale target is 100,000 (benchmarks/netsession_cs_bench.py). Ten times that is
# beyond any real file server; without a cap, a hostile answer of NULL-pointer entries (4 wire
# bytes each, a Python dict in memory) could make the controller build tens of millions of dicts.
MAX_SESSIONS = 1000000


class TooManyEntriesError(NdrError):
    """An answer announces more entries than a listing may hold; nothing was allocated."""


def encode_session_enum(server, client, user, level, prefmaxlen, resume_handle):
    if level not in LEVEL_FIELDS:
        raise ValueError('level must be one of %s' % ', '.join(map(str, LEVELS)))
    w = NdrWriter()
    w.unique_wstring(server)
    w.unique_wstring(client)
    w.unique_wstring(user)
    w.u32(level)          # SESSION_ENUM_STRUCT.Level
    w.u32(level)          # union discriminant
    w.referent()          # pointer to the (empty) container
    w.u32(0)              # container.EntriesRead
    w.u32(0)              # container.Buffer = NULL
    w.u32(prefmaxlen)
    w.referent()          # ResumeHandle pointer
    w.u32(resume_handle)
    return w.getvalue()


def encode_session_del(server, client, user):
    w = NdrWriter()
    w.unique_wstring(server)
    w.unique_wstring(client)
    w.unique_wstring(user)
    return w.getvalue()


def decode_session_enum(stub, max_entries=MAX_SESSIONS, asked_level=None):
    """Return (entries, total_entries, resume_handle or None, status).

    An answer with more than ``max_entries`` entries raises TooManyEntriesError before any
    entry is built. Entries at another level than ``asked_level`` raise NdrError: level 0
    entries read as level 502 would be sessions without a user (null sessions).
    """
    r = NdrReader(stub)
    level = r.u32()
    switch = r.u32()
    if level != switch or level not in LEVEL_FIELDS:
        raise NdrError('unexpected info level %d (switch %d)' % (level, switch))
    fields = LEVEL_FIELDS[level]
    entries = []
    if r.u32():                              # container pointer
        entries_read = r.u32()
        if entries_read and asked_level is not None and level != asked_level:
            raise NdrError('the server answered with sessions at level %d to a level %d request' % (level, asked_level))
        if entries_read > max_entries:
            raise TooManyEntriesError('the answer holds %d sessions, more than the %d this listing may still take'
                                      % (entries_read, max_entries))
        if r.u32():                          # Buffer pointer
            entry_size = 4 * len(fields)
            count = r.count(entry_size, 'entry')
            if count != entries_read:
                raise NdrError('array count %d differs from EntriesRead %d' % (count, entries_read))
            fixed = []
            for dummy in range(count):
                fixed.append([(name, kind, r.u32()) for name, kind in fields])
            for row in fixed:            # deferred strings follow all fixed parts, in order
                entry = dict.fromkeys(WIRE_KEYS)
                for name, kind, value in row:
                    if kind == 'u':
                        entry[name] = value
                    elif value:
                        entry[name] = r.wstring()
                entries.append(entry)
        elif entries_read:
            raise NdrError('EntriesRead %d with a NULL buffer' % entries_read)
    total = r.u32()
    resume = r.u32() if r.u32() else None   # unique pointer, then its value
    status = r.u32()
    return entries, total, resume, status


def decode_status(stub):
    """The WERROR of a call whose only out value is its status (NetrSessionDel)."""
    return NdrReader(stub).u32()
