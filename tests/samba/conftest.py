"""A real Samba on loopback per test module, and a runner for the agentless modules."""
import json
import subprocess
import tempfile
import sys
import pathlib

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from samba_lab.server import SambaLab  # noqa: E402

USERS = {'alice': 'Alice-Pw-1', 'bob': 'Bob-Pw-2', 'carol': 'Carol-Pw-3'}


@pytest.fixture()
def lab():
    """A fresh server per test: sessions closed by one test cannot leak into the next."""
    with SambaLab(users=USERS) as server:
        yield server


class ModuleRunner:
    """Runs a lanman.smb module for real with `ansible localhost -m` and returns its result."""

    def __init__(self, env, lab):
        self.env = env
        self.lab = lab

    def __call__(self, module, check=False, diff=False, auth=True, **args):
        if auth:
            args.setdefault('server', '127.0.0.1')
            args.setdefault('port', self.lab.port)
            args.setdefault('auth_username', self.lab.admin_user)
            args.setdefault('auth_password', self.lab.admin_password)
            args.setdefault('auth_protocol', 'ntlm')
        with tempfile.TemporaryDirectory() as tmp:
            out = pathlib.Path(tmp) / 'result.json'
            # A registered result keeps every key (callbacks drop 'failed' in newer ansible-core).
            play = [{
                'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
                'vars': {'ansible_python_interpreter': sys.executable},
                'tasks': [
                    {'name': 'module under test', 'lanman.smb.%s' % module: args, 'register': 'r',
                     'ignore_errors': True, 'check_mode': check, 'diff': diff},
                    {'name': 'save result', 'ansible.builtin.copy': {'content': '{{ r | to_json }}', 'dest': str(out)},
                     'check_mode': False, 'diff': False},
                ]}]
            playbook = pathlib.Path(tmp) / 'play.yml'
            playbook.write_text(json.dumps(play))
            cmd = [str(pathlib.Path(sys.executable).with_name('ansible-playbook')), '-i', 'localhost,', str(playbook)]
            proc = subprocess.run(cmd, env=self.env, check=False, capture_output=True, text=True, timeout=180)
            if not out.exists():
                raise AssertionError('no result from ansible (rc %d): %s %s' % (proc.returncode, proc.stdout, proc.stderr))
            result = json.loads(out.read_text())
        result['_raw_output'] = proc.stdout + proc.stderr
        return result


@pytest.fixture()
def run(ansible_env, lab):
    return ModuleRunner(ansible_env, lab)
