# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names of an SMB session, for the agentless modules: one session with the contract's fields
(SessionInfo), client names and networks, account names, and the selector entries the modules refuse.

The Windows twin is SessionNames.cs (SessionInfo, ClientName, ClientNetwork, AccountName,
SelectorCheck); the name table is in docs/developer/contract.md. Both are tested against the
shared tables in tests/fixtures/ (name_rule_cases.json, selector_check_cases.json).
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


def same_client(client, other):
    """Two clients as servers name them (never a selector: a ``/`` is not a network here) are one:
    the clients_match rules for names (case, trailing dot, a missing %zone on one side)."""
    key_a, key_b = _client_key(client), _client_key(other)
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

# Both twins refuse these before anything is resolved or listed (SelectorCheck in SessionNames.cs;
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
    'share': _username_entry_is_empty,
}

NOT_A_SHARE_NAME_MESSAGE = (
    "{option}[{index}] '{entry}' is not a share name: give the name of one share only, e.g. Data (not "
    "\\\\server\\Data)."
)


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
        # A qualifier starting with \\ names a computer: the server then lists share names, not users.
        if problem is None and option == 'share' and ('\\' in entry or '/' in entry):
            problem = NOT_A_SHARE_NAME_MESSAGE.format(option=option, index=index, entry=entry)
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


class SessionInfo:
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
        return 'SessionInfo(%r, %r, idle=%r)' % (self.raw_client, self.username, self.idle_seconds)


def filter_sessions(sessions, clients=None, usernames=None):
    """Apply client/username filters locally (Samba ignores the wire filters); the share selector
    is share_selector.sessions_using_share.

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
