"""open_files.py on a stand-in server (fake_srvsvc.FakeFileServer): what reaches NetrFileClose.
Each selected file is read again just before its close; a file gone is vanished, an id that now
names another file is kept (id_reused); check mode calls nothing; the first failure stops the
run with what was closed and what was not tried; the module's own pipe is never closed."""
import pytest

from ansible_collections.lanman.smb.plugins.module_utils import open_files
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcStatusError

from fake_srvsvc import FakeFileServer, entry, open_file  # same directory

FILES = [open_file(30, 'D:\\Data\\c.txt', 'carol'), open_file(10, 'D:\\Data\\a.txt', 'alice'),
         open_file(20, 'D:\\Data\\b.txt', 'bob'), open_file(40, 'D:\\Other\\d.txt', 'bob'),
         open_file(50, '\\PIPE\\srvsvc', 'svc-admin')]


def options(**given):
    params = dict(path=None, share=None, username=None, exclude_path=[], exclude_username=[], exclude_client=[],
                  all=False)
    params.update(given)
    return open_files.option_lists(params, close=True)


def run(server, check_mode=False, warnings=None, **given):
    dummy, plan = open_files.select(server, options(**given), (warnings if warnings is not None else []).append)
    outcome = open_files.close_plan(server, plan, check_mode)
    return plan, outcome, open_files.close_result(plan, outcome)


def ids(files):
    return [f['id'] for f in files]


def test_check_mode_reads_nothing_again_and_closes_nothing():
    server = FakeFileServer(FILES)
    plan, outcome, result = run(server, check_mode=True, path=['D:\\Data\\'])
    assert ids(result['closed_files']) == [10, 20, 30] and result['changed'] is True
    assert server.calls('close_file') == [] and server.calls('file_info') == []
    assert result['diff'] == {'before': {'open_files': ['10 D:\\Data\\a.txt', '20 D:\\Data\\b.txt',
                                                        '30 D:\\Data\\c.txt']},
                              'after': {'open_files': []}}


def test_each_file_is_read_again_then_closed_in_ascending_id():
    server = FakeFileServer(FILES)
    plan, outcome, result = run(server, path=['D:\\Data\\'])
    assert server.log[-6:] == [('file_info', 10), ('close_file', 10), ('file_info', 20), ('close_file', 20),
                               ('file_info', 30), ('close_file', 30)]
    assert ids(result['closed_files']) == [10, 20, 30] and ids(server.files) == [40, 50]


def test_an_id_that_names_another_file_when_read_again_is_kept():
    server = FakeFileServer(FILES)
    plan = open_files.select(server, options(path=['D:\\Data\\']), [].append)[1]
    server.files[2] = open_file(20, 'D:\\Other\\new.txt', 'dave')   # 20 closed and reused meanwhile
    outcome = open_files.close_plan(server, plan, False)
    result = open_files.close_result(plan, outcome)
    assert (20, ) not in server.calls('close_file')
    assert ids(result['closed_files']) == [10, 30]
    assert [(f['id'], f['reason']) for f in result['skipped_files']] == [(20, 'id_reused')]


def test_a_file_gone_before_its_turn_is_vanished_not_an_error():
    server = FakeFileServer(FILES, before_close={1: lambda files: files.remove(files[2])})   # 20 closed by its user
    plan, outcome, result = run(server, path=['D:\\Data\\'])
    assert ids(result['vanished_files']) == [20] and ids(result['closed_files']) == [10, 30]
    assert (20,) not in server.calls('close_file') and result['failed_call'] is None


def test_without_netrfilegetinfo_one_fresh_listing_is_the_reread():
    server = FakeFileServer(FILES, get_info=False)
    plan = open_files.select(server, options(path=['D:\\Data\\']), [].append)[1]
    server.files[0] = open_file(30, 'D:\\Data\\other.txt', 'carol')   # reused between listing and close
    outcome = open_files.close_plan(server, plan, False)
    result = open_files.close_result(plan, outcome)
    assert len(server.calls('enum_files')) == 2   # the planning listing and one re-read listing
    assert ids(result['closed_files']) == [10, 20]
    assert [(f['id'], f['reason']) for f in result['skipped_files']] == [(30, 'id_reused')]


