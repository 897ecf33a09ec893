"""A hostile server's long names against many-star patterns end in bounded time (Python twin).

The first matcher compiled each component to a regular expression (`.*` per star): a
3,000-character name against `*a*a...*c` backtracked for hours, past any deadline, since the
run's deadline bounds network steps, not planning. The C# twin has the same test
(OpenFileRules, "a planning run on hostile data ...").
"""
import time

from ansible_collections.lanman.smb.plugins.module_utils.open_file_rules import PathSelector

MANY_STARS = 'D:\\Data\\' + '*a' * 30 + '*c'
HOSTILE_NAME = 'D:\\Data\\' + 'a' * 3000 + 'b'


def test_a_many_star_glob_against_a_long_name_ends_in_bounded_time():
    started = time.monotonic()
    assert not PathSelector(MANY_STARS).matches(HOSTILE_NAME)
    # Generous: the walk takes milliseconds; the regular expression did not end in an hour.
    assert time.monotonic() - started < 60


def test_the_walk_still_matches_what_the_globs_select():
    assert PathSelector(MANY_STARS).matches('D:\\Data\\' + 'a' * 3000 + 'c')
    assert PathSelector('D:\\Data\\*.xlsx').matches('d:\\data\\Q1 report.XLSX')
    assert not PathSelector('D:\\Data\\*.xlsx').matches('D:\\Data\\sub\\q1.xlsx')
    assert PathSelector('D:\\Data\\q?.txt').matches('D:\\Data\\q1.txt')
    assert not PathSelector('D:\\Data\\q?.txt').matches('D:\\Data\\q12.txt')
    assert PathSelector('/srv/*/a*b*c').matches('/srv/x/aXbYbZc')
    assert not PathSelector('/srv/*/a*b*c').matches('/srv/x/aXbYbZcd')
    assert PathSelector('/srv/[x]*').matches('/srv/[x]yz')
    assert not PathSelector('/srv/[x]*').matches('/srv/xyz')
