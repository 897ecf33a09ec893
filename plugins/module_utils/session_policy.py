# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMB session compliance policies: validation and evaluation (docs/policy.md).

A policy is plain data (a dict read from YAML). ``policy_loading.load_policy`` validates it
completely before any server is contacted; ``evaluate`` judges one server's listing against it;
``summarize`` turns every server's evaluation into one CI verdict. This module holds the rules'
shared pieces (user patterns, client rules) that loading checks entries with.

A rule the server's answer cannot judge (no user name at level 0, no open count at level
10, Samba's idle time) is ``not_evaluable``, never ``pass``: a compliance report must not
claim what it did not see.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import ipaddress
import re

from ansible_collections.lanman.smb.plugins.module_utils.compliance_waivers import today_utc, waiver_for
from ansible_collections.lanman.smb.plugins.module_utils.open_file_policy import (
    FILE_RULES, judge_forbidden_paths, judge_per_user as judge_files_per_user, listing_gap,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    clients_match, is_null_session, normalise_client, parse_client_network, validate_client_selectors, without_zone,
)

RULES = (
    'allowed_clients', 'forbidden_users', 'allowed_users', 'deny_guest',
    'deny_cleartext_password', 'max_idle_seconds', 'max_sessions_per_user',
    'max_sessions_per_server', 'max_open_files_per_session',
) + FILE_RULES
KNOWN_KEYS = ('name', 'description') + RULES + ('waivers',)

BOOL_RULES = ('deny_guest', 'deny_cleartext_password')

# The session key each rule reads; None = the rule counts sessions of the whole server.
RULE_FIELD = {
    'allowed_clients': 'client',
    'forbidden_users': 'username',
    'allowed_users': 'username',
    'deny_guest': 'is_guest',
    'deny_cleartext_password': 'cleartext_password',
    'max_idle_seconds': 'idle_seconds',
    'max_sessions_per_user': 'username',
    'max_sessions_per_server': None,
    'max_open_files_per_session': 'num_opens',
    # The open-file rules read the server's open files (open_file_policy.py), not its sessions.
    'forbidden_open_paths': 'path',
    'max_open_files_per_user': 'username',
}

# What each NetSessionEnum level reports (docs/developer/contract.md).
_L1 = frozenset(('client', 'username', 'num_opens', 'active_seconds', 'idle_seconds',
                 'user_flags', 'is_guest', 'cleartext_password'))
LEVEL_FIELDS = {
    0: frozenset(('client',)),
    1: _L1,
    2: _L1 | {'client_type'},
    10: frozenset(('client', 'username', 'active_seconds', 'idle_seconds')),
    502: _L1 | {'client_type', 'transport'},
}

_FIELD_WORDS = {
    'client': 'the client name',
    'username': 'the user name',
    'is_guest': 'the guest flag (user_flags)',
    'cleartext_password': 'the cleartext-password flag (user_flags)',
    'idle_seconds': 'the idle time',
    'num_opens': 'the open file count (num_opens)',
    'path': 'the path',
}


def _levels_with(field):
    """'1, 2 or 502': the levels that report ``field``, for messages."""
    levels = [str(level) for level in sorted(LEVEL_FIELDS) if field in LEVEL_FIELDS[level]]
    return ', '.join(levels[:-1]) + ' or ' + levels[-1]


ANONYMOUS = '(anonymous)'
# A Samba session with no user name younger than this is a logon still in progress, not judged.
LOGON_GRACE_SECONDS = 10
SERVER_KINDS = ('windows', 'samba')
_HOST_NAME = re.compile(r'^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$')


class PolicyError(ValueError):
    """The policy data is invalid; the message names the key, the value and what is expected."""


# ---------------------------------------------------------------- names

def is_anonymous(username):
    """A null session: "" or ANONYMOUS LOGON (any case, with or without NT AUTHORITY\\); None (a level
    without user names) is not one."""
    return username is not None and is_null_session(username)


def display_user(username):
    if username is None:
        return '(unknown)'
    return ANONYMOUS if is_anonymous(username) else username


def split_account(name):
    r"""``DOMAIN\user`` -> (DOMAIN, user); ``user@domain`` -> (domain, user); ``user`` -> (None, user)."""
    if '\\' in name:
        domain, account = name.rsplit('\\', 1)
        return domain, account
    if '@' in name:
        account, domain = name.split('@', 1)
        return domain, account
    return None, name


