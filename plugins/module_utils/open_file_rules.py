# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which open files the open-file modules list and close (docs/developer/open-files.md,
'Selection rules'): option entry checks, path selectors, the client join and the plan.

Pure rules, no wire: the twin of OpenFileRules.cs. Account and client matching are the session
modules' own (session_names). Shared table: tests/fixtures/open_file_rules_cases.json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    EMPTY_ENTRY_MESSAGE, account_part, check_selector_entries, clients_match, control_character_message,
    has_client_name, is_null_session, normalise_client, usernames_match, validate_client_selectors,
)

# fi3_permissions bits, in the order results name them (lmaccess.h)
PERMISSION_NAMES = ((0x1, 'read'), (0x2, 'write'), (0x4, 'create'), (0x8, 'execute'), (0x10, 'delete'),
                    (0x20, 'attributes'), (0x40, 'acl'))
OWN_PIPE = '\\PIPE\\SRVSVC'
# Samba (4.17, measured) reports the unix path /srv/data/a.txt as C:\srv\data\a.txt, in open
# files and share paths alike: a POSIX selector matches that form too, still case-sensitively.
SAMBA_DRIVE = 'C:\\'
# shi2_type: the low bits are the kind; only a disk share (0) holds files. IPC$ on Samba reports
# a path (C:\tmp) it holds no files under.
STYPE_MASK = 0x0FFFFFFF
STYPE_DISKTREE = 0
PATH_OPTIONS = ('path', 'exclude_path')
LIST_OPTIONS = ('path', 'share', 'username', 'exclude_path', 'exclude_username', 'exclude_client')
# The reasons a selected file is kept, the first that applies wins.
REASONS = ('own_pipe', 'conflicting_entries', 'excluded_path', 'excluded_username', 'excluded_client',
           'named_pipe')

NOT_ABSOLUTE = ("{where} '{entry}' is not an absolute path: give the full path the server reports, "
                "e.g. D:\\Shares\\Data\\a.txt or /srv/data/a.txt.")
DOT_COMPONENT = "{where} '{entry}' has a '.' or '..' component: give the path without it."
DOUBLE_STAR = ("{where} '{entry}' uses '**': to select everything under a folder, end the folder with a "
               "separator ({hint}).")
WHOLE_VOLUME = ("{where} '{entry}' is a whole volume: it selects every open file; set all: true to close "
                "every file.")
SELECT_WHAT = 'Select what to close: give path, share or username, or set all: true to close every open file.'
UNKNOWN_SHARE = "share '{share}' does not exist on the server."
NO_LOCAL_PATH = "share '{share}' has no local path: it holds no files."


def decode_permissions(mask):
    """fi3_permissions as names, in the contract's order; other bits as lowercase hex, ascending."""
    if mask is None:
        return None
    names = [name for bit, name in PERMISSION_NAMES if mask & bit]
    rest = mask & ~0x7F
    bit = 0x80
    while rest:
        if rest & bit:
            names.append('0x%x' % bit)
            rest &= ~bit
        bit <<= 1
    return names


def _upper(text):
    """Invariant upper case one character at a time (as C#'s ToUpperInvariant): 'ß' stays 'ß'."""
    out = []
    for char in text:
        upper = char.upper()
        out.append(upper if len(upper) == 1 else char)
    return ''.join(out)


def is_posix(path):
    return path.startswith('/')


def split_path(path):
    """(form marker, components, ends with a separator). POSIX paths split on '/' literally;
    Windows paths read '/' as '\\' and runs of separators as one; a leading '\\\\' (UNC) and a
    single leading '\\' are kept apart in the marker."""
    if is_posix(path):
        rest = path[1:]
        trailing = rest.endswith('/') or rest == ''
        parts = rest.split('/')
        if trailing:
            parts = parts[:-1]
        return '/', parts, trailing
    text = path.replace('/', '\\')
    stripped = text.lstrip('\\')
    lead = len(text) - len(stripped)
    marker = '\\\\' if lead >= 2 else '\\' if lead == 1 else ''
    trailing = stripped.endswith('\\')
    parts = [p for p in stripped.split('\\') if p != '']
    return marker, parts, trailing


def is_pipe(path):
    """A named pipe open: the path starts with \\PIPE\\ (any case), as Windows reports them."""
    if path is None:
        return None
    return not is_posix(path) and _upper(path.replace('/', '\\')).startswith('\\PIPE\\')


class PathSelector(object):
    """One `path` / `exclude_path` entry (or a share's local path, as a folder)."""

    def __init__(self, entry, folder=None):
        self.entry = entry
        self.posix = is_posix(entry)
        self.marker, parts, trailing = split_path(entry)
        # a root without its separator (C:, \\host\share) is still the whole volume
        self.folder = (trailing or is_root(entry)) if folder is None else folder
        self.is_glob = any('*' in p or '?' in p for p in parts)
        self.exact = not self.folder and not self.is_glob
        fold = (lambda s: s) if self.posix else _upper
        self._parts = [_component_pattern(fold(p)) for p in parts]
        self._fold = fold

    def matches(self, path):
        if not path:
            return False
        if self.posix and path.startswith(SAMBA_DRIVE):
            path = '/' + path[len(SAMBA_DRIVE):].replace('\\', '/')
        if is_posix(path) != self.posix:
            return False
        marker, parts, _trailing = split_path(path)
        if marker != self.marker:
            return False
        if self.folder:
            if len(parts) <= len(self._parts):
                return False
        elif len(parts) != len(self._parts):
            return False
        return all(pattern.match(self._fold(part)) for pattern, part in zip(self._parts, parts))


