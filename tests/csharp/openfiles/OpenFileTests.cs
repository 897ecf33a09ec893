// Tests of plugins/module_utils/NetFile.cs (the open-file wrapper), OpenFileRules.cs and
// OpenFileListAndClose.cs, compiled with the other utils as Add-CSharpType does, against the
// stand-in netapi32 (tests/csharp/standin/*.c). Built and run by tests/csharp/test_openfile_cs.py
// on Mono and CoreCLR, in a subprocess, so a crash is a failed test.
// Output: one "PASS name" / "FAIL name: why" line per test, then "N passed, M failed".
using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;
using ansible_collections.lanman.smb.plugins.module_utils.NetFile;

internal static class FileStandin
{
    public const int Enum = 0, GetInfo = 1, Close = 2, Share = 3;

    [DllImport("netapi32.dll")] public static extern void standin_reset();
    [DllImport("netapi32.dll")] public static extern void standin_files_reset();
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    public static extern void standin_add_file(uint id, uint perms, uint locks, string path, string user);
    [DllImport("netapi32.dll")] public static extern void standin_add_many_files(int n, uint first);
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    public static extern void standin_add_share(string name, string path, uint type);
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    public static extern void standin_add_session(string cname, string user, uint numOpens, uint time, uint idle,
        uint flags, string cltype, string transport);
    [DllImport("netapi32.dll")] public static extern void standin_file_inject(int fn, uint status, int fromCall, int times);
    [DllImport("netapi32.dll")] public static extern void standin_file_samba_levels(int on);
    [DllImport("netapi32.dll")] public static extern void standin_file_hostile(int mode);
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    public static extern void standin_file_reuse(uint id, string path, string user);
    [DllImport("netapi32.dll")] public static extern void standin_file_vanish_before_getinfo(uint id);
    [DllImport("netapi32.dll")] public static extern void standin_file_vanish_before_close(uint id);
    [DllImport("netapi32.dll")] public static extern void standin_file_getinfo_empty(uint id);
    [DllImport("netapi32.dll")] public static extern int standin_file_is_open(uint id);
    [DllImport("netapi32.dll")] public static extern int standin_file_calls(int fn);
    [DllImport("netapi32.dll")] public static extern int standin_file_log_count();
    [DllImport("netapi32.dll")] public static extern void standin_file_log_clear();
    [DllImport("netapi32.dll")] public static extern IntPtr standin_file_log_entry(int i);
    [DllImport("netapi32.dll")] public static extern int standin_outstanding_buffers();
    [DllImport("netapi32.dll")] public static extern int standin_double_frees();
    [DllImport("netapi32.dll")] public static extern int standin_bad_frees();
    [DllImport("netapi32.dll")] public static extern int standin_allocations();
    [DllImport("netapi32.dll")] public static extern int standin_frees();
    [DllImport("netapi32.dll")] public static extern int standin_file_sizeof(int which);
    [DllImport("netapi32.dll")] public static extern int standin_file_offsetof(int which, int field);

    /// <summary>Every logged call, in order.</summary>
    public static List<string> Log()
    {
        List<string> lines = new List<string>();
        for (int i = 0; i < standin_file_log_count(); i++)
            lines.Add(Marshal.PtrToStringUni(standin_file_log_entry(i)));
        return lines;
    }

    /// <summary>The logged calls of one function.</summary>
    public static List<string> Log(string function)
    {
        return Log().FindAll(delegate(string l) { return l.StartsWith(function + "(", StringComparison.Ordinal); });
    }
}

internal class TestFailure : Exception
{
    public TestFailure(string message) : base(message) { }
}

internal static partial class Program
{
    static partial void CloseTests();
    static partial void TableTests(string path);

    private static int passed, failed;

    private static void Check(bool condition, string what)
    {
        if (!condition)
            throw new TestFailure(what);
    }

    private static void Equal(object expected, object actual, string what)
    {
        if (!Object.Equals(expected, actual))
            throw new TestFailure(String.Format("{0}: expected <{1}>, got <{2}>", what, expected ?? "null", actual ?? "null"));
    }

