package dev.infercost.profile;

import dev.infercost.base.Parameter;
import dev.infercost.models.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The built-in task metrics, written against {@link TaskMetric} like a plug-in. The per-sample
 * vector of a model is its first output's row (mean-pooled with the attention mask for rank-3 text
 * outputs), as in {@link Evaluator}, so {@code top1-accuracy}, {@code cosine} and {@code
 * nn-agreement} give the figures of {@link EvalReport} where it has them.
 */
final class BuiltinMetrics {
  private BuiltinMetrics() {}

  static List<TaskMetric> all() {
    return List.of(
        new Top1Accuracy(),
        new OutputCosine(),
        new NnAgreement(),
        new MaskIou(),
        new Perplexity(),
        new TokenKl());
  }

  private static List<float[]> vectors(List<Tensor> outputs, TaskMetric.Batch b) {
    return Evaluator.perSample(outputs.get(0), b.attentionMask().orElse(null));
  }

  /** Share of samples whose arg-max of the first output is the integer label. */
  static final class Top1Accuracy implements TaskMetric {
    @Override
    public String name() {
      return "top1-accuracy";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public String description() {
      return "share of samples whose arg-max of the first output is the label (needs labels)";
    }

    @Override
    public Accumulator accumulator(Context c) throws DataException {
      if (!c.labelled()) {
        throw new DataException(
            c.data()
                + ": top1-accuracy needs one integer label per sample (a 'label' array or column);"
                + " the data has none",
            Parameter.EVAL_DATA);
      }
      return new Accumulator() {
        int correct;
        int n;

        @Override
        public void add(Batch b) {
          List<float[]> v = vectors(b.outputs(), b);
          long[] labels = b.labels();
          for (int i = 0; i < v.size(); i++) {
            correct += Evaluator.argmax(v.get(i)) == labels[i] ? 1 : 0;
            n++;
          }
        }

        @Override
        public double score() {
          return (double) correct / n;
        }
      };
    }
  }

  /** Mean over samples of the cosine similarity to the reference's output. */
  static final class OutputCosine implements TaskMetric {
    @Override
    public String name() {
      return "cosine";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public String description() {
      return "mean cosine similarity of the first output to the reference's (1 for the reference)";
    }

    @Override
    public Accumulator accumulator(Context c) {
      return new Accumulator() {
        double sum;
        int n;

        @Override
        public void add(Batch b) {
          List<float[]> ref = vectors(b.referenceOutputs(), b);
          List<float[]> out = vectors(b.outputs(), b);
          for (int i = 0; i < out.size(); i++) {
            sum += Evaluator.cosine(ref.get(i), out.get(i));
            n++;
          }
        }

        @Override
        public double score() {
          return sum / n;
        }
      };
    }
  }

  /** Share of samples whose nearest other sample (by cosine) is the reference's. */
  static final class NnAgreement implements TaskMetric {
    @Override
    public String name() {
      return "nn-agreement";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public String description() {
      return "share of samples whose cosine nearest neighbour among the others is the reference's";
    }

    @Override
    public Accumulator accumulator(Context c) throws DataException {
      if (c.samples() < 2) {
        throw new DataException(
            c.data() + ": nn-agreement needs at least 2 samples", Parameter.EVAL_DATA);
      }
      // Nearest neighbours need every vector: this metric holds them (one per sample).
      List<float[]> ref = new ArrayList<>();
      List<float[]> out = new ArrayList<>();
      return new Accumulator() {
        @Override
        public void add(Batch b) {
          ref.addAll(vectors(b.referenceOutputs(), b));
          out.addAll(vectors(b.outputs(), b));
        }

        @Override
        public double score() {
          return Evaluator.nnAgreement(ref, out);
        }
      };
    }
  }

  /**
   * A language model's perplexity on the text: e to the mean, over the positions a token follows,
   * of minus the log-softmax of the logits at the token that follows.
   */
  static final class Perplexity implements TaskMetric {
    @Override
    public String name() {
      return "perplexity";
    }

    @Override
    public boolean higherIsBetter() {
      return false;
    }

    @Override
    public String description() {
      return "a language model's perplexity on the text's next tokens (text data, logits output)";
    }

