# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""smb_session_audit: list the sessions of many SMB servers from one process.

Each server is listed by a worker of a bounded pool (deadline_pool.py) with the listing
rules of agentless_module.py; one server's failure or silence becomes that server's error and
never hides or delays the others beyond its own deadline.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError, without_secret
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import LEVELS
from ansible_collections.lanman.smb.plugins.module_utils.agentless_module import (
    CONNECTION_SPEC, FILTER_SPEC, ResolutionError, check_timeout, drop_empty_selectors, list_sessions, new_client,
    normalise_server, require_smbprotocol, resolve_selectors, start_deadline,
)
from ansible_collections.lanman.smb.plugins.module_utils.deadline_pool import run_with_deadlines

MIN_WORKERS = 1
MAX_WORKERS = 256
DEFAULT_WORKERS = 16
# smbprotocol's own per-call limits are a backstop that frees an abandoned worker; they are
# set past the pool's wall-clock deadline so that a silent server is always reported by the
# deadline, with one clear message, whichever step it stopped answering in. Two seconds,
# because smbprotocol truncates its remaining wait to whole seconds (int(timeout - elapsed)).
CLIENT_TIMEOUT_MARGIN = 2


def audit_spec():
    spec = dict((k, v) for k, v in CONNECTION_SPEC.items() if k != 'server')
    spec.update(FILTER_SPEC)
    spec.update(
        servers=dict(type='list', elements='raw', required=True),
        level=dict(type='int', choices=list(LEVELS)),
        workers=dict(type='int', default=DEFAULT_WORKERS),
    )
    return spec


class AuditInputError(ValueError):
    """Bad options, found before any server is contacted."""


def parse_servers(entries, default_port):
    """[(server, port)] in input order; each entry a host string or a {server, port} dict."""
    if not entries:
        raise AuditInputError('servers is empty; give at least one host name or address.')
    targets, seen = [], {}
    for number, entry in enumerate(entries):
        where = 'servers[%d]' % number
        if isinstance(entry, str):
            server, port = entry, default_port
        elif isinstance(entry, dict):
            unknown = sorted(set(entry) - set(['server', 'port']))
            if unknown:
                raise AuditInputError('%s has unknown key(s) %s; an entry is a host name or a dict '
                                      'with server and optionally port.' % (where, ', '.join(unknown)))
            server, port = entry.get('server'), entry.get('port', default_port)
            if not isinstance(server, str):
                raise AuditInputError('%s needs a server (a host name or address).' % where)
        else:
            raise AuditInputError('%s is a %s; an entry is a host name or a dict with server and '
                                  'optionally port.' % (where, type(entry).__name__))
        if not server.strip():
            raise AuditInputError('%s has an empty server name.' % where)
        # The forms an admin types for one server (\\files01, [::1], a trailing dot) work here too.
        try:
            server = normalise_server(server)
        except ValueError as e:
            raise AuditInputError('%s: %s' % (where, e))
        port = _port(port, where)
        key = (server.lower(), port)  # normalise_server already dropped a trailing dot
        if key in seen:
            raise AuditInputError('%s repeats servers[%d] (%s port %d); list each server once.'
                                  % (where, seen[key], server, port))
        seen[key] = number
        targets.append((server, port))
    return targets


def _port(value, where):
    if isinstance(value, bool):
        value = None
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = None
    if port is None or str(port) != str(value).strip() or not 1 <= port <= 65535:
        raise AuditInputError('%s has port %r; a port is a number from 1 to 65535.' % (where, value))
    return port


def check_options(params):
    if not MIN_WORKERS <= params['workers'] <= MAX_WORKERS:
        raise AuditInputError('workers must be from %d to %d, got %d.'
                              % (MIN_WORKERS, MAX_WORKERS, params['workers']))
    try:
        check_timeout(params['timeout'])
    except ValueError as e:
        raise AuditInputError(str(e))
    return parse_servers(params['servers'], params['port'])