def _component_pattern(component):
    """`*` any run, `?` one character (a component holds no separator, so neither crosses one);
    everything else literal, `[` included."""
    return _ComponentGlob(component)


class _ComponentGlob(object):
    """One path component's glob, matched by the greedy-wildcard walk (at most pattern x text
    steps). Not a regular expression: `.*` per star backtracks exponentially, and a hostile
    server's long name against a many-star pattern kept a run busy past any deadline (the C#
    twin's OpenFileRules Wildcard walks the same way)."""

    def __init__(self, pattern):
        self.pattern = pattern

    def match(self, text):
        pattern = self.pattern
        p = t = 0
        star = -1      # position of the last '*' seen in the pattern
        resume = 0     # where in the text that star's run ends so far
        while t < len(text):
            if p < len(pattern) and pattern[p] == '*':
                star, resume = p, t
                p += 1
            elif p < len(pattern) and (pattern[p] == '?' or pattern[p] == text[t]):
                p += 1
                t += 1
            elif star >= 0:
                resume += 1              # let the last star take one more character
                p, t = star + 1, resume
            else:
                return False
        while p < len(pattern) and pattern[p] == '*':
            p += 1
        return p == len(pattern)


# ---------------------------------------------------------------- entry checks

def _check_blank(option, entries):
    for index, entry in enumerate(entries):
        where = '%s[%d]' % (option, index)
        problem = None if entry is None else control_character_message(where, option, entry)
        if problem is None and (entry is None or not entry.strip()):
            problem = EMPTY_ENTRY_MESSAGE.format(option=option, index=index,
                                                 shown='null' if entry is None else "'%s'" % entry)
        if problem:
            raise ValueError(problem)


def _is_absolute(entry):
    if is_posix(entry):
        return True
    text = entry.replace('/', '\\')
    if re.match(r'[A-Za-z]:(\\|\Z)', text):
        return True
    if text.startswith('\\\\'):
        return len(split_path(text)[1]) >= 2
    return _upper(text).startswith('\\PIPE\\')


def is_root(entry):
    """A whole volume: C:\\, C:/, C:, /, \\\\host\\share\\ (every file under it)."""
    if is_posix(entry):
        return entry.strip('/') == ''
    marker, parts, _trailing = split_path(entry)
    if marker == '' and len(parts) == 1 and re.match(r'[A-Za-z]:\Z', parts[0]):
        return True
    return marker == '\\\\' and len(parts) == 2


def _check_path_entry(option, index, entry):
    where = '%s[%d]' % (option, index)
    if not _is_absolute(entry):
        raise ValueError(NOT_ABSOLUTE.format(where=where, entry=entry))
    if any(p in ('.', '..') for p in split_path(entry)[1]):
        raise ValueError(DOT_COMPONENT.format(where=where, entry=entry))
    if '**' in entry:
        hint = entry[:entry.index('**')]
        if not hint.endswith(('/', '\\')):
            hint += '/' if is_posix(entry) else '\\'
        raise ValueError(DOUBLE_STAR.format(where=where, entry=entry, hint=hint))


def check_path_entries(option, entries):
    """ValueError with the contract's text for the first blank, control-character or malformed
    path entry of ``option`` (the `path` rules: absolute, no '.' / '..', no '**'). Roots pass: only
    the close module's `path` needs all: true for one. Used by the modules and the policy."""
    _check_blank(option, entries)
    for index, entry in enumerate(entries):
        _check_path_entry(option, index, entry)


def check_options(options, close):
    """ValueError with the contract's text for the first bad entry, before anything is listed.
    ``options`` holds the six list options (None = unset) and, for the close module, ``all``."""
    lists = dict((name, list(options.get(name) or [])) for name in LIST_OPTIONS)
    for name in LIST_OPTIONS:
        if name in ('username', 'exclude_username', 'exclude_client'):
            check_selector_entries(name, lists[name])
        else:
            _check_blank(name, lists[name])
    validate_client_selectors('exclude_client', lists['exclude_client'])
    for name in PATH_OPTIONS:
        check_path_entries(name, lists[name])
    if close and not options.get('all'):
        for index, entry in enumerate(lists['path']):
            if is_root(entry):
                raise ValueError(WHOLE_VOLUME.format(where='path[%d]' % index, entry=entry))
        if not (lists['path'] or lists['share'] or lists['username']):
            raise ValueError(SELECT_WHAT)
    return lists