    @Override
    public Accumulator accumulator(Context c) {
      return new Accumulator() {
        double nll;
        long n;

        @Override
        public void add(Batch b) throws DataException {
          TokenLogits y = TokenLogits.of(name(), c, b.outputs().get(0), b);
          for (int at = 0; at < y.ids.length; at++) {
            if (y.kept(at) && y.kept(at + 1) && (at + 1) % y.seq != 0) {
              int next = (int) y.ids[at + 1];
              nll += y.logSumExp(at) - y.logits[at * y.vocabulary + next];
              n++;
            }
          }
        }

        @Override
        public double score() {
          return Math.exp(nll / n);
        }
      };
    }
  }

  /**
   * Mean over the text's token positions of KL(reference ‖ model), the Kullback-Leibler divergence
   * between the two next-token distributions, weighted by the reference's (0 for the reference):
   * how far the whole distribution moves, where agreement only sees its arg-max.
   */
  static final class TokenKl implements TaskMetric {
    @Override
    public String name() {
      return "token-kl";
    }

    @Override
    public boolean higherIsBetter() {
      return false;
    }

    @Override
    public String description() {
      return "mean KL(reference || model) of a language model's next-token distributions (text"
          + " data, logits output; 0 for the reference)";
    }

    @Override
    public Accumulator accumulator(Context c) {
      return new Accumulator() {
        double sum;
        long n;

        @Override
        public void add(Batch b) throws DataException {
          TokenLogits q = TokenLogits.of(name(), c, b.outputs().get(0), b);
          TokenLogits p = TokenLogits.of(name(), c, b.referenceOutputs().get(0), b);
          int v = p.vocabulary;
          for (int at = 0; at < p.ids.length; at++) {
            if (!p.kept(at)) {
              continue;
            }
            double lp = p.logSumExp(at);
            double lq = q.logSumExp(at);
            double kl = 0;
            for (int k = at * v; k < (at + 1) * v; k++) {
              double logP = p.logits[k] - lp;
              kl += Math.exp(logP) * (logP - (q.logits[k] - lq));
            }
            sum += Math.max(kl, 0);
            n++;
          }
        }

        @Override
        public double score() {
          return sum / n;
        }
      };
    }
  }

  /** A language model's logits {@code [batch, sequence, vocabulary]} over a batch's token ids. */
  private record TokenLogits(float[] logits, float[] ids, float[] mask, int seq, int vocabulary) {
    static TokenLogits of(String metric, TaskMetric.Context c, Tensor y, TaskMetric.Batch b)
        throws DataException {
      long[] s = y.shape();
      Tensor ids = b.tokenIds().orElse(null);
      if (!NextTokens.perToken(s, ids)) {
        throw new DataException(
            c.data()
                + ": "
                + metric
                + " needs text data and a language model whose first output is its logits"
                + " [batch, sequence, vocabulary] over the token ids; "
                + (ids == null
                    ? "the data has no token ids"
                    : "the first output is " + Arrays.toString(s)),
            Parameter.METRIC);
      }
      float[] id = ids.toFloats();
      float max = 0;
      for (float v : id) {
        max = Math.max(max, v);
      }
      if (max >= s[2]) {
        throw new DataException(
            c.data()
                + ": "
                + metric
                + " needs a language model whose first output is its logits over the token ids;"
                + " its last dim ("
                + s[2]
                + ") is no vocabulary: token id "
                + (long) max
                + " is past it",
            Parameter.METRIC);
      }
      return new TokenLogits(
          y.toFloats(),
          id,
          b.attentionMask().map(Tensor::toFloats).orElse(null),
          (int) s[1],
          (int) s[2]);
    }

    boolean kept(int at) {
      return at < ids.length && NextTokens.kept(mask, at);
    }

    double logSumExp(int at) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = at * vocabulary; k < (at + 1) * vocabulary; k++) {
        max = Math.max(max, logits[k]);
      }
      double sum = 0;
      for (int k = at * vocabulary; k < (at + 1) * vocabulary; k++) {
        sum += Math.exp(logits[k] - max);
      }
      return max + Math.log(sum);
    }
  }

