"""The client's errors: one base type, status texts from one table, and no password in any message."""
import time

import pytest

from fake_srvsvc import FakeSrvsvc

from ansible_collections.lanman.smb.plugins.module_utils import agentless_module, fleet_audit, list_and_close
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import client as srvsvc_client
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcConnectionError, SrvsvcError, SrvsvcProtocolError, SrvsvcStatusError, SrvsvcTimeoutError, without_secret,
)
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import NOT_FOUND, STATUS_TEXT

PASSWORD = 'S3cret-Pw-9'


@pytest.mark.parametrize('kind', [SrvsvcStatusError, SrvsvcConnectionError, SrvsvcProtocolError, SrvsvcTimeoutError,
                                  list_and_close.LevelError])
def test_every_error_a_caller_sees_is_a_srvsvc_error(kind):
    assert issubclass(kind, SrvsvcError)


def test_protocol_and_timeout_errors_are_connection_errors():
    # execute_plan reports both as a failed call without a status, like a dropped connection
    assert issubclass(SrvsvcProtocolError, SrvsvcConnectionError)
    assert issubclass(SrvsvcTimeoutError, SrvsvcConnectionError)


def test_a_status_error_carries_the_status_and_its_text():
    e = SrvsvcStatusError(2312, 'NetrSessionDel')
    assert (e.status, e.operation) == (2312, 'NetrSessionDel')
    assert str(e) == 'NetrSessionDel failed with status 2312: ' + STATUS_TEXT[2312]
    assert str(SrvsvcStatusError(4242, 'NetrSessionEnum')).endswith('The server returned status 4242 (0x00001092).')
    assert set(NOT_FOUND) == {2221, 2312}


@pytest.mark.parametrize('secret, expected', [
    (PASSWORD, 'logon as bob with ******** failed: ********'),
    (None, 'logon as bob with %s failed: %s' % (PASSWORD, PASSWORD)),
    ('', 'logon as bob with %s failed: %s' % (PASSWORD, PASSWORD)),
])
def test_without_secret_masks_every_occurrence(secret, expected):
    assert without_secret('logon as bob with %s failed: %s' % (PASSWORD, PASSWORD), secret) == expected


def test_a_library_error_that_quotes_the_password_is_masked_by_the_client(monkeypatch):
    class Connection:
        def __init__(self, *args, **kwargs):
            pass

        def connect(self, timeout):
            raise ValueError('cannot use password %r' % PASSWORD)

        def disconnect(self):
            pass
    monkeypatch.setattr(srvsvc_client, '_Connection', Connection)
    with pytest.raises(SrvsvcConnectionError) as err:
        srvsvc_client.SrvsvcClient('files01', username='bob', password=PASSWORD).connect()
    assert PASSWORD not in str(err.value) and '********' in str(err.value)


class _Slot:
    abandoned = False

    def __init__(self):
        self.started = time.monotonic()

    def on_abort(self, callback):
        pass


_TARGET = fleet_audit.AuditTarget('files01', 'files01', 445, None, 'servers[0]')


def _audit():
    params = dict(level=None, client=None, username=None, auth_username='bob', auth_password=PASSWORD,
                  auth_protocol='ntlm', require_encryption=False, timeout=5, port=445, workers=1)
    return fleet_audit.FleetAudit(params, warn=lambda text: None)


def test_the_fleet_audit_masks_the_password_in_a_server_error(monkeypatch):
    fake = FakeSrvsvc([], connect_error=SrvsvcConnectionError('Authentication as bob/%s failed' % PASSWORD))
    monkeypatch.setattr(agentless_module, 'SrvsvcClient', fake)
    entry = _audit().audit_server(_TARGET, _Slot())
    assert entry['error'] == 'Authentication as bob/******** failed' and entry['sessions'] == []
    assert fake.log[0] == ('new', 'files01', 445, 5 + fleet_audit.CLIENT_TIMEOUT_MARGIN)


def test_the_fleet_audit_masks_the_password_in_an_unexpected_error():
    entry = _audit().crashed(_TARGET, RuntimeError('token %s' % PASSWORD))
    assert entry['error'] == 'files01 port 445: unexpected error RuntimeError: token ********'
