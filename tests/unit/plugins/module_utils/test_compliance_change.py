"""Change since the last run (compliance_change.py): new, persisting (first seen), resolved."""
import json

import pytest

from ansible_collections.lanman.smb.plugins.module_utils.compliance_change import (
    PreviousReportError, compare, load_previous,
)


def finding(server, rule, client, user, **extra):
    data = {'server': server, 'rule': rule, 'session': None if client is None and user is None else
            {'client': client, 'username': user}, 'observed': 1, 'limit': 0, 'message': 'm',
            'waiver_status': None}
    data.update(extra)
    return data


def ev(server, *findings, **extra):
    data = {'server': server, 'error': None, 'findings': list(findings)}
    data.update(extra)
    return data


PREVIOUS = {'generated': '2026-06-01T03:00:00+00:00', 'findings': [
    finding('fs1', 'forbidden_users', '10.0.0.5', 'carol', first_seen='2026-05-01T03:00:00+00:00'),
    finding('fs1', 'forbidden_users', '10.0.0.5', 'carol'),           # an older report: no first_seen
    finding('fs1', 'allowed_clients', '192.0.2.1', 'dave'),
    finding('fs2', 'max_sessions_per_server', None, None),
    finding('down', 'forbidden_users', '10.0.0.9', 'carol'),
]}
NOW = '2026-06-02T03:00:00+00:00'


def test_every_finding_is_new_or_persisting_and_gone_ones_are_resolved():
    evaluations = [
        ev('FS1',
           finding('FS1', 'forbidden_users', '10.0.0.5', 'Carol'),
           finding('FS1', 'forbidden_users', '10.0.0.5', 'carol'),
           finding('FS1', 'forbidden_users', '10.0.0.5', 'carol'),      # a third alike session: new
           finding('FS1', 'deny_guest', '10.0.0.6', 'nobody', waiver_status='active')),
        ev('fs2'),
        ev('down', error='refused'),
    ]
    change = compare(evaluations, PREVIOUS, NOW, previous_path='/r/report.json')
    got = [(f['rule'], f['change'], f['first_seen']) for f in evaluations[0]['findings']]
    assert got == [('forbidden_users', 'persisting', '2026-05-01T03:00:00+00:00'),
                   ('forbidden_users', 'persisting', '2026-06-01T03:00:00+00:00'),
                   ('forbidden_users', 'new', NOW),
                   ('deny_guest', 'new', NOW)]
    assert (change['new'], change['persisting'], change['resolved'], change['not_rechecked']) == (1, 2, 2, 1)
    assert sorted((r['server'], r['rule'], r['last_seen']) for r in change['resolved_findings']) == [
        ('fs1', 'allowed_clients', PREVIOUS['generated']), ('fs2', 'max_sessions_per_server', PREVIOUS['generated'])]
    assert change['previous_report'] == '/r/report.json'


def test_without_a_previous_report_every_finding_is_new():
    evaluations = [ev('fs1', finding('fs1', 'forbidden_users', '10.0.0.5', 'carol'))]
    change = compare(evaluations, None, NOW)
    assert evaluations[0]['findings'][0]['change'] == 'new'
    assert change['new'] is None and change['resolved_findings'] == []


def test_loading_the_previous_report(tmp_path):
    assert load_previous(str(tmp_path / 'missing.json')) is None
    good = tmp_path / 'report.json'
    good.write_text(json.dumps(PREVIOUS))
    assert load_previous(str(good))['generated'] == PREVIOUS['generated']
    bad = tmp_path / 'bad.json'
    bad.write_text('{not json')
    with pytest.raises(PreviousReportError) as err:
        load_previous(str(bad))
    assert 'cannot be read as JSON' in str(err.value) and str(bad) in str(err.value)
    other = tmp_path / 'other.json'
    other.write_text('[1, 2]')
    with pytest.raises(PreviousReportError) as err:
        load_previous(str(other))
    assert 'is not a compliance report.json' in str(err.value)