def _wildcard(pattern):
    # Only * and ? are wildcards ([...] is literal: account names may contain brackets).
    parts = ['.*' if c == '*' else '.' if c == '?' else re.escape(c) for c in pattern]
    return re.compile(''.join(parts), re.IGNORECASE | re.DOTALL)


def _domain_matches(regex, pattern_domain, session_domain):
    if regex.fullmatch(session_domain):
        return True
    # CORP (NetBIOS) and corp.example.com (DNS) name the same domain in the two spellings.
    if '.' not in pattern_domain and '.' in session_domain:
        return bool(regex.fullmatch(session_domain.split('.', 1)[0]))
    if '.' in pattern_domain and '.' not in session_domain:
        return bool(_wildcard(pattern_domain.split('.', 1)[0]).fullmatch(session_domain))
    return False


class UserPattern:
    """One entry of forbidden_users / allowed_users."""

    def __init__(self, text):
        self.text = text
        self.anonymous = is_anonymous(text)
        domain, account = split_account(text)
        self.domain = domain
        self._account = _wildcard(account)
        self._domain = None if domain is None else _wildcard(domain)

    def matches(self, username):
        """True when the session user matches; ``username`` is a user name or "" (anonymous)."""
        if is_anonymous(username) or self.anonymous:
            # Only an explicit '' / ANONYMOUS LOGON entry names the null session: '*' means
            # "any named account", so an anonymous session never slips through a wildcard.
            return is_anonymous(username) and self.anonymous
        domain, account = split_account(username.strip())
        if not self._account.fullmatch(account):
            return False
        # The API reports names without a domain: then only the account part can be compared.
        if self._domain is None or domain is None:
            return True
        return _domain_matches(self._domain, self.domain, domain)


def _is_ip_literal(text):
    try:
        ipaddress.ip_address(without_zone(text))
    except ValueError:
        return False
    return True


def _lookup_name(text):
    """The name a host entry is resolved as, and the key of its addresses: the modules look a
    client name up without its trailing dot (client_resolver.host_addresses)."""
    return text.rstrip('.')


class ClientRule:
    """allowed_clients, or a waiver's client: each entry selects the clients the same text selects
    as a module's client option (session_names.clients_match: addresses, IPv6 zones, CIDR networks
    in address/prefix form, host names; docs/developer/contract.md), plus the addresses a host
    entry resolves to."""

    def __init__(self, entries, option='allowed_clients'):
        self.entries = list(entries)
        self.option = option
        self.hosts = []  # host entries, as _lookup_name gives them
        try:
            validate_client_selectors(option, self.entries)
        except ValueError as e:
            raise PolicyError(str(e))
        for entry in self.entries:
            if parse_client_network(entry) is None:
                self._check_name(entry)

    def _check_name(self, entry):
        text = normalise_client(entry)
        if _is_ip_literal(text):
            return
        if re.fullmatch(r'[0-9.]+', text):
            raise PolicyError("%s entry %r looks like an IPv4 address but is not one; "
                              "fix the address" % (self.option, entry))
        if not _HOST_NAME.match(text):
            raise PolicyError("%s entry %r is not an IP address, a CIDR network "
                              "(10.1.0.0/16) or a host name (letters, digits, '-', '_', '.'); "
                              "wildcards are not supported: use a CIDR network" % (self.option, entry))
        if _lookup_name(text) not in self.hosts:
            self.hosts.append(_lookup_name(text))

    def allows(self, client, resolved):
        """True when the session client is allowed; ``resolved`` maps a host entry's lookup name to
        its addresses. A client reported by name matches host entries by name only (clients_match
        never calls a name and an address the same): what it resolves to now need not be the
        address the session came from."""
        if any(clients_match(client, entry) for entry in self.entries):
            return True
        return any(clients_match(client, address) for host in self.hosts for address in resolved.get(host, ()))


# ---------------------------------------------------------------- evaluation

