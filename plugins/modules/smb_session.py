#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: smb_session
short_description: Close SMB sessions on a Windows or Samba server, agentless
version_added: 0.1.0
description:
  - Closes SMB sessions of a file server with NetrSessionDel (MS-SRVS) over SMB, for example to
    get users off a server before maintenance, or to end sessions idle for hours.
  - Runs wherever Python runs, usually on the controller with C(delegate_to=localhost); works
    against Windows and Samba servers. M(lanman.smb.win_smb_session) does the same on a Windows
    target over WinRM, with the same options and result keys.
  - Lists the sessions first, plans which (client, user) pairs can be closed safely, then closes
    them. Check mode reports exactly that plan and closes nothing; a second run is unchanged.
  - On Samba, closing ends the server process of the matched client connection, so every
    session on that TCP connection ends, whoever it belongs to.
extends_documentation_fragment:
  - lanman.smb.server
  - lanman.smb.connection
  - lanman.smb.session_filters
  - lanman.smb.session_share
  - lanman.smb.session_close
  - ansible.builtin.action_common_attributes
  - lanman.smb.attributes.close
  - lanman.smb.attributes.posix
seealso:
  - module: lanman.smb.smb_session_info
  - module: lanman.smb.win_smb_session
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Close jdoe's sessions before maintenance, after a dry run (connection options set once)
  module_defaults:
    group/lanman.smb.agentless:
      server: files01.example.com
      auth_username: svc-smbadmin
      auth_password: "{{ vault_smbadmin_password }}"
  delegate_to: localhost
  block:
    - name: Dry run - which sessions of jdoe would be closed
      lanman.smb.smb_session:
        username: CONTOSO\jdoe
      check_mode: true
      diff: true
      register: would_close

    - name: Close them, unless jdoe is on more machines than expected
      lanman.smb.smb_session:
        username: CONTOSO\jdoe
      when: would_close.closed_sessions | map(attribute='client') | unique | length <= 2

- name: Get the Projects share's users off before moving it (also ends their other shares from those clients)
  lanman.smb.smb_session:
    server: files01.example.com
    auth_username: svc-smbadmin
    auth_password: "{{ vault_smbadmin_password }}"
    share: Projects
    exclude_username: svc-backup
  delegate_to: localhost

- name: Close every session idle for more than an hour, except the backup server's
  lanman.smb.smb_session:
    server: files01.example.com
    auth_username: svc-smbadmin
    auth_password: "{{ vault_smbadmin_password }}"
    all: true
    min_idle_seconds: 3600
    exclude_client: backup01.example.com
  delegate_to: localhost

- name: Kick everyone off before patching (Kerberos, encrypted)
  lanman.smb.smb_session:
    server: "{{ inventory_hostname }}"
    auth_protocol: kerberos
    require_encryption: true
    all: true
  delegate_to: localhost
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
  description:
    - One entry per close call made (or planned in check mode), including a call that failed.
      C(username) null closes every session of the client; C(client) null closes every session
      of the user (the only call that reaches a session the server reports without a client name).
  returned: always
  type: list
  elements: dict
  contains:
    client:
      description: Client of the call, or null for every session of the user.
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError
from ansible_collections.lanman.smb.plugins.module_utils.agentless_module import (
    build_selection, check_options, close_spec, connect, start_deadline,
)
from ansible_collections.lanman.smb.plugins.module_utils.client_resolver import (
    ResolutionError, resolve_exclusions, resolve_selectors,
)
from ansible_collections.lanman.smb.plugins.module_utils.close_planning import (
    NO_SELECTOR_MESSAGE, CloseSelectionError, plan_close,
)
from ansible_collections.lanman.smb.plugins.module_utils.list_and_close import (
    close_result, execute_plan, list_sessions,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import filter_sessions
from ansible_collections.lanman.smb.plugins.module_utils.share_selector import (
    list_share_users, sessions_using_share, share_warnings,
)


def main():
    module = AnsibleModule(argument_spec=close_spec(), supports_check_mode=True)
    p = module.params
    host = check_options(module)
    deadline = start_deadline(p)   # timeout bounds everything from here on
    if not p['client'] and not p['username'] and not p['share'] and not p['all']:
        module.fail_json(msg=NO_SELECTOR_MESSAGE)   # before connecting; plan_close checks it too
    if p['min_idle_seconds'] is not None and p['min_idle_seconds'] < 0:
        module.fail_json(msg='min_idle_seconds must be 0 or more, got %d' % p['min_idle_seconds'])
    # Before anything is listed or closed: an exclusion that matches nothing protects nothing.
    try:
        exclude_clients = resolve_exclusions(p['exclude_client'], deadline)
        clients = resolve_selectors(p['client'], module.warn, deadline)
    except ResolutionError as e:
        module.fail_json(msg=str(e))
    client = connect(module, host, deadline)
    try:
        try:
            # The whole list: a pair or client-wide close is judged against every session it would end.
            connections = list_share_users(client, p['share'])
            sessions, level = list_sessions(client, None, [], [], warn=module.warn)
            for text in share_warnings(sessions, connections, clients, p['username']):
                module.warn(text)
            selection = build_selection(p, client, clients, exclude_clients, connections)
            plan = plan_close(sessions, selection)
            candidates = sessions_using_share(filter_sessions(sessions, selection.client, selection.username),
                                              connections)
            outcome = execute_plan(client, plan, level, module.check_mode)
        except CloseSelectionError as e:
            module.fail_json(msg=str(e))
        except SrvsvcError as e:
            module.fail_json(msg=str(e))
        result = close_result(candidates, plan, level, outcome)
        if outcome.failed_call is not None:
            module.fail_json(msg=outcome.error, **result)
        try:
            client.disconnect()   # the logoff is bounded too: a server silent there fails the task
        except SrvsvcError as e:
            module.fail_json(msg='Every planned close call was answered (closed_sessions, vanished_sessions); then '
                                 'closing the connection failed: %s' % e, **result)
    finally:
        client.close()
    if (p['min_idle_seconds'] and not outcome.closed and candidates
            and all(s.idle_seconds == 0 for s in candidates)):
        module.warn('Every session reports an idle time of 0, so min_idle_seconds matched nothing. '
                    'Samba does not track idle time; select sessions by client or username instead.')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
