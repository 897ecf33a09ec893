"""Order of the glue in the Windows open-file modules, which the C# tests cannot see: every
entry check (and, for the info module, the level-2 rule) before any lookup or listing; the
exclude_client host names replaced by the addresses they resolve to before anything is matched
(a name never matches the address a server reports: it would protect nothing); the own-pipe rule
set from the server; a failed close still returns its result keys."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLOSE = (ROOT / 'plugins' / 'modules' / 'win_smb_open_file.ps1').read_text()
INFO = (ROOT / 'plugins' / 'modules' / 'win_smb_open_file_info.ps1').read_text()


def _at(text, pattern):
    m = re.search(pattern, text)
    assert m, pattern
    return m.start()


def glue_problems(text, close):
    try:
        server = _at(text, r'\[LanmanLocalHost\]::CheckServer\(\$server\)')
        check = _at(text, r'\$selection = \[LanmanOpenFileSelection\]::Check\(')
        resolve = _at(text, r"\[LanmanClientResolution\]::ResolveClients\('exclude_client', \$selection\.ExcludeClients\)")
        own = _at(text, r'\$selection\.ProtectOwnPipe\(-not \[LanmanLocalHost\]::IsLocalServer\(\$server\)\)')
        exclusions = _at(text, r'foreach \(\$message in \$excluded\.ExclusionErrors\(\)\) \{\s*\$module\.FailJson\(\$message\)')
        resolved = _at(text, r'\$selection\.ExcludeClients = \$excluded\.Selectors\.ToArray\(\)')
        shares = _at(text, r'\[LanmanOpenFileList\]::AddShares\(\$server, \$selection\)')
        listing = _at(text, r'\[LanmanOpenFileList\]::List\(')
        plan = _at(text, r'\[LanmanOpenFilePlanner\]::Plan\(\$listing\.Files, \$selection\)')
        if close:
            flags = _at(text, r'\$module\.Params\.all, \$true\)')
            run = _at(text, r'\[LanmanOpenFileCloser\]::Run\(\$server, \$plan, \$module\.CheckMode\)')
            results = _at(text, r'\$module\.Result\.\$key = \$result\[\$key\]')
            diff = _at(text, r'\$module\.Diff\.after = \$run\.DiffAfter\(\)')
            failed = _at(text, r'if \(\$null -ne \$run\.FailedCall\) \{\s*(#[^\n]*\n\s*)*\$module\.FailJson\(\$run\.FailureMessage\(\)\)')
        else:
            flags = _at(text, r'\$module\.Params\.exclude_client, \$false, \$false\)')
            level = _at(text, r'\$selection\.CheckLevel\(\$module\.Params\.level\)')
    except AssertionError as e:
        return ['missing: %s' % e]
    problems = []
    if not server < check < resolve < exclusions < resolved < shares < listing < plan:
        problems.append('checks, exclusion resolution, share look-ups, listing and plan out of order')
    if not own < plan:
        problems.append('the own-pipe rule is set after planning')
    if not check < flags < resolve:
        problems.append('Check is not given the module kind (close: all and true; info: false, false)')
    if close and not (plan < run < results < failed and diff < failed):
        problems.append('a failed close fails before its results and diff are set')
    if not close and not check < level < resolve:
        problems.append('the level-2 rule is checked after names are resolved')
    return problems


@pytest.mark.parametrize('text, close', [(CLOSE, True), (INFO, False)], ids=['win_smb_open_file', 'win_smb_open_file_info'])
def test_open_file_glue_order(text, close):
    assert glue_problems(text, close) == []


@pytest.mark.parametrize('broken', [
    # host names never replaced by their addresses: exclude_client by name would protect nothing
    lambda t: t.replace('$selection.ExcludeClients = $excluded.Selectors.ToArray()\n', ''),
    # the own pipe never protected
    lambda t: t.replace('    $selection.ProtectOwnPipe(-not [LanmanLocalHost]::IsLocalServer($server))\n', ''),
    # the close module checked as an info module: no whole-volume and no-selector refusals
    lambda t: t.replace('$module.Params.all, $true)', '$module.Params.all, $false)'),
    # check mode not passed to the executor
    lambda t: t.replace('$plan, $module.CheckMode)', '$plan, $false)'),
])
def test_open_file_glue_check_catches_breaks(broken):
    assert glue_problems(broken(CLOSE), True)


def test_info_glue_check_catches_a_missing_level_rule():
    assert glue_problems(INFO.replace('    $selection.CheckLevel($module.Params.level)\n', ''), False)
