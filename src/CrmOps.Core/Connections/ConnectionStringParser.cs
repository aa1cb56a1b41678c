using CrmOps.Errors;
using Npgsql;

namespace CrmOps.Connections;

/// <summary>
/// Parses the three forms a DBA pastes: Npgsql keywords ("Host=h;Username=u"), libpq keywords
/// ("host=h user=u dbname=d") and the URI that Supabase's dashboard shows
/// ("postgresql://user:pass@host:5432/postgres?sslmode=require"). Extra keyword understood by
/// CrmOps: "Pooler=transaction" (or port 6543) marks a transaction-mode pooler.
/// </summary>
public static class ConnectionStringParser
{
    public static NpgsqlConnectionStringBuilder Parse(string text)
    {
        text = text.Trim();
        try
        {
            NpgsqlConnectionStringBuilder b;
            bool pooled;
            if (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
                text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
                (b, pooled) = ParseUri(text);
            else if (!text.Contains(';') && LooksLikeLibpq(text))
                (b, pooled) = FromPairs(SplitLibpq(text));
            else
                (b, pooled) = FromPairs(SplitKeywords(text));
            if (pooled) ConnectionFactory.MarkPooled(b);
            return b;
        }
        catch (CrmException) { throw; }
        catch (Exception ex)
        {
            throw new CrmException("ConnectionStringInvalid", CrmErrorKind.InvalidArgument,
                "The connection string is not valid: " + Secrets.Redact(ConnectionFactory.FirstLine(ex.Message), null)
                + " Use 'Host=...;Port=5432;Username=...;Database=...' or 'postgresql://user@host:5432/db'.");
        }
    }

    private static bool LooksLikeLibpq(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"^\s*[A-Za-z_]+\s*=\s*\S");

    private static IEnumerable<KeyValuePair<string, string>> SplitKeywords(string text)
    {
        var probe = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = text };
        foreach (string key in probe.Keys)
            yield return new(key, probe[key]?.ToString() ?? "");
    }

