namespace CrmOps;

public enum CrmSegment { Hot, Warm, Cool, Cold }

/// <summary>How a materialized view was refreshed: CONCURRENTLY (readers go on) or a plain, blocking refresh.</summary>
public enum CrmRefreshMode { Concurrent, Blocking }

/// <summary>What became of a refresh.</summary>
public enum CrmRefreshStatus { Succeeded, Skipped, Failed }

/// <summary>What started a refresh or scoring run: a command (or the SQL functions called by hand), or a pg_cron job of Register-CrmSchedule.</summary>
public enum CrmRunTrigger { Manual, Scheduled }

/// <summary>What became of a scoring run.</summary>
public enum CrmScoringStatus { Succeeded, Failed }

/// <summary>Which customers a scoring run recomputed.</summary>
public enum CrmScoringMode
{
    /// <summary>Everyone, in page-range batches (the first run, or -Full).</summary>
    Full,
    /// <summary>Only those whose score can have changed since the previous run.</summary>
    Targeted,
    /// <summary>The customer ids given.</summary>
    Customers,
}

/// <summary>One refresh of a materialized view. Output of Invoke-CrmTimelineRefresh and Get-CrmRefreshHistory.</summary>
public sealed class CrmRefreshResult
{
    public string View { get; init; } = "";
    public CrmRefreshMode Mode { get; init; }
    public CrmRefreshStatus Status { get; init; }
    public long? RowsBefore { get; init; }
    public long? RowsAfter { get; init; }
    public Timestamp StartedAt { get; init; }
    public TimeSpan Duration { get; init; }
    public string? Message { get; init; }
    public string? RunBy { get; init; }
    /// <summary>Manual (Invoke-CrmTimelineRefresh, crmops.refresh_view called by hand) or Scheduled (a pg_cron job).</summary>
    public CrmRunTrigger Trigger { get; init; }
    /// <summary>The name of the schedule (Register-CrmSchedule -Name) that ran it; null for a manual run.</summary>
    public string? Schedule { get; init; }
    public override string ToString() => $"{View} {Mode} {Status}";
}

/// <summary>One scoring run. Output of Update-CrmLeadScore.</summary>
public sealed class CrmScoringResult
{
    /// <summary>The instant the scores describe (recency is counted back from it), not when the run happened.</summary>
    public Timestamp AsOf { get; init; }
    public long Customers { get; init; }
    public long Changed { get; init; }
    public TimeSpan Duration { get; init; }
    public long Hot { get; init; }
    public long Warm { get; init; }
    public long Cool { get; init; }
    public long Cold { get; init; }
    public bool WhatIf { get; init; }
    /// <summary>Which customers were recomputed (null for a what-if run).</summary>
    public CrmScoringMode? Mode { get; init; }
    /// <summary>Customers whose score was recomputed.</summary>
    public long Examined { get; init; }
    /// <summary>Manual (Update-CrmLeadScore) or Scheduled (a pg_cron job of Register-CrmSchedule).</summary>
    public CrmRunTrigger Trigger { get; init; }
    /// <summary>The name of the schedule that ran it; null for a manual run.</summary>
    public string? Schedule { get; init; }
    /// <summary>Succeeded, or Failed (logged by a scheduled run; Message says why).</summary>
    public CrmScoringStatus Status { get; init; }
    public string? Message { get; init; }
    /// <summary>When the run started (Get-CrmScoringHistory).</summary>
    public DateTimeOffset? StartedAt { get; init; }
    public string? RunBy { get; init; }
    public override string ToString() => $"{Changed} of {Customers} changed as of {AsOf:u}";
}

/// <summary>One segment of the lead-score distribution. Output of Get-CrmLeadScoreDistribution.</summary>
public sealed class CrmSegmentSummary
{
    public CrmSegment Segment { get; init; }
    public int MinScore { get; init; }
    public int MaxScore { get; init; }
    public long Customers { get; init; }
    public decimal Percent { get; init; }
    public decimal? AverageScore { get; init; }
    /// <summary>The lowest and highest score actually seen in the segment.</summary>
    public int? LowestScore { get; init; }
    public int? HighestScore { get; init; }
    /// <summary>A text bar proportional to Percent, for the default view.</summary>
    public string Bar => new('#', (int)Math.Round(Percent / 2m, MidpointRounding.AwayFromZero));
    public override string ToString() => $"{Segment}: {Customers} ({Percent}%)";
}

