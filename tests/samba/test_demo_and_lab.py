"""The README's main job works end to end, and the lab cleans up after itself."""
import os
import pathlib
import subprocess
import sys

from samba_lab.server import SambaLab

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_demo_runs_end_to_end():
    proc = subprocess.run([sys.executable, str(ROOT / 'scripts' / 'demo.py')], check=False, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'demo passed' in proc.stdout
    assert 'bob    disconnected  ok' in proc.stdout and 'alice  connected     ok' in proc.stdout
    assert 'Alice-Demo-1' not in proc.stdout  # passwords stay out of the output


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_stop_ends_smbd_and_samba_dcerpcd_by_pid():
    lab = SambaLab(users={'alice': 'Alice-Pw-1'})
    lab.start()
    from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.client import SrvsvcClient
    lab.open_session('alice')
    with SrvsvcClient('127.0.0.1', lab.port, lab.admin_user, lab.admin_password, auth_protocol='ntlm') as c:
        c.enum_sessions(1)  # makes smbd start samba-dcerpcd
    pids = lab.pids()
    assert {'smbd', 'samba-dcerpcd'} <= set(pids), pids
    lab.stop()
    assert not [name for name, pid in pids.items() if _alive(pid)]
