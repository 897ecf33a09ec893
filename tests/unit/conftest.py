"""Make `ansible_collections.lanman.smb` importable from the checkout for unit tests."""
import pathlib
import sys

_REPO = pathlib.Path(__file__).resolve().parents[2]
_BASE = _REPO / 'tests' / 'output' / 'collections'
_LINK = _BASE / 'ansible_collections' / 'lanman' / 'smb'
if not _LINK.exists():
    _LINK.parent.mkdir(parents=True, exist_ok=True)
    _LINK.symlink_to(_REPO, target_is_directory=True)
if str(_BASE) not in sys.path:
    sys.path.insert(0, str(_BASE))
