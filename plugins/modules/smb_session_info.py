#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: smb_session_info
short_description: List SMB sessions on a Windows or Samba server, agentless
version_added: 0.1.0
description:
  - Lists the SMB sessions of a file server - who is connected, from which address, how long and
    how idle, how many files are open - by calling NetrSessionEnum (MS-SRVS) over SMB.
  - Runs wherever Python runs, usually on the controller with C(delegate_to=localhost); works
    against Windows and Samba servers. M(lanman.smb.win_smb_session_info) does the same on a
    Windows target over WinRM, with the same options and the same result keys.
  - Client and user filters are applied again locally, because Samba ignores them on the wire.
  - The list includes the module's own session (the one it uses to ask).
extends_documentation_fragment:
  - lanman.smb.server
  - lanman.smb.connection
  - lanman.smb.session_filters
  - lanman.smb.session_share
  - lanman.smb.session_level
  - ansible.builtin.action_common_attributes
  - lanman.smb.attributes.info
  - lanman.smb.attributes.posix
seealso:
  - module: lanman.smb.smb_session
  - module: lanman.smb.win_smb_session_info
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Who is connected to the file server
  lanman.smb.smb_session_info:
    server: files01.example.com
    auth_username: svc-smbaudit
    auth_password: "{{ vault_smbaudit_password }}"
  delegate_to: localhost
  register: connected

- name: Sessions of one user from one workstation
  lanman.smb.smb_session_info:
    server: files01.example.com
    auth_username: svc-smbaudit
    auth_password: "{{ vault_smbaudit_password }}"
    client: ws042.example.com
    username: CONTOSO\jdoe
  delegate_to: localhost

- name: Who uses the Projects share (Windows servers; Samba does not name a share's users and the task fails)
  lanman.smb.smb_session_info:
    server: files01.example.com
    auth_username: svc-smbaudit
    auth_password: "{{ vault_smbaudit_password }}"
    share: Projects
  delegate_to: localhost

- name: Fleet-wide report of users with open files (one task per file server in the inventory)
  lanman.smb.smb_session_info:
    server: "{{ inventory_hostname }}"
    auth_username: svc-smbaudit
    auth_password: "{{ vault_smbaudit_password }}"
    auth_protocol: kerberos
    require_encryption: true
  delegate_to: localhost
  register: report

- name: Show them
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError
from ansible_collections.lanman.smb.plugins.module_utils.agentless_module import (
    check_options, connect, info_spec, start_deadline,
)
from ansible_collections.lanman.smb.plugins.module_utils.client_resolver import ResolutionError, resolve_selectors
from ansible_collections.lanman.smb.plugins.module_utils.list_and_close import list_sessions
from ansible_collections.lanman.smb.plugins.module_utils.share_selector import list_share_users


def main():
    module = AnsibleModule(argument_spec=info_spec(), supports_check_mode=True)
    host = check_options(module)
    deadline = start_deadline(module.params)   # timeout bounds everything from here on
    try:
        clients = resolve_selectors(module.params['client'], module.warn, deadline)
    except ResolutionError as e:
        module.fail_json(msg=str(e))
    client = connect(module, host, deadline)
    try:
        connections = list_share_users(client, module.params['share'])
        sessions, level = list_sessions(client, module.params['level'], clients, module.params['username'] or [],
                                        warn=module.warn, share_connections=connections)
        client.disconnect()   # the logoff is bounded too: a server silent there fails the task
    except SrvsvcError as e:
        module.fail_json(msg=str(e))
    finally:
        client.close()
    module.exit_json(changed=False, sessions=[s.to_result() for s in sessions], level=level)


if __name__ == '__main__':
    main()
