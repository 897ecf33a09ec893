#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: smb_session_audit
short_description: List the SMB sessions of many servers in one task, agentless
version_added: 0.2.0
description:
  - Lists the SMB sessions of every server in O(servers) from one process, with a bounded pool of
    O(workers) concurrent connections, and returns one result per server in input order.
  - Each server is listed like M(lanman.smb.smb_session_info) does it (NetrSessionEnum over SMB,
    the same levels, filters and session keys), so a fleet takes one task instead of one task per
    inventory host.
  - A server that cannot be reached, refuses the credentials, denies the listing or stops answering
    gets an C(error) in its own result; the other servers are still listed and the task does not
    fail. Bad input (an empty server list, a malformed entry, a server that names no single server such
    as C(*) or C(0.0.0.0), two entries with one name, an empty O(client) or O(username) entry, O(workers)
    out of range) fails the task before any server is contacted.
  - A server given twice (the same server and port, however written - C(files01), C(FILES01.),
    C(\\files01)) is listed once, under the first entry's name; the repeat gets a result of its own with
    C(duplicate_of) naming the first, so no server is hidden and no session counted twice.
  - A server that has not finished within O(timeout) seconds is reported as not answering and
    abandoned (its connection is shut down), so the task ends on time however the server behaves.
  - Each list includes the module's own session on that server (the one it uses to ask), labelled
    C(own_session=true) - a session from an address this run connected from, under the account it logged
    on with. Behind NAT the server sees another address and the label cannot be given.
options:
  servers:
    description:
      - The SMB servers to list. An entry is a host name or address, or a dict with C(server) and
        optionally C(port) (default O(port)) and C(name).
      - C(name) is the name of the entry's result (for example the inventory name); default - the server as
        written, with C(:port) when the port is not O(port). Two entries with one name fail the task.
      - The same server with the same port twice is listed once (see C(duplicate_of)); the same server on
        two ports is two servers.
    type: list
    elements: raw
    required: true
  timeout:
    description:
      - Seconds one server may take, from connecting to the end of its listing, every step together.
        A server still busy then is reported with the error C(did not answer within N s), naming the
        step it stopped in, and abandoned. From 1 to 86400 (one day).
      - Servers wait for a free worker before their time starts, so the task takes about
        (number of servers / O(workers)) x the slowest server, at most.
      - Resolving the O(client) names, once for all servers before the first is contacted, has its own
        O(timeout); a name not resolved by then is matched only as a name, with a warning.
    type: int
    default: 30
  workers:
    description:
      - How many servers are listed at the same time (each holds one SMB connection while it is
        listed and closes it when done), from 1 to 256.
    type: int
    default: 16
  open_files:
    description:
      - Also list each server's open files (NetrFileEnum level 3), as M(lanman.smb.smb_open_file_info) lists
        them with no option - each joined to the client of its user's sessions, the module's own C(\PIPE\srvsvc)
        left out - in the server's C(open_files).
      - Off by default - a busy file server holds tens of thousands of open files. The listing is part of the
        server's O(timeout) and has the same size bounds as the session listing (at most 100,000 files).
      - A server that lists its sessions but not its open files (on Windows, NetFileEnum needs Administrators
        even where level 10 sessions do not) keeps its sessions; C(open_files_error) says why.
      - Does not combine with O(client) or O(username) (they would hide the sessions each file is joined to).
    type: bool
    default: false
extends_documentation_fragment:
  - lanman.smb.connection
  - lanman.smb.session_filters
  - lanman.smb.session_level
  - ansible.builtin.action_common_attributes
  - lanman.smb.attributes.info
  - lanman.smb.attributes.posix
notes:
  - The filters and O(level) apply to every server. An explicit level a server does not serve is an
    C(error) for that server only.
seealso:
  - module: lanman.smb.smb_session_info
  - module: lanman.smb.smb_session
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Sessions of every file server of the inventory group, in one task
  lanman.smb.smb_session_audit:
    servers: "{{ groups['file_servers'] }}"
    auth_username: svc-smbaudit
    auth_password: "{{ vault_smbaudit_password }}"
    timeout: 20
  delegate_to: localhost
  run_once: true
  register: audit

- name: Servers that could not be listed
  ansible.builtin.debug:
    msg: "{{ audit.servers | rejectattr('error', 'none') | map(attribute='server') }}"

