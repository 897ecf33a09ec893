# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""smb_session_audit: list the sessions of many SMB servers from one process.

Each server is listed by a worker of a bounded pool (deadline_pool.py) with the listing
rules of list_and_close.py; one server's failure or silence becomes that server's error and
never hides or delays the others beyond its own deadline.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import threading
import time

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError, without_secret
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.file_calls import FileCalls
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import LEVELS
from ansible_collections.lanman.smb.plugins.module_utils.agentless_module import (
    CONNECTION_SPEC, FILTER_SPEC, check_selectors, check_timeout, new_client, require_smbprotocol, start_deadline,
)
from ansible_collections.lanman.smb.plugins.module_utils.client_resolver import ResolutionError, resolve_selectors
from ansible_collections.lanman.smb.plugins.module_utils.deadline_pool import run_with_deadlines
from ansible_collections.lanman.smb.plugins.module_utils.list_and_close import list_sessions
from ansible_collections.lanman.smb.plugins.module_utils.local_host_names import normalise_server, own_identity
from ansible_collections.lanman.smb.plugins.module_utils.open_file_rules import join_clients, plan
from ansible_collections.lanman.smb.plugins.module_utils.open_files import list_files, option_lists
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    clients_match, is_null_session, usernames_match,
)

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
        open_files=dict(type='bool', default=False),
    )
    return spec


class AuditInputError(ValueError):
    """Bad options, found before any server is contacted."""


ENTRY_KEYS = ('server', 'port', 'name')
OPEN_FILES_WITH_FILTERS = ('open_files does not combine with client or username: each open file is joined to the '
                           'client of its user\'s sessions, which those filters would hide. Leave them unset, or '
                           'list one user\'s files with lanman.smb.smb_open_file_info (username) per server.')


class AuditTarget(collections.namedtuple('AuditTarget', 'name server port duplicate_of label')):
    """One entry of ``servers``: ``name`` as the reports show it, ``server`` and ``port`` as
    contacted; ``duplicate_of`` is the name of an earlier entry for the same server and port
    (this one is then not listed again)."""


def default_name(server, port, default_port):
    """The name of an entry given without one: the server as typed, with the port when it is
    not the default (``nas02:1445``, ``[fd00::5]:1445``)."""
    text = server.strip()
    if port == default_port:
        return text
    if ':' in text and not text.startswith('['):
        text = '[%s]' % text
    return '%s:%d' % (text, port)


def _entry_fields(entry, where, default_port):
    if isinstance(entry, str):
        return entry, default_port, None
    if isinstance(entry, dict):
        unknown = sorted(set(entry) - set(ENTRY_KEYS))
        if unknown:
            raise AuditInputError('%s has unknown key(s) %s; an entry is a host name or a dict with '
                                  'server and optionally port and name.' % (where, ', '.join(unknown)))
        server = entry.get('server')
        if not isinstance(server, str):
            raise AuditInputError('%s needs a server (a host name or address).' % where)
        name = entry.get('name')
        if name is not None and not isinstance(name, str):
            raise AuditInputError('%s has name %r; a name is a string (the name in the results).' % (where, name))
        if name is not None and not name.strip():
            raise AuditInputError('%s has an empty name; leave name out to use the server as the name.' % where)
        return server, entry.get('port', default_port), name
    raise AuditInputError('%s is a %s; an entry is a host name or a dict with server and '
                          'optionally port and name.' % (where, type(entry).__name__))


