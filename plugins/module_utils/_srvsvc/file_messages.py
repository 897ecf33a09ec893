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

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.listing_codec import (
    EntryLayout, decode_enum_answer, encode_enum_request,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import MAX_STRING_CHARS
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


# A refusal names the field as "that field" (the sessions' text says "a session field").
FILE_LAYOUT = EntryLayout(FILE_LEVEL_FIELDS, FILE_WIRE_KEYS, _string_limit, 'files', 'that field')
SHARE_2_LAYOUT = EntryLayout({2: SHARE_2_FIELDS}, tuple(name for name, dummy in SHARE_2_FIELDS), _string_limit,
                             'shares', 'that field')


def _check_file_level(level):
    if level not in FILE_LEVEL_FIELDS:
        raise ValueError('level must be one of %s' % ', '.join(map(str, FILE_LEVELS)))


def encode_file_enum(server, basepath, user, level, prefmaxlen, resume_handle):
    _check_file_level(level)
    return encode_enum_request(server, (basepath, user), level, prefmaxlen, resume_handle)


def decode_file_enum(stub, max_entries=MAX_FILES, asked_level=None, text_budget=None):
    """Return (entries, total_entries, resume_handle or None, status), within the bounds of
    listing_codec.decode_enum_answer; a path may be MAX_PATH_CHARS long, a name MAX_STRING_CHARS."""
    return decode_enum_answer(stub, FILE_LAYOUT, asked_level, max_entries, text_budget)


def encode_file_get_info(server, file_id, level):
    _check_file_level(level)
    w = NdrWriter()
    w.unique_wstring(server)
    w.u32(file_id)
    w.u32(level)
    return w.getvalue()


def _decode_info_union(stub, layout):
    """An [out, switch_is(Level)] union of pointers to one struct, then the status:
    (entry or None, status)."""
    r = NdrReader(stub)
    level = r.u32()
    if level not in layout.level_fields:
        raise NdrError('unexpected info level %d' % level)
    entry = None
    if r.u32():                              # the arm's pointer
        entry = layout.read_entries(r, stub, layout.level_fields[level], 1, None)[0]
    status = r.u32()
    return entry, status


def decode_file_get_info(stub):
    """(entry or None, status); the entry has FILE_WIRE_KEYS."""
    return _decode_info_union(stub, FILE_LAYOUT)


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
    return _decode_info_union(stub, SHARE_2_LAYOUT)
