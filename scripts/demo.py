"""The embedded demo: a private Samba on loopback with real client sessions, then the
example playbook (playbooks/demo.yml) lists them, dry-runs a close, closes one user's
sessions and lists again; then finds and closes the files held open under a deployment
folder. Prints a readable summary and checks, through each client's own connection, that only
the leaving user was disconnected and only the files under the folder were closed. Stops
everything it started.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tests'))
from samba_lab.server import SambaLab  # noqa: E402
from samba_lab.open_files import FileHolder, unix_path  # noqa: E402

USERS = {'alice': 'Alice-Demo-1', 'bob': 'Bob-Demo-2', 'carol': 'Carol-Demo-3'}
SESSIONS = ['alice', 'bob', 'bob', 'carol']
LEAVING = 'bob'
# Who holds which file open: carol's file under the deployment folder blocks the deployment;
# alice's document elsewhere must stay open.
HELD_FILES = [('carol', 'deploy/app/app.dll', True), ('alice', 'notes/todo.txt', False)]
DEPLOY_FOLDER = 'deploy'


def table(title, sessions):
    print('\n  %s' % title)
    print('  %-12s %-16s %9s %8s' % ('user', 'client', 'open', 'active'))
    for s in sorted(sessions, key=lambda s: (s['username'] or '', s['client'])):
        print('  %-12s %-16s %9s %7ss' % (s['username'], s['client'], s['num_opens'], s['active_seconds']))


def file_table(title, files):
    print('\n  %s' % title)
    print('  %-10s %-8s %5s  %s' % ('id', 'user', 'locks', 'path'))
    for f in sorted(files, key=lambda f: f['path'] or ''):
        print('  %-10s %-8s %5s  %s' % (f['id'], f['username'], f['num_locks'], f['path']))


def main():
    with tempfile.TemporaryDirectory(prefix='lanman-demo-') as work:
        work = pathlib.Path(work)
        (work / 'ansible_collections' / 'lanman').mkdir(parents=True)
        (work / 'ansible_collections' / 'lanman' / 'smb').symlink_to(ROOT, target_is_directory=True)
        print('== starting a private Samba on 127.0.0.1 (nothing touches the system smbd)')
        with SambaLab(users=USERS) as lab:
            handles = [(user, lab.open_session(user)) for user in SESSIONS]
            print('   smbd on port %d, %d client sessions: %s' % (lab.port, len(handles), ', '.join(SESSIONS)))
            holders = []
            for user, relative, blocks in HELD_FILES:
                holder = FileHolder(lab, user)
                holders.append((holder, holder.open(relative, locks=1), blocks))
            print('   files held open: %s' % ', '.join('%s by %s' % (relative, user) for user, relative, blocks in HELD_FILES))
            extra = work / 'vars.json'
            extra.write_text(json.dumps({
                'smb_server': '127.0.0.1', 'smb_port': lab.port, 'smb_admin': lab.admin_user,
                'smb_admin_password': lab.admin_password, 'leaving_user': LEAVING,
                'deploy_folder': unix_path(lab, DEPLOY_FOLDER) + '/', 'report_dir': str(work)}))
            extra.chmod(0o600)
            env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(work), ANSIBLE_LOCAL_TEMP=str(work / 'tmp'),
                       ANSIBLE_REMOTE_TMP=str(work / 'tmp'), ANSIBLE_NOCOLOR='1')
            print('== ansible-playbook playbooks/demo.yml')
            rc = subprocess.call([str(pathlib.Path(sys.executable).with_name('ansible-playbook')),
                                  '-i', 'localhost,', '-e', 'ansible_python_interpreter=%s' % sys.executable,
                                  '-e', '@%s' % extra, str(ROOT / 'playbooks' / 'demo.yml')], env=env)
            if rc != 0:
                print('demo: the playbook failed (rc %d)' % rc)
                return 1
            results = json.loads((work / 'demo-results.json').read_text())
            print('\n== summary')
            table('connected before (%d sessions; %s is the demo\'s own session)'
                  % (len(results['before']['sessions']), lab.admin_user), results['before']['sessions'])
            print('\n  dry run (check mode) would close: %s'
                  % ', '.join('%s@%s' % (s['username'], s['client']) for s in results['dry_run']['closed_sessions']))
            print('  closed: %s  (calls: %s)' % (
                ', '.join('%s@%s' % (s['username'], s['client']) for s in results['closed']['closed_sessions']),
                results['closed']['close_calls']))
            table('connected after', results['after']['sessions'])
            file_table('open files under the deployment folder', results['files_before']['open_files'])
            print('\n  dry run (check mode) would close file ids: %s'
                  % ', '.join(str(f['id']) for f in results['files_dry_run']['closed_files']))
            print('  closed file ids: %s' % ', '.join(str(f['id']) for f in results['files_closed']['closed_files']))
            time.sleep(0.5)
            print('\n== checking each client over its own connection')
            ok = True
            for user, handle in handles:
                alive = lab.is_connected(handle)
                expected = user != LEAVING
                ok &= alive == expected
                state = 'connected' if alive else 'disconnected'
                print('   %-6s %-13s %s' % (user, state, 'ok' if alive == expected else 'UNEXPECTED'))
            for holder, held, blocks in holders:
                still_open = holder.works(held)
                ok &= still_open != blocks
                print('   %-6s %-22s %-7s %s' % (holder.user, held.relative, 'open' if still_open else 'closed',
                                                 'ok' if still_open != blocks else 'UNEXPECTED'))
                holder.close()
        print('\n== Samba stopped; demo %s' % ('passed' if ok else 'FAILED'))
        return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
