package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.PruneOptions;
import dev.infercost.compress.internal.EncoderStructures.Block;
import dev.infercost.compress.internal.PruneStatistics.Moments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ojalgo.matrix.decomposition.Cholesky;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * Decides what to cut and how to re-fit what stays.
 *
 * <p><b>Importance</b> (FLAP's fluctuation, made exact within a head): removing unit u and folding
 * its mean into the bias changes the consumer's output by (x_u − μ_u) W_u, whose expected squared
 * norm is trace(W_uᵀ C_uu W_u) with C the features' covariance: var(x_j)·‖W_j‖² for a neuron, the
 * head's covariance block for a head. <b>Sensitivity</b>: that error is divided by the energy (sum
 * of variances) of the residual stream the block reads, so units of different layers compare as the
 * relative disturbance they add to the stream. <b>Allocation</b>: all units of all blocks are
 * ranked globally by that normalized score per multiply-accumulate they cost and removed, cheapest
 * first, until the requested fraction of prunable MACs is gone, never below each block's floor.
 *
 * <p><b>Reconstruction</b>: for the kept features K, the consumer's weights are re-fit by ridge
 * least squares on the calibration moments, min E‖(x_K − μ_K) W' − (x − μ) W‖² + λ‖W'‖², i.e. (C_KK
 * + λI) W' = C_K· W (ojAlgo's Cholesky), and the bias absorbs the means: b' = b + μᵀW − μ_KᵀW'. The
 * re-fit is kept only where its calibration error is below plain removal with bias compensation.
 */
public final class PrunePlanner {

  static {
    // ojAlgo prints a multi-line note about hardware profiles to stdout on first use unless this
    // property is set; stdout belongs to the command's result (a table or one JSON document).
    if (System.getProperty("shut.up.ojAlgo") == null) {
      System.setProperty("shut.up.ojAlgo", "true");
    }
  }

  /** Ridge strength relative to the mean variance of the kept features. */
  static final double RIDGE = 1e-2;

  private PrunePlanner() {}

  /**
   * What to do with one block.
   *
   * @param block the block
   * @param kept kept units, ascending
   * @param weight the consumer's new weight, row-major (kept features × outputs)
   * @param bias the consumer's new bias
   * @param refit whether {@code weight} is the least-squares re-fit (else the kept rows as they
   *     were)
   * @param error the estimated squared output error per token over the input energy
   */
  public record Cut(
      Block block, int[] kept, float[] weight, float[] bias, boolean refit, double error) {
    public int removed() {
      return block.units() - kept.length;
    }
  }

  /**
   * The cuts and the figures of the plan.
   *
   * @param cuts one per block, pruned or not, in graph order
   * @param macsBefore prunable MACs per token before
   * @param macsAfter after
   */
  public record Plan(List<Cut> cuts, long macsBefore, long macsAfter) {
    public Plan {
      cuts = List.copyOf(cuts);
    }

    /** One line per block and a total, for the pass notes. */
    public List<String> notes(double ratio) {
      List<String> out = new ArrayList<>();
      for (Cut c : cuts) {
        Block b = c.block();
        String unit = b instanceof EncoderStructures.Ffn ? "neurons" : "heads";
        out.add(
            String.format(
                Locale.ROOT,
                "%s: kept %d/%d %s (removed %d), MACs/token %d -> %d, %s, relative error %.3e",
                b.label(),
                c.kept().length,
                b.units(),
                unit,
                c.removed(),
                b.unitMacs() * b.units(),
                b.unitMacs() * c.kept().length,
                c.removed() == 0 ? "unchanged" : c.refit() ? "re-fit" : "bias compensated",
                c.error()));
      }
      out.add(
          String.format(
              Locale.ROOT,
              "prunable MACs/token %d -> %d (removed %.1f%%, asked %.1f%%)",
              macsBefore,
              macsAfter,
              100.0 * (macsBefore - macsAfter) / macsBefore,
              100 * ratio));
      return out;
    }
  }

  private record Unit(int block, int unit, double key) {}