    private static T Throws<T>(Action action, string what) where T : Exception
    {
        try
        {
            action();
        }
        catch (T e)
        {
            return e;
        }
        throw new TestFailure(what + ": no " + typeof(T).Name);
    }

    private static void Run(string name, Action test)
    {
        FileStandin.standin_reset();
        FileStandin.standin_files_reset();
        try
        {
            test();
            Equal(0, FileStandin.standin_outstanding_buffers(), "buffers not freed");
            Equal(0, FileStandin.standin_double_frees(), "double frees");
            Equal(0, FileStandin.standin_bad_frees(), "frees of unknown pointers");
            Equal(FileStandin.standin_allocations(), FileStandin.standin_frees(), "every buffer freed once");
            Console.WriteLine("PASS " + name);
            passed++;
        }
        catch (Exception e)
        {
            string why = e is TestFailure ? e.Message : e.GetType().Name + ": " + e.Message;
            Console.WriteLine("FAIL " + name + ": " + why.Replace("\n", " | "));
            failed++;
        }
    }

    private static Type Native(string name)
    {
        return typeof(NetFileApi).Assembly.GetType(
            "ansible_collections.lanman.smb.plugins.module_utils.NetFile." + name, true);
    }

    private static List<RawFile> Enumerate(int level, uint prefMaxLen)
    {
        return NetFileApi.Enumerate(null, null, null, level, prefMaxLen);
    }

    private static readonly string[] File3Fields = new string[] {
        "fi3_id", "fi3_permissions", "fi3_num_locks", "fi3_pathname", "fi3_username" };
    private static readonly string[] Share2Fields = new string[] {
        "shi2_netname", "shi2_type", "shi2_remark", "shi2_permissions", "shi2_max_uses", "shi2_current_uses",
        "shi2_path", "shi2_passwd" };

    private static void LayoutTests()
    {
        Run("FILE_INFO_2/3 and SHARE_INFO_2 match the C compiler's Win64 layout", delegate
        {
            Check(IntPtr.Size == 8, "these layout checks are for 64-bit processes");
            Type f2 = Native("NativeHelpers+FILE_INFO_2"), f3 = Native("NativeHelpers+FILE_INFO_3");
            Type s2 = Native("NativeHelpers+SHARE_INFO_2");
            Equal(4, FileStandin.standin_file_sizeof(2), "C sizeof FILE_INFO_2");
            Equal(32, FileStandin.standin_file_sizeof(3), "C sizeof FILE_INFO_3");
            Equal(56, FileStandin.standin_file_sizeof(1002), "C sizeof SHARE_INFO_2");
            Equal(FileStandin.standin_file_sizeof(2), Marshal.SizeOf(f2), "sizeof FILE_INFO_2");
            Equal(FileStandin.standin_file_sizeof(3), Marshal.SizeOf(f3), "sizeof FILE_INFO_3");
            Equal(FileStandin.standin_file_sizeof(1002), Marshal.SizeOf(s2), "sizeof SHARE_INFO_2");
            for (int i = 0; i < File3Fields.Length; i++)
                Equal(FileStandin.standin_file_offsetof(3, i), (int)Marshal.OffsetOf(f3, File3Fields[i]), "offset of " + File3Fields[i]);
            for (int i = 0; i < Share2Fields.Length; i++)
                Equal(FileStandin.standin_file_offsetof(1002, i), (int)Marshal.OffsetOf(s2, Share2Fields[i]), "offset of " + Share2Fields[i]);
        });
        Run("the resume handle is declared pointer-sized (ref IntPtr), the others as netapi32 has them", delegate
        {
            MethodInfo enumerate = Native("NativeMethods").GetMethod("NetFileEnum", BindingFlags.Public | BindingFlags.Static);
            ParameterInfo[] p = enumerate.GetParameters();
            Equal(9, p.Length, "NetFileEnum parameters");
            Equal("resume_handle", p[8].Name, "last parameter");
            Equal(typeof(IntPtr).MakeByRefType(), p[8].ParameterType, "resume_handle type");
            Check(!p[8].IsOut, "resume_handle is in/out (ref), not out");
            Equal(typeof(UInt32), Native("NativeMethods").GetMethod("NetFileClose").GetParameters()[1].ParameterType,
                "NetFileClose fileid is a DWORD");
        });
    }

