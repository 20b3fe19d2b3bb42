package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import dev.infercost.models.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A task metric: turns model outputs and labels into one score over a data set, so a team can bound
 * compression by its own decoding (CTC text, boxes, masks) without forking infercost.
 *
 * <p>An evaluation ({@link Evaluator#evaluate(String, String, EvalData, int, MetricSet,
 * java.util.function.Consumer)}) runs the reference and the candidate model batch by batch on the
 * same data and scores each with its own {@link #accumulator}: the reference's sees the reference's
 * outputs, the candidate's the candidate's, and both see the reference's outputs as {@link
 * Batch#referenceOutputs()} too. A metric that only looks at {@link Batch#outputs()} and the labels
 * (accuracy, IoU against label masks, word error rate) scores each model on the task; a metric that
 * compares with the reference (output cosine) scores the reference against itself, its best value.
 * The bound on a metric ({@code --max-metric-drop}) is the candidate's drop from the reference's
 * score.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/dev.infercost.profile.TaskMetric} of a jar and pass the jar on {@code
 * --metric-classpath} (see {@link TaskMetrics}). The class needs a public no-argument constructor,
 * must be stateless (state lives in the accumulator) and is used from one thread at a time.
 *
 * <p>Labels: {@link Batch#labels()} holds the integer class labels the data readers give (a {@code
 * label} array or column), or is empty. Anything richer (boxes, transcripts, masks) the metric
 * reads itself from {@link Context#labelsFile()} ({@code --metric-labels FILE}), in the order of
 * the samples: sample {@code i} of the evaluated data is row {@code i} of the file, and {@link
 * Batch#firstSample()} says where a batch starts. {@link Context#samples()} is the number of
 * samples evaluated; a metric should refuse a labels file with another count (for example when
 * {@code compress} calibrates on the first part of one data set and evaluates the rest: pass
 * separate calibration data then).
 */
public interface TaskMetric {
  /** The name users select it by ({@code --metric NAME}): lower case, no spaces, unique. */
  String name();

  /** Whether a higher score is better (accuracy, IoU) or a lower one (error rate). */
  boolean higherIsBetter();

  /** One line saying what the score is, for listings and reports. */
  String description();

  /**
   * A fresh accumulator for one model's outputs on one data set.
   *
   * @throws InfercostException when the metric cannot score this data (no labels, a labels file
   *     that cannot be read or does not match); the message names the data and what to do
   */
  Accumulator accumulator(Context context) throws InfercostException;

  /** Collects one model's batches and gives the score over all of them. */
  interface Accumulator {
    /** Adds one batch; batches come in data order. */
    void add(Batch batch) throws InfercostException;

    /** The score over every batch added; finite. */
    double score() throws InfercostException;
  }

  /**
   * The data a metric scores.
   *
   * @param data the data source, for messages
   * @param samples samples evaluated (the sum of the batch sizes)
   * @param labelled whether {@link Batch#labels()} holds one integer label per sample
   * @param labelsFile a file of richer labels the metric reads itself, if the user gave one
   */
  record Context(String data, int samples, boolean labelled, Optional<Path> labelsFile) {
    public Context {
      Objects.requireNonNull(data);
      Objects.requireNonNull(labelsFile);
    }
  }

  /**
   * One batch of one model's outputs.
   *
   * @param firstSample index of the batch's first sample in the evaluated data
   * @param inputs the model inputs, in model input order
   * @param outputs every output of the scored model, in model output order; dim 0 is the batch
   * @param referenceOutputs the reference model's outputs on the same inputs (the same as {@code
   *     outputs} when the reference is scored)
   * @param labels one integer label per sample of the batch, or empty
   * @param attentionMask the attention-mask input of text data, if any (for mean pooling)
   * @param tokenIds the token-ids input of text data, if any (a language model's next tokens)
   */
  record Batch(
      int firstSample,
      List<Tensor> inputs,
      List<Tensor> outputs,
      List<Tensor> referenceOutputs,
      long[] labels,
      Optional<Tensor> attentionMask,
      Optional<Tensor> tokenIds) {
    public Batch {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
      referenceOutputs = List.copyOf(referenceOutputs);
      labels = labels.clone();
      Objects.requireNonNull(attentionMask);
      Objects.requireNonNull(tokenIds);
    }

    /**
     * Samples in the batch (dim 0 of the first input that has one; see {@link EvalData#samplesIn}).
     */
    public int size() {
      return EvalData.samplesIn(inputs);
    }

    /** The scored model's output named {@code name}. */
    public Optional<Tensor> output(String name) {
      return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    @Override
    public long[] labels() {
      return labels.clone();
    }
  }
}
