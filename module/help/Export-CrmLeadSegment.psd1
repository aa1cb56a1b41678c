@{
    Synopsis    = 'Writes the customers of lead segments to a CSV file, using the server''s COPY.'
    Description = 'Export-CrmLeadSegment writes the same columns as Get-CrmLeadSegment | Export-Csv (header from CrmLead''s property names, ISO 8601 dates in UTC) but lets PostgreSQL produce the CSV with COPY, several times faster for large segments. The file is written to a temporary name and renamed when complete, so a failed export leaves no half-written file. It refuses to overwrite an existing file unless -Force is given.'
    Parameters  = @{
        Path     = 'The CSV file to write.'
        Segment  = 'Hot, Warm, Cool and/or Cold. Default: all.'
        MinScore = 'Only customers with at least this score (6 to 30).'
        Top      = 'At most this many customers.'
        Force    = 'Overwrites an existing file.'
    }
    Examples    = @(
        @{ Title = 'All warm and hot leads'; Code = 'Export-CrmLeadSegment ./leads.csv -Segment Hot, Warm'; Remarks = 'Returns the FileInfo of the CSV.' }
    )
    Links       = @('Get-CrmLeadSegment')
}
