"""Files held open on a SambaLab by real SMB clients, for the open-file module tests.

    holder = FileHolder(lab, 'alice')
    held = holder.open('reports/q1.txt', locks=2)     # an smbprotocol Open, two locked ranges
    assert holder.works(held)                         # a read through the client's own handle
    ... close it with smb_open_file ...
    assert not holder.works(held)                     # the server closed that handle

Each FileHolder is its own SMB connection and session (so its own smbd process), as separate
users on separate machines would be. Paths: samba_path() is what Samba 4.17 reports for a file
(`C:` + the unix path with backslashes), unix_path() the POSIX form a user would type.
"""
import uuid

from samba_lab.server import SHARE


def unix_path(lab, relative):
    return str(lab.dir / 'share' / relative)


def samba_path(lab, relative):
    return 'C:' + unix_path(lab, relative).replace('/', '\\')


class Held(object):
    def __init__(self, relative, smb_open):
        self.relative = relative
        self.open = smb_open


class FileHolder(object):
    """One client session that holds files open (read-write, shared, with optional byte locks)."""

    def __init__(self, lab, user, password=None):
        from smbprotocol.connection import Connection
        from smbprotocol.session import Session
        from smbprotocol.tree import TreeConnect
        if password is None:
            password = lab.admin_password if user == lab.admin_user else lab.users[user]
        self.lab = lab
        self.user = user
        self.connection = Connection(uuid.uuid4(), '127.0.0.1', lab.port, require_signing=True)
        self.connection.connect(timeout=10)
        self.session = Session(self.connection, user, password, require_encryption=False, auth_protocol='ntlm')
        self.session.connect()
        self.tree = TreeConnect(self.session, r'\\127.0.0.1\%s' % SHARE)
        self.tree.connect()
        self.held = []

    def open(self, relative, locks=0):
        """Create (or truncate) share/relative with some content, keep it open, lock ``locks``
        disjoint byte ranges; directories on the way are made on disk."""
        from smbprotocol.open import (CreateDisposition, CreateOptions, FilePipePrinterAccessMask,
                                      ImpersonationLevel, LockFlags, Open, ShareAccess, SMB2LockElement)
        share = self.lab.dir / 'share'
        folder = (share / relative).parent
        folder.mkdir(parents=True, exist_ok=True)
        while folder != share:   # lab users are other uids: let them write there
            folder.chmod(0o777)
            folder = folder.parent
        smb_open = Open(self.tree, relative.replace('/', '\\'))
        smb_open.create(ImpersonationLevel.Impersonation,
                        FilePipePrinterAccessMask.GENERIC_READ | FilePipePrinterAccessMask.GENERIC_WRITE,
                        0x80, ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE | ShareAccess.FILE_SHARE_DELETE,
                        CreateDisposition.FILE_OVERWRITE_IF, CreateOptions.FILE_NON_DIRECTORY_FILE)
        smb_open.write(b'held open by %s\n' % self.user.encode(), 0)
        if locks:
            elements = []
            for index in range(locks):
                element = SMB2LockElement()
                element['offset'] = 1000 + 10 * index
                element['length'] = 5
                element['flags'] = LockFlags.SMB2_LOCKFLAG_EXCLUSIVE_LOCK | LockFlags.SMB2_LOCKFLAG_FAIL_IMMEDIATELY
                elements.append(element)
            smb_open.lock(elements)
        held = Held(relative, smb_open)
        self.held.append(held)
        return held

    def open_pipe(self, name='srvsvc'):
        """Hold a named pipe open on IPC$ (as an RPC client would)."""
        from smbprotocol.open import (CreateDisposition, CreateOptions, FilePipePrinterAccessMask,
                                      ImpersonationLevel, Open, ShareAccess)
        from smbprotocol.tree import TreeConnect
        ipc = TreeConnect(self.session, r'\\127.0.0.1\IPC$')
        ipc.connect()
        pipe = Open(ipc, name)
        pipe.create(ImpersonationLevel.Impersonation,
                    FilePipePrinterAccessMask.GENERIC_READ | FilePipePrinterAccessMask.GENERIC_WRITE,
                    0, ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE,
                    CreateDisposition.FILE_OPEN, CreateOptions.FILE_NON_DIRECTORY_FILE)
        return Held('\\PIPE\\' + name, pipe)

    def works(self, held):
        """Whether the handle still reads (the server has not closed it). Any failure but a closed
        handle is raised: a test must not read a lost connection as a closed file."""
        from smbprotocol.exceptions import FileClosed
        try:
            if held.relative.startswith('\\PIPE\\'):
                return self._pipe_works(held)
            held.open.read(0, 4)
            return True
        except FileClosed:
            return False

    def _pipe_works(self, held):
        from smbprotocol.exceptions import FileClosed, SMBResponseException
        try:
            held.open.write(b'', 0)
            return True
        except FileClosed:
            return False
        except SMBResponseException:
            return True   # the pipe answered (an empty write is not a DCE/RPC PDU): still open

    def close(self):
        try:
            self.connection.disconnect()
        except Exception:
            pass
