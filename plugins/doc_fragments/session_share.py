# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The share selector of the session info and close modules, Windows and agentless (not the
    fleet audit, which has no share option)."""

    DOCUMENTATION = r'''
options:
  share:
    description:
      - Only sessions of the users of these shares - to get one share's users off before maintenance. A
        session matches when a connection to any of the shares comes from its client under its account.
      - The server lists each share's connections (NetConnectionEnum, the share as qualifier; the same
        administrator rights as listing sessions). A connection is matched to sessions by client and account, by
        the rules of O(client) and O(username), and AND-ed with them when they are given too. A connection
        whose client or user the server leaves empty selects nothing.
      - Closing a session ends every share that user uses from that client, not just these shares.
        Use check mode to see the sessions first.
      - A share that does not exist fails the task, before anything is closed. Give share names only
        (C(Data), not C(\\server\Data)); an empty entry fails as for O(username).
      - Samba (4.17) does not report who uses a share - it names every connection C(dummy_user) from C(IPC$) -
        so the task fails and says so, instead of selecting nothing. Select by O(username) or O(client) there.
      - Level 0 carries no user name and cannot be combined with this option.
    type: list
    elements: str
'''
