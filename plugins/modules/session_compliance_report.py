#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: session_compliance_report
short_description: Judge SMB sessions against a policy and write the compliance reports
version_added: 0.2.0
description:
  - Evaluates the SMB sessions of many file servers against a session policy and writes the
    reports a person and a CI system read - JSON, CSV, HTML and JUnit XML - into O(report_dir).
  - Runs on the controller (C(delegate_to=localhost), C(run_once=true)). It contacts no server;
    the sessions come in O(results), from M(lanman.smb.win_smb_session_info) per Windows host
    and from M(lanman.smb.smb_session_audit) for agentless servers. The role
    C(lanman.smb.session_compliance) wires all of this together.
  - With O(validate_only=true) it only checks the policy, so a bad policy fails before any
    server is contacted.
  - A rule a server's result cannot judge (idle time on Samba, user names at level 0) is reported
    as not evaluable, never as a pass; every rule of a server that could not be queried is
    reported as an error with the server's error.
  - The module never fails because of violations; it returns them with RV(verdict), whose message names
    the outcomes (violation, not-audited, not-evaluable) for a CI job. Failing the run is the caller's
    decision (the role does it after every report is written).
  - It also plans enforcement (RV(enforcement)) - which violating (client, user) pairs the close modules can
    end without ending a compliant session, and every violator left alone with the reason.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: In check mode the policy is checked and evaluated but no report is written (the role runs it
      with C(check_mode=false) - the reports are the output of a dry run too).
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  policy:
    description:
      - The session policy, as a dict (load a YAML file with C(lookup('file', path) | from_yaml)).
      - See the collection's C(docs/policy.md) for every rule and for waivers. An unknown key or a bad
        value fails the module with a message naming it.
      - Required unless O(plan) is given (its policy is used then).
    type: dict
  validate_only:
    description:
      - Only check O(policy); O(results) and O(report_dir) are ignored and nothing is written.
    type: bool
    default: false
  results:
    description:
      - One result per server. Each is a dict with C(server) (the name shown in the reports; C(name) wins
        when both are given, as in the results of M(lanman.smb.smb_session_audit), whose C(server) is then
        shown as the address), C(level), C(sessions) (session dicts with the keys of the lanman.smb info
        modules; C(own_session) marks the audit's own), C(error) (null, or why the server could not be
        queried), C(idle_time_reliable) (false for Samba, which reports every idle time as 0; null when
        unknown; either way C(max_idle_seconds) is not evaluable; a result without the key is judged),
        C(server_kind) (C(windows), C(samba) or null; without the key it follows C(idle_time_reliable)),
        C(duplicate_of) (the name this server is listed under already; such a result is not judged), and for the
        open-file rules C(open_files) (the open files, with the keys of the open-file info modules; null or
        missing when not listed - those rules are then not evaluable) and C(open_files_error) (why they could
        not be listed).
      - The C(servers) list returned by M(lanman.smb.smb_session_audit) can be passed as is.
    type: list
    elements: dict
    default: []
  plan:
    description:
      - The result of M(lanman.smb.session_compliance_plan). The policy, the report directory, the previous
        report and the planned servers come from it, and the server results are assembled from O(audit),
        O(windows_results) and the hosts of no known kind. The role C(lanman.smb.session_compliance) uses this.
    type: dict
  audit:
    description:
      - With O(plan), the registered result of M(lanman.smb.smb_session_audit) over the plan's agentless servers;
        when that task failed as a whole, its message becomes every agentless server's error.
    type: dict
  windows_results:
    description:
      - With O(plan), the registered results of M(lanman.smb.win_smb_session_info), one per Windows host of the
        plan in its order (null for a host without one); a failed or unreachable host's message becomes its error.
    type: list
    elements: raw
    default: []
  windows_file_results:
    description:
      - With O(plan), the registered results of M(lanman.smb.win_smb_open_file_info), aligned with
        O(windows_results) (null or skipped for a host whose files were not listed). A failed host's message
        makes its open-file rules not evaluable, with that message.
    type: list
    elements: raw
    default: []
  report_dir:
    description:
      - Directory the reports are written to (created if missing). Required unless
        O(validate_only=true) or O(plan) gives it. A relative path is relative to the directory the module
        runs in (for a local task, the playbook's directory); the role passes an absolute path.
    type: path
  previous_report:
    description:
      - The C(report.json) of an earlier run; every finding is then marked new or persisting (with the date
        first seen) and the findings that are gone are listed as resolved. Default - the C(report.json) already
        in O(report_dir), when there is one (read before it is replaced).
    type: path
  title:
    description:
      - Title of the HTML report and name of the JUnit test suite.
    type: str
    default: SMB session compliance
  judge_own_session:
    description:
      - Judge the audit's own session (C(own_session=true) in a session) like any other. By default it is
        labelled in every report and counts for no rule.
    type: bool
    default: false
  logon_grace_seconds:
    description:
      - On Samba, a session listed with no user name is a logon in progress; it is labelled and not judged
        until it has lasted this many seconds (then it is a half-open logon that persists, judged as anonymous).
    type: int
    default: 10
  enforce_mixed_pairs:
    description:
      - In RV(enforcement), plan a close for a violating (client, user) pair that also holds compliant sessions
        (a close by client and user ends them too). By default such a pair is left alone, with the reason.
    type: bool
    default: false
  fail_on_violation:
    description: Whether a violation makes RV(verdict) fail.
    type: bool
    default: true
  fail_on_error:
    description: Whether a server that could not be audited makes RV(verdict) fail.
    type: bool
    default: true
  fail_on_not_evaluable:
    description: Whether a rule a server could not judge makes RV(verdict) fail.
    type: bool
    default: false
  fail_on_new_only:
    description:
      - Count only findings that are new since the previous report for RV(verdict) (persisting ones are
        reported, not failed). Without a previous report every finding is new.
    type: bool
    default: false
seealso:
  - module: lanman.smb.session_compliance_plan
  - module: lanman.smb.smb_session_audit
  - module: lanman.smb.win_smb_session_info
  - module: lanman.smb.smb_session
  - module: lanman.smb.win_smb_session
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Check the policy before contacting any server
  lanman.smb.session_compliance_report:
    policy: "{{ lookup('ansible.builtin.file', 'policy.yml') | from_yaml }}"
    validate_only: true
  delegate_to: localhost
  run_once: true

- name: Audit the agentless servers in one task
  lanman.smb.smb_session_audit:
    servers: [files01.example.com, files02.example.com]
    auth_username: svc-smbaudit
    auth_password: "{{ vault_smbaudit_password }}"
  delegate_to: localhost
  run_once: true
  register: audit

- name: Judge them and write the reports
  lanman.smb.session_compliance_report:
    policy:
      forbidden_users: [CONTOSO\contractor01]
      max_sessions_per_user: 3
    results: "{{ audit.servers }}"
    report_dir: /srv/reports/smb
    title: Nightly SMB compliance
  delegate_to: localhost
  run_once: true
  register: compliance

- name: Fail the CI job on a violation, after the reports are written
  ansible.builtin.fail:
    msg: "{{ compliance.summary.violations }} violation(s), see /srv/reports/smb/report.html"
  when: compliance.summary.violations > 0
  run_once: true
'''

RETURN = r'''
policy:
  description: The policy as understood (normalised by the policy loader).
  returned: always
  type: dict
summary:
  description:
    - Counts over all servers - C(servers) (duplicates not counted), C(servers_with_violations), C(violations)
      (findings not waived), C(waived), C(not_evaluable) (rule results), C(errors) (servers not audited),
      C(duplicates), C(new), C(persisting) and C(resolved) (null without a previous report) - and C(verdict)
      (fail, error or pass).
  returned: unless validate_only
  type: dict
  sample: {servers: 3, servers_with_violations: 1, violations: 2, waived: 0, not_evaluable: 1, errors: 1,
           duplicates: 0, new: 1, persisting: 1, resolved: 0, verdict: fail}
evaluations:
  description:
    - One evaluation per server, in the order of the results - C(server), C(address), C(port), C(level),
      C(server_kind), C(error), C(duplicate_of), C(session_count), C(judged_count), C(rules) (each C(rule),
      C(status) pass / violation / waived / not_evaluable / error, C(limit), C(reason), C(findings)),
      C(findings) (each C(server), C(rule), C(session) with C(client) and C(username) or null for a server-wide
      finding, C(observed), C(limit), C(message), C(waiver_status) null / active / expired, C(waiver),
      C(change) new / persisting, C(first_seen), and for an open-file rule C(file) - C(id), C(path), C(username),
      C(client), null for a per-user count), C(sessions) (with their labels C(anonymous),
      C(own_session), C(logon_in_progress), C(judged), C(not_judged_reason), C(violations), C(waived)),
      C(open_file_count) and C(open_files) (null when the files were not listed; each file with its
      C(violations) and C(waived)).
  returned: unless validate_only
  type: list
  elements: dict
violating_sessions:
  description:
    - Per server name, the distinct (client, username) pairs of session findings that are not waived, each
      with the C(rules) they broke, C(mixed) and C(closable).
    - C(mixed) is true when the pair also holds compliant sessions, which a close by client and user would
      end too. C(closable) is false then, and when the pair cannot be selected by client and user at all (no
      client name, or a null user name); enforcement leaves those to a person.
  returned: unless validate_only
  type: dict
  sample: {files01: [{client: 10.0.0.5, username: contractor01, rules: [forbidden_users], mixed: false,
                      closable: true}]}
enforcement:
  description:
    - The closes enforcement makes - C(agentless) (each C(name), C(server), C(port), C(client), C(username),
      C(rules), C(mixed)) and C(windows) (each C(host), C(client), C(username), C(rules), C(mixed)) - and
      C(left_alone), every violator not closed with the C(reason) (a mixed pair, no client name, a null
      session, a finding that names no single session, a waived finding, an open-file finding - with its
      C(file) - which session enforcement never closes).
  returned: unless validate_only
  type: dict
change:
  description:
    - Change since the previous report - C(previous_report), C(previous_generated), C(new), C(persisting),
      C(resolved), C(not_rechecked) (findings of servers not audited this time) and C(resolved_findings).
  returned: unless validate_only
  type: dict
verdict:
  description:
    - C(fail) (whether the run should fail under the fail_on options), C(outcomes) (those that fail it -
      violation, not-audited, not-evaluable) and C(message), which starts
      C(SMB session compliance [outcomes]:) or C(SMB session compliance [pass]:).
  returned: unless validate_only
  type: dict
  sample: {fail: true, outcomes: [violation], message: "SMB session compliance [violation]: 2 violations on 1 server; ..."}
reports:
  description: Paths of the reports written (empty in check mode) - C(json), C(sessions_csv), C(findings_csv), C(html), C(junit).
  returned: unless validate_only
  type: dict
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils.client_resolver import host_addresses
from ansible_collections.lanman.smb.plugins.module_utils.compliance_change import (
    PreviousReportError, compare, load_previous,
)
from ansible_collections.lanman.smb.plugins.module_utils.compliance_report import generated_now, write_reports
from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import (
    assemble_results, enforcement_plan, verdict, violating_pairs,
)
from ansible_collections.lanman.smb.plugins.module_utils.policy_loading import load_policy
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import (
    PolicyError, evaluate_all, summarize,
)

RESULT_DEFAULTS = {'level': None, 'sessions': None, 'error': None, 'idle_time_reliable': True}
# Where a server is reached, kept on its evaluation for the reports and enforcement.
PLACE_KEYS = ('address', 'port', 'connection')


def normalise_result(index, result):
    """A server result with every key, or a ValueError saying which entry is malformed. A result
    with ``name`` (smb_session_audit's) is shown under that name, its server as the address."""
    if not isinstance(result, dict) or not (result.get('name') or result.get('server')):
        raise ValueError('results[%d] has no server name; each result needs at least server, and '
                         'sessions or error' % index)
    merged = dict(RESULT_DEFAULTS)
    merged.update(result)
    if result.get('name') and 'address' not in result:
        merged.update(server=result['name'], address=result.get('server'))
        merged.setdefault('connection', 'agentless')
    if merged['sessions'] is None:
        if not merged['error'] and not merged.get('duplicate_of'):
            raise ValueError("results[%d] (server %s) has neither sessions nor error; pass the module "
                             "result's sessions, or the reason the server could not be queried"
                             % (index, merged['server']))
        merged['sessions'] = []
    return merged


def violating_sessions(evaluations):
    """{server: [{client, username, rules, mixed, closable}]} from the session findings of each server."""
    by_server = {}
    for evaluation in evaluations:
        pairs = violating_pairs(evaluation)[0]
        if pairs:
            by_server.setdefault(evaluation['server'], []).extend(
                dict((k, p[k]) for k in ('client', 'username', 'rules', 'mixed', 'closable')) for p in pairs)
    return by_server


def _inputs(module):
    """(policy data, results, report_dir, previous report path) from the options."""
    p = module.params
    plan = p['plan']
    if plan is None:
        default = os.path.join(p['report_dir'], 'report.json') if p['report_dir'] else None
        return p['policy'], p['results'], p['report_dir'], p['previous_report'] or default
    results = assemble_results(plan, p['audit'], p['windows_results'], p['windows_file_results'])
    report_dir = p['report_dir'] or plan.get('report_dir')
    # The plan names the previous report it checked (given, or the one in the report directory).
    return (p['policy'] if p['policy'] is not None else plan.get('policy'), results, report_dir,
            p['previous_report'] or plan.get('previous_report') or os.path.join(report_dir, 'report.json'))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            policy=dict(type='dict'),
            validate_only=dict(type='bool', default=False),
            results=dict(type='list', elements='dict', default=[]),
            plan=dict(type='dict'),
            audit=dict(type='dict'),
            windows_results=dict(type='list', elements='raw', default=[]),
            windows_file_results=dict(type='list', elements='raw', default=[]),
            report_dir=dict(type='path'),
            previous_report=dict(type='path'),
            title=dict(type='str', default='SMB session compliance'),
            judge_own_session=dict(type='bool', default=False),
            logon_grace_seconds=dict(type='int', default=10),
            enforce_mixed_pairs=dict(type='bool', default=False),
            fail_on_violation=dict(type='bool', default=True),
            fail_on_error=dict(type='bool', default=True),
            fail_on_not_evaluable=dict(type='bool', default=False),
            fail_on_new_only=dict(type='bool', default=False),
        ),
        required_one_of=[('policy', 'plan')],
        supports_check_mode=True,
    )
    p = module.params
    policy_data, raw_results, report_dir, previous_path = _inputs(module)
    try:
        policy = load_policy(policy_data)
    except PolicyError as e:
        module.fail_json(msg='SMB session compliance [bad-policy]: the compliance policy is invalid: %s' % e)
    if p['validate_only']:
        module.exit_json(changed=False, policy=policy.to_dict())
    if not report_dir:
        module.fail_json(msg='report_dir is required unless validate_only=true or plan gives it')
    if p['logon_grace_seconds'] < 0:
        module.fail_json(msg='logon_grace_seconds must be 0 or more, got %d' % p['logon_grace_seconds'])
    try:
        results = [normalise_result(i, r) for i, r in enumerate(raw_results)]
        previous = load_previous(previous_path)
    except (ValueError, PreviousReportError) as e:
        module.fail_json(msg=str(e))
    # Host names in allowed_clients (and waivers) match the addresses they resolve to, as in the close modules.
    evaluations = evaluate_all(policy, results, resolver=host_addresses, judge_own_session=p['judge_own_session'],
                               logon_grace_seconds=p['logon_grace_seconds'])
    for evaluation, result in zip(evaluations, results):
        evaluation.update((key, result.get(key)) for key in PLACE_KEYS)
    generated = generated_now()
    change = compare(evaluations, previous, generated, previous_path if previous is not None else None)
    summary = summarize(evaluations)
    summary.update((key, change[key]) for key in ('new', 'persisting', 'resolved'))
    outcome = verdict(summary, report_dir, p['fail_on_violation'], p['fail_on_error'], p['fail_on_not_evaluable'],
                      p['fail_on_new_only'])
    reports = {}
    if not module.check_mode:
        try:
            reports = write_reports(report_dir, evaluations, summary, policy, title=p['title'], change=change,
                                    generated=generated)
        except (IOError, OSError) as e:
            module.fail_json(msg='Cannot write the reports to %s: %s' % (report_dir, e),
                             summary=summary, evaluations=evaluations)
    module.exit_json(changed=bool(reports), policy=policy.to_dict(), summary=summary, evaluations=evaluations,
                     violating_sessions=violating_sessions(evaluations),
                     enforcement=enforcement_plan(evaluations, close_mixed_pairs=p['enforce_mixed_pairs']),
                     change=change, verdict=outcome, reports=reports)


if __name__ == '__main__':
    main()
