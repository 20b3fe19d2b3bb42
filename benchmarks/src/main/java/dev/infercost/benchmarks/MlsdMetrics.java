package dev.infercost.benchmarks;

import dev.infercost.base.InfercostException;
import dev.infercost.models.Tensor;
import dev.infercost.profile.MetricException;
import dev.infercost.profile.TaskMetric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Task metrics for M-LSD's two outputs, {@code scores} {@code [N, H/2, W/2, 1]} (the line-centre
 * heatmap after the model's own 3×3 max-pool peak suppression) and {@code offsets} {@code [N, H/2,
 * W/2, 4]} (start and end of the segment relative to its centre cell, in cells), decoded as the
 * package's own post-processing does: every cell scoring at least {@link #THRESHOLD} is a segment
 * from {@code (x + o0, y + o1)} to {@code (x + o2, y + o3)}.
 */
final class MlsdMetrics {
  /** The package's default detection threshold ({@code LineSegmentDetector.ProcessImage}). */
  static final float THRESHOLD = 0.1f;

  /** Most segments kept per image, highest score first. */
  static final int TOP_K = 200;

  /** Largest endpoint distance, in output cells (2 input pixels each), for a match. */
  static final double MATCH_CELLS = 1.5;

  private MlsdMetrics() {}

  /** One decoded segment, in output cells. */
  record Segment(float score, double x1, double y1, double x2, double y2) {
    /** The larger endpoint distance to {@code o}, endpoints paired in either order. */
    double distance(Segment o) {
      double same = Math.max(dist(x1, y1, o.x1, o.y1), dist(x2, y2, o.x2, o.y2));
      double swapped = Math.max(dist(x1, y1, o.x2, o.y2), dist(x2, y2, o.x1, o.y1));
      return Math.min(same, swapped);
    }

    private static double dist(double ax, double ay, double bx, double by) {
      return Math.hypot(ax - bx, ay - by);
    }
  }

  /** Sample {@code i}'s segments from one batch's {@code scores} and {@code offsets}. */
  static List<Segment> decode(Tensor scores, Tensor offsets, int i) {
    long[] s = scores.shape();
    int h = (int) s[1];
    int w = (int) s[2];
    float[] sc = scores.toFloats();
    float[] of = offsets.toFloats();
    List<Segment> out = new ArrayList<>();
    int base = i * h * w;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float v = sc[base + y * w + x];
        if (v >= THRESHOLD) {
          int o = (base + y * w + x) * 4;
          out.add(new Segment(v, x + of[o], y + of[o + 1], x + of[o + 2], y + of[o + 3]));
        }
      }
    }
    out.sort(Comparator.comparingDouble(Segment::score).reversed());
    return out.size() > TOP_K ? List.copyOf(out.subList(0, TOP_K)) : out;
  }

  /**
   * F1 of {@code cand} against {@code ref}: greedy one-to-one matching in score order, a pair
   * matching when both endpoints lie within {@link #MATCH_CELLS}. 1 when both are empty.
   */
  static double f1(List<Segment> ref, List<Segment> cand) {
    if (ref.isEmpty() && cand.isEmpty()) {
      return 1;
    }
    boolean[] used = new boolean[cand.size()];
    int matched = 0;
    for (Segment r : ref) {
      int best = -1;
      double bestD = MATCH_CELLS;
      for (int j = 0; j < cand.size(); j++) {
        double d = used[j] ? Double.MAX_VALUE : r.distance(cand.get(j));
        if (d <= bestD) {
          best = j;
          bestD = d;
        }
      }
      if (best >= 0) {
        used[best] = true;
        matched++;
      }
    }
    return ref.size() + cand.size() == 0 ? 1 : 2.0 * matched / (ref.size() + cand.size());
  }

  private static Tensor output(List<Tensor> outs, String name) throws InfercostException {
    return outs.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new MetricException(
                    "the model has no output '" + name + "'; these metrics are for M-LSD", null));
  }

  /**
   * Line-segment agreement with the reference: mean over images of the F1 of the candidate's
   * decoded segments against the reference's (the reference scores 1).
   */
  static final class SegmentF1 implements TaskMetric {
    @Override
    public String name() {
      return "mlsd-segment-f1";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public String description() {
      return "M-LSD segments (score >= "
          + THRESHOLD
          + ", top "
          + TOP_K
          + ") matching the reference's within "
          + MATCH_CELLS
          + " cells at both ends: F1, mean over images";
    }

    @Override
    public Accumulator accumulator(Context context) {
      return new MeanOverImages() {
        @Override
        public void add(Batch b) throws InfercostException {
          Tensor rs = output(b.referenceOutputs(), "scores");
          Tensor ro = output(b.referenceOutputs(), "offsets");
          Tensor cs = output(b.outputs(), "scores");
          Tensor co = output(b.outputs(), "offsets");
          for (int i = 0; i < b.size(); i++) {
            record(f1(decode(rs, ro, i), decode(cs, co, i)));
          }
        }
      };
    }
  }

  /** Mean over images of the cosine of the {@code scores} heatmap with the reference's. */
  static final class ScoresCosine implements TaskMetric {
    @Override
    public String name() {
      return "mlsd-scores-cosine";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public String description() {
      return "cosine of the M-LSD centre heatmap ('scores') with the reference's, mean over images";
    }

    @Override
    public Accumulator accumulator(Context context) {
      return new MeanOverImages() {
        @Override
        public void add(Batch b) throws InfercostException {
          float[] r = output(b.referenceOutputs(), "scores").toFloats();
          float[] c = output(b.outputs(), "scores").toFloats();
          int per = r.length / b.size();
          for (int i = 0; i < b.size(); i++) {
            double dot = 0;
            double rr = 0;
            double cc = 0;
            for (int k = i * per; k < (i + 1) * per; k++) {
              dot += (double) r[k] * c[k];
              rr += (double) r[k] * r[k];
              cc += (double) c[k] * c[k];
            }
            record(rr == 0 && cc == 0 ? 1 : dot / Math.sqrt(Math.max(rr * cc, 1e-30)));
          }
        }
      };
    }
  }
}
