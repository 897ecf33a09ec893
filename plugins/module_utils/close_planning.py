# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The close planner of the agentless modules: which NetrSessionDel calls end exactly the sessions
a close selection picks, and which sessions it skips and why. No I/O.

The Windows twin is ClosePlanning.cs (CloseSelection, ClosePlanner, ClosePlan, CloseTarget,
SkippedSession); both follow docs/developer/contract.md and run the shared vectors in
tests/fixtures/close_planning_cases.json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    _client_key, _same_address_ignoring_zone, account_part, clients_match, has_client_name, is_machine_account,
    is_null_session, normalise_client, parse_client_network, usernames_match, validate_client_selectors,
    without_zone,
)
from ansible_collections.lanman.smb.plugins.module_utils.share_selector import uses_share

SKIP_REASONS = (
    'own_session', 'excluded_client', 'excluded_username', 'machine_account',
    'idle_unknown', 'idle_below_threshold', 'pair_has_unselected_session',
    'own_client', 'null_session_shares_client', 'no_client_name',
)


class CloseSelectionError(ValueError):
    """The selection cannot be planned; ``code`` is stable for tests and callers."""

    def __init__(self, code, message):
        super(CloseSelectionError, self).__init__(message)
        self.code = code


class CloseSelection:
    def __init__(self, client=None, username=None, min_idle_seconds=None, exclude_client=None,
                 exclude_username=None, all=False, own_client=None, own_username=None, share_connections=None):
        # share_connections: None = no share selector; else the connections of the shares asked
        # for (ShareConnection, share_selector.list_share_users); [] selects nothing.
        self.share_connections = None if share_connections is None else list(share_connections)
        self.client = list(client or [])
        self.username = list(username or [])
        self.min_idle_seconds = min_idle_seconds
        self.exclude_client = list(exclude_client or [])
        self.exclude_username = list(exclude_username or [])
        self.all = bool(all)
        self.own_client = list(own_client or [])
        self.own_username = own_username


class CloseTarget:
    """One NetSessionDel call: ``username`` None means every session from the client."""

    def __init__(self, client, raw_client, username, sessions):
        self.client = client
        self.raw_client = raw_client
        self.username = username
        self.sessions = sessions

    def to_result(self):
        return {'client': self.client, 'username': self.username}


class SkippedSession:
    def __init__(self, session, reason):
        self.session = session
        self.reason = reason

    def to_result(self):
        result = self.session.to_result()
        result['reason'] = self.reason
        return result


class ClosePlan:
    def __init__(self, targets, skipped):
        self.targets = targets
        self.skipped = skipped

    @property
    def sessions_to_close(self):
        return [s for t in self.targets for s in t.sessions]


# The planner works on facts computed once per plan: a client's key and address once per distinct
# name, a selector's key or network once per list. Comparing names afresh for every pair of
# sessions made planning quadratic in the sessions of one (client, user) pair (issue 16).

_UNPARSED = object()


class _ClientFacts:
    """A client name as clients_match reads it: its key, and the address a network tests
    (parsed on first use: most selections name no network)."""

    __slots__ = ('name', 'named', 'key', 'zoneless', '_address')

    def __init__(self, name):
        self.name = name
        self.named = has_client_name(name)
        self.key = _client_key(name)
        self.zoneless = None if self.key is None else without_zone(self.key)
        self._address = _UNPARSED

    def address(self):
        """What _in_network tests: the IP address without its %zone, or None for a host name."""
        if self._address is _UNPARSED:
            try:
                self._address = ipaddress.ip_address(without_zone(normalise_client(self.name) or ''))
            except ValueError:
                self._address = None
        return self._address


def _client_facts_cache():
    """name -> _ClientFacts, computed on first use: the sessions of a pair share one name."""
    cache = {}

    def facts(name):
        found = cache.get(name)
        if found is None:
            found = cache[name] = _ClientFacts(name)
        return found
    return facts


def _address_in_network(ip, network):
    """_in_network for an address parsed once."""
    if ip is None:
        return False  # a host name is never in a network: a CIDR is not resolved
    if ip.version == 4 and network.version == 6:
        ip = ipaddress.IPv6Address('::ffff:' + str(ip))  # ::ffff:10.1.0.0/112 and the like
    return ip.version == network.version and ip in network


