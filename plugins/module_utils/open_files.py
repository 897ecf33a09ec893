# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the agentless open-file modules do on the server (docs/developer/open-files.md): list the
open files, join them to the sessions of their users, plan with open_file_rules, and close the
plan one id at a time, each re-read first, stopping at the first failed call.

The Windows twin is NetFile.cs with OpenFileRules.cs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcError, SrvsvcStatusError, SrvsvcTimeoutError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import ERROR_ACCESS_DENIED, ERROR_INVALID_LEVEL
from ansible_collections.lanman.smb.plugins.module_utils.list_and_close import list_sessions
from ansible_collections.lanman.smb.plugins.module_utils.open_file_rules import (
    LIST_OPTIONS, OpenFileInfo, check_options, join_clients, plan, share_selectors,
)

LEVEL_2_SELECTORS = ('level 2 carries only file ids, so path, share, username and the exclude options need level 3 '
                     '(the default; Samba serves level 3 only).')
LEVEL_NOT_SERVED = ('NetrFileEnum: the server does not serve information level {level} (ERROR_INVALID_LEVEL). Windows '
                    'serves levels 2 and 3; Samba serves level 3 only. Leave level unset to use level 3.')
FILES_DENIED_HINT = (' Listing open files needs membership of Administrators or Server Operators on the server '
                     '(Samba: BUILTIN\\Administrators); closing them needs Administrators (Samba: root or '
                     'SeDiskOperatorPrivilege).')
JOIN_FAILED_WARNING = ('The sessions could not be listed to join each file to its client (%s): client is null and '
                       'clients empty%s.')
ANSWER_LOST = (' The server received this call and may already have closed the file: its answer never came. '
               'List the open files again (smb_open_file_info) to see whether it is gone.')
CALL_NOT_SENT = ' This call was not sent: the timeout had already run out.'


def option_lists(params, close):
    """The checked list options (and ``all``): ValueError with the contract's text."""
    options = dict((name, params.get(name)) for name in LIST_OPTIONS)
    options['all'] = bool(params.get('all')) if close else False
    lists = check_options(options, close=close)
    lists['all'] = options['all']
    return lists


def _denied(error):
    if isinstance(error, SrvsvcStatusError) and error.status == ERROR_ACCESS_DENIED:
        return SrvsvcError(str(error).split(' Listing sessions', 1)[0] + FILES_DENIED_HINT)
    return error


def list_files(api, level=3):
    """Every open file at ``level``, as OpenFileInfo (ascending id, the server's duplicates kept).
    ``api``: file_calls.FileCalls on a connected client (or a stand-in with its methods)."""
    try:
        entries = api.enum_files(level)
    except SrvsvcStatusError as e:
        if e.status == ERROR_INVALID_LEVEL:   # the status text names the session levels
            raise SrvsvcError(LEVEL_NOT_SERVED.format(level=level))
        raise _denied(e)
    files = [OpenFileInfo(e['id'], e['pathname'], e['username'], e['permissions'], e['num_locks']) for e in entries]
    return sorted(files, key=lambda f: f.id)


def list_sessions_for_join(api, warn, needed):
    """The sessions to join files to their clients, or None when the server refused them (a
    warning, and for exclude_client every file is then kept: its client is unknown)."""
    try:
        sessions, dummy = list_sessions(api, None, [], [])
    except SrvsvcStatusError as e:
        warn(JOIN_FAILED_WARNING % (e, '; exclude_client keeps every file' if needed else ''))
        return None
    return sessions


def share_lookup(api):
    def lookup(share):
        try:
            return api.share_info(share)
        except SrvsvcStatusError as e:
            raise _denied(e)
    return lookup


def select(api, lists, warn):
    """(every file listed, the plan): lists, joins and plans; share lookups come first, so an
    unknown share fails before anything is listed."""
    folders = share_selectors(lists['share'], share_lookup(api))
    files = list_files(api, 3)
    sessions = list_sessions_for_join(api, warn, bool(lists['exclude_client']))
    join_clients(files, sessions or [])
    own_account = api.auth_username or None
    return files, plan(files, lists, own_account, folders)


