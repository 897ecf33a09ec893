# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The open-file rules of a compliance policy (docs/policy.md, "Open files"):
``forbidden_open_paths`` (no file may be open under these paths) and ``max_open_files_per_user``.

Path entries are read exactly as a ``path`` entry of the open-file modules (open_file_rules.py,
docs/developer/open-files.md): absolute, Windows or POSIX form, a folder by its trailing
separator, ``*`` / ``?`` globs. Named pipes are not files: a folder or glob never selects one,
and the per-user cap never counts one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils.open_file_rules import (
    PathSelector, check_path_entries, is_pipe,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import account_part, is_null_session

FILE_RULES = ('forbidden_open_paths', 'max_open_files_per_user')
ANONYMOUS = '(anonymous)'


def check_forbidden_paths(key, entries):
    """The entries, checked as the modules check a ``path`` option (ValueError with their text, the
    option named ``key``). A root (``D:\\``, ``/``) is allowed: it forbids every open file there."""
    entries = list(entries)
    check_path_entries(key, entries)
    return entries


class ForbiddenPaths:
    """forbidden_open_paths: the entry a file's path is under, by the open-file modules' rules."""

    def __init__(self, entries):
        self.entries = list(entries)
        self._selectors = [PathSelector(entry) for entry in self.entries]

    def entry_for(self, path):
        """The first entry that selects ``path``, or None. A named pipe is someone's RPC channel, not a
        file: only an entry naming it exactly selects it (as the close module's named_pipe rule)."""
        pipe = is_pipe(path)
        for entry, selector in zip(self.entries, self._selectors):
            if (selector.exact or not pipe) and selector.matches(path):
                return entry
        return None


def listing_gap(server_result):
    """Why the file rules cannot be judged on this result, or None when its files were listed."""
    if server_result.get('open_files') is not None:
        return None
    error = server_result.get('open_files_error')
    if error:
        return 'the open files could not be listed: %s' % error
    return ('the open files were not listed (the compliance run lists them when the policy sets '
            'forbidden_open_paths or max_open_files_per_user; a result without open_files cannot judge this rule)')


def file_user_value(open_file):
    """The user name the waivers judge: '' for an anonymous opener, None when not reported."""
    user = open_file.get('username')
    if user is None:
        return None
    return '' if is_null_session(user) else user


def _opener(open_file):
    user = file_user_value(open_file)
    shown = '(unknown user)' if user is None else ANONYMOUS if user == '' else user
    if open_file.get('client'):
        return "%s from '%s'" % (shown, open_file['client'])
    clients = open_file.get('clients') or []
    if clients:
        return '%s (from one of %s)' % (shown, ', '.join("'%s'" % c for c in clients))
    return '%s (no session of this user listed)' % shown


def file_ref(open_file):
    """What a finding says about the file (every report shows it)."""
    return dict((key, open_file.get(key)) for key in ('id', 'path', 'username', 'client'))


def judge_forbidden_paths(forbidden, files, acc):
    """One finding per open file whose path is under an entry; a file without a path is unjudged."""
    for index, open_file in enumerate(files):
        path = open_file.get('path')
        if path is None:
            acc.unjudged += 1
            continue
        entry = forbidden.entry_for(path)
        if entry is None:
            continue
        acc.violate({'client': open_file.get('client'), 'username': open_file.get('username')}, path,
                    "file %s '%s' is open by %s: it is under forbidden_open_paths entry '%s'"
                    % (open_file.get('id'), path, _opener(open_file), entry),
                    limit=entry, indexes=[index], user_value=file_user_value(open_file), file=file_ref(open_file))


def judge_per_user(files, acc):
    """One finding per user holding more open files than the limit. Pipes are never counted; a file
    without a user name is unjudged; every anonymous opener counts as one user, as for sessions."""
    groups = {}
    for index, open_file in enumerate(files):
        if open_file.get('is_pipe'):
            continue
        user = file_user_value(open_file)
        if user is None:
            acc.unjudged += 1  # level 2 reports no user name
            continue
        key = '' if user == '' else account_part(user).lower()
        groups.setdefault(key, (user, []))[1].append(index)
    for user, indexes in groups.values():
        if len(indexes) > acc.limit:
            acc.violate({'client': None, 'username': user}, len(indexes),
                        '%s holds %d open files (pipes not counted); the limit is %d'
                        % (ANONYMOUS if user == '' else user, len(indexes), acc.limit),
                        indexes=indexes, user_value=user)
