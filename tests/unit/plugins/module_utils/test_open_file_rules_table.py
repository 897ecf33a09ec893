"""The open-file selection rules (open_file_rules.py) against the shared table
tests/fixtures/open_file_rules_cases.json, which the C# twin (OpenFileRules.cs) runs too: entry
checks with exact texts, path forms, pipes, exclusions, duplicates, shares and the client join."""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import open_file_rules as rules
from ansible_collections.lanman.smb.plugins.module_utils.session_names import SessionInfo

CASES = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'open_file_rules_cases.json')
                   .read_text(encoding='utf-8'))['cases']


def run(case, close):
    """(error text or None, plan or None), as the close (close=True) or the info module."""
    options = dict(case['options'])
    if not close:
        options['all'] = False
    shares = case['shares']
    try:
        lists = rules.check_options(options, close=close)
        lists['all'] = options['all']
        folders = rules.share_selectors(lists['share'], lambda name: (name in shares, shares.get(name, {}).get('type'),
                                                                      shares.get(name, {}).get('path')))
    except ValueError as e:
        return str(e), None
    files = [rules.OpenFileInfo(f['id'], f['path'], f['username'], f['permissions'], f['num_locks'])
             for f in case['files']]
    sessions = [SessionInfo(s['client'], s['username']) for s in case['sessions']]
    rules.join_clients(files, sessions)
    return None, rules.plan(files, lists, case['own_account'], folders)


def test_the_table_is_big_enough_and_names_are_unique():
    names = [c['name'] for c in CASES]
    assert len(names) >= 60 and len(set(names)) == len(names)


@pytest.mark.parametrize('case', CASES, ids=lambda c: c['name'])
def test_close_module(case):
    expect = case['expect']
    error, plan = run(case, close=True)
    assert error == expect['error']
    if error is None:
        assert [f.id for f in plan.close] == expect['close']
        assert [[f.id, reason] for f, reason in plan.skipped] == expect['skipped']


@pytest.mark.parametrize('case', CASES, ids=lambda c: c['name'])
def test_info_module(case):
    expect = case['expect']
    error, plan = run(case, close=False)
    if 'listed' not in expect or expect['listed'] is None and expect['error'] is not None:
        assert error == expect['error'] and error is not None
        return
    assert error is None
    assert [f.id for f in plan.listed] == expect['listed']
    by_id = dict((f.id, f) for f in plan.listed)
    for file_id, client, clients in expect.get('joined', []):
        assert (by_id[file_id].client, by_id[file_id].clients) == (client, clients)
    for file_id, names in expect.get('decoded', []):
        assert by_id[file_id].to_result()['permissions'] == names