def idle_time_reliable(requested_level, level):
    """Whether idle_seconds can be judged: Samba always reports 0 and only serves level 1.

    True for levels 2, 10 and 502 (Samba refuses them); False at level 0 (no idle time) and
    at level 1 reached by refusals of 502 and 2 with ERROR_INVALID_LEVEL; None (unknown) at a
    requested level 1, where no richer level was asked for.
    """
    if level == 0:
        return False
    if level == 1:
        return False if requested_level is None else None
    return True


class FleetAudit:
    def __init__(self, params, warn):
        drop_empty_selectors(params)
        self.params = params
        self.requested_level = params['level']
        # Client names are resolved once for every server, within one timeout.
        self.clients = resolve_selectors(params['client'], warn, start_deadline(params))
        self.usernames = params['username'] or []
        self._clients = {}   # target -> its SrvsvcClient, whose step the timed-out message names

    def _entry(self, target, started, level=None, sessions=None, error=None, warnings=None):
        reliable = None if error is not None else idle_time_reliable(self.requested_level, level)
        return dict(server=target[0], port=target[1], level=level,
                    sessions=[s.to_result() for s in sessions or []], error=error,
                    elapsed_seconds=round(time.monotonic() - started, 3), idle_time_reliable=reliable,
                    warnings=list(warnings or []))

    def audit_server(self, target, slot):
        p = self.params
        client = new_client(p, target[0], target[1], p['timeout'] + CLIENT_TIMEOUT_MARGIN)
        self._clients[target] = client
        # SrvsvcClient.abort shuts the socket down without waiting (close() would log off first
        # and wait on the silent server itself).
        slot.on_abort(client.abort)
        try:
            client.connect()
            if slot.abandoned:
                return None  # already reported as timed out
            # Per-server warnings (e.g. level 502 denied, listed at level 10) stay with that server.
            warnings = []
            sessions, level = list_sessions(client, self.requested_level, self.clients, self.usernames,
                                            warn=warnings.append)
            return self._entry(target, slot.started, level=level, sessions=sessions, warnings=warnings)
        except SrvsvcError as e:
            return self._entry(target, slot.started, error=without_secret(str(e), p['auth_password']))
        finally:
            client.close()

    def timed_out(self, target, seconds):
        client = self._clients.get(target)
        step = getattr(client, 'step', None)
        entry = self._entry(target, time.monotonic() - seconds,
                            error='%s port %d did not answer within %d s (connect and list sessions%s); '
                                  'check that it is an SMB server and not overloaded, or raise timeout.'
                                  % (target[0], target[1], self.params['timeout'],
                                     '; it stopped during %s' % step if step else ''))
        return entry

    def crashed(self, target, exception):
        text = '%s port %d: unexpected error %s: %s' % (target[0], target[1], type(exception).__name__,
                                                        exception)
        return self._entry(target, time.monotonic(), error=without_secret(text, self.params['auth_password']))

    def run(self, targets):
        return run_with_deadlines(targets, self.audit_server, self.params['workers'], self.params['timeout'],
                                  self.timed_out, self.crashed)


def summarise(entries):
    failed = sum(1 for e in entries if e['error'] is not None)
    return dict(servers=len(entries), ok=len(entries) - failed, failed=failed,
                sessions=sum(len(e['sessions']) for e in entries))


def run_module(module):
    """The whole of smb_session_audit; exits the module."""
    require_smbprotocol(module)
    try:
        targets = check_options(module.params)
        audit = FleetAudit(module.params, module.warn)
    except (AuditInputError, ResolutionError) as e:
        module.fail_json(msg=str(e))
    entries = audit.run(targets)
    for entry in entries:
        for text in entry['warnings']:
            module.warn('%s port %d: %s' % (entry['server'], entry['port'], text))
    module.exit_json(changed=False, servers=entries, summary=summarise(entries))
