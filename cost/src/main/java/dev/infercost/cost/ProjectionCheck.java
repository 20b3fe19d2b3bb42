package dev.infercost.cost;

import dev.infercost.cost.Projection.Scaling;
import dev.infercost.cost.Projection.ScalingSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The CPU model checked against measurement on the measuring host: for every throughput measured
 * with several vCPUs busy, the model's projection from the same variant's 1-thread throughput, its
 * error, and the mean absolute percentage error (MAPE) over all of them; optionally the model's
 * free parameters calibrated on those pairs.
 *
 * <p>Uncalibrated, each pair is projected with {@link Scaling#DEFAULT} (linear core scaling, no SMT
 * gain): what the model assumes wherever thread scaling is not measured. (Pricing fits the serial
 * fraction per variant to the one measurement it prices, which reproduces that measurement exactly,
 * so it has no error of its own to show here.) Calibrated, one {@link Projection#calibrate
 * calibrated} scaling per way of keeping the vCPUs busy (intra-op threads of one stream,
 * single-thread streams) projects every pair of that kind; the pairs were its fitting data (in
 * sample).
 *
 * @param pairs one per measurement
 * @param mapePercent MAPE of {@code projected} over the pairs, in percent
 * @param calibratedThreads the scaling calibrated on the intra-op-thread pairs, or null (not asked
 *     for, or no such pair)
 * @param calibratedStreams the scaling calibrated on the single-thread-stream pairs, or null
 * @param calibratedMapePercent MAPE of {@code calibratedProjected}, or null when not calibrated
 */
