// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The Win32 open-file API (NetFileEnum / NetFileGetInfo / NetFileClose, and NetShareGetInfo for a
// share's local path) for the lanman.smb Windows modules: P/Invoke, buffer ownership, paging and
// status texts, returning the entries as netapi32 gave them. No selection rules here: those are
// OpenFileRules.cs (docs/developer/open-files.md).
// C# 5 only: Windows PowerShell 5.1 compiles this with the in-box csc.exe.
//TypeAccelerator -Name LanmanRawOpenFile -TypeName RawFile
//TypeAccelerator -Name LanmanRawShare -TypeName RawShare

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;

namespace ansible_collections.lanman.smb.plugins.module_utils.NetFile
{
    internal class NativeHelpers
    {
        // Strings are IntPtr so a NULL stays null and nothing is freed behind our back.
        [StructLayout(LayoutKind.Sequential)]
        public struct FILE_INFO_2
        {
            public UInt32 fi2_id;
        }

        // Win64: three DWORDs, 4 bytes of padding, two pointers: 32 bytes.
        [StructLayout(LayoutKind.Sequential)]
        public struct FILE_INFO_3
        {
            public UInt32 fi3_id;
            public UInt32 fi3_permissions;
            public UInt32 fi3_num_locks;
            public IntPtr fi3_pathname;
            public IntPtr fi3_username;
        }

        // Win64: pointer, DWORD (+4), pointer, three DWORDs (+4), pointer, pointer: 56 bytes.
        [StructLayout(LayoutKind.Sequential)]
        public struct SHARE_INFO_2
        {
            public IntPtr shi2_netname;
            public UInt32 shi2_type;
            public IntPtr shi2_remark;
            public UInt32 shi2_permissions;
            public UInt32 shi2_max_uses;
            public UInt32 shi2_current_uses;
            public IntPtr shi2_path;
            public IntPtr shi2_passwd;
        }
    }

    internal class NativeMethods
    {
        // NetApi functions return their status; they do not set the last error.
        // resume_handle is PDWORD_PTR: pointer-sized. A ref int here lets netapi32 write 8 bytes
        // into 4 on x64 (stack corruption); tests/csharp/openfiles asserts the width.
        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetFileEnum(
            string servername,
            string basepath,
            string username,
            UInt32 level,
            out SafeNetApiBuffer bufptr,
            UInt32 prefmaxlen,
            out UInt32 entriesread,
            out UInt32 totalentries,
            ref IntPtr resume_handle);

        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetFileGetInfo(
            string servername,
            UInt32 fileid,
            UInt32 level,
            out SafeNetApiBuffer bufptr);

        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetFileClose(
            string servername,
            UInt32 fileid);

        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetShareGetInfo(
            string servername,
            string netname,
            UInt32 level,
            out SafeNetApiBuffer bufptr);

    }

    public static class NetFileStatus
    {
        public const int FileNotFound = 2;
        public const int InvalidName = 123;
        public const int NetNameNotFound = 2310;
        public const int FileIdNotFound = 2314;
    }

    /// <summary>A failed NetFile* / NetShareGetInfo call: a NetSessionException (the modules report both
    /// the same way) with texts about files and shares where the session texts would mislead.</summary>
    public class NetFileException : NetSessionException
    {
        public NetFileException(int status, string operation, string server, bool remoteServer)
            : base(status, remoteServer, BuildMessage(status, operation, server, remoteServer)) { }

        protected NetFileException(int status, bool remoteServer, string message)
            : base(status, remoteServer, message) { }

        public static string DescribeFileStatus(int status)
        {
            switch (status)
            {
                case NetApiStatus.AccessDenied:
                    return "Access is denied. Listing and closing open files needs membership of Administrators or " +
                        "Server Operators on the server (Samba: BUILTIN\\Administrators to list, root or " +
                        "SeDiskOperatorPrivilege to close); NetShareGetInfo level 2 needs the same.";
                case NetApiStatus.InvalidLevel:
                    // the agentless twin's words (open_files.LEVEL_NOT_SERVED)
                    return "The server does not serve this information level (ERROR_INVALID_LEVEL). Windows serves " +
                        "levels 2 and 3; Samba serves level 3 only. Leave level unset to use level 3.";
                case NetFileStatus.FileIdNotFound:
                    return "There is no open file with that id (NERR_FileIdNotFound).";
                case NetFileStatus.NetNameNotFound:
                    return "The share does not exist on the server (NERR_NetNameNotFound).";
                default:
                    return NetSessionException.Describe(status);
            }
        }

        private static string BuildMessage(int status, string operation, string server, bool remoteServer)
        {
            string where = remoteServer && !String.IsNullOrEmpty(server) ? server : "the local computer";
            string message = String.Format(CultureInfo.InvariantCulture, "{0} on {1} failed: {2} (status {3}, 0x{3:X8})",
                operation, where, DescribeFileStatus(status), status);
            return message + RemoteHint(status, operation, server, remoteServer);
        }

