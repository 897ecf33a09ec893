"""A TCP proxy on loopback in front of a real SMB server that goes silent at a chosen step.

    with StallingProxy(lab.port, stall=Stall(command=SESSION_SETUP)) as proxy:
        ... connect to 127.0.0.1:proxy.port ...

It forwards both ways, reading the client's stream as SMB2 messages (4-byte Direct TCP
length, then the SMB2 header). When the client sends the message the Stall names (an SMB2
command, the n-th time; or an SMB2 WRITE that carries a DCE/RPC request with a given opnum),
that message still reaches the server, so the server acts on it (a NetrSessionDel does close
the session), but from then on nothing the server sends reaches the client: the connection
stays open and silent, or (``trickle``) the server's bytes come one every ``trickle`` seconds.
``stalled`` is set when the stall begins. Traffic stays on 127.0.0.1.
"""
import select
import socket
import struct
import threading
import time

NEGOTIATE, SESSION_SETUP, LOGOFF, TREE_CONNECT, TREE_DISCONNECT, CREATE, CLOSE, READ, WRITE = 0, 1, 2, 3, 4, 5, 6, 8, 9
_DCERPC_REQUEST = b'\x05\x00\x00\x03\x10\x00\x00\x00'   # v5.0, request, first+last fragment, little-endian


class Stall:
    """Where the proxy goes silent: the ``occurrence``-th client message with SMB2 ``command``,
    or (``opnum`` set) the first SMB2 WRITE carrying a DCE/RPC request for that opnum."""

    def __init__(self, command=None, occurrence=1, opnum=None, trickle=None):
        self.command = command
        self.occurrence = occurrence
        self.opnum = opnum
        self.trickle = trickle
        self._seen = 0

    def matches(self, message):
        if len(message) < 16 or message[:4] != b'\xfeSMB':
            return False
        command = struct.unpack_from('<H', message, 12)[0]
        if self.opnum is not None:
            at = message.find(_DCERPC_REQUEST) if command == WRITE else -1
            return at >= 0 and len(message) >= at + 24 and struct.unpack_from('<H', message, at + 22)[0] == self.opnum
        if command != self.command:
            return False
        self._seen += 1
        return self._seen == self.occurrence


class StallingProxy:
    def __init__(self, target_port, stall, target_host='127.0.0.1'):
        self.target = (target_host, target_port)
        self.stall = stall
        self.stalled = threading.Event()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads = []
        self._socks = []

    def __enter__(self):
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._stop.set()
        for sock in [self.listener] + self._socks:
            try:
                sock.close()
            except OSError:
                pass
        for thread in self._threads:
            thread.join(5)

    def _accept(self):
        self.listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client = self.listener.accept()[0]
            except socket.timeout:
                continue
            except OSError:
                return
            server = socket.create_connection(self.target, timeout=10)
            self._socks += [client, server]
            thread = threading.Thread(target=self._relay, args=(client, server), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _relay(self, client, server):
        from_client = b''
        held = b''           # server bytes waiting to be trickled
        next_drip = 0.0
        while not self._stop.is_set():
            wait = 0.05
            try:
                readable = select.select([client, server], [], [], wait)[0]
            except (OSError, ValueError):
                return
            try:
                if client in readable:
                    data = client.recv(65536)
                    if not data:
                        return
                    from_client += data
                    while len(from_client) >= 4:
                        size = struct.unpack('>I', from_client[:4])[0]
                        if len(from_client) < 4 + size:
                            break
                        message, from_client = from_client[:4 + size], from_client[4 + size:]
                        if not self.stalled.is_set() and self.stall.matches(message[4:]):
                            self.stalled.set()
                        server.sendall(message)
                if server in readable:
                    data = server.recv(65536)
                    if not data:
                        return
                    if not self.stalled.is_set():
                        client.sendall(data)
                    elif self.stall.trickle:
                        held += data
                if held and self.stall.trickle and time.monotonic() >= next_drip:
                    client.sendall(held[:1])
                    held = held[1:]
                    next_drip = time.monotonic() + self.stall.trickle
            except OSError:
                return


class FullBacklog:
    """A loopback port whose accept queue is full and never drained: a TCP connect to it gets no
    answer to its SYN (Linux drops it), as with a host that is down behind a firewall."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        self.fillers = []
        for dummy in range(3):   # fill the queue; a connect that is not accepted just waits
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                sock.connect(('127.0.0.1', self.port))
            except BlockingIOError:
                pass
            self.fillers.append(sock)
        time.sleep(0.2)

    def close(self):
        for sock in self.fillers + [self.listener]:
            sock.close()
