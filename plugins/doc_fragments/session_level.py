# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The information level option of the info modules."""

    DOCUMENTATION = r'''
options:
  level:
    description:
      - NetSessionEnum information level, which decides the fields the server fills in
        (unfilled fields are returned as C(null), never as 0).
      - V(0) client only; V(1) adds user, open count, times and flags; V(2) adds the client type;
        V(10) client, user and times; V(502) everything, including the transport.
      - When not set, the richest level the server serves is used - 502 on Windows, 1 on Samba
        (which serves levels 0 and 1 only) - and returned in the C(level) result.
      - When not set and level 502 is denied (it needs more than the user-info right an auditor may hold),
        level 10 is used with a warning (C(num_opens), C(user_flags), C(is_guest),
        C(cleartext_password), C(client_type) and C(transport) are then null).
      - An explicit level is never changed; a level the server does not serve fails with a message.
      - Level 0 carries no user name. With O(username), the sessions are listed at level 10 (Samba - level 1),
        filtered there, and returned as level 0 (every key but C(client) null).
    type: int
    choices: [0, 1, 2, 10, 502]
'''
