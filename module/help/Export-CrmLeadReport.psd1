@{
    Synopsis    = 'Writes one self-contained HTML lead report with charts: segments, score histogram, trend, newly Hot, slipping, top leads.'
    Description = @'
Export-CrmLeadReport writes a single HTML file for the people who act on lead scores: the segment distribution as a bar chart, the histogram of scores 6 to 30, the segment sizes over the last 90 days, the customers who became Hot and those who slipped to a lower segment since -Since, and the top leads, with when it was generated and from which database (host, port and database name; never a user name or password). With -Connection naming several databases, each database gets its own report, the database's name (or host-port-database) before the extension: leads.prod.html, leads.staging.html.

The file is self-contained: its styles and its charts (inline SVG, no script) are in the page, and its Content-Security-Policy forbids every request, so it opens offline, reads on a phone and prints. The numbers are those of Get-CrmLeadScoreDistribution, Get-CrmLeadScoreTrend, Get-CrmLeadMovement and Get-CrmLeadSegment. Names and emails are HTML-encoded. The file is written whole or not at all; an existing file is kept unless -Force.
'@
    Parameters  = @{
        Path  = 'The HTML file to write.'
        AsOf  = 'The instant the report is about: the trend ends there and the default window of movements is the 7 days before it (default: the as-of instant of the latest scoring run). The scores shown are the current ones.'
        Since = 'Movements since this date or scoring run (default: 7 days before -AsOf). A date without an offset is UTC.'
        Top   = 'Rows of the top-leads table, and at most this many rows in each movement table (default 25).'
        Force = 'Overwrites an existing file.'
    }
    Examples    = @(
        @{ Title = 'The weekly report'; Code = 'Update-CrmLeadScore; Export-CrmLeadReport -Path ./leads.html -Force'; Remarks = 'Scores as of now, then writes the report of the last 7 days.' }
        @{ Title = 'A report of October'; Code = 'Export-CrmLeadReport -Path october.html -Since 2025-10-01 -AsOf 2025-10-31'; Remarks = 'Movements since the scoring as of 1 October.' }
    )
    Links       = @('Get-CrmLeadMovement', 'Get-CrmLeadScoreTrend', 'Get-CrmLeadScoreDistribution', 'Get-CrmLeadSegment')
}
