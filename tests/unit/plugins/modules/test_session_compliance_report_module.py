"""session_compliance_report's own logic: which violating pairs enforcement may close."""
from ansible_collections.lanman.smb.plugins.modules.session_compliance_report import violating_sessions


def _finding(client, username, rule='forbidden_users'):
    return {'rule': rule, 'session': {'client': client, 'username': username}}


def test_only_a_named_user_from_a_named_client_is_closable():
    """A null session (however the server spells it) or a session without a client name cannot
    be selected by client and user alone: enforcement must leave it to a person."""
    pairs = [('10.0.0.5', 'bob'), ('10.0.0.5', 'ANONYMOUS LOGON'), ('10.0.0.5', 'NT AUTHORITY\\ANONYMOUS LOGON'),
             ('10.0.0.5', ''), ('10.0.0.5', None), ('', 'bob'), (None, 'bob')]
    evaluation = {'server': 'fs01', 'findings': [_finding(c, u) for c, u in pairs] + [
        {'rule': 'max_sessions_per_server', 'session': None}]}
    result = violating_sessions([evaluation])['fs01']
    assert [(e['client'], e['username'], e['closable']) for e in result] == [
        (c, u, (c, u) == ('10.0.0.5', 'bob')) for c, u in pairs]


def test_rules_of_one_pair_are_listed_once():
    evaluation = {'server': 'fs01', 'findings': [_finding('10.0.0.5', 'bob'), _finding('10.0.0.5', 'bob'),
                                                 _finding('10.0.0.5', 'bob', 'max_idle_seconds')]}
    assert violating_sessions([evaluation]) == {'fs01': [
        {'client': '10.0.0.5', 'username': 'bob', 'rules': ['forbidden_users', 'max_idle_seconds'], 'mixed': False,
         'closable': True}]}


def test_a_pair_that_also_holds_a_compliant_session_is_not_closable():
    """Closing by (client, user) would end the compliant session too (defect 7)."""
    evaluation = {'server': 'fs01', 'findings': [_finding('10.0.0.5', 'bob', 'max_open_files_per_session')],
                  'sessions': [{'client': '10.0.0.5', 'username': 'bob', 'violations': ['max_open_files_per_session']},
                               {'client': '10.0.0.5', 'username': 'Bob', 'violations': []}]}
    (pair,) = violating_sessions([evaluation])['fs01']
    assert (pair['closable'], pair['mixed']) == (False, True)
