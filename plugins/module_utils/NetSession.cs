// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The Win32 NetSession API (NetSessionEnum / NetSessionDel) for the lanman.smb Windows modules:
// P/Invoke, buffer ownership, paging and status texts, returning the entries as netapi32 gave
// them. No client or account name rules here: those are the rules utils
// (SessionNames.cs and the utils over it), which use this util.
// C# 5 only: Windows PowerShell 5.1 compiles this with the in-box csc.exe.

using Microsoft.Win32.SafeHandles;
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ansible_collections.lanman.smb.plugins.module_utils.NetSession
{
    internal class NativeHelpers
    {
        // Strings are IntPtr so a NULL stays null and nothing is freed behind our back.
        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_0
        {
            public IntPtr sesi0_cname;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_1
        {
            public IntPtr sesi1_cname;
            public IntPtr sesi1_username;
            public UInt32 sesi1_num_opens;
            public UInt32 sesi1_time;
            public UInt32 sesi1_idle_time;
            public UInt32 sesi1_user_flags;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_2
        {
            public IntPtr sesi2_cname;
            public IntPtr sesi2_username;
            public UInt32 sesi2_num_opens;
            public UInt32 sesi2_time;
            public UInt32 sesi2_idle_time;
            public UInt32 sesi2_user_flags;
            public IntPtr sesi2_cltype_name;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_10
        {
            public IntPtr sesi10_cname;
            public IntPtr sesi10_username;
            public UInt32 sesi10_time;
            public UInt32 sesi10_idle_time;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct SESSION_INFO_502
        {
            public IntPtr sesi502_cname;
            public IntPtr sesi502_username;
            public UInt32 sesi502_num_opens;
            public UInt32 sesi502_time;
            public UInt32 sesi502_idle_time;
            public UInt32 sesi502_user_flags;
            public IntPtr sesi502_cltype_name;
            public IntPtr sesi502_transport;
        }
    }

    internal class NativeMethods
    {
        // NetApi functions return their status; they do not set the last error.
        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetSessionEnum(
            string servername,
            string UncClientName,
            string username,
            UInt32 level,
            out SafeNetApiBuffer bufptr,
            UInt32 prefmaxlen,
            out UInt32 entriesread,
            out UInt32 totalentries,
            ref UInt32 resume_handle);

        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetSessionDel(
            string servername,
            string UncClientName,
            string username);

        [DllImport("netapi32.dll")]
        public static extern UInt32 NetApiBufferFree(
            IntPtr Buffer);
    }

    /// <summary>A buffer netapi32 allocated, freed with NetApiBufferFree exactly once. Public so the
    /// other wrappers (NetFile.cs, NetConnection.cs) receive their buffers in it too.</summary>
    public class SafeNetApiBuffer : SafeHandleZeroOrMinusOneIsInvalid
    {
        public SafeNetApiBuffer() : base(true) { }

        // No [ReliabilityContract]: it is obsolete on .NET 5+ (SYSLIB0004) and PowerShell 7
        // compiles utils with warnings as errors (tests/csharp/dotnet_obsolete_check.py).
        protected override bool ReleaseHandle()
        {
            return NativeMethods.NetApiBufferFree(handle) == 0;
        }
    }

    public static class NetApiStatus
    {
        public const int Success = 0;
        public const int AccessDenied = 5;
        public const int NotEnoughMemory = 8;
        public const int InvalidParameter = 87;
        public const int InvalidLevel = 124;
        public const int MoreData = 234;
        public const int NotAuthenticated = 1244;
        public const int NoSuchLogonSession = 1312;
        public const int LogonFailure = 1326;
        public const int NetNotStarted = 2102;
        public const int ServerNotStarted = 2114;
        public const int BufTooSmall = 2123;
        public const int RemoteErr = 2127;
        public const int WkstaNotStarted = 2138;
        public const int InternalError = 2140;
        public const int InvalidApi = 2142;
        public const int UserNotFound = 2221;
        public const int ClientNameNotFound = 2312;
        public const int InvalidComputer = 2351;
        public const UInt32 MaxPreferredLength = 0xFFFFFFFF;

        /// <summary>234, or NERR_BufTooSmall (2123), which netapi32 can answer instead: more entries follow.</summary>
        public static bool IsMoreData(int status)
        {
            return status == MoreData || status == BufTooSmall;
        }

        /// <summary>A LAN Manager (NERR_*) code: FormatMessage has no text for these ("Unknown error").</summary>
        public static bool IsNerr(int status)
        {
            return status >= 2100 && status <= 2999;
        }
    }

    /// <summary>A failed NetSession call: the status plus text a user can act on.</summary>
    public class NetSessionException : Win32Exception
    {
        private readonly bool _remoteServer;

        /// <summary>remoteServer: the call went to another machine (the caller knows; no lookup here).</summary>
        public NetSessionException(int status, string operation, string server, bool remoteServer)
            : this(status, operation, server, remoteServer, null) { }

        /// <summary>advice: a sentence appended to the message that says what to do instead.</summary>
        public NetSessionException(int status, string operation, string server, bool remoteServer, string advice)
            : base(status, BuildMessage(status, operation, server, remoteServer, advice))
        {
            _remoteServer = remoteServer;
        }

        /// <summary>A message built by a subclass, used as it is.</summary>
        protected NetSessionException(int status, bool remoteServer, string message)
            : base(status, message)
        {
            _remoteServer = remoteServer;
        }

        public int Status { get { return NativeErrorCode; } }
        public bool RemoteServer { get { return _remoteServer; } }

        public static string Describe(int status)
        {
            switch (status)
            {
                case NetApiStatus.Success: return "The operation completed successfully.";
                case NetApiStatus.AccessDenied:
                    return "Access is denied. Listing and closing sessions needs membership of Administrators or " +
                        "Server Operators on the server (Windows 10 1607 / Server 2016 and later also for listing: " +
                        "the SrvsvcSessionInfo security descriptor under " +
                        "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\DefaultSecurity decides).";
                case NetApiStatus.NotEnoughMemory: return "Not enough memory is available to complete the call.";
                case NetApiStatus.InvalidParameter: return "A parameter is incorrect.";
                case NetApiStatus.InvalidLevel:
                    return "The server does not serve this information level (Windows serves 0, 1, 2, 10 and 502; " +
                        "Samba 0 and 1).";
                case NetApiStatus.MoreData: return "More data is available.";
                case NetApiStatus.LogonFailure: return "The user name or password is incorrect.";
                case NetApiStatus.NotAuthenticated: return "The operation requires an authenticated user.";
                case NetApiStatus.NoSuchLogonSession:
                    return "A specified logon session does not exist: the logon that runs the module has no " +
                        "credentials it can present to the server.";
                // NERR codes have no system text (Win32Exception says "Unknown error"); the texts are
                // shared with the Python twin's _srvsvc/status.py (tests/fixtures/status_texts.json).
                case NetApiStatus.NetNotStarted:
                    return "The workstation driver is not installed (NERR_NetNotStarted): the Windows computer that " +
                        "makes the call has no working Workstation service (LanmanWorkstation).";
                case NetApiStatus.ServerNotStarted:
                    return "The Server service is not started (NERR_ServerNotStarted): start the Server service " +
                        "(LanmanServer) on the server, or name a server that runs one.";
                case NetApiStatus.BufTooSmall: return "The buffer for the answer is too small (NERR_BufTooSmall).";
                case NetApiStatus.RemoteErr:
                    return "A remote API error occurred with no data returned by the server (NERR_RemoteErr).";
                case NetApiStatus.WkstaNotStarted:
                    return "The Workstation service has not been started (NERR_WkstaNotStarted): start the Workstation " +
                        "service (LanmanWorkstation) on the Windows computer that makes the call.";
                case NetApiStatus.InternalError: return "An internal error occurred on the server (NERR_InternalError).";
                case NetApiStatus.InvalidApi: return "The server does not support this call (NERR_InvalidAPI).";
                case NetApiStatus.UserNotFound: return "The user name was not found among the sessions.";
                case NetApiStatus.ClientNameNotFound: return "The client name was not found among the sessions.";
                case NetApiStatus.InvalidComputer: return "The server name is not valid.";
                default:
                    if (NetApiStatus.IsNerr(status))
                        return String.Format(CultureInfo.InvariantCulture,
                            "Network management error {0} (NERR_BASE+{1}, lmerr.h); Windows has no text for it.",
                            status, status - 2100);
                    return new Win32Exception(status).Message;
            }
        }

        internal static bool IsAuthProblem(int status)
        {
            return status == NetApiStatus.AccessDenied || status == NetApiStatus.LogonFailure ||
                status == NetApiStatus.NotAuthenticated || status == NetApiStatus.NoSuchLogonSession;
        }

        // The become_flags spelling is ansible.builtin.runas's (the "Become and Windows" guide):
        // netcredentials_only goes with logon_type=new_credentials, and both need become_user/become_password.
        private const string DoubleHopHint =
            " The server is not the target itself: over WinRM with NTLM, Basic, or Kerberos without delegation your " +
            "credentials do not reach a second machine (the double hop). Use become: true with become_method: runas, " +
            "become_flags: logon_type=new_credentials logon_flags=netcredentials_only and an explicit become_user and " +
            "become_password of an account that may list sessions there (become without a password logs on with S4U, " +
            "which has no network credentials), or CredSSP or Kerberos delegation, or run the module on that server.";

        private static string BuildMessage(int status, string operation, string server, bool remoteServer, string advice)
        {
            string where = remoteServer && !String.IsNullOrEmpty(server) ? server : "the local computer";
            string message = String.Format(CultureInfo.InvariantCulture, "{0} on {1} failed: {2} (status {3}, 0x{3:X8})",
                operation, where, Describe(status), status);
            if (IsAuthProblem(status) && remoteServer)
                message += DoubleHopHint;
            if (!String.IsNullOrEmpty(advice))
                message += " " + advice;
            return message;
        }
    }

    /// <summary>A listing stopped by the limits both twins share (docs/developer/contract.md, "Listing
    /// limits"): a server that reports more data without progress, or more sessions than any real
    /// server holds. The texts are tests/fixtures/listing_limits.json's, word for word.</summary>
    public class ListingLimitException : NetSessionException
    {
        internal const string NoProgressText = "NetSessionEnum on {0}: the server reported more data without making " +
            "progress (resume handle {1}); stopping instead of looping.";
        internal const string TooManyText = "NetSessionEnum on {0}: the listing holds more than {1} sessions, more than " +
            "any real server holds, so the server is broken or hostile; stopping instead of growing.";

        private ListingLimitException(int status, string server, string message)
            : base(status, server != null, message) { }

        /// <summary>The server as the messages name it: (local) for this computer.</summary>
        internal static string Shown(string server)
        {
            return server ?? "(local)";
        }

        internal static ListingLimitException NoProgress(int status, string server, UInt32 resumeHandle)
        {
            return new ListingLimitException(status, server,
                String.Format(CultureInfo.InvariantCulture, NoProgressText, Shown(server), resumeHandle));
        }

        internal static ListingLimitException TooMany(string server)
        {
            return new ListingLimitException(NetApiStatus.MoreData, server,
                String.Format(CultureInfo.InvariantCulture, TooManyText, Shown(server), NetSessionApi.MaxSessions));
        }
    }

    /// <summary>One SESSION_INFO_* entry as netapi32 returned it, fields named after sesiN_*; a
    /// field the level lacks, or a NULL string, is null.</summary>
    public class RawSession
    {
        public int Level;
        public string Cname;
        public string Username;
        public uint? NumOpens;
        public uint? Time;
        public uint? IdleTime;
        public uint? UserFlags;
        public string CltypeName;
        public string Transport;
    }

    public enum CloseOutcome
    {
        Closed,
        NotFound,
    }

    /// <summary>The calls themselves. server is what netapi32 gets: null for this computer (a
    /// remote name adds the double-hop hint to auth errors); client and user are sent as given.</summary>
    public static class NetSessionApi
    {
        private static readonly int[] Levels = new int[] { 0, 1, 2, 10, 502 };

        /// <summary>At most this many sessions in one listing (all resume rounds together), as in the
        /// Python twin: more than any real server holds, few enough to stay well inside memory.</summary>
        public const int MaxSessions = 100000;

        public static bool IsSupportedLevel(int level)
        {
            return Array.IndexOf(Levels, level) >= 0;
        }

        private static NetSessionException Error(int status, string operation, string server)
        {
            return new NetSessionException(status, operation, server, server != null);
        }

        /// <summary>Every entry, following ERROR_MORE_DATA (and 2123, its NERR twin). A filter that matches
        /// nothing (2312 / 2221) is an empty list, not a failure. A server that reports more data without
        /// progress, or more than MaxSessions sessions, ends the listing with a ListingLimitException.</summary>
        public static List<RawSession> Enumerate(string server, string client, string user, int level, uint prefMaxLen)
        {
            if (!IsSupportedLevel(level))
                throw Error(NetApiStatus.InvalidLevel, "NetSessionEnum", server);
            try
            {
                return EnumeratePages(server, client, user, level, prefMaxLen);
            }
            catch (NetSessionException e)
            {
                if ((client != null || user != null) &&
                    (e.Status == NetApiStatus.ClientNameNotFound || e.Status == NetApiStatus.UserNotFound))
                    return new List<RawSession>();
                throw;
            }
        }

        private static List<RawSession> EnumeratePages(string server, string client, string user, int level, uint prefMaxLen)
        {
            // After an error mid-way the resume handle is invalid: start over once from 0,
            // dropping the partial list, so a transient failure never yields a half list.
            try
            {
                return EnumerateOnce(server, client, user, level, prefMaxLen);
            }
            catch (PartialEnumerationException)
            {
                try
                {
                    return EnumerateOnce(server, client, user, level, prefMaxLen);
                }
                catch (PartialEnumerationException e)
                {
                    throw e.Inner;
                }
            }
        }

        private class PartialEnumerationException : Exception
        {
            public readonly NetSessionException Inner;
            public PartialEnumerationException(NetSessionException inner) : base(inner.Message, inner) { Inner = inner; }
        }

        // One listing, resume round after resume round. Each round must bring at least one entry and a
        // resume handle that is not 0 and not seen before, or the server would have us loop for ever
        // (a fixed handle, or entries and an unchanged handle: 430 MB in 2 s); and all rounds together
        // hold at most MaxSessions sessions, checked before a round's entries are read.
        private static List<RawSession> EnumerateOnce(string server, string client, string user, int level, uint prefMaxLen)
        {
            List<RawSession> sessions = new List<RawSession>();
            Dictionary<UInt32, bool> seenHandles = new Dictionary<UInt32, bool>();
            UInt32 resume = 0;
            int page = 0;
            while (true)
            {
                SafeNetApiBuffer buffer;
                UInt32 read, total;
                UInt32 status = NativeMethods.NetSessionEnum(server, client, user, (UInt32)level, out buffer,
                    prefMaxLen, out read, out total, ref resume);
                uint got;
                using (buffer)
                {
                    if (status != NetApiStatus.Success && !NetApiStatus.IsMoreData((int)status))
                    {
                        NetSessionException error = Error((int)status, "NetSessionEnum", server);
                        if (page > 0)
                            throw new PartialEnumerationException(error);
                        throw error;
                    }
                    got = buffer.IsInvalid ? 0 : read;   // a count without a buffer brings nothing
                    if ((long)sessions.Count + got > MaxSessions)
                        throw ListingLimitException.TooMany(server);
                    if (got > 0)
                        ReadEntries(buffer.DangerousGetHandle(), got, level, sessions);
                }
                page++;
                if (status == NetApiStatus.Success)
                    return sessions;
                if (got == 0 || resume == 0 || seenHandles.ContainsKey(resume))
                    throw ListingLimitException.NoProgress((int)status, server, resume);
                seenHandles[resume] = true;
            }
        }

        private static void ReadEntries(IntPtr buffer, uint count, int level, List<RawSession> sessions)
        {
            Type type = StructType(level);
            int size = Marshal.SizeOf(type);
            for (uint i = 0; i < count; i++)
            {
                IntPtr entry = IntPtr.Add(buffer, (int)(i * size));
                sessions.Add(FromStruct(Marshal.PtrToStructure(entry, type), level));
            }
        }

        private static Type StructType(int level)
        {
            switch (level)
            {
                case 0: return typeof(NativeHelpers.SESSION_INFO_0);
                case 1: return typeof(NativeHelpers.SESSION_INFO_1);
                case 2: return typeof(NativeHelpers.SESSION_INFO_2);
                case 10: return typeof(NativeHelpers.SESSION_INFO_10);
                default: return typeof(NativeHelpers.SESSION_INFO_502);
            }
        }

        // Each level is a subset of the same fields: one builder, one line per level.
        private static RawSession FromStruct(object raw, int level)
        {
            switch (level)
            {
                case 0:
                    NativeHelpers.SESSION_INFO_0 i0 = (NativeHelpers.SESSION_INFO_0)raw;
                    return Entry(0, i0.sesi0_cname, IntPtr.Zero, null, null, null, null, IntPtr.Zero, IntPtr.Zero);
                case 1:
                    NativeHelpers.SESSION_INFO_1 i1 = (NativeHelpers.SESSION_INFO_1)raw;
                    return Entry(1, i1.sesi1_cname, i1.sesi1_username, i1.sesi1_num_opens, i1.sesi1_time,
                        i1.sesi1_idle_time, i1.sesi1_user_flags, IntPtr.Zero, IntPtr.Zero);
                case 2:
                    NativeHelpers.SESSION_INFO_2 i2 = (NativeHelpers.SESSION_INFO_2)raw;
                    return Entry(2, i2.sesi2_cname, i2.sesi2_username, i2.sesi2_num_opens, i2.sesi2_time,
                        i2.sesi2_idle_time, i2.sesi2_user_flags, i2.sesi2_cltype_name, IntPtr.Zero);
                case 10:
                    NativeHelpers.SESSION_INFO_10 i10 = (NativeHelpers.SESSION_INFO_10)raw;
                    return Entry(10, i10.sesi10_cname, i10.sesi10_username, null, i10.sesi10_time,
                        i10.sesi10_idle_time, null, IntPtr.Zero, IntPtr.Zero);
                default:
                    NativeHelpers.SESSION_INFO_502 i502 = (NativeHelpers.SESSION_INFO_502)raw;
                    return Entry(502, i502.sesi502_cname, i502.sesi502_username, i502.sesi502_num_opens, i502.sesi502_time,
                        i502.sesi502_idle_time, i502.sesi502_user_flags, i502.sesi502_cltype_name, i502.sesi502_transport);
            }
        }

        private static RawSession Entry(int level, IntPtr cname, IntPtr username, uint? numOpens, uint? time, uint? idleTime,
            uint? userFlags, IntPtr cltypeName, IntPtr transport)
        {
            RawSession s = new RawSession();
            s.Level = level;
            s.Cname = Str(cname);
            s.Username = Str(username);
            s.NumOpens = numOpens;
            s.Time = time;
            s.IdleTime = idleTime;
            s.UserFlags = userFlags;
            s.CltypeName = Str(cltypeName);
            s.Transport = Str(transport);
            return s;
        }

        private static string Str(IntPtr p)
        {
            return p == IntPtr.Zero ? null : Marshal.PtrToStringUni(p);
        }

        /// <summary>NetSessionDel: user null = every session of the client, client null = every session
        /// of the user. Both null would end every session on the server: refused.</summary>
        public static CloseOutcome Delete(string server, string client, string user)
        {
            if (String.IsNullOrEmpty(client) && String.IsNullOrEmpty(user))
                throw new ArgumentException("Refusing NetSessionDel with neither client nor user: that closes every session");
            UInt32 status = NativeMethods.NetSessionDel(server, client, user);
            if (status == NetApiStatus.Success)
                return CloseOutcome.Closed;
            if (status == NetApiStatus.ClientNameNotFound || status == NetApiStatus.UserNotFound)
                return CloseOutcome.NotFound;
            throw Error((int)status, "NetSessionDel", server);
        }
    }
}