def test_the_first_failed_close_stops_with_what_was_closed_and_not_tried():
    server = FakeFileServer(FILES, close_status={2: 5})
    plan, outcome, result = run(server, path=['D:\\'], all=True)
    assert ids(result['closed_files']) == [10]
    assert result['failed_call']['id'] == 20 and result['failed_call']['status'] == 5
    assert 'closing them needs Administrators' in result['failed_call']['message']
    assert ids(result['untried_files']) == [30, 40]
    assert outcome.error.startswith('Closing stopped at file 20 (D:\\Data\\b.txt)')
    assert server.calls('close_file') == [(10,), (20,)]


def test_a_lost_answer_says_the_file_may_be_closed():
    server = FakeFileServer(FILES, close_status={1: 'timeout'})
    plan, outcome, result = run(server, path=['D:\\Data\\a.txt'])
    assert result['failed_call']['status'] is None
    assert 'may already have closed the file' in result['failed_call']['message']


def test_the_own_pipe_is_never_closed_even_with_all():
    server = FakeFileServer(FILES + [open_file(60, '\\PIPE\\srvsvc', 'bob')])
    plan, outcome, result = run(server, all=True, path=['\\PIPE\\srvsvc', 'D:\\'])
    assert ids(result['closed_files']) == [10, 20, 30, 40, 60]
    assert [(f['id'], f['reason']) for f in result['skipped_files']] == [(50, 'own_pipe')]
    assert (50,) not in server.calls('close_file')


def test_an_unknown_share_fails_before_anything_is_listed():
    server = FakeFileServer(FILES, shares={'Data': (0, 'D:\\Data')})
    with pytest.raises(ValueError, match="^share 'Nope' does not exist on the server.$"):
        run(server, share=['Data', 'Nope'])
    assert server.calls('enum_files') == [] and server.calls('close_file') == []


def test_exclude_client_keeps_every_file_when_the_sessions_cannot_be_listed():
    class NoSessions(FakeFileServer):
        def enum_sessions(self, level, client=None, user=None):
            raise SrvsvcStatusError(5, 'NetrSessionEnum')
    warnings = []
    server = NoSessions(FILES)
    plan, outcome, result = run(server, warnings=warnings, path=['D:\\Data\\'], exclude_client=['10.0.0.9'])
    assert result['closed_files'] == [] and server.calls('close_file') == []
    assert {f['reason'] for f in result['skipped_files']} == {'excluded_client'}
    assert len(warnings) == 1 and 'exclude_client keeps every file' in warnings[0]


def test_files_are_joined_to_the_clients_of_their_users():
    server = FakeFileServer(FILES, sessions=[entry('\\\\10.0.0.5', 'alice'), entry('\\\\10.0.0.6', 'bob'),
                                             entry('\\\\10.0.0.7', 'BOB')])
    plan, outcome, result = run(server, check_mode=True, path=['D:\\'], all=True, exclude_client=['10.0.0.7'])
    assert [(f['id'], f['client'], f['clients']) for f in result['closed_files']] == [(10, '10.0.0.5', ['10.0.0.5'])]
    assert [(f['id'], f['reason']) for f in result['skipped_files']] == [
        (20, 'excluded_client'), (30, 'excluded_client'), (40, 'excluded_client')]


def test_level_2_lists_ids_only():
    files = open_files.list_files(FakeFileServer(FILES), 2)
    assert [f.to_result() for f in files][0] == {
        'id': 10, 'path': None, 'username': None, 'permissions': None, 'permissions_mask': None, 'num_locks': None,
        'is_pipe': None, 'client': None, 'clients': []}
    assert [f.id for f in files] == [10, 20, 30, 40, 50]