    private static void FieldTests()
    {
        Run("level 3 returns every field; DWORDs next to pointers are read at their own offsets", delegate
        {
            FileStandin.standin_add_file(0xFFFFFFF0u, 0x80000043u, 7, "C:\\Shares\\Data\\a.xlsx", "LAB\\bob");
            FileStandin.standin_add_file(2, 1, 0, null, null);
            List<RawFile> files = Enumerate(3, NetApiStatus.MaxPreferredLength);
            Equal(2, files.Count, "count");
            Equal(0xFFFFFFF0u, files[0].Id, "fi3_id (above int.MaxValue)");
            Equal((uint?)0x80000043u, files[0].Permissions, "fi3_permissions");
            Equal((uint?)7u, files[0].NumLocks, "fi3_num_locks");
            Equal("C:\\Shares\\Data\\a.xlsx", files[0].PathName, "fi3_pathname");
            Equal("LAB\\bob", files[0].UserName, "fi3_username");
            Check(files[1].PathName == null && files[1].UserName == null, "NULL strings stay null");
            Equal(3, files[0].Level, "level");
        });
        Run("level 2 returns ids only", delegate
        {
            FileStandin.standin_add_file(41, 3, 2, "D:\\x", "bob");
            FileStandin.standin_add_file(42, 3, 2, "D:\\y", "bob");
            List<RawFile> files = Enumerate(2, NetApiStatus.MaxPreferredLength);
            Equal("41,42", String.Join(",", files.ConvertAll(delegate(RawFile f) { return f.Id.ToString(); }).ToArray()), "ids");
            Check(files[0].PathName == null && files[0].Permissions == null && files[0].NumLocks == null, "level 2 has no other field");
        });
        Run("basepath and username filters reach NetFileEnum as given", delegate
        {
            FileStandin.standin_add_file(1, 1, 0, "D:\\Data\\a", "bob");
            FileStandin.standin_add_file(2, 1, 0, "D:\\Other\\b", "bob");
            FileStandin.standin_add_file(3, 1, 0, "D:\\Data\\c", "alice");
            List<RawFile> files = NetFileApi.Enumerate("fs1", "D:\\Data", "bob", 3, NetApiStatus.MaxPreferredLength);
            Equal(1, files.Count, "filtered");
            Equal(1u, files[0].Id, "id");
            Equal("NetFileEnum(server=\"fs1\", basepath=\"D:\\Data\", username=\"bob\", level=3, prefmaxlen=0xFFFFFFFF, " +
                "resume=0x0, read=1) = 0", FileStandin.Log()[0], "logged call");
        });
    }

