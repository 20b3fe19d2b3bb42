package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import dev.infercost.models.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Throughput of several independent streams: {@code streams} sessions of one model, each driven by
 * its own thread (with the options' intra-op threads), running back to back on the same inputs
 * after the options' warm-up, each until both {@code millis} and the options' {@code minSamples}
 * are reached (capped by {@code maxMillis}). That is what a server with that many single-stream
 * workers sustains, which for small models beats one stream with many intra-op threads. Each
 * session holds its own copy of the weights.
 */
public final class Concurrency {
  private Concurrency() {}

  /**
   * What the streams did together.
   *
   * @param streams how many ran at once (>= 1)
   * @param throughputPerS inferences per second: every stream's calls over the longest stream's
   *     time, so a stream that ran on alone at the end does not inflate it
   * @param stats latency of every call, all streams together
   */
  public record Result(int streams, double throughputPerS, LatencyStats stats) {
    public Result {
      if (streams < 1 || !(throughputPerS > 0)) {
        throw new IllegalArgumentException(
            "streams must be >= 1 and throughput > 0, got " + streams + ", " + throughputPerS);
      }
    }
  }

  /** Runs {@code streams} sessions of {@code model} at once (see the class comment). */
  public static Result measure(
      String model, List<Tensor> inputs, ProfileOptions options, int streams, long millis)
      throws InfercostException {
    if (streams < 1 || millis < 1) {
      throw new IllegalArgumentException("streams and millis must be >= 1");
    }
    List<ModelRunner> runners = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(streams);
    AtomicBoolean stop = new AtomicBoolean();
    try {
      for (int k = 0; k < streams; k++) {
        ModelRunner r = Profiler.open(model, options);
        runners.add(r);
        r.bind(inputs);
        Profiler.warmUp(r, options);
      }
      CyclicBarrier start = new CyclicBarrier(streams);
      List<Future<double[]>> work = new ArrayList<>();
      for (ModelRunner r : runners) {
        work.add(pool.submit(() -> stream(r, start, stop, options, millis)));
      }
      double longest = 0;
      long calls = 0;
      List<Double> all = new ArrayList<>();
      for (Future<double[]> f : work) {
        double[] s = get(f, model, stop);
        // s[0] is the stream's elapsed seconds; the rest are its call latencies in ms.
        longest = Math.max(longest, s[0]);
        calls += s.length - 1;
        for (int i = 1; i < s.length; i++) {
          all.add(s[i]);
        }
      }
      return new Result(
          streams,
          calls / longest,
          LatencyStats.of(all.stream().mapToDouble(Double::doubleValue).toArray()));
    } finally {
      stop.set(true);
      pool.shutdownNow();
      awaitQuietly(pool);
      // Only now, with no stream inside a run, may the sessions' native memory go.
      SideBySide.closeAll(runners);
    }
  }

  private static double[] stream(
      ModelRunner r, CyclicBarrier start, AtomicBoolean stop, ProfileOptions o, long millis)
      throws Exception {
    start.await(1, TimeUnit.MINUTES);
    List<Double> ms = new ArrayList<>();
    long t0 = System.nanoTime();
    long end = t0 + millis * 1_000_000L;
    long cap = t0 + Math.max(millis, o.maxMillis()) * 1_000_000L;
    long now = t0;
    while (!stop.get() && now < cap && (now < end || ms.size() < o.minSamples())) {
      long a = System.nanoTime();
      r.run();
      now = System.nanoTime();
      ms.add((now - a) / 1e6);
    }
    double[] out = new double[ms.size() + 1];
    out[0] = (now - t0) / 1e9;
    for (int i = 0; i < ms.size(); i++) {
      out[i + 1] = ms.get(i);
    }
    return out;
  }

  private static double[] get(Future<double[]> f, String model, AtomicBoolean stop)
      throws InfercostException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      stop.set(true);
      Thread.currentThread().interrupt();
      throw new ProfileException(model + ": interrupted while measuring concurrent streams");
    } catch (ExecutionException e) {
      stop.set(true);
      if (e.getCause() instanceof InfercostException ie) {
        throw ie;
      }
      throw new ProfileException(
          model + ": a concurrent stream failed (" + e.getCause() + ")", e.getCause());
    }
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("concurrent streams did not stop within 5 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