def _resolve_hosts(policy, resolver):
    resolved = {}
    hosts = list(policy.clients.hosts) if policy.clients is not None else []
    for waiver in policy.waivers:
        hosts.extend(h for h in (waiver.clients.hosts if waiver.clients else ()) if h not in hosts)
    if resolver is None:
        return resolved
    for host in hosts:
        try:
            answers = resolver(host) or ()
        except (OSError, ValueError):
            answers = ()  # an unresolvable name still matches clients reported by that name
        # As the modules read a resolved client name: canonical, IPv4-mapped as IPv4, and without
        # the %zone, the number of this controller's interface, not the server's.
        addresses = [without_zone(normalise_client(str(a))) for a in answers]
        resolved[host] = [a for a in addresses if _is_ip_literal(a)]
    return resolved


def _field_known(level, field):
    """True/False when the level decides whether ``field`` is reported; None when unknown."""
    if level in LEVEL_FIELDS:
        return field in LEVEL_FIELDS[level]
    return None


def _level_reason(level, field):
    return ('level %s does not report %s; list at level %s to judge this rule'
            % (level, _FIELD_WORDS[field], _levels_with(field)))


def _username(session, level):
    user = session.get('username')
    if user is None and level in LEVEL_FIELDS and level != 0:
        return ''  # a null user name at a level that has names is a null session (contract)
    return user


def _session_ref(session):
    return {'client': session.get('client'), 'username': session.get('username')}


def _who(session, level, labels=None):
    return "%s from '%s'" % (display_user(_user_value(session, level, labels or {})), session.get('client'))


class _Rule:
    """Collects one rule's verdict for one server."""

    def __init__(self, server, rule, limit, unit='sessions'):
        self.server = server
        self.rule = rule
        self.limit = limit
        self.unit = unit  # what the indexes point at, and what is counted: 'sessions' or 'files'
        self.findings = []
        self.session_indexes = []
        self.user_values = []
        self.unjudged = 0

    def violate(self, session_ref, observed, message, limit=None, indexes=(), user_value=None, file=None):
        finding = {
            'server': self.server, 'rule': self.rule, 'session': session_ref,
            'observed': observed, 'limit': self.limit if limit is None else limit,
            'message': '%s: %s' % (self.server, message),
            'waiver_status': None, 'waiver': None,
        }
        if self.unit == 'files':
            finding['file'] = file  # None for a finding about a user's count
        self.findings.append(finding)
        self.session_indexes.append(list(indexes))
        self.user_values.append(user_value)

    def apply_waivers(self, waivers, today, resolved):
        """Mark each finding waived ('active'), or a violation whose waiver ran out ('expired')."""
        for finding, user_value in zip(self.findings, self.user_values):
            client = (finding['session'] or {}).get('client')
            path = (finding.get('file') or {}).get('path')
            status, waiver = waiver_for(waivers, self.server, self.rule, client, user_value, today, resolved, path)
            if waiver is None:
                continue
            finding['waiver_status'] = status
            finding['waiver'] = waiver.summary()
            if status == 'expired':
                finding['message'] += ('; waivers[%d] expired on %s (%s)'
                                       % (waiver.index, waiver.expires.isoformat(), waiver.justification))

    def active(self):
        return [f for f in self.findings if f['waiver_status'] != 'active']

    def _number_alike(self):
        # Two sessions of one user from one client read the same; numbering them shows the
        # reader two findings, not one finding twice.
        totals = collections.Counter(f['message'] for f in self.findings)
        seen = collections.Counter()
        for finding in self.findings:
            message = finding['message']
            if totals[message] > 1:
                seen[message] += 1
                finding['message'] = '%s (session %d of %d alike)' % (message, seen[message], totals[message])

    def result(self, total, field):
        self._number_alike()
        reason = None
        if self.unjudged:
            reason = ('%d of %d %s do not report %s'
                      % (self.unjudged, total, self.unit, _FIELD_WORDS.get(field, field)))
        if self.active():
            status = 'violation'
        elif self.findings:
            status = 'waived'
            reason = '; '.join(sorted(set('waived until %s: %s' % (f['waiver']['expires'], f['waiver']['justification'])
                                          for f in self.findings)))
        elif self.unjudged:
            status = 'not_evaluable'
        else:
            status = 'pass'
        return {'rule': self.rule, 'status': status, 'limit': self.limit, 'reason': reason,
                'findings': self.findings}


def _user_value(session, level, labels):
    """The user name the user rules judge: '' for every anonymous session (a Samba null logon
    is listed under the guest account's name), None when the level has no names."""
    return '' if labels.get('anonymous') else _username(session, level)


