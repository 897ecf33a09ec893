# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MS-SRVS session client of the agentless modules (private to this collection).

client.py      SrvsvcClient: SMB connection, the \\PIPE\\srvsvc pipe, NetrSessionEnum/Del
errors.py      SrvsvcError, the one exception type callers catch, and its kinds
status.py      the status codes the calls answer and their texts
messages.py    stub data of NetrSessionEnum/NetrSessionDel; the information levels
dcerpc.py      DCE/RPC bind, request and fragment reassembly
ndr.py         the NDR reader and writer
spnego_import.py  imports pyspnego without its CredSSP/TLS half (start-up time)

Import the submodules by their full names; this file exports nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type
