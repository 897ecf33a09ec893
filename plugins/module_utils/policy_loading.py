# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Loading an SMB session compliance policy (docs/policy.md): ``load_policy`` checks policy
data completely, before any server is contacted, and returns the validated ``Policy`` that
session_policy.evaluate judges listings against. PolicyError says what is wrong and how to fix it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible_collections.lanman.smb.plugins.module_utils.compliance_waivers import parse_waivers
from ansible_collections.lanman.smb.plugins.module_utils.open_file_policy import ForbiddenPaths, check_forbidden_paths
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import (
    BOOL_RULES, FILE_RULES, KNOWN_KEYS, RULES, ClientRule, PolicyError, UserPattern, split_account, is_anonymous,
)

_LIST_RULES = ('allowed_clients', 'forbidden_users', 'allowed_users', 'forbidden_open_paths')
_TRUE_WORDS = ('true', 'yes', 'on')
_FALSE_WORDS = ('false', 'no', 'off')


class Policy:
    """A validated policy: ``rules`` maps each set rule (in RULES order) to its value."""

    def __init__(self, name, description, rules, waivers=()):
        self.name = name
        self.description = description
        self.rules = rules
        self.waivers = list(waivers)
        self.clients = ClientRule(rules['allowed_clients']) if 'allowed_clients' in rules else None
        self.forbidden = [UserPattern(p) for p in rules.get('forbidden_users', ())]
        self.allowed = [UserPattern(p) for p in rules.get('allowed_users', ())]
        self.forbidden_paths = ForbiddenPaths(rules.get('forbidden_open_paths', ()))

    def lists_open_files(self):
        """Whether judging this policy needs each server's open files (the run lists them only then:
        the lists are large)."""
        return any(rule in self.rules for rule in FILE_RULES)

    def to_dict(self):
        data = {}
        if self.name is not None:
            data['name'] = self.name
        if self.description is not None:
            data['description'] = self.description
        for rule, value in self.rules.items():
            data[rule] = list(value) if isinstance(value, list) else value
        if self.waivers:
            data['waivers'] = [w.to_dict() for w in self.waivers]
        return data

    def __repr__(self):
        return 'Policy(%r, rules=%r)' % (self.name, sorted(self.rules))


def _shown(value):
    return repr(value)


def _check_int(key, value):
    if isinstance(value, str) and re.fullmatch(r'\s*[0-9]+\s*', value):
        return int(value)  # a templated value arrives as a string
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise PolicyError('%s must be an integer >= 0, got %s' % (key, _shown(value)))


def _check_bool(key, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS + _FALSE_WORDS:
        return value.strip().lower() in _TRUE_WORDS
    raise PolicyError('%s must be true or false, got %s' % (key, _shown(value)))


def _check_user_pattern(key, text):
    if is_anonymous(text):
        return text.strip()
    text = text.strip()
    if ('\\' in text and '@' in text) or text.count('\\') > 1:
        raise PolicyError("%s entry %r is not USER, DOMAIN\\USER or USER@DOMAIN" % (key, text))
    domain, account = split_account(text)
    if not account or domain == '':
        raise PolicyError("%s entry %r has an empty %s part; expected USER, DOMAIN\\USER or "
                          "USER@DOMAIN" % (key, text, 'domain' if account else 'account'))
    return text


def _check_list(key, value):
    if not isinstance(value, (list, tuple)):
        raise PolicyError('%s must be a list of strings, got %s (write one entry as a '
                          'one-item YAML list)' % (key, _shown(value)))
    items = []
    for item in value:
        if not isinstance(item, str):
            raise PolicyError('%s entries must be strings, got %s' % (key, _shown(item)))
        if key == 'allowed_clients':
            if not item.strip():
                raise PolicyError('allowed_clients entries must not be empty')
            items.append(item.strip())
        elif key == 'forbidden_open_paths':
            items.append(item)  # checked below as a whole, as the modules check a path option
        else:
            items.append(_check_user_pattern(key, item))
    if not items and key in ('allowed_clients', 'allowed_users'):
        raise PolicyError('%s is an empty list, which would allow nothing: list at least one '
                          'entry, or leave the key out to allow any' % key)
    if key == 'forbidden_open_paths':
        try:
            items = check_forbidden_paths(key, items)
        except ValueError as e:
            raise PolicyError(str(e))
    return items


def _waiver_paths(where, entries):
    """A waiver's ``path`` entries, read as forbidden_open_paths entries are."""
    try:
        return ForbiddenPaths(check_forbidden_paths(where, entries))
    except ValueError as e:
        raise PolicyError(str(e))


def load_policy(data):
    """Validate policy data and return a Policy; PolicyError says what is wrong and how to fix it."""
    if not isinstance(data, dict):
        raise PolicyError('a policy must be a mapping of keys to values, got %s'
                          % type(data).__name__)
    for key in data:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = " (did you mean '%s'?)" % close[0] if close else ''
            raise PolicyError("policy key %r is unknown%s; known keys: %s"
                              % (key, hint, ', '.join(KNOWN_KEYS)))
    meta = {}
    for key in ('name', 'description'):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise PolicyError('%s must be a string, got %s' % (key, _shown(value)))
        meta[key] = value
    rules = {}
    for key in RULES:
        value = data.get(key)
        if value is None:
            continue  # an empty YAML value leaves the rule unset
        if key in _LIST_RULES:
            value = _check_list(key, value)
            if value:
                rules[key] = value
        elif key in BOOL_RULES:
            if _check_bool(key, value):
                rules[key] = True
        else:
            rules[key] = _check_int(key, value)
    if not rules:
        raise PolicyError('the policy sets no rule, so every server would pass; set at least one '
                          'of: %s' % ', '.join(RULES))
    waivers = parse_waivers(data.get('waivers'), list(rules), UserPattern, ClientRule,
                            _check_user_pattern, PolicyError, path_rule=_waiver_paths, file_rules=FILE_RULES)
    return Policy(meta['name'], meta['description'], rules, waivers)