  /**
   * Mean intersection over union of predicted masks: the first output is {@code [N, C, ...]}, its
   * class per position the arg-max over axis 1, or for {@code C = 1} the value thresholded at 0.5
   * (probabilities; classes 0 and 1). Targets come from a labels file ({@code .npy}, or {@code
   * .npz} with an array {@code mask} or a single array) of shape {@code [samples, ...]} holding
   * class ids, values outside {@code [0, classes)} ignored; without one, the reference's mask is
   * the target. The score is dataset-level: per class, intersections and unions summed over all
   * samples, then the mean over classes whose union is not empty (binary masks: the foreground
   * class only); 1 when every union is empty.
   */
  static final class MaskIou implements TaskMetric {
    @Override
    public String name() {
      return "mask-iou";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public String description() {
      return "mean IoU of the arg-max (or >= 0.5) mask against the labels file's or the reference's";
    }

    @Override
    public Accumulator accumulator(Context c) throws DataException {
      float[] targets = c.labelsFile().isEmpty() ? null : targets(c, c.labelsFile().get());
      return new Accumulator() {
        long[] inter;
        long[] union;

        @Override
        public void add(Batch b) throws DataException {
          Tensor y = b.outputs().get(0);
          int[] pred = classes(c, y);
          int classes = classCount(y);
          int per = pred.length / b.size();
          int[] truth;
          if (targets == null) {
            truth = classes(c, b.referenceOutputs().get(0));
          } else {
            if (targets.length != (long) c.samples() * per) {
              throw DataException.of(
                  c.labelsFile().get(),
                  "holds "
                      + targets.length / Math.max(c.samples(), 1)
                      + " values per sample; the output has "
                      + per,
                  Parameter.METRIC_LABELS);
            }
            truth = new int[pred.length];
            for (int i = 0; i < truth.length; i++) {
              truth[i] = (int) targets[b.firstSample() * per + i];
            }
          }
          if (inter == null) {
            inter = new long[classes];
            union = new long[classes];
          }
          for (int i = 0; i < pred.length; i++) {
            int t = truth[i];
            if (t < 0 || t >= classes) {
              continue;
            }
            int p = pred[i];
            if (p == t) {
              inter[p]++;
              union[p]++;
            } else {
              union[p]++;
              union[t]++;
            }
          }
        }

        @Override
        public double score() {
          double sum = 0;
          int counted = 0;
          // Binary masks: the background class would inflate the score; count the foreground.
          for (int k = inter.length == 2 ? 1 : 0; k < inter.length; k++) {
            if (union[k] > 0) {
              sum += (double) inter[k] / union[k];
              counted++;
            }
          }
          return counted == 0 ? 1 : sum / counted;
        }
      };
    }

    private static float[] targets(Context c, Path file) throws DataException {
      Map<String, Tensor> arrays = TensorFiles.read(file);
      Tensor t = arrays.containsKey("mask") ? arrays.get("mask") : null;
      if (t == null && arrays.size() == 1) {
        t = arrays.values().iterator().next();
      }
      if (t == null) {
        throw DataException.of(
            file, "holds several arrays but none named 'mask'", Parameter.METRIC_LABELS);
      }
      if (t.shape().length < 1 || t.shape()[0] != c.samples()) {
        throw DataException.of(
            file,
            "mask labels have shape "
                + Arrays.toString(t.shape())
                + "; expected ["
                + c.samples()
                + ", ...] for the "
                + c.samples()
                + " samples evaluated (with one data set split for calibration, pass separate"
                + " calibration data)",
            Parameter.METRIC_LABELS);
      }
      return t.toFloats();
    }

    private static int classCount(Tensor y) {
      long c = y.shape()[1];
      return c == 1 ? 2 : (int) c;
    }

    /** The class at every position of {@code y} ([N, C, ...]), in [N, ...] order. */
    private static int[] classes(Context c, Tensor y) throws DataException {
      long[] s = y.shape();
      if (s.length < 2) {
        throw new DataException(
            c.data() + ": mask-iou needs an output of shape [N, C, ...], got " + Arrays.toString(s),
            Parameter.METRIC);
      }
      float[] v = y.toFloats();
      int n = (int) s[0];
      int ch = (int) s[1];
      int spatial = v.length / n / ch;
      int[] out = new int[n * spatial];
      for (int i = 0; i < n; i++) {
        for (int p = 0; p < spatial; p++) {
          int base = i * ch * spatial + p;
          int best = 0;
          if (ch == 1) {
            best = v[base] >= 0.5f ? 1 : 0;
          } else {
            for (int k = 1; k < ch; k++) {
              if (v[base + k * spatial] > v[base + best * spatial]) {
                best = k;
              }
            }
          }
          out[i * spatial + p] = best;
        }
      }
      return out;
    }
  }
}