def parse_servers(entries, default_port, labels=None):
    """[AuditTarget] in input order; each entry a host string or a {server, port, name} dict.

    The forms an admin types for one server (``\\\\files01``, ``[::1]``, a trailing dot) are
    one server: a second entry for the same server and port is kept, with ``duplicate_of``
    naming the first, so the caller can report it without listing the server twice. Two
    entries with one name are bad input (the results could not be told apart). ``labels``
    name the entries in messages (default ``servers[N]``).
    """
    if not entries:
        raise AuditInputError('servers is empty; give at least one host name or address.')
    targets, by_server, by_name = [], {}, {}
    for number, entry in enumerate(entries):
        where = labels[number] if labels else 'servers[%d]' % number
        server, port, name = _entry_fields(entry, where, default_port)
        if not server.strip():
            raise AuditInputError('%s has an empty server name.' % where)
        port = _port(port, where)
        name = default_name(server, port, default_port) if name is None else name.strip()
        if name.lower() in by_name:
            raise AuditInputError("%s repeats the name '%s' of %s; give each server its own name."
                                  % (where, name, by_name[name.lower()]))
        by_name[name.lower()] = where
        try:
            host = normalise_server(server)
        except ValueError as e:
            raise AuditInputError('%s: %s' % (where, e))
        key = (host.lower(), port)  # normalise_server already dropped a trailing dot
        first = by_server.get(key)
        targets.append(AuditTarget(name, host, port, first.name if first else None, where))
        if first is None:
            by_server[key] = targets[-1]
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
        check_selectors(params)
    except ValueError as e:
        raise AuditInputError(str(e))
    if params.get('open_files') and (params['client'] or params['username']):
        raise AuditInputError(OPEN_FILES_WITH_FILTERS)
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


def server_kind(requested_level, level):
    """'samba', 'windows' or None (unknown), from the level the server served.

    Samba serves levels 0 and 1 only: a level 1 reached because 502 and 2 were refused with
    ERROR_INVALID_LEVEL is Samba; a server that served 2, 10 or 502 is Windows. A level that
    was asked for (0 or 1) tells nothing.
    """
    if requested_level is None:
        return 'samba' if level == 1 else 'windows'
    return 'windows' if level in (2, 10, 502) else None


def mark_own_sessions(sessions, own_clients, own_users):
    """Set ``own_session`` on each session result: a session the audit itself holds.

    The server lists the audit's own session like any other. It is one from an address this
    controller connected from, under the account the audit logged on with (account part, any
    case); ``own_users`` is that account or a list of them. Several workers of one run may hold
    sessions on one server at once (two names for one server), so the addresses are those of
    the whole run. Without a known account nothing is labelled: a client address alone would
    take other users' sessions from the controller for the audit's own.
    """
    users = [u for u in ([own_users] if isinstance(own_users, str) else own_users or []) if u]
    for session in sessions:
        session['own_session'] = bool(
            users and own_clients and not is_null_session(session.get('username'))
            and any(clients_match(session.get('client'), own) for own in own_clients)
            and any(usernames_match(session.get('username'), user) for user in users))
    return sessions


