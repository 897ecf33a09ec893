"""Fake srvsvc clients that the shared tables (tests/fixtures/*_cases.json) script, the Python
counterparts of what tests/csharp/SharedTableTests.cs arranges in the stand-in netapi32.

Both answer as the stand-in does: a level's status first, then the wire filters compared with
the server's own spelling (case-insensitive, leading backslashes ignored), 2312 when no session
has the client, 2221 when none of those has the user.
"""
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcStatusError, SrvsvcTimeoutError,
)
from fake_srvsvc import LEVEL_FIELDS


def same_name(server_spelling, wire_filter):
    return (server_spelling or '').lstrip('\\').lower() == wire_filter.lstrip('\\').lower()


def wire_entry(cname, username, level=1):
    """One entry as the server sends it at ``level`` (fields the level lacks are None)."""
    full = dict(cname=cname, username=username, num_opens=1, time=100, idle_time=10, user_flags=0,
                cltype_name='', transport='\\Device\\Tcp')
    return dict((k, v if k in LEVEL_FIELDS[level] else None) for k, v in full.items())


def filtered(live, client, user):
    """(status, rows) of a filtered enumeration or delete over ``live`` [(cname, username)]."""
    rows = [s for s in live if client is None or same_name(s[0], client)]
    if client is not None and not rows:
        return 2312, []
    rows = [s for s in rows if user is None or same_name(s[1], user)]
    if user is not None and not rows:
        return 2221, []
    return 0, rows


class LevelServer:
    """NetrSessionEnum answering a status per level (level_choice_cases.json); logs every call
    as [level, client, user, status]."""

    def __init__(self, levels, sessions):
        self.levels = dict((int(k), v) for k, v in levels.items())
        self.sessions = [tuple(s) for s in sessions]
        self.calls = []

    def enum_sessions(self, level, client=None, user=None):
        status = self.levels.get(level, 0)
        rows = []
        if not status:
            status, rows = filtered(self.sessions, client, user)
        self.calls.append([level, client, user, status])
        if status:
            raise SrvsvcStatusError(status, 'NetrSessionEnum')
        return [wire_entry(c, u, level) for c, u in rows]


class ScriptedDeleteServer:
    """NetrSessionDel scripted per call (close_outcome_cases.json) over live sessions
    [(cname, username)]. ``forced`` holds, per call, None (the server's own answer: 0 and the
    target's sessions end, else 2312 / 2221, or 5 on Samba), a status answered without ending
    anything, or 'no_answer' (the sessions end, the answer is lost). ``relist_status``: what
    NetrSessionEnum answers (0: the live sessions). Every delete is logged as [client without
    its backslashes, user, status or 'no_answer']."""

    def __init__(self, live, forced, samba_delete=False, relist_status=0):
        self.live = [tuple(s) for s in live]
        self.forced = list(forced)
        self.samba_delete = samba_delete
        self.relist_status = relist_status
        self.deletes = []

    def enum_sessions(self, level, client=None, user=None):
        if self.relist_status:
            raise SrvsvcStatusError(self.relist_status, 'NetrSessionEnum')
        return [wire_entry(c, u, level) for c, u in self.live]

    def delete_session(self, client, user):
        forced = self.forced[len(self.deletes)] if len(self.deletes) < len(self.forced) else None
        status, gone = filtered(self.live, client, user)
        if forced is None and status and self.samba_delete:
            status = 5
        if forced == 'no_answer' or (forced is None and not status):
            self.live = [s for s in self.live if s not in gone]
        if forced is not None:
            status = forced
        self.deletes.append([(client or '').lstrip('\\') or None, user, status])
        if status == 'no_answer':
            error = SrvsvcTimeoutError('files01 port 445: the 1 second timeout ran out during NetrSessionDel')
            error.request_sent = True
            raise error
        if status:
            raise SrvsvcStatusError(status, 'NetrSessionDel')
