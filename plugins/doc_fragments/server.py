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
    type: str
    required: true
'''
