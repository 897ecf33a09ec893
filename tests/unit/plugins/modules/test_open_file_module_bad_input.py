"""Bad input to the agentless open-file modules and to the session modules' `share` option fails
before any connection, in both check modes (moved from the Samba end-to-end tests, which paid a
module process through Ansible for each: the rule is the module's, not the server's)."""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from module_runs import run_in_process  # noqa: E402  (tests/, on the path through tests/conftest.py)

from ansible_collections.lanman.smb.plugins.module_utils import client_resolver  # noqa: E402
from ansible_collections.lanman.smb.plugins.modules import smb_open_file, smb_open_file_info, smb_session  # noqa: E402

PASSWORD = 'S3cret-Pw-for-the-log'


class NeverConnected(object):
    """A SrvsvcClient that must never be made: bad input fails before any connection."""
    made = []

    def __init__(self, *args, **kwargs):
        NeverConnected.made.append(args)
        raise AssertionError('a client was made for bad input')


BAD_INPUT = [
    (smb_open_file, dict(), 'Select what to close: give path, share or username, or set all: true'),
    (smb_open_file, dict(path=['/']), "path[0] '/' is a whole volume"),
    (smb_open_file, dict(path=['C:\\']), "path[0] 'C:\\' is a whole volume"),
    (smb_open_file, dict(path=['data\\a.txt']), "path[0] 'data\\a.txt' is not an absolute path"),
    (smb_open_file, dict(username=['bob'], exclude_path=['']), "exclude_path[0] is empty ('')"),
    (smb_open_file_info, dict(path=['D:\\Data\\**']), "path[0] 'D:\\Data\\**' uses '**'"),
    (smb_open_file_info, dict(share=['']), "share[0] is empty ('')"),
    (smb_session, dict(share=['\\\\127.0.0.1\\data']), "share[0] '\\\\127.0.0.1\\data' is not a share name"),
]


@pytest.mark.parametrize('module, args, message', BAD_INPUT,
                         ids=['%s-%s' % (m.__name__.rsplit('.', 1)[1], ascii(a)) for m, a, dummy in BAD_INPUT])
@pytest.mark.parametrize('check_mode', [False, True], ids=['real', 'check'])
def test_bad_input_fails_before_any_connection(module, args, message, check_mode, monkeypatch, capsys):
    looked_up = []
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', lambda *a, **k: looked_up.append(a) or [])
    NeverConnected.made = []
    args = dict(args, server='files01', auth_username='svc-admin', auth_password=PASSWORD,
                _ansible_check_mode=check_mode)
    result = run_in_process(module, capsys, args, client_class=NeverConnected, monkeypatch=monkeypatch)
    assert result.get('failed') is True and message in result['msg'], result['msg']
    assert NeverConnected.made == [] and looked_up == []
    assert PASSWORD not in result['_raw_output']