    /// <summary>libpq form: key=value pairs separated by spaces, values optionally single-quoted.</summary>
    private static IEnumerable<KeyValuePair<string, string>> SplitLibpq(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) yield break;
            var eq = text.IndexOf('=', i);
            if (eq < 0) throw new FormatException($"missing '=' after '{text[i..]}'");
            var key = text[i..eq].Trim();
            i = eq + 1;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            var value = new System.Text.StringBuilder();
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                while (i < text.Length && text[i] != '\'')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    value.Append(text[i++]);
                }
                if (i >= text.Length) throw new FormatException("unterminated quoted value");
                i++;
            }
            else
                while (i < text.Length && !char.IsWhiteSpace(text[i])) value.Append(text[i++]);
            yield return new(key, value.ToString());
        }
    }

    private static (NpgsqlConnectionStringBuilder, bool) ParseUri(string text)
    {
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal) + 3;
        var rest = text[schemeEnd..];
        string? query = null;
        var q = rest.IndexOf('?');
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }
        string? path = null;
        var slash = rest.IndexOf('/');
        if (slash >= 0) { path = rest[(slash + 1)..]; rest = rest[..slash]; }
        string? userInfo = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0) { userInfo = rest[..at]; rest = rest[(at + 1)..]; }

        var pairs = new List<KeyValuePair<string, string>>();
        if (userInfo != null)
        {
            var colon = userInfo.IndexOf(':');
            var user = colon >= 0 ? userInfo[..colon] : userInfo;
            if (user.Length > 0) pairs.Add(new("user", Uri.UnescapeDataString(user)));
            if (colon >= 0) pairs.Add(new("password", Uri.UnescapeDataString(userInfo[(colon + 1)..])));
        }
        if (rest.Contains(','))
        {
            // libpq's multi-host URI: host1:5432,host2:5433 (Npgsql takes the same list in Host).
            pairs.Add(new("host", string.Join(",", rest.Split(',').Select(Uri.UnescapeDataString))));
        }
        else if (rest.Length > 0)
        {
            string host = rest, port = "";
            if (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']');
                if (close < 0) throw new FormatException("unterminated IPv6 address");
                host = rest[1..close];
                if (close + 1 < rest.Length && rest[close + 1] == ':') port = rest[(close + 2)..];
            }
            else if (rest.LastIndexOf(':') is var c and >= 0)
            {
                host = rest[..c];
                port = rest[(c + 1)..];
            }
            if (host.Length > 0) pairs.Add(new("host", Uri.UnescapeDataString(host)));
            if (port.Length > 0)
            {
                if (!int.TryParse(port, out var p) || p is < 1 or > 65535)
                    throw new FormatException($"port '{port}' is not a number from 1 to 65535");
                pairs.Add(new("port", port));
            }
        }
        if (!string.IsNullOrEmpty(path)) pairs.Add(new("dbname", Uri.UnescapeDataString(path)));
        if (query != null)
            foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                var key = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
                var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
                pairs.Add(new(key, value));
            }
        return FromPairs(pairs);
    }

    private static (NpgsqlConnectionStringBuilder, bool) FromPairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var b = new NpgsqlConnectionStringBuilder();
        var pooled = false;
        string[]? ports = null;
        foreach (var (rawKey, value) in pairs)
        {
            var key = rawKey.Trim().ToLowerInvariant();
            switch (key)
            {
                case "host" or "hostaddr" or "server": b.Host = value; break;
                case "port" when value.Contains(','):
                    // libpq: one port per host (host=a,b port=5432,5433).
                    ports = value.Split(',', StringSplitOptions.TrimEntries);
                    foreach (var one in ports)
                        if (!int.TryParse(one, out var p) || p is < 1 or > 65535)
                            throw new FormatException($"port '{one}' is not a number from 1 to 65535");
                    break;
                case "port":
                    if (!int.TryParse(value, out var port) || port is < 1 or > 65535)
                        throw new FormatException($"port '{value}' is not a number from 1 to 65535");
                    b.Port = port; break;
                case "target_session_attrs" or "target session attributes" or "targetsessionattributes":
                    _ = ConnectionFactory.ParseTargetSession(value); // names the accepted values when it is not one
                    b.TargetSessionAttributes = value.Trim().ToLowerInvariant().Replace('_', '-');
                    break;
                case "dbname" or "database" or "db": b.Database = value; break;
                case "user" or "username" or "user id" or "userid" or "uid": b.Username = value; break;
                case "password" or "pwd": b.Password = value; break;
                case "sslmode" or "ssl mode": b.SslMode = ParseSslMode(value); break;
                case "sslrootcert" or "root certificate": b.RootCertificate = value; break;
                case "sslcert" or "ssl certificate": b.SslCertificate = value; break;
                case "sslkey" or "ssl key": b.SslKey = value; break;
                case "connect_timeout" or "timeout": b.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "application_name" or "application name": b.ApplicationName = value; break;
                case "passfile": b.Passfile = value; break;
                case "options": b.Options = value; break;
                case "pooler":
                    pooled = value.Equals("transaction", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase);
                    break;
                case "pgbouncer": pooled = value.Equals("true", StringComparison.OrdinalIgnoreCase); break;
                default:
                    b[rawKey.Trim()] = value; // Npgsql validates the rest and names an unknown keyword
                    break;
            }
        }
        if (ports != null)
        {
            var hosts = (b.Host ?? "").Split(',', StringSplitOptions.TrimEntries);
            if (hosts.Length != ports.Length)
                throw new FormatException($"{hosts.Length} host(s) but {ports.Length} ports: give one port, or one per host");
            b.Host = string.Join(",", hosts.Zip(ports, (h, p) => h.Contains(':') && !h.StartsWith('[') ? h : $"{h}:{p}"));
        }
        return (b, pooled);
    }

    public static SslMode ParseSslMode(string value) => value.Trim().ToLowerInvariant().Replace("-", "") switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verifyca" or "verify_ca" => SslMode.VerifyCA,
        "verifyfull" or "verify_full" => SslMode.VerifyFull,
        _ => throw new FormatException($"SSL mode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
    };
}
