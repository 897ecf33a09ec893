#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation sidecar: the module is win_smb_session.ps1, which runs on the Windows target.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: win_smb_session
short_description: Close SMB sessions on a Windows file server
version_added: 0.1.0
description:
  - Closes SMB sessions of a Windows server with the Win32 NetSessionDel API, for example to get
    users off a file server before maintenance, or to end sessions idle for hours.
  - Lists the sessions first, plans which (client, user) pairs can be closed safely, then closes
    them. Check mode reports exactly that plan and closes nothing; a second run is unchanged.
  - Same options and result keys as M(lanman.smb.smb_session), which does the job agentless over
    SMB against Windows and Samba servers.
  - Closing needs membership of Administrators or Server Operators on the server.
extends_documentation_fragment:
  - lanman.smb.windows_server
  - lanman.smb.session_filters
  - lanman.smb.session_close
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: windows
notes:
  - With a remote O(server), this module's own calls reach that server as a session from the
    target's addresses, under a user that cannot be known for sure (become, delegation, CredSSP).
    Every session from the target's addresses is therefore kept (reason C(own_session)); close
    those from the server itself or from another host.
  - O(exclude_client) entries that are host names must resolve on the target; one that resolves to
    no address fails the module before anything is listed or closed. An unresolvable O(client)
    name only warns and is matched as a name.
  - When level 502 is denied the sessions are listed at level 10 (user-info right only), with a
    warning; RV(level) is then C(10).
  - When a close call fails the module stops, fails, and still returns what was closed, the failed
    call (RV(failed_call)) and the calls not tried (RV(untried_calls)).
seealso:
  - module: lanman.smb.win_smb_session_info
  - module: lanman.smb.smb_session
  - name: Close-SmbSession
    description: The SMB PowerShell cmdlet that closes sessions by session id.
    link: https://learn.microsoft.com/powershell/module/smbshare/close-smbsession
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Dry run - which sessions of jdoe would be closed
  lanman.smb.win_smb_session:
    username: CONTOSO\jdoe
  check_mode: true
  diff: true
  register: would_close

- name: Close jdoe's sessions before maintenance
  lanman.smb.win_smb_session:
    username: CONTOSO\jdoe

- name: Close every session idle for more than an hour, except the backup server's
  lanman.smb.win_smb_session:
    all: true
    min_idle_seconds: 3600
    exclude_client: backup01.example.com

- name: Kick everyone off before patching, keeping the monitoring account
  lanman.smb.win_smb_session:
    all: true
    exclude_username: svc-monitor
'''

RETURN = r'''
closed_sessions:
  description: Sessions closed, or that would be closed in check mode.
  returned: always
  type: list
  elements: dict
  contains:
    client:
      description: Client address as the server reports it, without C(\\) and without brackets around IPv6.
      type: str
      sample: 10.0.0.5
    username:
      description: Account of the session, without domain. C("") for a null (anonymous) session; C(null) at level 0.
      type: str
      sample: jdoe
    num_opens:
      description: Files, devices and pipes the session has open. C(null) at levels 0 and 10.
      type: int
      sample: 3
    active_seconds:
      description: Seconds since the session was established. C(null) at level 0.
      type: int
      sample: 5400
    idle_seconds:
      description: Seconds since the session was last used (Samba always reports 0). C(null) at level 0.
      type: int
      sample: 3700
    user_flags:
      description: Raw user flags (0x1 guest, 0x2 logged on without password encryption). C(null) at levels 0 and 10.
      type: int
      sample: 0
    is_guest:
      description: Whether the user is logged on as guest. C(null) at levels 0 and 10.
      type: bool
      sample: false
    cleartext_password:
      description: Whether the user logged on without password encryption (a legacy client), not whether SMB traffic is encrypted. C(null) at levels 0 and 10.
      type: bool
      sample: false
    client_type:
      description:
        - Client type string reported by the server. C(null) below level 2 and at level 10.
        - SMB2 and SMB3 sessions (every modern client) report an empty string C(""); only SMB1
          clients report a name such as C(DOS LM 2.0).
      type: str
      sample: ""
    transport:
      description: Transport the session came in on. Level 502 only, else C(null).
      type: str
      sample: \Device\NetbiosSmb
skipped_sessions:
  description:
    - Each entry has the keys of RV(closed_sessions), plus C(reason).
    - Sessions that matched O(client) and O(username) but were left open, each with a C(reason).
    - C(own_session) the module's own session; C(own_client) a null session of the module's own address;
      C(excluded_client) / C(excluded_username) an exclude option;
      C(machine_account) a C(NAME$) account not named in O(username);
      C(idle_below_threshold) / C(idle_unknown) O(min_idle_seconds);
      C(pair_has_unselected_session) another session of the same client and user is not selected;
      C(null_session_shares_client) a null session whose client has sessions that stay open;
      C(no_client_name) a session the server reports without a client name, which only a close of every
      session of its user could end, while another session of that user stays open (or it has no user name either).
  returned: always
  type: list
  elements: dict
  contains:
    reason:
      description: Why the session was left open (see above).
      type: str
      sample: pair_has_unselected_session
vanished_sessions:
  description:
    - Each entry has the keys of RV(closed_sessions).
    - Sessions that ended by themselves between listing and closing (not an error).
    - A close answered "not found" (2312, 2221) is vanished. A close answered access denied (5; Samba
      says so when nothing matched) is vanished only when a fresh listing shows no session of that
      call any more; otherwise it is a failure (RV(failed_call)).
  returned: always
  type: list
  elements: dict
close_calls:
  description: One entry per close call made (or planned in check mode). C(username) null closes every session of the client.
  returned: always
  type: list
  elements: dict
  contains:
    client:
      description: Client of the call.
      type: str
      sample: 10.0.0.5
    username:
      description: User of the call, or null for every session of the client.
      type: str
      sample: jdoe
failed_call:
  description:
    - The close call that failed, when the module failed midway; C(null) when every call succeeded.
    - The module stops at the first failed call. Calls before it stay done (see RV(closed_sessions),
      C(changed)); the calls after it are in RV(untried_calls).
  returned: always
  type: dict
  sample: {"client": "10.0.0.6", "username": "bob", "status": 5, "message": "NetSessionDel on the local computer failed: Access is denied. ...", "sessions": []}
  contains:
    client:
      description: Client of the call, or C(null) for a call that ends every session of the user.
      type: str
    username:
      description: User of the call, or C(null) for a call that ends every session of the client.
      type: str
    status:
      description: The error status the server returned (for example C(5), access denied).
      type: int
    message:
      description: The error text.
      type: str
    sessions:
      description: The sessions that call would have ended (session dicts as in RV(closed_sessions)).
      type: list
      elements: dict
untried_calls:
  description: Planned close calls not attempted because an earlier call failed; C([]) otherwise.
  returned: always
  type: list
  elements: dict
  sample: [{"client": "10.0.0.7", "username": "carol", "sessions": []}]
  contains:
    client:
      description: Client of the call.
      type: str
    username:
      description: User of the call, or C(null) for every session of the client.
      type: str
    sessions:
      description: The sessions the call would end (session dicts as in RV(closed_sessions)).
      type: list
      elements: dict
level:
  description:
    - The information level used to list the sessions.
    - C(10) when level 502 was denied and the module fell back to level 10 (with a warning).
  returned: always
  type: int
  sample: 502
'''
