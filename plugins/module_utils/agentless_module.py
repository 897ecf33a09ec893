# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agentless modules' shared glue (smb_session_info, smb_session, smb_session_audit).

Options, the server option, connecting, name resolution, listing with the level fallbacks, and
running a close plan. The modules stay thin; the session rules live in session_rules.py and the
MS-SRVS client in _srvsvc/ (docs/developer/contract.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import socket

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import (
    HAS_SMBPROTOCOL, SMBPROTOCOL_IMPORT_ERROR, SrvsvcClient,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.deadline import MAX_TIMEOUT, Deadline
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcError, SrvsvcStatusError, SrvsvcTimeoutError,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import LEVELS
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import (
    ERROR_ACCESS_DENIED, ERROR_INVALID_LEVEL, NOT_FOUND,
)
from ansible_collections.lanman.smb.plugins.module_utils.deadline_pool import run_with_deadlines
from ansible_collections.lanman.smb.plugins.module_utils.session_rules import (
    CloseSelection, Session, account_part, check_selector_entries, client_api_filter, clients_match,
    control_character_message, diff_entries, filter_sessions, is_null_session, normalise_client,
    parse_client_network, usernames_match, validate_client_selectors, without_zone,
)

# Unset level: the richest one the server serves. Samba answers 124 above level 1.
LEVEL_PREFERENCE = (502, 2, 1)
LEVEL_502_DENIED_WARNING = (
    'Access to level 502 was denied; listed at level 10 (user-info right only): num_opens, '
    'user_flags, is_guest, cleartext_password, client_type and transport are null.')

CONNECTION_SPEC = dict(
    server=dict(type='str', required=True),
    port=dict(type='int', default=445),
    auth_username=dict(type='str', fallback=(env_fallback, ['SMB_USERNAME'])),
    auth_password=dict(type='str', no_log=True, fallback=(env_fallback, ['SMB_PASSWORD'])),
    auth_protocol=dict(type='str', default='negotiate', choices=['negotiate', 'kerberos', 'ntlm']),
    require_encryption=dict(type='bool', default=False),
    timeout=dict(type='int', default=30),
)

FILTER_SPEC = dict(
    client=dict(type='list', elements='str'),
    username=dict(type='list', elements='str'),
)


def info_spec():
    spec = dict(CONNECTION_SPEC)
    spec.update(FILTER_SPEC)
    spec['level'] = dict(type='int', choices=list(LEVELS))
    return spec


def close_spec():
    spec = dict(CONNECTION_SPEC)
    spec.update(FILTER_SPEC)
    spec.update(
        min_idle_seconds=dict(type='int'),
        exclude_client=dict(type='list', elements='str', default=[]),
        exclude_username=dict(type='list', elements='str', default=[]),
        all=dict(type='bool', default=False),
        state=dict(type='str', default='absent', choices=['absent']),
    )
    return spec


def normalise_server(text):
    r"""The host to connect to, from what an admin typed for ``server``.

    Accepts ``files01``, ``files01.example.com.``, ``\\files01``, ``//files01``, ``10.0.0.5``,
    ``::1`` and ``[::1]``; raises ValueError naming the right form for anything else, so the
    user never sees a resolver error about a URL or a share path. A control character, a
    wildcard, and an address that names no single server (``0.0.0.0``, ``::``, broadcast,
    multicast, numeric shorthands such as ``127.1``) are refused as the Windows twin refuses them
    (LocalHost.CheckServer; tests/fixtures/selector_check_cases.json).
    """
    problem = None if text is None else control_character_message('server', 'server', text)
    if problem:
        raise ValueError(problem)
    typed = '' if text is None else text.strip()
    if '*' in typed or '?' in typed:
        raise ValueError(server_refusal(typed, 'is a wildcard pattern'))
    host = typed
    if '://' in host:
        raise ValueError("server %r is not a URL: give only the host name or IP address (e.g. server: %s) "
                         "and the port in the port option." % (typed, _host_hint(host.split('://', 1)[1])))
    if host.startswith('\\\\') or host.startswith('//'):
        host = host[2:]
    if '\\' in host or '/' in host:
        raise ValueError("server %r names a share or path: give only the server, e.g. server: %s "
                         "(the module opens IPC$ itself)." % (typed, _host_hint(host)))
    if host.startswith('['):
        inner, closed, rest = host[1:].partition(']')
        if closed and rest.startswith(':') and rest[1:].isdigit():
            raise ValueError("server %r carries a port: give the port in the port option, e.g. server: %s, port: %s"
                             % (typed, inner, rest[1:]))
        if not closed or rest or not _is_ipv6(inner):
            raise ValueError("server %r: brackets hold an IPv6 address only, e.g. [fd00::5]; give a host name "
                             "without brackets." % typed)
        host = inner
    elif host.count(':') == 1 or (host.count(':') > 1 and ']' in host):
        name, port = host.rsplit(':', 1)
        if port.isdigit():
            raise ValueError("server %r carries a port: give the port in the port option, e.g. server: %s, port: %s"
                             % (typed, name, port))
        raise ValueError("server %r is not a valid host name or IP address." % typed)
    elif ':' in host and not _is_ipv6(host):
        raise ValueError("server %r is not a valid IPv6 address; give a host name or IP address, e.g. fd00::5."
                         % typed)
    if ':' in host:
        address, sep, zone = host.partition('%')
        _refuse_address(typed, ipaddress.ip_address(address))
        return str(ipaddress.ip_address(address)) + sep + zone
    if host.endswith('.'):
        host = host[:-1]  # a fully qualified name; Kerberos wants the SPN without the dot
    if not host:
        raise ValueError("server %r is empty: give the host name or IP address of the SMB server, "
                         "e.g. files01.example.com." % typed)
    if any(c.isspace() or c in '@?#%[]:' for c in host) or '..' in host or host.startswith('.') or host.endswith('.'):
        raise ValueError("server %r is not a valid host name or IP address; give e.g. files01.example.com."
                         % typed)
    try:
        _refuse_address(typed, ipaddress.IPv4Address(host))
    except ipaddress.AddressValueError:
        shorthand = numeric_ipv4(host)
        if shorthand is not None:
            raise ValueError(server_refusal(
                typed, 'is a numeric shorthand that resolvers read as the IPv4 address %s' % shorthand))
    return host


SERVER_REFUSAL = "server '{typed}' {why}: give the host name or IP address of one SMB server, e.g. " \
                 "files01.example.com or 10.0.0.5."


def server_refusal(typed, why):
    return SERVER_REFUSAL.format(typed=typed, why=why)


def _refuse_address(typed, ip):
    """ValueError for an address that names no single server: it would reach this host or many."""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    why = None
    if ip.is_unspecified:
        why = 'is the unspecified address ("any address"), which names no server'
    elif ip.version == 4 and ip == ipaddress.IPv4Address('255.255.255.255'):
        why = 'is the broadcast address, which names no server'
    elif ip.is_multicast:
        why = 'is a multicast address, which names no server'
    if why:
        raise ValueError(server_refusal(typed, why))


def numeric_ipv4(text):
    """The IPv4 address inet_aton reads in ``text`` (``127.1``, ``0x7f.1``, ``2130706433``,
    ``010.0.0.1`` = 8.0.0.1), or None when it is not such a number. Written out rather than
    socket.inet_aton, whose answer depends on the C library; the C# twin has the same rules."""
    parts = text.split('.')
    if len(parts) > 4:
        return None
    values = []
    for part in parts:
        if part[:2] in ('0x', '0X'):
            digits, base = part[2:], 16
        elif part[:1] == '0' and len(part) > 1:
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        allowed = {16: '0123456789abcdefABCDEF', 8: '01234567', 10: '0123456789'}[base]
        if not digits or any(c not in allowed for c in digits):
            return None
        values.append(int(digits, base))
    last_bits = 8 * (5 - len(values))
    if any(v > 255 for v in values[:-1]) or values[-1] >= 1 << last_bits:
        return None
    number = values[-1]
    for index, value in enumerate(values[:-1]):
        number |= value << (24 - 8 * index)
    return str(ipaddress.IPv4Address(number))


def _host_hint(text):
    """The server part of a URL or UNC path, for the message that suggests it."""
    for sep in ('\\', '/'):
        text = text.split(sep, 1)[0]
    return text.rsplit('@', 1)[-1].split(':', 1)[0] or 'files01'


def _is_ipv6(text):
    try:
        return ipaddress.ip_address(text.partition('%')[0]).version == 6
    except ValueError:
        return False


def check_connection_options(params):
    """The host to connect to; ValueError for a server, port or timeout that cannot work."""
    host = normalise_server(params['server'])
    if not 1 <= params['port'] <= 65535:
        raise ValueError('port must be between 1 and 65535, got %d' % params['port'])
    check_timeout(params['timeout'])
    return host


def check_timeout(seconds):
    """ValueError for a timeout that cannot work (every agentless module has the option)."""
    if not 0 < seconds <= MAX_TIMEOUT:
        raise ValueError('timeout must be a positive number of seconds, at most %d (one day): it bounds the whole '
                         'run, got %d' % (MAX_TIMEOUT, seconds))


def start_deadline(params):
    """The run's Deadline: ``timeout`` seconds from now, for every step that follows."""
    return Deadline(params['timeout'])


SELECTOR_LISTS = ('client', 'username', 'exclude_client', 'exclude_username')


def check_selectors(params):
    """ValueError for the first selector entry (of the options ``params`` has) that holds a control
    character or is empty after normalisation (session_rules.check_selector_entries). An empty
    list is the same as unset."""
    for key in SELECTOR_LISTS:
        if key in params:
            check_selector_entries(key, params[key])


def check_options(module):
    """Fail the module on a server, connection option or selector entry that cannot work, before
    anything is resolved or listed; returns the host to connect to."""
    try:
        host = check_connection_options(module.params)
        check_selectors(module.params)
    except ValueError as e:
        module.fail_json(msg=str(e))
    return host


KERBEROS_MISSING = (
    "auth_protocol=kerberos needs the Python gssapi library on the host that runs the module ({error}). "
    "Install it with: pip install 'pyspnego[kerberos]' (it builds gssapi against the system Kerberos: first "
    "apt-get install gcc python3-dev libkrb5-dev krb5-user on Debian/Ubuntu, or dnf install gcc python3-devel "
    "krb5-devel krb5-workstation on RHEL/Fedora; for an execution environment see the collection's bindep.txt "
    "and meta/execution-environment.yml). Or use auth_protocol=ntlm, or negotiate, which falls back to NTLM.")


def kerberos_missing():
    """The ImportError that keeps auth_protocol=kerberos from working here, or None.
    pyspnego speaks Kerberos through python-gssapi and raises a bare ImportError without it."""
    try:
        import gssapi  # noqa: F401  pylint: disable=unused-import
    except ImportError as e:
        return e
    return None


def require_smbprotocol(module):
    """Fail the module, saying how to install it, when smbprotocol is missing, or when
    auth_protocol=kerberos is asked for without the Kerberos library."""
    if not HAS_SMBPROTOCOL:
        module.fail_json(msg=missing_required_lib('smbprotocol'), exception=str(SMBPROTOCOL_IMPORT_ERROR))
    if module.params.get('auth_protocol') == 'kerberos':
        missing = kerberos_missing()
        if missing is not None:
            module.fail_json(msg=KERBEROS_MISSING.format(error=missing))


def new_client(params, host, port, timeout, deadline=None):
    """A SrvsvcClient (not yet connected) with the credentials of the module's options.
    ``deadline``: the run's time budget (deadline.Deadline); None starts one of ``timeout``
    seconds when it connects."""
    return SrvsvcClient(host, port=port, username=params['auth_username'], password=params['auth_password'],
                        auth_protocol=params['auth_protocol'], require_encryption=params['require_encryption'],
                        timeout=timeout, deadline=deadline)


def connect(module, host, deadline):
    """An open SrvsvcClient within the run's ``deadline``, or fail_json with a message that says
    what to check (the step the deadline ran out in, when it did)."""
    require_smbprotocol(module)
    if deadline.expired():
        module.fail_json(msg='The %d second timeout (it bounds the whole run) ran out before connecting to %s: '
                             'resolving the client and exclude_client names took it all. Give addresses instead of '
                             'host names, or raise timeout.' % (deadline.seconds, host))
    client = new_client(module.params, host, module.params['port'], module.params['timeout'], deadline)
    try:
        client.connect()
    except SrvsvcError as e:
        module.fail_json(msg=str(e))
    return client


class ResolutionError(ValueError):
    """A client option that cannot be used: a malformed network in CIDR form, or an exclusion
    that resolves to nothing (it would protect nothing)."""


def _is_ip_literal(text):
    try:
        ipaddress.ip_address(text.partition('%')[0])
        return True
    except ValueError:
        return False


# Client names are looked up this many at a time: a long list resolves within the deadline
# (1,000 names that each take the resolver 0.2 s took 197 s one by one) without flooding it.
RESOLVE_WORKERS = 32


def _addresses(text):
    """Addresses a host name resolves to; [] when it does not resolve."""
    try:
        infos = socket.getaddrinfo(text.rstrip('.'), None)
    except (socket.gaierror, socket.herror, UnicodeError, OSError):
        return []
    return [without_zone(normalise_client(info[4][0])) for info in infos]


def _lookup_all(texts, deadline):
    """{name: addresses} for the host names ``texts``, looked up concurrently, all within
    ``deadline`` (None: no limit); a name whose look-up had not finished by then maps to None
    (its thread is abandoned: a daemon, it cannot keep the module alive)."""
    names = list(dict.fromkeys(texts))
    if not names:
        return {}
    if deadline is None:
        return dict((name, _addresses(name)) for name in names)
    surprises = []
    found = run_with_deadlines(names, lambda name, slot: _addresses(name), min(RESOLVE_WORKERS, len(names)),
                               deadline.remaining(), timed_out=lambda name, seconds: None,
                               crashed=lambda name, error: surprises.append(error), deadline=deadline)
    if surprises:
        raise surprises[0]   # _addresses catches every resolver error: anything else is a bug to show
    return dict(zip(names, found))


def _resolve(option, names, on_unresolved, deadline=None):
    """Selector names plus every address a host name resolves to (servers report addresses).

    As the Windows twin (ClientResolution.ResolveClients) does, every entry is checked first, so
    a blank entry or a malformed network fails, naming the option, before any name is looked up;
    networks and IP literals are matched as they are, never looked up. Host names are looked up
    together, within ``deadline``; ``on_unresolved(name, timed_out)`` hears of each that gave no address.
    """
    try:
        check_selector_entries(option, names)
        validate_client_selectors(option, names)
    except ValueError as e:
        raise ResolutionError(str(e))
    for name in names or []:
        if not (normalise_client(name) or '').rstrip('.').strip():
            # Not reached past the check above; getaddrinfo('') may answer this host's own addresses.
            raise ResolutionError("%s entry '%s' is empty once its \\\\, brackets and dots are removed: "
                                  "it names no client." % (option, name))
    looked_up = _lookup_all([normalise_client(name) for name in names or [] if _is_host_name(name)], deadline)
    result = []
    for name in names or []:
        result.append(name)
        text = normalise_client(name)
        if parse_client_network(name) is not None or _is_ip_literal(text):
            continue
        addresses = looked_up.get(text, [])
        if not addresses:
            on_unresolved(name, addresses is None)
        for address in addresses or []:
            if address not in result:
                result.append(address)
    return result


def _is_host_name(name):
    text = normalise_client(name)
    return bool(text) and parse_client_network(name) is None and not _is_ip_literal(text)


def resolve_selectors(names, warn, deadline=None):
    """``client`` selectors: an unresolvable name warns and is matched only as a name; names not
    resolved within ``deadline`` get one warning together; a malformed network raises
    ResolutionError."""
    late = []

    def unresolved(name, timed_out):
        if timed_out:
            late.append(name)
        else:
            warn("client '%s' does not resolve; matching it only as a name the server might report" % name)
    result = _resolve('client', names, unresolved, deadline)
    if late:
        shown = ', '.join("'%s'" % name for name in late[:10]) + (' and %d more' % (len(late) - 10) if len(late) > 10 else '')
        warn('%d client name(s) did not resolve within the timeout (it bounds the whole run): %s; matching them only '
             'as names the server might report. Give addresses, or raise timeout.' % (len(late), shown))
    return result


def resolve_exclusions(names, deadline=None):
    """``exclude_client``: a malformed network, or an entry that resolves to nothing (or not
    within ``deadline``), raises ResolutionError, because an exclusion that matches nothing would
    let those sessions be closed."""
    def refuse(name, timed_out):
        if timed_out:
            raise ResolutionError(
                "exclude_client '%s' did not resolve within the timeout (it bounds the whole run), so it would "
                "protect nothing; nothing was closed. Give its IP address, or raise timeout." % name)
        raise ResolutionError(
            "exclude_client '%s' does not resolve to any address, so it would protect nothing; "
            "fix the name or give its IP address." % name)
    return _resolve('exclude_client', names, refuse, deadline)


def _wire_filters(clients, usernames):
    """Filters safe to send: one IPv4 client, one user. Anything else is filtered locally."""
    client = None
    if len(clients) == 1:
        try:
            if ipaddress.ip_address(normalise_client(clients[0])).version == 4:
                client = client_api_filter(clients[0])
        except ValueError:
            pass
    # No account is called ANONYMOUS LOGON: a null-session selector is matched locally only.
    user = account_part(usernames[0]) if len(usernames) == 1 and not is_null_session(usernames[0]) else None
    return client, user


def _enum(client, level, wire_client, wire_user):
    filtered = bool(wire_client or wire_user)
    try:
        entries = client.enum_sessions(level, client=wire_client, user=wire_user)
    except SrvsvcStatusError as e:
        if not (filtered and e.status in NOT_FOUND):
            raise
        entries = []  # a filtered enumeration that matched nothing
    if filtered and not entries:
        # The server compares a wire filter with its own spelling of the client and user (a NetBIOS
        # name, an IPv4-mapped address, DOMAIN\user): finding nothing proves nothing. List again
        # without filters and match locally, as the C# twin does (contract.md, "Wire filters").
        entries = client.enum_sessions(level, client=None, user=None)
    return [Session.from_wire(entry, level) for entry in entries]


def list_sessions(client, level, clients, usernames, warn=None):
    """(sessions, level used). ``level`` None picks the richest level the server serves.

    Filters are always applied again here: Samba ignores the wire filters.
    """
    wire_client, wire_user = _wire_filters(clients, usernames)
    if level == 0 and usernames:
        return _list_level_0_by_user(client, clients, usernames, wire_client, wire_user), 0
    if level is not None:
        try:
            sessions = _enum(client, level, wire_client, wire_user)
        except SrvsvcStatusError as e:
            if e.status == ERROR_INVALID_LEVEL:
                raise LevelError(level)
            raise
        return filter_sessions(sessions, clients, usernames), level
    for candidate in LEVEL_PREFERENCE:
        try:
            sessions = _enum(client, candidate, wire_client, wire_user)
        except SrvsvcStatusError as e:
            if e.status == ERROR_INVALID_LEVEL and candidate != LEVEL_PREFERENCE[-1]:
                continue
            if e.status == ERROR_ACCESS_DENIED and candidate == 502:
                # 502 needs more than the user-info right an auditor may hold; 10 needs only that.
                try:
                    sessions = _enum(client, 10, wire_client, wire_user)
                except SrvsvcStatusError:
                    raise e   # the 502 denial is what the user must fix (contract.md, 'Level choice')
                if warn:
                    warn(LEVEL_502_DENIED_WARNING)
                return filter_sessions(sessions, clients, usernames), 10
            raise
        return filter_sessions(sessions, clients, usernames), candidate


def _list_level_0_by_user(client, clients, usernames, wire_client, wire_user):
    """Level 0 has no user name to filter on: filter at a level that has one, answer as level 0."""
    try:
        try:
            sessions = _enum(client, 10, wire_client, wire_user)
        except SrvsvcStatusError as e:
            if e.status != ERROR_INVALID_LEVEL:
                raise
            sessions = _enum(client, 1, wire_client, wire_user)  # Samba: 0 and 1 only
    except SrvsvcStatusError as e:
        if e.status != ERROR_INVALID_LEVEL:
            raise   # a denial stays a denial: only 124 at 10 and at 1 is the level error
        raise LevelError(0, message=(
            'level 0 carries no user name, so the username filter needs level 10 or 1, and the server '
            'refused them (%s). Use level 1, or drop the username filter.' % e))
    return [Session(s.raw_client) for s in filter_sessions(sessions, clients, usernames)]


class LevelError(SrvsvcError):
    """The server does not serve the information level asked for (a SrvsvcError, so the modules
    catch one type)."""

    def __init__(self, level, message=None):
        super(LevelError, self).__init__(message or (
            'The server does not serve information level %d (ERROR_INVALID_LEVEL). Windows serves '
            '0, 1, 2, 10 and 502; Samba serves 0 and 1 only. Leave level unset to use the richest '
            'level the server serves.' % level))


def own_identity(client):
    """(own_client, own_username) describing the session this module itself holds."""
    own_client = [without_zone(normalise_client(client.local_address))] if client.local_address else []
    own_user = account_part(client.auth_username) if client.auth_username else None
    return own_client, own_user


def build_selection(params, client, clients, exclude_clients):
    """The planner's selection; ``clients`` / ``exclude_clients`` are already resolved."""
    own_client, own_user = own_identity(client)
    return CloseSelection(
        client=clients,
        username=params['username'],
        min_idle_seconds=params['min_idle_seconds'],
        exclude_client=exclude_clients,
        exclude_username=params['exclude_username'],
        all=params['all'],
        own_client=own_client,
        own_username=own_user,
    )


def _ends(target, session):
    """Would this target's NetrSessionDel end ``session``? (client None = user-wide,
    username None = client-wide)."""
    if target.client is not None and not clients_match(session.client, target.client):
        return False
    if target.username is not None and not usernames_match(session.username, target.username):
        return False
    return True


def _still_present(client, level, target):
    """After an ambiguous delete answer: does any session the target would end still exist?"""
    return any(_ends(target, s) for s in _enum(client, level, None, None))


def _call_result(target, **extra):
    result = dict(client=target.client, username=target.username, **extra)
    result['sessions'] = [s.to_result() for s in target.sessions]
    return result


class CloseOutcome:
    """What execute_plan did. ``failed_call`` None and ``untried`` [] when every call was made."""

    def __init__(self):
        self.closed = []
        self.vanished = []
        self.calls = []
        self.failed_call = None
        self.untried = []
        self.error = None

    @property
    def changed(self):
        return bool(self.closed)


def _is_vanished(client, level, target, e):
    """2312/2221: gone. 5 (Samba's answer when nothing matched): gone only when a fresh listing
    shows none of the target's sessions; anything else is a failure."""
    if e.status in NOT_FOUND:
        return True, None
    if e.status != ERROR_ACCESS_DENIED:
        return False, None
    try:
        return not _still_present(client, level, target), None
    except SrvsvcError as again:
        return False, 'could not list the sessions again to tell vanished from denied: %s' % again


# A NetrSessionDel whose answer never came may have been carried out: say so, never "not closed".
ANSWER_LOST = (' The server received this call and may already have closed its sessions: its answer never came. '
               'List the sessions again (smb_session_info) to see which are gone.')
CALL_NOT_SENT = ' This call was not sent: the timeout had already run out.'


def _make_call(client, level, target, outcome):
    """One planned delete: its sessions go to outcome.closed or outcome.vanished and None is
    returned, or the call failed and (status, message) is returned (status None: no answer)."""
    try:
        client.delete_session(target.raw_client, target.username)
    except SrvsvcStatusError as e:
        vanished, why = _is_vanished(client, level, target, e)
        if not vanished:
            return e.status, str(e) + ('; ' + why if why else '')
        outcome.vanished.extend(target.sessions)
    except SrvsvcTimeoutError as e:
        return None, str(e) + (ANSWER_LOST if getattr(e, 'request_sent', True) else CALL_NOT_SENT)
    except SrvsvcError as e:
        return None, str(e)
    else:
        outcome.closed.extend(target.sessions)
    return None


def execute_plan(client, plan, level, check_mode):
    """Run the planned deletes in order, stopping at the first failed call (see CloseOutcome)."""
    outcome = CloseOutcome()
    for index, target in enumerate(plan.targets):
        outcome.calls.append(target.to_result())
        if check_mode:
            outcome.closed.extend(target.sessions)
            continue
        failure = _make_call(client, level, target, outcome)
        if failure is None:
            continue
        status, message = failure
        outcome.failed_call = _call_result(target, status=status, message=message)
        outcome.untried = [_call_result(t) for t in plan.targets[index + 1:]]
        outcome.error = (
            'Closing stopped at the call for client %s, user %s: %s. %d session(s) were closed before it '
            '(closed_sessions); %d planned call(s) were not tried (untried_calls).'
            % (_shown(target.client), _shown(target.username), message, len(outcome.closed), len(outcome.untried)))
        break
    return outcome


def _shown(name):
    return '(any)' if name is None else name


def close_result(candidates, plan, level, outcome):
    gone = set(id(s) for s in outcome.closed) | set(id(s) for s in outcome.vanished)
    return dict(
        changed=outcome.changed,
        closed_sessions=[s.to_result() for s in outcome.closed],
        # 'skipped' is reserved by Ansible (a skipped task), hence the *_sessions names.
        skipped_sessions=[k.to_result() for k in plan.skipped],
        vanished_sessions=[s.to_result() for s in outcome.vanished],
        close_calls=outcome.calls,
        failed_call=outcome.failed_call,
        untried_calls=outcome.untried,
        level=level,
        diff=dict(before=dict(sessions=diff_entries(candidates)),
                  after=dict(sessions=diff_entries([s for s in candidates if id(s) not in gone]))),
    )
