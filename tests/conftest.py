"""Fixtures shared by every pytest suite of the collection."""
import os
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent

# Make `ansible_collections.lanman.smb` importable from the checkout in every suite.
_IMPORT_BASE = REPO / 'tests' / 'output' / 'collections'
_LINK = _IMPORT_BASE / 'ansible_collections' / 'lanman' / 'smb'
if not _LINK.exists():
    _LINK.parent.mkdir(parents=True, exist_ok=True)
    try:
        _LINK.symlink_to(REPO, target_is_directory=True)
    except FileExistsError:   # another pytest-xdist worker made it first
        pass
if str(_IMPORT_BASE) not in sys.path:
    sys.path.insert(0, str(_IMPORT_BASE))


@pytest.fixture(scope="session")
def repo_root():
    return REPO


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    """A directory holding ansible_collections/lanman/smb -> this checkout.

    Ansible finds a collection only under an ansible_collections/<ns>/<name> tree; a symlink
    lets every test run the working copy by FQCN without building a tarball.
    """
    base = tmp_path_factory.mktemp("collections")
    ns = base / "ansible_collections" / "lanman"
    ns.mkdir(parents=True)
    (ns / "smb").symlink_to(REPO, target_is_directory=True)
    return base


@pytest.fixture(scope="session")
def ansible_env(collections_path, tmp_path_factory):
    """Environment for ansible / ansible-playbook / ansible-doc subprocesses.

    Keeps Ansible's temp files out of the real home (connection: local writes there).
    """
    tmp = tmp_path_factory.mktemp("ansible-tmp")
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
        "ANSIBLE_REMOTE_TMP": str(tmp / "remote"),
        "ANSIBLE_LOCAL_TEMP": str(tmp / "local"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_DEPRECATION_WARNINGS": "0",
    })
    return env
