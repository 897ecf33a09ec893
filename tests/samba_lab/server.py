"""A private Samba file server on loopback, with users and live client sessions.

Used by the pytest suites, the demo (scripts/demo.sh), the benchmarks and molecule:

    with SambaLab(users={'alice': 'pw1', 'bob': 'pw2'}) as lab:
        handle = lab.open_session('alice')
        ... lab.port, lab.admin_user, lab.admin_password ...
        assert lab.is_connected(handle)

Everything lives in a temp directory: smb.conf bound to 127.0.0.1 on a free port, users in
nss_wrapper files (nothing touches /etc/passwd), Samba's private/state/lock/pid dirs. stop()
ends smbd AND samba-dcerpcd by the PIDs in the lab's pid directory (samba-dcerpcd outlives
smbd, and a later smbd would silently reuse a stale one) and closes every client session.
The system smbd is never touched.
"""
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

ADMIN_USER = 'smbadmin'
ADMIN_GROUP = 'smbadmins'
SHARE = 'data'
NSS_WRAPPER = next((p for p in ('/usr/lib/x86_64-linux-gnu/libnss_wrapper.so',
                                '/usr/lib/aarch64-linux-gnu/libnss_wrapper.so',
                                '/usr/lib/libnss_wrapper.so') if os.path.exists(p)), None)
SAMBA_DCERPCD = '/usr/libexec/samba/samba-dcerpcd'


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class ClientSession:
    """One real SMB session (its own TCP connection) held open by smbprotocol."""

    def __init__(self, lab, user, password, share=SHARE):
        from smbprotocol.connection import Connection
        from smbprotocol.session import Session
        from smbprotocol.tree import TreeConnect
        self.user = user
        self.connection = Connection(uuid.uuid4(), '127.0.0.1', lab.port, require_signing=True)
        self.connection.connect(timeout=10)
        self.session = Session(self.connection, user, password, require_encryption=False, auth_protocol='ntlm')
        self.session.connect()
        self.tree = TreeConnect(self.session, r'\\127.0.0.1\%s' % share)
        self.tree.connect()
        self.local_port = self.connection.transport._sock.getsockname()[1]
        # Hold a file open, like a user with a document open: the server counts it in num_opens.
        self.file = self.open_file('%s-%d.txt' % (user, self.local_port))

    def open_file(self, name):
        """Open (create) the file ``name`` on the share and hold it: num_opens grows by one."""
        from smbprotocol.open import (CreateDisposition, CreateOptions, FilePipePrinterAccessMask,
                                      ImpersonationLevel, Open, ShareAccess)
        handle = Open(self.tree, name)
        handle.create(ImpersonationLevel.Impersonation,
                      FilePipePrinterAccessMask.GENERIC_READ | FilePipePrinterAccessMask.GENERIC_WRITE,
                      0x80, ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE,
                      CreateDisposition.FILE_OVERWRITE_IF, CreateOptions.FILE_NON_DIRECTORY_FILE)
        return handle

    def alive(self):
        """Ask the server for something: a killed session fails here, not just locally."""
        from smbprotocol.tree import TreeConnect
        try:
            tree = TreeConnect(self.session, self.tree.share_name)
            tree.connect()
            tree.disconnect()
            return True
        except Exception:
            return False

    def close(self):
        try:
            self.connection.disconnect()
        except Exception:
            pass