def share_selectors(shares, lookup):
    """A folder selector per share entry. ``lookup(name)`` answers (exists, shi2_type, shi2_path)
    from NetShareGetInfo level 2; ValueError for an unknown share or one without a local path
    (not a disk share, or no path)."""
    selectors = []
    for share in shares or []:
        exists, share_type, local_path = lookup(share)
        if not exists:
            raise ValueError(UNKNOWN_SHARE.format(share=share))
        if (share_type or 0) & STYPE_MASK != STYPE_DISKTREE or not local_path or not local_path.strip():
            raise ValueError(NO_LOCAL_PATH.format(share=share))
        selectors.append(PathSelector(local_path, folder=True))
    return selectors


# ---------------------------------------------------------------- files and the join

class OpenFileInfo(object):
    """One open file as the server listed it (level 3; path/username/permissions None at level 2)."""

    __slots__ = ('id', 'path', 'username', 'permissions_mask', 'num_locks', 'client', 'clients')

    def __init__(self, id, path=None, username=None, permissions_mask=None, num_locks=None):
        self.id = id
        self.path = path
        self.username = username
        self.permissions_mask = permissions_mask
        self.num_locks = num_locks
        self.client = None
        self.clients = []

    def identity(self):
        return (self.path, self.username)

    def to_result(self):
        return {
            'id': self.id,
            'path': self.path,
            'username': self.username,
            'permissions': decode_permissions(self.permissions_mask),
            'permissions_mask': self.permissions_mask,
            'num_locks': self.num_locks,
            'is_pipe': is_pipe(self.path),
            'client': self.client,
            'clients': list(self.clients),
        }

    def diff_line(self):
        return '%d %s' % (self.id, self.path if self.path is not None else '(no path)')

    def __repr__(self):
        return 'OpenFileInfo(%r, %r, %r)' % (self.id, self.path, self.username)


def _account_key(username):
    return None if is_null_session(username) else account_part(username).lower()


def join_clients(files, sessions):
    """Sets each file's ``client`` / ``clients`` from the sessions of its user (account rules).
    ``sessions`` are SessionInfo-like (``.client`` normalised, ``.username``). A file without a
    user joins nothing: null sessions say nothing about whose file it is."""
    by_user = {}
    for session in sessions or []:
        key = _account_key(session.username)
        client = normalise_client(session.client)
        if key is None or not has_client_name(client):
            continue
        by_user.setdefault(key, set()).add(client)
    for f in files:
        clients = sorted(by_user.get(_account_key(f.username), ()))
        f.clients = clients
        f.client = clients[0] if len(clients) == 1 else None
    return files


# ---------------------------------------------------------------- the plan

class OpenFilePlan(object):
    """``close`` (OpenFileInfo, ascending id), ``skipped`` ((OpenFileInfo, reason), ascending id) and
    ``listed`` (what the info module shows: selected, not own pipe, not excluded)."""

    def __init__(self):
        self.close = []
        self.skipped = []
        self.listed = []


def _distinct_versions(files):
    versions = {}
    for f in files:
        known = versions.setdefault(f.id, [])
        if not any(v.identity() == f.identity() for v in known):
            known.append(f)
    return versions


def _is_own_pipe(f, own_account):
    if not is_pipe(f.path) or _upper(f.path.replace('/', '\\')) != OWN_PIPE:
        return False
    return own_account is None or usernames_match(f.username, own_account)


def _user_matches(f, selectors):
    # a NULL user at level 3 is a file without a user, as a NULL session user is a null session
    username = '' if f.username is None else f.username
    return any(usernames_match(username, u) for u in selectors)


def _exclusion(f, options, exclude_paths):
    if any(s.matches(f.path) for s in exclude_paths):
        return 'excluded_path'
    if _user_matches(f, options['exclude_username']):
        return 'excluded_username'
    if options['exclude_client']:
        if not f.clients or any(clients_match(c, sel) for c in f.clients for sel in options['exclude_client']):
            return 'excluded_client'
    return None


def plan(files, options, own_account, shares=()):
    """The plan for ``files`` (OpenFileInfo, joined) under checked ``options`` (check_options' lists
    plus ``all``); ``shares`` are share_selectors' folders."""
    path_selectors = [PathSelector(p) for p in options['path']] + list(shares)
    exclude_paths = [PathSelector(p) for p in options['exclude_path']]
    users = options['username']
    result = OpenFilePlan()

    def selected(f):
        if path_selectors and not any(s.matches(f.path) for s in path_selectors):
            return False
        return not users or _user_matches(f, users)

    for file_id, versions in sorted(_distinct_versions(files).items()):
        chosen = [f for f in versions if selected(f)]
        if not chosen:
            continue
        for f in chosen:
            if not _is_own_pipe(f, own_account) and _exclusion(f, options, exclude_paths) is None:
                result.listed.append(f)
        first = chosen[0]
        if any(_is_own_pipe(f, own_account) for f in chosen):
            reason = 'own_pipe'
        elif len(versions) > 1:
            reason = 'conflicting_entries'
        else:
            reason = _exclusion(first, options, exclude_paths)
        if reason is None and is_pipe(first.path) and not any(
                s.exact and s.matches(first.path) for s in path_selectors):
            reason = 'named_pipe'
        if reason is None:
            result.close.append(first)
        else:
            result.skipped.append((first, reason))
    return result
