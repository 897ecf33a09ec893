# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session rules of the agentless modules: client and account names, Session, filters, the close planner.

The Windows modules do the same in C# (SessionRules.cs: ClientName, AccountName, ClosePlanner).
Both follow docs/developer/contract.md and are tested against the same vectors in
tests/fixtures/close_planning_cases.json, so a playbook behaves the same on either path.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
from functools import lru_cache

SESS_GUEST = 0x1
SESS_NOENCRYPTION = 0x2
# Samba reports a brand-new session's age as (uint32)-1; treat "negative" ages as 0.
WRAPPED_MINUS_ONE = 0xFFFFFFFF

# The keys every module returns for a session, in this order (contract).
RESULT_KEYS = (
    'client', 'username', 'num_opens', 'active_seconds', 'idle_seconds',
    'user_flags', 'is_guest', 'cleartext_password', 'client_type', 'transport',
)

SKIP_REASONS = (
    'own_session', 'excluded_client', 'excluded_username', 'machine_account',
    'idle_unknown', 'idle_below_threshold', 'pair_has_unselected_session',
    'own_client', 'null_session_shares_client', 'no_client_name',
)

# Windows reports some null sessions under this name instead of "" (contract: a null session).
ANONYMOUS_NAMES = ('anonymous logon', 'nt authority\\anonymous logon')


# ---------------------------------------------------------------- names

def normalise_client(name):
    r"""Return the display/match form of a client name.

    ``\\10.0.0.5`` -> ``10.0.0.5``; ``\\[FE80::0:1%3]`` -> ``fe80::1%3``;
    ``::ffff:10.0.0.5`` -> ``10.0.0.5``; host names keep their case.
    """
    if name is None:
        return None
    text = name.strip()
    while text.startswith('\\'):
        text = text[1:]
    if text.startswith('[') and text.endswith(']'):
        text = text[1:-1]
    address, sep, zone = text.partition('%')
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return text
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip) + (sep + zone if sep else '')


def without_zone(address):
    """An address without its IPv6 %zone (ClientName.WithoutZone in the C# twin). A zone is the
    number of an interface of the host that wrote it, so an address this host resolved or owns
    is compared without it: the server reports the same client with its own interface number."""
    return address.partition('%')[0]


def _client_key(name):
    text = normalise_client(name)
    if text is None:
        return None
    return text.rstrip('.').lower()


def has_client_name(name):
    """False for a session the server reports without a client name (NULL or empty)."""
    return bool(normalise_client(name))


def _same_address_ignoring_zone(key_a, key_b):
    """``fe80::1%3`` and ``fe80::1`` are one client; ``fe80::1%3`` and ``fe80::1%4`` are not."""
    address_a, zoned_a = key_a.partition('%')[0], '%' in key_a
    address_b, zoned_b = key_b.partition('%')[0], '%' in key_b
    if zoned_a == zoned_b or address_a != address_b:
        return False
    try:
        ipaddress.IPv6Address(address_a)
    except ValueError:
        return False
    return True


def _zoneless_key(name):
    """Groups the spellings of one client that clients_match may call the same."""
    key = _client_key(name)
    return None if key is None else key.partition('%')[0]


_CIDR_HELP = ('write a network as address/prefix length, for example 10.1.0.0/16 or fd00::/8 '
              '(prefix length 0-32 for IPv4, 0-128 for IPv6)')


@lru_cache(maxsize=256)
def parse_client_network(selector):
    """The network of a client selector in CIDR form, or None when it is not one.

    A selector is in CIDR form when it contains ``/`` (no host or IP literal does). Host bits
    are ignored (``10.1.2.3/16`` is ``10.1.0.0/16``). Raises ValueError, with a message that
    names the selector and the right form, when it is malformed.
    """
    if selector is None:
        return None
    text = selector.strip().lstrip('\\')
    if '/' not in text:
        return None
    if text.startswith('[') and text.endswith(']'):
        text = text[1:-1]
    address, prefix = text.split('/', 1)
    if address.startswith('[') and address.endswith(']'):
        address = address[1:-1]
    problem = None
    ip = None
    if '/' in prefix:
        problem = 'it has more than one "/"'
    elif not prefix or not all('0' <= c <= '9' for c in prefix) or len(prefix) > 3:
        problem = 'the prefix length %r is not a number' % prefix
    elif '%' in address:
        problem = 'a network has no %zone'
    else:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            problem = '%r is not an IP address (a network is never resolved by DNS)' % address
    if problem is None and int(prefix) > ip.max_prefixlen:
        problem = 'the prefix length %s is more than %d' % (prefix, ip.max_prefixlen)
    if problem:
        raise ValueError('%r is not a valid network: %s; %s.' % (selector, problem, _CIDR_HELP))
    return ipaddress.ip_network('%s/%s' % (ip, int(prefix)), strict=False)


