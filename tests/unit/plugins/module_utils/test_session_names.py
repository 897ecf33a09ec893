"""Client/user name rules and the session result shape (docs/developer/contract.md). The tables
of name rules shared with the C# twin are in test_name_rule_tables.py."""
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    RESULT_KEYS, SessionInfo, clients_match, diff_entries, filter_sessions, is_machine_account, is_null_session,
)


def test_clients_match_is_case_insensitive_and_form_independent():
    assert clients_match('\\\\FILESRV1.corp.', 'filesrv1.CORP')
    assert clients_match('\\\\[0:0::1]', '::1')
    assert not clients_match('10.0.0.5', '10.0.0.50')
    assert not clients_match(None, '10.0.0.5')


def test_null_and_machine_accounts():
    assert is_null_session('') and is_null_session(None)
    assert not is_null_session('bob')
    assert is_machine_account('HOST1$') and not is_machine_account('bob') and not is_machine_account('')


def test_level_502_entry_becomes_every_contract_key():
    entry = {'cname': '\\\\[::1]', 'username': 'bob', 'num_opens': 3, 'time': 120, 'idle_time': 60,
             'user_flags': 3, 'cltype_name': 'Windows 10', 'transport': '\\Device\\NetbiosSmb'}
    result = SessionInfo.from_wire(entry, 502).to_result()
    assert tuple(result) == RESULT_KEYS
    assert result == {'client': '::1', 'username': 'bob', 'num_opens': 3, 'active_seconds': 120,
                      'idle_seconds': 60, 'user_flags': 3, 'is_guest': True, 'cleartext_password': True,
                      'client_type': 'Windows 10', 'transport': '\\Device\\NetbiosSmb'}


def test_fields_a_level_lacks_are_null_not_zero():
    level0 = SessionInfo.from_wire({'cname': '10.0.0.5', 'username': None, 'num_opens': None, 'time': None,
                                    'idle_time': None, 'user_flags': None, 'cltype_name': None,
                                    'transport': None}, 0).to_result()
    assert level0['client'] == '10.0.0.5'
    assert all(level0[k] is None for k in RESULT_KEYS if k != 'client')
    level10 = SessionInfo.from_wire({'cname': '10.0.0.5', 'username': 'bob', 'time': 5, 'idle_time': 0}, 10).to_result()
    assert level10['idle_seconds'] == 0 and level10['num_opens'] is None and level10['is_guest'] is None


def test_samba_wrapped_time_is_clamped_and_null_user_is_a_null_session():
    result = SessionInfo.from_wire({'cname': '127.0.0.1', 'username': None, 'num_opens': 0,
                                    'time': 0xFFFFFFFF, 'idle_time': 0, 'user_flags': 0}, 1).to_result()
    assert result['active_seconds'] == 0
    assert result['username'] == ''
    assert result['is_guest'] is False and result['cleartext_password'] is False


def test_local_filter_and_diff_entries():
    sessions = [SessionInfo('\\\\10.0.0.5', 'bob'), SessionInfo('\\\\10.0.0.6', ''), SessionInfo('10.0.0.5', 'Alice')]
    assert filter_sessions(sessions, clients=['10.0.0.5'], usernames=['alice']) == [sessions[2]]
    assert filter_sessions(sessions) == sessions
    assert diff_entries(sessions) == ['(anonymous)@10.0.0.6', 'Alice@10.0.0.5', 'bob@10.0.0.5']
