@{
    Synopsis    = 'Shows how many customers are in each lead segment: Hot, Warm, Cool, Cold.'
    Description = 'Get-CrmLeadScoreDistribution returns one CrmSegmentSummary per segment, in order Hot (24-30), Warm (18-23), Cool (12-17), Cold (6-11): customers, percent of scored customers, average score, the lowest and highest score seen, and a bar for the default view. It is the seed''s "Check Lead Score Distribution" query as a command.'
    Examples    = @(
        @{ Title = 'The distribution'; Code = 'Get-CrmLeadScoreDistribution'; Remarks = 'A table with a bar per segment.' }
        @{ Title = 'Assert it in a Pester test'; Code = '(Get-CrmLeadScoreDistribution | Where-Object Segment -eq Hot).Customers | Should -BeGreaterThan 0'; Remarks = 'Typed results are easy to assert on.' }
    )
    Links       = @('Update-CrmLeadScore', 'Get-CrmLeadSegment')
}
