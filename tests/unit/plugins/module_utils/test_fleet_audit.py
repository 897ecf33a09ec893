"""smb_session_audit's own rules (fleet_audit.py): server entries with names, duplicates audited
once and reported, the audit's own session labelled, the server kind."""
import pytest

from ansible_collections.lanman.smb.plugins.module_utils import fleet_audit
from ansible_collections.lanman.smb.plugins.module_utils.fleet_audit import (
    AuditInputError, expand_duplicates, mark_own_sessions, parse_servers, server_kind,
)


def _names(targets):
    return [(t.name, t.server, t.port, t.duplicate_of) for t in targets]


def test_every_server_form_keeps_the_name_it_was_given():
    """The name is what the reports show; the server is what is contacted (defect 4: the role
    re-matched the normalised server against the name it had typed, and lost the result)."""
    targets = parse_servers([
        'files01.', '[fd00::5]', '\\\\files02', '//files03', 'FD00::6',
        {'server': 'files04.', 'port': 1445},
        {'server': '[fd00::7]', 'port': 1445},
        {'server': 'files05', 'port': 445, 'name': 'nas05 (basement)'},
    ], 445)
    assert _names(targets) == [
        ('files01.', 'files01', 445, None),
        ('[fd00::5]', 'fd00::5', 445, None),
        ('\\\\files02', 'files02', 445, None),
        ('//files03', 'files03', 445, None),
        ('FD00::6', 'fd00::6', 445, None),
        ('files04.:1445', 'files04', 1445, None),
        ('[fd00::7]:1445', 'fd00::7', 1445, None),
        ('nas05 (basement)', 'files05', 445, None),
    ]


def test_a_server_written_twice_is_audited_once_and_the_repeat_reported():
    """Defect 3: a repeat blinded the whole fleet (the task failed, every server became an error)."""
    targets = parse_servers([
        {'server': 'files01', 'name': 'fs01'},
        {'server': 'FILES01.', 'name': 'fs01-alias'},      # same server, another spelling
        {'server': '\\\\files01', 'port': 1445, 'name': 'fs01-other-port'},  # another server
        {'server': '[fd00::5]', 'name': 'v6'},
        {'server': 'fd00:0::5', 'name': 'v6-again'},
        'files01',                                           # a third name for fs01
    ], 445)
    assert _names(targets) == [
        ('fs01', 'files01', 445, None),
        ('fs01-alias', 'FILES01', 445, 'fs01'),
        ('fs01-other-port', 'files01', 1445, None),
        ('v6', 'fd00::5', 445, None),
        ('v6-again', 'fd00::5', 445, 'v6'),
        ('files01', 'files01', 445, 'fs01'),
    ]


def test_expanding_results_gives_every_entry_one_result_and_the_repeat_says_whose():
    targets = parse_servers([{'server': 'a', 'name': 'A'}, {'server': 'b', 'name': 'B'},
                             {'server': 'A.', 'name': 'A2'}], 445)
    unique = [t for t in targets if t.duplicate_of is None]
    listed = [{'name': t.name, 'server': t.server, 'port': t.port, 'sessions': [{'client': 'x'}],
               'error': None, 'level': 1, 'warnings': [], 'duplicate_of': None} for t in unique]
    entries = expand_duplicates(targets, listed)
    assert [e['name'] for e in entries] == ['A', 'B', 'A2']
    repeat = entries[2]
    assert repeat['duplicate_of'] == 'A' and repeat['error'] is None
    assert repeat['sessions'] == [] and repeat['level'] is None  # never counted twice
    assert 'same server as A' in repeat['warnings'][0]
    assert [e['duplicate_of'] for e in entries[:2]] == [None, None]


@pytest.mark.parametrize('entries, message', [
    ([{'server': 'a', 'name': 'x'}, {'server': 'b', 'name': 'x'}], "servers[1] repeats the name 'x' of servers[0]"),
    (['a', 'a'], "servers[1] repeats the name 'a' of servers[0]"),
    ([{'server': 'a', 'name': ''}], 'servers[0] has an empty name'),
    ([{'server': 'a', 'name': 5}], 'servers[0] has name 5; a name is a string'),
    ([{'server': 'a', 'nmae': 'x'}], 'servers[0] has unknown key(s) nmae'),
])
def test_bad_names_fail_before_any_server_is_contacted(entries, message):
    with pytest.raises(AuditInputError) as err:
        parse_servers(entries, 445)
    assert message in str(err.value)


def test_messages_can_name_entries_as_the_caller_knows_them():
    with pytest.raises(AuditInputError) as err:
        parse_servers(['smb://files01'], 445, labels=['inventory host fs01 (smb_server)'])
    assert str(err.value).startswith('inventory host fs01 (smb_server): ')


def test_the_audit_labels_its_own_session_and_nothing_else():
    """Defect 6: the audit's own session was judged like any other and not labelled."""
    sessions = [
        {'client': '10.0.0.9', 'username': 'svc-audit'},          # ours
        {'client': '10.0.0.9', 'username': 'CORP\\SVC-AUDIT'},    # ours: account part, any case
        {'client': '10.0.0.9', 'username': 'alice'},              # another user on the runner
        {'client': '10.0.0.10', 'username': 'svc-audit'},         # the account from elsewhere
        {'client': '', 'username': 'svc-audit'},
        {'client': '10.0.0.9', 'username': ''},                   # a null session from the runner
        {'client': '10.0.0.9', 'username': None},                 # level 0: no user name
    ]
    mark_own_sessions(sessions, ['10.0.0.9'], 'svc-audit')
    assert [s['own_session'] for s in sessions] == [True, True, False, False, False, False, False]


def test_without_a_known_account_no_session_is_labelled_own():
    sessions = [{'client': '10.0.0.9', 'username': 'svc-audit'}]
    mark_own_sessions(sessions, ['10.0.0.9'], None)
    assert sessions[0]['own_session'] is False
    mark_own_sessions(sessions, [], 'svc-audit')
    assert sessions[0]['own_session'] is False


@pytest.mark.parametrize('requested, level, kind', [
    (None, 1, 'samba'),      # 502 and 2 refused with ERROR_INVALID_LEVEL: Samba
    (None, 502, 'windows'),
    (None, 2, 'windows'),
    (None, 10, 'windows'),   # 502 denied, level 10 served
    (1, 1, None),            # asked for level 1: not known
    (0, 0, None),
    (502, 502, 'windows'),
])
def test_server_kind_follows_the_level_the_server_served(requested, level, kind):
    assert server_kind(requested, level) == kind


def test_summary_counts_duplicates_apart():
    entries = [{'error': None, 'sessions': [1, 2], 'duplicate_of': None},
               {'error': 'down', 'sessions': [], 'duplicate_of': None},
               {'error': None, 'sessions': [], 'duplicate_of': 'A'}]
    assert fleet_audit.summarise(entries) == {'servers': 3, 'ok': 1, 'failed': 1, 'duplicates': 1, 'sessions': 2,
                                              'open_files': 0}


def test_the_run_labels_sessions_of_every_address_it_connected_from():
    """Two names for one server (127.0.0.1 and ::1 of one smbd) are listed by two workers at once:
    each listing shows both of the audit's sessions."""
    sessions = [{'client': '127.0.0.1', 'username': 'svc'}, {'client': '::1', 'username': 'svc'},
                {'client': '::1', 'username': 'bob'}]
    mark_own_sessions(sessions, ['127.0.0.1', '::1'], ['svc'])
    assert [s['own_session'] for s in sessions] == [True, True, False]
