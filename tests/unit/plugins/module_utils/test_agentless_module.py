"""The agentless glue: server option, listing levels, name resolution, closing and its failures.

Every close test asserts the exact NetrSessionDel arguments the fake received.
"""
import socket

import pytest

from fake_srvsvc import FakeSrvsvc, entry

from ansible_collections.lanman.smb.plugins.module_utils import agentless_module as ops, client_resolver, list_and_close, local_host_names
from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.errors import SrvsvcStatusError
from ansible_collections.lanman.smb.plugins.module_utils.close_planning import CloseSelection, plan_close
from ansible_collections.lanman.smb.plugins.module_utils.session_names import SessionInfo


# ---------------------------------------------------------------- server option

@pytest.mark.parametrize('typed, host', [
    ('files01', 'files01'),
    ('  files01.example.com  ', 'files01.example.com'),
    ('files01.example.com.', 'files01.example.com'),
    ('\\\\files01', 'files01'),
    ('//files01', 'files01'),
    ('\\\\files01.example.com.', 'files01.example.com'),
    ('10.0.0.5', '10.0.0.5'),
    ('\\\\10.0.0.5', '10.0.0.5'),
    ('[::1]', '::1'),
    ('::1', '::1'),
    ('\\\\[fe80::1%3]', 'fe80::1%3'),
    ('[FD00::5]', 'fd00::5'),
])
def test_server_forms_an_admin_types_are_accepted(typed, host):
    assert local_host_names.normalise_server(typed) == host


@pytest.mark.parametrize('typed, hint', [
    ('files01:4445', 'give the port in the port option'),
    ('[::1]:4445', 'give the port in the port option'),
    ('10.0.0.5:445', 'give the port in the port option'),
    ('smb://files01', 'not a URL'),
    ('smb://files01:445/share', 'not a URL'),
    ('\\\\files01\\share', 'names a share or path'),
    ('//files01/share', 'names a share or path'),
    ('files01\\share', 'names a share or path'),
    ('', 'is empty'),
    ('   ', 'is empty'),
    ('\\\\', 'is empty'),
    ('.', 'is empty'),
    ('[files01]', 'brackets'),
    ('[::1', 'brackets'),
    ('fe80::zz', 'not a valid IPv6 address'),
    ('files 01', 'not a valid host name'),
    ('admin@files01', 'not a valid host name'),
    ('files01..', 'not a valid host name'),
])
def test_server_forms_that_cannot_work_are_rejected_with_the_right_form(typed, hint):
    with pytest.raises(ValueError) as err:
        local_host_names.normalise_server(typed)
    assert hint in str(err.value)
    assert 'e.g. ' in str(err.value)  # every message shows the form to give instead


def test_the_share_message_names_the_server_to_give():
    with pytest.raises(ValueError) as err:
        local_host_names.normalise_server('\\\\files01\\share')
    assert "server: files01" in str(err.value)
    with pytest.raises(ValueError) as err:
        local_host_names.normalise_server('files01:4445')
    assert 'server: files01, port: 4445' in str(err.value)


@pytest.mark.parametrize('port, ok', [(0, False), (-1, False), (65536, False), (1, True), (445, True), (65535, True)])
def test_port_range(port, ok):
    params = dict(server='files01', port=port, timeout=30)
    if ok:
        assert ops.check_connection_options(params) == 'files01'
    else:
        with pytest.raises(ValueError) as err:
            ops.check_connection_options(params)
        assert 'port must be between 1 and 65535' in str(err.value)


@pytest.mark.parametrize('timeout', [0, -5])
def test_timeout_must_be_positive(timeout):
    with pytest.raises(ValueError) as err:
        ops.check_connection_options(dict(server='files01', port=445, timeout=timeout))
    assert 'timeout must be a positive number of seconds' in str(err.value)


# ---------------------------------------------------------------- listing levels

