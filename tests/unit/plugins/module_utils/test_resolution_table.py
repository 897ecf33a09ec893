"""tests/fixtures/resolution_cases.json through the agentless resolution (resolve_selectors for
client, resolve_exclusions for exclude_client) with a controlled resolver.

The C# twin runs the same rows through ClientResolution.ResolveClients with its resolver seam
replaced (tests/csharp/SharedTableTests.cs). Adding a row tests both.
"""
import json
import pathlib
import socket

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import client_resolver as ops
from ansible_collections.lanman.smb.plugins.module_utils.session_names import normalise_client

ROOT = pathlib.Path(__file__).resolve().parents[4]
CASES = json.loads((ROOT / 'tests' / 'fixtures' / 'resolution_cases.json').read_text(encoding='utf-8'))['cases']


class TableResolver:
    """socket.getaddrinfo answering the row's addresses (case-insensitive names, like DNS)."""

    def __init__(self, answers):
        self.answers = dict((name.lower(), addresses) for name, addresses in answers.items())
        self.asked = []

    def __call__(self, host, port, *args, **kwargs):
        self.asked.append(host)
        addresses = self.answers.get(host.lower())
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
        return [(socket.AF_INET6 if ':' in a else socket.AF_INET, socket.SOCK_STREAM, 6, '', (a, 0))
                for a in addresses]


def _once(items):
    return list(dict.fromkeys(items))


@pytest.mark.parametrize('case', CASES, ids=[c['name'] for c in CASES])
def test_resolution_case(case, monkeypatch):
    resolver = TableResolver(case['resolver'])
    monkeypatch.setattr(ops.socket, 'getaddrinfo', resolver)
    warnings = []
    selectors, error = [], None
    try:
        if case['option'] == 'client':
            selectors = ops.resolve_selectors(case['entries'], warnings.append)
        else:
            selectors = ops.resolve_exclusions(case['entries'])
    except ops.ResolutionError as e:
        error = str(e)
    assert error == case['error']
    assert _once(resolver.asked) == case['lookups']
    assert _once(normalise_client(s) for s in selectors) == case['selectors']
    assert warnings == case['warnings']