def _judge_session_rule(policy, rule, judged, level, resolved, acc):
    field = RULE_FIELD[rule]
    for index, session, labels in judged:
        value = _user_value(session, level, labels) if field == 'username' else session.get(field)
        if value is None or (field == 'client' and value == ''):
            acc.unjudged += 1
            continue
        who = _who(session, level, labels)
        ref = _session_ref(session)
        user_value = _user_value(session, level, labels)
        if rule == 'allowed_clients':
            if not policy.clients.allows(value, resolved):
                acc.violate(ref, value, "%s: client '%s' is not in allowed_clients" % (who, value),
                            indexes=[index], user_value=user_value)
        elif rule == 'forbidden_users':
            hit = next((p for p in policy.forbidden if p.matches(value)), None)
            if hit is not None:
                acc.violate(ref, _username(session, level), "%s: user matches forbidden_users entry '%s'"
                            % (who, hit.text), limit=hit.text, indexes=[index], user_value=user_value)
        elif rule == 'allowed_users':
            if not any(p.matches(value) for p in policy.allowed):
                acc.violate(ref, _username(session, level), '%s: user matches no allowed_users entry' % who,
                            indexes=[index], user_value=user_value)
        elif rule in BOOL_RULES:
            if value:
                what = ('is logged on as guest' if rule == 'deny_guest' else
                        'logged on with a cleartext password (no password encryption)')
                acc.violate(ref, True, '%s %s' % (who, what), indexes=[index], user_value=user_value)
        elif value > acc.limit:
            what = ('has been idle %d s' if rule == 'max_idle_seconds' else
                    'has %d open files, devices and pipes') % value
            acc.violate(ref, value, '%s %s; the limit is %d' % (who, what, acc.limit),
                        indexes=[index], user_value=user_value)


def _judge_per_user(judged, level, acc):
    groups = {}
    for index, session, labels in judged:
        user = _user_value(session, level, labels)
        if user is None:
            acc.unjudged += 1
            continue
        key = '' if is_anonymous(user) else split_account(user.strip())[1].lower()
        groups.setdefault(key, (user, []))[1].append(index)
    for user, indexes in groups.values():
        if len(indexes) > acc.limit:
            shown = '' if is_anonymous(user) else user
            acc.violate({'client': None, 'username': shown}, len(indexes),
                        '%s has %d sessions; the limit is %d'
                        % (display_user(user), len(indexes), acc.limit), indexes=indexes,
                        user_value='' if is_anonymous(user) else user)


def _not_evaluable_reason(rule, level, idle_time_reliable, kind):
    field = RULE_FIELD[rule]
    if field is None or field == 'client':
        return None
    if _field_known(level, field) is False:
        return _level_reason(level, field)
    if field == 'cleartext_password' and kind == 'samba':
        return ("Samba's user_flags carry only the guest bit, so a logon without password "
                "encryption cannot be seen")
    if field == 'cleartext_password' and kind is None and level == 1:
        return ('it is not known whether this server is Samba, whose user_flags carry only the guest '
                'bit (level 1 was asked for); leave level unset to judge this rule')
    if field == 'idle_seconds' and idle_time_reliable is False:
        return ('this server does not report idle time reliably (Samba reports 0 for every '
                'session), so idle sessions cannot be judged')
    if field == 'idle_seconds' and idle_time_reliable is None:
        return ('it is not known whether this server reports idle time (level 1 was asked for, '
                'which Samba serves with every idle time 0); leave level unset to judge idle sessions')
    return None


def evaluate_all(policy, server_results, resolver=None, **options):
    """evaluate() for every server, with the allowed_clients host names resolved once for the
    whole run (not once per server: an unresolvable name costs a resolver timeout each time)."""
    resolved = _resolve_hosts(policy, resolver)
    return [evaluate(policy, result, resolved=resolved, **options) for result in server_results]


def result_server_kind(server_result):
    """'windows', 'samba' or None (unknown) for a listing result.

    The result's own ``server_kind`` wins. Without it: ``idle_time_reliable`` false at level 1 is
    smb_session_audit's answer for Samba, null is unknown, and a result without the key is
    judged as a Windows listing (as idle time is).
    """
    if 'server_kind' in server_result:
        kind = server_result['server_kind']
        return kind if kind in SERVER_KINDS else None
    reliable = server_result.get('idle_time_reliable', True)
    if reliable is False:
        return 'samba' if server_result.get('level') == 1 else None
    return 'windows' if reliable else None


