#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: smb_open_file_info
short_description: List the files users hold open on a Windows or Samba server, agentless
version_added: 0.2.0
description:
  - Lists the files (and named pipes) users hold open on a file server - which file, which user,
    with what access, how many locks, from which client - by calling NetrFileEnum (MS-SRVS) over SMB.
  - Use it to find who holds a file open when a deployment fails with "file in use", before
    M(lanman.smb.smb_open_file) closes it.
  - Runs wherever Python runs, usually on the controller with C(delegate_to=localhost); works
    against Windows and Samba servers. M(lanman.smb.win_smb_open_file_info) does the same on a
    Windows target over WinRM, with the same options and the same result keys.
  - Every selector is matched locally (the server's own path and user filters are never used).
    With no selector every open file is listed, except the module's own C(\PIPE\srvsvc) open.
  - Listing needs administrator rights on the server (Samba - BUILTIN\Administrators).
options:
  level:
    description:
      - V(3) (the default) reports path, user, permissions and locks; V(2) reports ids only and takes no
        selector. Samba serves level 3 only.
      - At level 2 the module's own pipe open cannot be told apart, so it may be listed.
    type: int
    choices: [2, 3]
    default: 3
extends_documentation_fragment:
  - lanman.smb.server
  - lanman.smb.connection
  - lanman.smb.open_file_filters
  - ansible.builtin.action_common_attributes
  - lanman.smb.attributes.info
  - lanman.smb.attributes.posix
seealso:
  - module: lanman.smb.smb_open_file
  - module: lanman.smb.win_smb_open_file_info
  - module: lanman.smb.smb_session_info
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Who holds files open under the application folder
  lanman.smb.smb_open_file_info:
    server: files01.example.com
    auth_username: svc-smbadmin
    auth_password: "{{ vault_smbadmin_password }}"
    path:
      - D:\Apps\Payroll\
  delegate_to: localhost
  register: held

- name: Files one user holds open on a Samba share
  lanman.smb.smb_open_file_info:
    server: samba01.example.com
    auth_username: svc-smbadmin
    auth_password: "{{ vault_smbadmin_password }}"
    share: [data]
    username: [CONTOSO\jdoe]
  delegate_to: localhost
'''

RETURN = r'''
open_files:
  description: The open files matching the options, sorted by id.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the open file as the server numbers it (servers reuse ids after a close).
      type: int
      sample: 653000716
    path:
      description:
        - Path as the server reports it - the server's local path (Windows C(D:\Shares\Data\a.xlsx);
          Samba reports the unix path C(/srv/data/a.xlsx) as C(C:\srv\data\a.xlsx)).
        - C(null) at level 2.
      type: str
      sample: D:\Shares\Data\report.xlsx
    username:
      description: Account that opened the file, as the server reports it. C("") for none; C(null) at level 2.
      type: str
      sample: jdoe
    permissions:
      description:
        - The access the file was opened with - C(read), C(write), C(create), C(execute), C(delete),
          C(attributes), C(acl) in this order, other bits as hexadecimal (C(0x80)). C(null) at level 2.
      type: list
      elements: str
      sample: [read, write]
    permissions_mask:
      description: The raw permission bits. C(null) at level 2.
      type: int
      sample: 3
    num_locks:
      description: Byte-range locks the open holds. C(null) at level 2.
      type: int
      sample: 0
    is_pipe:
      description: Whether it is a named pipe open (path starting C(\PIPE\)). C(null) at level 2.
      type: bool
      sample: false
    client:
      description:
        - The client the file's user connects from, when all of that user's sessions come from one client
          (servers do not report the client of a file); else C(null).
      type: str
      sample: 10.0.0.5
    clients:
      description: Every distinct client of the sessions of the file's user, sorted; C([]) when none or unknown.
      type: list
      elements: str
      sample: [10.0.0.5]
level:
  description: The information level used.
  returned: always
  type: int
  sample: 3
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.file_calls import FileCalls
from ansible_collections.lanman.smb.plugins.module_utils.agentless_module import (
    check_connection_options, connect, open_file_info_spec, start_deadline,
)
from ansible_collections.lanman.smb.plugins.module_utils.client_resolver import ResolutionError, resolve_exclusions
from ansible_collections.lanman.smb.plugins.module_utils.open_files import (
    LEVEL_2_SELECTORS, info_result, list_files, option_lists, select,
)


def main():
    module = AnsibleModule(argument_spec=open_file_info_spec(), supports_check_mode=True)
    try:
        host = check_connection_options(module.params)
        lists = option_lists(module.params, close=False)   # the contract's order of entry checks
    except ValueError as e:
        module.fail_json(msg=str(e))
    level = module.params['level']
    if level == 2 and any(lists[name] for name in lists if name != 'all'):
        module.fail_json(msg=LEVEL_2_SELECTORS)
    deadline = start_deadline(module.params)   # timeout bounds everything from here on
    try:
        lists['exclude_client'] = resolve_exclusions(lists['exclude_client'], deadline)
    except ResolutionError as e:
        module.fail_json(msg=str(e))
    client = connect(module, host, deadline)
    try:
        if level == 2:
            result = dict(changed=False, open_files=[f.to_result() for f in list_files(FileCalls(client), 2)], level=2)
        else:
            dummy, plan = select(FileCalls(client), lists, module.warn)
            result = info_result(plan, 3)
        client.disconnect()   # the logoff is bounded too: a server silent there fails the task
    except (SrvsvcError, ValueError) as e:
        module.fail_json(msg=str(e))
    finally:
        client.close()
    module.exit_json(**result)


if __name__ == '__main__':
    main()