    private static void PagingTests()
    {
        Run("paging returns every file once at every prefmaxlen from 1 to 400 and MAX, with 64-bit resume handles", delegate
        {
            FileStandin.standin_add_many_files(23, 100);
            List<uint> sizes = new List<uint>();
            for (uint s = 1; s <= 400; s++)
                sizes.Add(s);
            sizes.Add(NetApiStatus.MaxPreferredLength);
            foreach (uint size in sizes)
            {
                foreach (int level in new int[] { 2, 3 })
                {
                    List<RawFile> files = Enumerate(level, size);
                    Equal(23, files.Count, "count at prefmaxlen " + size + " level " + level);
                    for (int i = 0; i < files.Count; i++)
                        Equal((uint)(100 + i), files[i].Id, "id " + i + " at " + size);
                    if (level == 3)
                        Equal("C:\\Data\\f22.txt", files[22].PathName, "last path at " + size);
                }
            }
        });
        Run("a second round sends back the whole pointer-sized handle the first round gave", delegate
        {
            FileStandin.standin_add_many_files(3, 1);
            Equal(3, Enumerate(3, 1).Count, "count");
            List<string> calls = FileStandin.Log("NetFileEnum");
            Equal(3, calls.Count, "rounds");
            Check(calls[1].Contains("resume=0x5A5A5A5A00000001,"), "second round: " + calls[1]);
            Check(calls[2].Contains("resume=0x5A5A5A5A00000002,"), "third round: " + calls[2]);
        });
        Run("an error after the first page starts over once; a second one fails with its status", delegate
        {
            FileStandin.standin_add_many_files(5, 1);
            FileStandin.standin_file_inject(FileStandin.Enum, 5, 1, 1);
            Equal(5, Enumerate(3, 1).Count, "the retry lists everything");
            FileStandin.standin_reset();
            FileStandin.standin_files_reset();
            FileStandin.standin_add_many_files(5, 1);
            FileStandin.standin_file_inject(FileStandin.Enum, 5, 1, -1);
            NetFileException e = Throws<NetFileException>(delegate { Enumerate(3, 1); }, "second failure");
            Equal(5, e.Status, "status");
        });
        Run("no progress: a fixed resume handle stops with the files text", delegate
        {
            FileStandin.standin_add_file(1, 1, 0, "D:\\a", "bob");
            FileStandin.standin_file_hostile(1);
            FileListingLimitException e = Throws<FileListingLimitException>(delegate { Enumerate(3, 1); }, "fixed handle");
            Equal(String.Format(FileListingLimitException.NoProgressText, "(local)", 0x5A5A5A5A00000007L), e.Message, "text");
            Equal(2, FileStandin.standin_file_calls(FileStandin.Enum), "one repeat, then stop");
            Equal(234, e.Status, "status");
        });
        Run("no progress: a zero resume handle with more data stops", delegate
        {
            FileStandin.standin_add_file(1, 1, 0, "D:\\a", "bob");
            FileStandin.standin_file_hostile(2);
            FileListingLimitException e = Throws<FileListingLimitException>(delegate {
                NetFileApi.Enumerate("fs1", null, null, 3, 1); }, "zero handle");
            Equal("NetFileEnum on fs1: the server reported more data without making progress (resume handle 0); " +
                "stopping instead of looping.", e.Message, "text");
        });
        Run("more than MaxFiles files stop before the round is read", delegate
        {
            FileStandin.standin_add_many_files(NetFileApi.MaxFiles + 1, 1);
            FileListingLimitException e = Throws<FileListingLimitException>(delegate {
                Enumerate(3, NetApiStatus.MaxPreferredLength); }, "too many");
            Equal("NetFileEnum on (local): the listing holds more than 100000 files, more than any real server holds, " +
                "so the server is broken or hostile; stopping instead of growing.", e.Message, "text");
            Equal(1, FileStandin.standin_file_calls(FileStandin.Enum), "one round, not retried");
            FileStandin.standin_reset();
            FileStandin.standin_files_reset();
            FileStandin.standin_add_many_files(NetFileApi.MaxFiles, 1);
            Equal(100000, Enumerate(3, NetApiStatus.MaxPreferredLength).Count, "exactly MaxFiles is a listing");
        });
    }

