@{
    Synopsis    = 'Lists the customers of lead segments, best first, streamed from the server.'
    Description = 'Get-CrmLeadSegment returns CrmLead objects for the customers in the named segments (all segments when none is named), ordered by lead score and then lifetime net, each with primary email, RFM components, lifetime orders and net, last order and last scoring time. Rows stream from the server one at a time, so millions of leads never sit in memory, and stopping early (Select-Object -First 10) cancels the query on the server. Dates export to CSV as ISO 8601.'
    Parameters  = @{
        Segment  = 'Hot, Warm, Cool and/or Cold. Default: all.'
        MinScore = 'Only customers with at least this score (6 to 30).'
        Top      = 'At most this many customers.'
    }
    Examples    = @(
        @{ Title = 'Hot leads to CSV for the marketing tool'; Code = 'Get-CrmLeadSegment Hot | Export-Csv hot.csv'; Remarks = 'Header from the property names, ISO dates.' }
        @{ Title = 'The ten best leads'; Code = 'Get-CrmLeadSegment -Top 10'; Remarks = 'The seed''s "View Top Customers" query.' }
        @{ Title = 'Timelines of the hot leads'; Code = 'Get-CrmLeadSegment Hot -Top 3 | Get-CrmCustomerTimeline -Last 5'; Remarks = 'CrmLead pipes into Get-CrmCustomerTimeline by CustomerId.' }
    )
    Links       = @('Export-CrmLeadSegment', 'Get-CrmCustomerTimeline', 'Get-CrmLeadScoreDistribution')
}