  /** Plans the cuts of {@code blocks} from their calibration {@code moments}. */
  public static Plan plan(
      List<Block> blocks,
      Map<String, Moments> moments,
      Map<String, TensorProto> init,
      PruneOptions o) {
    int nb = blocks.size();
    double[][] cov = new double[nb][];
    double[][] scores = new double[nb][];
    List<Unit> units = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < nb; i++) {
      Block b = blocks.get(i);
      Moments mo = moments.get(b.key());
      cov[i] = mo.covariance();
      float[] w = Initializers.floats(init.get(b.consumer().weight()));
      double energy = mo.inputVariance();
      scores[i] = scores(b, cov[i], w, energy > 0 ? energy : 1);
      for (int u = 0; u < b.units(); u++) {
        units.add(new Unit(i, u, scores[i][u] / b.unitMacs()));
      }
      total += b.unitMacs() * b.units();
    }
    units.sort(
        Comparator.comparingDouble(Unit::key)
            .thenComparingInt(Unit::block)
            .thenComparingInt(Unit::unit));
    boolean[][] removed = new boolean[nb][];
    int[] left = new int[nb];
    int[] floor = new int[nb];
    for (int i = 0; i < nb; i++) {
      Block b = blocks.get(i);
      removed[i] = new boolean[b.units()];
      left[i] = b.units();
      floor[i] = Math.max(1, (int) Math.ceil(o.minKeep() * b.units()));
    }
    double target = o.ratio() * total;
    long cut = 0;
    for (Unit u : units) {
      if (cut >= target) {
        break;
      }
      if (left[u.block()] > floor[u.block()]) {
        removed[u.block()][u.unit()] = true;
        left[u.block()]--;
        cut += blocks.get(u.block()).unitMacs();
      }
    }
    List<Cut> cuts = new ArrayList<>();
    for (int i = 0; i < nb; i++) {
      cuts.add(cut(blocks.get(i), removed[i], cov[i], moments.get(blocks.get(i).key()), init, o));
    }
    return new Plan(cuts, total, total - cut);
  }

  /** Each unit's output disturbance when removed with bias compensation, over {@code energy}. */
  static double[] scores(Block b, double[] c, float[] w, double energy) {
    int m = b.consumer().in();
    int out = b.consumer().out();
    int width = b.width();
    double[] s = new double[b.units()];
    for (int u = 0; u < b.units(); u++) {
      double t = 0;
      for (int a = u * width; a < (u + 1) * width; a++) {
        for (int bb = u * width; bb < (u + 1) * width; bb++) {
          double cab = c[a * m + bb];
          if (cab == 0) {
            continue;
          }
          double dot = 0;
          for (int k = 0; k < out; k++) {
            dot += (double) w[a * out + k] * w[bb * out + k];
          }
          t += cab * dot;
        }
      }
      s[u] = t / energy;
    }
    return s;
  }

  /** The kept features of the kept units. */
  static int[] features(Block b, int[] kept) {
    int w = b.width();
    int[] f = new int[kept.length * w];
    for (int i = 0; i < kept.length; i++) {
      for (int j = 0; j < w; j++) {
        f[i * w + j] = kept[i] * w + j;
      }
    }
    return f;
  }

  private static Cut cut(
      Block b,
      boolean[] removed,
      double[] c,
      Moments mo,
      Map<String, TensorProto> init,
      PruneOptions o) {
    int[] kept = java.util.stream.IntStream.range(0, b.units()).filter(u -> !removed[u]).toArray();
    int m = b.consumer().in();
    int out = b.consumer().out();
    float[] w = Initializers.floats(init.get(b.consumer().weight()));
    float[] bias =
        b.consumer().bias() != null
            ? Initializers.floats(init.get(b.consumer().bias()))
            : new float[out];
    if (kept.length == b.units()) {
      return new Cut(b, kept, w, bias, false, 0);
    }
    int[] k = features(b, kept);
    int[] r = complement(k, m);
    double[] mu = mo.mean();
    double energy = mo.inputVariance() > 0 ? mo.inputVariance() : 1;
    // Plain removal: the kept rows, the removed rows' mean in the bias; error trace(W_Rᵀ C_RR W_R).
    float[] wk = rows(w, k, out);
    double errPlain = quadratic(c, m, r, rows(w, r, out), out);
    float[] newW = wk;
    boolean refit = false;
    double err = errPlain;
    if (o.reconstruct()) {
      Refit f = refit(c, m, k, w, out);
      if (f.error < errPlain) {
        newW = f.weight;
        refit = true;
        err = f.error;
      }
    }
    float[] newB = new float[out];
    for (int j = 0; j < out; j++) {
      double v = bias[j];
      for (int i = 0; i < m; i++) {
        v += mu[i] * w[i * out + j];
      }
      for (int i = 0; i < k.length; i++) {
        v -= mu[k[i]] * newW[i * out + j];
      }
      newB[j] = (float) v;
    }
    return new Cut(b, kept, newW, newB, refit, err / energy);
  }

  private record Refit(float[] weight, double error) {}

  /** Ridge least squares (C_KK + λI) W' = C_K· W, and its error E‖x_K W' − x W‖² (centered). */
  private static Refit refit(double[] c, int m, int[] k, float[] w, int out) {
    int p = k.length;
    R064Store cov = R064Store.FACTORY.make(m, m);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        cov.set(i, j, c[i * m + j]);
      }
    }
    R064Store wm = R064Store.FACTORY.make(m, out);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < out; j++) {
        wm.set(i, j, w[i * out + j]);
      }
    }
    MatrixStore<Double> cw = cov.multiply(wm); // C W, m × out
    double totalEnergy = 0; // trace(Wᵀ C W)
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < out; j++) {
        totalEnergy += wm.doubleValue(i, j) * cw.doubleValue(i, j);
      }
    }
    double diag = 0;
    for (int i : k) {
      diag += c[i * m + i];
    }
    double lambda = RIDGE * Math.max(diag / p, 1e-12);
    R064Store a = R064Store.FACTORY.make(p, p);
    R064Store rhs = R064Store.FACTORY.make(p, out);
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        a.set(i, j, c[k[i] * m + k[j]] + (i == j ? lambda : 0));
      }
      for (int j = 0; j < out; j++) {
        rhs.set(i, j, cw.doubleValue(k[i], j));
      }
    }
    Cholesky<Double> chol = Cholesky.R064.make(a);
    if (!chol.decompose(a) || !chol.isSolvable()) {
      return new Refit(null, Double.POSITIVE_INFINITY);
    }
    MatrixStore<Double> x = chol.getSolution(rhs);
    float[] nw = new float[p * out];
    double fit = 0; // trace(W'ᵀ C_K· W)
    double norm = 0;
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < out; j++) {
        double v = x.doubleValue(i, j);
        nw[i * out + j] = (float) v;
        fit += v * rhs.doubleValue(i, j);
        norm += v * v;
      }
    }
    // E‖x_K W' − x W‖² = W'ᵀC_KK W' − 2 W'ᵀ C_K· W + WᵀCW, with C_KK W' = C_K· W − λW'.
    double error = totalEnergy - fit - lambda * norm;
    return new Refit(nw, Math.max(0, error));
  }

  /** trace(Vᵀ C_SS V) for the rows {@code s} of C and V (|s| × out). */
  private static double quadratic(double[] c, int m, int[] s, float[] v, int out) {
    double t = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        double cij = c[s[i] * m + s[j]];
        if (cij == 0) {
          continue;
        }
        double dot = 0;
        for (int q = 0; q < out; q++) {
          dot += (double) v[i * out + q] * v[j * out + q];
        }
        t += cij * dot;
      }
    }
    return t;
  }

  static float[] rows(float[] w, int[] rows, int out) {
    float[] r = new float[rows.length * out];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(w, rows[i] * out, r, i * out, out);
    }
    return r;
  }

  static int[] complement(int[] k, int m) {
    boolean[] in = new boolean[m];
    for (int i : k) {
      in[i] = true;
    }
    return java.util.stream.IntStream.range(0, m).filter(i -> !in[i]).toArray();
  }

  static int[] sorted(int[] a) {
    int[] s = a.clone();
    Arrays.sort(s);
    return s;
  }
}
