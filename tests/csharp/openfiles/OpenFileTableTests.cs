// tests/fixtures/open_file_rules_cases.json (written as tab-separated lines by
// tests/csharp/openfile_tables_tsv.py) through OpenFileRules.cs: one PASS/FAIL line a row.
// Each row runs twice: as the close module (error, or close + skipped) and as the info module
// (listed, or the same error when the row has no listed line).
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ansible_collections.lanman.smb.plugins.module_utils.NetFile;
using ansible_collections.lanman.smb.plugins.module_utils.SessionNames;
using ansible_collections.lanman.smb.plugins.module_utils.OpenFileRules;

internal static partial class Program
{
    private class TableRow
    {
        public string Name;
        public string Own;
        public List<OpenFileInfo> Files = new List<OpenFileInfo>();
        public List<SessionInfo> Sessions = new List<SessionInfo>();
        public Dictionary<string, RawShare> Shares = new Dictionary<string, RawShare>();
        public Dictionary<string, string[]> Options = new Dictionary<string, string[]>();
        public bool All;
        public string Error;
        public string Close;
        public List<string> Skipped = new List<string>();
        public string Listed;
        public List<string> Joined = new List<string>();
        public List<string> Decoded = new List<string>();
    }

    private static string Text(string cell)
    {
        return cell == "<null>" ? null : Encoding.UTF8.GetString(Convert.FromBase64String(cell));
    }

    private static List<TableRow> ReadTable(string path)
    {
        List<TableRow> rows = new List<TableRow>();
        TableRow row = null;
        foreach (string line in File.ReadAllLines(path, Encoding.UTF8))
        {
            string[] c = line.Split('\t');
            switch (c[0])
            {
                case "CASE": row = new TableRow(); row.Name = Text(c[1]); break;
                case "OWN": row.Own = Text(c[1]); break;
                case "FILE":
                    RawFile raw = new RawFile();
                    raw.Level = 3;
                    raw.Id = UInt32.Parse(c[1]);
                    raw.PathName = Text(c[2]);
                    raw.UserName = Text(c[3]);
                    raw.Permissions = UInt32.Parse(c[4]);
                    raw.NumLocks = UInt32.Parse(c[5]);
                    row.Files.Add(OpenFileInfo.FromRaw(raw));
                    break;
                case "SESSION": row.Sessions.Add(new SessionInfo(Text(c[1]), Text(c[2]), null)); break;
                case "SHARE":
                    RawShare share = new RawShare();
                    share.NetName = Text(c[1]);
                    share.Type = UInt32.Parse(c[2]);
                    share.Path = Text(c[3]);
                    row.Shares[share.NetName] = share;
                    break;
                case "OPT":
                    int count = Int32.Parse(c[2]);
                    string[] values = count < 0 ? null : new string[count];
                    for (int i = 0; i < count; i++)
                        values[i] = Text(c[3 + i]);
                    row.Options[c[1]] = values;
                    break;
                case "ALL": row.All = c[1] == "true"; break;
                case "ERROR": row.Error = Text(c[1]); break;
                case "CLOSE": row.Close = c[1]; break;
                case "SKIP": row.Skipped.Add(c[1] + " " + c[2]); break;
                case "LISTED": row.Listed = c[1]; break;
                case "JOINED":
                    List<string> clients = new List<string>();
                    for (int i = 3; i < c.Length; i++)
                        clients.Add(Text(c[i]));
                    row.Joined.Add(c[1] + " " + (Text(c[2]) ?? "<null>") + " [" + String.Join(",", clients.ToArray()) + "]");
                    break;
                case "DECODED": row.Decoded.Add(c[1] + " " + c[2]); break;
                case "END": rows.Add(row); row = null; break;
                default: throw new InvalidDataException("unknown line in the open-file table: " + c[0]);
            }
        }
        return rows;
    }

    /// <summary>The selection the module would build (checks, then share look-ups as the table answers
    /// them: a share missing from it is 2310), or the error text.</summary>
    private static OpenFileSelection Select(TableRow row, bool close, out string error)
    {
        error = null;
        try
        {
            OpenFileSelection s = OpenFileSelection.Check(row.Options["path"], row.Options["share"], row.Options["username"],
                row.Options["exclude_path"], row.Options["exclude_username"], row.Options["exclude_client"], row.All, close);
            foreach (string name in s.Shares)
            {
                s.AddShare(name, row.Shares.ContainsKey(name) ? row.Shares[name] : null);
            }
            s.OwnPipe = row.Own == null ? OwnPipeMode.Unknown : OwnPipeMode.Account;
            s.OwnAccount = row.Own;
            return s;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static void RunRow(TableRow row)
    {
        foreach (OpenFileInfo f in row.Files)
            f.JoinClients(row.Sessions);
        string error;
        OpenFileSelection close = Select(row, true, out error);
        Equal(row.Error, error, "close module error");
        if (close != null)
        {
            OpenFilePlan plan = OpenFilePlanner.Plan(row.Files, close);
            Equal(row.Close, Ids(plan.Targets), "close");
            Equal(String.Join(" | ", row.Skipped.ToArray()), String.Join(" | ", plan.Skipped.ConvertAll(
                delegate(SkippedFile k) { return k.File.Id + " " + k.Reason; }).ToArray()), "skipped");
        }
        OpenFileSelection info = Select(row, false, out error);
        if (row.Listed == null)
        {
            Equal(row.Error, error, "info module error");
            return;
        }
        Equal(null, error, "info module error");
        List<OpenFileInfo> listed = OpenFilePlanner.Plan(row.Files, info).Listed;
        Equal(row.Listed, Ids(listed), "listed");
        foreach (string joined in row.Joined)
        {
            long id = Int64.Parse(joined.Split(' ')[0]);
            OpenFileInfo f = listed.Find(delegate(OpenFileInfo g) { return g.Id == id; });
            Equal(joined, f.Id + " " + (f.Client ?? "<null>") + " [" + String.Join(",", f.Clients.ToArray()) + "]", "joined");
        }
        foreach (string decoded in row.Decoded)
        {
            long id = Int64.Parse(decoded.Split(' ')[0]);
            OpenFileInfo f = listed.Find(delegate(OpenFileInfo g) { return g.Id == id; });
            Equal(decoded, f.Id + " " + String.Join(",", f.Permissions.ToArray()), "decoded");
        }
    }

    static partial void TableTests(string path)
    {
        foreach (TableRow row in ReadTable(path))
        {
            TableRow current = row;
            Run("table: " + row.Name, delegate { RunRow(current); });
        }
    }
}