def session_labels(session, level, kind, judge_own_session=False, logon_grace_seconds=LOGON_GRACE_SECONDS):
    """What a session is, beyond its fields, and whether the rules judge it (docs/policy.md).

    - ``anonymous``: no account - a null session ('' or ANONYMOUS LOGON) on every server, and on
      a server that may be Samba a guest-flag session (Samba lists a null logon as its guest
      account). None when the level reports no user name.
    - ``logon_in_progress``: on Samba, a session listed with no user name has not finished its
      logon (a finished null logon is listed as the guest account). Younger than
      ``logon_grace_seconds`` it is not judged; one that lasts longer is a half-open logon
      that persists, judged as anonymous.
    - ``own_session``: the audit's own session (set by smb_session_audit); not judged unless
      ``judge_own_session``.
    """
    user = _username(session, level)
    if user is None:
        anonymous = None
    else:
        anonymous = is_anonymous(user) or (kind != 'windows' and session.get('is_guest') is True)
    in_progress = kind == 'samba' and user is not None and user.strip() == ''
    own = session.get('own_session') is True
    reason = None
    if own and not judge_own_session:
        reason = "the audit's own session (judge_own_session is off)"
    elif in_progress and (session.get('active_seconds') or 0) < logon_grace_seconds:
        reason = ('a logon in progress (Samba lists no user until the logon finishes); judged once '
                  'it has lasted %d s' % logon_grace_seconds)
    return {'own_session': own, 'anonymous': anonymous, 'logon_in_progress': in_progress,
            'judged': reason is None, 'not_judged_reason': reason}


def evaluate(policy, server_result, resolver=None, resolved=None, judge_own_session=False,
             logon_grace_seconds=LOGON_GRACE_SECONDS, today=None):
    """Judge one server's listing against the policy (see docs/policy.md for the result keys).

    ``resolver(name) -> [address, ...]`` resolves allowed_clients host names; without it they
    match only clients reported by that name. ``resolved`` is what evaluate_all resolved already.
    Sessions that are not judged (the audit's own, a Samba logon in progress) are listed with
    their labels and count for no rule. The open-file rules judge the result's ``open_files``
    (open_file_policy.py); without them they are not evaluable. Findings a waiver covers on
    ``today`` (default: today, UTC) are kept and marked waived. A result with ``duplicate_of`` (the same server listed under
    another name) is not judged.
    """
    server = server_result.get('server')
    level = server_result.get('level')
    error = server_result.get('error')
    # True, False (Samba) or None (unknown: level 1 was asked for); a result without it is judged.
    reliable = server_result.get('idle_time_reliable', True)
    kind = None if error else result_server_kind(server_result)
    sessions = list(server_result.get('sessions') or [])
    evaluation = {
        # a server that could not be listed says nothing about its idle time
        'server': server, 'level': level, 'error': error, 'idle_time_reliable': None if error else reliable,
        'server_kind': kind, 'session_count': None if error else len(sessions), 'judged_count': None,
        'rules': [], 'findings': [], 'sessions': [], 'duplicate_of': server_result.get('duplicate_of'),
        'open_file_count': None, 'open_files': None,
    }
    if evaluation['duplicate_of']:
        evaluation.update(session_count=None, idle_time_reliable=None, server_kind=None)
        return evaluation
    if error:
        evaluation['rules'] = [
            {'rule': rule, 'status': 'error', 'limit': limit, 'reason': error, 'findings': []}
            for rule, limit in policy.rules.items()]
        return evaluation

    if resolved is None:
        resolved = _resolve_hosts(policy, resolver)
    all_labels = [session_labels(s, level, kind, judge_own_session, logon_grace_seconds) for s in sessions]
    judged = [(i, s, lab) for i, (s, lab) in enumerate(zip(sessions, all_labels)) if lab['judged']]
    evaluation['judged_count'] = len(judged)
    today = today or today_utc()
    marks = [set() for dummy in sessions]
    waived_marks = [set() for dummy in sessions]
    for rule, limit in policy.rules.items():
        if rule in FILE_RULES:
            continue  # judged below, on the open files (the last rules of RULES)
        reason = _not_evaluable_reason(rule, level, reliable, kind)
        if reason is not None:
            evaluation['rules'].append({'rule': rule, 'status': 'not_evaluable', 'limit': limit,
                                        'reason': reason, 'findings': []})
            continue
        acc = _Rule(server, rule, limit)
        if rule == 'max_sessions_per_server':
            if len(judged) > limit:
                acc.violate(None, len(judged), 'the server has %d sessions; the limit is %d'
                            % (len(judged), limit))
        elif rule == 'max_sessions_per_user':
            _judge_per_user(judged, level, acc)
        else:
            _judge_session_rule(policy, rule, judged, level, resolved, acc)
        acc.apply_waivers(policy.waivers, today, resolved)
        for finding, indexes in zip(acc.findings, acc.session_indexes):
            for index in indexes:
                (waived_marks if finding['waiver_status'] == 'active' else marks)[index].add(rule)
        evaluation['rules'].append(acc.result(len(judged), RULE_FIELD[rule]))
        evaluation['findings'].extend(acc.findings)

    for session, labels, rules, waived in zip(sessions, all_labels, marks, waived_marks):
        entry = dict(session)
        entry.update(labels)
        entry['violations'] = [r for r in RULES if r in rules]
        entry['waived'] = [r for r in RULES if r in waived and r not in rules]
        evaluation['sessions'].append(entry)
    files = server_result.get('open_files')
    files = None if files is None else list(files)
    file_marks = _judge_files(policy, server, server_result, files, evaluation, today, resolved)
    if files is not None:
        evaluation['open_file_count'] = len(files)
        evaluation['open_files'] = [_marked(f, rules, waived) for f, (rules, waived) in zip(files, file_marks)]
    return evaluation


