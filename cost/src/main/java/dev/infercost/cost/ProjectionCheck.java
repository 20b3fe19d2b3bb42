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
 * <p>Each pair is projected out of sample: by the serial fraction and SMT gain fitted to the other
 * measurements of the same variant and batch (as pricing fits them), or by {@link Scaling#DEFAULT}
 * where there is no other. The calibrated figures use one {@link Projection#calibrate calibrated}
 * scaling for all pairs, which were also its fitting data (in sample).
 *
 * @param pairs one per measurement
 * @param mapePercent MAPE of {@code projected} over the pairs, in percent
 * @param calibrated the calibrated scaling, or null when not asked for
 * @param calibratedMapePercent MAPE of {@code calibratedProjected}, or null
 */
public record ProjectionCheck(
    List<Pair> pairs, double mapePercent, Scaling calibrated, Double calibratedMapePercent) {
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
   * @param measured inferences/s measured
   * @param projected inferences/s the model projects from the 1-thread throughput
   * @param errorPercent (projected − measured) ÷ measured, in percent
   * @param model the parameters the projection used and where they come from
   * @param calibratedProjected the projection with the calibrated parameters, or null
   * @param calibratedErrorPercent its error in percent, or null
   */
  public record Pair(
      String what,
      int busyVcpus,
      double measured,
      double projected,
      double errorPercent,
      String model,
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
    List<Scaling> outOfSample = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    for (ScalingSample x : samples) {
      List<ScalingSample> others =
          samples.stream().filter(o -> o != x && o.group().equals(x.group())).toList();
      Scaling s =
          others.isEmpty()
              ? Scaling.DEFAULT
              : Projection.calibrate(
                  others,
                  "fitted to "
                      + String.join(", ", others.stream().map(ScalingSample::label).toList()));
      outOfSample.add(s);
      errors.add(x.errorPercent(s));
    }
    double mape = mape(errors);
    Scaling cal = null;
    Double calMape = null;
    if (calibrate) {
      Scaling fit = Projection.calibrate(samples, "calibration");
      calMape = Projection.mape(samples, fit);
      cal =
          new Scaling(
              fit.serialFraction(),
              fit.smtGain(),
              String.format(
                  Locale.ROOT,
                  "serial fraction %.4g, SMT gain %.4g calibrated on %d measured pairs on this host"
                      + " (--calibrate-projection; projection MAPE %.1f%% out of sample before,"
                      + " %.1f%% in sample after)",
                  fit.serialFraction(),
                  fit.smtGain(),
                  samples.size(),
                  mape,
                  calMape));
    }
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      ScalingSample x = samples.get(i);
      Scaling s = outOfSample.get(i);
      pairs.add(
          new Pair(
              x.label(),
              x.busyVcpus(),
              x.measured(),
              x.projected(s),
              errors.get(i),
              String.format(
                  Locale.ROOT,
                  "serial fraction %.4g, SMT gain %.4g (%s)",
                  s.serialFraction(),
                  s.smtGain(),
                  s.how()),
              cal == null ? null : x.projected(cal),
              cal == null ? null : x.errorPercent(cal)));
    }
    return Optional.of(new ProjectionCheck(pairs, mape, cal, calMape));
  }

  /** Mean absolute value of {@code errorsPercent}; NaN for none. */
  public static double mape(List<Double> errorsPercent) {
    return errorsPercent.stream().mapToDouble(Math::abs).average().orElse(Double.NaN);
  }
}
