#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: session_compliance_plan
short_description: Check the compliance policy and find the servers of a fleet run, before any is contacted
version_added: 0.2.0
description:
  - The first step of the role C(lanman.smb.session_compliance) (playbook C(lanman.smb.fleet_compliance)). It
    contacts no server.
  - Reads the policy (O(policy), or the YAML file O(policy_file), which may be vaulted) and checks all of it,
    waivers included.
  - Resolves the relative paths O(policy_file), O(report_dir) and O(previous_report) against the working
    directory of C(ansible-playbook), as C(-i) and C(-e @file) are resolved, never against the role or the
    playbook directory.
  - Finds the inventory hosts that the pattern O(hosts) matches (within C(--limit)) and tells each one's kind
    from its variables - agentless (C(smb_agentless=true), or in O(agentless_group); C(smb_server) or
    C(ansible_host) and C(smb_port) say where it is), Windows (C(ansible_connection) C(winrm) or C(psrp)) or of no
    known kind (reported as not audited) - and adds O(servers).
  - Fails, with a message that starts C(SMB session compliance [bad-policy]) or C(SMB session compliance
    [bad-input]), when the policy is invalid, when a server entry is malformed or two entries share a name,
    or when there is nothing to audit (an empty pattern, group or inventory and no O(servers)).
  - This is an action plugin; it runs in the controller's C(ansible-playbook) process whatever the host.
options:
  policy:
    description:
      - The session policy as a mapping (docs/policy.md). Wins over O(policy_file).
    type: dict
  policy_file:
    description:
      - A YAML file holding the policy; a relative path is relative to the working directory.
    type: str
  hosts:
    description:
      - Inventory pattern of the hosts to audit, as for C(--limit) (C(fileservers), C(fs*:!fs03)).
    type: str
    default: all
  agentless_group:
    description:
      - Inventory group whose hosts are agentless servers.
    type: str
    default: smb_agentless
  servers:
    description:
      - More agentless servers that are not inventory hosts, as for
        O(lanman.smb.smb_session_audit#module:servers) (a host string, or C(server), C(port), C(name)).
    type: list
    elements: raw
    default: []
  port:
    description:
      - SMB port of the agentless servers that set none.
    type: int
    default: 445
  report_dir:
    description:
      - Directory of the reports; a relative path is relative to the working directory.
    type: str
    required: true
  previous_report:
    description:
      - The C(report.json) of an earlier run to compare with. Default - C(report.json) in O(report_dir) when it
        exists. A path that does not exist is a warning (every finding is then new); a file that is not a
        report fails.
    type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - lanman.smb.attributes.info
attributes:
  platform:
    platforms: posix
seealso:
  - module: lanman.smb.session_compliance_report
  - module: lanman.smb.smb_session_audit
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Check the policy and find the servers, before contacting any
  lanman.smb.session_compliance_plan:
    policy_file: policy.yml
    hosts: fileservers
    report_dir: smb-compliance
  register: plan

- name: List the agentless servers in one task
  lanman.smb.smb_session_audit:
    servers: "{{ plan.agentless }}"
  when: plan.agentless | length > 0
'''

RETURN = r'''
policy:
  description: The policy as understood (normalised; waivers with their dates as C(YYYY-MM-DD)).
  returned: success
  type: dict
policy_source:
  description: The absolute path of the policy file, or C(session_compliance_policy) for a policy given inline.
  returned: success
  type: str
report_dir:
  description: The absolute path of the report directory.
  returned: success
  type: str
previous_report:
  description:
    - The absolute path of the report to compare with (given, or C(report.json) in the report directory); the
      report module reads it when it exists.
  returned: success
  type: str
previous_generated:
  description: When the previous report was generated, or C(null).
  returned: success
  type: str
working_directory:
  description: The working directory relative paths were resolved against.
  returned: success
  type: str
hosts_matched:
  description: Number of inventory hosts the pattern matched.
  returned: success
  type: int
open_files:
  description:
    - Whether the run lists each server's open files - true when the policy sets an open-file rule
      (C(forbidden_open_paths), C(max_open_files_per_user)); the lists are large, so only then.
  returned: success
  type: bool
agentless:
  description:
    - The agentless servers, each C(name) (the name in the reports), C(server) and C(port), in the form
      M(lanman.smb.smb_session_audit) takes. Inventory hosts first, then O(servers).
  returned: success
  type: list
  elements: dict
  sample: [{name: nas02, server: 10.20.4.12, port: 1445}]
windows:
  description: Names of the Windows hosts (listed each over its own connection).
  returned: success
  type: list
  elements: str
not_audited:
  description: Inventory hosts of no known kind, each C(name) and C(error) (why it is not audited).
  returned: success
  type: list
  elements: dict
outcome:
  description: C(bad-policy) or C(bad-input) when the run cannot start.
  returned: failure
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils.fleet_plan import PLAN_SPEC


def main():
    # The work is done by the action plugin of the same name, in ansible-playbook.
    module = AnsibleModule(argument_spec=PLAN_SPEC, supports_check_mode=True)
    module.fail_json(msg='lanman.smb.session_compliance_plan runs as an action plugin in ansible-playbook; '
                         'it cannot run as a module on a host')


if __name__ == '__main__':
    main()
