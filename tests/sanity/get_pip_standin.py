"""Offline stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test downloads get-pip.py from ci-files.testing.ansible.com, which CI cannot reach.
It runs the script in a fresh venv as `get-pip.py [pip options] pip==X ...`; this does the
same with the venv's bundled pip (ensurepip) and the configured package index.
"""
import ensurepip
import os
import subprocess
import sys

# The exact pip pin (e.g. pip==23.1.2 for ansible-core 2.16) may be missing from the package
# mirror; the venv's bundled pip does the same job, so the pin is dropped.
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel') and not a.startswith('pip==')]
ensurepip.bootstrap(upgrade=True)
if [a for a in args if not a.startswith('-')]:
    # ansible-test 2.16 passes only HOME through: give pip the system CA bundle explicitly.
    cert = os.environ.get('PIP_CERT') or os.environ.get('SSL_CERT_FILE') or '/etc/ssl/certs/ca-certificates.crt'
    extra = ['--cert', cert] if os.path.exists(cert) else []
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-q'] + extra + args)
