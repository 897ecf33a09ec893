# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The O(server) option of the agentless modules that talk to one server (lanman.smb.server)."""

    DOCUMENTATION = r'''
options:
  server:
    description:
      - Host name or address of the SMB server whose sessions are listed or closed.
      - The module connects from wherever it runs (usually the controller with C(delegate_to=localhost))
        to this server over SMB and calls MS-SRVS on its C(\PIPE\srvsvc).
      - Also accepted - a UNC prefix (C(\\files01), C(//files01)), an IPv6 address in brackets (C([fd00::5])),
        a trailing dot (C(files01.example.com.)).
      - Rejected before connecting, with a message naming the form to give - a port (C(files01:4445), give it
        in O(port)), a URL (C(smb://files01)), a share or path (C(\\files01\share)), an empty name.
      - Also rejected, because they name no single server - a wildcard (C(*), C(?)), the unspecified address
        (C(0.0.0.0), C(::)), the broadcast address, a multicast address, and a numeric shorthand that resolvers
        read as an IPv4 address (C(127.1), C(0x7f.1), C(2130706433), C(010.0.0.1)); and a value holding a
        control character. Loopback (C(127.0.0.1), C(::1)) is a real server.
    type: str
    required: true
'''
