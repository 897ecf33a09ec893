"""The shipped C# must compile on PowerShell 7 (Roslyn, .NET 5+, warnings as errors): no API
.NET 5+ marks obsolete and no Framework-only construct outside an `#if` PowerShell 7 skips.
The rules live in dotnet_obsolete_check.py (sources cited there)."""
import pathlib
import re
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from dotnet_obsolete_check import OBSOLETE, active_code, problems  # noqa: E402

UTILS = sorted((ROOT / 'plugins' / 'module_utils').glob('*.cs'))
ADD_TYPE = 'ansible/module_utils/powershell/Ansible.ModuleUtils.AddType.psm1'

RELIABILITY_SAMPLE = '''using System.Runtime.ConstrainedExecution;
using Microsoft.Win32.SafeHandles;
internal class SafeNetApiBuffer : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeNetApiBuffer() : base(true) { }
    [ReliabilityContract(Consistency.WillNotCorruptState, Cer.MayFail)]
    protected override bool ReleaseHandle() { return true; }
}
'''


def test_there_are_utils_to_check():
    assert [p.name for p in UTILS] == ['ClientResolver.cs', 'ClosePlanning.cs', 'ListAndClose.cs', 'LocalHostNames.cs',
                                       'NetConnection.cs', 'NetFile.cs', 'NetSession.cs', 'OpenFileListAndClose.cs',
                                       'OpenFileRules.cs', 'SessionNames.cs', 'ShareSelector.cs']


@pytest.mark.parametrize('path', UTILS, ids=lambda p: p.name)
def test_shipped_util_compiles_on_powershell_7(path):
    assert problems(path.read_text(encoding='utf-8')) == []


def test_check_flags_the_reliability_contract_attribute():
    found = problems(RELIABILITY_SAMPLE)
    assert found == ['line 6: SYSLIB0004 constrained execution regions (CER)']


def test_check_flags_the_attribute_in_its_fully_qualified_form():
    sample = ('[System.Runtime.ConstrainedExecution.ReliabilityContract('
              'System.Runtime.ConstrainedExecution.Consistency.WillNotCorruptState, '
              'System.Runtime.ConstrainedExecution.Cer.MayFail)]')
    assert problems(sample) and all('SYSLIB0004' in p for p in problems(sample))


@pytest.mark.parametrize('guard', ['#if !CORECLR', '#if !(CORECLR)', '#if CORECLR\n#else', '#if !CORECLR && WINDOWS',
                                   '#if false\n#elif !CORECLR'])
def test_code_only_powershell_5_1_compiles_is_allowed(guard):
    sample = guard + '\n    [ReliabilityContract(Consistency.WillNotCorruptState, Cer.MayFail)]\n#endif\n'
    assert problems(sample) == []


@pytest.mark.parametrize('guard', ['#if CORECLR', '#if WINDOWS', '#if !UNIX', '#if X86\n#else', '#if false\n#elif CORECLR'])
def test_code_powershell_7_compiles_is_checked(guard):
    sample = guard + '\n    [ReliabilityContract(Consistency.WillNotCorruptState, Cer.MayFail)]\n#endif\n'
    assert problems(sample)


def test_nowarn_for_core_suppresses_like_add_csharptype():
    assert problems('//NoWarn -Name SYSLIB0004 -CLR Core\n' + RELIABILITY_SAMPLE) == []
    assert problems('//NoWarn -Name SYSLIB0004 -CLR Framework\n' + RELIABILITY_SAMPLE)


def test_comments_and_strings_are_not_code():
    assert problems('// [ReliabilityContract(Consistency.WillNotCorruptState, Cer.MayFail)]\nstring s = "BinaryFormatter";') == []


@pytest.mark.parametrize('snippet,diag', [
    ('var e = System.Text.Encoding.UTF7;', 'SYSLIB0001'),
    ('[SecurityPermission(SecurityAction.Demand, UnmanagedCode = true)]', 'SYSLIB0003'),
    ('RuntimeHelpers.PrepareConstrainedRegions();', 'SYSLIB0004'),
    ('Thread.CurrentThread.Abort();', 'SYSLIB0006'),
    ('new BinaryFormatter().Serialize(s, o);', 'SYSLIB0011'),
    ('string p = typeof(A).Assembly.CodeBase;', 'SYSLIB0012'),
    ('WebRequest r = WebRequest.Create(u);', 'SYSLIB0014'),
    ('var h = new SHA256Managed();', 'SYSLIB0021'),
    ('var g = new RNGCryptoServiceProvider();', 'SYSLIB0023'),
    ('protected E(SerializationInfo info, StreamingContext context) : base(info, context) { }', 'SYSLIB0051'),
    ('public override void GetObjectData(SerializationInfo info, StreamingContext context) { }', 'SYSLIB0051'),
    ('var k = new Rfc2898DeriveBytes(p, salt);', 'SYSLIB0060'),
])
def test_check_flags_obsolete_apis(snippet, diag):
    assert any(diag in p for p in problems(snippet)), problems(snippet)


def test_check_flags_framework_only_namespaces():
    assert problems('using System.Runtime.Remoting;')
    assert problems('#if !CORECLR\nusing System.Runtime.Remoting;\n#endif') == []


def test_table_covers_syslib0001_to_0060():
    ids = set(diag for diag, pattern, what in OBSOLETE)
    assert ids == set('SYSLIB%04d' % n for n in range(1, 61))
    for diag, pattern, what in OBSOLETE:
        re.compile(pattern)


def test_active_code_nesting():
    text = '#if CORECLR\na\n#if UNIX\nb\n#else\nc\n#endif\n#else\nd\n#endif\ne'
    assert [line for line in active_code(text).split('\n') if line] == ['a', 'c', 'e']


def test_symbols_match_ansible_add_csharptype():
    """The symbols assumed here are the ones ansible-core's Add-CSharpType defines on PowerShell 7,
    and it compiles with warnings as errors there (read from the installed ansible-core)."""
    import ansible
    text = (pathlib.Path(ansible.__file__).parent.parent / ADD_TYPE).read_text(encoding='utf-8')
    for symbol in ('CORECLR', 'WINDOWS', 'AMD64'):
        assert '$defined_symbols.Add("%s")' % symbol in text or "$defined_symbols.Add('%s')" % symbol in text
    assert 'WithGeneralDiagnosticOption([Microsoft.CodeAnalysis.ReportDiagnostic]::Error)' in text