SAMBA_LEVELS = {2: 124, 10: 124, 502: 124}  # Samba serves 0 and 1 only


def _three_users():
    return [entry('\\\\10.0.0.5', 'alice'), entry('\\\\10.0.0.6', 'bob'), entry('\\\\10.0.0.7', 'alice'),
            entry('\\\\10.0.0.8', 'carol')]


@pytest.mark.parametrize('honour_filters', [False, True], ids=['samba-ignores-filters', 'windows-honours-filters'])
def test_level_0_with_username_lists_at_level_10_and_projects_to_level_0(honour_filters):
    fake = FakeSrvsvc(_three_users(), honour_filters=honour_filters)
    sessions, level = list_and_close.list_sessions(fake, 0, [], ['CORP\\Alice'])
    assert level == 0
    assert fake.calls('enum') == [(10, None, 'Alice')]
    results = [s.to_result() for s in sessions]
    assert [r['client'] for r in results] == ['10.0.0.5', '10.0.0.7']
    for r in results:  # level 0 carries the client only: every other key null
        assert [k for k, v in r.items() if v is not None] == ['client']


@pytest.mark.parametrize('null_name', ['ANONYMOUS LOGON', 'NT AUTHORITY\\ANONYMOUS LOGON'])
def test_a_null_session_username_is_never_a_wire_filter(null_name):
    """No account is called ANONYMOUS LOGON: a server that honours the filter would answer none.
    The null sessions it names are found by the local filter (as in the C# twin)."""
    fake = FakeSrvsvc([entry('\\\\10.0.0.5', ''), entry('\\\\10.0.0.6', 'bob')], honour_filters=True)
    sessions, level = list_and_close.list_sessions(fake, None, [], [null_name])
    assert [user for _lvl, _c, user in fake.calls('enum')] == [None]
    assert [s.client for s in sessions] == ['10.0.0.5']


def test_level_0_with_username_on_samba_falls_back_to_level_1_not_an_empty_list():
    fake = FakeSrvsvc(_three_users(), enum_status=SAMBA_LEVELS)
    sessions, level = list_and_close.list_sessions(fake, 0, [], ['alice', 'carol'])
    assert level == 0
    assert [lvl for lvl, _c, _u in fake.calls('enum')] == [10, 1]
    assert sorted(s.client for s in sessions) == ['10.0.0.5', '10.0.0.7', '10.0.0.8']
    assert all(s.username is None and s.idle_seconds is None for s in sessions)


def test_level_0_with_username_and_client_applies_both():
    fake = FakeSrvsvc(_three_users(), enum_status=SAMBA_LEVELS)
    sessions, level = list_and_close.list_sessions(fake, 0, ['10.0.0.7'], ['alice'])
    assert [s.client for s in sessions] == ['10.0.0.7']


def test_level_0_with_username_fails_clearly_when_no_level_carries_names():
    fake = FakeSrvsvc(_three_users(), enum_status={10: 124, 1: 124})
    with pytest.raises(list_and_close.LevelError) as err:
        list_and_close.list_sessions(fake, 0, [], ['alice'])
    assert 'level 0 carries no user name' in str(err.value)
    assert 'level 1' in str(err.value) and 'drop the username filter' in str(err.value)


def test_level_0_without_username_stays_at_level_0():
    fake = FakeSrvsvc(_three_users())
    sessions, level = list_and_close.list_sessions(fake, 0, ['10.0.0.6'], [])
    assert level == 0 and fake.calls('enum') == [(0, '\\\\10.0.0.6', None)]
    assert [s.client for s in sessions] == ['10.0.0.6']


