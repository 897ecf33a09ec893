"""Run a SambaLab with client sessions in the background, for tools whose steps are separate
processes (molecule: prepare starts it, converge/verify use it, cleanup stops it).

    python tests/samba_lab/daemon.py start STATE_DIR user:password ...   # returns when ready
    python tests/samba_lab/daemon.py status STATE_DIR                    # prints {user: connected}
    python tests/samba_lab/daemon.py stop STATE_DIR

STATE_DIR/lab.json holds port, admin user and password, and the daemon's pid.
"""
import json
import os
import pathlib
import signal
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from samba_lab.server import SambaLab  # noqa: E402


def _serve(state, users):
    lab = SambaLab(users=dict(u.split(':', 1) for u in users))
    lab.start()
    sessions = [(name, lab.open_session(name)) for name in lab.users]
    stopping = []

    def on_status(signum, frame):
        report = {}
        for name, handle in sessions:
            report.setdefault(name, []).append(lab.is_connected(handle))
        (state / 'status.json').write_text(json.dumps(report))

    signal.signal(signal.SIGUSR1, on_status)
    signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
    (state / 'lab.json').write_text(json.dumps({
        'port': lab.port, 'admin_user': lab.admin_user, 'admin_password': lab.admin_password,
        'pid': os.getpid(), 'users': sorted(lab.users)}))
    try:
        while not stopping:
            time.sleep(0.2)
    finally:
        lab.stop()
        (state / 'lab.json').unlink()


def _wait_until(condition, seconds):
    """Poll ``condition`` every 0.1 s for up to ``seconds``; whether it came true."""
    for dummy in range(int(seconds * 10)):
        if condition():
            return True
        time.sleep(0.1)
    return False


def main(argv):
    command, state = argv[1], pathlib.Path(argv[2])
    state.mkdir(parents=True, exist_ok=True)
    info = state / 'lab.json'
    if command == 'start':
        if os.fork() == 0:
            os.setsid()
            with open(os.devnull, 'r+') as null:
                os.dup2(null.fileno(), 0)
                os.dup2(null.fileno(), 1)
            _serve(state, argv[3:])
            os._exit(0)
        if _wait_until(info.exists, 30):
            print(info.read_text())
            return 0
        sys.exit('samba lab did not start within 30 s')
    data = json.loads(info.read_text())
    if command == 'status':
        status = state / 'status.json'
        if status.exists():
            status.unlink()
        os.kill(data['pid'], signal.SIGUSR1)
        if _wait_until(status.exists, 10):
            print(status.read_text())
            return 0
        sys.exit('no status from the lab')
    if command == 'stop':
        os.kill(data['pid'], signal.SIGTERM)
        if _wait_until(lambda: not info.exists(), 20):
            return 0
        sys.exit('samba lab did not stop')
    sys.exit('usage: daemon.py start|status|stop STATE_DIR [user:password ...]')


if __name__ == '__main__':
    sys.exit(main(sys.argv))
