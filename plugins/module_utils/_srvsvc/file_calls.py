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

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import dcerpc
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcProtocolError, SrvsvcStatusError, SrvsvcTimeoutError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.file_messages import (
    FILE_NO_PROGRESS_TEXT, FILE_TOO_LARGE_TEXT, FILE_TOO_MANY_TEXT, FILE_TOO_MUCH_TEXT_TEXT, MAX_FILES,
    OPNUM_FILE_CLOSE, OPNUM_FILE_ENUM, OPNUM_FILE_GET_INFO, OPNUM_SHARE_GET_INFO, decode_file_enum,
    decode_file_get_info, decode_share_get_info, encode_file_close, encode_file_enum, encode_file_get_info,
    encode_share_get_info,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import (
    MAX_LISTING_BYTES, MAX_LISTING_TEXT, TextBudget, TextBudgetError, TooManyEntriesError, decode_status,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import FieldTooLongError, NdrError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import ERROR_MORE_DATA, NERR_BUF_TOO_SMALL

MAX_PREFERRED_LENGTH = 0xFFFFFFFF
MAX_ENUM_ROUNDS = 100000
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
    handle. Bounded as enum_sessions is: MAX_FILES files, MAX_LISTING_BYTES of answers,
    MAX_LISTING_TEXT printed characters, the run's deadline, and a round without progress."""
    deadline = client._budget()
    entries = []
    resume = 0
    seen_handles = set()
    budget = MAX_LISTING_BYTES
    text_budget = TextBudget(MAX_LISTING_TEXT)
    for rounds in range(MAX_ENUM_ROUNDS):
        stub = encode_file_enum(_server(client), basepath, user, level, MAX_PREFERRED_LENGTH, resume)
        try:
            answer = client._call(OPNUM_FILE_ENUM, stub, 'NetrFileEnum', max_bytes=budget,
                                  too_large=FILE_TOO_LARGE_TEXT.format(server=client.server, max=MAX_LISTING_BYTES))
        except SrvsvcTimeoutError:
            if rounds and deadline.expired():
                raise _listing_too_slow(client, rounds, len(entries))
            raise
        budget -= len(answer)
        try:
            batch, _total, next_resume, status = decode_file_enum(answer, MAX_FILES - len(entries), level,
                                                                  text_budget=text_budget)
        except TooManyEntriesError:
            raise SrvsvcProtocolError(FILE_TOO_MANY_TEXT.format(server=client.server, max=MAX_FILES))
        except TextBudgetError:
            raise SrvsvcProtocolError(FILE_TOO_MUCH_TEXT_TEXT.format(server=client.server, max=MAX_LISTING_TEXT))
        except FieldTooLongError as e:
            raise SrvsvcProtocolError('NetrFileEnum on %s: refusing the answer: %s; the server is broken or hostile'
                                      % (client._where(), str(e).replace('a session field', 'that field')))
        except NdrError as e:
            raise SrvsvcProtocolError('NetrFileEnum on %s: malformed answer: %s' % (client._where(), e))
        del answer
        if status not in (0, ERROR_MORE_DATA, NERR_BUF_TOO_SMALL):
            raise SrvsvcStatusError(status, 'NetrFileEnum')
        entries.extend(batch)
        if status == 0:
            return entries
        if not batch or not next_resume or next_resume in seen_handles:
            raise SrvsvcProtocolError(FILE_NO_PROGRESS_TEXT.format(server=client.server, handle=next_resume or 0))
        seen_handles.add(next_resume)
        resume = next_resume
        if deadline.expired():
            raise _listing_too_slow(client, rounds + 1, len(entries))
    raise SrvsvcProtocolError('NetrFileEnum on %s: more than %d rounds' % (client._where(), MAX_ENUM_ROUNDS))


def _listing_too_slow(client, rounds, count):
    error = SrvsvcTimeoutError(
        'NetrFileEnum on %s: the %s second timeout ran out before the listing finished (%d rounds, %d files '
        'received so far; timeout bounds the whole run); the server answers too slowly or keeps reporting more '
        'data. Raise timeout if the server is merely busy.'
        % (client._where(), '%g' % client._budget().seconds, rounds, count))
    error.step = 'NetrFileEnum'
    error.request_sent = True
    return error


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
