# -*- coding: utf-8 -*-
# Copyright: (c) 2026, lanman.smb contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action of lanman.smb.session_compliance_plan: runs in the ansible-playbook process, where the
inventory, the host variables and the job's working directory are; the rules are in
module_utils/fleet_plan.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.inventory.manager import InventoryManager
from ansible.plugins.action import ActionBase

from ansible_collections.lanman.smb.plugins.module_utils.fleet_plan import (
    HOST_VARS, PLAN_SPEC, PlanError, load_policy_input, plan_servers, report_paths,
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def _matched_hosts(self, pattern, task_vars):
        """Inventory hosts of ``pattern`` (and of --limit), as the inventory_hostnames lookup finds them."""
        manager = InventoryManager(self._loader, parse=False)
        for group, names in task_vars.get('groups', {}).items():
            manager.add_group(group)
            for name in names:
                manager.add_host(name, group=group)
        if task_vars.get('ansible_limit'):
            manager.subset(task_vars['ansible_limit'])
        return [host.name for host in manager.get_hosts(pattern=pattern)]

    @staticmethod
    def _host_vars(hostvars, name):
        found = hostvars[name]
        values = {}
        for key in HOST_VARS:
            try:
                values[key] = found.get(key)
            except Exception as e:  # a template error of the inventory's own: name the host and variable
                raise PlanError('bad-input', 'inventory host %s: %s cannot be templated: %s' % (name, key, e))
        return values

    def _read_yaml(self, path):
        # Ansible's loader also reads a vaulted policy file.
        return self._loader.load_from_file(path, cache='none', unsafe=False)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        validation, args = self.validate_argument_spec(argument_spec=PLAN_SPEC)
        # Relative paths are the job's: the working directory of ansible-playbook, as for -i and
        # -e @file (modules run in the playbook's directory, a lookup searches the role's).
        cwd = os.getcwd()
        try:
            policy, source = load_policy_input(args['policy'], args['policy_file'], cwd, self._read_yaml)
            report_dir, previous, previous_data, warnings = report_paths(args['report_dir'], args['previous_report'],
                                                                         cwd)
            group = set(task_vars.get('groups', {}).get(args['agentless_group']) or ())
            hostvars = task_vars.get('hostvars', {})
            hosts = [(name, self._host_vars(hostvars, name), name in group)
                     for name in self._matched_hosts(args['hosts'], task_vars)]
            servers = plan_servers(hosts, args['servers'], args['port'], pattern=args['hosts'])
        except PlanError as e:
            result.update(failed=True, msg=str(e), outcome=e.outcome)
            return result
        if warnings:
            result['warnings'] = warnings
        result.update(servers)
        result.update(changed=False, policy=policy.to_dict(), policy_source=source, report_dir=report_dir,
                      previous_report=previous, previous_generated=(previous_data or {}).get('generated'),
                      working_directory=cwd, hosts_matched=len(hosts), open_files=policy.lists_open_files())
        return result
