"""The share option of smb_session_info and smb_session end to end against the logging fake:
the modules' own option checks, the share listing, filtering, planning and closing run for real;
the fake's log shows exactly which calls reached the server."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / 'module_utils'))
from fake_srvsvc import FakeSrvsvc, entry  # noqa: E402

from ansible_collections.lanman.smb.plugins.modules import smb_session, smb_session_info  # noqa: E402

from test_smb_session_module import _run  # noqa: E402

UNKNOWN = "share 'Nope' does not exist on the server."


def _fake(**kwargs):
    kwargs.setdefault('connections', {
        'Data': [dict(netname='10.0.0.5', username='alice'), dict(netname='10.9.9.9', username='svc-admin')],
        'Projects': [dict(netname='10.0.0.6', username='CONTOSO\\bob')],
        'Nope': 2310,
    })
    return FakeSrvsvc([entry('\\\\10.0.0.5', 'alice'), entry('\\\\10.0.0.6', 'alice'), entry('\\\\10.0.0.6', 'bob'),
                       entry('\\\\10.0.0.5', 'carol'), entry('\\\\10.9.9.9', 'svc-admin')], **kwargs)


def _pairs(sessions):
    return sorted((s['client'], s['username']) for s in sessions)


def test_info_lists_only_the_share_users_sessions(monkeypatch, capsys):
    fake = _fake()
    result = _run(smb_session_info, fake, monkeypatch, capsys, share=['Data'])
    assert not result.get('failed'), result.get('msg')
    assert _pairs(result['sessions']) == [('10.0.0.5', 'alice'), ('10.9.9.9', 'svc-admin')]
    assert fake.calls('conn') == [('Data', 1)]
    result = _run(smb_session_info, _fake(), monkeypatch, capsys, share=['Data', 'Projects'], username=['bob', 'alice'])
    assert _pairs(result['sessions']) == [('10.0.0.5', 'alice'), ('10.0.0.6', 'bob')]


def test_close_in_check_mode_closes_nothing_and_shows_the_plan(monkeypatch, capsys):
    fake = _fake()
    result = _run(smb_session, fake, monkeypatch, capsys, share=['Data'], _ansible_check_mode=True)
    assert not result.get('failed'), result.get('msg')
    assert fake.calls('del') == []
    assert _pairs(result['closed_sessions']) == [('10.0.0.5', 'alice')]
    assert [(s['username'], s['reason']) for s in result['skipped_sessions']] == [('svc-admin', 'own_session')]
    assert result['changed'] is True


def test_close_ends_exactly_the_share_users_pairs(monkeypatch, capsys):
    fake = _fake()
    result = _run(smb_session, fake, monkeypatch, capsys, share=['Data', 'Projects'])
    assert not result.get('failed'), result.get('msg')
    # alice from 10.0.0.6 and carol from 10.0.0.5 use no listed share: untouched; our own session kept
    assert fake.calls('del') == [('\\\\10.0.0.5', 'alice'), ('\\\\10.0.0.6', 'bob')]
    assert _pairs(result['closed_sessions']) == [('10.0.0.5', 'alice'), ('10.0.0.6', 'bob')]
    assert result['diff']['before'] == {'sessions': ['alice@10.0.0.5', 'bob@10.0.0.6', 'svc-admin@10.9.9.9']}


def test_an_unknown_share_fails_before_anything_is_closed(monkeypatch, capsys):
    for module in (smb_session, smb_session_info):
        fake = _fake()
        result = _run(module, fake, monkeypatch, capsys, share=['Data', 'Nope'])
        assert result['failed'] is True and result['msg'] == UNKNOWN
        assert fake.calls('del') == [] and fake.calls('enum') == []


def test_a_server_that_names_no_share_users_fails_instead_of_selecting_nothing(monkeypatch, capsys):
    samba = {'data': [dict(netname='IPC$', username='dummy_user'), dict(netname='IPC$', username='dummy_user')]}
    for module in (smb_session, smb_session_info):
        fake = _fake(connections=samba)
        result = _run(module, fake, monkeypatch, capsys, share=['data'])
        assert result['failed'] is True and "share 'data': the server does not say who uses its shares" in result['msg']
        assert fake.calls('del') == []


def test_a_share_is_a_selector_of_the_close_module(monkeypatch, capsys):
    fake = _fake(connections={'Empty': []})
    result = _run(smb_session, fake, monkeypatch, capsys, share=['Empty'])
    assert not result.get('failed'), result.get('msg')
    assert result['changed'] is False and result['closed_sessions'] == [] and fake.calls('del') == []


def test_bad_share_entries_fail_before_connecting(monkeypatch, capsys):
    for module in (smb_session, smb_session_info):
        for share, text in ((['\\\\files01\\Data'], "share[0] '\\\\files01\\Data' is not a share name"),
                            (['Data', ''], "share[1] is empty ('')")):
            fake = _fake()
            result = _run(module, fake, monkeypatch, capsys, share=share)
            assert result['failed'] is True and result['msg'].startswith(text) and fake.log == []


def test_level_0_with_a_share_fails_saying_why(monkeypatch, capsys):
    fake = _fake()
    result = _run(smb_session_info, fake, monkeypatch, capsys, share=['Data'], level=0)
    assert result['failed'] is True and 'level 0 carries no user name' in result['msg']
    assert fake.calls('enum') == []


def test_connections_that_match_no_session_are_reported_not_silently_dropped(monkeypatch, capsys):
    """A server that names the client by computer name in its connection list and by address in its
    session list: nothing is selected (safe), and the user hears why, in both modules."""
    spelled = {'Data': [dict(netname='PC05', username='alice'), dict(netname='10.0.0.6', username='bob')]}
    for module, key in ((smb_session_info, 'sessions'), (smb_session, 'closed_sessions')):
        fake = _fake(connections=spelled)
        result = _run(module, fake, monkeypatch, capsys, share=['Data'])
        assert not result.get('failed'), result.get('msg')
        assert _pairs(result[key]) == [('10.0.0.6', 'bob')]
        assert result['warnings'] == [
            "share 'Data': 1 connection(s) match no session by client and user, so they select nothing (the first "
            "names client 'PC05' and user 'alice'). The server may spell the client differently in its connection "
            "and session lists; select those sessions by client or username instead."]
    # a connection the username filter rules out anyway is not reported
    result = _run(smb_session_info, _fake(connections=spelled), monkeypatch, capsys, share=['Data'], username=['bob'])
    assert result['warnings'] == []


def test_only_the_info_and_close_modules_take_share():
    """The fleet audit has no share selector: an option it accepted and ignored would widen a run."""
    from ansible_collections.lanman.smb.plugins.module_utils import agentless_module, fleet_audit
    assert 'share' in agentless_module.info_spec() and 'share' in agentless_module.close_spec()
    assert 'share' not in fleet_audit.audit_spec()
