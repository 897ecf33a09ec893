# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Attribute support of the collection's modules, one variable per kind of module (as
    community.general.attributes does), so each support statement is written once. Use with
    ansible.builtin.action_common_attributes, which describes the attributes."""

    # Modules that only read: check mode runs them as usual.
    INFO = r'''
attributes:
  check_mode:
    support: full
    details: The module changes nothing, so check mode lists as usual.
  diff_mode:
    support: none
'''

    # Modules that close sessions: check mode plans and closes nothing; diff lists the sessions.
    CLOSE = r'''
attributes:
  check_mode:
    support: full
    details: In check mode no session is closed; the result says which sessions would be.
  diff_mode:
    support: full
    details: The diff lists the sessions that match O(client) and O(username), as C(user@client)
      lines, before and after the close.
'''

    # Modules that close open files: check mode plans and closes nothing; diff lists the files.
    FILE_CLOSE = r'''
attributes:
  check_mode:
    support: full
    details: In check mode no file is closed (nothing is even read again); the result says which files would be.
  diff_mode:
    support: full
    details: The diff lists the files selected to close, as C(id path) lines, before and after the close.
'''

    # Agentless modules: Python on the controller or any POSIX host that reaches the server.
    POSIX = r'''
attributes:
  platform:
    platforms: posix
'''

    # Modules that run on the Windows target over WinRM or PSRP.
    WINDOWS = r'''
attributes:
  platform:
    platforms: windows
'''
