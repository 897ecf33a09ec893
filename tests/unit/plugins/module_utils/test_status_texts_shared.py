"""tests/fixtures/status_texts.json: the agentless twin says what the Windows twin says for every
LAN Manager (NERR_*) code a session call can answer (the C# side: tests/csharp/WindowsSpecificsTests.cs).
Windows has no system text for these codes; neither twin may print a bare number or "Unknown error"."""
import json
import pathlib

import pytest

from ansible_collections.lanman.smb.plugins.module_utils._srvsvc.status import status_text

ROOT = pathlib.Path(__file__).resolve().parents[4]
TEXTS = json.loads((ROOT / 'tests' / 'fixtures' / 'status_texts.json').read_text(encoding='utf-8'))['texts']


@pytest.mark.parametrize('code', sorted(TEXTS), ids=str)
def test_status_text_is_the_shared_one(code):
    assert status_text(int(code)) == TEXTS[code]


def test_the_table_covers_server_not_started_and_buffer_too_small():
    assert {'2114', '2123', '2221', '2312', '2351'} <= set(TEXTS)