def validate_client_selectors(option, selectors):
    """Raise ValueError naming ``option`` when a selector in CIDR form is malformed."""
    for selector in selectors or []:
        try:
            parse_client_network(selector)
        except ValueError as e:
            raise ValueError('%s %s' % (option, e))


def _in_network(client, network):
    address = (normalise_client(client) or '').partition('%')[0]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False  # a host name is never in a network: a CIDR is not resolved
    if ip.version == 4 and network.version == 6:
        ip = ipaddress.IPv6Address('::ffff:' + str(ip))  # ::ffff:10.1.0.0/112 and the like
    return ip.version == network.version and ip in network


def clients_match(client, selector):
    """True when ``client`` (a session's client) is what ``selector`` names.

    Case-insensitive on the normalised form; a trailing dot and a missing IPv6 ``%zone`` on
    either side are ignored; a selector in CIDR form matches every address in its network.
    A NULL or empty name matches nothing. Raises ValueError for a malformed CIDR selector.
    """
    if client is None or selector is None:
        return False
    network = parse_client_network(selector)
    if network is not None:
        return _in_network(client, network)
    key_a, key_b = _client_key(client), _client_key(selector)
    if not key_a or not key_b:
        return False
    return key_a == key_b or _same_address_ignoring_zone(key_a, key_b)


def client_api_filter(name):
    r"""The form MS-SRVS wants for a client filter: exactly one leading ``\\``, IPv6 in brackets."""
    text = normalise_client(name)
    if ':' in text.partition('%')[0]:
        text = '[%s]' % text
    return '\\\\' + text


def account_part(name):
    r"""``DOMAIN\user`` and ``user@domain`` -> ``user`` (sessions report names without a domain)."""
    if name is None:
        return None
    text = name.strip()
    if '\\' in text:
        text = text.rsplit('\\', 1)[1]
    elif '@' in text:
        text = text.split('@', 1)[0]
    return text


def usernames_match(session_user, selector):
    """Case-insensitive on the account part. A selector that names ANONYMOUS LOGON names every
    null session (so exclude_username can protect them); an empty selector names nobody."""
    if session_user is None or selector is None or not selector.strip():
        return False
    if is_null_session(selector):
        return is_null_session(session_user)
    if is_null_session(session_user):
        return False
    return account_part(session_user).lower() == account_part(selector).lower()


def is_null_session(username):
    """``""``, NULL and ``ANONYMOUS LOGON`` (any case, with or without ``NT AUTHORITY\\``)."""
    if username is None:
        return True
    text = username.strip()
    return text == '' or text.lower() in ANONYMOUS_NAMES


def is_machine_account(username):
    return not is_null_session(username) and username.endswith('$')


# ---------------------------------------------------------------- bad entries

# Both twins refuse these before anything is resolved or listed (SelectorCheck in SessionRules.cs;
# the shared table is tests/fixtures/selector_check_cases.json).
EMPTY_ENTRY_MESSAGE = (
    "{option}[{index}] is empty ({shown}): an empty entry selects nothing. Remove it, or leave {option} unset; "
    "a template such as \"{{{{ user | default('') }}}}\" gives one: use default(omit).")
CONTROL_CHARACTER_MESSAGE = (
    "{where} '{shown}' holds a control character (U+{code:04X} at position {position}): with key=value "
    "arguments (-a '{option}={shown}') a backslash starts an escape; quote the value in YAML, or double "
    "the backslash ({doubled}).")
