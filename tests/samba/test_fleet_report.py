"""The fleet compliance report playbook, run against two 'file servers' (real smbd labs)
and one unreachable one: CSV and HTML list every session, and the failure is reported, not fatal."""
import csv
import json
import pathlib
import subprocess
import sys

from samba_lab.server import SambaLab, free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_fleet_report_writes_csv_and_html(tmp_path, ansible_env):
    with SambaLab(users={'alice': 'Alice-Pw-1'}) as fs1, SambaLab(users={'bob': 'Bob-Pw-2'}) as fs2:
        fs1.open_session('alice')
        fs2.open_session('bob')
        fs2.open_session('bob')
        hosts = {
            'fs1': {'smb_server': '127.0.0.1', 'smb_port': fs1.port, 'smb_auth_password': fs1.admin_password},
            'fs2': {'smb_server': '127.0.0.1', 'smb_port': fs2.port, 'smb_auth_password': fs2.admin_password},
            'fs3': {'smb_server': '127.0.0.1', 'smb_port': free_port(), 'smb_auth_password': 'x'},
        }
        for h in hosts.values():
            h.update(smb_agentless=True, smb_auth_username=fs1.admin_user, smb_auth_protocol='ntlm',
                     ansible_connection='local', ansible_python_interpreter=sys.executable)
        inventory = tmp_path / 'inventory.json'
        inventory.write_text(json.dumps({'fileservers': {'hosts': hosts}}))
        proc = subprocess.run(
            [str(pathlib.Path(sys.executable).with_name('ansible-playbook')), '-i', str(inventory),
             '-e', 'report_dir=%s' % tmp_path, '-e', 'ansible_python_interpreter=%s' % sys.executable,
             str(ROOT / 'playbooks' / 'fleet_report.yml')],
            env=ansible_env, check=False, capture_output=True, text=True, timeout=300)
    # fs3 is down: its task fails but the report is still written for everyone
    assert (tmp_path / 'smb-sessions.csv').exists(), proc.stdout[-3000:] + proc.stderr[-2000:]
    rows = list(csv.DictReader((tmp_path / 'smb-sessions.csv').open()))
    users = sorted((r['server'], r['username']) for r in rows if r['username'])
    assert ('fs1', 'alice') in users and users.count(('fs2', 'bob')) == 2
    assert [r['error'] for r in rows if r['server'] == 'fs3'][0].startswith('Cannot connect')
    html = (tmp_path / 'smb-sessions.html').read_text()
    assert '<h2>fs2</h2>' in html and 'bob' in html and 'Not queried: Cannot connect' in html
