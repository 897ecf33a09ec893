# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MS-SRVS session calls (NetrSessionEnum / NetrSessionDel) over SMB.

Transport, authentication (NTLM, Kerberos), signing and SMB3 encryption come from
smbprotocol + pyspnego. The DCE/RPC bind and the NDR codec are ours (dcerpc.py, ndr.py,
messages.py), because the measured alternative, impacket, was several times slower per
enumeration against Samba (benchmarks/srvsvc_bench.py, figures in docs/benchmarks.md) and adds
tens of megabytes of dependencies (flask, ldap3, pyOpenSSL, ...) to every execution environment.

A hostile or broken server cannot hang or exhaust the controller: one Deadline (deadline.py)
bounds every step from resolving the server's name to the logoff, and a step that runs out of
it fails naming the step; an SMB message is capped in size (MAX_SMB_MESSAGE), an answer in
fragments and bytes (dcerpc.py), a listing in entries, bytes, printed text and string length
(paging.py, with the limits in messages.py).
Every failure is a SrvsvcError (errors.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import logging
import math
import socket
import struct
import threading
import uuid

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import connections, dcerpc, paging
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.deadline import Deadline, Watchdog, format_seconds
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcConnectionError, SrvsvcError, SrvsvcProtocolError, SrvsvcStatusError, SrvsvcTimeoutError, without_secret,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.messages import (
    MAX_LISTING_BYTES, MAX_LISTING_TEXT, MAX_SESSIONS, NO_PROGRESS_TEXT, OPNUM_SESSION_DEL, OPNUM_SESSION_ENUM,
    TOO_LARGE_TEXT, TOO_MANY_TEXT, TOO_MUCH_TEXT_TEXT, decode_session_enum, decode_status, encode_session_del,
    encode_session_enum,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.ndr import NdrError
# MAX_ENUM_ROUNDS is looked up here on each listing, so a test may lower it for the sessions.
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.paging import MAX_ENUM_ROUNDS, MAX_PREFERRED_LENGTH
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.spnego_import import import_spnego
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import ERROR_MORE_DATA, NERR_BUF_TOO_SMALL

try:
    import_spnego()   # before smbprotocol.session imports it, so CredSSP/TLS stay unloaded
    from smbprotocol.connection import Connection
    from smbprotocol.exceptions import SMBException
    from smbprotocol.open import (
        CreateDisposition, CreateOptions, FilePipePrinterAccessMask, ImpersonationLevel, Open, ShareAccess,
    )
    from smbprotocol.session import Session
    from smbprotocol.transport import Tcp
    from smbprotocol.tree import TreeConnect
    HAS_SMBPROTOCOL = True
    SMBPROTOCOL_IMPORT_ERROR = None
except ImportError as e:  # reported by the modules with missing_required_lib
    HAS_SMBPROTOCOL = False
    SMBPROTOCOL_IMPORT_ERROR = e
    Connection = Tcp = object   # the subclasses below are then never used

# smbprotocol logs the end of its receiver thread with a traceback, which logging's last resort
# prints to stderr when nothing is configured; the error reaches the caller as a SrvsvcError.
logging.getLogger('smbprotocol').addHandler(logging.NullHandler())

SRVSVC_INTERFACE = (uuid.UUID('4b324fc8-1670-01d3-1278-5a47bf6ee188'), 3, 0)
SESSION_TEXTS = paging.ListingTexts(NO_PROGRESS_TEXT, TOO_MANY_TEXT, TOO_LARGE_TEXT, TOO_MUCH_TEXT_TEXT)
# The answer to NetrSessionDel is 4 bytes of status; more is a broken server.
MAX_DEL_ANSWER_BYTES = 4096
# The largest SMB message accepted. The largest we ask for is a 64 KiB pipe read (plus its
# header and an SMB3 transform header); smbprotocol alone would allocate whatever 32-bit length
# a server announces (4 GiB), where SMB2 allows 16 MiB.
MAX_SMB_MESSAGE = 1024 * 1024
PIPE_READ_SIZE = 65536
# What smbprotocol's and our decoders raise on bytes that are not SMB or DCE/RPC at all
# (a short header, a missing field); such a server is broken or hostile, not unreachable.
_GARBAGE_ERRORS = (struct.error, IndexError, KeyError)

# The protocol steps, as a timeout message names them.
STEP_RESOLVE = 'resolving the server name'
STEP_TCP = 'TCP connect'
STEP_NEGOTIATE = 'SMB negotiate'
STEP_SESSION = 'session setup (logon)'
STEP_TREE = 'tree connect to IPC$'
STEP_CREATE = 'opening \\PIPE\\srvsvc'
STEP_BIND = 'srvsvc bind'
STEP_CLOSE_PIPE = 'closing \\PIPE\\srvsvc'
STEP_TREE_DISCONNECT = 'tree disconnect'
STEP_LOGOFF = 'logoff'


def _backstop(deadline):
    """A wait for smbprotocol's own timeouts that outlasts the deadline: it truncates to whole
    seconds and would otherwise give up early; the Watchdog ends the wait on time instead."""
    return int(math.ceil(deadline.remaining())) + 2


def resolve_within(host, port, deadline):
    """getaddrinfo() answers for (host, port), waiting no longer than ``deadline``; None when the
    resolver did not answer in time (the lookup goes on in a daemon thread and is dropped)."""
    box = {}
    done = threading.Event()

    def lookup():
        try:
            box['infos'] = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        except (socket.gaierror, socket.herror, UnicodeError, OSError) as e:
            box['error'] = e
        done.set()
    thread = threading.Thread(target=lookup, name='lanman-smb-resolve')
    thread.daemon = True
    thread.start()
    if not done.wait(deadline.remaining()):
        return None
    if 'error' in box:
        raise box['error']
    return box['infos']


class _BoundedTcp(Tcp):
    """smbprotocol's Tcp transport within the run's deadline and with a cap on message size.

    connect() resolves the name and connects within what is left of the deadline, with
    sub-second precision; recv() refuses a message larger than MAX_SMB_MESSAGE before
    allocating it (the refusal ends smbprotocol's receiver; the waiting step raises it).
    """

    def __init__(self, server, port, client):
        super(_BoundedTcp, self).__init__(server, port, timeout=None)
        self._client = client

    def connect(self):
        client = self._client
        deadline = client.deadline
        with self._sock_lock:
            if self.connected:
                return
            client.step = STEP_RESOLVE
            infos = resolve_within(self.server, self.port, deadline)
            if infos is None:
                raise client.timeout_error(STEP_RESOLVE)
            client.step = STEP_TCP
            self._sock = _connect_any(infos, deadline)
            if deadline.expired():
                self._sock.close()
                raise client.timeout_error(STEP_TCP)
            self._sock.settimeout(None)  # smbprotocol's receiver expects a blocking socket
            self.connected = True
        client.step = STEP_NEGOTIATE

    def recv(self, timeout):
        b_packet_size, timeout = self._recv(4, timeout)
        if not b_packet_size:
            return b''
        size = struct.unpack('>L', b_packet_size)[0]
        if size > MAX_SMB_MESSAGE:
            raise SrvsvcProtocolError(
                '%s port %s announced an SMB message of %d bytes, more than the %d this client accepts '
                '(SMB2 itself allows 16 MiB); the server is broken or hostile'
                % (self.server, self.port, size, MAX_SMB_MESSAGE))
        return self._recv(size, timeout)[0]


def _connect_any(infos, deadline):
    """A socket connected to the first address that answers, trying each in turn with what is
    left of the deadline (socket.create_connection, but against a deadline)."""
    error = None
    for family, socktype, proto, dummy, address in infos:
        remaining = deadline.remaining()
        if remaining <= 0:
            break
        sock = socket.socket(family, socktype, proto)
        try:
            sock.settimeout(remaining)
            sock.connect(address)
            return sock
        except OSError as e:
            error = e
            sock.close()
    if error is None:
        raise socket.timeout('timed out')
    raise error


class _Connection(Connection):
    """smbprotocol's Connection on a _BoundedTcp: Connection.connect() makes its own Tcp and
    assigns it to ``transport``; this property swaps in ours."""

    def __init__(self, client, *args, **kwargs):
        self._lanman_client = client
        self._lanman_transport = None
        super(_Connection, self).__init__(*args, **kwargs)

    @property
    def transport(self):
        return self._lanman_transport

    @transport.setter
    def transport(self, value):
        if value is not None and not isinstance(value, _BoundedTcp):
            value = _BoundedTcp(value.server, value.port, self._lanman_client)
        self._lanman_transport = value


class _Pipe:
    """The \\PIPE\\srvsvc named pipe as a DCE/RPC message transport.

    smbprotocol's Open.read/write wait for the answer without a time limit; here each exchange
    (every fragment of an answer) waits only for what is left of the run's deadline, so a
    server that answers every fragment just in time cannot stretch a call either.
    """

    def __init__(self, smb_open, read_size, client):
        self._open = smb_open
        self._read_size = read_size
        self._client = client

    def _exchange(self, message, unpack):
        client = self._client
        wait = client.deadline.remaining()
        if wait <= 0:
            raise client.timeout_error(client.step, sent=False)
        tree = self._open.tree_connect
        request = self._open.connection.send(message, tree.session.session_id, tree.tree_connect_id)
        if not request.response_event.wait(timeout=wait) or client.deadline.expired():
            raise client.timeout_error(client.step, sent=True)
        if request.response is None:   # the receiver ended: the connection is gone
            failure = getattr(self._open.connection, '_t_exc', None)
            if isinstance(failure, SrvsvcError):
                raise failure
            raise SrvsvcConnectionError('the server closed the connection')
        return unpack(request)

    def transceive(self, pdu):
        self._exchange(*self._open.write(pdu, 0, send=False))
        return self.read_fragment()

    def read_fragment(self):
        return self._exchange(*self._open.read(0, self._read_size, send=False))


class SrvsvcClient:
    """An authenticated SMB connection with the srvsvc interface bound.

    ``deadline`` (a deadline.Deadline) is the time budget of the whole run, every step of
    this client included; without one, connect() starts one of ``timeout`` seconds. Use as a
    context manager, or call connect(), the calls, then disconnect() (raises when the logoff
    runs out of time) or close() (best effort, never raises, never waits past the deadline).
    """

    def __init__(self, server, port=445, username=None, password=None, auth_protocol='negotiate',
                 require_encryption=False, timeout=30, deadline=None):
        if not HAS_SMBPROTOCOL:
            raise SrvsvcConnectionError('the smbprotocol Python library is required: %s' % SMBPROTOCOL_IMPORT_ERROR)
        self.server = server
        self.port = port
        self.auth_username = username
        self._password = password
        self._auth_protocol = auth_protocol
        self._require_encryption = require_encryption
        self._timeout = timeout
        self.deadline = deadline
        # SMB connection, session, IPC$ tree, srvsvc open and pipe: set by connect(), cleared by close()
        self._connection = self._session = self._tree = self._open = self._pipe = None
        self._watchdog = None
        self._call_id = 1
        self.local_address = None
        self.step = None

    # ------------------------------------------------------------ time
    def _budget(self):
        """The run's deadline; a client made without one gets one of ``timeout`` seconds."""
        if getattr(self, 'deadline', None) is None:
            self.deadline = Deadline(self._timeout)
        return self.deadline

    def timeout_error(self, step, sent=None):
        """The SrvsvcTimeoutError of ``step``. ``sent``: whether the request whose answer did
        not come was sent (None: not a call)."""
        seconds = self._budget().seconds
        error = SrvsvcTimeoutError(
            '%s: the %s second timeout ran out during %s (timeout bounds the whole run: name resolution, '
            'connecting, logging on, every call and closing). The server stopped answering or answers too '
            'slowly; raise timeout if it is merely busy.' % (self._where(), format_seconds(seconds), step))
        error.step = step
        error.request_sent = sent
        return error

    def _timed_out(self):
        watchdog = getattr(self, '_watchdog', None)
        return (watchdog is not None and watchdog.fired) or self._budget().expired()

    def abort(self):
        """Shut the connection's socket down, from any thread, without waiting: smbprotocol's
        receiver sees the connection end and releases every wait on it. close() still frees it."""
        connection = getattr(self, '_connection', None)
        sock = getattr(getattr(connection, 'transport', None), '_sock', None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @contextlib.contextmanager
    def _step(self, step, failure):
        """Run one protocol step. Past the deadline, whatever it raised becomes the timeout of
        ``step``; before it, an smbprotocol or socket error becomes SrvsvcConnectionError
        (``failure`` % the error text) and undecodable bytes SrvsvcProtocolError."""
        if self._budget().expired():
            raise self.timeout_error(step, sent=False)
        self.step = step
        try:
            yield
        except SrvsvcTimeoutError:
            raise
        except Exception as e:
            if self._timed_out():
                raise self.timeout_error(self.step or step)
            if isinstance(e, SrvsvcError):
                raise
            if isinstance(e, _GARBAGE_ERRORS):
                raise SrvsvcProtocolError(
                    'Cannot connect to SMB server %s: its answer is not valid SMB or DCE/RPC (%s: %s). Check that '
                    'the server and port are those of an SMB server.'
                    % (self._where(), type(e).__name__, _clean(e, self._password)))
            if isinstance(e, (SMBException, OSError, ValueError)):
                raise SrvsvcConnectionError(failure % _clean(e, self._password))
            raise

    # ------------------------------------------------------------ connection
    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.disconnect()
        else:
            self.close()

    def _where(self):
        return '%s port %s' % (self.server, self.port)

    def connect(self):
        """Connect, log on, open \\PIPE\\srvsvc and bind; on failure the connection is closed and
        a SrvsvcError raised (SrvsvcTimeoutError naming the step when the deadline ran out)."""
        deadline = self._budget()
        if self._watchdog is None:
            self._watchdog = Watchdog(deadline, self.abort)
        try:
            self._connect(deadline)
        except BaseException:
            self.close()
            raise

    def _connect(self, deadline):
        self._connection = _Connection(self, uuid.uuid4(), self.server, self.port, require_signing=True)
        unreachable = ('Cannot connect to SMB server %s: %%s. Check the server name, that it listens on that port '
                       '(445 by default) and that no firewall blocks it.' % self._where())
        with self._step(STEP_RESOLVE, unreachable):
            self._connection.connect(timeout=_backstop(deadline))
        logon_failed = ('Authentication to %s as %s failed (%s): %%s. Check auth_username, auth_password and '
                        'auth_protocol; require_encryption needs an SMB 3 server.'
                        % (self._where(), (self.auth_username or '(current Kerberos ticket)').replace('%', '%%'),
                           self._auth_protocol))
        with self._step(STEP_SESSION, logon_failed):
            self._session = Session(self._connection, self.auth_username, self._password,
                                    require_encryption=self._require_encryption,
                                    auth_protocol=self._auth_protocol)
            self._session.connect()
        if not self.auth_username:
            self.auth_username = getattr(self._session, 'username', None)
        no_pipe = 'Cannot open the srvsvc pipe on %s: %%s' % self._where()
        with self._step(STEP_TREE, no_pipe):
            self._tree = TreeConnect(self._session, r'\\%s\IPC$' % self.server)
            self._tree.connect()
        with self._step(STEP_CREATE, no_pipe):
            self._open = Open(self._tree, 'srvsvc')
            self._open.create(
                ImpersonationLevel.Impersonation,
                FilePipePrinterAccessMask.GENERIC_READ | FilePipePrinterAccessMask.GENERIC_WRITE,
                0, ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE,
                CreateDisposition.FILE_OPEN, CreateOptions.FILE_NON_DIRECTORY_FILE)
        read_size = min(self._connection.max_read_size, PIPE_READ_SIZE)
        self._pipe = _Pipe(self._open, read_size, self)
        sock = getattr(self._connection.transport, '_sock', None)
        if sock is not None:
            self.local_address = sock.getsockname()[0]
        bind_failed = 'srvsvc bind on %s failed: %%s' % self._where()
        with self._step(STEP_BIND, bind_failed):
            try:
                fragment = self._pipe.transceive(dcerpc.bind_pdu(SRVSVC_INTERFACE, call_id=self._next_call_id()))
                dcerpc.check_bind_ack(fragment)
            except dcerpc.RpcProtocolError as e:
                raise SrvsvcProtocolError('srvsvc bind on %s failed: %s' % (self._where(), e))
            except SrvsvcConnectionError as e:
                if isinstance(e, SrvsvcTimeoutError):
                    raise
                raise SrvsvcConnectionError(bind_failed % e)

    def disconnect(self):
        """Close the pipe, disconnect the tree and log off, within the deadline; then free the
        connection. SrvsvcTimeoutError names the step the deadline ran out in."""
        try:
            for thing, method, step in ((self._open, 'close', STEP_CLOSE_PIPE),
                                        (self._tree, 'disconnect', STEP_TREE_DISCONNECT),
                                        (self._session, 'disconnect', STEP_LOGOFF)):
                if thing is not None:
                    with self._step(step, 'Closing the connection to %s failed (%s): %%s' % (self._where(), step)):
                        getattr(thing, method)()
        finally:
            self.close()

    def close(self):
        """Free the connection, never raising and never waiting past the deadline: while time
        is left the pipe, tree and session are closed politely (the watchdog still guards
        them); once the deadline has passed the socket is just shut."""
        polite = not self._timed_out() if getattr(self, '_connection', None) is not None else False
        if polite:
            for thing, method in ((self._open, 'close'), (self._tree, 'disconnect'), (self._session, 'disconnect')):
                if thing is None or self._timed_out():
                    continue
                try:
                    getattr(thing, method)()
                except Exception:  # closing is best effort: the server may already be gone
                    pass
        if getattr(self, '_connection', None) is not None:
            self.abort()
            try:
                self._connection.disconnect(close=False)
            except Exception:
                pass
        watchdog = getattr(self, '_watchdog', None)
        if watchdog is not None:
            watchdog.stop()
        self._open = self._tree = self._session = self._connection = self._pipe = None

    def _next_call_id(self):
        self._call_id += 1
        return self._call_id

    def _call(self, opnum, stub, operation, max_bytes=dcerpc.MAX_RESPONSE_BYTES, too_large=None):
        """The stub of the answer; ``too_large``: the message when it exceeds ``max_bytes``."""
        if self._pipe is None:
            raise SrvsvcConnectionError('not connected to %s' % self._where())
        self._budget()
        self.step = operation
        try:
            return dcerpc.transact(self._pipe, opnum, stub, self._next_call_id(), max_bytes)
        except dcerpc.ResponseTooLargeError as e:
            raise SrvsvcProtocolError(too_large or '%s on %s: %s' % (operation, self._where(), e))
        except dcerpc.RpcProtocolError as e:
            error = SrvsvcProtocolError('%s on %s: %s' % (operation, self._where(), e))
            error.fault = getattr(e, 'status', None)   # a fault PDU's code (RpcFaultError)
            raise error
        except SrvsvcTimeoutError:
            raise
        except Exception as e:
            if self._timed_out():
                raise self.timeout_error(operation, sent=True)
            if isinstance(e, (SMBException, OSError, SrvsvcConnectionError)):
                raise SrvsvcConnectionError('%s on %s failed: %s' % (operation, self._where(), _clean(e, self._password)))
            if isinstance(e, _GARBAGE_ERRORS):
                raise SrvsvcProtocolError('%s on %s: the answer is not valid SMB or DCE/RPC (%s: %s)'
                                          % (operation, self._where(), type(e).__name__, _clean(e, self._password)))
            raise

    # ------------------------------------------------------------ calls
    def enum_sessions(self, level, client=None, user=None):
        """Every session at ``level``, following ERROR_MORE_DATA (and its NERR twin 2123) with the
        resume handle.

        The whole listing, every round together, must finish within the run's deadline and
        hold at most MAX_SESSIONS sessions, MAX_LISTING_BYTES of answers and MAX_LISTING_TEXT
        characters of printed names; past any bound it fails instead of growing (paging.py).
        """
        server = '\\\\' + self.server
        return paging.enum_all(self, paging.Listing(
            OPNUM_SESSION_ENUM, 'NetrSessionEnum', 'sessions', SESSION_TEXTS,
            lambda resume: encode_session_enum(server, client, user, level, MAX_PREFERRED_LENGTH, resume),
            lambda answer, max_entries, text_budget: decode_session_enum(answer, max_entries, level,
                                                                         text_budget=text_budget),
            MAX_SESSIONS, MAX_LISTING_BYTES, MAX_LISTING_TEXT, MAX_ENUM_ROUNDS,
            more=(ERROR_MORE_DATA, NERR_BUF_TOO_SMALL)))   # 2123 pages like 234, as in NetSession.cs

    def enum_connections(self, qualifier, level=1):
        """NetrConnectionEnum: the connections to the share ``qualifier`` (connections.py)."""
        return connections.enum_connections(self, qualifier, level)

    def delete_session(self, client, user):
        """NetrSessionDel. A SrvsvcTimeoutError whose ``request_sent`` is True means the server
        got the call and may have closed the sessions: its answer never came."""
        if client is None and user is None:
            raise ValueError('refusing NetrSessionDel with neither client nor user: that closes every session')
        answer = self._call(OPNUM_SESSION_DEL, encode_session_del('\\\\' + self.server, client, user),
                            'NetrSessionDel', max_bytes=MAX_DEL_ANSWER_BYTES)
        try:
            status = decode_status(answer)
        except NdrError as e:
            raise SrvsvcProtocolError('NetrSessionDel on %s: malformed answer: %s' % (self._where(), e))
        if status != 0:
            raise SrvsvcStatusError(status, 'NetrSessionDel')


def _clean(error, password):
    """Text of an exception with the password removed, whatever the library put in it."""
    return without_secret(str(error) or error.__class__.__name__, password)
