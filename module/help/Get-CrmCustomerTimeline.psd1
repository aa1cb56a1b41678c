@{
    Synopsis    = 'Shows a customer''s activity (orders from Humanitix and Eventbrite), newest first.'
    Description = 'Get-CrmCustomerTimeline reads customer_activity_timeline for one or more customers and returns CrmActivity objects: when, what (order), event name, amount, platform, status, purchaser name and order id. It takes CustomerId from the pipeline, so CrmLead objects from Get-CrmLeadSegment pipe straight in. It is the seed''s "View Customer Timeline" query as a command.'
    Parameters  = @{
        CustomerId = 'The customers (uuid). Accepts CrmLead objects and anything with a CustomerId or Id property from the pipeline.'
        Last       = 'At most this many activities per customer, newest first.'
    }
    Examples    = @(
        @{ Title = 'One customer''s last 20 orders'; Code = 'Get-CrmCustomerTimeline d0a22a8a-7a17-4920-ac26-82712d260257 -Last 20'; Remarks = 'Newest first.' }
        @{ Title = 'The best lead''s history'; Code = 'Get-CrmLeadSegment -Top 1 | Get-CrmCustomerTimeline'; Remarks = 'Pipes a CrmLead by CustomerId.' }
    )
    Links       = @('Get-CrmLeadSegment', 'Invoke-CrmTimelineRefresh')
}
