"""The Windows modules and their agentless twins must stay interchangeable: same shared
options, same result keys (docs/developer/contract.md)."""
import json
import pathlib
import subprocess
import sys

import pytest

ANSIBLE_DOC = str(pathlib.Path(sys.executable).with_name('ansible-doc'))
CONTRACT_KEYS = ['active_seconds', 'cleartext_password', 'client', 'client_type', 'idle_seconds', 'is_guest',
                 'num_opens', 'transport', 'user_flags', 'username']
SHARED = {
    ('win_smb_session_info', 'smb_session_info'): ['client', 'username', 'share', 'level'],
    ('win_smb_session', 'smb_session'): ['client', 'username', 'share', 'min_idle_seconds', 'exclude_client',
                                         'exclude_username', 'all', 'state'],
}


@pytest.fixture(scope='module')
def docs(ansible_env):
    names = ['win_smb_session_info', 'smb_session_info', 'win_smb_session', 'smb_session']
    proc = subprocess.run([ANSIBLE_DOC, '--json'] + ['lanman.smb.' + n for n in names], env=ansible_env,
                          check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    return dict((n, data['lanman.smb.' + n]) for n in names)


@pytest.mark.parametrize('pair', sorted(SHARED))
def test_shared_options_are_identical(docs, pair):
    win, agentless = (docs[m]['doc']['options'] for m in pair)
    for name in SHARED[pair]:
        assert win[name] == agentless[name], name
    assert not win['server'].get('required') and agentless['server']['required']


@pytest.mark.parametrize('module,key', [
    ('win_smb_session_info', 'sessions'), ('smb_session_info', 'sessions'),
    ('win_smb_session', 'closed_sessions'), ('smb_session', 'closed_sessions'),
])
def test_session_keys_are_the_contract(docs, module, key):
    contains = docs[module]['return'][key]['contains']
    assert sorted(contains) == sorted(CONTRACT_KEYS)


@pytest.mark.parametrize('module', ['win_smb_session', 'smb_session'])
@pytest.mark.parametrize('key,extra', [('skipped_sessions', ['reason']), ('vanished_sessions', [])])
def test_other_session_lists_point_to_the_documented_keys(docs, module, key, extra):
    # One full description of a session per module (closed_sessions); the other lists say so
    # and document only what they add.
    doc = docs[module]['return'][key]
    assert 'Each entry has the keys of RV(closed_sessions)' in doc['description'][0]
    assert sorted(doc.get('contains', {})) == extra


def test_close_modules_return_the_same_keys(docs):
    assert sorted(docs['win_smb_session']['return']) == sorted(docs['smb_session']['return'])
    assert docs['win_smb_session']['return']['skipped_sessions'] == docs['smb_session']['return']['skipped_sessions']


@pytest.mark.parametrize('agentless, windows', [('smb_session', 'win_smb_session'),
                                                ('smb_session_info', 'win_smb_session_info')])
def test_twins_document_their_results_word_for_word(docs, agentless, windows):
    # Same result keys, same behaviour: a description one twin updates and the other does not
    # (close_calls' null client, level's fallbacks) is drift a user would read as a difference.
    mine, theirs = docs[agentless]['return'], docs[windows]['return']
    assert [k for k in sorted(set(mine) | set(theirs)) if mine.get(k) != theirs.get(k)] == []