def _marked(entry, rules, waived):
    marked = dict(entry)
    marked['violations'] = [r for r in FILE_RULES if r in rules]
    marked['waived'] = [r for r in FILE_RULES if r in waived and r not in rules]
    return marked


def _judge_files(policy, server, server_result, files, evaluation, today, resolved):
    """Judge the open-file rules (open_file_policy.py) into ``evaluation``; return each file's
    (violated rules, waived rules). A result whose files were not listed cannot judge them."""
    marks = [(set(), set()) for dummy in files or ()]
    for rule in FILE_RULES:
        if rule not in policy.rules:
            continue
        limit = policy.rules[rule]
        gap = listing_gap(server_result)
        if gap is not None:
            evaluation['rules'].append({'rule': rule, 'status': 'not_evaluable', 'limit': limit,
                                        'reason': gap, 'findings': []})
            continue
        acc = _Rule(server, rule, limit, unit='files')
        if rule == 'forbidden_open_paths':
            judge_forbidden_paths(policy.forbidden_paths, files, acc)
        else:
            judge_files_per_user(files, acc)
        acc.apply_waivers(policy.waivers, today, resolved)
        for finding, indexes in zip(acc.findings, acc.session_indexes):
            for index in indexes:
                marks[index][1 if finding['waiver_status'] == 'active' else 0].add(rule)
        evaluation['rules'].append(acc.result(len(files), RULE_FIELD[rule]))
        evaluation['findings'].extend(acc.findings)
    return marks


def unwaived(evaluation):
    """The findings of an evaluation that are violations (not covered by an active waiver)."""
    return [f for f in evaluation.get('findings') or () if f.get('waiver_status') != 'active']


def summarize(evaluations):
    """One verdict for a run: 'fail' on any violation, else 'error' if a server failed, else 'pass'.

    not_evaluable rules are counted, never turned into a pass or a fail: a CI job that must
    judge every rule can fail on ``not_evaluable > 0`` itself. Waived findings are counted apart
    (``waived``); a server listed again under another name counts as a ``duplicate``, not a server.
    """
    evaluations = list(evaluations)
    servers = [e for e in evaluations if not e.get('duplicate_of')]
    violations = sum(len(unwaived(e)) for e in servers)
    errors = sum(1 for e in servers if e.get('error'))
    summary = {
        'servers': len(servers),
        'servers_with_violations': sum(1 for e in servers if unwaived(e)),
        'violations': violations,
        'not_evaluable': sum(1 for e in servers for r in e['rules'] if r['status'] == 'not_evaluable'),
        'errors': errors,
        'waived': sum(len(e['findings']) - len(unwaived(e)) for e in servers),
        'duplicates': len(evaluations) - len(servers),
    }
    summary['verdict'] = 'fail' if violations else 'error' if errors else 'pass'
    return summary
