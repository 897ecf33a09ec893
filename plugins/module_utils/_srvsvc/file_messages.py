# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stub data of the MS-SRVS open-file and share calls: NetrFileEnum (opnum 9), NetrFileGetInfo
(10), NetrFileClose (11) and NetrShareGetInfo (16).

Layouts from MS-SRVS 2.2.4.7 - 2.2.4.10 (FILE_INFO_2/3 and their containers), 2.2.4.24
(SHARE_INFO_2) and 3.1.4.16 - 3.1.4.18, 3.1.4.10. Entries come back as dicts with the wire names;
fields a level lacks are None. The session calls are in messages.py; the listing bounds are the
same (docs/developer/open-files.md, with `files` in the texts).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import (
    MAX_STRING_CHARS, TooManyEntriesError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrError, NdrReader, NdrWriter

OPNUM_FILE_ENUM = 9
OPNUM_FILE_GET_INFO = 10
OPNUM_FILE_CLOSE = 11
OPNUM_SHARE_GET_INFO = 16

FILE_WIRE_KEYS = ('id', 'permissions', 'num_locks', 'pathname', 'username')
FILE_LEVEL_FIELDS = {
    2: (('id', 'u'),),
    3: (('id', 'u'), ('permissions', 'u'), ('num_locks', 'u'), ('pathname', 'p'), ('username', 'p')),
}
FILE_LEVELS = tuple(sorted(FILE_LEVEL_FIELDS))
SHARE_2_FIELDS = (('netname', 'p'), ('type', 'u'), ('remark', 'p'), ('permissions', 'u'), ('max_uses', 'u'),
                  ('current_uses', 'u'), ('path', 'p'), ('passwd', 'p'))

# The most open files one listing (all rounds together) may hold: the session listing's bound
# (MAX_SESSIONS), for the same reason. A busy Windows file server holds tens of thousands.
MAX_FILES = 100000
# The longest path a file entry may hold, in UTF-16 code units: Windows' own limit for an
# extended-length path (32,767). Names (users) keep the session bound, MAX_STRING_CHARS.
MAX_PATH_CHARS = 32767

FILE_NO_PROGRESS_TEXT = ('NetFileEnum on {server}: the server reported more data without making progress '
                         '(resume handle {handle}); stopping instead of looping.')
FILE_TOO_MANY_TEXT = ('NetFileEnum on {server}: the listing holds more than {max} files, more than any real '
                      'server holds, so the server is broken or hostile; stopping instead of growing.')
FILE_TOO_LARGE_TEXT = ('NetFileEnum on {server}: the listing\'s answers take more than {max} bytes, more than any '
                       'real server sends, so the server is broken or hostile; stopping instead of growing.')
FILE_TOO_MUCH_TEXT_TEXT = ('NetFileEnum on {server}: the listing\'s names take more than {max} characters to '
                           'print, more than any real server sends, so the server is broken or hostile; stopping '
                           'instead of growing.')


def _string_limit(name):
    return MAX_PATH_CHARS if name in ('pathname', 'path') else MAX_STRING_CHARS


def encode_file_enum(server, basepath, user, level, prefmaxlen, resume_handle):
    if level not in FILE_LEVEL_FIELDS:
        raise ValueError('level must be one of %s' % ', '.join(map(str, FILE_LEVELS)))
    w = NdrWriter()
    w.unique_wstring(server)
    w.unique_wstring(basepath)
    w.unique_wstring(user)
    w.u32(level)          # FILE_ENUM_STRUCT.Level
    w.u32(level)          # union discriminant
    w.referent()          # pointer to the (empty) container
    w.u32(0)              # container.EntriesRead
    w.u32(0)              # container.Buffer = NULL
    w.u32(prefmaxlen)
    w.referent()          # ResumeHandle pointer
    w.u32(resume_handle)
    return w.getvalue()


def _read_entries(r, stub, fields, count, keys, text_budget):
    """``count`` entries: the fixed parts in place (a second reader), then the deferred strings
    that follow all of them, in order; no list of the fixed parts is built."""
    entry_size = 4 * len(fields)
    fixed = NdrReader(stub, r.position)
    r.skip(count * entry_size)
    entries = []
    for dummy in range(count):
        entry = dict.fromkeys(keys)
        for name, kind in fields:
            value = fixed.u32()
            if kind == 'u':
                entry[name] = value
            elif value:
                text = entry[name] = r.wstring(_string_limit(name))
                if text_budget is not None:
                    text_budget.spend(text)
        entries.append(entry)
    return entries


def decode_file_enum(stub, max_entries=MAX_FILES, asked_level=None, text_budget=None):
    """Return (entries, total_entries, resume_handle or None, status), with the bounds of
    messages.decode_session_enum: more than ``max_entries`` raises TooManyEntriesError before any
    entry is built, an overlong string FieldTooLongError, strings past ``text_budget``
    TextBudgetError, entries at another level than ``asked_level`` NdrError."""
    r = NdrReader(stub)
    level = r.u32()
    switch = r.u32()
    if level != switch or level not in FILE_LEVEL_FIELDS:
        raise NdrError('unexpected info level %d (switch %d)' % (level, switch))
    fields = FILE_LEVEL_FIELDS[level]
    entries = []
    if r.u32():                              # container pointer
        entries_read = r.u32()
        if entries_read and asked_level is not None and level != asked_level:
            raise NdrError('the server answered with files at level %d to a level %d request' % (level, asked_level))
        if entries_read > max_entries:
            raise TooManyEntriesError('the answer holds %d files, more than the %d this listing may still take'
                                      % (entries_read, max_entries))
        if r.u32():                          # Buffer pointer
            count = r.count(4 * len(fields), 'entry')
            if count != entries_read:
                raise NdrError('array count %d differs from EntriesRead %d' % (count, entries_read))
            entries = _read_entries(r, stub, fields, count, FILE_WIRE_KEYS, text_budget)
        elif entries_read:
            raise NdrError('EntriesRead %d with a NULL buffer' % entries_read)
    total = r.u32()
    resume = r.u32() if r.u32() else None   # unique pointer, then its value
    status = r.u32()
    return entries, total, resume, status


def encode_file_get_info(server, file_id, level):
    if level not in FILE_LEVEL_FIELDS:
        raise ValueError('level must be one of %s' % ', '.join(map(str, FILE_LEVELS)))
    w = NdrWriter()
    w.unique_wstring(server)
    w.u32(file_id)
    w.u32(level)
    return w.getvalue()


def _decode_info_union(stub, levels, keys):
    """An [out, switch_is(Level)] union of pointers to one struct, then the status:
    (entry or None, status)."""
    r = NdrReader(stub)
    level = r.u32()
    if level not in levels:
        raise NdrError('unexpected info level %d' % level)
    entry = None
    if r.u32():                              # the arm's pointer
        entry = _read_entries(r, stub, levels[level], 1, keys, None)[0]
    status = r.u32()
    return entry, status


def decode_file_get_info(stub):
    """(entry or None, status); the entry has FILE_WIRE_KEYS."""
    return _decode_info_union(stub, FILE_LEVEL_FIELDS, FILE_WIRE_KEYS)


def encode_file_close(server, file_id):
    w = NdrWriter()
    w.unique_wstring(server)
    w.u32(file_id)
    return w.getvalue()


def encode_share_get_info(server, share, level=2):
    w = NdrWriter()
    w.unique_wstring(server)
    w.wstring(share)      # [in, string] WCHAR* NetName: a reference pointer, no referent id
    w.u32(level)
    return w.getvalue()


def decode_share_get_info(stub):
    """(SHARE_INFO_2 dict or None, status)."""
    return _decode_info_union(stub, {2: SHARE_2_FIELDS}, tuple(name for name, dummy in SHARE_2_FIELDS))