class FleetAudit:
    def __init__(self, params, warn):
        self.params = params
        self.requested_level = params['level']
        # Client names are resolved once for every server, within one timeout.
        self.clients = resolve_selectors(params['client'], warn, start_deadline(params))
        self.usernames = params['username'] or []
        # Who the audit is on the servers (addresses it connected from, accounts), for own_session.
        self._own_lock = threading.Lock()
        self._own_clients = set()
        self._own_users = set()
        self._clients = {}   # target -> its SrvsvcClient, whose step the timed-out message names

    def _entry(self, target, started, level=None, sessions=None, error=None, warnings=None, files=None,
               files_error=None):
        listed = error is None
        return dict(name=target.name, server=target.server, port=target.port, level=level,
                    sessions=[s.to_result() for s in sessions or []], error=error,
                    open_files=None if files is None else [f.to_result() for f in files],
                    open_files_error=files_error,
                    elapsed_seconds=round(time.monotonic() - started, 3),
                    idle_time_reliable=idle_time_reliable(self.requested_level, level) if listed else None,
                    server_kind=server_kind(self.requested_level, level) if listed else None,
                    warnings=list(warnings or []), duplicate_of=None)

    def audit_server(self, target, slot):
        p = self.params
        client = new_client(p, target.server, target.port, p['timeout'] + CLIENT_TIMEOUT_MARGIN)
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
            files, files_error = self._open_files(client, sessions) if p['open_files'] else (None, None)
            own_clients, own_user = own_identity(client)
            with self._own_lock:
                self._own_clients.update(own_clients)
                self._own_users.update([own_user] if own_user else [])
            return self._entry(target, slot.started, level=level, sessions=sessions, warnings=warnings,
                               files=files, files_error=files_error)
        except SrvsvcError as e:
            return self._entry(target, slot.started, error=without_secret(str(e), p['auth_password']))
        finally:
            client.close()

    def _open_files(self, client, sessions):
        """(files, None) as smb_open_file_info lists them with no option - level 3, joined to the
        sessions just listed, the module's own srvsvc pipe left out - or (None, why not): a server
        that lists its sessions but refuses its files keeps its sessions."""
        try:
            files = list_files(FileCalls(client), 3)
        except SrvsvcError as e:
            return None, without_secret(str(e), self.params['auth_password'])
        join_clients(files, sessions)
        return plan(files, option_lists({}, close=False), client.auth_username or None).listed, None

    def timed_out(self, target, seconds):
        client = self._clients.get(target)
        step = getattr(client, 'step', None)
        entry = self._entry(target, time.monotonic() - seconds,
                            error='%s port %d did not answer within %d s (connect and list sessions%s%s); '
                                  'check that it is an SMB server and not overloaded, or raise timeout.'
                                  % (target.server, target.port, self.params['timeout'],
                                     ' and open files' if self.params.get('open_files') else '',
                                     '; it stopped during %s' % step if step else ''))
        return entry

    def crashed(self, target, exception):
        text = '%s port %d: unexpected error %s: %s' % (target.server, target.port, type(exception).__name__,
                                                        exception)
        return self._entry(target, time.monotonic(), error=without_secret(text, self.params['auth_password']))

    def run(self, targets):
        """One result per target, in order; a repeated server is listed once (expand_duplicates)."""
        unique = [t for t in targets if t.duplicate_of is None]
        listed = run_with_deadlines(unique, self.audit_server, self.params['workers'], self.params['timeout'],
                                    self.timed_out, self.crashed)
        with self._own_lock:
            own_clients, own_users = sorted(self._own_clients), sorted(self._own_users)
        for entry in listed:
            mark_own_sessions(entry['sessions'], own_clients, own_users)
        return expand_duplicates(targets, listed)


def expand_duplicates(targets, listed):
    """Results for every target from the results of the unique ones (in order): a repeat gets
    an entry of its own that names the first (``duplicate_of``), with no sessions, so no
    session is counted twice and no server is hidden."""
    by_name = dict((entry['name'], entry) for entry in listed)
    entries = []
    for target in targets:
        if target.duplicate_of is None:
            entries.append(by_name[target.name])
            continue
        first = by_name[target.duplicate_of]
        entries.append(dict(
            name=target.name, server=target.server, port=target.port, level=None, sessions=[], error=None,
            open_files=None, open_files_error=None, elapsed_seconds=0.0, idle_time_reliable=None, server_kind=None, duplicate_of=first['name'],
            warnings=['the same server as %s: listed once, under that name' % first['name']]))
    return entries


def summarise(entries):
    duplicates = sum(1 for e in entries if e.get('duplicate_of'))
    failed = sum(1 for e in entries if e['error'] is not None)
    return dict(servers=len(entries), ok=len(entries) - failed - duplicates, failed=failed,
                duplicates=duplicates, sessions=sum(len(e['sessions']) for e in entries),
                open_files=sum(len(e.get('open_files') or ()) for e in entries))


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
            module.warn('%s (%s port %d): %s' % (entry['name'], entry['server'], entry['port'], text))
    module.exit_json(changed=False, servers=entries, summary=summarise(entries))
