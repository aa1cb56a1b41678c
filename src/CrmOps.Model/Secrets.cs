namespace CrmOps.Connections;

/// <summary>Keeps passwords out of text that leaves the core (messages, verbose text, logs).</summary>
public static class Secrets
{
    public static string Redact(string text, string? secret)
    {
        if (string.IsNullOrEmpty(text)) return text;
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 1)
            text = text.Replace(secret, "********", StringComparison.Ordinal);
        // Password=... in a connection string, and user:pass@ in a URI.
        text = System.Text.RegularExpressions.Regex.Replace(text, @"(?i)(password|pwd)\s*=\s*[^;\s]*", "$1=********");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"(?i)(postgres(?:ql)?://[^:/@\s]*):[^@\s]*@", "$1:********@");
        return text;
    }
}