        // The double-hop hint the session texts carry for an auth failure on a remote server: what
        // NetSessionException adds for a remote call over the same call to this computer.
        private static string RemoteHint(int status, string operation, string server, bool remoteServer)
        {
            if (!remoteServer)
                return "";
            string remote = new NetSessionException(status, operation, server, true).Message;
            string local = new NetSessionException(status, operation, server, false).Message;
            string remoteHead = local.Replace("the local computer", server ?? "the local computer");
            return remote.StartsWith(remoteHead, StringComparison.Ordinal) ? remote.Substring(remoteHead.Length) : "";
        }
    }

    /// <summary>An open-file listing stopped by the limits of the session listing (contract.md,
    /// "Listing limits"), with files in the texts.</summary>
    public class FileListingLimitException : NetFileException
    {
        public const string NoProgressText = "NetFileEnum on {0}: the server reported more data without making " +
            "progress (resume handle {1}); stopping instead of looping.";
        public const string TooManyText = "NetFileEnum on {0}: the listing holds more than {1} files, more than " +
            "any real server holds, so the server is broken or hostile; stopping instead of growing.";

        private FileListingLimitException(int status, string server, string message)
            : base(status, server != null, message) { }

        internal static FileListingLimitException NoProgress(int status, string server, long resumeHandle)
        {
            return new FileListingLimitException(status, server,
                String.Format(CultureInfo.InvariantCulture, NoProgressText, server ?? "(local)", resumeHandle));
        }

        internal static FileListingLimitException TooMany(int status, string server)
        {
            return new FileListingLimitException(status, server,
                String.Format(CultureInfo.InvariantCulture, TooManyText, server ?? "(local)", NetFileApi.MaxFiles));
        }
    }

    /// <summary>One FILE_INFO_2 / FILE_INFO_3 entry as netapi32 returned it; a field the level lacks,
    /// or a NULL string, is null.</summary>
    public class RawFile
    {
        public int Level;
        public uint Id;
        public uint? Permissions;
        public uint? NumLocks;
        public string PathName;
        public string UserName;
    }

    /// <summary>SHARE_INFO_2's name, type and local path (null when the server gave none).</summary>
    public class RawShare
    {
        public string NetName;
        public uint Type;
        public string Path;
    }

    public enum FileCloseOutcome
    {
        Closed,
        NotFound,
    }

    /// <summary>The calls themselves. server is what netapi32 gets: null for this computer.</summary>
    public static class NetFileApi
    {
        /// <summary>At most this many open files in one listing, as for sessions (contract.md).</summary>
        public const int MaxFiles = 100000;

        public static bool IsSupportedLevel(int level)
        {
            return level == 2 || level == 3;
        }

        private static NetFileException Error(int status, string operation, string server)
        {
            return new NetFileException(status, operation, server, server != null);
        }

        /// <summary>Every open file, following ERROR_MORE_DATA (and 2123). basepath and username are the
        /// server-side filters (null: none); a username filter that matches nothing (2221) is an empty
        /// list. A listing without progress, or with more than MaxFiles files, throws
        /// FileListingLimitException.</summary>
        public static List<RawFile> Enumerate(string server, string basepath, string username, int level, uint prefMaxLen)
        {
            if (!IsSupportedLevel(level))
                throw Error(NetApiStatus.InvalidLevel, "NetFileEnum", server);
            try
            {
                try
                {
                    return EnumerateOnce(server, basepath, username, level, prefMaxLen);
                }
                catch (PartialEnumerationException)
                {
                    // The resume handle is invalid after an error mid-way: start over once, never a half list.
                    try
                    {
                        return EnumerateOnce(server, basepath, username, level, prefMaxLen);
                    }
                    catch (PartialEnumerationException e)
                    {
                        throw e.Inner;
                    }
                }
            }
            catch (NetFileException e)
            {
                if (username != null && e.Status == NetApiStatus.UserNotFound)
                    return new List<RawFile>();
                throw;
            }
        }

        private class PartialEnumerationException : Exception
        {
            public readonly NetFileException Inner;
            public PartialEnumerationException(NetFileException inner) : base(inner.Message, inner) { Inner = inner; }
        }

