"""The share option of smb_session_info / smb_session against a real smbd (Samba 4.17).

What Samba answers (recorded in docs/developer/open-files.md, "Share users: what Samba answers"):
NetrConnectionEnum with a share as qualifier serves levels 0 and 1 to BUILTIN\\Administrators
only (5 otherwise), counts the share's tree connects correctly, but names every connection with
the placeholder user 'dummy_user' and netname 'IPC$' instead of the user and the client computer;
an unknown share answers 123 (ERROR_INVALID_NAME), not 2310. So on Samba the share selector
cannot tell whose session uses a share: the modules fail and say so (the safe variant of the
contract), and close nothing. These tests pin both the facts and that behaviour; if a later Samba
names real users, the fact test fails first and the selector can be tested for real here.

One server for the whole module (the tests close nothing), alice on share 'data', bob on share
'projects'."""
import pytest

from conftest import USERS, ModuleRunner
from samba_lab.server import SambaLab

PLACEHOLDER = ("share 'data': the server does not say who uses its shares (NetConnectionEnum names the client 'IPC$' "
               "and the user 'dummy_user' for every connection, as Samba does), so no session can be selected by "
               "share. Select the sessions by username or client instead; on a Samba server, smbstatus --shares lists "
               "who uses a share.")


@pytest.fixture(scope='module')
def shared_lab():
    with SambaLab(users=USERS, extra_shares=('projects',)) as server:
        server.alice = server.open_session('alice')                      # on 'data'
        server.bob = server.open_session('bob', share='projects')
        yield server


@pytest.fixture(scope='module')
def srun(ansible_env, shared_lab):
    return ModuleRunner(ansible_env, shared_lab)


def _client(lab, user, password):
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
    return SrvsvcClient('127.0.0.1', port=lab.port, username=user, password=password, auth_protocol='ntlm', timeout=30)


def test_what_samba_answers_to_netrconnectionenum(shared_lab):
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcStatusError
    lab = shared_lab
    with _client(lab, lab.admin_user, lab.admin_password) as client:
        data = client.enum_connections('data')
        projects = client.enum_connections('PROJECTS')          # share names are case-insensitive
        assert len(data) == 1 and len(projects) == 1             # the count is right: one tree connect each
        for entry in data + projects:
            assert (entry['netname'], entry['username']) == ('IPC$', 'dummy_user')  # but no client, no user
        with pytest.raises(SrvsvcStatusError) as err:
            client.enum_connections('no-such-share')
        assert err.value.status == 123                           # ERROR_INVALID_NAME, not 2310
    with _client(lab, 'alice', USERS['alice']) as client:
        with pytest.raises(SrvsvcStatusError) as err:
            client.enum_connections('data')
        assert err.value.status == 5                             # BUILTIN\Administrators only


def test_info_with_a_share_fails_saying_samba_does_not_name_share_users(srun, shared_lab):
    everyone = srun('smb_session_info')
    assert not everyone.get('failed'), everyone.get('msg')
    assert {'alice', 'bob'} <= set(s['username'] for s in everyone['sessions'])
    result = srun('smb_session_info', share=['data'])
    assert result['failed'] is True and result['msg'] == PLACEHOLDER
    assert 'sessions' not in result


@pytest.mark.parametrize('check', [True, False], ids=['check-mode', 'real'])
def test_close_with_a_share_closes_nothing_on_samba(srun, shared_lab, check):
    result = srun('smb_session', check=check, share=['data'])
    assert result['failed'] is True and result['msg'] == PLACEHOLDER
    assert not result.get('closed_sessions') and not result.get('changed')
    assert shared_lab.is_connected(shared_lab.alice) and shared_lab.is_connected(shared_lab.bob)


@pytest.mark.parametrize('module', ['smb_session_info', 'smb_session'])
def test_an_unknown_share_fails_with_the_contract_text(srun, shared_lab, module):
    result = srun(module, share=['no-such-share'])
    assert result['failed'] is True and result['msg'] == "share 'no-such-share' does not exist on the server."
    assert shared_lab.is_connected(shared_lab.alice) and shared_lab.is_connected(shared_lab.bob)
