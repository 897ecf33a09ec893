# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the agentless modules do on the server: listing with the level choice and fallbacks
(list_sessions), running a close plan (execute_plan, CloseRun) and the close module's result.

The Windows twin is ListAndClose.cs (SessionList, CloseExecutor, CloseRun).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcError, SrvsvcStatusError, SrvsvcTimeoutError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import (
    ERROR_ACCESS_DENIED, ERROR_INVALID_LEVEL, NOT_FOUND,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    SessionInfo, account_part, client_api_filter, clients_match, diff_entries, filter_sessions, is_null_session,
    normalise_client, usernames_match,
)
from ansible_collections.lanman.smb.plugins.module_utils.share_selector import (
    SHARE_LEVEL_0_MESSAGE, sessions_using_share, share_warnings,
)

# Unset level: the richest one the server serves. Samba answers 124 above level 1.
LEVEL_PREFERENCE = (502, 2, 1)
LEVEL_502_DENIED_WARNING = (
    'Access to level 502 was denied; listed at level 10 (user-info right only): num_opens, '
    'user_flags, is_guest, cleartext_password, client_type and transport are null.')


def _wire_filters(clients, usernames):
    """Filters safe to send: one IPv4 client, one user. Anything else is filtered locally."""
    client = None
    if len(clients) == 1:
        try:
            if ipaddress.ip_address(normalise_client(clients[0])).version == 4:
                client = client_api_filter(clients[0])
        except ValueError:
            pass
    # No account is called ANONYMOUS LOGON: a null-session selector is matched locally only.
    user = account_part(usernames[0]) if len(usernames) == 1 and not is_null_session(usernames[0]) else None
    return client, user


def _enum(client, level, wire_client, wire_user):
    filtered = bool(wire_client or wire_user)
    try:
        entries = client.enum_sessions(level, client=wire_client, user=wire_user)
    except SrvsvcStatusError as e:
        if not (filtered and e.status in NOT_FOUND):
            raise
        entries = []  # a filtered enumeration that matched nothing
    if filtered and not entries:
        # The server compares a wire filter with its own spelling of the client and user (a NetBIOS
        # name, an IPv4-mapped address, DOMAIN\user): finding nothing proves nothing. List again
        # without filters and match locally, as the C# twin does (contract.md, "Wire filters").
        entries = client.enum_sessions(level, client=None, user=None)
    return [SessionInfo.from_wire(entry, level) for entry in entries]


def list_sessions(client, level, clients, usernames, warn=None, share_connections=None):
    """(sessions, level used). ``level`` None picks the richest level the server serves.

    Filters are always applied again here: Samba ignores the wire filters. ``share_connections``
    (share_selector.list_share_users): None = no share selector; else only the sessions those connections select.
    """
    if share_connections is not None and level == 0:
        raise LevelError(0, message=SHARE_LEVEL_0_MESSAGE)
    sessions, level = _list_sessions(client, level, clients, usernames, warn)
    if share_connections is not None:
        if warn:
            for text in share_warnings(sessions, share_connections, clients, usernames):
                warn(text)
        sessions = sessions_using_share(sessions, share_connections)
    return sessions, level


def _list_sessions(client, level, clients, usernames, warn):
    wire_client, wire_user = _wire_filters(clients, usernames)
    if level == 0 and usernames:
        return _list_level_0_by_user(client, clients, usernames, wire_client, wire_user), 0
    if level is not None:
        try:
            sessions = _enum(client, level, wire_client, wire_user)
        except SrvsvcStatusError as e:
            if e.status == ERROR_INVALID_LEVEL:
                raise LevelError(level)
            raise
        return filter_sessions(sessions, clients, usernames), level
    for candidate in LEVEL_PREFERENCE:
        try:
            sessions = _enum(client, candidate, wire_client, wire_user)
        except SrvsvcStatusError as e:
            if e.status == ERROR_INVALID_LEVEL and candidate != LEVEL_PREFERENCE[-1]:
                continue
            if e.status == ERROR_ACCESS_DENIED and candidate == 502:
                # 502 needs more than the user-info right an auditor may hold; 10 needs only that.
                try:
                    sessions = _enum(client, 10, wire_client, wire_user)
                except SrvsvcStatusError:
                    raise e   # the 502 denial is what the user must fix (contract.md, 'Level choice')
                if warn:
                    warn(LEVEL_502_DENIED_WARNING)
                return filter_sessions(sessions, clients, usernames), 10
            raise
        return filter_sessions(sessions, clients, usernames), candidate


def _list_level_0_by_user(client, clients, usernames, wire_client, wire_user):
    """Level 0 has no user name to filter on: filter at a level that has one, answer as level 0."""
    try:
        try:
            sessions = _enum(client, 10, wire_client, wire_user)
        except SrvsvcStatusError as e:
            if e.status != ERROR_INVALID_LEVEL:
                raise
            sessions = _enum(client, 1, wire_client, wire_user)  # Samba: 0 and 1 only
    except SrvsvcStatusError as e:
        if e.status != ERROR_INVALID_LEVEL:
            raise   # a denial stays a denial: only 124 at 10 and at 1 is the level error
        raise LevelError(0, message=(
            'level 0 carries no user name, so the username filter needs level 10 or 1, and the server '
            'refused them (%s). Use level 1, or drop the username filter.' % e))
    return [SessionInfo(s.raw_client) for s in filter_sessions(sessions, clients, usernames)]