    private static void StatusTests()
    {
        Run("levels: the wrapper refuses 0 and 1 without a call; a Samba-like server answers 124 for 2", delegate
        {
            NetFileException e = Throws<NetFileException>(delegate { Enumerate(1, NetApiStatus.MaxPreferredLength); }, "level 1");
            Equal(124, e.Status, "status");
            Equal(0, FileStandin.standin_file_calls(FileStandin.Enum), "no call for a level netapi32 does not serve");
            FileStandin.standin_file_samba_levels(1);
            e = Throws<NetFileException>(delegate { Enumerate(2, NetApiStatus.MaxPreferredLength); }, "level 2 on Samba");
            Equal(124, e.Status, "status from the server");
            Check(e.Message.StartsWith("NetFileEnum on the local computer failed: The server does not serve this " +
                "information level (ERROR_INVALID_LEVEL). Windows serves levels 2 and 3; Samba serves level 3 only. " +
                "Leave level unset to use level 3. (status 124, 0x0000007C)", StringComparison.Ordinal), e.Message);
        });
        Run("access denied says what listing files needs; remote adds the double-hop hint", delegate
        {
            FileStandin.standin_file_inject(FileStandin.Enum, 5, 0, -1);
            NetFileException local = Throws<NetFileException>(delegate { Enumerate(3, NetApiStatus.MaxPreferredLength); }, "local");
            Equal("NetFileEnum on the local computer failed: Access is denied. Listing and closing open files needs " +
                "membership of Administrators or Server Operators on the server (Samba: BUILTIN\\Administrators to list, " +
                "root or SeDiskOperatorPrivilege to close); NetShareGetInfo level 2 needs the same. (status 5, 0x00000005)",
                local.Message, "local text");
            NetFileException remote = Throws<NetFileException>(delegate {
                NetFileApi.Enumerate("fs1", null, null, 3, NetApiStatus.MaxPreferredLength); }, "remote");
            Check(remote.Message.StartsWith("NetFileEnum on fs1 failed: Access is denied. Listing and closing open files",
                StringComparison.Ordinal), remote.Message);
            Check(remote.Message.Contains("double hop"), "hint: " + remote.Message);
            Check(remote is NetSessionException, "the modules report it as every other call error");
        });
        Run("NetFileGetInfo: the file, null for 2314, an error otherwise", delegate
        {
            FileStandin.standin_add_file(9, 3, 1, "D:\\a", "bob");
            RawFile f = NetFileApi.GetInfo(null, 9, 3);
            Equal("D:\\a", f.PathName, "path");
            Equal((uint?)1u, f.NumLocks, "locks");
            Equal(9u, NetFileApi.GetInfo(null, 9, 2).Id, "level 2");
            Check(NetFileApi.GetInfo(null, 10, 3) == null, "2314 is gone");
            FileStandin.standin_file_inject(FileStandin.GetInfo, 5, 0, -1);
            Equal(5, Throws<NetFileException>(delegate { NetFileApi.GetInfo("fs1", 9, 3); }, "denied").Status, "status");
        });
        Run("NetFileClose closes exactly the id; 2314 is NotFound; 5 throws", delegate
        {
            FileStandin.standin_add_file(9, 3, 1, "D:\\a", "bob");
            FileStandin.standin_add_file(10, 3, 1, "D:\\b", "bob");
            Equal(FileCloseOutcome.Closed, NetFileApi.Close(null, 9), "close");
            Equal(0, FileStandin.standin_file_is_open(9), "9 closed");
            Equal(1, FileStandin.standin_file_is_open(10), "10 open");
            Equal(FileCloseOutcome.NotFound, NetFileApi.Close(null, 9), "again");
            FileStandin.standin_file_inject(FileStandin.Close, 5, 2, -1);
            NetFileException e = Throws<NetFileException>(delegate { NetFileApi.Close(null, 10); }, "denied");
            Equal(5, e.Status, "status");
            Equal("NetFileClose(server=NULL, id=9) = 0 | NetFileClose(server=NULL, id=9) = 2314 | " +
                "NetFileClose(server=NULL, id=10) = 5", String.Join(" | ", FileStandin.Log().ToArray()), "log");
        });
        Run("NetShareGetInfo level 2: the local path, null for 2310, an error otherwise", delegate
        {
            FileStandin.standin_add_share("Data", "D:\\Shares\\Data", 0);
            FileStandin.standin_add_share("IPC$", null, 3);
            RawShare s = NetFileApi.GetShare(null, "data");
            Equal("Data", s.NetName, "name");
            Equal("D:\\Shares\\Data", s.Path, "shi2_path (after two DWORD/pointer paddings)");
            Equal(null, NetFileApi.GetShare(null, "IPC$").Path, "no local path");
            Equal(3u, NetFileApi.GetShare(null, "IPC$").Type, "shi2_type");
            Check(NetFileApi.GetShare(null, "Nope") == null, "2310");
            FileStandin.standin_file_inject(FileStandin.Share, 5, 0, -1);
            Equal(5, Throws<NetFileException>(delegate { NetFileApi.GetShare(null, "Data"); }, "denied").Status, "status");
            Throws<ArgumentException>(delegate { NetFileApi.GetShare(null, ""); }, "empty name");
        });
    }

    // args: [shared table]; written by tests/csharp/test_openfile_cs.py
    private static int Main(string[] args)
    {
        LayoutTests();
        FieldTests();
        PagingTests();
        StatusTests();
        CloseTests();
        if (args.Length > 0)
            TableTests(args[0]);
        Console.WriteLine(String.Format("{0} passed, {1} failed", passed, failed));
        return failed == 0 ? 0 : 1;
    }
}
