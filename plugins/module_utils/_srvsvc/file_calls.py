# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MS-SRVS open-file and share calls on a connected SrvsvcClient: NetrFileEnum (paged, with the
session listing's bounds), NetrFileGetInfo, NetrFileClose and NetrShareGetInfo level 2.

Kept apart from client.py (the session calls) so that file stays one job; these functions use
its transport (``client._call``) and deadline, so every call here is bounded as the session
calls are.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import dcerpc, paging
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcProtocolError, SrvsvcStatusError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.file_messages import (
    FILE_NO_PROGRESS_TEXT, FILE_TOO_LARGE_TEXT, FILE_TOO_MANY_TEXT, FILE_TOO_MUCH_TEXT_TEXT, MAX_FILES,
    OPNUM_FILE_CLOSE, OPNUM_FILE_ENUM, OPNUM_FILE_GET_INFO, OPNUM_SHARE_GET_INFO, decode_file_enum,
    decode_file_get_info, decode_share_get_info, encode_file_close, encode_file_enum, encode_file_get_info,
    encode_share_get_info,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import (
    MAX_LISTING_BYTES, MAX_LISTING_TEXT, decode_status,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import ERROR_MORE_DATA, NERR_BUF_TOO_SMALL

FILE_TEXTS = paging.ListingTexts(FILE_NO_PROGRESS_TEXT, FILE_TOO_MANY_TEXT, FILE_TOO_LARGE_TEXT, FILE_TOO_MUCH_TEXT_TEXT)
MAX_SMALL_ANSWER_BYTES = 128 * 1024   # one FILE_INFO_3 / SHARE_INFO_2 with long strings, or a status

ERROR_FILE_NOT_FOUND = 2
ERROR_INVALID_NAME = 123
NERR_NET_NAME_NOT_FOUND = 2310
NERR_FILE_ID_NOT_FOUND = 2314
# A file id that is not open: Windows answers 2314, Samba 2 (measured).
FILE_GONE = (NERR_FILE_ID_NOT_FOUND, ERROR_FILE_NOT_FOUND)
# A share that does not exist: Windows answers 2310, Samba 123 (measured).
SHARE_UNKNOWN = (NERR_NET_NAME_NOT_FOUND, ERROR_INVALID_NAME)


def _server(client):
    return '\\\\' + client.server


def enum_files(client, level=3, basepath=None, user=None):
    """Every open file at ``level`` (2 or 3), following ERROR_MORE_DATA with the 32-bit resume
    handle. Bounded as enum_sessions is (paging.py): MAX_FILES files, MAX_LISTING_BYTES of answers,
    MAX_LISTING_TEXT printed characters, the run's deadline, and a round without progress.
    NERR_BUF_TOO_SMALL (2123, the NERR twin of ERROR_MORE_DATA) is followed as more data too."""
    return paging.enum_all(client, paging.Listing(
        OPNUM_FILE_ENUM, 'NetrFileEnum', 'files', FILE_TEXTS,
        lambda resume: encode_file_enum(_server(client), basepath, user, level, paging.MAX_PREFERRED_LENGTH, resume),
        lambda answer, max_entries, text_budget: decode_file_enum(answer, max_entries, level,
                                                                  text_budget=text_budget),
        MAX_FILES, MAX_LISTING_BYTES, MAX_LISTING_TEXT, more=(ERROR_MORE_DATA, NERR_BUF_TOO_SMALL)))


def file_info(client, file_id):
    """NetrFileGetInfo level 3: (served, entry or None). ``served`` is False when the server does
    not implement the call (Samba 4.17 answers the fault nca_s_op_rng_error); entry None means the
    id is not open (2314, 2, or an empty answer). Any other status raises SrvsvcStatusError."""
    try:
        answer = client._call(OPNUM_FILE_GET_INFO, encode_file_get_info(_server(client), file_id, 3),
                              'NetrFileGetInfo', max_bytes=MAX_SMALL_ANSWER_BYTES)
    except SrvsvcProtocolError as e:
        if getattr(e, 'fault', None) == dcerpc.FAULT_OP_RNG_ERROR:
            return False, None
        raise
    try:
        entry, status = decode_file_get_info(answer)
    except NdrError as e:
        raise SrvsvcProtocolError('NetrFileGetInfo on %s: malformed answer: %s' % (client._where(), e))
    if status in FILE_GONE:
        return True, None
    if status != 0:
        raise SrvsvcStatusError(status, 'NetrFileGetInfo')
    return True, entry


def close_file(client, file_id):
    """NetrFileClose: True when closed, False when the id was not open (2314 / 2); any other
    status raises SrvsvcStatusError. A SrvsvcTimeoutError with ``request_sent`` means the server
    got the call and may have closed the file."""
    answer = client._call(OPNUM_FILE_CLOSE, encode_file_close(_server(client), file_id), 'NetrFileClose',
                          max_bytes=MAX_SMALL_ANSWER_BYTES)
    try:
        status = decode_status(answer)
    except NdrError as e:
        raise SrvsvcProtocolError('NetrFileClose on %s: malformed answer: %s' % (client._where(), e))
    if status in FILE_GONE:
        return False
    if status != 0:
        raise SrvsvcStatusError(status, 'NetrFileClose')
    return True


def share_info(client, share):
    """NetrShareGetInfo level 2: (exists, shi2_type, shi2_path); (False, None, None) for an
    unknown share (2310 / 123). Any other status raises SrvsvcStatusError."""
    answer = client._call(OPNUM_SHARE_GET_INFO, encode_share_get_info(_server(client), share, 2),
                          'NetrShareGetInfo', max_bytes=MAX_SMALL_ANSWER_BYTES)
    try:
        entry, status = decode_share_get_info(answer)
    except NdrError as e:
        raise SrvsvcProtocolError('NetrShareGetInfo on %s: malformed answer: %s' % (client._where(), e))
    if status in SHARE_UNKNOWN:
        return False, None, None
    if status != 0:
        raise SrvsvcStatusError(status, 'NetrShareGetInfo')
    if entry is None:
        return True, None, None
    return True, entry['type'], entry['path']


class FileCalls(object):
    """The four calls on one connected client, as the open-file glue uses them (a test passes a
    stand-in with the same methods: tests/unit/plugins/module_utils/fake_srvsvc.py)."""

    def __init__(self, client):
        self.client = client
        self.auth_username = client.auth_username

    def enum_files(self, level):
        return enum_files(self.client, level)

    def file_info(self, file_id):
        return file_info(self.client, file_id)

    def close_file(self, file_id):
        return close_file(self.client, file_id)

    def share_info(self, share):
        return share_info(self.client, share)

    def enum_sessions(self, level, client=None, user=None):
        return self.client.enum_sessions(level, client=client, user=user)
