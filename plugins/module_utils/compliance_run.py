# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One fleet compliance run between its modules (role lanman.smb.session_compliance).

- ``assemble_results``: one server result per planned server, from the audit task's result,
  each Windows host's registered listing and the hosts of no known kind;
- ``violating_pairs`` / ``enforcement_plan``: which (client, user) pairs enforcement closes and
  which violators it leaves alone, and why;
- ``verdict``: the outcomes of the run and the one message a CI job reads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lanman.smb.plugins.module_utils.open_file_policy import FILE_RULES
from ansible_collections.lanman.smb.plugins.module_utils.session_names import (
    clients_match, has_client_name, is_null_session, usernames_match,
)

NO_WINDOWS_RESULT = ('no result from the Windows host (it failed before win_smb_session_info ran, '
                     'or the play that lists the Windows hosts did not run for it)')
UNKNOWN_KIND = ('not audited: mark a Windows host with ansible_connection winrm or psrp, or an '
                'agentless server with smb_agentless=true (or put it in the agentless group)')
# Findings that name no single session: enforcement cannot pick which session to close.
SERVER_WIDE_RULES = ('max_sessions_per_user', 'max_sessions_per_server')
# An open-file finding is about a file, not a session: closing the opener's sessions would end
# every file and share of that user from that client, far more than the finding names.
FILE_FINDING_REASON = ('a %s finding is about an open file, which session enforcement does not close; '
                       'close the file with lanman.smb.smb_open_file or lanman.smb.win_smb_open_file')


# ---------------------------------------------------------------- server results

def _failed(name, error, connection, address=None, port=None):
    return {'server': name, 'address': address, 'port': port, 'level': None, 'sessions': [],
            'error': error, 'idle_time_reliable': None, 'server_kind': None, 'connection': connection}


def windows_result(name, registered, files_registered=None):
    """A server result from the registered result of win_smb_session_info on host ``name``
    (failed, unreachable or missing results become the server's error), with its open files from
    the registered result of win_smb_open_file_info when the run listed them."""
    if not isinstance(registered, dict) or registered.get('skipped'):
        return _failed(name, NO_WINDOWS_RESULT, 'windows')
    if registered.get('unreachable'):
        return _failed(name, 'unreachable: %s' % (registered.get('msg') or ''), 'windows')
    if registered.get('failed') or registered.get('sessions') is None:
        return _failed(name, registered.get('msg') or 'win_smb_session_info failed', 'windows')
    result = {'server': name, 'address': None, 'port': None, 'level': registered.get('level'),
              'sessions': registered['sessions'], 'error': None, 'idle_time_reliable': True,
              'server_kind': 'windows', 'connection': 'windows'}
    result.update(windows_open_files(files_registered))
    return result


def windows_open_files(registered):
    """{open_files, open_files_error} from the registered result of win_smb_open_file_info: the
    files (null when not listed), or why they could not be listed. A skipped task (the policy has
    no open-file rule) is not an error: the files were not asked for."""
    if not isinstance(registered, dict) or registered.get('skipped'):
        return {'open_files': None, 'open_files_error': None}
    if registered.get('unreachable') or registered.get('failed') or registered.get('open_files') is None:
        return {'open_files': None,
                'open_files_error': registered.get('msg') or 'win_smb_open_file_info returned no open_files'}
    return {'open_files': registered['open_files'], 'open_files_error': None}


def agentless_results(planned, audit):
    """A server result per planned agentless server (``{name, server, port}``) from the
    registered smb_session_audit result; when the task failed as a whole (e.g. smbprotocol
    missing), every server gets its message as the error."""
    audit = audit if isinstance(audit, dict) else {}
    listed = dict((entry.get('name'), entry) for entry in audit.get('servers') or [])
    results = []
    for target in planned:
        entry = listed.get(target['name'])
        if entry is None:
            error = 'smb_session_audit failed: %s' % (audit.get('msg') or 'no result for this server')
            results.append(_failed(target['name'], error, 'agentless', target['server'], target['port']))
            continue
        result = dict(entry)
        result.update(server=target['name'], address=entry.get('server'), port=entry.get('port'),
                      connection='agentless')
        results.append(result)
    return results


def assemble_results(plan, audit, windows_registered, windows_files_registered=None):
    """Every planned server's result: agentless (in plan order), Windows hosts (``windows_registered``
    and ``windows_files_registered`` are aligned with ``plan['windows']``; a missing entry is a host
    without a result) and the hosts of no known kind."""
    results = agentless_results(plan.get('agentless') or [], audit)
    registered = list(windows_registered or [])
    files = list(windows_files_registered or [])
    for index, host in enumerate(plan.get('windows') or []):
        results.append(windows_result(host, registered[index] if index < len(registered) else None,
                                      files[index] if index < len(files) else None))
    for host in plan.get('not_audited') or []:
        results.append(_failed(host['name'], host.get('error') or UNKNOWN_KIND, None))
    return results


