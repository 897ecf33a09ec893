#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation sidecar: the module is win_smb_session_info.ps1, which runs on the Windows target.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: win_smb_session_info
short_description: List the SMB sessions of a Windows file server
version_added: 0.1.0
description:
  - Lists the SMB sessions of a Windows server - who is connected, from which address, how long
    and how idle, how many files are open - with the Win32 NetSessionEnum API.
  - Same options and result keys as M(lanman.smb.smb_session_info), which does the job agentless
    over SMB against Windows and Samba servers.
  - Listing needs membership of Administrators or Server Operators on the server (Windows 10 1607,
    Server 2016 and later).
extends_documentation_fragment:
  - lanman.smb.windows_server
  - lanman.smb.session_filters
  - lanman.smb.session_level
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: windows
notes:
  - Windows reports clients as IP addresses; O(client) host names are resolved on the target. A name
    that resolves to nothing warns and is matched only as a name; a network in CIDR form
    (C(10.1.0.0/16)) is never resolved.
  - With O(level) unset, when level 502 is denied the sessions are listed at level 10 (user-info
    right only) with a warning, and RV(level) is C(10).
  - Level 0 carries no user name. O(level=0) with O(username) lists at level 10 (or level 1 where 10
    is not served), filters there, and returns the sessions reduced to level 0.
  - Get-SmbSession lists the same sessions from PowerShell; this module returns data that
    works the same against Samba through the agentless twin.
seealso:
  - module: lanman.smb.win_smb_session
  - module: lanman.smb.smb_session_info
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Who is connected to the file server
  lanman.smb.win_smb_session_info:
  register: connected

- name: Sessions of one user, from one workstation
  lanman.smb.win_smb_session_info:
    client: ws042.example.com
    username: CONTOSO\jdoe

- name: Only client names, the cheapest level
  lanman.smb.win_smb_session_info:
    level: 0

- name: Fleet-wide report - users with open files on every file server
  lanman.smb.win_smb_session_info:
  register: report

- name: Show who has files open
  ansible.builtin.debug:
    msg: "{{ report.sessions | selectattr('num_opens', 'gt', 0) | map(attribute='username') | unique }}"
'''

RETURN = r'''
sessions:
  description: The sessions matching the filters, one dict per session with the same keys in every module of lanman.smb.
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
level:
  description:
    - The information level used.
    - C(10) when O(level) was unset, level 502 was denied and the module fell back to level 10
      (with a warning).
    - C(0) when O(level=0) with O(username) - listed at level 10 (or 1) and reduced to level 0.
  returned: always
  type: int
  sample: 502
'''