public record ProjectionCheck(
    List<Pair> pairs,
    double mapePercent,
    Scaling calibratedThreads,
    Scaling calibratedStreams,
    Double calibratedMapePercent) {
  public ProjectionCheck {
    pairs = List.copyOf(pairs);
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("a projection check needs at least one pair");
    }
  }

  /**
   * One measurement and its projection.
   *
   * @param what what was measured ({@code fp32 batch 1, 2 threads})
   * @param busyVcpus vCPUs busy in the measurement
   * @param streams whether they were busy as single-thread streams
   * @param measured inferences/s measured
   * @param projected inferences/s the uncalibrated model projects from the 1-thread throughput
   * @param errorPercent (projected − measured) ÷ measured, in percent
   * @param calibratedProjected the projection with the calibrated parameters, or null
   * @param calibratedErrorPercent its error in percent, or null
   */
  public record Pair(
      String what,
      int busyVcpus,
      boolean streams,
      double measured,
      double projected,
      double errorPercent,
      Double calibratedProjected,
      Double calibratedErrorPercent) {}

  /**
   * The check over {@code samples}, with the CPU model calibrated on them when {@code calibrate};
   * empty when there are no samples.
   */
  public static Optional<ProjectionCheck> of(List<ScalingSample> samples, boolean calibrate) {
    if (samples.isEmpty()) {
      return Optional.empty();
    }
    List<Double> errors = samples.stream().map(x -> x.errorPercent(Scaling.DEFAULT)).toList();
    double mape = mape(errors);
    Scaling threads = calibrate ? calibrated(samples, false, mape) : null;
    Scaling streams = calibrate ? calibrated(samples, true, mape) : null;
    List<Pair> pairs = new ArrayList<>();
    List<Double> calErrors = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      ScalingSample x = samples.get(i);
      Scaling cal = x.streams() ? streams : threads;
      if (cal != null) {
        calErrors.add(x.errorPercent(cal));
      }
      pairs.add(
          new Pair(
              x.label(),
              x.busyVcpus(),
              x.streams(),
              x.measured(),
              x.projected(Scaling.DEFAULT),
              errors.get(i),
              cal == null ? null : x.projected(cal),
              cal == null ? null : x.errorPercent(cal)));
    }
    return Optional.of(
        new ProjectionCheck(pairs, mape, threads, streams, calibrate ? mape(calErrors) : null));
  }

  /** The scaling calibrated on the pairs of one kind, or null when there are none. */
  private static Scaling calibrated(List<ScalingSample> all, boolean streams, double before) {
    List<ScalingSample> some = all.stream().filter(x -> x.streams() == streams).toList();
    if (some.isEmpty()) {
      return null;
    }
    Scaling fit = Projection.calibrate(some, "calibration");
    Range spread = serialFractionRange(some, fit);
    return new Scaling(
        fit.serialFraction(),
        spread,
        fit.smtGain(),
        String.format(
            Locale.ROOT,
            "serial fraction %.4g (%.4g–%.4g fitted to each pair alone%s), SMT gain %.4g"
                + " calibrated on the %d %s measurements of this host (--calibrate-projection;"
                + " MAPE of all %d pairs %.1f%% with the defaults, these %.1f%% calibrated, in"
                + " sample)",
            fit.serialFraction(),
            spread.low(),
            spread.high(),
            Projection.stable(spread)
                ? ""
                : String.format(
                    Locale.ROOT,
                    ": wider than %.2g, not used",
                    Projection.MAX_SERIAL_FRACTION_SPREAD),
            fit.smtGain(),
            some.size(),
            streams ? "single-thread-stream" : "intra-op-thread",
            all.size(),
            before,
            Projection.mape(some, fit)));
  }

  /**
   * The serial fraction each pair gives alone (its speedup over min(n, cores) cores, the fitted SMT
   * gain divided out where SMT siblings were busy), from the lowest to the highest, with {@code
   * fit}'s value; pairs on one core, where s does not matter, are left out.
   */
  static Range serialFractionRange(List<ScalingSample> samples, Scaling fit) {
    double lo = fit.serialFraction();
    double hi = lo;
    for (ScalingSample x : samples) {
      int n = Math.min(x.busyVcpus(), x.cores());
      if (n < 2) {
        continue;
      }
      double g = x.busyVcpus() > x.cores() && x.vcpusPerCore() > 1 ? fit.smtGain() : 1;
      double speedup = x.measured() / x.throughputOneThread() / g;
      double s = Math.min(1, Math.max(0, (n / speedup - 1) / (n - 1)));
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    return new Range(lo, hi);
  }

  /**
   * The calibrated scaling for pairs run as single-thread {@code streams} or threads where its
   * serial fraction is {@link Scaling#stable() stable}; empty where it is not, or not calibrated
   * (the pricing then fits each variant as without calibration).
   */
  public Optional<Scaling> usable(boolean streams) {
    return Optional.ofNullable(calibrated(streams)).filter(Scaling::stable);
  }

  /**
   * How far the CPU model may be off elsewhere for a variant kept busy as single-thread {@code
   * streams} (or as threads), from its errors here: a factor {@code 1 + E} either way, E the
   * largest |error| over the pairs of that kind (all pairs when there is none of it): each pair's
   * calibrated error where its kind's calibration is {@link #usable}, else its error with the
   * defaults.
   */
  public Spread errorSpread(boolean streams) {
    List<Pair> some = pairs.stream().filter(p -> p.streams() == streams).toList();
    if (some.isEmpty()) {
      some = pairs;
    }
    double e = 0;
    boolean anyCalibrated = false;
    for (Pair p : some) {
      boolean cal = usable(p.streams()).isPresent();
      anyCalibrated |= cal;
      e = Math.max(e, Math.abs(cal ? p.calibratedErrorPercent() : p.errorPercent()) / 100);
    }
    return Spread.ratio(
        e,
        String.format(
            Locale.ROOT,
            "CPU projection: up to %.3g%%, the largest error of the %s CPU model over %d"
                + " measurements on this host (%s)",
            e * 100,
            anyCalibrated ? "calibrated (in sample)" : "default",
            some.size(),
            some == pairs ? "all pairs" : streams ? "single-thread streams" : "intra-op threads"));
  }

  /** The calibrated scaling for pairs run as single-thread {@code streams} or threads, or null. */
  public Scaling calibrated(boolean streams) {
    return streams ? calibratedStreams : calibratedThreads;
  }

  /** Mean absolute value of {@code errorsPercent}; NaN for none. */
  public static double mape(List<Double> errorsPercent) {
    return errorsPercent.stream().mapToDouble(Math::abs).average().orElse(Double.NaN);
  }
}