# ---------------------------------------------------------------- enforcement

def _own_violations(session):
    """The session's violations that are its own (not the server's or the user's count)."""
    return [rule for rule in session.get('violations') or () if rule not in SERVER_WIDE_RULES + FILE_RULES]


def _pair_sessions(sessions, client, username):
    """The sessions a close by (client, username) ends, as the close modules select them."""
    return [s for s in sessions if clients_match(s.get('client'), client) and usernames_match(s.get('username'), username)]


def violating_pairs(evaluation):
    """[(pair, left_alone_reason)] for one server: every distinct (client, username) of a session
    finding, with the rules it broke, ``mixed`` (the pair also holds compliant sessions, which a
    close by client and user would end too) and ``closable`` (selecting the pair touches no
    other session), plus the findings that name no single session."""
    pairs, order, alone = {}, [], []
    for finding in evaluation.get('findings') or ():
        if finding.get('waiver_status') == 'active':
            continue
        ref = finding.get('session')
        if finding['rule'] in FILE_RULES:
            alone.append({'client': (ref or {}).get('client'), 'username': (ref or {}).get('username'),
                          'rules': [finding['rule']], 'reason': FILE_FINDING_REASON % finding['rule'],
                          'file': finding.get('file')})
            continue
        if not ref or finding['rule'] in SERVER_WIDE_RULES:
            alone.append({'client': (ref or {}).get('client'), 'username': (ref or {}).get('username'),
                          'rules': [finding['rule']],
                          'reason': 'a %s finding names no single session to close' % finding['rule']})
            continue
        key = (ref.get('client'), ref.get('username'))
        if key not in pairs:
            pairs[key] = {'client': key[0], 'username': key[1], 'rules': []}
            order.append(key)
        if finding['rule'] not in pairs[key]['rules']:
            pairs[key]['rules'].append(finding['rule'])
    result = []
    for key in order:
        pair = pairs[key]
        selectable = has_client_name(pair['client']) and not is_null_session(pair['username'])
        compliant = []
        if selectable:
            ended = _pair_sessions(evaluation.get('sessions') or (), pair['client'], pair['username'])
            # The audit's own session is protected by the close modules themselves.
            compliant = [s for s in ended if not _own_violations(s) and not s.get('own_session')]
        pair['mixed'] = bool(compliant)
        pair['compliant_sessions'] = len(compliant)
        pair['closable'] = selectable and not compliant
        result.append(pair)
    return result, alone


def _alone(evaluation, pair, reason):
    return {'server': evaluation['server'], 'client': pair['client'], 'username': pair['username'],
            'rules': list(pair['rules']), 'reason': reason}


def _pair_reason(pair):
    if not has_client_name(pair['client']):
        return 'the session has no client name, so a close by client and user cannot select it'
    if is_null_session(pair['username']):
        return 'a null session has no user name, so a close by client and user cannot select it alone'
    return ('the pair also holds %d compliant session(s), which a close by client and user would end '
            'too; set enforce_mixed_pairs (session_compliance_enforce_mixed_pairs) to close such pairs'
            % pair['compliant_sessions'])


def enforcement_plan(evaluations, close_mixed_pairs=False):
    """{agentless: [...], windows: [...], left_alone: [...]}: one close per violating pair the close
    modules can select exactly (a mixed pair only with ``close_mixed_pairs``), and every violator
    left alone with the reason (docs/compliance.md)."""
    plan = {'agentless': [], 'windows': [], 'left_alone': []}
    for evaluation in evaluations:
        if evaluation.get('error') or evaluation.get('duplicate_of'):
            continue
        for finding in evaluation.get('findings') or ():
            if finding.get('waiver_status') == 'active':
                ref = finding.get('session') or {}
                plan['left_alone'].append({
                    'server': evaluation['server'], 'client': ref.get('client'), 'username': ref.get('username'),
                    'rules': [finding['rule']], 'reason': 'waived until %s: %s' % (
                        finding['waiver']['expires'], finding['waiver']['justification'])})
        pairs, alone = violating_pairs(evaluation)
        for entry in alone:
            entry['server'] = evaluation['server']
            plan['left_alone'].append(entry)
        connection = evaluation.get('connection')
        # In client, then user order: a server lists sessions in the order its processes happen to
        # run (Samba), and enforce.json and the close calls should read the same every night.
        for pair in sorted(pairs, key=lambda p: ((p['client'] or '').lower(), (p['username'] or '').lower())):
            selectable = has_client_name(pair['client']) and not is_null_session(pair['username'])
            if not selectable or (pair['mixed'] and not close_mixed_pairs):
                plan['left_alone'].append(_alone(evaluation, pair, _pair_reason(pair)))
                continue
            close = {'client': pair['client'], 'username': pair['username'], 'rules': list(pair['rules']),
                     'mixed': pair['mixed']}
            if connection == 'windows':
                close['host'] = evaluation['server']
                plan['windows'].append(close)
            elif connection == 'agentless' and evaluation.get('address') and evaluation.get('port'):
                close.update(name=evaluation['server'], server=evaluation['address'], port=evaluation['port'])
                plan['agentless'].append(close)
            else:
                plan['left_alone'].append(_alone(evaluation, pair, 'it is not known how to reach this server '
                                                                   '(a result without server and port)'))
    return plan


