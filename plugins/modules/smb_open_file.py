#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: smb_open_file
short_description: Close files users hold open on a Windows or Samba server, agentless
version_added: 0.2.0
description:
  - Closes open files on a file server with NetrFileClose (MS-SRVS) over SMB, for example when a
    deployment fails with "file in use", or to empty a share before maintenance.
  - Runs wherever Python runs, usually on the controller with C(delegate_to=localhost); works
    against Windows and Samba servers. M(lanman.smb.win_smb_open_file) does the same on a Windows
    target over WinRM, with the same options and result keys.
  - Lists the open files, selects them locally, then closes each selected file after reading it
    again (a file gone by then is reported in RV(vanished_files), not an error). Check mode
    reports exactly what would close and closes nothing; a second run is unchanged.
  - Closing a file ends that open handle only - the user's session and other files stay - and
    the user loses unsaved changes in it.
  - Closing needs administrator rights on the server (Samba - root or SeDiskOperatorPrivilege).
extends_documentation_fragment:
  - lanman.smb.server
  - lanman.smb.connection
  - lanman.smb.open_file_filters
  - lanman.smb.open_file_filters.close
  - ansible.builtin.action_common_attributes
  - lanman.smb.attributes.file_close
  - lanman.smb.attributes.posix
seealso:
  - module: lanman.smb.smb_open_file_info
  - module: lanman.smb.win_smb_open_file
  - module: lanman.smb.smb_session
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Release the files held open under the application folder before deploying
  lanman.smb.smb_open_file:
    server: files01.example.com
    auth_username: svc-smbadmin
    auth_password: "{{ vault_smbadmin_password }}"
    path:
      - D:\Apps\Payroll\
  delegate_to: localhost

- name: Empty a Samba share before maintenance, except the backup account
  lanman.smb.smb_open_file:
    server: samba01.example.com
    auth_username: svc-smbadmin
    auth_password: "{{ vault_smbadmin_password }}"
    share: [data]
    exclude_username: [svc-backup]
  delegate_to: localhost
'''

RETURN = r'''
closed_files:
  description: The files closed (in check mode, that would be closed), in ascending id.
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
skipped_files:
  description:
    - Selected files kept open, each with the keys of RV(closed_files) and a C(reason) -
      C(own_pipe) (the module's own connection), C(conflicting_entries) (the server listed the id
      twice with different paths or users), C(excluded_path), C(excluded_username), C(excluded_client),
      C(named_pipe) (pipes close only when O(path) names them exactly), C(id_reused) (the id named
      another file when read again).
  returned: always
  type: list
  elements: dict
vanished_files:
  description: Selected files already closed when the module read them again or closed them.
  returned: always
  type: list
  elements: dict
failed_call:
  description:
    - The close that failed, when the module failed midway; C(null) otherwise. The module stops at
      the first failed call; files closed before it stay closed (RV(closed_files)), the rest are in
      RV(untried_files).
  returned: always
  type: dict
  sample: {"id": 653000716, "path": "C:\\srv\\data\\a.txt", "status": 5, "message": "NetrFileClose failed with status 5: Access is denied. ..."}
untried_files:
  description: Selected files not tried because an earlier call failed; C([]) otherwise.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.file_calls import FileCalls
from ansible_collections.lanman.smb.plugins.module_utils.agentless_module import (
    check_connection_options, connect, open_file_close_spec, start_deadline,
)
from ansible_collections.lanman.smb.plugins.module_utils.client_resolver import ResolutionError, resolve_exclusions
from ansible_collections.lanman.smb.plugins.module_utils.open_files import (
    close_plan, close_result, option_lists, select,
)


def main():
    module = AnsibleModule(argument_spec=open_file_close_spec(), supports_check_mode=True)
    try:
        host = check_connection_options(module.params)
        lists = option_lists(module.params, close=True)   # the contract's order of entry checks
    except ValueError as e:
        module.fail_json(msg=str(e))
    deadline = start_deadline(module.params)   # timeout bounds everything from here on
    # Before anything is listed or closed: an exclusion that matches nothing protects nothing.
    try:
        lists['exclude_client'] = resolve_exclusions(lists['exclude_client'], deadline)
    except ResolutionError as e:
        module.fail_json(msg=str(e))
    client = connect(module, host, deadline)
    try:
        try:
            api = FileCalls(client)
            dummy, plan = select(api, lists, module.warn)
            run = close_plan(api, plan, module.check_mode)
        except (SrvsvcError, ValueError) as e:
            module.fail_json(msg=str(e))
        result = close_result(plan, run)
        if run.failed_call is not None:
            module.fail_json(msg=run.error, **result)
        try:
            client.disconnect()   # the logoff is bounded too: a server silent there fails the task
        except SrvsvcError as e:
            module.fail_json(msg='Every planned close was answered (closed_files, vanished_files); then closing the '
                                 'connection failed: %s' % e, **result)
    finally:
        client.close()
    module.exit_json(**result)


if __name__ == '__main__':
    main()
