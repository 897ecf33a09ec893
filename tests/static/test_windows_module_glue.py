"""Order of the glue in the Windows modules, which the C# tests cannot see: a failed close
still returns its result keys (FailJson keeps $module.Result), an unresolvable exclusion fails
before anything is listed, and the listing's warnings reach the user."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLOSE = (ROOT / 'plugins' / 'modules' / 'win_smb_session.ps1').read_text()
INFO = (ROOT / 'plugins' / 'modules' / 'win_smb_session_info.ps1').read_text()


def _at(text, pattern):
    m = re.search(pattern, text)
    assert m, pattern
    return m.start()


def close_glue_problems(text):
    problems = []
    try:
        results = _at(text, r'\$module\.Result\.\$key = \$result\[\$key\]')
        diff = _at(text, r'\$module\.Diff\.after = \$run\.DiffAfter\(\)')
        level = _at(text, r'\$module\.Result\.level = \$listing\.Level')
        failed = _at(text, r'if \(\$null -ne \$run\.FailedCall\) \{\s*(#[^\n]*\n\s*)*\$module\.FailJson\(\$run\.FailureMessage\(\)\)')
        exit_ = _at(text, r'\$module\.ExitJson\(\)')
        exclusions = _at(text, r'foreach \(\$message in \$excluded\.ExclusionErrors\(\)\) \{\s*\$module\.FailJson\(\$message\)')
        listing = _at(text, r'::ListSessions\(')
        warnings = _at(text, r'foreach \(\$warning in \$listing\.Warnings\) \{\s*\$module\.Warn\(\$warning\)')
    except AssertionError as e:
        return ['missing: %s' % e]
    if not (results < failed and diff < failed and level < failed):
        problems.append('FailJson for a failed close before the result keys, level and diff are set')
    if not failed < exit_:
        problems.append('ExitJson before the failed-close check')
    if not exclusions < listing:
        problems.append('exclusions checked after listing')
    if not warnings < failed:
        problems.append('listing warnings emitted after a possible failure')
    return problems


def test_close_module_glue_order():
    assert close_glue_problems(CLOSE) == []


@pytest.mark.parametrize('broken', [
    # the failure check moved before the results are copied
    lambda t: t.replace('if ($null -ne $run.FailedCall)', 'if ($false)').replace(
        '$result = $run.ToResult()', 'if ($null -ne $run.FailedCall) { $module.FailJson($run.FailureMessage()) }\n$result = $run.ToResult()'),
    # the failure swallowed: no FailJson for a failed close
    lambda t: re.sub(r'if \(\$null -ne \$run\.FailedCall\) \{.*?\n\}\n', '', t, flags=re.S),
    # exclusions checked only after the listing
    lambda t: t.replace('foreach ($message in $excluded.ExclusionErrors())', 'foreach ($message in @())').replace(
        '$module.ExitJson()', 'foreach ($message in $excluded.ExclusionErrors()) {\n    $module.FailJson($message)\n}\n$module.ExitJson()'),
])
def test_close_glue_check_catches_breaks(broken):
    assert close_glue_problems(broken(CLOSE))


def test_info_module_warns_for_clients_and_listing():
    assert re.search(r'foreach \(\$warning in \$clients\.SelectorWarnings\(\)\) \{\s*\$module\.Warn\(\$warning\)', INFO)
    assert re.search(r'foreach \(\$warning in \$listing\.Warnings\) \{\s*\$module\.Warn\(\$warning\)', INFO)
    assert '$module.Result.level = $listing.Level' in INFO


def test_close_module_does_not_assume_the_winrm_user_owns_its_session():
    assert '$selection.OwnUsername = $null' in CLOSE
    assert '[Environment]::UserName' not in CLOSE
