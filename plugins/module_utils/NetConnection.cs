// Copyright: (c) 2026, lanman.smb contributors
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// The Win32 NetConnectionEnum call (lmshare.h) for the share selector of the session modules:
// P/Invoke, buffer ownership, paging and the listing limits, returning CONNECTION_INFO_1 entries
// as netapi32 gave them. With a share name as qualifier, coni1_netname is the client computer.
// No name rules here: which sessions a connection selects is ShareSelector.cs (ShareUsers).
// Python twin: _srvsvc/connections.py.
// C# 5 only: Windows PowerShell 5.1 compiles this with the in-box csc.exe.
//
// The `using ...module_utils.NetSession;` line is how this util requires the session wrapper
// (its exception type and status codes): ansible-core's PSModuleDepFinder reads it.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using ansible_collections.lanman.smb.plugins.module_utils.NetSession;

namespace ansible_collections.lanman.smb.plugins.module_utils.NetConnection
{
    internal class ConnectionNative
    {
        // Win64: five DWORDs, 4 bytes of padding, then the two string pointers (40 bytes).
        // Strings are IntPtr so a NULL stays null.
        [StructLayout(LayoutKind.Sequential)]
        public struct CONNECTION_INFO_1
        {
            public UInt32 coni1_id;
            public UInt32 coni1_type;
            public UInt32 coni1_num_opens;
            public UInt32 coni1_num_users;
            public UInt32 coni1_time;
            public IntPtr coni1_username;
            public IntPtr coni1_netname;
        }

        // NetApi functions return their status; they do not set the last error. The resume
        // handle is an LPDWORD here (unlike NetFileEnum's PDWORD_PTR).
        [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
        public static extern UInt32 NetConnectionEnum(
            string servername,
            string qualifier,
            UInt32 level,
            out SafeNetApiBuffer bufptr,
            UInt32 prefmaxlen,
            out UInt32 entriesread,
            out UInt32 totalentries,
            ref UInt32 resume_handle);

    }

    /// <summary>One CONNECTION_INFO_1 as netapi32 returned it; a NULL string is null.</summary>
    public class RawConnection
    {
        public uint Id;
        public uint Type;
        public uint NumOpens;
        public uint NumUsers;
        public uint Time;
        public string UserName;
        public string NetName;
    }

    /// <summary>A connection listing stopped by the limits the session listing has (contract.md,
    /// "Listing limits"), with "connections" in the texts (tests/fixtures/share_user_cases.json).</summary>
    public class ConnectionListingLimitException : NetSessionException
    {
        internal const string NoProgressText = "NetConnectionEnum on {0}: the server reported more data without " +
            "making progress (resume handle {1}); stopping instead of looping.";
        internal const string TooManyText = "NetConnectionEnum on {0}: the listing holds more than {1} connections, " +
            "more than any real server holds, so the server is broken or hostile; stopping instead of growing.";

        private ConnectionListingLimitException(int status, string server, string message)
            : base(status, server != null, message) { }

        internal static ConnectionListingLimitException NoProgress(int status, string server, UInt32 resumeHandle)
        {
            return new ConnectionListingLimitException(status, server,
                String.Format(CultureInfo.InvariantCulture, NoProgressText, server ?? "(local)", resumeHandle));
        }

        internal static ConnectionListingLimitException TooMany(string server)
        {
            return new ConnectionListingLimitException(NetApiStatus.MoreData, server,
                String.Format(CultureInfo.InvariantCulture, TooManyText, server ?? "(local)",
                    NetConnectionApi.MaxConnections));
        }
    }

    public static class NetConnectionApi
    {
        /// <summary>At most this many connections in one listing (all resume rounds together), as
        /// in the Python twin.</summary>
        public const int MaxConnections = 100000;
        /// <summary>NERR_NetNameNotFound: the qualifier names no share.</summary>
        public const int NetNameNotFound = 2310;
        /// <summary>ERROR_INVALID_NAME: Samba's answer for a share it does not have.</summary>
        public const int InvalidName = 123;

        /// <summary>Every level-1 connection of qualifier (a share name), following ERROR_MORE_DATA
        /// (and 2123) with the resume handle. server is what netapi32 gets (null: this computer). A
        /// round without an entry, a resume handle of 0 or one seen before, or more than
        /// MaxConnections connections end the listing with a ConnectionListingLimitException; any
        /// other status is a NetSessionException (the buffer of every round is freed).</summary>
        public static List<RawConnection> Enumerate(string server, string qualifier, uint prefMaxLen)
        {
            List<RawConnection> found = new List<RawConnection>();
            Dictionary<UInt32, bool> seenHandles = new Dictionary<UInt32, bool>();
            UInt32 resume = 0;
            while (true)
            {
                SafeNetApiBuffer buffer;
                UInt32 read, total;
                UInt32 status = ConnectionNative.NetConnectionEnum(server, qualifier, 1, out buffer, prefMaxLen,
                    out read, out total, ref resume);
                uint got;
                using (buffer)
                {
                    if (status != NetApiStatus.Success && !NetApiStatus.IsMoreData((int)status))
                        throw new NetSessionException((int)status, "NetConnectionEnum", server, server != null);
                    got = buffer.IsInvalid ? 0 : read;   // a count without a buffer brings nothing
                    if ((long)found.Count + got > MaxConnections)
                        throw ConnectionListingLimitException.TooMany(server);
                    if (got > 0)
                        ReadEntries(buffer.DangerousGetHandle(), got, found);
                }
                if (status == NetApiStatus.Success)
                    return found;
                if (got == 0 || resume == 0 || seenHandles.ContainsKey(resume))
                    throw ConnectionListingLimitException.NoProgress((int)status, server, resume);
                seenHandles[resume] = true;
            }
        }

        private static void ReadEntries(IntPtr buffer, uint count, List<RawConnection> found)
        {
            int size = Marshal.SizeOf(typeof(ConnectionNative.CONNECTION_INFO_1));
            for (uint i = 0; i < count; i++)
            {
                ConnectionNative.CONNECTION_INFO_1 e = (ConnectionNative.CONNECTION_INFO_1)Marshal.PtrToStructure(
                    IntPtr.Add(buffer, (int)(i * size)), typeof(ConnectionNative.CONNECTION_INFO_1));
                RawConnection c = new RawConnection();
                c.Id = e.coni1_id;
                c.Type = e.coni1_type;
                c.NumOpens = e.coni1_num_opens;
                c.NumUsers = e.coni1_num_users;
                c.Time = e.coni1_time;
                c.UserName = e.coni1_username == IntPtr.Zero ? null : Marshal.PtrToStringUni(e.coni1_username);
                c.NetName = e.coni1_netname == IntPtr.Zero ? null : Marshal.PtrToStringUni(e.coni1_netname);
                found.Add(c);
            }
        }
    }
}
