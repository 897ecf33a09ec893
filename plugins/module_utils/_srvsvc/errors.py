# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What SrvsvcClient raises: always a SrvsvcError, so a caller catches one type.

SrvsvcError
 +-- SrvsvcStatusError       the server answered the call with a status (``.status``)
 +-- SrvsvcConnectionError   cannot reach, authenticate to or talk MS-SRVS with the server
      +-- SrvsvcProtocolError   the server's answer was malformed, truncated or hostile
      +-- SrvsvcTimeoutError    no answer, or a listing did not finish, within ``timeout``
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import status_text

SECRET_MASK = '********'


class SrvsvcError(Exception):
    """The base of every error of the srvsvc client."""


class SrvsvcStatusError(SrvsvcError):
    """A status code returned by the server for an MS-SRVS call."""

    def __init__(self, status, operation):
        self.status = status
        self.operation = operation
        super(SrvsvcStatusError, self).__init__('%s failed with status %d: %s' % (operation, status, status_text(status)))


class SrvsvcConnectionError(SrvsvcError):
    """Cannot reach, authenticate to, or talk MS-SRVS with the server."""


class SrvsvcProtocolError(SrvsvcConnectionError):
    """The server's answer was malformed, truncated or hostile."""


class SrvsvcTimeoutError(SrvsvcConnectionError):
    """The server did not answer, or a listing did not finish, within ``timeout``."""


def without_secret(text, secret):
    """``text`` with ``secret`` masked: libraries may put a password into their messages."""
    return text.replace(secret, SECRET_MASK) if secret else text