- name: Where is jdoe connected (one server on a non-standard port, named as the inventory names it)
  lanman.smb.smb_session_audit:
    servers:
      - files01.example.com
      - server: nas02.example.com
        port: 1445
        name: nas02
    username: CONTOSO\jdoe
    auth_protocol: kerberos
    workers: 4
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
servers:
  description: One entry per server of O(servers), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The entry's name (as given, or the server as written with C(:port) when not the default port).
      type: str
      sample: files01
    server:
      description: The server contacted - the host name or address, without C(\\), brackets or a trailing dot.
      type: str
      sample: files01.example.com
    duplicate_of:
      description:
        - C(null), or the name of an earlier entry for the same server and port; this entry was then not
          listed again (C(sessions) empty, C(error) null, C(level) null).
      type: str
      sample: null
    server_kind:
      description:
        - C(samba) when the server served level 1 after refusing levels 502 and 2 (as Samba does), C(windows)
          when it served 2, 10 or 502, C(null) when not listed or when O(level) was asked for (then unknown).
      type: str
      sample: windows
    port:
      description: The port used.
      type: int
      sample: 445
    level:
      description: The information level used on this server; C(null) when it could not be listed.
      type: int
      sample: 502
    sessions:
      description:
        - The sessions matching the filters, with the same keys as RV(lanman.smb.smb_session_info#module:sessions),
          plus C(own_session) (true for the module's own session).
        - Empty when the server could not be listed.
      type: list
      elements: dict
      sample: [{client: 10.0.0.5, username: jdoe, num_opens: 3, active_seconds: 5400, idle_seconds: 3700,
                user_flags: 0, is_guest: false, cleartext_password: false, client_type: null, transport: null,
                own_session: false}]
    open_files:
      description:
        - With O(open_files=true), the server's open files, with the keys of
          RV(lanman.smb.smb_open_file_info#module:open_files) (C(id), C(path), C(username), C(permissions),
          C(permissions_mask), C(num_locks), C(is_pipe), C(client), C(clients)), sorted by C(id).
        - C(null) when not asked for, when the server could not be listed, or when only the open files could not
          be listed (C(open_files_error)).
      type: list
      elements: dict
      sample: [{id: 653000713, path: 'C:\srv\data\q4.xlsx', username: alice, permissions: [read, write],
                permissions_mask: 3, num_locks: 0, is_pipe: false, client: 10.0.0.5, clients: [10.0.0.5]}]
    open_files_error:
      description: C(null), or why the open files could not be listed while the sessions were. Never contains the
        password.
      type: str
      sample: null
    error:
      description: C(null) when the server was listed, else why not (unreachable, authentication, access
        denied, level not served, did not answer within O(timeout)). Never contains the password.
      type: str
      sample: null
    elapsed_seconds:
      description: Seconds spent on this server, from connecting to closing.
      type: float
      sample: 0.084
    idle_time_reliable:
      description:
        - Whether C(idle_seconds) can be judged. V(false) when the server served only level 1 after
          refusing levels 502 and 2 (Samba, whose idle time is always 0) and at level 0 (no idle
          time); V(true) at levels 2, 10 and 502.
        - C(null) when the server could not be listed or O(level=1) was asked for (the server was not
          asked for a richer level, so it is unknown whether it is Samba).
      type: bool
      sample: true
    warnings:
      description:
        - What this server's listing warned about (for example level 502 denied, listed at level 10).
          Each is also shown as a task warning prefixed with the server.
      type: list
      elements: str
      sample: []
summary:
  description: Counts over all servers.
  returned: always
  type: dict
  contains:
    servers:
      description: Number of entries given.
      type: int
      sample: 50
    ok:
      description: Servers listed.
      type: int
      sample: 49
    failed:
      description: Servers with an C(error).
      type: int
      sample: 1
    duplicates:
      description: Entries that repeat an earlier server (C(duplicate_of)); not counted in C(ok).
      type: int
      sample: 0
    sessions:
      description: Sessions returned over all servers.
      type: int
      sample: 812
    open_files:
      description: Open files returned over all servers (0 without O(open_files)).
      type: int
      sample: 0
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils.fleet_audit import audit_spec, run_module


def main():
    run_module(AnsibleModule(argument_spec=audit_spec(), supports_check_mode=True))


if __name__ == '__main__':
    main()
