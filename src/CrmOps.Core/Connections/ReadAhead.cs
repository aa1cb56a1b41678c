using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace CrmOps.Connections;

/// <summary>
/// Enumerates a source on a thread of its own, a bounded number of items ahead of the consumer: reading rows and
/// building objects (this thread) overlaps with what the consumer does with them (PowerShell's pipeline). Items are
/// handed over in small batches; at most <c>batches x batchSize</c> items wait, so memory stays flat however long
/// the stream. The consumer sees the source's items, in order, and its exceptions. Stopping early (disposing the
/// enumerator) cancels the producer and waits for it, so the source's own clean-up (cancelling its statement) has
/// run when the consumer goes on.
/// </summary>
public static class ReadAhead
{
    public static IEnumerable<T> Of<T>(Func<CancellationToken, IEnumerable<T>> source, CancellationToken cancel, int batchSize = 128, int batches = 4)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var queue = new BlockingCollection<T[]>(batches);
        ExceptionDispatchInfo? failure = null;
        var producer = new Thread(() =>
        {
            try
            {
                var batch = new List<T>(batchSize);
                // The first batch goes at once with its first item, so that the first row costs no batching delay.
                var limit = 1;
                foreach (var item in source(stop.Token))
                {
                    batch.Add(item);
                    if (batch.Count >= limit)
                    {
                        queue.Add(batch.ToArray(), stop.Token);
                        batch.Clear();
                        limit = Math.Min(batchSize, limit * 4);
                    }
                }
                if (batch.Count > 0) queue.Add(batch.ToArray(), stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancel.IsCancellationRequested)
            {
                // The consumer stopped early: nothing to report.
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        { IsBackground = true, Name = "CrmOps read-ahead" };
        producer.Start();
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(cancel))
                foreach (var item in batch)
                    yield return item;
            producer.Join();
            failure?.Throw();
        }
        finally
        {
            if (producer.IsAlive)
            {
                stop.Cancel();
                producer.Join();
            }
        }
    }
}
