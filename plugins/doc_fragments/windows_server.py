# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The O(server) option of the Windows modules (lanman.smb.windows_server): optional, the
    target itself by default. The agentless twin's O(server) is lanman.smb.server."""

    DOCUMENTATION = r'''
options:
  server:
    description:
      - The server whose sessions are listed or closed, as a name or address. Default - the target itself.
      - Unset, C(""), C(.), C(localhost), a loopback address, the target's own name, its FQDN (with
        or without a trailing dot) and any of its addresses all mean the target itself - the API is
        called without a server name.
      - Another server is reached from the target, and WinRM's double hop applies - with NTLM,
        Basic, or Kerberos without delegation your credentials do not travel on to a second
        machine, and the call fails with access denied (5) or "no such logon session" (1312).
        Use C(become=true) with C(become_method=runas),
        C(become_flags=logon_type=new_credentials logon_flags=netcredentials_only) and an explicit
        C(become_user) and C(become_password) of an account that may list sessions on that server
        (or C(become) with a domain account and its C(become_password)) - become without a password
        logs on with S4U, which has no network credentials. CredSSP or Kerberos delegation also
        work; or target that server directly.
      - An IPv6 address (V(fd00::5), V([fd00::5]), V(fe80::1%4)) is called by the name Windows
        gives it for UNC paths (V(fd00--5.ipv6-literal.net), V(fe80--1s4.ipv6-literal.net)),
        which Windows resolves without DNS; a zone must be the interface number.
      - Rejected before anything is listed, because they name no single server - a wildcard (C(*), C(?)), the
        unspecified address (C(0.0.0.0), C(::)), the broadcast address, a multicast address, and a numeric
        shorthand that resolvers read as an IPv4 address (C(127.1), C(0x7f.1), C(2130706433), C(010.0.0.1));
        and a value holding a control character.
    type: str
'''