class LevelError(SrvsvcError):
    """The server does not serve the information level asked for (a SrvsvcError, so the modules
    catch one type)."""

    def __init__(self, level, message=None):
        super(LevelError, self).__init__(message or (
            'The server does not serve information level %d (ERROR_INVALID_LEVEL). Windows serves '
            '0, 1, 2, 10 and 502; Samba serves 0 and 1 only. Leave level unset to use the richest '
            'level the server serves.' % level))


def _ends(target, session):
    """Would this target's NetrSessionDel end ``session``? (client None = user-wide,
    username None = client-wide)."""
    if target.client is not None and not clients_match(session.client, target.client):
        return False
    if target.username is not None and not usernames_match(session.username, target.username):
        return False
    return True


def _still_present(client, level, target):
    """After an ambiguous delete answer: does any session the target would end still exist?"""
    return any(_ends(target, s) for s in _enum(client, level, None, None))


def _call_result(target, **extra):
    result = dict(client=target.client, username=target.username, **extra)
    result['sessions'] = [s.to_result() for s in target.sessions]
    return result


class CloseRun:
    """What execute_plan did. ``failed_call`` None and ``untried`` [] when every call was made."""

    def __init__(self):
        self.closed = []
        self.vanished = []
        self.calls = []
        self.failed_call = None
        self.untried = []
        self.error = None

    @property
    def changed(self):
        return bool(self.closed)


def _is_vanished(client, level, target, e):
    """2312/2221: gone. 5 (Samba's answer when nothing matched): gone only when a fresh listing
    shows none of the target's sessions; anything else is a failure."""
    if e.status in NOT_FOUND:
        return True, None
    if e.status != ERROR_ACCESS_DENIED:
        return False, None
    try:
        return not _still_present(client, level, target), None
    except SrvsvcError as again:
        return False, 'could not list the sessions again to tell vanished from denied: %s' % again


# A NetrSessionDel whose answer never came may have been carried out: say so, never "not closed".
ANSWER_LOST = (' The server received this call and may already have closed its sessions: its answer never came. '
               'List the sessions again (smb_session_info) to see which are gone.')
CALL_NOT_SENT = ' This call was not sent: the timeout had already run out.'


def _make_call(client, level, target, run):
    """One planned delete: its sessions go to run.closed or run.vanished and None is
    returned, or the call failed and (status, message) is returned (status None: no answer)."""
    try:
        client.delete_session(target.raw_client, target.username)
    except SrvsvcStatusError as e:
        vanished, why = _is_vanished(client, level, target, e)
        if not vanished:
            return e.status, str(e) + ('; ' + why if why else '')
        run.vanished.extend(target.sessions)
    except SrvsvcTimeoutError as e:
        return None, str(e) + (ANSWER_LOST if getattr(e, 'request_sent', True) else CALL_NOT_SENT)
    except SrvsvcError as e:
        return None, str(e)
    else:
        run.closed.extend(target.sessions)
    return None


def execute_plan(client, plan, level, check_mode):
    """Run the planned deletes in order, stopping at the first failed call (see CloseRun)."""
    run = CloseRun()
    for index, target in enumerate(plan.targets):
        run.calls.append(target.to_result())
        if check_mode:
            run.closed.extend(target.sessions)
            continue
        failure = _make_call(client, level, target, run)
        if failure is None:
            continue
        status, message = failure
        run.failed_call = _call_result(target, status=status, message=message)
        run.untried = [_call_result(t) for t in plan.targets[index + 1:]]
        run.error = (
            'Closing stopped at the call for client %s, user %s: %s. %d session(s) were closed before it '
            '(closed_sessions); %d planned call(s) were not tried (untried_calls).'
            % (_shown(target.client), _shown(target.username), message, len(run.closed), len(run.untried)))
        break
    return run


def _shown(name):
    return '(any)' if name is None else name


def close_result(candidates, plan, level, run):
    gone = set(id(s) for s in run.closed) | set(id(s) for s in run.vanished)
    return dict(
        changed=run.changed,
        closed_sessions=[s.to_result() for s in run.closed],
        # 'skipped' is reserved by Ansible (a skipped task), hence the *_sessions names.
        skipped_sessions=[k.to_result() for k in plan.skipped],
        vanished_sessions=[s.to_result() for s in run.vanished],
        close_calls=run.calls,
        failed_call=run.failed_call,
        untried_calls=run.untried,
        level=level,
        diff=dict(before=dict(sessions=diff_entries(candidates)),
                  after=dict(sessions=diff_entries([s for s in candidates if id(s) not in gone]))),
    )
