"""Real Samba servers on loopback, and the one runner of the agentless modules through Ansible.

Servers: `lab` is a fresh server per test (for tests that close sessions, stop the server or
change its users); `shared_lab` is one server per test module holding SHARED_SESSIONS, for tests
that only read: such a test opens no session it keeps and closes none (or puts back what it
changed before it ends).
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from samba_lab.server import SambaLab  # noqa: E402

USERS = {'alice': 'Alice-Pw-1', 'bob': 'Bob-Pw-2', 'carol': 'Carol-Pw-3'}
# What shared_lab holds open for its whole module: alice once, bob twice (two sessions of one
# pair), carol never (a user who exists but is not connected).
SHARED_SESSIONS = ('alice', 'bob', 'bob')
CALLBACKS = str(pathlib.Path(__file__).resolve().parent / 'callback_plugins')


@pytest.fixture()
def lab():
    """A fresh server per test: sessions closed by one test cannot leak into the next."""
    with SambaLab(users=USERS) as server:
        yield server


@pytest.fixture(scope='module')
def shared_lab():
    """One server for a test module's read-only tests, holding SHARED_SESSIONS (as lab.held)."""
    with SambaLab(users=USERS) as server:
        server.held = [server.open_session(user) for user in SHARED_SESSIONS]
        yield server


class ModuleRunner:
    """Runs a lanman.smb module for real (ansible-playbook, one task) and returns its result with
    every key (written by callback_plugins/result_file.py), plus what Ansible printed
    (_raw_output) and the wall time of the command (_wall).

    With a lab, server, port and the admin's credentials are filled in unless given (auth=False:
    nothing is filled in); without one, ``defaults`` are."""

    def __init__(self, env, lab=None, **defaults):
        self.env = env
        self.lab = lab
        self.defaults = defaults

    def _defaults(self):
        if self.lab is None:
            return self.defaults
        return dict(server='127.0.0.1', port=self.lab.port, auth_username=self.lab.admin_user,
                    auth_password=self.lab.admin_password, auth_protocol='ntlm')

    def __call__(self, module, check=False, diff=False, auth=True, **args):
        if auth:
            for key, value in self._defaults().items():
                args.setdefault(key, value)
        with tempfile.TemporaryDirectory() as tmp:
            out = pathlib.Path(tmp) / 'result.json'
            play = [{
                'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
                'vars': {'ansible_python_interpreter': sys.executable},
                'tasks': [{'name': 'module under test', 'lanman.smb.%s' % module: args,
                           'ignore_errors': True, 'check_mode': check, 'diff': diff}]}]
            playbook = pathlib.Path(tmp) / 'play.yml'
            playbook.write_text(json.dumps(play))
            env = dict(self.env, ANSIBLE_CALLBACK_PLUGINS=CALLBACKS, ANSIBLE_CALLBACKS_ENABLED='result_file',
                       LANMAN_TEST_RESULT_FILE=str(out))
            cmd = [str(pathlib.Path(sys.executable).with_name('ansible-playbook')), '-i', 'localhost,', str(playbook)]
            start = time.monotonic()
            proc = subprocess.run(cmd, env=env, check=False, capture_output=True, text=True, timeout=180)
            wall = time.monotonic() - start
            if not out.exists():
                raise AssertionError('no result from ansible (rc %d): %s %s' % (proc.returncode, proc.stdout, proc.stderr))
            result = json.loads(out.read_text())
        result['_raw_output'] = proc.stdout + proc.stderr
        result['_wall'] = wall
        return result


@pytest.fixture()
def run(ansible_env, lab):
    return ModuleRunner(ansible_env, lab)


@pytest.fixture(scope='module')
def shared_run(ansible_env, shared_lab):
    return ModuleRunner(ansible_env, shared_lab)


@pytest.fixture(scope='session')
def module_runner(ansible_env):
    """The runner without a server: every option is given by the test."""
    return ModuleRunner(ansible_env)