/// <summary>A scored customer. Output of Get-CrmLeadSegment; pipes into Get-CrmCustomerTimeline by CustomerId.</summary>
public sealed class CrmLead
{
    public Guid CustomerId { get; init; }
    public string FullName { get; init; } = "";
    public string? Email { get; init; }
    public int LeadScore { get; init; }
    public CrmSegment Segment { get; init; }
    public int Recency { get; init; }
    public int Frequency { get; init; }
    public int Monetary { get; init; }
    public int LifetimeOrders { get; init; }
    public decimal LifetimeNet { get; init; }
    public Timestamp? LastOrderAt { get; init; }
    /// <summary>
    /// The as-of instant of the score (recency is counted back from it), not the time the scoring ran: the
    /// database's last_scored_at. Kept under this name for the contract; <see cref="ScoredAsOf"/> says what it is.
    /// </summary>
    public Timestamp? LastScoredAt { get; init; }
    /// <summary>The instant the score describes (Update-CrmLeadScore -AsOf; now for a score the triggers computed). Same value as LastScoredAt.</summary>
    public Timestamp? ScoredAsOf => LastScoredAt;
    public override string ToString() => $"{FullName} ({LeadScore}, {Segment})";
}

/// <summary>One activity on a customer's timeline. Output of Get-CrmCustomerTimeline.</summary>
public sealed class CrmActivity
{
    public Guid CustomerId { get; init; }
    /// <summary>The customer's canonical name and primary email (the default view groups a timeline under them).</summary>
    public string? FullName { get; init; }
    public string? Email { get; init; }
    public string ActivityType { get; init; } = "";
    public Timestamp CreatedAt { get; init; }
    public string? EventName { get; init; }
    public decimal? Amount { get; init; }
    public string? Source { get; init; }
    public string? Status { get; init; }
    public string? PurchaserName { get; init; }
    public string? OrderId { get; init; }
    public override string ToString() => $"{CreatedAt} {ActivityType} {EventName}";
}

/// <summary>
/// A customer whose segment now (after the latest scoring run) differs from their segment after a baseline run.
/// Output of Get-CrmLeadMovement; pipes into Get-CrmCustomerTimeline by CustomerId.
/// </summary>
public sealed class CrmLeadMovement
{
    public Guid CustomerId { get; init; }
    public string FullName { get; init; } = "";
    public string? Email { get; init; }
    /// <summary>The segment after the baseline run (null: not scored then).</summary>
    public CrmSegment? FromSegment { get; init; }
    public CrmSegment ToSegment { get; init; }
    public int? FromScore { get; init; }
    public int ToScore { get; init; }
    /// <summary>Up (a better segment) or Down.</summary>
    public CrmMovementDirection Direction { get; init; }
    /// <summary>The as-of instant of the baseline run (null: no run that early; every recorded change counts).</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>The as-of instant of the latest run that changed this customer's score.</summary>
    public DateTimeOffset ChangedAsOf { get; init; }
    public decimal LifetimeNet { get; init; }
    public Timestamp? LastOrderAt { get; init; }
    public override string ToString() => $"{FullName}: {FromSegment?.ToString() ?? "-"} -> {ToSegment}";
}

/// <summary>Which way a customer moved between segments.</summary>
public enum CrmMovementDirection { Up, Down }

/// <summary>How Get-CrmLeadScoreTrend groups the runs.</summary>
public enum CrmTrendInterval { Day, Week, Month }

/// <summary>One segment's size at one point of the trend (the last run of the interval). Output of Get-CrmLeadScoreTrend.</summary>
public sealed class CrmSegmentTrend
{
    /// <summary>The start of the interval (UTC date).</summary>
    public DateTime Date { get; init; }
    public CrmTrendInterval Interval { get; init; }
    public CrmSegment Segment { get; init; }
    public long Customers { get; init; }
    /// <summary>Customers minus those at the previous point (null at the first point).</summary>
    public long? Change { get; init; }
    /// <summary>The as-of instant of the run that gives this point.</summary>
    public DateTimeOffset AsOf { get; init; }
    public override string ToString() => $"{Date:yyyy-MM-dd} {Segment}: {Customers}";
}
