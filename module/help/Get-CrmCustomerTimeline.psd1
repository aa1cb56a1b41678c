@{
    Synopsis    = 'Shows a customer''s activity (orders from Humanitix and Eventbrite), newest first.'
    Description = 'Get-CrmCustomerTimeline reads customer_activity_timeline for one or more customers and returns CrmActivity objects: when, what (order), event name, amount, platform, status, purchaser name and order id, with the customer''s name and primary email. Find customers by id (CrmLead objects from Get-CrmLeadSegment pipe straight in), by email (any of the customer''s emails, in any case; the first positional argument takes an email or an id) or by name (-Name, wildcards allowed). The default view groups the rows under each customer; a customer named twice is shown once. A customer with no activity is said so. It is the seed''s "View Customer Timeline" query as a command.'
    Parameters  = @{
        CustomerId = 'The customers (uuid). Accepts CrmLead objects and anything with a CustomerId or Id property from the pipeline.'
        Email      = 'Emails of the customers: any of a customer''s emails, compared without regard to case or surrounding spaces. The first positional argument binds here when it is text; a customer id given there is taken as an id.'
        Name       = 'Names of the customers (canonical_full_name, any case). Wildcards match part of a name: ''Olivia M*''. At most 100 customers per name.'
        Last       = 'At most this many activities per customer, newest first.'
    }
    Examples    = @(
        @{ Title = 'One customer''s last 20 orders'; Code = 'Get-CrmCustomerTimeline d0a22a8a-7a17-4920-ac26-82712d260257 -Last 20'; Remarks = 'Newest first.' }
        @{ Title = 'The best lead''s history'; Code = 'Get-CrmLeadSegment -Top 1 | Get-CrmCustomerTimeline'; Remarks = 'Pipes a CrmLead by CustomerId.' }
        @{ Title = 'By email'; Code = 'Get-CrmCustomerTimeline Olivia.Mitchell2433@Gmail.com'; Remarks = 'Any of the customer''s emails, in any case.' }
        @{ Title = 'By name, several customers'; Code = 'Get-CrmCustomerTimeline -Name ''Olivia M*'' -Last 3'; Remarks = 'The last three activities of every customer whose name starts with Olivia M, grouped by customer.' }
    )
    Links       = @('Get-CrmLeadSegment', 'Invoke-CrmTimelineRefresh')
}
