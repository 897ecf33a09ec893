# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agentless modules' shared glue (smb_session_info, smb_session, smb_session_audit).

The module glue only: option specs, option checks, connecting, and the close module's selection.
The modules stay thin; the rules live in one file per concern, each the twin of a C# util
(session_names.py, local_host_names.py, client_resolver.py, close_planning.py, list_and_close.py;
the name table is in docs/developer/contract.md), and the MS-SRVS client in _srvsvc/.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import (
    HAS_SMBPROTOCOL, SMBPROTOCOL_IMPORT_ERROR, SrvsvcClient,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.deadline import Deadline, MAX_TIMEOUT
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import LEVELS
from ansible_collections.lanman.smb.plugins.module_utils.close_planning import CloseSelection
from ansible_collections.lanman.smb.plugins.module_utils.local_host_names import normalise_server, own_identity
from ansible_collections.lanman.smb.plugins.module_utils.session_names import check_selector_entries

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

# The share selector of the info and close modules (not the fleet audit, which has no share option).
SHARE_SPEC = dict(
    share=dict(type='list', elements='str'),
)


def info_spec():
    spec = dict(CONNECTION_SPEC)
    spec.update(FILTER_SPEC)
    spec.update(SHARE_SPEC)
    spec['level'] = dict(type='int', choices=list(LEVELS))
    return spec


def close_spec():
    spec = dict(CONNECTION_SPEC)
    spec.update(FILTER_SPEC)
    spec.update(SHARE_SPEC)
    spec.update(
        min_idle_seconds=dict(type='int'),
        exclude_client=dict(type='list', elements='str', default=[]),
        exclude_username=dict(type='list', elements='str', default=[]),
        all=dict(type='bool', default=False),
        state=dict(type='str', default='absent', choices=['absent']),
    )
    return spec


OPEN_FILE_FILTER_SPEC = dict(
    path=dict(type='list', elements='str'),
    share=dict(type='list', elements='str'),
    username=dict(type='list', elements='str'),
    exclude_path=dict(type='list', elements='str', default=[]),
    exclude_username=dict(type='list', elements='str', default=[]),
    exclude_client=dict(type='list', elements='str', default=[]),
)


def open_file_info_spec():
    spec = dict(CONNECTION_SPEC)
    spec.update(OPEN_FILE_FILTER_SPEC)
    spec['level'] = dict(type='int', default=3, choices=[2, 3])
    return spec


def open_file_close_spec():
    spec = dict(CONNECTION_SPEC)
    spec.update(OPEN_FILE_FILTER_SPEC)
    spec.update(all=dict(type='bool', default=False), state=dict(type='str', default='absent', choices=['absent']))
    return spec


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


SELECTOR_LISTS = ('client', 'username', 'exclude_client', 'exclude_username', 'share')


def check_selectors(params):
    """ValueError for the first selector entry (of the options ``params`` has) that holds a control
    character or is empty after normalisation (session_names.check_selector_entries). An empty
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


def build_selection(params, client, clients, exclude_clients, share_connections=None):
    """The planner's selection; ``clients`` / ``exclude_clients`` are already resolved;
    ``share_connections``: share_selector.list_share_users (None: no share selector)."""
    own_client, own_user = own_identity(client)
    return CloseSelection(
        share_connections=share_connections,
        client=clients,
        username=params['username'],
        min_idle_seconds=params['min_idle_seconds'],
        exclude_client=exclude_clients,
        exclude_username=params['exclude_username'],
        all=params['all'],
        own_client=own_client,
        own_username=own_user,
    )
