"""smb_session_audit's open_files option (fleet_audit.py): off by default, refused with session
filters, a refused file listing keeps the server's sessions, counts and duplicates."""
import pytest

from ansible_collections.lanman.smb.plugins.module_utils import fleet_audit
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcError
from ansible_collections.lanman.smb.plugins.module_utils.fleet_audit import (
    OPEN_FILES_WITH_FILTERS, AuditInputError, FleetAudit, audit_spec, check_options, expand_duplicates,
    parse_servers, summarise,
)
from ansible_collections.lanman.smb.plugins.module_utils.open_file_rules import OpenFileInfo
from ansible_collections.lanman.smb.plugins.module_utils.session_names import SessionInfo

PASSWORD = 'S3cret-Pw!'


def params(**extra):
    data = dict((key, spec.get('default')) for key, spec in audit_spec().items())
    data.update(servers=['fs1'], auth_username='audit', auth_password=PASSWORD, client=[], username=[])
    data.update(extra)
    return data


class Client(object):
    auth_username = 'audit'


def test_open_files_is_off_by_default():
    assert audit_spec()['open_files'] == {'type': 'bool', 'default': False}


@pytest.mark.parametrize('extra', [{'username': ['alice']}, {'client': ['10.0.0.5']}])
def test_open_files_with_a_session_filter_fails_before_any_server_is_contacted(extra):
    with pytest.raises(AuditInputError) as err:
        check_options(params(open_files=True, **extra))
    assert str(err.value) == OPEN_FILES_WITH_FILTERS
    check_options(params(**extra))            # the filters alone are fine
    check_options(params(open_files=True))    # and so is open_files alone


def test_a_refused_file_listing_is_the_files_error_without_the_password(monkeypatch):
    def refuse(api, level):
        raise SrvsvcError('NetrFileEnum as audit (password %s) failed with status 5: access denied' % PASSWORD)
    monkeypatch.setattr(fleet_audit, 'list_files', refuse)
    files, error = FleetAudit(params(open_files=True), None)._open_files(Client(), [])
    assert files is None
    assert error.startswith('NetrFileEnum as audit') and PASSWORD not in error


def test_listed_files_are_joined_to_the_sessions_and_the_own_pipe_left_out(monkeypatch):
    listing = [OpenFileInfo(9, '\\PIPE\\srvsvc', 'audit', 3, 0), OpenFileInfo(4, 'D:\\Data\\a.txt', 'CORP\\alice', 1, 0),
               OpenFileInfo(7, '\\PIPE\\lsarpc', 'bob', 3, 0)]

    def listed(api, level):
        # list_files takes the open-file calls on the client (file_calls.FileCalls), not the client
        assert (type(api).__name__, api.client, level) == ('FileCalls', client, 3)
        return listing
    client = Client()
    monkeypatch.setattr(fleet_audit, 'list_files', listed)
    sessions = [SessionInfo('\\\\10.0.0.5', 'alice'), SessionInfo('\\\\10.0.0.6', 'bob'),
                SessionInfo('\\\\10.0.0.7', 'bob')]
    files, error = FleetAudit(params(open_files=True), None)._open_files(client, sessions)
    assert error is None
    shown = [f.to_result() for f in files]
    assert [(f['id'], f['client'], f['clients'], f['is_pipe']) for f in shown] == [
        (4, '10.0.0.5', ['10.0.0.5'], False), (7, None, ['10.0.0.6', '10.0.0.7'], True)]


def test_counts_and_duplicates_carry_no_open_files_twice():
    targets = parse_servers([{'server': 'a', 'name': 'A'}, {'server': 'A.', 'name': 'A2'}], 445)
    listed = [{'name': 'A', 'server': 'a', 'port': 445, 'sessions': [], 'error': None, 'level': 1, 'warnings': [],
               'duplicate_of': None, 'open_files': [{'id': 1}, {'id': 2}], 'open_files_error': None}]
    entries = expand_duplicates(targets, listed)
    assert (entries[1]['open_files'], entries[1]['open_files_error']) == (None, None)
    assert summarise(entries)['open_files'] == 2
    assert summarise([dict(entries[1], open_files=None)])['open_files'] == 0