        // Each round must bring an entry and a resume handle that is not 0 and not seen before; all
        // rounds together hold at most MaxFiles files, checked before a round's entries are read.
        private static List<RawFile> EnumerateOnce(string server, string basepath, string username, int level, uint prefMaxLen)
        {
            List<RawFile> files = new List<RawFile>();
            Dictionary<long, bool> seenHandles = new Dictionary<long, bool>();
            IntPtr resume = IntPtr.Zero;
            int page = 0;
            while (true)
            {
                SafeNetApiBuffer buffer;
                UInt32 read, total;
                UInt32 status = NativeMethods.NetFileEnum(server, basepath, username, (UInt32)level, out buffer,
                    prefMaxLen, out read, out total, ref resume);
                uint got;
                using (buffer)
                {
                    if (status != NetApiStatus.Success && !NetApiStatus.IsMoreData((int)status))
                    {
                        NetFileException error = Error((int)status, "NetFileEnum", server);
                        if (page > 0)
                            throw new PartialEnumerationException(error);
                        throw error;
                    }
                    got = buffer.IsInvalid ? 0 : read;   // a count without a buffer brings nothing
                    if ((long)files.Count + got > MaxFiles)
                        throw FileListingLimitException.TooMany((int)status, server);
                    if (got > 0)
                        ReadEntries(buffer.DangerousGetHandle(), got, level, files);
                }
                page++;
                if (status == NetApiStatus.Success)
                    return files;
                long handle = resume.ToInt64();
                if (got == 0 || handle == 0 || seenHandles.ContainsKey(handle))
                    throw FileListingLimitException.NoProgress((int)status, server, handle);
                seenHandles[handle] = true;
            }
        }

        private static void ReadEntries(IntPtr buffer, uint count, int level, List<RawFile> files)
        {
            Type type = level == 2 ? typeof(NativeHelpers.FILE_INFO_2) : typeof(NativeHelpers.FILE_INFO_3);
            int size = Marshal.SizeOf(type);
            for (uint i = 0; i < count; i++)
                files.Add(Read(IntPtr.Add(buffer, (int)(i * size)), level));
        }

        private static RawFile Read(IntPtr entry, int level)
        {
            RawFile f = new RawFile();
            f.Level = level;
            if (level == 2)
            {
                f.Id = ((NativeHelpers.FILE_INFO_2)Marshal.PtrToStructure(entry, typeof(NativeHelpers.FILE_INFO_2))).fi2_id;
                return f;
            }
            NativeHelpers.FILE_INFO_3 i3 = (NativeHelpers.FILE_INFO_3)Marshal.PtrToStructure(entry, typeof(NativeHelpers.FILE_INFO_3));
            f.Id = i3.fi3_id;
            f.Permissions = i3.fi3_permissions;
            f.NumLocks = i3.fi3_num_locks;
            f.PathName = Str(i3.fi3_pathname);
            f.UserName = Str(i3.fi3_username);
            return f;
        }

        private static string Str(IntPtr p)
        {
            return p == IntPtr.Zero ? null : Marshal.PtrToStringUni(p);
        }

        /// <summary>NetFileGetInfo: the file as the server has it now, or null when the id is not open
        /// (2314, or 2) or the server answered success without a buffer.</summary>
        public static RawFile GetInfo(string server, uint id, int level)
        {
            if (!IsSupportedLevel(level))
                throw Error(NetApiStatus.InvalidLevel, "NetFileGetInfo", server);
            SafeNetApiBuffer buffer;
            UInt32 status = NativeMethods.NetFileGetInfo(server, id, (UInt32)level, out buffer);
            using (buffer)
            {
                if (status == NetFileStatus.FileIdNotFound || status == NetFileStatus.FileNotFound)
                    return null;
                if (status != NetApiStatus.Success)
                    throw Error((int)status, "NetFileGetInfo", server);
                return buffer.IsInvalid ? null : Read(buffer.DangerousGetHandle(), level);
            }
        }

        /// <summary>NetFileClose: closes exactly one id; 2314 (not open any more; Samba answers 2) is NotFound.</summary>
        public static FileCloseOutcome Close(string server, uint id)
        {
            UInt32 status = NativeMethods.NetFileClose(server, id);
            if (status == NetApiStatus.Success)
                return FileCloseOutcome.Closed;
            if (status == NetFileStatus.FileIdNotFound || status == NetFileStatus.FileNotFound)
                return FileCloseOutcome.NotFound;
            throw Error((int)status, "NetFileClose", server);
        }

        /// <summary>NetShareGetInfo level 2; null when the share does not exist (2310; Samba answers 123).</summary>
        public static RawShare GetShare(string server, string netName)
        {
            if (String.IsNullOrEmpty(netName))
                throw new ArgumentException("Refusing NetShareGetInfo without a share name");
            SafeNetApiBuffer buffer;
            UInt32 status = NativeMethods.NetShareGetInfo(server, netName, 2, out buffer);
            using (buffer)
            {
                if (status == NetFileStatus.NetNameNotFound || status == NetFileStatus.InvalidName)
                    return null;
                if (status != NetApiStatus.Success)
                    throw Error((int)status, "NetShareGetInfo", server);
                if (buffer.IsInvalid)
                    throw Error(NetApiStatus.InternalError, "NetShareGetInfo", server);
                NativeHelpers.SHARE_INFO_2 s = (NativeHelpers.SHARE_INFO_2)Marshal.PtrToStructure(
                    buffer.DangerousGetHandle(), typeof(NativeHelpers.SHARE_INFO_2));
                RawShare share = new RawShare();
                share.NetName = Str(s.shi2_netname);
                share.Type = s.shi2_type;
                share.Path = Str(s.shi2_path);
                return share;
            }
        }
    }
}
