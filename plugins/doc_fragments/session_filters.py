# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Session selectors shared by the Windows and the agentless modules."""

    DOCUMENTATION = r'''
options:
  client:
    description:
      - Only sessions from these clients. A session matches when it comes from any of them.
      - Servers report clients as IP addresses (IPv6 without brackets in the results). Give an
        address, or a host name - a host name matches every address it resolves to on the host
        that runs the module, and the name itself. A name that does not resolve is matched only as a
        name, with a warning.
      - A leading C(\\) and brackets around IPv6 addresses are accepted and ignored; matching is
        case-insensitive. An IPv6 link-local address given without C(%zone) matches it on any interface.
      - A network in CIDR form (C(10.1.0.0/16), C(fd00::/8)) matches every client address in it,
        IPv4-mapped IPv6 addresses included. It is never resolved by DNS; a malformed one (C(10.1.0.0/33))
        fails the module.
      - An empty entry fails the task before anything is listed - C(""), only spaces, or only backslashes,
        brackets and dots (C(\\), C([]), C(.)) - and so does an entry holding a control character (a C(\a) in
        key=value arguments becomes one; quote the value or double the backslash). An empty list is the same
        as leaving the option unset. A template that may give an empty string must default to C(omit).
    type: list
    elements: str
  username:
    description:
      - Only sessions of these accounts. A session matches when it belongs to any of them.
      - Sessions report account names without a domain, so C(DOMAIN\user) and C(user@domain) match
        on the C(user) part. Matching is case-insensitive.
      - C(ANONYMOUS LOGON) (also C(NT AUTHORITY\ANONYMOUS LOGON)) selects every null (anonymous) session.
      - An entry whose account part is empty fails the task before anything is listed - C(""), only spaces,
        C('LAB\'), C(@contoso.com) - and so does an entry holding a control character (a C(\a) in key=value
        arguments becomes one; quote the value or double the backslash). An empty list is the same as leaving
        the option unset. A template that may give an empty string must default to C(omit).
    type: list
    elements: str
'''
