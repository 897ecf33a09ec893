"""smb_session_audit refuses bad filter entries and servers before any server is contacted, with
the texts of the other agentless modules (tests/fixtures/selector_check_cases.json)."""
import socket

import pytest

from ansible_collections.lanman.smb.plugins.module_utils import client_resolver, fleet_audit


def _params(**extra):
    params = dict(level=None, client=None, username=None, auth_username='bob', auth_password='pw',
                  auth_protocol='ntlm', require_encryption=False, timeout=5, port=445, workers=1,
                  servers=['files01'])
    params.update(extra)
    return params


@pytest.mark.parametrize('extra, message', [
    (dict(username=['']), "username[0] is empty ('')"),
    (dict(username=['alice', 'LAB\\']), "username[1] is empty ('LAB\\')"),
    (dict(client=['10.0.0.5', '\\\\']), "client[1] is empty ('\\\\')"),
    (dict(client=['.']), "client[0] is empty ('.')"),
    (dict(username=['LAB\x07lice']), "username[0] 'LAB\\alice' holds a control character (U+0007 at position 4)"),
    (dict(servers=['files01', '0.0.0.0']), "servers[1]: server '0.0.0.0' is the unspecified address"),
    (dict(servers=['*']), "servers[0]: server '*' is a wildcard pattern"),
    (dict(servers=[{'server': '127.1', 'port': 4450}]), "servers[0]: server '127.1' is a numeric shorthand"),
], ids=lambda v: ascii(v)[:40])
def test_bad_filters_and_servers_fail_before_any_lookup(monkeypatch, extra, message):
    looked_up = []
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo',
                        lambda host, *a, **k: looked_up.append(host) or [])
    with pytest.raises(fleet_audit.AuditInputError) as err:
        fleet_audit.check_options(_params(**extra))
    assert str(err.value).startswith(message), str(err.value)
    assert looked_up == []


def test_the_audit_itself_never_resolves_a_blank_client(monkeypatch):
    """FleetAudit resolves the client filter once; a blank entry fails there too (ResolutionError)."""
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo',
                        lambda *a, **k: pytest.fail('looked up %r' % (a,)))
    with pytest.raises(client_resolver.ResolutionError):
        fleet_audit.FleetAudit(_params(client=['[]']), warn=lambda text: None)


def test_good_filters_pass(monkeypatch):
    def unresolvable(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
    monkeypatch.setattr(client_resolver.socket, 'getaddrinfo', unresolvable)
    targets = fleet_audit.check_options(_params(client=['10.0.0.5'], username=['ANONYMOUS LOGON', 'HOST$']))
    assert [(t.name, t.server, t.port) for t in targets] == [('files01', 'files01', 445)]