class OpenFileRun(object):
    """What close_plan did. ``failed_call`` None and ``untried`` [] when every call was made."""

    def __init__(self):
        self.closed = []
        self.vanished = []
        self.reused = []
        self.failed_call = None
        self.untried = []
        self.error = None

    @property
    def changed(self):
        return bool(self.closed)


class _Reread(object):
    """The state of a file id just before its close: NetrFileGetInfo level 3, or, where the server
    does not serve it (Samba), one fresh listing taken before the first close."""

    def __init__(self, api):
        self._api = api
        self._served = True
        self._listing = None

    def current(self, file_id):
        """[(path, username), ...] the server now reports for ``file_id`` ([] = gone)."""
        if self._served:
            served, entry = self._api.file_info(file_id)
            if served:
                return [] if entry is None else [(entry['pathname'], entry['username'])]
            self._served = False
        if self._listing is None:
            self._listing = {}
            for f in list_files(self._api, 3):
                self._listing.setdefault(f.id, []).append(f.identity())
        return self._listing.get(file_id, [])


def _close_one(api, reread, f, run):
    """None when the file was closed, vanished or kept as reused; else (status, message)."""
    try:
        now = reread.current(f.id)
        if not now:
            run.vanished.append(f)
            return None
        if now != [f.identity()]:
            run.reused.append(f)
            return None
        if api.close_file(f.id):
            run.closed.append(f)
        else:
            run.vanished.append(f)
    except SrvsvcStatusError as e:
        return e.status, str(_denied(e))
    except SrvsvcTimeoutError as e:
        return None, str(e) + (ANSWER_LOST if getattr(e, 'request_sent', True) else CALL_NOT_SENT)
    except SrvsvcError as e:
        return None, str(e)
    return None


def close_plan(api, the_plan, check_mode):
    """Close the planned files in ascending id, each re-read first; check mode re-reads and
    closes nothing. Stops at the first failed call (see OpenFileRun)."""
    run = OpenFileRun()
    if check_mode:
        run.closed = list(the_plan.close)
        return run
    reread = _Reread(api)
    for index, f in enumerate(the_plan.close):
        failure = _close_one(api, reread, f, run)
        if failure is None:
            continue
        status, message = failure
        run.failed_call = dict(id=f.id, path=f.path, status=status, message=message)
        run.untried = the_plan.close[index + 1:]
        run.error = ('Closing stopped at file %d (%s): %s. %d file(s) were closed before it (closed_files); %d '
                     'planned file(s) were not tried (untried_files).'
                     % (f.id, f.path, message, len(run.closed), len(run.untried)))
        break
    return run


def _with_reason(f, reason):
    result = f.to_result()
    result['reason'] = reason
    return result


def close_result(the_plan, run):
    gone = set(id(f) for f in run.closed) | set(id(f) for f in run.vanished)
    selected = sorted(the_plan.close, key=lambda f: f.id)
    return dict(
        changed=run.changed,
        closed_files=[f.to_result() for f in run.closed],
        # 'skipped' is reserved by Ansible (a skipped task), hence the *_files names.
        skipped_files=[_with_reason(f, reason) for f, reason in the_plan.skipped]
        + [_with_reason(f, 'id_reused') for f in run.reused],
        vanished_files=[f.to_result() for f in run.vanished],
        failed_call=run.failed_call,
        untried_files=[f.to_result() for f in run.untried],
        diff=dict(before=dict(open_files=[f.diff_line() for f in selected]),
                  after=dict(open_files=[f.diff_line() for f in selected if id(f) not in gone])),
    )


def info_result(the_plan, level):
    return dict(changed=False, open_files=[f.to_result() for f in the_plan.listed], level=level)
