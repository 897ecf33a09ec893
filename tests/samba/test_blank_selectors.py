"""Issue 14 on a real smbd: a blank selector entry used to be dropped, so
`client: [127.0.0.1], username: ['']` closed alice, bob and carol, and `client: [''], username:
[bob]` closed bob from every address. Now they fail and nothing is closed, in check mode and for
real. One server for the whole file (conftest's shared_lab: alice once, bob twice): these tests
only read (a failure here means the fix broke)."""
import pytest


def _still_there(lab, run):
    """Every held session answers on its own connection and is still listed by the server."""
    assert [s.user for s in lab.held if not lab.is_connected(s)] == []
    listed = run('smb_session_info', client=['127.0.0.1'])
    assert not listed.get('failed'), listed.get('msg')
    users = sorted(s['username'] for s in listed['sessions'])
    for user in ('alice', 'bob'):
        assert users.count(user) == [s.user for s in lab.held].count(user), users


@pytest.mark.parametrize('args, message', [
    (dict(client=['127.0.0.1'], username=['']), "username[0] is empty ('')"),
    (dict(client=[''], username=['bob']), "client[0] is empty ('')"),
], ids=['blank-username', 'blank-client'])
@pytest.mark.parametrize('check', [True, False], ids=['check-mode', 'real'])
def test_a_blank_entry_fails_and_closes_nothing(shared_lab, shared_run, args, message, check):
    lab, run = shared_lab, shared_run
    result = run('smb_session', check=check, **args)
    assert result.get('failed') is True and result['msg'].startswith(message), result.get('msg')
    assert not result.get('changed') and not result.get('closed_sessions')
    _still_there(lab, run)


def test_the_info_module_refuses_a_blank_client_instead_of_listing_everything(shared_run):
    run = shared_run
    result = run('smb_session_info', client='')
    assert result.get('failed') is True and result['msg'].startswith("client[0] is empty ('')"), result.get('msg')
    assert 'sessions' not in result