def enforcement_record(agentless_closes, windows_closes, left_alone, check_mode, mixed_pairs_closed):
    """enforce.json: every close call (from the registered loop results of smb_session and
    win_smb_session) and every violator left alone."""
    closes = []
    for key, registered in (('name', agentless_closes), ('host', windows_closes)):
        for result in (registered or {}).get('results') or ():
            if result.get('skipped'):
                continue
            item = result.get('item') or {}
            closes.append({
                'server': item.get(key), 'client': item.get('client'), 'username': item.get('username'),
                'rules': item.get('rules') or [], 'mixed': bool(item.get('mixed')),
                'changed': bool(result.get('changed')),
                'failed': bool(result.get('failed') or result.get('unreachable')),
                'msg': result.get('msg'), 'closed_sessions': result.get('closed_sessions') or [],
                'skipped_sessions': result.get('skipped_sessions') or []})
    return {'check_mode': bool(check_mode), 'mixed_pairs_closed': bool(mixed_pairs_closed),
            'closes': closes, 'left_alone': list(left_alone or [])}


# ---------------------------------------------------------------- verdict

OUTCOMES = ('violation', 'not-audited', 'not-evaluable', 'enforcement-failed')


def _plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def verdict(summary, report_dir, fail_on_violation=True, fail_on_error=True, fail_on_not_evaluable=False,
            fail_on_new_only=False, enforcement_failures=0):
    """The run's outcome: ``fail`` (whether the run fails), ``outcomes`` (those that fail it, in the
    order of OUTCOMES) and ``message``, whose first words name them for a CI job
    (``SMB session compliance [violation, not-audited]: ...``; docs/compliance.md)."""
    violations = summary.get('violations', 0)
    new = summary.get('new')
    counted = new if fail_on_new_only and new is not None else violations
    failing = []
    if fail_on_violation and counted:
        failing.append('violation')
    if fail_on_error and summary.get('errors'):
        failing.append('not-audited')
    if fail_on_not_evaluable and summary.get('not_evaluable'):
        failing.append('not-evaluable')
    if enforcement_failures:
        failing.append('enforcement-failed')
    parts = ['%s on %s' % (_plural(violations, 'violation'), _plural(summary.get('servers_with_violations', 0), 'server'))]
    if new is not None:
        parts[0] += ' (%d new, %d persisting; %d resolved)' % (new, summary.get('persisting', 0), summary.get('resolved', 0))
    if summary.get('waived'):
        parts.append('%s waived' % _plural(summary['waived'], 'finding'))
    parts.append('%s not audited' % _plural(summary.get('errors', 0), 'server'))
    if summary.get('not_evaluable'):
        parts.append('%s not evaluable' % _plural(summary['not_evaluable'], 'rule result'))
    if summary.get('duplicates'):
        parts.append('%s listed under another name' % _plural(summary['duplicates'], 'duplicate'))
    if enforcement_failures:
        parts.append('%s failed' % _plural(enforcement_failures, 'close'))
    message = 'SMB session compliance [%s]: %s. Reports in %s (report.html, junit.xml).' % (
        ', '.join(failing) or 'pass', '; '.join(parts), report_dir)
    return {'fail': bool(failing), 'outcomes': failing, 'message': message}


def with_enforcement(report_verdict, record):
    """The report's verdict, with ``enforcement-failed`` when a close of ``record`` failed."""
    failures = sum(1 for close in record['closes'] if close['failed'])
    if not failures:
        return dict(report_verdict)
    outcomes = [o for o in report_verdict.get('outcomes') or [] if o != 'enforcement-failed'] + ['enforcement-failed']
    rest = report_verdict.get('message', '').split(']: ', 1)[-1]
    head, sep, tail = rest.rpartition('. Reports in ')
    if not sep:
        head, tail = rest.rstrip('.'), ''
    message = 'SMB session compliance [%s]: %s; %s failed (enforce.json)%s' % (
        ', '.join(outcomes), head, _plural(failures, 'close'), '. Reports in ' + tail if sep else '.')
    return {'fail': True, 'outcomes': outcomes, 'message': message}
