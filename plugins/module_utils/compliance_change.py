# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change since the last run: every finding is new or persisting (with the date it was first
seen), every finding of the previous report.json that is gone is resolved
(docs/policy.md, "Change since the last run").

A finding is known by its server, rule, client and user; findings that read alike (one user,
one client, two sessions) are paired by count, so a third session of the same pair is one new
finding and two persisting ones. A finding of a server that could not be audited this time is
neither persisting nor resolved: it was not re-checked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import os


class PreviousReportError(ValueError):
    """The previous report cannot be read as a report.json of this collection."""


def load_previous(path):
    """The previous report.json as a dict, or None when there is no file at ``path``."""
    if not path or not os.path.exists(path):
        return None
    try:
        with open(path, encoding='utf-8') as handle:
            data = json.load(handle)
    except (OSError, ValueError) as e:
        raise PreviousReportError('the previous report %s cannot be read as JSON (%s); give the report.json '
                                  'of an earlier run, or remove the file' % (path, e))
    if not isinstance(data, dict) or not isinstance(data.get('findings'), list) or not data.get('generated'):
        raise PreviousReportError('the previous report %s is not a compliance report.json (no generated time '
                                  'or findings list); give the report.json of an earlier run' % path)
    return data


def finding_key(finding):
    """Server, rule, client, user, and for an open-file finding the file's path (two forbidden files
    of one user are two findings; a file id is not kept: the server may reuse ids)."""
    ref = finding.get('session') or {}
    path = (finding.get('file') or {}).get('path') or ''
    return (str(finding.get('server')).lower(), finding.get('rule'),
            (ref.get('client') or '').lower(), (ref.get('username') or '').lower(), path)


def compare(evaluations, previous, generated, previous_path=None):
    """Mark every finding of ``evaluations`` with ``change`` and ``first_seen``; return the change
    summary (None counts when there is no previous report)."""
    findings = [f for ev in evaluations for f in ev.get('findings') or ()]
    if previous is None:
        for finding in findings:
            finding.update(change='new', first_seen=generated)
        return {'previous_report': previous_path, 'previous_generated': None, 'new': None, 'persisting': None,
                'resolved': None, 'not_rechecked': None, 'resolved_findings': []}
    earlier = collections.defaultdict(list)
    for old in previous['findings']:
        if isinstance(old, dict):
            earlier[finding_key(old)].append(old)
    for finding in findings:
        matches = earlier.get(finding_key(finding))
        if matches:
            old = matches.pop(0)
            finding.update(change='persisting', first_seen=old.get('first_seen') or previous['generated'])
        else:
            finding.update(change='new', first_seen=generated)
    checked = set(str(ev['server']).lower() for ev in evaluations
                  if not ev.get('error') and not ev.get('duplicate_of'))
    resolved, unchecked = [], 0
    for old_findings in earlier.values():
        for old in old_findings:
            if str(old.get('server')).lower() in checked:
                entry = dict((k, old.get(k)) for k in ('server', 'rule', 'session', 'observed', 'limit', 'message'))
                if old.get('file'):
                    entry['file'] = old['file']
                entry.update(first_seen=old.get('first_seen') or previous['generated'],
                             last_seen=previous['generated'])
                resolved.append(entry)
            else:
                unchecked += 1
    violations = [f for f in findings if f.get('waiver_status') != 'active']
    return {'previous_report': previous_path, 'previous_generated': previous['generated'],
            'new': sum(1 for f in violations if f['change'] == 'new'),
            'persisting': sum(1 for f in violations if f['change'] == 'persisting'),
            'resolved': len(resolved), 'not_rechecked': unchecked, 'resolved_findings': resolved}
