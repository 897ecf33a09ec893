"""NetrFileEnum against a hostile server: the listing's bounds (contract.md 'Listing limits', with
files in the texts; tests/fixtures/listing_limits.json) hold for open files as for sessions. An
endless listing, a repeated resume handle, a huge answer, too much text and a huge name are
refused with the shared texts, before the entries a lying answer announces are built."""
import itertools
import json
import pathlib
import tracemalloc

import pytest

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc import file_calls, file_messages, messages
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import (
    SrvsvcProtocolError, SrvsvcStatusError, SrvsvcTimeoutError,
)

from hostile_answers import MIB, NON_ASCII, LazyPipe, file_answer, fragments  # same directory
from stalling_server import client_stalling_in_round_two  # same directory
from test_srvsvc_codec import client_on  # same directory

LIMITS = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'listing_limits.json').read_text())
FILE = {'pathname': 'C:\\srv\\data\\report.xlsx', 'username': 'jdoe'}


def rounds(strings, per_round, handles=None):
    """A server that answers every request with ``per_round`` files and "more data"."""
    handles = handles or itertools.count(1)
    return LazyPipe(lambda n, call_id: fragments(file_answer(per_round, strings, resume=next(handles), status=234),
                                                 call_id))


def test_the_file_limits_are_the_shared_ones():
    assert file_messages.MAX_FILES == LIMITS['max_files']
    assert file_messages.FILE_NO_PROGRESS_TEXT == LIMITS['files_no_progress']
    assert file_messages.FILE_TOO_MANY_TEXT == LIMITS['files_too_many']


def test_paging_follows_the_resume_handle_to_the_end():
    answers = [file_answer(2, FILE, resume=77, status=234), file_answer(1, FILE, status=0)]
    pipe = LazyPipe(lambda n, call_id: fragments(answers[n - 1], call_id))
    entries = file_calls.enum_files(client_on(pipe), 3)
    assert len(entries) == 3 and entries[0]['pathname'] == FILE['pathname'] and pipe.requests == 2


def test_an_endless_listing_stops_at_max_files():
    pipe = rounds(FILE, 20000)
    with pytest.raises(SrvsvcProtocolError) as err:
        file_calls.enum_files(client_on(pipe, timeout=60), 3)
    assert str(err.value) == LIMITS['files_too_many'].format(server='srv', max=100000)
    assert pipe.requests == 6   # five rounds make 100,000; the sixth is refused unread


def test_a_repeated_resume_handle_stops_the_listing():
    pipe = rounds(FILE, 3, handles=itertools.repeat(41))
    with pytest.raises(SrvsvcProtocolError) as err:
        file_calls.enum_files(client_on(pipe), 3)
    assert str(err.value) == LIMITS['files_no_progress'].format(server='srv', handle=41)
    assert pipe.requests == 2


def test_more_data_with_a_zero_handle_stops_the_listing():
    pipe = LazyPipe(lambda n, call_id: fragments(file_answer(3, FILE, resume=None, status=234), call_id))
    with pytest.raises(SrvsvcProtocolError) as err:
        file_calls.enum_files(client_on(pipe), 3)
    assert str(err.value) == LIMITS['files_no_progress'].format(server='srv', handle=0)


def test_a_round_without_files_stops_the_listing_even_with_a_new_handle():
    pipe = LazyPipe(lambda n, call_id: fragments(file_answer(0, FILE, resume=10 + min(n, 2), status=234), call_id))
    with pytest.raises(SrvsvcProtocolError) as err:
        file_calls.enum_files(client_on(pipe), 3)
    assert str(err.value) == LIMITS['files_no_progress'].format(server='srv', handle=11)
    assert pipe.requests == 1


def test_nerr_buf_too_small_is_followed_as_more_data():
    # 2123, NERR_BufTooSmall: the NERR twin of 234 (contract.md, "Listing limits").
    answers = [file_answer(2, FILE, resume=77, status=2123), file_answer(1, FILE, status=0)]
    pipe = LazyPipe(lambda n, call_id: fragments(answers[n - 1], call_id))
    assert len(file_calls.enum_files(client_on(pipe), 3)) == 3 and pipe.requests == 2


