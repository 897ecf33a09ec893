"""allowed_clients and waiver client entries follow the module options' client rules, row for row.

The rows are the clients_match and malformed_networks tables of tests/fixtures/name_rule_cases.json,
which session_names.py (test_name_rule_tables.py) and SessionNames.cs (PlannerRulesTests.cs) run
too: a policy entry selects exactly the clients the same text selects as a module's ``client`` option,
and refuses exactly the networks the modules refuse, with the modules' message naming the policy key.
"""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import PolicyError, evaluate, evaluate_all
from ansible_collections.lanman.smb.plugins.module_utils.session_names import validate_client_selectors

from contract_session import session

TABLES = json.loads((pathlib.Path(__file__).resolve().parents[3] / 'fixtures' / 'name_rule_cases.json')
                    .read_text(encoding='utf-8'))
# A blank entry is refused by the policy before matching (test_session_policy.py), as by the modules.
MATCH_ROWS = [row for row in TABLES['clients_match'] if row[1].strip()]
WAIVER = {'rule': 'allowed_clients', 'justification': 'migration', 'expires': '2999-12-31'}


def _status(policy_data, client, resolver=None):
    evaluation = evaluate(load_policy(policy_data),
                          {'server': 'fs01', 'level': 502, 'sessions': [session(client)], 'error': None},
                          resolver=resolver)
    (found,) = [r for r in evaluation['rules'] if r['rule'] == 'allowed_clients']
    return found['status']


@pytest.mark.parametrize('client, entry, selected', MATCH_ROWS, ids=repr)
def test_allowed_clients_entry_selects_what_the_client_option_selects(client, entry, selected):
    status = _status({'allowed_clients': [entry]}, client)
    if not client:
        assert status == 'not_evaluable'   # a session without a client name is not judged
    else:
        assert status == ('pass' if selected else 'violation')


@pytest.mark.parametrize('client, entry, selected', [r for r in MATCH_ROWS if r[0]], ids=repr)
def test_waiver_client_entry_selects_what_the_client_option_selects(client, entry, selected):
    waiver = dict(WAIVER, client=[entry])
    status = _status({'allowed_clients': ['192.0.2.1'], 'waivers': [waiver]}, client)
    assert status == ('waived' if selected else 'violation')


def _module_message(option, entry):
    with pytest.raises(ValueError) as err:
        validate_client_selectors(option, [entry])
    return str(err.value)


@pytest.mark.parametrize('bad', TABLES['malformed_networks'])
def test_a_malformed_allowed_clients_network_fails_as_the_modules_do(bad):
    with pytest.raises(PolicyError) as err:
        load_policy({'allowed_clients': ['10.0.0.0/8', bad]})
    expected = _module_message('allowed_clients', bad.strip())
    assert str(err.value) == expected
    assert expected.startswith("allowed_clients '%s' is not a valid network" % bad.strip())


@pytest.mark.parametrize('bad', TABLES['malformed_networks'])
def test_a_malformed_waiver_client_network_fails_as_the_modules_do(bad):
    with pytest.raises(PolicyError) as err:
        load_policy({'allowed_clients': ['10.0.0.0/8'], 'waivers': [dict(WAIVER, client=['10.9.0.0/16', bad])]})
    assert str(err.value) == _module_message('waivers[0] client', bad.strip())


def test_a_netmask_is_refused_and_the_message_says_how_to_write_a_network():
    with pytest.raises(PolicyError) as err:
        load_policy({'allowed_clients': ['10.0.0.0/255.255.0.0']})
    # docs/policy.md shows this message
    assert str(err.value) == ("allowed_clients '10.0.0.0/255.255.0.0' is not a valid network: the prefix length "
                              "'255.255.0.0' is not a number; write a network as address/prefix length, for example "
                              "10.1.0.0/16 or fd00::/8 (prefix length 0-32 for IPv4, 0-128 for IPv6).")


# ---------------------------------------------------------------- resolved host names
# The policy resolves its host names once per run (evaluate_all); the addresses are read as the
# modules read a resolved client option: canonical, IPv4-mapped as IPv4, without the %zone of the
# controller's interface (the server reports the client with its own interface number).

def test_a_resolved_link_local_address_matches_whatever_zone_the_server_reports():
    def resolver(name):
        return ['fe80::1%2'] if name == 'ws01' else []
    assert _status({'allowed_clients': ['ws01']}, 'fe80::1%5', resolver) == 'pass'
    assert _status({'allowed_clients': ['ws01']}, 'fe80::1', resolver) == 'pass'
    assert _status({'allowed_clients': ['ws01']}, 'fe80::2%5', resolver) == 'violation'


def test_a_resolved_ipv4_mapped_address_matches_the_ipv4_client():
    def resolver(name):
        return ['::ffff:10.0.0.5']
    assert _status({'allowed_clients': ['ws01']}, '10.0.0.5', resolver) == 'pass'
    assert _status({'allowed_clients': ['ws01']}, '10.0.0.6', resolver) == 'violation'


def test_a_host_name_is_looked_up_without_its_trailing_dot_once_per_run():
    asked = []

    def resolver(name):
        asked.append(name)
        return ['10.0.0.5']
    policy = load_policy({'allowed_clients': ['ws01.corp.example.', 'ws01.corp.example']})
    results = [{'server': s, 'level': 502, 'sessions': [session('10.0.0.5')], 'error': None} for s in 'ab']
    assert [e['rules'][0]['status'] for e in evaluate_all(policy, results, resolver=resolver)] == ['pass', 'pass']
    assert asked == ['ws01.corp.example']


def test_a_client_reported_by_name_is_never_matched_through_addresses():
    def resolver(name):
        return ['10.0.0.5']
    # ws01 resolves to 10.0.0.5, but a session reported as 'pc07' is judged by its name only.
    assert _status({'allowed_clients': ['ws01', '10.0.0.0/8']}, 'pc07', resolver) == 'violation'
    # nor through a resolver answer that is not an address
    assert _status({'allowed_clients': ['ws01']}, 'pc07', lambda name: ['pc07', '10.0.0.5']) == 'violation'
