# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What smb_session_info and smb_session share: options, connecting, listing, closing.

The modules stay thin; the rules live here and in smb_sessions.py (docs/developer/contract.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import socket

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.lanman.smb.plugins.module_utils.smb_sessions import (
    CloseSelection, Session, account_part, client_api_filter, diff_entries, filter_sessions,
    normalise_client,
)
from ansible_collections.lanman.smb.plugins.module_utils.srvsvc import (
    HAS_SMBPROTOCOL, SMBPROTOCOL_IMPORT_ERROR, SrvsvcClient, SrvsvcConnectionError, SrvsvcError,
)

LEVELS = [0, 1, 2, 10, 502]
# Unset level: the richest one the server serves. Samba answers 124 above level 1.
LEVEL_PREFERENCE = (502, 2, 1)
ERROR_INVALID_LEVEL = 124
NOT_FOUND = (2221, 2312)
ERROR_ACCESS_DENIED = 5

CONNECTION_SPEC = dict(
    server=dict(type='str', required=True),
    port=dict(type='int', default=445),
    auth_username=dict(type='str', fallback=(env_fallback, ['SMB_USERNAME'])),
    auth_password=dict(type='str', no_log=True, fallback=(env_fallback, ['SMB_PASSWORD'])),
    auth_protocol=dict(type='str', default='negotiate', choices=['negotiate', 'kerberos', 'ntlm']),
    require_encryption=dict(type='bool', default=False),
    timeout=dict(type='int', default=30),
)

FILTER_SPEC = dict(
    client=dict(type='list', elements='str'),
    username=dict(type='list', elements='str'),
)


def info_spec():
    spec = dict(CONNECTION_SPEC)
    spec.update(FILTER_SPEC)
    spec['level'] = dict(type='int', choices=LEVELS)
    return spec


def close_spec():
    spec = dict(CONNECTION_SPEC)
    spec.update(FILTER_SPEC)
    spec.update(
        min_idle_seconds=dict(type='int'),
        exclude_client=dict(type='list', elements='str', default=[]),
        exclude_username=dict(type='list', elements='str', default=[]),
        all=dict(type='bool', default=False),
        state=dict(type='str', default='absent', choices=['absent']),
    )
    return spec


def connect(module):
    """An open SrvsvcClient, or fail_json with a message that says what to check."""
    if not HAS_SMBPROTOCOL:
        module.fail_json(msg=missing_required_lib('smbprotocol'), exception=str(SMBPROTOCOL_IMPORT_ERROR))
    p = module.params
    if p['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds, got %d' % p['timeout'])
    client = SrvsvcClient(p['server'], port=p['port'], username=p['auth_username'],
                          password=p['auth_password'], auth_protocol=p['auth_protocol'],
                          require_encryption=p['require_encryption'], timeout=p['timeout'])
    try:
        client.connect()
    except SrvsvcConnectionError as e:
        module.fail_json(msg=str(e))
    return client


def resolve_clients(names):
    """Selector names plus every address a host name resolves to (servers report addresses)."""
    result = []
    for name in names or []:
        result.append(name)
        text = normalise_client(name)
        try:
            ipaddress.ip_address(text.partition('%')[0])
            continue
        except ValueError:
            pass
        try:
            infos = socket.getaddrinfo(text.rstrip('.'), None)
        except (socket.gaierror, UnicodeError):
            continue  # unresolvable: match the name as the server might report it
        for info in infos:
            address = normalise_client(info[4][0])
            if address not in result:
                result.append(address)
    return result


def _wire_filters(clients, usernames):
    """Filters safe to send: one IPv4 client, one user. Anything else is filtered locally."""
    client = None
    if len(clients) == 1:
        try:
            if ipaddress.ip_address(normalise_client(clients[0])).version == 4:
                client = client_api_filter(clients[0])
        except ValueError:
            pass
    user = account_part(usernames[0]) if len(usernames) == 1 else None
    return client, user


def _enum(client, level, wire_client, wire_user):
    try:
        entries = client.enum_sessions(level, client=wire_client, user=wire_user)
    except SrvsvcError as e:
        if e.status in NOT_FOUND and (wire_client or wire_user):
            return []  # a filtered enumeration that matched nothing
        raise
    return [Session.from_wire(entry, level) for entry in entries]


def list_sessions(client, level, clients, usernames):
    """(sessions, level used). ``level`` None picks the richest level the server serves."""
    wire_client, wire_user = _wire_filters(clients, usernames)
    if level is not None:
        try:
            sessions = _enum(client, level, wire_client, wire_user)
        except SrvsvcError as e:
            if e.status == ERROR_INVALID_LEVEL:
                raise LevelError(level)
            raise
        return filter_sessions(sessions, clients, usernames), level
    for candidate in LEVEL_PREFERENCE:
        try:
            sessions = _enum(client, candidate, wire_client, wire_user)
        except SrvsvcError as e:
            if e.status == ERROR_INVALID_LEVEL and candidate != LEVEL_PREFERENCE[-1]:
                continue
            raise
        return filter_sessions(sessions, clients, usernames), candidate


class LevelError(Exception):
    def __init__(self, level):
        super(LevelError, self).__init__(
            'The server does not serve information level %d (ERROR_INVALID_LEVEL). Windows serves '
            '0, 1, 2, 10 and 502; Samba serves 0 and 1 only. Leave level unset to use the richest '
            'level the server serves.' % level)


def own_identity(client):
    """(own_client, own_username) describing the session this module itself holds."""
    own_client = [client.local_address] if client.local_address else []
    own_user = account_part(client.auth_username) if client.auth_username else None
    return own_client, own_user


def build_selection(params, client):
    own_client, own_user = own_identity(client)
    return CloseSelection(
        client=resolve_clients(params['client']),
        username=params['username'],
        min_idle_seconds=params['min_idle_seconds'],
        exclude_client=resolve_clients(params['exclude_client']),
        exclude_username=params['exclude_username'],
        all=params['all'],
        own_client=own_client,
        own_username=own_user,
    )


def _still_present(client, level, target):
    """After an ambiguous delete answer: does any session of the target still exist?"""
    sessions = _enum(client, level, None, None)
    for session in sessions:
        if session.pair_key()[0] != target.sessions[0].pair_key()[0]:
            continue
        if target.username is None or session.pair_key() == target.sessions[0].pair_key():
            return True
    return False


def execute_plan(client, plan, level, check_mode):
    """Run the planned deletes; returns (changed, closed, vanished, calls)."""
    closed, vanished, calls = [], [], []
    for target in plan.targets:
        calls.append(target.to_result())
        if check_mode:
            closed.extend(target.sessions)
            continue
        try:
            client.delete_session(target.raw_client, target.username)
            closed.extend(target.sessions)
        except SrvsvcError as e:
            # Windows says 2312/2221 when the pair is gone; Samba says ACCESS_DENIED (5) when
            # nothing matched, so only a fresh listing can tell "gone" from "not allowed".
            if e.status in NOT_FOUND or (e.status == ERROR_ACCESS_DENIED
                                         and not _still_present(client, level, target)):
                vanished.extend(target.sessions)
            else:
                raise
    changed = bool(closed)
    return changed, closed, vanished, calls


def close_result(candidates, plan, level, changed, closed, vanished, calls):
    gone = set(id(s) for s in closed) | set(id(s) for s in vanished)
    return dict(
        changed=changed,
        closed_sessions=[s.to_result() for s in closed],
        # 'skipped' is reserved by Ansible (a skipped task), hence the *_sessions names.
        skipped_sessions=[k.to_result() for k in plan.skipped],
        vanished_sessions=[s.to_result() for s in vanished],
        close_calls=calls,
        level=level,
        diff=dict(before=dict(sessions=diff_entries(candidates)),
                  after=dict(sessions=diff_entries([s for s in candidates if id(s) not in gone]))),
    )