def test_a_listing_that_outlasts_the_runs_deadline_stops_with_a_timeout():
    pipe = rounds(FILE, 3)

    class Clock:
        """A deadline that runs out once the first round has been answered."""
        seconds = 30

        def expired(self):
            return pipe.requests >= 1

        def remaining(self):
            return 0 if self.expired() else 30
    client = client_on(pipe)
    client.deadline = Clock()
    with pytest.raises(SrvsvcTimeoutError, match=r'^NetrFileEnum on srv port 445: the 30 second timeout ran out before '
                                                 r'the listing finished \(1 rounds, 3 files received so far'):
        file_calls.enum_files(client, 3)
    assert pipe.requests == 1


def test_a_huge_answer_is_cut_at_the_listing_byte_budget():
    per_file = 4 * 5 + 12 + 2 * 400 + 12 + 12   # fixed part, a 399-character path, a 5-character user
    count = messages.MAX_LISTING_BYTES // per_file + 1000
    strings = {'pathname': 'p' * 399, 'username': 'jdoe'}
    pipe = LazyPipe(lambda n, call_id: fragments(file_answer(count, strings), call_id))
    with pytest.raises(SrvsvcProtocolError) as err:
        file_calls.enum_files(client_on(pipe, timeout=60), 3)
    assert str(err.value) == file_messages.FILE_TOO_LARGE_TEXT.format(server='srv', max=messages.MAX_LISTING_BYTES)


def test_names_that_print_large_are_cut_at_the_text_budget():
    strings = {'pathname': NON_ASCII * 200, 'username': 'jdoe'}   # small on the wire, 6 characters each in JSON
    pipe = rounds(strings, 5000)
    with pytest.raises(SrvsvcProtocolError) as err:
        file_calls.enum_files(client_on(pipe, timeout=60), 3)
    assert str(err.value) == file_messages.FILE_TOO_MUCH_TEXT_TEXT.format(server='srv', max=messages.MAX_LISTING_TEXT)


@pytest.mark.parametrize('field, length, refused', [
    ('pathname', file_messages.MAX_PATH_CHARS, False),        # Windows' longest path is a real path
    ('pathname', file_messages.MAX_PATH_CHARS + 1, True),
    ('pathname', 8 * MIB, True),                              # one name of 16 MiB
    ('username', messages.MAX_STRING_CHARS, False),
    ('username', messages.MAX_STRING_CHARS + 1, True),
])
def test_a_huge_name_is_refused(field, length, refused):
    strings = dict(FILE)
    strings[field] = ('x', length)
    pipe = LazyPipe(lambda n, call_id: fragments(file_answer(1, strings), call_id))
    if not refused:
        assert len(file_calls.enum_files(client_on(pipe), 3)[0][field]) == length
        return
    tracemalloc.start()
    try:
        with pytest.raises(SrvsvcProtocolError, match='refusing the answer: a string of %d characters' % length):
            file_calls.enum_files(client_on(pipe), 3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * length + 4 * MIB   # the stub is held once; the string is never decoded


def test_an_answer_announcing_more_than_max_files_builds_no_entry():
    pipe = LazyPipe(lambda n, call_id: fragments(file_answer(100001, {}), call_id))
    tracemalloc.start()
    try:
        with pytest.raises(SrvsvcProtocolError) as err:
            file_calls.enum_files(client_on(pipe, timeout=60), 3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(err.value) == LIMITS['files_too_many'].format(server='srv', max=100000)
    assert peak < 3 * 100001 * 20   # the stub, not 100,001 dicts


def test_a_status_is_raised_with_its_code():
    pipe = LazyPipe(lambda n, call_id: fragments(file_answer(0, {}, status=5), call_id))
    with pytest.raises(SrvsvcStatusError) as err:
        file_calls.enum_files(client_on(pipe), 3)
    assert err.value.status == 5


def test_a_call_that_runs_out_of_time_after_the_first_round_counts_the_rounds():
    client = client_stalling_in_round_two([b''.join(file_answer(2, FILE, resume=77, status=234))])
    with pytest.raises(SrvsvcTimeoutError, match=r'^NetrFileEnum on srv port 445: the 30 second timeout ran out before '
                                                 r'the listing finished \(1 rounds, 2 files received so far'):
        file_calls.enum_files(client, 3)
