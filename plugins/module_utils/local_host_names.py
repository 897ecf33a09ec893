# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server option and the module's own session, for the agentless modules: whether a server
option names one SMB server (normalise_server) and the client address and account of the session
the module itself holds (own_identity).

The Windows twin is LocalHostNames.cs (LocalHost.CheckServer, LocalHost.LocalAddresses).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    account_part, control_character_message, normalise_client, without_zone,
)


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


def own_identity(client):
    """(own_client, own_username) describing the session this module itself holds."""
    own_client = [without_zone(normalise_client(client.local_address))] if client.local_address else []
    own_user = account_part(client.auth_username) if client.auth_username else None
    return own_client, own_user
