package dev.infercost.profile;

import dev.infercost.models.InfercostException;
import dev.infercost.models.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of several independent streams: {@code streams} sessions of one model, each driven by
 * its own thread (with the options' intra-op threads), running back to back on the same inputs for
 * a fixed time after a warm-up. That is what a server with that many single-stream workers
 * sustains, which for small models beats one stream with many intra-op threads.
 */
public final class Concurrency {
  private Concurrency() {}

  /**
   * What the streams did together.
   *
   * @param streams how many ran at once
   * @param throughputPerS inferences per second summed over the streams (each stream's count over
   *     its own measured time)
   * @param stats latency of every call, all streams together
   */
  public record Result(int streams, double throughputPerS, LatencyStats stats) {}

  /**
   * Runs {@code streams} sessions of {@code model} at once for {@code millis} after {@code
   * options}' warm-up runs; {@code options}' threads apply to each session.
   */
  public static Result measure(
      String model, List<Tensor> inputs, ProfileOptions options, int streams, long millis)
      throws InfercostException {
    if (streams < 1 || millis < 1) {
      throw new IllegalArgumentException("streams and millis must be >= 1");
    }
    List<ModelRunner> runners = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(streams);
    try {
      for (int k = 0; k < streams; k++) {
        ModelRunner r = Profiler.open(model, options);
        runners.add(r);
        r.bind(inputs);
        for (int i = 0; i < Math.max(1, options.warmupRuns()); i++) {
          r.run();
        }
      }
      CyclicBarrier start = new CyclicBarrier(streams);
      List<Future<double[]>> work = new ArrayList<>();
      for (ModelRunner r : runners) {
        work.add(pool.submit(() -> stream(r, start, millis)));
      }
      double throughput = 0;
      List<Double> all = new ArrayList<>();
      for (Future<double[]> f : work) {
        double[] s = get(f);
        // s[0] is the stream's elapsed seconds; the rest are its call latencies in ms.
        throughput += (s.length - 1) / s[0];
        for (int i = 1; i < s.length; i++) {
          all.add(s[i]);
        }
      }
      return new Result(
          streams,
          throughput,
          LatencyStats.of(all.stream().mapToDouble(Double::doubleValue).toArray()));
    } finally {
      pool.shutdownNow();
      runners.forEach(ModelRunner::close);
    }
  }

  private static double[] stream(ModelRunner r, CyclicBarrier start, long millis) throws Exception {
    start.await(1, TimeUnit.MINUTES);
    List<Double> ms = new ArrayList<>();
    long t0 = System.nanoTime();
    long end = t0 + millis * 1_000_000L;
    long now = t0;
    while (now < end || ms.isEmpty()) {
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

  private static double[] get(Future<double[]> f) throws InfercostException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProfileException("interrupted while measuring concurrent streams");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InfercostException ie) {
        throw ie;
      }
      throw new ProfileException(
          "a concurrent stream failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
