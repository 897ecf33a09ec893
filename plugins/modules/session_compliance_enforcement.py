#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: session_compliance_enforcement
short_description: Record what compliance enforcement closed and left alone, and give the run's final verdict
version_added: 0.2.0
description:
  - The last step of enforcement in the role C(lanman.smb.session_compliance). It contacts no server.
  - Writes C(enforce.json) into O(report_dir) - every close call (from the registered loop results of
    M(lanman.smb.smb_session) and M(lanman.smb.win_smb_session)) and every violator left alone, with the reason
    - and returns the verdict of M(lanman.smb.session_compliance_report) with C(enforcement-failed) added when a
    close failed.
options:
  report_dir:
    description: Directory of the reports (as M(lanman.smb.session_compliance_plan) returns it).
    type: path
    required: true
  enforcement:
    description: The RV(lanman.smb.session_compliance_report#module:enforcement) result; its C(left_alone) is recorded.
    type: dict
    required: true
  verdict:
    description: The RV(lanman.smb.session_compliance_report#module:verdict) result.
    type: dict
    required: true
  agentless_closes:
    description: The registered result of the loop of M(lanman.smb.smb_session) over the agentless closes.
    type: dict
  windows_closes:
    description: The registered result of the loop of M(lanman.smb.win_smb_session) over the Windows closes.
    type: dict
  closes_in_check_mode:
    description: Whether the closes ran in check mode (nothing closed; the results say what would be).
    type: bool
    default: false
  mixed_pairs_closed:
    description: Whether pairs that also hold compliant sessions were closed (recorded in C(enforce.json)).
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: In check mode C(enforce.json) is not written (the role runs it with C(check_mode=false)).
  diff_mode:
    support: none
  platform:
    platforms: posix
seealso:
  - module: lanman.smb.session_compliance_report
author:
  - lanman.smb contributors (@lanman)
'''

EXAMPLES = r'''
- name: Record what enforcement did, and the final verdict
  lanman.smb.session_compliance_enforcement:
    report_dir: "{{ plan.report_dir }}"
    enforcement: "{{ report.enforcement }}"
    verdict: "{{ report.verdict }}"
    agentless_closes: "{{ closed }}"
    closes_in_check_mode: "{{ ansible_check_mode }}"
  check_mode: false
  register: enforced
'''

RETURN = r'''
record:
  description:
    - What C(enforce.json) holds - C(check_mode), C(mixed_pairs_closed), C(closes) (each C(server), C(client),
      C(username), C(rules), C(mixed), C(changed), C(failed), C(msg), C(closed_sessions), C(skipped_sessions)) and
      C(left_alone) (each C(server), C(client), C(username), C(rules), C(reason)).
  returned: always
  type: dict
verdict:
  description: The report's verdict, with C(enforcement-failed) among C(outcomes) when a close failed.
  returned: always
  type: dict
path:
  description: Path of C(enforce.json) (null in check mode).
  returned: always
  type: str
'''

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lanman.smb.plugins.module_utils.compliance_run import enforcement_record, with_enforcement


def write_atomically(path, text):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    handle, staged = tempfile.mkstemp(prefix='.enforce-', dir=directory)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staged, 0o666 & ~umask)
        os.replace(staged, path)
    finally:
        if os.path.exists(staged):
            os.unlink(staged)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            report_dir=dict(type='path', required=True),
            enforcement=dict(type='dict', required=True),
            verdict=dict(type='dict', required=True),
            agentless_closes=dict(type='dict'),
            windows_closes=dict(type='dict'),
            closes_in_check_mode=dict(type='bool', default=False),
            mixed_pairs_closed=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    record = enforcement_record(p['agentless_closes'], p['windows_closes'], p['enforcement'].get('left_alone'),
                                p['closes_in_check_mode'], p['mixed_pairs_closed'])
    path = None
    if not module.check_mode:
        path = os.path.join(p['report_dir'], 'enforce.json')
        try:
            write_atomically(path, json.dumps(record, indent=2, ensure_ascii=False, default=str) + '\n')
        except (IOError, OSError) as e:
            module.fail_json(msg='Cannot write %s: %s' % (path, e), record=record)
    module.exit_json(changed=path is not None, record=record, verdict=with_enforcement(p['verdict'], record),
                     path=path)


if __name__ == '__main__':
    main()