def _client_test(selector):
    """clients_match(client, selector) as a test of a client's _ClientFacts, the selector read once."""
    if selector is None:
        return lambda client: False
    try:
        network = parse_client_network(selector)
    except ValueError:
        # Malformed: clients_match fails on it when it meets a client, and so does this.
        return lambda client: clients_match(client.name, selector)
    if network is not None:
        return lambda client: client.name is not None and _address_in_network(client.address(), network)
    key = _client_key(selector)
    if not key:
        return lambda client: False
    return lambda client: bool(client.key) and (client.key == key or _same_address_ignoring_zone(client.key, key))


def _client_tests(selectors):
    return [_client_test(selector) for selector in selectors]


def _passes_any(tests, client):
    """Any test passes (none: False), tried in order as any(clients_match ...) tries them."""
    for test in tests:
        if test(client):
            return True
    return False


class _ClientTests:
    """The selection's client lists, each selector read once."""

    def __init__(self, sel):
        self.client = _client_tests(sel.client)
        self.exclude = _client_tests(sel.exclude_client)
        self.own = _client_tests(sel.own_client)


def _any_user(session, names):
    return any(usernames_match(session.username, n) for n in names)


def _individual_reason(session, client, sel, tests):
    """First reason that keeps a candidate session open, or None when it is selected."""
    # Neither name: the only call that could reach it, NetSessionDel(NULL, NULL), ends everything.
    if not client.named and is_null_session(session.username):
        return 'no_client_name'
    # Unknown own user (e.g. Kerberos without a name): every session from our address may be ours.
    # Empty counts as unknown, as in the C# twin (PowerShell stores $null in a string field as "").
    if _passes_any(tests.own, client) and (
            not sel.own_username or usernames_match(session.username, sel.own_username)):
        return 'own_session'
    if _passes_any(tests.exclude, client):
        return 'excluded_client'
    if _any_user(session, sel.exclude_username):
        return 'excluded_username'
    if is_machine_account(session.username) and not _any_user(session, sel.username):
        return 'machine_account'
    if sel.min_idle_seconds is not None:
        if session.idle_seconds is None:
            return 'idle_unknown'
        if session.idle_seconds < sel.min_idle_seconds:
            return 'idle_below_threshold'
    return None


def _user_key(session):
    return account_part(session.username).lower()


class _SameClientGroups:
    """For a session: is every session of its group that clients_match calls the same client
    selected? A group (its key holds the zoneless client key) gathers the spellings of one client;
    the unselected sessions are counted per client key once, so each answer is constant time."""

    def __init__(self, sessions, group_of, facts, selected_ids):
        self._group_of = group_of
        self._facts = facts
        self._selected_ids = selected_ids
        self._members = {}           # group -> its sessions
        self._unselected = {}        # (group, client key) -> unselected sessions
        self._unselected_zoned = {}  # group -> its zoned client keys with an unselected session
        self._zoneless_answers = {}  # group -> the answer for its zoneless key
        for session in sessions:
            group = group_of(session)
            self._members.setdefault(group, []).append(session)
            key = facts(session.client).key
            if not key or id(session) in selected_ids:
                continue  # an empty key is the same client as nothing
            self._unselected[(group, key)] = self._unselected.get((group, key), 0) + 1
            if '%' in key:
                self._unselected_zoned.setdefault(group, set()).add(key)

    def all_selected(self, session):
        group = self._group_of(session)
        try:
            network = parse_client_network(session.client)
        except ValueError:
            network = True
        if network is not None:
            # A client name in CIDR form is read as a network (or refused as one): ask clients_match.
            return all(id(o) in self._selected_ids for o in
                       [o for o in self._members[group] if clients_match(o.client, session.client)])
        key = self._facts(session.client).key
        if not key:
            return True  # the same client as nothing
        if (group, key) in self._unselected:
            return False
        if '%' in key:
            # Two zoned spellings are never one client: only the zoneless key of the group can be.
            zoneless = without_zone(key)
            return (group, zoneless) not in self._unselected or not _same_address_ignoring_zone(key, zoneless)
        answer = self._zoneless_answers.get(group)
        if answer is None:
            answer = self._zoneless_answers[group] = not any(
                _same_address_ignoring_zone(zoned, key) for zoned in self._unselected_zoned.get(group, ()))
        return answer


