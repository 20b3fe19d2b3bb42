package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.internal.ChannelGroups.Layout;
import dev.infercost.compress.internal.ChannelGroups.MacNode;
import dev.infercost.compress.internal.ChannelGroups.Segment;
import dev.infercost.compress.internal.ChannelGroups.Sink;
import dev.infercost.compress.internal.ChannelStats.Sums;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which channels of each group to keep, chosen globally.
 *
 * <p><b>Importance.</b> A sink (Conv, Gemm, MatMul) reading column {@code j} of an activation
 * {@code x} loses, when the column is removed and its mean folded into the sink's bias, an output
 * error whose energy is about {@code Var(x_j) · ‖W[:, j]‖²} (FLAP's fluctuation metric: the input
 * variance times the squared norm of the weights that read it, kernel positions included). A
 * channel's score is that sum over the columns it becomes (a Flatten makes one channel many) and
 * over every sink that reads it; channels tied by a residual connection or laid side by side by a
 * Concat add up in one group, so a group is scored jointly.
 *
 * <p><b>Allocation.</b> Scores are divided by their group's mean score (a group whose channels all
 * score 0 is all 0) and ranked globally, lowest first, ties by group then channel. Channels are
 * removed in that order, skipping a group at its floor ({@code max(1, ⌈minKeep · channels⌉)}),
 * until the removed multiply-accumulates reach {@code ratio} of the MACs of the nodes the prunable
 * groups touch; the MAC count is kept exact after each removal (a Conv between two pruned groups
 * shrinks on both sides). A group of {@value #ALIGN} or more channels keeps a multiple of {@value
 * #ALIGN} (at least {@value #ALIGN}): its channels go once enough of them have come up in the
 * ranking to reach the next lower multiple.
 */
public final class ChannelPlan {
  /**
   * Groups of at least this many channels keep a multiple of it: ONNX Runtime's CPU convolutions
   * run in blocked layout (NCHWc: 8 channels a block with AVX2, 16 with AVX-512) only when a
   * convolution's input channels (and a depthwise one's channels) are a multiple of the block, and
   * fall back to slower kernels with reorders around them otherwise (M-LSD tiny with 10% of its
   * MACs pruned unaligned: 15 of 41 convolutions fell back, 1.20× slower than unpruned).
   */
  static final int ALIGN = 16;

  private final ChannelGroups groups;
  private final Map<Integer, int[]> kept;
  private final Map<String, Sums> stats;
  private final long macsBefore;
  private final long macsAfter;

  private ChannelPlan(
      ChannelGroups groups,
      Map<Integer, int[]> kept,
      Map<String, Sums> stats,
      long macsBefore,
      long macsAfter) {
    this.groups = groups;
    this.kept = kept;
    this.stats = stats;
    this.macsBefore = macsBefore;
    this.macsAfter = macsAfter;
  }

  /**
   * Chooses the channels to keep in each prunable group of {@code groups} so that about {@code
   * ratio} of the prunable MACs go, scoring with {@code stats} (per-column sums of every sink's
   * input, from {@link ChannelStats}).
   */
  public static ChannelPlan choose(
      GraphProto g, ChannelGroups groups, Map<String, Sums> stats, double ratio, double minKeep) {
    Map<String, TensorProto> init = Graphs.initializers(g);
    List<Integer> prunable =
        groups.groups().stream().filter(r -> groups.reasons(r).isEmpty()).toList();
    Map<Integer, double[]> scores = new LinkedHashMap<>();
    prunable.forEach(r -> scores.put(r, new double[groups.channels(r)]));
    for (Sink s : groups.sinks()) {
      Sums x = stats.get(s.value());
      if (x == null) {
        continue;
      }
      double[] norms = columnNorms(init.get(g.getNode(s.node()).getInput(1)), s);
      int offset = 0;
      for (Segment seg : s.layout().segments()) {
        double[] sc = scores.get(groups.group(seg.space()));
        for (int c = 0; sc != null && c < seg.channels(); c++) {
          for (long k = 0; k < s.layout().factor(); k++) {
            int j = (int) ((offset + c) * s.layout().factor() + k);
            sc[c] += x.variance(j) * norms[j];
          }
        }
        offset += seg.channels();
      }
    }
    Map<Integer, Integer> count = new LinkedHashMap<>();
    prunable.forEach(r -> count.put(r, groups.channels(r)));
    List<double[]> ranked = new ArrayList<>(); // {normalized score, group root, channel}
    for (int r : prunable) {
      double[] sc = scores.get(r);
      double mean = Arrays.stream(sc).average().orElse(0);
      for (int c = 0; c < sc.length; c++) {
        ranked.add(new double[] {mean > 0 ? sc[c] / mean : 0, r, c});
      }
    }
    ranked.sort(
        (a, b) -> {
          int x = Double.compare(a[0], b[0]);
          x = x != 0 ? x : Double.compare(a[1], b[1]);
          return x != 0 ? x : Double.compare(a[2], b[2]);
        });
    long before = macs(groups, count, true);
    long removedTarget = Math.round(ratio * before);
    long now = before;
    Map<Integer, boolean[]> removed = new LinkedHashMap<>();
    Map<Integer, List<Integer>> pending = new LinkedHashMap<>();
    prunable.forEach(r -> removed.put(r, new boolean[groups.channels(r)]));
    for (double[] cand : ranked) {
      if (before - now >= removedTarget) {
        break;
      }
      int r = (int) cand[1];
      int channels = groups.channels(r);
      int have = count.get(r);
      int next = channels < ALIGN ? have - 1 : (have - 1) / ALIGN * ALIGN;
      int floor = Math.max(channels < ALIGN ? 1 : ALIGN, (int) Math.ceil(minKeep * channels));
      if (next < floor) {
        continue;
      }
      // An aligned group gives up its lowest-ranked channels together, down to the next multiple.
      List<Integer> cut = pending.computeIfAbsent(r, k -> new ArrayList<>());
      cut.add((int) cand[2]);
      if (cut.size() < have - next) {
        continue;
      }
      cut.forEach(c -> removed.get(r)[c] = true);
      cut.clear();
      count.put(r, next);
      now = macs(groups, count, true);
    }
    Map<Integer, int[]> kept = new LinkedHashMap<>();
    removed.forEach(
        (r, rm) -> {
          int[] k = new int[count.get(r)];
          int n = 0;
          for (int c = 0; c < rm.length; c++) {
            if (!rm[c]) {
              k[n++] = c;
            }
          }
          kept.put(r, k);
        });
    return new ChannelPlan(groups, kept, stats, before, now);
  }

  /** Squared norm of the weights reading each input column of a sink. */
  private static double[] columnNorms(TensorProto w, Sink s) {
    float[] v = Initializers.floats(w);
    long[] d = Initializers.dims(w);
    boolean rowsAreInputs =
        s.kind() == ChannelGroups.SinkKind.GEMM || s.kind() == ChannelGroups.SinkKind.MATMUL;
    int cols = (int) (rowsAreInputs ? d[0] : d[1]);
    double[] out = new double[cols];
    if (rowsAreInputs) {
      int n = (int) d[1];
      for (int i = 0; i < v.length; i++) {
        out[i / n] += (double) v[i] * v[i];
      }
    } else {
      int inner = v.length / (int) (d[0] * d[1]);
      for (int i = 0; i < v.length; i++) {
        out[(i / inner) % cols] += (double) v[i] * v[i];
      }
    }
    return out;
  }

  /**
   * MACs per sample of the MAC nodes, with {@code count} channels kept per prunable group; only
   * those the prunable groups touch when {@code touchedOnly}.
   */
  private static long macs(ChannelGroups groups, Map<Integer, Integer> count, boolean touchedOnly) {
    long total = 0;
    for (MacNode m : groups.macNodes()) {
      if (!touchedOnly || touched(groups, m, count)) {
        total += macs(groups, m, count);
      }
    }
    return total;
  }

  /** Whether a group of {@code count} changes {@code m}'s MACs. */
  private static boolean touched(ChannelGroups groups, MacNode m, Map<Integer, Integer> count) {
    boolean t = m.outSpace() >= 0 && count.containsKey(groups.group(m.outSpace()));
    for (Segment s : m.in() == null ? List.<Segment>of() : m.in().segments()) {
      t |= count.containsKey(groups.group(s.space()));
    }
    return t;
  }

  private static long macs(ChannelGroups groups, MacNode m, Map<Integer, Integer> count) {
    long out = m.outFixed();
    if (m.outSpace() >= 0) {
      out = count.getOrDefault(groups.group(m.outSpace()), (int) m.outFixed());
    }
    long in = m.inFixed();
    if (m.in() != null) {
      in = 0;
      for (Segment s : m.in().segments()) {
        in += count.getOrDefault(groups.group(s.space()), s.channels());
      }
      in *= m.in().factor();
    }
    return Math.max(0, m.base()) * out * in;
  }

  public ChannelGroups groups() {
    return groups;
  }

  /** Kept channels (ascending) of each prunable group, by root space. */
  public Map<Integer, int[]> kept() {
    return kept;
  }

  /** Kept channels of the group rooted at {@code root}, or {@code null} when it is left whole. */
  public int[] kept(int root) {
    return kept.get(root);
  }

  /** The per-column sums of each sink's input. */
  public Map<String, Sums> stats() {
    return stats;
  }

  /** MACs per sample of the nodes the prunable groups touch, before pruning. */
  public long macsBefore() {
    return macsBefore;
  }

  /** The same nodes' MACs per sample after pruning. */
  public long macsAfter() {
    return macsAfter;
  }

  /**
   * The kept indices along an axis holding {@code layout}'s columns: per segment its group's kept
   * channels at the segment's offset, each expanded to its {@code factor} columns; {@code null}
   * when everything is kept.
   */
  public long[] keptColumns(Layout layout) {
    List<Long> out = new ArrayList<>();
    boolean all = true;
    int offset = 0;
    for (Segment s : layout.segments()) {
      int[] k = kept.get(groups.group(s.space()));
      if (k == null) {
        k = new int[s.channels()];
        Arrays.setAll(k, i -> i);
      }
      all &= k.length == s.channels();
      for (int c : k) {
        for (long f = 0; f < layout.factor(); f++) {
          out.add((offset + c) * layout.factor() + f);
        }
      }
      offset += s.channels();
    }
    return all ? null : out.stream().mapToLong(Long::longValue).toArray();
  }

  /** MACs per sample of one MAC node after pruning (before it, with {@code before}). */
  public long macs(MacNode m, boolean before) {
    Map<Integer, Integer> count = new LinkedHashMap<>();
    kept.forEach((r, k) -> count.put(r, before ? groups.channels(r) : k.length));
    return macs(groups, m, count);
  }

  /** Whether the pruning changes {@code m}'s MACs' inputs or outputs at all. */
  public boolean touches(MacNode m) {
    Map<Integer, Integer> count = new LinkedHashMap<>();
    kept.forEach((r, k) -> count.put(r, k.length));
    return touched(groups, m, count);
  }
}
