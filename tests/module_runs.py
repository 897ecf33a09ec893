"""The one in-process runner of the agentless modules: main() with the given options, in this
process, its result as the module printed it. Unit tests pass a stand-in for SrvsvcClient (the
network is never reached); Samba tests pass none and reach a real server.

(The runner through Ansible itself, a module process of its own, is tests/samba/conftest.py's
ModuleRunner.)"""
import json

import pytest

from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args


def run_in_process(module, capsys, args, client_class=None, monkeypatch=None):
    """Runs ``module``.main() with ``args``; ``client_class`` (with ``monkeypatch``) replaces
    SrvsvcClient. Returns the result; warnings as their text on every ansible-core."""
    if client_class is not None:
        from ansible_collections.lanman.smb.plugins.module_utils import agentless_module
        monkeypatch.setattr(agentless_module, 'SrvsvcClient', client_class)
    warnings._global_warnings.clear()  # ansible-core keeps warnings per process, not per module run
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    out = capsys.readouterr().out
    result = json.loads(out)
    # ansible-core >= 2.19 returns warnings as structured summaries; tests compare the text
    result['warnings'] = [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]
    result['_raw_output'] = out
    return result
