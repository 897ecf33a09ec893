# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The status codes MS-SRVS session calls answer, and the text a user sees for each.

Defined here once: the client, the listing and closing glue and the fleet audit import them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ERROR_ACCESS_DENIED = 5
ERROR_NOT_ENOUGH_MEMORY = 8
ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_PARAMETER = 87
ERROR_INVALID_LEVEL = 124
ERROR_MORE_DATA = 234
NERR_NET_NOT_STARTED = 2102
NERR_SERVER_NOT_STARTED = 2114
NERR_BUF_TOO_SMALL = 2123
NERR_REMOTE_ERR = 2127
NERR_WKSTA_NOT_STARTED = 2138
NERR_INTERNAL_ERROR = 2140
NERR_INVALID_API = 2142
NERR_USER_NOT_FOUND = 2221
NERR_CLIENT_NAME_NOT_FOUND = 2312
NERR_INVALID_COMPUTER = 2351

# A close answered with one of these found nothing to end: the session is already gone.
NOT_FOUND = (NERR_USER_NOT_FOUND, NERR_CLIENT_NAME_NOT_FOUND)

_ACCESS_DENIED_HINT = (
    'Listing sessions needs membership of Administrators or Server Operators on the server '
    '(Windows 10 1607 / Server 2016 and later: the SrvsvcSessionInfo security descriptor under '
    'HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\DefaultSecurity; Samba: '
    'BUILTIN\\Administrators); closing needs Administrators or Server Operators (Samba: root or '
    'Domain Admins).')

STATUS_TEXT = {
    ERROR_ACCESS_DENIED: 'Access is denied. ' + _ACCESS_DENIED_HINT,
    ERROR_NOT_ENOUGH_MEMORY: 'Not enough memory on the server to complete the call.',
    ERROR_NOT_SUPPORTED: 'The server does not support this call (a Samba AD DC answers NOT_SUPPORTED for sessions).',
    ERROR_INVALID_PARAMETER: 'The server rejected a parameter as invalid.',
    ERROR_INVALID_LEVEL: 'The server does not serve this information level (Samba serves levels 0 and 1 only).',
    ERROR_MORE_DATA: 'More data is available.',
    # The LAN Manager codes have no system text; the Windows twin says the same words
    # (tests/fixtures/status_texts.json).
    NERR_NET_NOT_STARTED: ('The workstation driver is not installed (NERR_NetNotStarted): the Windows computer that '
                           'makes the call has no working Workstation service (LanmanWorkstation).'),
    NERR_SERVER_NOT_STARTED: ('The Server service is not started (NERR_ServerNotStarted): start the Server service '
                              '(LanmanServer) on the server, or name a server that runs one.'),
    NERR_BUF_TOO_SMALL: 'The buffer for the answer is too small (NERR_BufTooSmall).',
    NERR_REMOTE_ERR: 'A remote API error occurred with no data returned by the server (NERR_RemoteErr).',
    NERR_WKSTA_NOT_STARTED: ('The Workstation service has not been started (NERR_WkstaNotStarted): start the '
                             'Workstation service (LanmanWorkstation) on the Windows computer that makes the call.'),
    NERR_INTERNAL_ERROR: 'An internal error occurred on the server (NERR_InternalError).',
    NERR_INVALID_API: 'The server does not support this call (NERR_InvalidAPI).',
    NERR_USER_NOT_FOUND: 'The user name was not found among the sessions.',
    NERR_CLIENT_NAME_NOT_FOUND: 'The client name was not found among the sessions.',
    NERR_INVALID_COMPUTER: 'The server name is not valid.',
}


def status_text(status):
    return STATUS_TEXT.get(status, 'The server returned status %d (0x%08x).' % (status, status))
