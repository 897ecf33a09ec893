# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client selectors resolved to the addresses servers report, for the agentless modules: an
unresolvable client warns, an unresolvable exclude_client fails.

The Windows twin is ClientResolver.cs (ClientResolution.ResolveClients).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import socket

from ansible_collections.lanman.smb.plugins.module_utils.deadline_pool import run_with_deadlines
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    check_selector_entries, normalise_client, parse_client_network, validate_client_selectors, without_zone,
)


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


def host_addresses(text):
    """Addresses a host name resolves to, as servers report clients (normalised, no %zone); []
    when it does not resolve. The one lookup of client names: module options and policy alike."""
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
        return dict((name, host_addresses(name)) for name in names)
    surprises = []
    found = run_with_deadlines(names, lambda name, slot: host_addresses(name), min(RESOLVE_WORKERS, len(names)),
                               deadline.remaining(), timed_out=lambda name, seconds: None,
                               crashed=lambda name, error: surprises.append(error), deadline=deadline)
    if surprises:
        raise surprises[0]   # host_addresses catches every resolver error: anything else is a bug to show
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