# What key=value decoding turns a typed \a, \b, ... into: shown back as typed.
_ESCAPES = {7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r'}


def _is_control(char):
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def _as_typed(text):
    return ''.join((_ESCAPES.get(ord(c)) or '\\x%02x' % ord(c)) if _is_control(c) else c for c in text)


def control_character_message(where, option, text):
    """The error for a value holding a control character (key=value decoding turned a typed
    ``\a`` into BEL), or None. ``where`` is ``username[0]`` or ``server``."""
    for position, char in enumerate(text, 1):
        if _is_control(char):
            shown = _as_typed(text)
            return CONTROL_CHARACTER_MESSAGE.format(where=where, shown=shown, code=ord(char), position=position,
                                                    option=option, doubled=shown.replace('\\', '\\\\'))
    return None


def _client_entry_is_empty(entry):
    r"""Nothing is left once whitespace, ``\``, brackets and dots are gone: ``\\``, ``[]``, ``.``..."""
    return all(c.isspace() or c in '\\[].' for c in entry)


def _username_entry_is_empty(entry):
    r"""The account part is empty: ``LAB\``, ``@contoso.com``, whitespace. ANONYMOUS LOGON is not."""
    return not account_part(entry).strip()


_EMPTY_RULES = {
    'client': _client_entry_is_empty,
    'exclude_client': _client_entry_is_empty,
    'username': _username_entry_is_empty,
    'exclude_username': _username_entry_is_empty,
}


def check_selector_entries(option, entries):
    """The entries of a selector option (``[]`` when unset); ValueError naming the option and the
    0-based position of the first entry that holds a control character or is empty after
    normalisation. A dropped entry would widen a close (``client: [x], username: ['']`` closed
    every user on x), and a blank name given to a resolver answers this host's own addresses."""
    is_empty = _EMPTY_RULES[option]
    for index, entry in enumerate(entries or []):
        where = '%s[%d]' % (option, index)
        problem = None if entry is None else control_character_message(where, option, entry)
        if problem is None and (entry is None or is_empty(entry)):
            problem = EMPTY_ENTRY_MESSAGE.format(option=option, index=index,
                                                 shown='null' if entry is None else "'%s'" % entry)
        if problem:
            raise ValueError(problem)
    return list(entries or [])


# ---------------------------------------------------------------- sessions

def _clamp_seconds(value):
    if value is None:
        return None
    value = int(value)
    if value >= WRAPPED_MINUS_ONE or value < 0:
        return 0
    return value


class Session:
    """One enumerated session: normalised fields plus the server's raw client spelling."""

    __slots__ = ('raw_client', 'client', 'username', 'num_opens', 'active_seconds',
                 'idle_seconds', 'user_flags', 'client_type', 'transport')

    def __init__(self, raw_client, username=None, num_opens=None, active_seconds=None,
                 idle_seconds=None, user_flags=None, client_type=None, transport=None):
        self.raw_client = raw_client
        self.client = normalise_client(raw_client)
        self.username = username
        self.num_opens = num_opens
        self.active_seconds = _clamp_seconds(active_seconds)
        self.idle_seconds = _clamp_seconds(idle_seconds)
        self.user_flags = user_flags
        self.client_type = client_type
        self.transport = transport

    @classmethod
    def from_wire(cls, entry, level):
        """Build from a srvsvc entry dict (keys cname, username, num_opens, time, idle_time,
        user_flags, cltype_name, transport; None where the level lacks the field)."""
        username = entry.get('username')
        if username is None and level != 0:
            username = ''  # a NULL pointer at a level that has names is a null session
        return cls(
            raw_client=entry.get('cname') or '',
            username=username,
            num_opens=entry.get('num_opens'),
            active_seconds=entry.get('time'),
            idle_seconds=entry.get('idle_time'),
            user_flags=entry.get('user_flags'),
            client_type=entry.get('cltype_name'),
            transport=entry.get('transport'),
        )

    def to_result(self):
        flags = self.user_flags
        return {
            'client': self.client,
            'username': self.username,
            'num_opens': self.num_opens,
            'active_seconds': self.active_seconds,
            'idle_seconds': self.idle_seconds,
            'user_flags': flags,
            'is_guest': None if flags is None else bool(flags & SESS_GUEST),
            'cleartext_password': None if flags is None else bool(flags & SESS_NOENCRYPTION),
            'client_type': self.client_type,
            'transport': self.transport,
        }

    def pair_key(self):
        user = '' if is_null_session(self.username) else account_part(self.username).lower()
        return (_client_key(self.client), user)

    def diff_entry(self):
        user = '(anonymous)' if is_null_session(self.username) else self.username
        return '%s@%s' % (user, self.client or '(no client)')

    def __repr__(self):
        return 'Session(%r, %r, idle=%r)' % (self.raw_client, self.username, self.idle_seconds)


def filter_sessions(sessions, clients=None, usernames=None):
    """Apply client/username filters locally (Samba ignores the wire filters).

    Raises ValueError for a malformed CIDR client filter, even when there is no session.
    """
    validate_client_selectors('client', clients)
    return [s for s in sessions if _matches_selectors(s, clients, usernames)]


def _matches_selectors(session, clients, usernames):
    if clients and not any(clients_match(session.client, c) for c in clients):
        return False
    if usernames and not any(usernames_match(session.username, u) for u in usernames):
        return False
    return True


def diff_entries(sessions):
    return sorted(s.diff_entry() for s in sessions)


# ---------------------------------------------------------------- planning

class SelectionError(ValueError):
    """The selection cannot be planned; ``code`` is stable for tests and callers."""

    def __init__(self, code, message):
        super(SelectionError, self).__init__(message)
        self.code = code


class CloseSelection:
    def __init__(self, client=None, username=None, min_idle_seconds=None, exclude_client=None,
                 exclude_username=None, all=False, own_client=None, own_username=None):
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


NO_SELECTOR_MESSAGE = ('No sessions selected: give client and/or username, or set all=true to close '
                       'every session (optionally limited by min_idle_seconds and the exclude options).')


def plan_close(sessions, selection):
    """Decide which NetSessionDel calls to make; see docs/developer/contract.md."""
    sel = selection
    if not sel.client and not sel.username and not sel.all:
        raise SelectionError('no_selector', NO_SELECTOR_MESSAGE)
    try:
        validate_client_selectors('client', sel.client)
        validate_client_selectors('exclude_client', sel.exclude_client)
    except ValueError as e:
        raise SelectionError('bad_client_selector', str(e))

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
