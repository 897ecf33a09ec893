"""A stand-in for SrvsvcClient that logs every call it receives.

The Python twin of the C# stand-in's call log: tests assert exactly which arguments reached
NetrSessionEnum and NetrSessionDel, because what reaches NetrSessionDel is what users lose.
"""
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcConnectionError, SrvsvcError, SrvsvcStatusError, SrvsvcTimeoutError,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import account_part, normalise_client

# The fields each level fills in (MS-SRVS SESSION_INFO_0/1/2/10/502), written out here on
# purpose rather than taken from the codec: the fake is a second, independent reading of the spec.
LEVEL_FIELDS = {
    0: ('cname',),
    1: ('cname', 'username', 'num_opens', 'time', 'idle_time', 'user_flags'),
    2: ('cname', 'username', 'num_opens', 'time', 'idle_time', 'user_flags', 'cltype_name'),
    10: ('cname', 'username', 'time', 'idle_time'),
    502: ('cname', 'username', 'num_opens', 'time', 'idle_time', 'user_flags', 'cltype_name', 'transport'),
}


def entry(cname, username, idle=100, opens=1):
    return dict(cname=cname, username=username, num_opens=opens, time=500, idle_time=idle, user_flags=0,
                cltype_name='', transport='\\Device\\NetbiosSmb')


class FakeSrvsvc:
    """Live sessions a delete really removes; answers scripted per level / per delete number.

    ``honour_filters`` False behaves like Samba (wire filters ignored).
    ``enum_status``: level -> status the enumeration answers at that level (or a SrvsvcError
    to raise, e.g. a timeout).
    ``connect_error``: a SrvsvcError that connect() raises.
    ``delete_status``: 1-based delete number -> status (or ``'connection'`` for a dropped line,
    ``'timeout'`` for an answer that never came after the server closed the sessions).
    ``disconnect_error``: a SrvsvcError that disconnect() (the logoff) raises.
    ``vanish_before``: 1-based delete numbers whose target logs off just before the call lands.
    """

    def __init__(self, sessions, enum_status=None, delete_status=None, vanish_before=(), honour_filters=False,
                 local_address='10.9.9.9', auth_username='svc-admin', connect_error=None, disconnect_error=None):
        self.live = list(sessions)
        self.enum_status = dict(enum_status or {})
        self.delete_status = dict(delete_status or {})
        self.vanish_before = set(vanish_before)
        self.honour_filters = honour_filters
        self.local_address = local_address
        self.auth_username = auth_username
        self.log = []
        self.connected = False
        self.deletes = 0
        self.connect_error = connect_error
        self.disconnect_error = disconnect_error
        self.deadline = None

    # SrvsvcClient's constructor signature, so the fake can replace the class itself.
    def __call__(self, server, port=445, username=None, password=None, auth_protocol='negotiate',
                 require_encryption=False, timeout=30, deadline=None):
        self.log.append(('new', server, port, timeout))
        self.deadline = deadline
        return self

    def connect(self):
        self.log.append(('connect',))
        if self.connect_error is not None:
            raise self.connect_error
        self.connected = True

    def close(self):
        self.connected = False

    def abort(self):
        self.log.append(('abort',))

    def disconnect(self):
        self.log.append(('disconnect',))
        self.connected = False
        if self.disconnect_error is not None:
            raise self.disconnect_error

    def _matches(self, e, client, user):
        if client is not None and normalise_client(e['cname']).lower() != normalise_client(client).lower():
            return False
        if user is not None and (e['username'] or '').lower() != account_part(user).lower():
            return False
        return True

    def enum_sessions(self, level, client=None, user=None):
        self.log.append(('enum', level, client, user))
        status = self.enum_status.get(level)
        if isinstance(status, SrvsvcError):
            raise status
        if status:
            raise SrvsvcStatusError(status, 'NetrSessionEnum')
        rows = [e for e in self.live if not self.honour_filters or self._matches(e, client, user)]
        return [dict((k, e[k] if k in LEVEL_FIELDS[level] else None) for k in e) for e in rows]

    def delete_session(self, client, user):
        self.log.append(('del', client, user))
        self.deletes += 1
        if self.deletes in self.vanish_before:
            self.live = [e for e in self.live if not self._matches(e, client, user)]
        status = self.delete_status.get(self.deletes)
        if status == 'connection':
            raise SrvsvcConnectionError('NetrSessionDel on files01 port 445 failed: connection reset')
        if status == 'timeout':   # the server carried the call out; its answer was lost
            self.live = [e for e in self.live if not self._matches(e, client, user)]
            error = SrvsvcTimeoutError('files01 port 445: the 1 second timeout ran out during NetrSessionDel')
            error.request_sent = True
            raise error
        if status:
            raise SrvsvcStatusError(status, 'NetrSessionDel')
        gone = [e for e in self.live if self._matches(e, client, user)]
        if not gone:
            raise SrvsvcStatusError(2312, 'NetrSessionDel')
        self.live = [e for e in self.live if e not in gone]

    def calls(self, kind):
        return [c[1:] for c in self.log if c[0] == kind]


