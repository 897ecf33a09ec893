# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MS-SRVS session calls (NetrSessionEnum / NetrSessionDel) over SMB.

Transport, authentication (NTLM, Kerberos), signing and SMB3 encryption come from
smbprotocol + pyspnego. The DCE/RPC bind and the NDR codec are ours (dcerpc.py, ndr.py,
messages.py), because the measured alternative, impacket, was several times slower per
enumeration against Samba (benchmarks/srvsvc_bench.py, figures in docs/benchmarks.md) and adds
tens of megabytes of dependencies (flask, ldap3, pyOpenSSL, ...) to every execution environment.

A hostile or broken server cannot hang or exhaust the controller: every answer waits at most
``timeout``, a whole listing (all its rounds) finishes within ``timeout``, an answer is capped
in fragments and bytes (dcerpc.py) and a listing in sessions (messages.MAX_SESSIONS). Every
failure is a SrvsvcError (errors.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import struct
import time
import uuid

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import dcerpc
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcConnectionError, SrvsvcProtocolError, SrvsvcStatusError, SrvsvcTimeoutError, without_secret,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import (
    MAX_SESSIONS, OPNUM_SESSION_DEL, OPNUM_SESSION_ENUM, TooManyEntriesError, decode_session_enum, decode_status,
    encode_session_del, encode_session_enum,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrError
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.spnego_import import import_spnego
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import ERROR_MORE_DATA

try:
    import_spnego()   # before smbprotocol.session imports it, so CredSSP/TLS stay unloaded
    from smbprotocol.connection import Connection
    from smbprotocol.exceptions import SMBAuthenticationError, SMBException, SMBResponseException
    from smbprotocol.open import (
        CreateDisposition, CreateOptions, FilePipePrinterAccessMask, ImpersonationLevel, Open, ShareAccess,
    )
    from smbprotocol.session import Session
    from smbprotocol.tree import TreeConnect
    HAS_SMBPROTOCOL = True
    SMBPROTOCOL_IMPORT_ERROR = None
except ImportError as e:  # reported by the modules with missing_required_lib
    HAS_SMBPROTOCOL = False
    SMBPROTOCOL_IMPORT_ERROR = e

SRVSVC_INTERFACE = (uuid.UUID('4b324fc8-1670-01d3-1278-5a47bf6ee188'), 3, 0)
MAX_PREFERRED_LENGTH = 0xFFFFFFFF   # "as much as you have": the server picks the round size
# Each round must return at least one entry; this caps a server that keeps saying "more".
# (MAX_SESSIONS and the listing's time budget usually stop such a server first.)
MAX_ENUM_ROUNDS = 100000
# What smbprotocol's and our decoders raise on bytes that are not SMB or DCE/RPC at all
# (a short header, a missing field); such a server is broken or hostile, not unreachable.
_GARBAGE_ERRORS = (struct.error, IndexError, KeyError)


class _Pipe:
    """The \\PIPE\\srvsvc named pipe as a DCE/RPC message transport.

    smbprotocol's Open.read/write wait for the answer without a time limit; a server that
    stops answering must not hang the module, so each exchange waits at most ``timeout``, and
    never past ``deadline`` (a time.monotonic() value) when one is set: a server that answers
    every fragment just in time must not stretch one call to fragments x timeout.
    """

    def __init__(self, smb_open, read_size, timeout):
        self._open = smb_open
        self._read_size = read_size
        self._timeout = timeout
        self.deadline = None

    def _exchange(self, message, unpack):
        wait = self._timeout
        if self.deadline is not None:
            wait = min(wait, self.deadline - time.monotonic())
            if wait <= 0:
                raise SrvsvcTimeoutError('the %s second timeout ran out while the server was still answering' % self._timeout)
        tree = self._open.tree_connect
        request = self._open.connection.send(message, tree.session.session_id, tree.tree_connect_id)
        if not request.response_event.wait(timeout=wait):
            raise SrvsvcTimeoutError('the server did not answer within %s seconds' % self._timeout)
        return unpack(request)

    def transceive(self, pdu):
        self._exchange(*self._open.write(pdu, 0, send=False))
        return self.read_fragment()

    def read_fragment(self):
        return self._exchange(*self._open.read(0, self._read_size, send=False))


class SrvsvcClient:
    """An authenticated SMB connection with the srvsvc interface bound.

    Use as a context manager; ``close()`` is idempotent and never raises.
    """

    def __init__(self, server, port=445, username=None, password=None, auth_protocol='negotiate',
                 require_encryption=False, timeout=30):
        if not HAS_SMBPROTOCOL:
            raise SrvsvcConnectionError('the smbprotocol Python library is required: %s' % SMBPROTOCOL_IMPORT_ERROR)
        self.server = server
        self.port = port
        self.auth_username = username
        self._password = password
        self._auth_protocol = auth_protocol
        self._require_encryption = require_encryption
        self._timeout = timeout
        # SMB connection, session, IPC$ tree, srvsvc open and pipe: set by connect(), cleared by close()
        self._connection = self._session = self._tree = self._open = self._pipe = None
        self._call_id = 1
        self.local_address = None

    # ------------------------------------------------------------ connection
    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, *exc):
        self.close()

    def _where(self):
        return '%s port %s' % (self.server, self.port)

    def connect(self):
        try:
            self._connect()
        except _GARBAGE_ERRORS as e:
            self.close()
            raise SrvsvcProtocolError(
                'Cannot connect to SMB server %s: its answer is not valid SMB or DCE/RPC (%s: %s). Check that '
                'the server and port are those of an SMB server.'
                % (self._where(), type(e).__name__, _clean(e, self._password)))

    def _connect(self):
        try:
            self._connection = Connection(uuid.uuid4(), self.server, self.port, require_signing=True)
            self._connection.connect(timeout=self._timeout)
        except (OSError, socket.error, ValueError, SMBException) as e:
            self.close()
            raise SrvsvcConnectionError(
                'Cannot connect to SMB server %s: %s. Check the server name, that it listens on '
                'that port (445 by default) and that no firewall blocks it.' % (self._where(), _clean(e, self._password)))
        try:
            self._session = Session(self._connection, self.auth_username, self._password,
                                    require_encryption=self._require_encryption,
                                    auth_protocol=self._auth_protocol)
            self._session.connect()
        except (SMBAuthenticationError, SMBResponseException, SMBException, ValueError, OSError) as e:
            self.close()
            raise SrvsvcConnectionError(
                'Authentication to %s as %s failed (%s): %s. Check auth_username, auth_password and '
                'auth_protocol; require_encryption needs an SMB 3 server.'
                % (self._where(), self.auth_username or '(current Kerberos ticket)', self._auth_protocol,
                   _clean(e, self._password)))
        if not self.auth_username:
            self.auth_username = getattr(self._session, 'username', None)
        try:
            self._tree = TreeConnect(self._session, r'\\%s\IPC$' % self.server)
            self._tree.connect()
            self._open = Open(self._tree, 'srvsvc')
            self._open.create(
                ImpersonationLevel.Impersonation,
                FilePipePrinterAccessMask.GENERIC_READ | FilePipePrinterAccessMask.GENERIC_WRITE,
                0, ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE,
                CreateDisposition.FILE_OPEN, CreateOptions.FILE_NON_DIRECTORY_FILE)
        except (SMBException, OSError, ValueError) as e:
            self.close()
            raise SrvsvcConnectionError('Cannot open the srvsvc pipe on %s: %s'
                                        % (self._where(), _clean(e, self._password)))
        read_size = min(self._connection.max_read_size, 65536)
        self._pipe = _Pipe(self._open, read_size, self._timeout)
        sock = getattr(self._connection.transport, '_sock', None)
        if sock is not None:
            self.local_address = sock.getsockname()[0]
        try:
            fragment = self._pipe.transceive(dcerpc.bind_pdu(SRVSVC_INTERFACE, call_id=self._next_call_id()))
            dcerpc.check_bind_ack(fragment)
        except dcerpc.RpcProtocolError as e:
            self.close()
            raise SrvsvcProtocolError('srvsvc bind on %s failed: %s' % (self._where(), e))
        except (SMBException, OSError, SrvsvcConnectionError) as e:
            self.close()
            raise SrvsvcConnectionError('srvsvc bind on %s failed: %s' % (self._where(), _clean(e, self._password)))

    def close(self):
        for thing, method in ((self._open, 'close'), (self._tree, 'disconnect'),
                              (self._session, 'disconnect'), (self._connection, 'disconnect')):
            if thing is None:
                continue
            try:
                getattr(thing, method)()
            except Exception:  # closing is best effort: the server may already be gone
                pass
        self._open = self._tree = self._session = self._connection = self._pipe = None

    def _next_call_id(self):
        self._call_id += 1
        return self._call_id

    def _call(self, opnum, stub, operation):
        if self._pipe is None:
            raise SrvsvcConnectionError('not connected to %s' % self._where())
        try:
            return dcerpc.transact(self._pipe, opnum, stub, self._next_call_id())
        except dcerpc.RpcProtocolError as e:
            raise SrvsvcProtocolError('%s on %s: %s' % (operation, self._where(), e))
        except SrvsvcTimeoutError as e:
            raise SrvsvcTimeoutError('%s on %s failed: %s' % (operation, self._where(), e))
        except (SMBException, OSError, SrvsvcConnectionError) as e:
            raise SrvsvcConnectionError('%s on %s failed: %s' % (operation, self._where(), _clean(e, self._password)))
        except _GARBAGE_ERRORS as e:
            raise SrvsvcProtocolError('%s on %s: the answer is not valid SMB or DCE/RPC (%s: %s)'
                                      % (operation, self._where(), type(e).__name__, _clean(e, self._password)))

    # ------------------------------------------------------------ calls
    def enum_sessions(self, level, client=None, user=None):
        """Every session at ``level``, following ERROR_MORE_DATA with the resume handle.

        The whole listing, every round together, must finish within ``timeout`` and hold at
        most MAX_SESSIONS sessions; past either bound it fails instead of growing.
        """
        deadline = time.monotonic() + self._timeout
        pipe = getattr(self, '_pipe', None)
        if pipe is not None:
            pipe.deadline = deadline
        try:
            return self._enum_rounds(level, client, user, deadline)
        finally:
            if pipe is not None:
                pipe.deadline = None

    def _enum_rounds(self, level, client, user, deadline):
        server = '\\\\' + self.server
        entries = []
        resume = 0
        seen_handles = set()
        for rounds in range(MAX_ENUM_ROUNDS):
            if rounds and time.monotonic() >= deadline:
                raise self._listing_too_slow(rounds, len(entries))
            stub = encode_session_enum(server, client, user, level, MAX_PREFERRED_LENGTH, resume)
            try:
                answer = self._call(OPNUM_SESSION_ENUM, stub, 'NetrSessionEnum')
            except SrvsvcTimeoutError:
                if rounds and time.monotonic() >= deadline:
                    raise self._listing_too_slow(rounds, len(entries))
                raise
            try:
                batch, _total, next_resume, status = decode_session_enum(answer, MAX_SESSIONS - len(entries), level)
            except TooManyEntriesError as e:
                raise SrvsvcProtocolError(
                    'NetrSessionEnum on %s: refusing the answer: %s; at most %d sessions are accepted in one '
                    'listing (more than any real server holds), so the server is broken or hostile'
                    % (self._where(), e, MAX_SESSIONS))
            except NdrError as e:
                raise SrvsvcProtocolError('NetrSessionEnum on %s: malformed answer: %s' % (self._where(), e))
            if status not in (0, ERROR_MORE_DATA):
                raise SrvsvcStatusError(status, 'NetrSessionEnum')
            entries.extend(batch)
            if status == 0:
                return entries
            if not batch or not next_resume or next_resume in seen_handles:
                raise SrvsvcProtocolError(
                    'NetrSessionEnum on %s: the server reported more data without making progress '
                    '(resume handle %r); stopping instead of looping' % (self._where(), next_resume))
            seen_handles.add(next_resume)
            resume = next_resume
        raise SrvsvcProtocolError('NetrSessionEnum on %s: more than %d rounds' % (self._where(), MAX_ENUM_ROUNDS))

    def _listing_too_slow(self, rounds, count):
        return SrvsvcTimeoutError(
            'NetrSessionEnum on %s: the listing did not finish within the %s second timeout (%d rounds, %d '
            'sessions received so far); the server answers too slowly or keeps reporting more data. '
            'Raise timeout if the server is merely busy.' % (self._where(), self._timeout, rounds, count))

    def delete_session(self, client, user):
        if client is None and user is None:
            raise ValueError('refusing NetrSessionDel with neither client nor user: that closes every session')
        answer = self._call(OPNUM_SESSION_DEL, encode_session_del('\\\\' + self.server, client, user),
                            'NetrSessionDel')
        try:
            status = decode_status(answer)
        except NdrError as e:
            raise SrvsvcProtocolError('NetrSessionDel on %s: malformed answer: %s' % (self._where(), e))
        if status != 0:
            raise SrvsvcStatusError(status, 'NetrSessionDel')


def _clean(error, password):
    """Text of an exception with the password removed, whatever the library put in it."""
    return without_secret(str(error) or error.__class__.__name__, password)