def test_unset_level_with_502_denied_retries_at_level_10_and_warns():
    fake = FakeSrvsvc(_three_users(), enum_status={502: 5})
    warnings = []
    sessions, level = list_and_close.list_sessions(fake, None, [], [], warn=warnings.append)
    assert level == 10
    assert [lvl for lvl, _c, _u in fake.calls('enum')] == [502, 10]
    assert warnings == [list_and_close.LEVEL_502_DENIED_WARNING]
    assert list_and_close.LEVEL_502_DENIED_WARNING == (
        'Access to level 502 was denied; listed at level 10 (user-info right only): num_opens, '
        'user_flags, is_guest, cleartext_password, client_type and transport are null.')
    assert len(sessions) == 4 and all(s.num_opens is None and s.username for s in sessions)


def test_level_10_is_not_in_the_124_chain():
    fake = FakeSrvsvc(_three_users(), enum_status=SAMBA_LEVELS)
    warnings = []
    sessions, level = list_and_close.list_sessions(fake, None, [], [], warn=warnings.append)
    assert level == 1 and [lvl for lvl, _c, _u in fake.calls('enum')] == [502, 2, 1] and warnings == []


def test_explicit_502_denied_is_never_changed():
    fake = FakeSrvsvc(_three_users(), enum_status={502: 5})
    with pytest.raises(SrvsvcStatusError) as err:
        list_and_close.list_sessions(fake, 502, [], [])
    assert err.value.status == 5 and fake.calls('enum') == [(502, None, None)]


def test_502_and_10_both_denied_is_the_access_error():
    fake = FakeSrvsvc(_three_users(), enum_status={502: 5, 10: 5})
    with pytest.raises(SrvsvcStatusError) as err:
        list_and_close.list_sessions(fake, None, [], [])
    assert err.value.status == 5


# ---------------------------------------------------------------- client resolution

@pytest.fixture()
def no_dns(monkeypatch):
    asked = []

    def refuse(host, *args, **kwargs):
        asked.append(host)
        raise AssertionError('resolved %r' % host)
    monkeypatch.setattr(socket, 'getaddrinfo', refuse)
    return asked


@pytest.mark.parametrize('name', ['10.0.0.5', '\\\\10.0.0.5', '10.1.0.0/16', 'fd00::/8', '\\\\[fe80::1%3]', '::1'])
def test_addresses_and_networks_are_never_resolved(no_dns, name):
    warnings = []
    assert client_resolver.resolve_exclusions([name]) == [name]
    assert client_resolver.resolve_selectors([name], warnings.append) == [name]
    assert no_dns == [] and warnings == []


def test_an_exclusion_that_does_not_resolve_is_an_error():
    with pytest.raises(client_resolver.ResolutionError) as err:
        client_resolver.resolve_exclusions(['10.0.0.9', 'backup01.invalid'])
    assert str(err.value) == (
        "exclude_client 'backup01.invalid' does not resolve to any address, so it would protect "
        "nothing; fix the name or give its IP address.")


def test_an_unresolvable_client_selector_warns_and_matches_as_a_name():
    warnings = []
    assert client_resolver.resolve_selectors(['ws42.invalid'], warnings.append) == ['ws42.invalid']
    assert warnings == ["client 'ws42.invalid' does not resolve; matching it only as a name the server might report"]


def test_addresses_this_host_resolves_or_owns_carry_no_ipv6_zone(monkeypatch):
    """A zone is this host's interface number; the server reports our link-local address with
    its own number, so a zoned own address or exclusion would match nothing and protect nothing."""
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', lambda *a, **k: [
        (10, 1, 6, '', ('fe80::1%eth0', 0, 0, 2)), (2, 1, 6, '', ('10.0.0.9', 0))])
    assert client_resolver.resolve_exclusions(['backup01']) == ['backup01', 'fe80::1', '10.0.0.9']
    client = type('Connected', (), {'local_address': 'fe80::fc:ff:fe00:1%4', 'auth_username': 'CORP\\svc'})()
    assert local_host_names.own_identity(client) == (['fe80::fc:ff:fe00:1'], 'svc')
    plan = plan_close([SessionInfo('\\\\[fe80::fc:ff:fe00:1%7]', 'svc'), SessionInfo('\\\\[fe80::1%7]', 'bob')],
                      CloseSelection(all=True, exclude_client=['backup01', 'fe80::1'],
                                     own_client=['fe80::fc:ff:fe00:1'], own_username='svc'))
    assert plan.targets == [] and [k.reason for k in plan.skipped] == ['own_session', 'excluded_client']


