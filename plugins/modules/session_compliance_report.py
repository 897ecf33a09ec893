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
  - The module never fails because of violations; it returns them. Failing the run is the
    caller's decision (the role does it after every report is written).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: In check mode the policy is checked and evaluated but no report is written.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  policy:
    description:
      - The session policy, as a dict (load a YAML file with C(lookup('file', path) | from_yaml)).
      - See the collection's C(docs/policy.md) for every rule. An unknown key or a bad value
        fails the module with a message naming it.
    type: dict
    required: true
  validate_only:
    description:
      - Only check O(policy); O(results) and O(report_dir) are ignored and nothing is written.
    type: bool
    default: false
  results:
    description:
      - One result per server. Each is a dict with C(server) (the name shown in the reports),
        C(level), C(sessions) (session dicts with the keys of the lanman.smb info modules),
        C(error) (null, or why the server could not be queried) and C(idle_time_reliable)
        (false for Samba, which reports every idle time as 0; null when unknown, as
        M(lanman.smb.smb_session_audit) returns it when O(lanman.smb.smb_session_audit#module:level=1) was asked for; either way
        C(max_idle_seconds) is not evaluable; a result without the key is judged).
      - The C(servers) list returned by M(lanman.smb.smb_session_audit) can be passed as is.
    type: list
    elements: dict
    default: []
  report_dir:
    description:
      - Directory the reports are written to (created if missing). Required unless
        O(validate_only=true).
    type: path
  title:
    description:
      - Title of the HTML report and name of the JUnit test suite.
    type: str
    default: SMB session compliance
seealso:
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
    - Counts over all servers, from the policy module's summary - C(servers),
      C(servers_with_violations), C(violations), C(not_evaluable), C(errors) and C(verdict).
  returned: unless validate_only
  type: dict
  sample: {servers: 3, servers_with_violations: 1, violations: 2, not_evaluable: 1, errors: 1, verdict: fail}
evaluations:
  description:
    - One evaluation per server, in the order of O(results) - C(server), C(level), C(error),
      C(session_count), C(rules) (each C(rule), C(status) pass / violation / not_evaluable / error,
      C(limit), C(reason), C(findings)) and C(findings) (each C(server), C(rule), C(session)
      with C(client) and C(username) or null for a server-wide finding, C(observed), C(limit),
      C(message)).
  returned: unless validate_only
  type: list
  elements: dict
violating_sessions:
  description:
    - Per server name, the distinct (client, username) pairs of sessions with at least one
      violation, each with the C(rules) they broke and C(closable).
    - C(closable) is false when the pair cannot be selected by client and user without
      touching other sessions (no client name, or a null / unknown user name); enforcement
      leaves those to a person.
  returned: unless validate_only
  type: dict
  sample: {files01: [{client: 10.0.0.5, username: contractor01, rules: [forbidden_users], closable: true}]}
reports:
  description: Paths of the reports written (empty in check mode) - C(json), C(sessions_csv), C(findings_csv), C(html), C(junit).
  returned: unless validate_only
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils.compliance_report import write_reports
from ansible_collections.lanman.smb.plugins.module_utils.session_rules import has_client_name, is_null_session
from ansible_collections.lanman.smb.plugins.module_utils.session_policy import (
    PolicyError, evaluate_all, load_policy, summarize, system_resolver,
)

RESULT_DEFAULTS = {'level': None, 'sessions': None, 'error': None, 'idle_time_reliable': True}


def normalise_result(index, result):
    """A server result with every key, or a ValueError saying which entry is malformed."""
    if not isinstance(result, dict) or not result.get('server'):
        raise ValueError('results[%d] has no server name; each result needs at least server, and '
                         'sessions or error' % index)
    merged = dict(RESULT_DEFAULTS)
    merged.update(result)
    if merged['sessions'] is None:
        if not merged['error']:
            raise ValueError("results[%d] (server %s) has neither sessions nor error; pass the module "
                             "result's sessions, or the reason the server could not be queried"
                             % (index, merged['server']))
        merged['sessions'] = []
    return merged


def violating_sessions(evaluations):
    """{server: [{client, username, rules, closable}]} from the session findings of each server."""
    by_server = {}
    for evaluation in evaluations:
        pairs = {}
        for finding in evaluation['findings']:
            session = finding.get('session')
            if not session:
                continue  # a server-wide finding (e.g. max_sessions_per_server) names no session
            key = (session.get('client'), session.get('username'))
            entry = pairs.setdefault(key, {'client': key[0], 'username': key[1], 'rules': [],
                                           # a client+user selection is exact only with both names
                                           # (ANONYMOUS LOGON is a null session: no user name)
                                           'closable': has_client_name(key[0]) and not is_null_session(key[1])})
            if finding['rule'] not in entry['rules']:
                entry['rules'].append(finding['rule'])
        if pairs:
            by_server.setdefault(evaluation['server'], []).extend(pairs.values())
    return by_server


def main():
    module = AnsibleModule(
        argument_spec=dict(
            policy=dict(type='dict', required=True),
            validate_only=dict(type='bool', default=False),
            results=dict(type='list', elements='dict', default=[]),
            report_dir=dict(type='path'),
            title=dict(type='str', default='SMB session compliance'),
        ),
        required_if=[('validate_only', False, ('report_dir',))],
        supports_check_mode=True,
    )
    p = module.params
    try:
        policy = load_policy(p['policy'])
    except PolicyError as e:
        module.fail_json(msg='The compliance policy is invalid: %s' % e)
    if p['validate_only']:
        module.exit_json(changed=False, policy=policy.to_dict())
    try:
        results = [normalise_result(i, r) for i, r in enumerate(p['results'])]
    except ValueError as e:
        module.fail_json(msg=str(e))
    # Host names in allowed_clients match the addresses they resolve to, as in the close modules.
    evaluations = evaluate_all(policy, results, resolver=system_resolver)
    summary = summarize(evaluations)
    reports = {}
    if not module.check_mode:
        try:
            reports = write_reports(p['report_dir'], evaluations, summary, policy, title=p['title'])
        except (IOError, OSError) as e:
            module.fail_json(msg='Cannot write the reports to %s: %s' % (p['report_dir'], e),
                             summary=summary, evaluations=evaluations)
    module.exit_json(changed=bool(reports), policy=policy.to_dict(), summary=summary,
                     evaluations=evaluations, violating_sessions=violating_sessions(evaluations),
                     reports=reports)


if __name__ == '__main__':
    main()
