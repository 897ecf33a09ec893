# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Options that choose which sessions the close modules end."""

    DOCUMENTATION = r'''
options:
  min_idle_seconds:
    description:
      - Only close sessions idle for at least this many seconds.
      - Samba always reports an idle time of 0, so with Samba nothing matches (the module warns).
    type: int
  exclude_client:
    description:
      - Never close sessions from these clients (same matching as O(client)).
      - A host name that resolves to no address fails the task before anything is listed or closed,
        because it would protect nothing. IP addresses and networks are never looked up.
      - An empty entry or one holding a control character fails the task, as for O(client).
    type: list
    elements: str
    default: []
  exclude_username:
    description:
      - Never close sessions of these accounts (same matching as O(username)).
      - An empty entry or one holding a control character fails the task, as for O(username).
    type: list
    elements: str
    default: []
  all:
    description:
      - Required to close sessions when neither O(client) nor O(username) is given, so that
        nothing closes every session by accident. O(min_idle_seconds), O(exclude_client) and
        O(exclude_username) still apply.
    type: bool
    default: false
  state:
    description:
      - V(absent) closes the selected sessions.
    type: str
    choices: [absent]
    default: absent
notes:
  - The server closes sessions by (client, user) pair, every session of the pair at once. A pair is
    closed only when every one of its sessions is selected; otherwise its sessions are returned in
    RV(skipped_sessions) with reason C(pair_has_unselected_session).
  - Null (anonymous, also C(ANONYMOUS LOGON)) sessions can only be closed with every other session of
    their client (a client-wide close); machine accounts (C(NAME$)) are closed only when named in O(username).
  - A session the server reports without a client name can only be closed with every session of its
    user, from every client (a user-wide close); when one of them is not selected it stays open with
    reason C(no_client_name).
  - The module never closes its own session and never closes every session of its own address.
  - When a close call fails the module stops and fails, and still returns what was closed, the failed
    call (RV(failed_call)) and the calls not tried (RV(untried_calls)).
  - Closing a session can lose a client's unsaved writes to open files; run in check mode first.
'''