@pytest.fixture()
def lookups(monkeypatch):
    """A resolver that logs every name it is asked and resolves none."""
    asked = []

    def log(host, *args, **kwargs):
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', log)
    return asked


BLANK_CLIENTS = [None, '', '  ', '\\', '\\\\', '[]', '\\[]', '.', '\\.', ' [ ] ']


@pytest.mark.parametrize('blank', BLANK_CLIENTS)
def test_a_blank_client_entry_fails_and_nothing_is_looked_up(lookups, blank):
    """getaddrinfo('') and Dns.GetHostAddresses('') can answer this host's own addresses: a
    blank entry (here after a name, so the order is proven too) fails before any lookup."""
    with pytest.raises(client_resolver.ResolutionError) as err:
        client_resolver.resolve_selectors(['pc01', blank], lambda text: None)
    assert str(err.value).startswith('client[1] is empty (')
    with pytest.raises(client_resolver.ResolutionError) as err:
        client_resolver.resolve_exclusions(['pc01', blank])
    assert str(err.value).startswith('exclude_client[1] is empty (')
    assert lookups == []


@pytest.mark.parametrize('blank', BLANK_CLIENTS)
def test_the_resolver_is_never_asked_for_an_empty_name_even_without_the_entry_check(monkeypatch, lookups, blank):
    """Defence in depth: with check_selector_entries gone, _resolve still never looks up a name that
    is empty once its \\, brackets and root dot are gone; it fails instead of matching everything."""
    monkeypatch.setattr(client_resolver, 'check_selector_entries', lambda option, entries: list(entries or []))
    for resolve in (lambda names: client_resolver.resolve_selectors(names, lambda text: None), client_resolver.resolve_exclusions):
        with pytest.raises(client_resolver.ResolutionError) as err:
            resolve([blank])
        assert 'empty' in str(err.value)
    assert lookups == []


def test_names_that_are_not_blank_are_still_looked_up(lookups):
    warned = []
    assert client_resolver.resolve_selectors(['pc01.', 'ws42'], warned.append) == ['pc01.', 'ws42']
    assert lookups == ['pc01', 'ws42'] and len(warned) == 2


@pytest.mark.parametrize('name', ['\\\\', '.', '\\\\.', '..', '[]', '\\\\[]', ' . ', '\\\\ '])
def test_a_name_with_nothing_to_look_up_is_never_looked_up(no_dns, name):
    """As in the C# twin (ResolverTests.cs): left with no host once normalised and its root dots
    dropped, an entry names no client. A lookup of '' would answer this host's own addresses on
    some resolvers (.NET's does), so client '.' would close this host's sessions: it fails, for
    client and exclude_client alike, and nothing is looked up."""
    for resolve in (lambda names: client_resolver.resolve_selectors(names, lambda text: None), client_resolver.resolve_exclusions):
        with pytest.raises(client_resolver.ResolutionError, match=r'\[0\] is empty'):
            resolve([name])
    assert no_dns == []


def test_a_host_name_adds_its_addresses():
    warnings = []
    resolved = client_resolver.resolve_selectors(['localhost'], warnings.append)
    assert resolved[0] == 'localhost' and '127.0.0.1' in resolved and warnings == []
    assert '127.0.0.1' in client_resolver.resolve_exclusions(['localhost.'])


# ---------------------------------------------------------------- closing

ADMIN = 'svc-admin'


def _plan(fake, **selection):
    sessions, level = list_and_close.list_sessions(fake, None, [], [])
    selection.setdefault('own_client', [fake.local_address])
    selection.setdefault('own_username', ADMIN)
    fake.log = []
    return plan_close(sessions, CloseSelection(**selection)), level