class SambaLab:
    def __init__(self, users=None, admin_password='Adm1n-Pass!', plain_users=None, addresses=None, extra_shares=()):
        """``users``: name -> password of ordinary users that open sessions.
        ``plain_users`` is an alias kept for readability in tests.
        ``addresses``: loopback addresses (127.x.y.z) to listen on besides 127.0.0.1, so that one
        smbd can stand in for many servers (benchmarks/fleet_audit_bench.py).
        ``extra_shares``: names of more shares besides ``data``, each over its own folder
        (share-users tests put users on different shares)."""
        self.addresses = ['127.0.0.1'] + [a for a in addresses or [] if a != '127.0.0.1']
        if not all(a.startswith('127.') for a in self.addresses):
            raise ValueError('SambaLab listens on loopback only, got %s' % self.addresses)
        self.users = dict(users or {})
        self.users.update(plain_users or {})
        self.extra_shares = tuple(extra_shares)
        self.admin_user = ADMIN_USER
        self.admin_password = admin_password
        self.port = None
        self.dir = None
        self._smbd = None
        self._sessions = []

    # ------------------------------------------------------------ lifecycle
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def env(self):
        env = dict(os.environ)
        env.update({
            'LD_PRELOAD': NSS_WRAPPER,
            'NSS_WRAPPER_PASSWD': str(self.dir / 'passwd'),
            'NSS_WRAPPER_GROUP': str(self.dir / 'group'),
        })
        return env

    def _run(self, *args, stdin=None):
        proc = subprocess.run(list(args), input=stdin, env=self.env, check=False, capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError('%s failed (%d): %s %s' % (' '.join(args[:3]), proc.returncode, proc.stdout, proc.stderr))
        return proc.stdout

    def _net(self, *args):
        return self._run('net', '-s', str(self.conf), *args)

    def start(self):
        if not NSS_WRAPPER or not shutil.which('smbd'):
            raise RuntimeError('Samba lab needs smbd and libnss_wrapper (run scripts/setup.sh)')
        _become_subreaper()
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix='samba-lab-'))
        self.dir.chmod(0o755)  # users reach the share through it
        self.port = free_port()
        for sub in ('private', 'state', 'cache', 'lock', 'pid', 'ncalrpc', 'share', 'log'):
            (self.dir / sub).mkdir()
        for name in self.extra_shares:
            (self.dir / ('share-' + name)).mkdir()
            (self.dir / ('share-' + name)).chmod(0o777)
        (self.dir / 'share').chmod(0o777)
        names = [self.admin_user] + sorted(self.users)
        gid = os.getgid()
        # Every lab user maps to our own uid with a distinct name: smbd only needs the names
        # to resolve; running as root means no file permission surprises.
        with open(self.dir / 'passwd', 'w') as f:
            f.write('root:x:0:0:root:/root:/bin/sh\n')
            f.write('nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n')  # smbd's guest account
            for i, name in enumerate(names):
                f.write('%s:x:%d:%d:%s:%s:/bin/false\n' % (name, 20000 + i, gid, name, self.dir))
        with open(self.dir / 'group', 'w') as f:
            f.write('root:x:0:\nnogroup:x:65534:\n%s:x:%d:%s\n' % (ADMIN_GROUP, 30000, self.admin_user))
            f.write('smbbuiltinadmins:x:30001:\n')
        self.conf = self.dir / 'smb.conf'
        d = self.dir
        self.conf.write_text('\n'.join([
            '[global]',
            '  workgroup = LAB', '  netbios name = LANMANLAB', '  server role = standalone server',
            # An address with the loopback mask is bound as such; plain 'lo' binds 127.0.0.1 only.
            '  interfaces = %s' % ('lo' if len(self.addresses) == 1 else
                                   ' '.join(a + '/8' for a in self.addresses)),
            '  bind interfaces only = yes', '  smb ports = %d' % self.port,
            '  disable netbios = yes', '  disable spoolss = yes', '  load printers = no',
            '  printcap name = /dev/null', '  server min protocol = SMB2_02',
            '  private dir = %s/private' % d, '  state directory = %s/state' % d,
            '  cache directory = %s/cache' % d, '  lock directory = %s/lock' % d,
            '  pid directory = %s/pid' % d, '  ncalrpc dir = %s/ncalrpc' % d,
            '  log file = %s/log/log.%%m' % d, '  log level = %s' % os.environ.get('SAMBA_LAB_LOG_LEVEL', '1'), '  passdb backend = tdbsam',
            '',
            '[%s]' % SHARE, '  path = %s/share' % d, '  read only = no', '  guest ok = no', '',
        ] + ['[%s]\n  path = %s/share-%s\n  read only = no\n  guest ok = no\n' % (name, d, name)
             for name in self.extra_shares]))
        for name in names:
            password = self.admin_password if name == self.admin_user else self.users[name]
            self._run('smbpasswd', '-c', str(self.conf), '-s', '-a', name, stdin='%s\n%s\n' % (password, password))
        # Rights: NetSessEnum needs BUILTIN\Administrators, NetSessDel needs Domain Admins.
        self._net('groupmap', 'add', 'ntgroup=Domain Admins', 'rid=512', 'unixgroup=%s' % ADMIN_GROUP, 'type=domain')
        self._net('groupmap', 'add', 'sid=S-1-5-32-544', 'ntgroup=Administrators',
                  'unixgroup=smbbuiltinadmins', 'type=builtin')
        # `net groupmap list` prints "Domain Admins (S-1-5-21-...-512) -> smbadmins".
        listing = self._net('groupmap', 'list')
        domain_admins_sid = listing.split('Domain Admins (', 1)[1].split(')', 1)[0]
        self._net('groupmap', 'addmem', 'S-1-5-32-544', domain_admins_sid)
        self._smbd = subprocess.Popen(
            ['smbd', '-F', '--no-process-group', '-s', str(self.conf), '--debug-stdout'],
            env=self.env, stdout=open(self.dir / 'log' / 'smbd.out', 'w'), stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self._smbd.poll() is not None:
                raise RuntimeError('smbd exited at start: %s' % (self.dir / 'log' / 'smbd.out').read_text()[-2000:])
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError('smbd did not listen on port %d within 15 s' % self.port)

    def pids(self):
        """PIDs of this lab's smbd and samba-dcerpcd (from its pid directory)."""
        found = {}
        if self.dir is None:
            return found
        for pid_file in (self.dir / 'pid').glob('*.pid'):
            try:
                found[pid_file.stem] = int(pid_file.read_text().split()[0])
            except (ValueError, IndexError, OSError):
                pass
        if self._smbd is not None and self._smbd.poll() is None:
            found.setdefault('smbd', self._smbd.pid)
        return found

    def stop(self):
        for s in self._sessions:
            s.close()
        self._sessions = []
        pids = self.pids()
        _LAB_GROUPS.update(pids.values())   # smbd and samba-dcerpcd each lead their process group
        for name, pid in sorted(pids.items()):
            _kill_tree(pid)
        if self._smbd is not None:
            try:
                self._smbd.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._smbd.kill()
            self._smbd = None
        # A stopped lab leaves no process behind, not even a zombie. Our smbd is reaped above;
        # samba-dcerpcd (a daemon) is reaped by us as its subreaper (see start), else by init.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_exists(pid) for pid in pids.values()):
            time.sleep(0.02)
        _reap_samba_zombies()
        if self.dir is not None:
            if not os.environ.get('SAMBA_LAB_KEEP'):
                shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    # ------------------------------------------------------------ client sessions
    def add_user(self, name, password):
        """Add a user while the lab runs (nss_wrapper files are re-read per lookup)."""
        with open(self.dir / 'passwd', 'a') as f:
            f.write('%s:x:%d:%d:%s:%s:/bin/false\n' % (name, 21000 + len(self.users), os.getgid(), name, self.dir))
        self.users[name] = password
        self.touch_nss_files()
        self._run('smbpasswd', '-c', str(self.conf), '-s', '-a', name, stdin='%s\n%s\n' % (password, password))

    def touch_nss_files(self):
        """Call after editing passwd or group while the lab runs: nss_wrapper reloads a file only
        when its mtime (in whole seconds) changes, so an edit within the second smbd last read it
        would go unseen and the new user's logon would fail now and then."""
        later = time.time() + 2
        for path in (self.dir / 'passwd', self.dir / 'group'):
            os.utime(str(path), (later, later))

    def open_session(self, user, password=None, share=SHARE):
        """A live session of ``user`` connected to ``share`` (default ``data``), holding a file open."""
        if password is None:
            password = self.admin_password if user == self.admin_user else self.users[user]
        session = ClientSession(self, user, password, share=share)
        self._sessions.append(session)
        return session

    def is_connected(self, session):
        return session.alive()

    def close_session(self, session):
        session.close()
        if session in self._sessions:
            self._sessions.remove(session)


def _kill_tree(pid):
    """SIGTERM ``pid`` and, if it leads a process group (smbd started in its own session,
    with a forked child per client), the whole group; SIGKILL what is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            return
        for dummy in range(50):
            if not _running(pid):
                return
            time.sleep(0.02)


def _exists(pid):
    """True until ``pid`` is gone, zombie included; reaps it if it is ours to reap."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:   # not our child: its parent (or init) reaps it
        pass
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


_LAB_GROUPS = set()   # process groups of every lab's smbd and samba-dcerpcd in this process


def _reap_samba_zombies():
    """Reap the Samba processes that ended as our children (we are their subreaper: smbd's
    per-client children and helpers, samba-dcerpcd's rpcd_* workers), of this lab or an earlier
    one: only those, by their process group (another zombie child may belong to a
    subprocess.Popen still to be waited for)."""
    me = str(os.getpid())
    for stat in pathlib.Path('/proc').glob('[0-9]*/stat'):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, ppid, pgid = text[text.rindex(')') + 2:].split()[:3]
        if ppid == me and state == 'Z' and int(pgid) in _LAB_GROUPS:
            try:
                os.waitpid(int(stat.parent.name), os.WNOHANG)
            except ChildProcessError:
                pass


_SUBREAPER = []


def _become_subreaper():
    """Make this process the subreaper of what it starts (Linux prctl PR_SET_CHILD_SUBREAPER):
    samba-dcerpcd daemonises, so it is otherwise init's child, and init here reaps a zombie
    only every few seconds: stop() would wait that long for the process to be gone."""
    if _SUBREAPER:
        return
    _SUBREAPER.append(True)
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass   # not Linux, or no prctl: init reaps it, stop() only waits longer


def _running(pid):
    """False once ``pid`` has exited. A zombie (exited, not yet reaped: smbd is our own child
    until Popen.wait) counts as exited, or every stop would wait out both signals' full second."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ('Z', 'X')