NO_SELECTOR_MESSAGE = ('No sessions selected: give client, username and/or share, or set all=true to close '
                       'every session (optionally limited by min_idle_seconds and the exclude options).')


def plan_close(sessions, selection):
    """Decide which NetSessionDel calls to make; see docs/developer/contract.md."""
    sel = selection
    if not sel.client and not sel.username and sel.share_connections is None and not sel.all:
        raise CloseSelectionError('no_selector', NO_SELECTOR_MESSAGE)
    try:
        validate_client_selectors('client', sel.client)
        validate_client_selectors('exclude_client', sel.exclude_client)
    except ValueError as e:
        raise CloseSelectionError('bad_client_selector', str(e))

    facts = _client_facts_cache()
    tests = _ClientTests(sel)
    reasons = {}   # id(session) -> reason, for skipped candidates
    selected = []  # candidate sessions still to close, input order
    for session in sessions:
        client = facts(session.client)
        if sel.client and not _passes_any(tests.client, client):
            continue
        if sel.username and not _any_user(session, sel.username):
            continue
        if sel.share_connections is not None and not uses_share(session, sel.share_connections):
            continue
        reason = _individual_reason(session, client, sel, tests)
        if reason:
            reasons[id(session)] = reason
        else:
            selected.append(session)

    def still_selected():
        kept = [s for s in selected if id(s) not in reasons]
        return kept, set(id(s) for s in kept)

    named = [s for s in sessions if facts(s.client).named]
    # A pair closes all of its sessions: close it only when every one of them is selected.
    # Spellings of one client (fe80::1 and fe80::1%3) count as one, whatever the server does.
    selected_ids = set(id(s) for s in selected)
    pairs = _SameClientGroups([s for s in named if not is_null_session(s.username)],
                              lambda s: (facts(s.client).zoneless, _user_key(s)), facts, selected_ids)
    for session in selected:
        if is_null_session(session.username) or not facts(session.client).named:
            continue
        if not pairs.all_selected(session):
            reasons[id(session)] = 'pair_has_unselected_session'
    selected, selected_ids = still_selected()

    # No client name: only NetSessionDel(NULL, user) reaches it, and that ends every session of
    # the user from every client: allowed only when all of them are selected.
    unselected_of_user = {}
    for session in sessions:
        if not is_null_session(session.username) and id(session) not in selected_ids:
            user = _user_key(session)
            unselected_of_user[user] = unselected_of_user.get(user, 0) + 1
    user_wide = set()
    for session in selected:
        if facts(session.client).named:
            continue
        if not unselected_of_user.get(_user_key(session)):
            user_wide.add(_user_key(session))
        else:
            reasons[id(session)] = 'no_client_name'
    selected, selected_ids = still_selected()

    # A null session can only go with a client-wide close, which takes every session of
    # that client: allowed only when all of them are selected and the client is not us.
    clients = _SameClientGroups(named, lambda s: facts(s.client).zoneless, facts, selected_ids)
    client_wide = set()
    for session in selected:
        if not is_null_session(session.username):
            continue
        if _passes_any(tests.own, facts(session.client)):
            reasons[id(session)] = 'own_client'
        elif clients.all_selected(session):
            client_wide.add(facts(session.client).key)
        else:
            reasons[id(session)] = 'null_session_shares_client'
    selected, selected_ids = still_selected()

    # User-wide calls go first and take every session of their user, so each call's sessions
    # are exactly the sessions it ends (a later client-wide call ends what is left).
    targets = []
    target_by_key = {}

    def in_user_wide(session):
        return not is_null_session(session.username) and _user_key(session) in user_wide

    ordered = [s for s in selected if in_user_wide(s)] + [s for s in selected if not in_user_wide(s)]
    for session in ordered:
        client_key, user_key = session.pair_key()
        if in_user_wide(session):
            key, target = (None, user_key), CloseTarget(None, None, session.username, [])
        elif client_key in client_wide:
            key, target = (client_key, None), CloseTarget(session.client, session.raw_client, None, [])
        else:
            key, target = (client_key, user_key), CloseTarget(session.client, session.raw_client, session.username, [])
        if key in target_by_key:
            target = target_by_key[key]
        else:
            target_by_key[key] = target
            targets.append(target)
        target.sessions.append(session)

    skipped = [SkippedSession(s, reasons[id(s)]) for s in sessions if id(s) in reasons]
    return ClosePlan(targets, skipped)
