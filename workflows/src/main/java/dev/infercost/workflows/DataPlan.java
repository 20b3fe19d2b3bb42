package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.models.Tensor;
import dev.infercost.profile.DataException;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.Preprocessing;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Calibration batches and held-out evaluation data for one model, disjoint, decided once per run
 * and shared by every variant built in it.
 *
 * @param calibration model-input batches for calibration (may be empty)
 * @param calibrationSource where they came from, for reports ({@code none} when empty)
 * @param evaluation held-out data, if any
 */
public record DataPlan(
    List<List<Tensor>> calibration, String calibrationSource, Optional<EvalData> evaluation) {
  public DataPlan {
    calibration = List.copyOf(calibration);
  }

  /** The same calibration, without evaluation (for variants whose fidelity is not reported). */
  public DataPlan withoutEvaluation() {
    return new DataPlan(calibration, calibrationSource, Optional.empty());
  }

  /** No data at all. */
  public static DataPlan none() {
    return new DataPlan(List.of(), "none", Optional.empty());
  }

  /** All of {@code data} evaluates; nothing calibrates. */
  public static DataPlan evaluationOnly(EvalData data) {
    return new DataPlan(List.of(), "none", Optional.of(data));
  }

  /**
   * The plan for {@code model}: {@code data} (or the built-in's held-out data) evaluates; {@code
   * calibrationData} calibrates with at most {@code calibrationSamples} batches. Given only one
   * data set, its first part (at most half) calibrates and the rest evaluates, so the two never
   * overlap. A built-in model brings its own calibration set, used when no data was given. The
   * model's preprocessing file, if any, applies to the data given (image folders), not to a
   * built-in's own.
   */
  public static DataPlan of(
      ModelRef model, Optional<Path> data, Optional<Path> calibrationData, int calibrationSamples)
      throws InfercostException {
    Optional<Path> evalPath = data.isPresent() ? data : model.defaultEvaluationData();
    Optional<Path> calibPath =
        calibrationData.isPresent() || data.isPresent()
            ? calibrationData
            : model.defaultCalibrationData();
    EvalData eval =
        evalPath.isEmpty()
            ? null
            : load(model, evalPath.get(), data.isPresent(), Parameter.EVAL_DATA);
    if (calibPath.isPresent()) {
      EvalData calib =
          load(model, calibPath.get(), calibrationData.isPresent(), Parameter.CALIBRATION_DATA);
      return new DataPlan(
          calib.firstBatches(calibrationSamples).batches(),
          calibPath.get().toString(),
          Optional.ofNullable(eval));
    }
    if (eval == null) {
      return none();
    }
    boolean fixedBatch =
        model.inputs().stream().anyMatch(s -> !s.dims().isEmpty() && s.dims().get(0).isFixed());
    if (!fixedBatch) {
      eval = eval.balanced();
    }
    int n = eval.batches().size();
    if (n < 2) {
      throw new DataException(
          evalPath.get()
              + (eval.samples() < 2
                  ? ": one sample"
                  : ": one batch of the model's fixed batch size")
              + " cannot be split into calibration and evaluation data; pass more samples, or"
              + " separate calibration data where the command takes it (--calib-data)",
          Parameter.CALIBRATION_DATA);
    }
    int k = Math.min(calibrationSamples, n / 2);
    return new DataPlan(
        eval.batches().subList(0, k),
        evalPath.get() + " (first " + eval.firstBatches(k).samples() + " samples)",
        Optional.of(eval.drop(k)));
  }

  /** Reads {@code path}; data the user gave gets the model's preprocessing file, if any. */
  private static EvalData load(ModelRef model, Path path, boolean given, Parameter role)
      throws InfercostException {
    Optional<Preprocessing> p =
        given && model.preprocessing().isPresent()
            ? Optional.of(Preprocessing.read(model.preprocessing().get(), role))
            : Optional.empty();
    return EvalData.load(path, model.inputs(), model.tokenizer(), p, role);
  }
}
