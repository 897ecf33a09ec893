"""Name rules of session_rules.py that are not planning vectors: client name forms, IPv6 zones,
ANONYMOUS LOGON and CIDR selectors. tests/csharp/PlannerRulesTests.cs holds the same tables for
the C# twin, so both normalise and match alike."""
import pytest

from ansible_collections.lanman.smb.plugins.module_utils.session_rules import (
    SKIP_REASONS, CloseSelection, SelectionError, Session, clients_match, filter_sessions, is_machine_account,
    is_null_session, normalise_client, parse_client_network, plan_close, usernames_match,
    validate_client_selectors,
)


@pytest.mark.parametrize('raw, expected', [
    ('010.1.0.5', '010.1.0.5'), ('::a01:203', '::a01:203'), ('::10.1.2.3', '::a01:203'),
    ('1:0:0:1:0:0:0:1', '1:0:0:1::1'), ('1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'), ('FD00::', 'fd00::'),
    ('::ffff:0:1.2.3.4', '::ffff:0:102:304'), ('0:0:0:0:0:0:0:0', '::'), ('::ffff:010.1.0.5', '::ffff:010.1.0.5'),
    ('10.0.0.5%3', '10.0.0.5%3'), ('\\\\[fe80::1%]', 'fe80::1%'), ('  ', ''), ('\\\\', ''),
    ('[FE80::1%eth0]', 'fe80::1%eth0'), ('2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'),
])
def test_normalise_client_like_the_csharp_twin(raw, expected):
    assert normalise_client(raw) == expected


@pytest.mark.parametrize('client, selector, expected', [
    ('fe80::1%3', 'fe80::1', True), ('fe80::1', '\\\\[FE80::0:1%3]', True), ('fe80::1%3', 'fe80::1%4', False),
    ('fe80::1%3', 'FE80::0:1%3', True), ('fe80::1%3', 'fe80::2', False), ('host%3', 'host', False),
    ('10.0.0.5%3', '10.0.0.5', False), ('', '', False), ('', '10.0.0.0/8', False), ('10.1.2.3', '10.1.0.0/16', True),
    ('::ffff:10.1.2.3', '10.1.0.0/16', True), ('10.1.2.3', '::ffff:10.1.0.0/112', True), ('10.1.2.3', '::/0', True),
    ('fd00::1', '0.0.0.0/0', False), ('pc01', '0.0.0.0/0', False), ('fe80::1%3', 'fe80::/10', True),
    ('10.1.2.3', '10.1.2.3/32', True), ('10.1.2.4', '10.1.2.3/32', False), ('\\\\[fd00::1]', '[fd00::]/8', True),
    ('10.1.2.3', '\\\\10.1.0.0/16', True), ('10.1.0.0/16', '10.1.0.0/16', False), ('010.1.2.3', '10.0.0.0/8', False),
    ('10.255.255.255', '10.0.0.0/8', True), ('11.0.0.0', '10.0.0.0/8', False), ('fc00::1', 'fd00::/8', False),
])
def test_clients_match_zones_and_networks(client, selector, expected):
    assert clients_match(client, selector) is expected


def test_null_names_match_nothing():
    assert not clients_match(None, '10.0.0.0/8') and not clients_match('10.0.0.1', None)


MALFORMED = ['10.1.0.0/33', '10.1.0.0/16/2', 'fd00::/129', 'pc01/24', '010.1.0.0/16', '10.1.0.0/255.255.0.0',
             '10.1.0.0/', '/16', 'fe80::%3/64', '10.1.0.0/-1', '10.1.0.0/ 16', '10.1.0.0/1e1', '10.1.0.0/\u0663',
             '10.1/16']


@pytest.mark.parametrize('bad', MALFORMED)
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


@pytest.mark.parametrize('user, expected', [
    ('', True), (' ', True), ('ANONYMOUS LOGON', True), ('anonymous logon', True),
    ('NT AUTHORITY\\ANONYMOUS LOGON', True), ('nt authority\\Anonymous Logon', True), ('CORP\\ANONYMOUS LOGON', False),
    ('ANONYMOUS', False), ('ANONYMOUS LOGON$', False), ('bob', False), (None, True),
])
def test_anonymous_logon_is_a_null_session(user, expected):
    assert is_null_session(user) is expected
    assert not is_machine_account(user) or user == 'ANONYMOUS LOGON$'


@pytest.mark.parametrize('user, selector, expected', [
    ('', 'ANONYMOUS LOGON', True), ('ANONYMOUS LOGON', 'nt authority\\anonymous logon', True), ('bob', '', False),
    ('', '', False), ('ANONYMOUS LOGON', 'anonymous', False), ('bob', 'ANONYMOUS LOGON', False),
    ('ANONYMOUS LOGON', 'bob', False), ('Bob', 'CORP\\BOB', True), ('bob', ' ', False),
])
def test_usernames_match_null_sessions_only_through_anonymous_logon(user, selector, expected):
    assert usernames_match(user, selector) is expected


def test_diff_entries_of_anonymous_and_clientless_sessions():
    assert Session('\\\\10.0.0.5', 'NT AUTHORITY\\ANONYMOUS LOGON').diff_entry() == '(anonymous)@10.0.0.5'
    assert Session(None, 'alice').diff_entry() == 'alice@(no client)'
    assert Session('', 'alice').diff_entry() == 'alice@(no client)'


def test_info_filter_is_cidr_aware_and_refuses_a_malformed_network_even_without_sessions():
    sessions = [Session('\\\\10.1.0.5', 'bob'), Session('\\\\10.2.0.5', 'carol'), Session('\\\\[fd00::5]', 'dave'),
                Session('\\\\[fe80::1%3]', 'eve'), Session('', 'fay')]
    assert filter_sessions(sessions, clients=['10.1.0.0/16']) == [sessions[0]]
    assert filter_sessions(sessions, clients=['fd00::/8', 'fe80::1']) == [sessions[2], sessions[3]]
    with pytest.raises(ValueError, match="client '10.1.0.0/33'"):
        filter_sessions([], clients=['10.1.0.0/33'])


def test_plan_refuses_a_malformed_network_with_its_option_named():
    with pytest.raises(SelectionError) as err:
        plan_close([], CloseSelection(all=True, exclude_client=['10.1.0.0/16/2']))
    assert err.value.code == 'bad_client_selector'
    assert isinstance(err.value, ValueError)
    assert str(err.value).startswith("exclude_client '10.1.0.0/16/2' is not a valid network")


def test_no_client_name_is_a_documented_skip_reason():
    assert 'no_client_name' in SKIP_REASONS
