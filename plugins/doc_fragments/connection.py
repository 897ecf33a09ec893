# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """SMB connection options of the agentless modules (lanman.smb.connection).

    The O(server) option is its own fragment (lanman.smb.server): smb_session_audit takes a list
    of servers instead, and a fragment cannot take an option away. ansible-test reads fragments
    as plain string literals, so each option is written once, in one of the two.
    """

    DOCUMENTATION = r'''
options:
  port:
    description:
      - TCP port of the SMB server, 1 to 65535.
    type: int
    default: 445
  auth_username:
    description:
      - Account to authenticate as, C(user), C(DOMAIN\user) or C(user@REALM).
      - Listing needs Administrators or Server Operators on the server (Samba - BUILTIN\Administrators);
        closing needs Administrators or Server Operators (Samba - root or Domain Admins).
      - Omit with O(auth_protocol=kerberos) to use the current Kerberos ticket.
      - Falls back to the E(SMB_USERNAME) environment variable.
    type: str
  auth_password:
    description:
      - Password of O(auth_username). Never logged.
      - Falls back to the E(SMB_PASSWORD) environment variable.
    type: str
  auth_protocol:
    description:
      - Authentication protocol. V(negotiate) tries Kerberos and falls back to NTLM.
      - V(kerberos) needs python-gssapi on the host that runs the module (see the requirements); without
        it the task fails saying what to install.
    type: str
    choices: [negotiate, kerberos, ntlm]
    default: negotiate
  require_encryption:
    description:
      - Encrypt the SMB traffic (SMB 3 only); the connection fails if the server cannot encrypt.
      - Messages are always signed.
    type: bool
    default: false
  timeout:
    description:
      - Seconds the whole run may take, every step together - resolving the server and the C(client)
        and C(exclude_client) names, the TCP connection, SMB negotiate, logon, opening the srvsvc pipe,
        each call and every part of its answer, and closing and logging off. From 1 to 86400 (one day).
      - A server that stops answering, or answers too slowly, at any step fails the task when the
        time is up, with a message naming the step. A close call whose answer never came is reported
        in RV(lanman.smb.smb_session#module:failed_call) with C(status) null and a message saying whether the
        server had received it - then it may already have closed those sessions; list them again to see.
    type: int
    default: 30
requirements:
  - smbprotocol >= 1.13 (with pyspnego) on the host that runs the module
  - for O(auth_protocol=kerberos), python-gssapi on that host - C(pip install 'pyspnego[kerberos]'), which
    builds against the system Kerberos (gcc and the krb5 headers, for example libkrb5-dev or krb5-devel)
'''
