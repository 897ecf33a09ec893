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
options:
  server:
    description:
      - The server whose sessions are closed, as a name or address. Default - the target itself.
      - Another server is reached from the target, and WinRM's double hop applies - with NTLM or
        Basic authentication your credentials do not travel on to a second machine, and the call
        fails with access denied. Use C(become) (for example C(become_method=runas) with a
        domain account), CredSSP, or Kerberos with delegation; or target that server directly.
    type: str
extends_documentation_fragment:
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
      description: Client type string reported by the server. C(null) below level 2 and at level 10.
      type: str
      sample: Windows 10 Enterprise
    transport:
      description: Transport the session came in on. Level 502 only, else C(null).
      type: str
      sample: \Device\NetbiosSmb
skipped_sessions:
  description:
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
      description: Client type string reported by the server. C(null) below level 2 and at level 10.
      type: str
      sample: Windows 10 Enterprise
    transport:
      description: Transport the session came in on. Level 502 only, else C(null).
      type: str
      sample: \Device\NetbiosSmb
    reason:
      description: Why the session was left open (see above).
      type: str
      sample: pair_has_unselected_session
vanished_sessions:
  description: Sessions that ended by themselves between listing and closing (not an error).
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
      description: Client type string reported by the server. C(null) below level 2 and at level 10.
      type: str
      sample: Windows 10 Enterprise
    transport:
      description: Transport the session came in on. Level 502 only, else C(null).
      type: str
      sample: \Device\NetbiosSmb
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
level:
  description: The information level used to list the sessions.
  returned: always
  type: int
  sample: 502
'''
