"""Name rules of session_names.py (and close_planning.py) that are not planning vectors: client name forms, IPv6 zones,
ANONYMOUS LOGON and CIDR selectors. The tables are tests/fixtures/name_rule_cases.json, which
tests/csharp/PlannerRulesTests.cs runs through the C# twin, so both normalise and match alike."""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import local_host_names, session_names
from ansible_collections.lanman.smb.plugins.module_utils.close_planning import (
    CloseSelection, SKIP_REASONS, CloseSelectionError, plan_close,
)
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    SessionInfo, account_part, client_api_filter, clients_match, filter_sessions, is_machine_account, is_null_session,
    normalise_client, parse_client_network, usernames_match, validate_client_selectors,
)

TABLES = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'name_rule_cases.json')
                    .read_text(encoding='utf-8'))


# table -> the rule its rows check: rule(*arguments) must be the row's last cell, exactly
# (True/False are compared by identity, so a truthy string never passes for True).
RULES = {
    'normalise_client': normalise_client,       # canonical form: no \\, no brackets, RFC 5952, no octal
    'client_api_filter': client_api_filter,     # exactly one leading \\, IPv6 in brackets
    'account_part': account_part,               # what NetSessionDel gets for DOMAIN\user or user@domain
    'clients_match': clients_match,             # zones, IPv4-mapped, CIDR networks
    'is_null_session': is_null_session,         # ANONYMOUS LOGON is one
    'usernames_match': usernames_match,         # null sessions only through ANONYMOUS LOGON
}


def test_every_table_has_a_rule():
    assert sorted(list(RULES) + ['malformed_networks']) == sorted(k for k in TABLES if not k.startswith('_'))


@pytest.mark.parametrize('rule, row', [(rule, row) for rule in RULES for row in TABLES[rule]],
                         ids=repr)
def test_name_rule(rule, row):
    arguments, expected = row[:-1], row[-1]
    actual = RULES[rule](*arguments)
    assert actual is expected if isinstance(expected, bool) else actual == expected


@pytest.mark.parametrize('user', [row[0] for row in TABLES['is_null_session']])
def test_a_null_session_is_never_a_machine_account(user):
    assert not is_machine_account(user) or user == 'ANONYMOUS LOGON$'


def test_null_names_match_nothing():
    assert not clients_match(None, '10.0.0.0/8') and not clients_match('10.0.0.1', None)


@pytest.mark.parametrize('bad', TABLES['malformed_networks'])
def test_a_malformed_network_is_a_value_error_that_names_it_and_the_right_form(bad):
    with pytest.raises(ValueError) as err:
        clients_match('10.1.0.5', bad)
    assert "'%s'" % bad in str(err.value) and '10.1.0.0/16' in str(err.value)


def test_validate_names_the_option_and_accepts_good_selectors():
    with pytest.raises(ValueError) as err:
        validate_client_selectors('exclude_client', ['pc01', '10.1.0.0/33'])
    assert str(err.value).startswith("exclude_client '10.1.0.0/33' is not a valid network")
    validate_client_selectors('client', ['pc01', '10.1.2.3/16', 'fd00::/8', '::ffff:10.0.0.0/104'])


def test_a_network_ignores_host_bits():
    assert str(parse_client_network('10.1.2.3/16')) == '10.1.0.0/16'
    assert str(parse_client_network('\\\\[fdff::1]/8')) == 'fd00::/8'
    assert str(parse_client_network('10.1.2.3/0')) == '0.0.0.0/0'
    assert parse_client_network('10.1.2.3') is None


def test_diff_entries_of_anonymous_and_clientless_sessions():
    assert SessionInfo('\\\\10.0.0.5', 'NT AUTHORITY\\ANONYMOUS LOGON').diff_entry() == '(anonymous)@10.0.0.5'
    assert SessionInfo(None, 'alice').diff_entry() == 'alice@(no client)'
    assert SessionInfo('', 'alice').diff_entry() == 'alice@(no client)'


def test_info_filter_is_cidr_aware_and_refuses_a_malformed_network_even_without_sessions():
    sessions = [SessionInfo('\\\\10.1.0.5', 'bob'), SessionInfo('\\\\10.2.0.5', 'carol'), SessionInfo('\\\\[fd00::5]', 'dave'),
                SessionInfo('\\\\[fe80::1%3]', 'eve'), SessionInfo('', 'fay')]
    assert filter_sessions(sessions, clients=['10.1.0.0/16']) == [sessions[0]]
    assert filter_sessions(sessions, clients=['fd00::/8', 'fe80::1']) == [sessions[2], sessions[3]]
    with pytest.raises(ValueError, match="client '10.1.0.0/33'"):
        filter_sessions([], clients=['10.1.0.0/33'])


def test_plan_refuses_a_malformed_network_with_its_option_named():
    with pytest.raises(CloseSelectionError) as err:
        plan_close([], CloseSelection(all=True, exclude_client=['10.1.0.0/16/2']))
    assert err.value.code == 'bad_client_selector'
    assert isinstance(err.value, ValueError)
    assert str(err.value).startswith("exclude_client '10.1.0.0/16/2' is not a valid network")


def test_no_client_name_is_a_documented_skip_reason():
    assert 'no_client_name' in SKIP_REASONS


# ---------------------------------------------------------------- bad selector entries and servers
# tests/fixtures/selector_check_cases.json, which tests/csharp/PlannerRulesTests.cs runs through
# SelectorCheck.Entries and LocalHost.CheckServer: both twins refuse the same entries with the same text.

CHECKS = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'selector_check_cases.json')
                    .read_text(encoding='utf-8'))


def _row_id(row):
    return ascii(row.get('entries', row.get('server')))[:60]


@pytest.mark.parametrize('row', CHECKS['selectors'], ids=[_row_id(r) for r in CHECKS['selectors']])
def test_selector_entries_table(row):
    check = session_names.check_selector_entries
    if row['error'] is None:
        assert check(row['option'], row['entries']) == list(row['entries'] or [])
        return
    with pytest.raises(ValueError) as err:
        check(row['option'], row['entries'])
    assert str(err.value) == row['error']


@pytest.mark.parametrize('row', CHECKS['servers'], ids=[_row_id(r) for r in CHECKS['servers']])
def test_server_values_table(row):
    if row['error'] is None:
        local_host_names.normalise_server(row['server'])
        return
    with pytest.raises(ValueError) as err:
        local_host_names.normalise_server(row['server'])
    assert str(err.value) == row['error']


def test_selector_table_covers_every_option_and_both_outcomes():
    for option in ('client', 'username', 'exclude_client', 'exclude_username'):
        rows = [r for r in CHECKS['selectors'] if r['option'] == option]
        assert any(r['error'] is None for r in rows) and any(r['error'] for r in rows), option
    assert any(r['error'] is None for r in CHECKS['servers']) and any(r['error'] for r in CHECKS['servers'])


def test_unknown_selector_option_is_a_programming_error():
    with pytest.raises(KeyError):
        session_names.check_selector_entries('user', ['bob'])