def open_file(file_id, path, username='bob', permissions=3, num_locks=0):
    return dict(id=file_id, pathname=path, username=username, permissions=permissions, num_locks=num_locks)


class FakeFileServer:
    """A stand-in for file_calls.FileCalls: open files a close really removes, with a call log.

    ``get_info``: True answers NetrFileGetInfo as Windows does; False as Samba 4.17 (not served).
    ``close_status``: 1-based close number -> status (or ``'timeout'``: the server closed the file,
    its answer was lost). ``before_close``: 1-based close number -> a function run on ``files``
    just before that close lands (another client closes or reopens a file).
    ``shares``: name -> (type, path); a name not in it is unknown.
    """

    def __init__(self, files, sessions=(), get_info=True, close_status=None, before_close=None, shares=None,
                 auth_username='svc-admin', enum_status=None):
        self.files = list(files)
        self.sessions = list(sessions)
        self.get_info = get_info
        self.close_status = dict(close_status or {})
        self.before_close = dict(before_close or {})
        self.shares = dict(shares or {})
        self.auth_username = auth_username
        self.enum_status = enum_status
        self.log = []
        self.closes = 0

    def enum_files(self, level):
        self.log.append(('enum_files', level))
        if self.enum_status:
            raise SrvsvcStatusError(self.enum_status, 'NetrFileEnum')
        return [dict(f) if level == 3 else dict(id=f['id'], pathname=None, username=None, permissions=None,
                                                num_locks=None) for f in self.files]

    def file_info(self, file_id):
        self.log.append(('file_info', file_id))
        if not self.get_info:
            return False, None
        found = [f for f in self.files if f['id'] == file_id]
        return True, (dict(found[0]) if found else None)

    def close_file(self, file_id):
        self.closes += 1
        self.log.append(('close_file', file_id))
        if self.closes in self.before_close:
            self.before_close[self.closes](self.files)
        status = self.close_status.get(self.closes)
        if status == 'timeout':
            self.files = [f for f in self.files if f['id'] != file_id]
            error = SrvsvcTimeoutError('files01 port 445: the 1 second timeout ran out during NetrFileClose')
            error.request_sent = True
            raise error
        if status:
            raise SrvsvcStatusError(status, 'NetrFileClose')
        if not any(f['id'] == file_id for f in self.files):
            return False
        self.files = [f for f in self.files if f['id'] != file_id]
        return True

    def share_info(self, share):
        self.log.append(('share_info', share))
        if share not in self.shares:
            return False, None, None
        share_type, path = self.shares[share]
        return True, share_type, path

    def enum_sessions(self, level, client=None, user=None):
        self.log.append(('enum', level, client, user))
        return [dict((k, e[k] if k in LEVEL_FIELDS[level] else None) for k in e) for e in self.sessions]

    def calls(self, kind):
        return [c[1:] for c in self.log if c[0] == kind]
