using System.Collections.Concurrent;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Output made on worker threads (one per database being read), waiting to be written on the pipeline thread. Bounded:
/// a worker that gets ahead of the pipeline waits, so a fast database streaming millions of rows never piles them up
/// in memory. <see cref="Run"/> is the pipeline thread's side: it writes what arrives until the work is done, and
/// when writing throws (Select-Object -First has what it needs, -ErrorAction Stop) it stops the workers, waits for
/// them and rethrows.
/// </summary>
internal sealed class OutputQueue : IDisposable
{
    private readonly BlockingCollection<Action> _writes = new(boundedCapacity: 512);
    private readonly CancellationTokenSource _abandoned = new();

    /// <summary>From a worker: waits while the queue is full; gives up (OperationCanceledException) once the pipeline has stopped reading.</summary>
    public void Post(Action write) => _writes.Add(write, _abandoned.Token);

    /// <summary>
    /// On the pipeline thread: starts <paramref name="work"/> (which returns once every worker is done) on a thread of
    /// its own and writes what the workers post, in the order posted, until it is done.
    /// </summary>
    public void Run(Action work, Action stopWorkers)
    {
        Exception? failure = null;
        var runner = new Thread(() =>
        {
            try { work(); }
            catch (Exception ex) { failure = ex; }
            finally { _writes.CompleteAdding(); }
        })
        { IsBackground = true, Name = "CrmOps databases" };
        runner.Start();
        try
        {
            foreach (var write in _writes.GetConsumingEnumerable()) write();
        }
        catch
        {
            // The pipeline will not take more: stop the workers, release any that wait to post, and wait for them.
            stopWorkers();
            _abandoned.Cancel();
            runner.Join();
            throw;
        }
        runner.Join();
        if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    public void Dispose()
    {
        _writes.Dispose();
        _abandoned.Dispose();
    }
}
