# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy waivers: a rule waived for a server / user / client pattern, with a justification and
an expiry date (docs/policy.md, "Waivers").

A waived finding stays in every report, marked waived; a finding whose only matching waiver
has expired is a violation that says so. Waivers are validated with the rest of the policy.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import fnmatch
import re

WAIVER_KEYS = ('rule', 'server', 'user', 'client', 'path', 'justification', 'expires')
_DATE = re.compile(r'^\s*(\d{4})-(\d{2})-(\d{2})\s*$')


def today_utc():
    return datetime.datetime.now(datetime.timezone.utc).date()


def _date(where, value, policy_error):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE.match(value) if isinstance(value, str) else None
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise policy_error('%s expires must be a date written YYYY-MM-DD (the last day the waiver applies), got %r'
                       % (where, value))


def _strings(where, key, value, policy_error):
    """A string or a list of strings, as a list; None when the key is not given."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items or not all(isinstance(i, str) for i in items):
        raise policy_error('%s %s must be a string or a non-empty list of strings, got %r' % (where, key, value))
    if key != 'user' and not all(i.strip() for i in items):
        raise policy_error('%s %s entries must not be empty' % (where, key))
    if key == 'path':
        return list(items)  # a path is compared as the server reports it, spaces included
    return [i.strip() for i in items]


class Waiver:
    """One entry of the policy's ``waivers`` list."""

    def __init__(self, index, rules, servers, users, clients, justification, expires, paths=None):
        self.index = index
        self.rules = rules
        self.servers = servers
        self.users = users          # [UserPattern] or None
        self.clients = clients      # ClientRule or None
        self.paths = paths          # open_file_policy.ForbiddenPaths (the same path rules) or None
        self.justification = justification
        self.expires = expires

    def expired(self, today):
        """A waiver applies up to and including its ``expires`` day (UTC)."""
        return today > self.expires

    def matches(self, server, rule, client, user_value, resolved, path=None):
        """``user_value`` is the session user as the user rules judge it ('' for anonymous, None
        for a finding that names no user); ``client`` None for a finding that names no client;
        ``path`` the open file's path, None for a finding that names no file."""
        if rule not in self.rules:
            return False
        if self.servers is not None and not any(fnmatch.fnmatchcase(str(server).lower(), p.lower())
                                                for p in self.servers):
            return False
        if self.users is not None and (user_value is None or not any(p.matches(user_value) for p in self.users)):
            return False
        if self.clients is not None and (not client or not self.clients.allows(client, resolved)):
            return False
        if self.paths is not None and (path is None or self.paths.entry_for(path) is None):
            return False
        return True

    def summary(self):
        return {'index': self.index, 'justification': self.justification, 'expires': self.expires.isoformat()}

    def to_dict(self):
        data = {'rule': list(self.rules)}
        if self.servers is not None:
            data['server'] = list(self.servers)
        if self.users is not None:
            data['user'] = [p.text for p in self.users]
        if self.clients is not None:
            data['client'] = list(self.clients.entries)
        if self.paths is not None:
            data['path'] = list(self.paths.entries)
        data['justification'] = self.justification
        data['expires'] = self.expires.isoformat()
        return data


def parse_waivers(value, policy_rules, user_pattern, client_rule, check_user, policy_error, path_rule=None,
                  file_rules=()):
    """[Waiver] from the policy's ``waivers`` value; ``policy_error`` says what is wrong and how.

    The pattern classes come from session_policy (which calls this), so user and client entries
    are read exactly as forbidden_users and allowed_clients entries are; ``path_rule(where, entries)``
    reads ``path`` entries as forbidden_open_paths entries are, for the ``file_rules`` only.
    """
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise policy_error('waivers must be a list of waiver entries (each a mapping with rule, justification, '
                           'expires and optionally server, user, client, path), got %r' % (value,))
    waivers = []
    for index, entry in enumerate(value):
        where = 'waivers[%d]' % index
        if not isinstance(entry, dict):
            raise policy_error('%s must be a mapping with rule, justification and expires, got %r' % (where, entry))
        unknown = sorted(str(k) for k in entry if k not in WAIVER_KEYS)
        if unknown:
            raise policy_error('%s has unknown key(s) %s; known keys: %s'
                               % (where, ', '.join(unknown), ', '.join(WAIVER_KEYS)))
        for key in ('rule', 'justification', 'expires'):
            if entry.get(key) in (None, ''):
                raise policy_error('%s needs %s (%s)' % (where, key, {
                    'rule': 'the rule it waives, or a list of rules',
                    'justification': 'why the finding is accepted, for the reports',
                    'expires': 'the last day it applies, YYYY-MM-DD'}[key]))
        rules = _strings(where, 'rule', entry['rule'], policy_error)
        for rule in rules:
            if rule not in policy_rules:
                raise policy_error("%s waives rule '%s', which the policy does not set; rules set: %s"
                                   % (where, rule, ', '.join(policy_rules) or 'none'))
        if not isinstance(entry['justification'], str) or not entry['justification'].strip():
            raise policy_error('%s justification must be a non-empty string' % where)
        users = _strings(where, 'user', entry.get('user'), policy_error)
        clients = _strings(where, 'client', entry.get('client'), policy_error)
        paths = _strings(where, 'path', entry.get('path'), policy_error)
        if paths is not None:
            session_rules = [rule for rule in rules if rule not in file_rules]
            if session_rules:
                raise policy_error("%s has path, which only open-file findings have, but waives rule '%s'; "
                                   "give path only with %s" % (where, session_rules[0], ' or '.join(file_rules)))
        waivers.append(Waiver(
            index, rules, _strings(where, 'server', entry.get('server'), policy_error),
            None if users is None else [user_pattern(check_user('%s user' % where, u)) for u in users],
            None if clients is None else client_rule(clients, '%s client' % where),
            entry['justification'].strip(), _date(where, entry['expires'], policy_error),
            None if paths is None else path_rule('%s path' % where, paths)))
    return waivers


def waiver_for(waivers, server, rule, client, user_value, today, resolved, path=None):
    """('active' | 'expired' | None, Waiver or None) for one finding: the first active waiver
    that matches, else the first expired one (so the violation says which waiver ran out)."""
    expired = None
    for waiver in waivers:
        if not waiver.matches(server, rule, client, user_value, resolved, path):
            continue
        if not waiver.expired(today):
            return 'active', waiver
        expired = expired or waiver
    return ('expired', expired) if expired else (None, None)