def _pairs(sessions):
    return [(s.client, s.username) for s in sessions]


def _three_pairs(**kwargs):
    return FakeSrvsvc([entry('\\\\10.0.0.5', 'alice'), entry('\\\\10.0.0.6', 'bob'), entry('\\\\10.0.0.6', 'bob'),
                       entry('\\\\10.0.0.7', 'carol'), entry('\\\\10.9.9.9', ADMIN)], **kwargs)


def test_a_denied_second_close_stops_and_reports_done_failed_and_untried():
    fake = _three_pairs(delete_status={2: 5})
    plan, level = _plan(fake, all=True)
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    # exactly what reached NetrSessionDel: the first two pairs, never the third
    assert fake.calls('del') == [('\\\\10.0.0.5', 'alice'), ('\\\\10.0.0.6', 'bob')]
    assert fake.calls('enum') == [(level, None, None)]  # the re-list that tells denied from vanished
    assert outcome.changed is True
    assert _pairs(outcome.closed) == [('10.0.0.5', 'alice')]
    assert outcome.vanished == []
    assert outcome.calls == [{'client': '10.0.0.5', 'username': 'alice'}, {'client': '10.0.0.6', 'username': 'bob'}]
    failed = outcome.failed_call
    assert (failed['client'], failed['username'], failed['status']) == ('10.0.0.6', 'bob', 5)
    assert 'Access is denied' in failed['message']
    assert [s['username'] for s in failed['sessions']] == ['bob', 'bob']
    assert [(c['client'], c['username'], [s['username'] for s in c['sessions']]) for c in outcome.untried] == [
        ('10.0.0.7', 'carol', ['carol'])]
    assert 'client 10.0.0.6, user bob' in outcome.error and 'status 5' in outcome.error
    assert [(e['cname'], e['username']) for e in fake.live] == [
        ('\\\\10.0.0.6', 'bob'), ('\\\\10.0.0.6', 'bob'), ('\\\\10.0.0.7', 'carol'), ('\\\\10.9.9.9', ADMIN)]


def test_a_failed_first_close_is_unchanged_with_everything_untried():
    fake = _three_pairs(delete_status={1: 87})
    plan, level = _plan(fake, all=True)
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert fake.calls('del') == [('\\\\10.0.0.5', 'alice')]
    assert fake.calls('enum') == []  # 87 is not ambiguous: no re-list
    assert outcome.changed is False and outcome.closed == []
    assert outcome.failed_call['status'] == 87
    assert [c['username'] for c in outcome.untried] == ['bob', 'carol']


def test_a_dropped_connection_is_a_failed_call_without_status():
    fake = _three_pairs(delete_status={3: 'connection'})
    plan, level = _plan(fake, all=True)
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert outcome.changed is True and _pairs(outcome.closed) == [
        ('10.0.0.5', 'alice'), ('10.0.0.6', 'bob'), ('10.0.0.6', 'bob')]
    assert outcome.failed_call['status'] is None and 'connection reset' in outcome.failed_call['message']
    assert outcome.untried == []


def test_success_has_no_failed_call_and_nothing_untried():
    fake = _three_pairs()
    plan, level = _plan(fake, all=True)
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert outcome.failed_call is None and outcome.untried == [] and outcome.error is None
    assert len(fake.calls('del')) == 3 and [(e['cname'], e['username']) for e in fake.live] == [('\\\\10.9.9.9', ADMIN)]


def test_check_mode_calls_nothing():
    fake = _three_pairs(delete_status={1: 5})
    plan, level = _plan(fake, all=True)
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=True)
    assert fake.log == [] and outcome.changed is True and len(outcome.closed) == 4 and outcome.failed_call is None


# ---------------------------------------------------------------- vanished vs denied

def test_2312_is_vanished_without_a_re_list():
    fake = _three_pairs(vanish_before={2})  # bob logs off; the fake then answers 2312 like Windows
    plan, level = _plan(fake, all=True)
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert fake.calls('enum') == []
    assert _pairs(outcome.vanished) == [('10.0.0.6', 'bob'), ('10.0.0.6', 'bob')]
    assert outcome.failed_call is None and len(fake.calls('del')) == 3


def test_5_with_the_pair_gone_is_vanished_and_closing_goes_on():
    fake = _three_pairs(vanish_before={2}, delete_status={2: 5})  # Samba: 5 when nothing matched
    plan, level = _plan(fake, all=True)
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert fake.calls('enum') == [(level, None, None)]
    assert _pairs(outcome.vanished) == [('10.0.0.6', 'bob'), ('10.0.0.6', 'bob')]
    assert outcome.failed_call is None
    assert fake.calls('del') == [('\\\\10.0.0.5', 'alice'), ('\\\\10.0.0.6', 'bob'), ('\\\\10.0.0.7', 'carol')]


def test_5_with_the_pair_still_present_is_denied_not_vanished():
    fake = _three_pairs(delete_status={1: 5})
    plan, level = _plan(fake, username=['alice'])
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert outcome.vanished == [] and outcome.failed_call['status'] == 5


def test_5_with_the_user_now_spelled_differently_is_still_present():
    fake = _three_pairs(delete_status={1: 5})
    plan, level = _plan(fake, username=['alice'])
    fake.live[0]['username'] = 'ALICE'
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert outcome.vanished == [] and outcome.failed_call['status'] == 5


def test_5_with_only_another_user_left_on_the_client_is_vanished_for_a_pair():
    fake = FakeSrvsvc([entry('\\\\10.0.0.5', 'alice'), entry('\\\\10.0.0.5', 'dave')],
                      vanish_before={1}, delete_status={1: 5})
    plan, level = _plan(fake, username=['alice'])
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert _pairs(outcome.vanished) == [('10.0.0.5', 'alice')] and outcome.failed_call is None


def test_5_on_a_client_wide_close_with_any_session_left_on_that_client_is_denied():
    # a null session forces a client-wide close of 10.0.0.5; dave is still there afterwards
    fake = FakeSrvsvc([entry('\\\\10.0.0.5', ''), entry('\\\\10.0.0.5', 'dave')], delete_status={1: 5})
    plan, level = _plan(fake, client=['10.0.0.5'])
    assert [(t.client, t.username) for t in plan.targets] == [('10.0.0.5', None)]
    fake.live = [entry('\\\\10.0.0.5', 'dave')]  # the null session ended, dave did not
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert fake.calls('del') == [('\\\\10.0.0.5', None)]
    assert outcome.vanished == [] and outcome.failed_call['status'] == 5 and outcome.failed_call['username'] is None


def test_5_when_the_re_list_fails_too_is_a_failure():
    fake = _three_pairs(delete_status={1: 5})
    plan, level = _plan(fake, username=['alice'])
    fake.enum_status[level] = 5
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert outcome.vanished == [] and outcome.failed_call['status'] == 5
    assert 'could not list the sessions again' in outcome.failed_call['message']


def test_5_with_only_the_same_user_on_another_client_left_is_vanished_for_a_pair():
    fake = FakeSrvsvc([entry('\\\\10.0.0.5', 'alice'), entry('\\\\10.0.0.7', 'alice')],
                      vanish_before={1}, delete_status={1: 5})
    plan, level = _plan(fake, client=['10.0.0.5'], username=['alice'])
    outcome = list_and_close.execute_plan(fake, plan, level, check_mode=False)
    assert fake.calls('del') == [('\\\\10.0.0.5', 'alice')]
    assert _pairs(outcome.vanished) == [('10.0.0.5', 'alice')] and outcome.failed_call is None
