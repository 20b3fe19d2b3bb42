package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.CompressException;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import dev.infercost.models.Scopes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static int8 in QDQ form laid out for ONNX Runtime's CPU provider, whose QDQ transformers turn
 * each group {@code DQ inputs → op → Q output} into one integer kernel:
 *
 * <pre>
 *   Conv / MatMul / Gemm   DQ(x u8) DQ(W s8, per channel) DQ(b s32) → op → Q   QLinearConv, QLinearMatMul, QGemm
 *                          MatMul / Gemm with no Q after (graph output)        MatMulIntegerToFloat, QGemm (float out)
 *                          Conv writing a graph output, after an int8 kernel   float Conv; the kernel before stays fused
 *   … → Relu / Clip → Q    the Relu/Clip is made redundant by Q's range        folded into the kernel before it
 *   Add, Mul               DQ DQ → op → Q                                       QLinearAdd, QLinearMul
 *   Concat                 DQ … → Concat → Q                                    QLinearConcat
 *   GlobalAveragePool, AveragePool  DQ → op → Q                                 QLinearGlobalAveragePool, QLinearAveragePool
 *   MaxPool, Reshape, Transpose, Flatten, Squeeze, Unsqueeze
 *                          DQ → op → Q with the input's scale and zero point    Q/DQ dropped: the op runs on uint8
 *   ConvTranspose          DQ(x u8) DQ(W s8, per output channel) → op          float (no integer kernel); the
 *                                                                               op writing x stays fused
 * </pre>
 *
 * Activations are asymmetric uint8, one scale and zero point per tensor from the calibrated clip
 * range ({@link PassContext#activationRange}) narrowed to where the tensor's readers depend on it
 * ({@link Saturation}: a Conv before a hard-swish needs no levels below −3): ONNX Runtime's x86
 * build fuses Conv and MatMul only for uint8 activations (int8 ones are fused on ARM alone) and
 * MLAS's x86 kernels multiply uint8 by int8. Weights are symmetric int8 per output channel ({@code
 * perChannel}, opset 13) within ±127, or ±63 with {@code reducedRange} (x86 without VNNI sums uint8
 * × int8 pairs into 16 bits). Biases are int32 at scale {@code s_x · s_w} with zero point 0, the
 * form QLinearConv and QGemm take.
 *
 * <p>Every tensor that gets a QuantizeLinear has all its readers moved to DequantizeLinear nodes
 * (one per reader), so the producing op's output goes only to Q, which the fusion requires; a float
 * reader then sees exactly what the integer kernel wrote. Graph inputs and outputs keep their
 * names: a graph output is never quantized, so the op writing it keeps a float output.
 */
public final class CpuQdqPass implements Pass {
  private static final int LEVELS = 255;

  /** How many ops {@link Plan#midNetwork} looks through after a Conv. */
  private static final int HOPS = 4;

  /** How an op takes part. */
  private enum Kind {
    /** Constant weight: int8 weight, uint8 input, int32 bias. */
    COMPUTE,
    /** Own quantized inputs and output (a QLinear* kernel). */
    QLINEAR,
    /** Output shares the input's scale and zero point, so the Q/DQ pair around it drops. */
    SHARED,
    /** Removed by ONNX Runtime when a Q with zero point at the type's minimum follows. */
    FOLDED
  }

  private static final Map<Op, Kind> KINDS = new EnumMap<>(Op.class);

  /**
   * Ops that ONNX Runtime quantizes by itself when their activation comes from a DequantizeLinear:
   * its level-1 WeightBiasQuantization optimizer gives a float Conv, ConvTranspose or Gemm after a
   * DQ one int8 scale for the whole weight. A layer kept in float (excluded, or not quantizable)
   * therefore reads the float tensor, never a DQ: on a MobileNetV2 depthwise conv whose channels'
   * weights span 5 orders of magnitude, that per-tensor rounding cost more than int8 itself.
   */
  private static final Set<Op> WEIGHTED = java.util.EnumSet.of(Op.CONV, Op.CONV_TRANSPOSE, Op.GEMM);

  static {
    for (Op op : List.of(Op.CONV, Op.MATMUL, Op.GEMM)) {
      KINDS.put(op, Kind.COMPUTE);
    }
    for (Op op : List.of(Op.ADD, Op.MUL, Op.CONCAT, Op.GLOBAL_AVERAGE_POOL, Op.AVERAGE_POOL)) {
      KINDS.put(op, Kind.QLINEAR);
    }
    for (Op op :
        List.of(Op.MAX_POOL, Op.RESHAPE, Op.TRANSPOSE, Op.FLATTEN, Op.SQUEEZE, Op.UNSQUEEZE)) {
      KINDS.put(op, Kind.SHARED);
    }
    KINDS.put(Op.RELU, Kind.FOLDED);
    KINDS.put(Op.CLIP, Kind.FOLDED);
  }

  @Override
  public String name() {
    return "int8-static";
  }

  @Override
  public boolean idempotent() {
    return true; // its output has no float weight and no unquantized calibrated input left
  }

  /**
   * The float activations whose ranges this pass may use: inputs and outputs of the ops it knows
   * (and of BatchNormalization, whose output a folded Conv writes). What calibration observes.
   */
  public static Set<String> calibrated(GraphProto g) {
    Map<String, Integer> types = ElemTypes.infer(g, true);
    Map<String, TensorProto> init = Graphs.initializers(g);
    Set<String> out = new java.util.LinkedHashSet<>();
    for (NodeProto n : g.getNodeList()) {
      Op op = Op.of(n.getOpType());
      if (op == null || !Op.defaultDomain(n.getDomain())) {
        continue;
      }
      if (!KINDS.containsKey(op) && op != Op.BATCH_NORMALIZATION) {
        continue;
      }
      List<String> values = new ArrayList<>(n.getInputList());
      values.add(n.getOutput(0));
      for (String v : values) {
        Integer t = types.get(v);
        if (!v.isEmpty()
            && !init.containsKey(v)
            && t != null
            && t == TensorProto.DataType.FLOAT_VALUE) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /**
   * Adds a reason for each MatMul, Gemm and Conv inside the subgraphs of {@code g}'s nodes (If
   * branches, Loop bodies), which stay float: ONNX Runtime 1.23 mis-fuses QDQ there (Silero VAD's
   * branches in QDQ failed to load, "two nodes with same node name", and with the names cleared
   * failed at run time, a fused Conv missing its dequantized input).
   */
  private static void inBodies(GraphProto g, List<String> skipped) {
    for (GraphProto body : Scopes.bodies(g)) {
      for (NodeProto n : body.getNodeList()) {
        Op op = Ops.weighted(n.getOpType());
        if (op == Op.MATMUL || op == Op.GEMM || op == Op.CONV) {
          skipped.add(
              Ops.label(n)
                  + ": inside a subgraph (If, Loop, Scan), where ONNX Runtime does not run static"
                  + " int8 reliably; int8-dynamic quantizes MatMul, Gemm and LSTM there");
        }
      }
    }
  }

  /** The activation inputs of the Convs: what calibration keeps per-channel means of. */
  public static Set<String> convInputs(GraphProto g) {
    Map<String, TensorProto> init = Graphs.initializers(g);
    Set<String> out = new java.util.LinkedHashSet<>();
    for (NodeProto n : g.getNodeList()) {
      if (Op.of(n.getOpType()) == Op.CONV
          && Op.defaultDomain(n.getDomain())
          && !init.containsKey(n.getInput(0))) {
        out.add(n.getInput(0));
      }
    }
    return out;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) throws CompressException {
    long opset = OpsetUpgrade.opset(model);
    OpsetUpgrade.requireQuantizeLinear(model, name());
    boolean perChannel = ctx.perChannel() && opset >= OpsetUpgrade.TARGET;
    GraphProto g = model.getGraph();
    Plan plan = new Plan(g, ctx, opset);
    plan.choose();
    plan.dropFloatOnly();
    List<String> skipped = new ArrayList<>(plan.skipped);
    inBodies(g, skipped);
    if (ctx.perChannel() && !perChannel) {
      skipped.add("per-channel weight scales need opset 13: one scale per weight tensor");
    }
    if (plan.quantized.isEmpty()) {
      return new PassResult(name(), model, List.of(), skipped);
    }
    Emitter e = new Emitter(g, ctx, plan, perChannel);
    GraphProto out = e.emit();
    ModelProto m = model.toBuilder().setGraph(Graphs.dropUnusedInitializers(out)).build();
    return new PassResult(name(), m, plan.rewritten, skipped);
  }

  /** Which nodes run in int8 and which tensors get a QuantizeLinear. */
  private static final class Plan {
    final GraphProto g;
    final PassContext ctx;
    final long opset;
    final Map<String, TensorProto> init;
    final Set<String> graphOutputs = new HashSet<>();
    final Map<String, List<NodeProto>> readers = new HashMap<>();

    /** Quantized nodes, by identity, with their kind. */
    final Map<NodeProto, Kind> quantized = new java.util.IdentityHashMap<>();

    /** Tensors with a Q, in the order they are decided; value: the tensor whose params it uses. */
    final Map<String, String> tensors = new LinkedHashMap<>();

    final List<String> rewritten = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();

    /** Where each tensor's readers stop depending on it. */
    final Saturation saturation;

    /** The node that writes each value. */
    final Map<String, NodeProto> producers;

    Plan(GraphProto g, PassContext ctx, long opset) {
      this.g = g;
      this.ctx = ctx;
      this.opset = opset;
      this.init = Graphs.initializers(g);
      this.saturation = new Saturation(g, init, opset);
      graphOutputs.addAll(Graphs.outputs(g));
      readers.putAll(Graphs.readerNodes(g));
      producers = Graphs.producers(g);
    }

    boolean hasRange(String t) {
      return tensors.containsKey(t) || ctx.activationRange().containsKey(t);
    }

    boolean activation(String t) {
      return !t.isEmpty() && !init.containsKey(t);
    }

    void choose() {
      for (NodeProto n : g.getNodeList()) {
        Op op = Op.of(n.getOpType());
        Kind kind = op == null || !Op.defaultDomain(n.getDomain()) ? null : KINDS.get(op);
        if (kind == null || kind == Kind.FOLDED || !ctx.filter().accepts(n)) {
          continue;
        }
        String why = problem(n, op, kind);
        if (why != null) {
          if (kind == Kind.COMPUTE || !why.isEmpty()) {
            skipped.add(Ops.label(n) + ": " + why);
          }
          continue;
        }
        quantized.put(n, kind);
        rewritten.add(Ops.label(n));
        for (int i : activationInputs(n, op, kind)) {
          tensors.putIfAbsent(n.getInput(i), n.getInput(i));
        }
        String y = n.getOutput(0);
        if (graphOutputs.contains(y)) {
          // COMPUTE only (problem() refuses the others): a float output. A Conv writing it runs
          // unfused on its dequantized input and weights, so that the kernel before it writes
          // uint8.
          continue;
        }
        NodeProto relu = foldable(n, kind);
        if (relu != null) {
          quantized.put(relu, Kind.FOLDED);
          tensors.put(relu.getOutput(0), relu.getOutput(0));
        } else if (kind == Kind.SHARED) {
          tensors.put(y, root(n.getInput(0)));
        } else if (ctx.activationRange().containsKey(y)) {
          tensors.put(y, y);
        }
      }
    }

    /**
     * Drops the QuantizeLinear of every tensor that no int8 op reads, unless a QLinear* op (Add,
     * Concat, pooling) writes it, or a Conv, MatMul or Gemm does and an op the filter keeps in
     * float, or a float op between int8 ops (Pad), reads it: that Q is what fuses the op. A Q read
     * only by float ops adds only rounding. After a Conv, MatMul or Gemm the op then writes float
     * from its int8 weights (Conv: unfused; MatMul, Gemm: MatMulIntegerToFloat, QGemm): a detector
     * head's logits, whose channels' ranges differ by orders of magnitude, keep their precision
     * before a Sigmoid, and a heatmap's peak suppression {@code Equal(x, MaxPool(x))} gets no ties
     * from rounding, so no false peaks. A Conv inside the network ({@link #midNetwork}) keeps its
     * Q. SHARED ops whose output loses its Q run in float again.
     */
    void dropFloatOnly() {
      boolean changed = true;
      while (changed) {
        changed = false;
        for (var it = tensors.entrySet().iterator(); it.hasNext(); ) {
          String t = it.next().getKey();
          NodeProto p = producers.get(t);
          if (quantized.get(p) == Kind.FOLDED) {
            p = producers.get(p.getInput(0));
          }
          Kind k = quantized.get(p);
          boolean keepForFusion =
              k == Kind.QLINEAR
                  || k == Kind.COMPUTE
                      && (readByFilteredOut(t)
                          || readBetweenInt8(t)
                          || readByConvTranspose(t)
                          || Op.CONV.is(p.getOpType()) && midNetwork(t));
          if (!keepForFusion && !readInInt8(t)) {
            it.remove();
            changed = true;
          }
        }
        for (var it = quantized.entrySet().iterator(); it.hasNext(); ) {
          NodeProto n = it.next().getKey();
          if (quantized.get(n) == Kind.SHARED && !tensors.containsKey(n.getOutput(0))) {
            it.remove();
            rewritten.remove(Ops.label(n));
            changed = true;
          }
        }
      }
    }

    /**
     * Whether a ConvTranspose reads {@code t} as its input: ONNX Runtime's CPU provider has no
     * integer ConvTranspose, so it runs in float on the DequantizeLinear of {@code t} with its
     * weight quantized per output channel here, and the Conv writing {@code t} runs as an integer
     * kernel (a segmentation or DB head's Conv before its upsampling ConvTranspose).
     */
    boolean readByConvTranspose(String t) {
      for (NodeProto r : readers.getOrDefault(t, List.of())) {
        if (convTransposeOn(r, t)) {
          return true;
        }
      }
      return false;
    }

    /** Whether {@code r} is a ConvTranspose reading {@code t} with a float32 weight. */
    boolean convTransposeOn(NodeProto r, String t) {
      if (Op.of(r.getOpType()) != Op.CONV_TRANSPOSE
          || !Op.defaultDomain(r.getDomain())
          || !r.getInput(0).equals(t)
          || r.getInputCount() < 2) {
        return false;
      }
      TensorProto w = init.get(r.getInput(1));
      return w != null && w.getDimsCount() >= 3 && Initializers.floats(w) != null;
    }

    /**
     * Whether an op that could run in int8 but is kept in float by the filter reads {@code t}: a
     * Conv quantized alone still gets its output Q, so it runs as an integer kernel.
     */
    boolean readByFilteredOut(String t) {
      for (NodeProto r : readers.getOrDefault(t, List.of())) {
        Op op = Op.of(r.getOpType());
        if (op != null
            && Op.defaultDomain(r.getDomain())
            && KINDS.containsKey(op)
            && !ctx.filter().accepts(r)) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether a float op whose output is quantized reads {@code t} (DQ → Pad → Q between two
     * Convs), directly or after a chain of Mul, Div, Add or Sub by one-element constants (a learned
     * scalar scale and shift after an activation, which fold-dq-scale and fold-dq-shift then fold
     * away): keeping the Q before it keeps the Conv that writes {@code t} fused.
     */
    boolean readBetweenInt8(String t) {
      for (NodeProto r : readers.getOrDefault(t, List.of())) {
        if (quantized.get(r) == null
            && (tensors.containsKey(r.getOutput(0))
                || scalarArithmetic(r, t) && readBetweenInt8(r.getOutput(0)))) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether {@code t}, written by a Conv, is read by a quantized Conv, MatMul or Gemm through at
     * most {@link #HOPS} ops (float or int8) and reaches no graph output within them: a Conv inside
     * the network, not a head. Its Q keeps it an integer kernel (ConvNeXt's depthwise Conv before a
     * float Transpose → LayerNormalization → MatMul ran unfused on dequantized input and weights,
     * 19 of 22 Convs, and its int8-static model was 1.22× slower than float); a head's output, even
     * one that an int8 Concat gathers from several levels, keeps its precision.
     */
    boolean midNetwork(String t) {
      boolean reaches = false;
      Set<String> seen = new HashSet<>(List.of(t));
      List<String> frontier = List.of(t);
      for (int hop = 0; hop <= HOPS && !frontier.isEmpty(); hop++) {
        List<String> next = new ArrayList<>();
        for (String v : frontier) {
          if (graphOutputs.contains(v)) {
            return false;
          }
          for (NodeProto r : readers.getOrDefault(v, List.of())) {
            if (quantized.get(r) == Kind.COMPUTE && r.getInput(0).equals(v)) {
              reaches = true;
            } else {
              r.getOutputList().stream().filter(seen::add).forEach(next::add);
            }
          }
        }
        frontier = next;
      }
      return reaches;
    }

    /**
     * Whether {@code r} is {@code t · c}, {@code t / c}, {@code t + c} or {@code t − c}, c scalar.
     */
    boolean scalarArithmetic(NodeProto r, String t) {
      Op op = Op.of(r.getOpType());
      boolean commutes = op == Op.MUL || op == Op.ADD;
      if (!(commutes || op == Op.DIV || op == Op.SUB)
          || !Op.defaultDomain(r.getDomain())
          || r.getInputCount() != 2
          || graphOutputs.contains(r.getOutput(0))) {
        return false;
      }
      int at = r.getInput(0).equals(t) ? 0 : commutes && r.getInput(1).equals(t) ? 1 : -1;
      return at >= 0 && Initializers.scalar(init.get(r.getInput(1 - at))) != null;
    }

    /** Whether an op that runs in int8 reads {@code t}. */
    boolean readInInt8(String t) {
      for (NodeProto r : readers.getOrDefault(t, List.of())) {
        Kind k = quantized.get(r);
        if (k == null || k == Kind.FOLDED) {
          continue;
        }
        if ((k == Kind.COMPUTE || k == Kind.SHARED) && !r.getInput(0).equals(t)) {
          continue;
        }
        if (k == Kind.SHARED && !tensors.containsKey(r.getOutput(0))) {
          continue;
        }
        return true;
      }
      return false;
    }

    /**
     * Whether an op quantized so far writes {@code t} (through a Relu or Clip folded into it) with
     * a Q planned: an integer kernel's uint8 output.
     */
    boolean writtenByInt8Kernel(String t) {
      NodeProto p = producers.get(t);
      if (p != null && quantized.get(p) == Kind.FOLDED) {
        p = producers.get(p.getInput(0));
      }
      return p != null && quantized.containsKey(p) && tensors.containsKey(t);
    }

    String root(String t) {
      String r = tensors.getOrDefault(t, t);
      return r.equals(t) ? t : root(r);
    }

    /** Why {@code n} stays float: a reason, "" for a quiet no, or {@code null} when it is fine. */
    String problem(NodeProto n, Op op, Kind kind) {
      String y = n.getOutput(0);
      boolean graphOutput = graphOutputs.contains(y);
      if (inQdqForm(n)) {
        return "already in QDQ form (it reads a DequantizeLinear or feeds a QuantizeLinear)";
      }
      switch (kind) {
        case COMPUTE -> {
          String w = Ops.weightProblem(n, op, init);
          if (w != null) {
            return w;
          }
          if (!activation(n.getInput(0))) {
            return "the activation is a constant";
          }
          if (!hasRange(n.getInput(0))) {
            return "no calibrated range for " + n.getInput(0);
          }
          if (op == Op.CONV && graphOutput && !writtenByInt8Kernel(n.getInput(0))) {
            // Unfused (no Q after it), it gains only by reading an integer kernel's uint8 output.
            return "its output is a graph output and no integer kernel writes its input";
          }
          if (!graphOutput && foldable(n, kind) == null && !ctx.activationRange().containsKey(y)) {
            return "no calibrated range for " + y;
          }
          return null;
        }
        case SHARED -> {
          if (op == Op.MAX_POOL && (opset < 12 || n.getOutputCount() > 1)) {
            return "MaxPool with indices, or before opset 12, has no uint8 kernel";
          }
          if (!activation(n.getInput(0)) || !hasRange(n.getInput(0)) || graphOutput) {
            return "";
          }
          return null;
        }
        default -> {
          for (int i = 0; i < n.getInputCount(); i++) {
            if (!activation(n.getInput(i)) || !hasRange(n.getInput(i))) {
              return "";
            }
          }
          if (op == Op.ADD && readByNormalization(y)) {
            return "a residual sum that a normalization reads stays float (one uint8 scale for"
                + " its outlier channels leaves the others a few levels)";
          }
          if (graphOutput || (foldable(n, kind) == null && !ctx.activationRange().containsKey(y))) {
            return "";
          }
          return null;
        }
      }
    }

    /**
     * Whether a normalization over the last axis reads {@code t}: LayerNormalization, or the
     * ReduceMean a written-out LayerNorm starts with, or the Pow before an RMSNorm's. A
     * transformer's residual stream is such a tensor: a few of its channels run far larger than the
     * rest, and the normalization scales the rest back up after uint8 rounding flattened them (a
     * post-LN encoder's int8-static mean cosine fell to 0.84 on its own sentences).
     */
    boolean readByNormalization(String t) {
      for (NodeProto r : readers.getOrDefault(t, List.of())) {
        Op op = Op.of(r.getOpType());
        if (op == Op.LAYER_NORMALIZATION || lastAxisMean(r)) {
          return true;
        }
        if (op == Op.POW
            && readers.getOrDefault(r.getOutput(0), List.of()).stream()
                .anyMatch(this::lastAxisMean)) {
          return true;
        }
      }
      return false;
    }

    private boolean lastAxisMean(NodeProto r) {
      return Op.REDUCE_MEAN.is(r.getOpType())
          && Op.defaultDomain(r.getDomain())
          && java.util.Arrays.equals(Ops.axes(r, init), new long[] {-1});
    }

    /**
     * Whether {@code n} is already quantized in the input model: an input dequantizes a stored
     * integer constant or a QuantizeLinear's output, or its output goes through a QuantizeLinear →
     * DequantizeLinear pair. A DequantizeLinear of a graph input (uint8 pixels) does not count.
     */
    boolean inQdqForm(NodeProto n) {
      for (String x : n.getInputList()) {
        NodeProto p = producers.get(x);
        if (p != null && Op.DEQUANTIZE_LINEAR.is(p.getOpType())) {
          NodeProto from = producers.get(p.getInput(0));
          if (init.containsKey(p.getInput(0))
              || (from != null && Op.QUANTIZE_LINEAR.is(from.getOpType()))) {
            return true;
          }
        }
      }
      return readers.getOrDefault(n.getOutput(0), List.of()).stream()
          .filter(r -> Op.QUANTIZE_LINEAR.is(r.getOpType()))
          .flatMap(q -> readers.getOrDefault(q.getOutput(0), List.of()).stream())
          .anyMatch(r -> Op.DEQUANTIZE_LINEAR.is(r.getOpType()));
    }

    List<Integer> activationInputs(NodeProto n, Op op, Kind kind) {
      if (kind == Kind.COMPUTE || kind == Kind.SHARED) {
        return List.of(0);
      }
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < n.getInputCount(); i++) {
        all.add(i);
      }
      return all;
    }

    /**
     * The Relu or Clip that is the only reader of {@code n}'s output, when ONNX Runtime will drop
     * it in favour of the Q after it: the filter accepts it, its output has a range and is no graph
     * output, and the Q's representable range lies inside the Clip's bounds.
     */
    NodeProto foldable(NodeProto n, Kind kind) {
      if (kind == Kind.SHARED) {
        return null;
      }
      List<NodeProto> r = readers.getOrDefault(n.getOutput(0), List.of());
      if (r.size() != 1 || graphOutputs.contains(n.getOutput(0))) {
        return null;
      }
      NodeProto a = r.get(0);
      Op op = Op.of(a.getOpType());
      if (KINDS.get(op) != Kind.FOLDED
          || !Op.defaultDomain(a.getDomain())
          || !ctx.filter().accepts(a)
          || graphOutputs.contains(a.getOutput(0))) {
        return null;
      }
      float[] range = ctx.activationRange().get(a.getOutput(0));
      if (range == null) {
        return null;
      }
      float[] qp = params(a.getOutput(0), a, range);
      float lower = -qp[1] * qp[0];
      float upper = (LEVELS - qp[1]) * qp[0];
      float[] bounds =
          op == Op.RELU ? new float[] {0, Float.MAX_VALUE} : Saturation.clipBounds(a, init, opset);
      float eps = Math.ulp(1f);
      if (bounds == null || bounds[0] - lower > eps || upper - bounds[1] > eps) {
        return null;
      }
      return a;
    }

    /**
     * uint8 {scale, zero point} of tensor {@code t}'s range (after a Relu: from 0), narrowed to
     * where its readers depend on it ({@link Saturation}), with the points of a shifted Clip that
     * reads it on the grid ({@link DqClipFoldPass#snap}) so that the Clip can run on the integers.
     */
    float[] params(String t, NodeProto producer, float[] range) {
      float lo = producer != null && Op.of(producer.getOpType()) == Op.RELU ? 0 : range[0];
      float hi = range[1];
      double[] live = saturation.interval(t);
      // One level past the point where the readers stop depending on t, so it stays on the grid.
      double step = (Math.min(hi, live[1]) - Math.max(lo, live[0])) / LEVELS;
      lo = (float) Math.max(lo, live[0] - step);
      hi = (float) Math.min(hi, live[1] + step);
      for (NodeProto add : readers.getOrDefault(t, List.of())) {
        if (add.getOutputCount() == 0) {
          continue;
        }
        List<NodeProto> next = readers.getOrDefault(add.getOutput(0), List.of());
        float[] clip =
            next.size() == 1 && !graphOutputs.contains(add.getOutput(0))
                ? DqClipFoldPass.shiftedClip(add, t, next.get(0), init, opset)
                : null;
        float[] snapped = clip == null ? null : DqClipFoldPass.snap(clip, lo, hi);
        if (snapped != null) {
          return snapped;
        }
      }
      return Histogram.uint8(lo, hi);
    }
  }

  /** Writes the planned graph. */
  private static final class Emitter {
    final GraphProto g;
    final PassContext ctx;
    final Plan plan;
    final boolean perChannel;
    final Names names;
    final int qmax;
    final List<NodeProto> nodes = new ArrayList<>();
    final List<TensorProto> inits = new ArrayList<>();

    /** Per quantized tensor: {quantized name, scale name, zero-point name}. */
    final Map<String, String[]> q = new HashMap<>();

    /** Per quantized tensor: its scale value. */
    final Map<String, Float> scales = new HashMap<>();

    Emitter(GraphProto g, PassContext ctx, Plan plan, boolean perChannel) {
      this.g = g;
      this.ctx = ctx;
      this.plan = plan;
      this.perChannel = perChannel;
      this.names = new Names(g);
      this.qmax = ctx.reducedRange() ? 63 : 127;
    }

    GraphProto emit() {
      // Scales and zero points first: a SHARED tensor reuses its root's initializers by name, the
      // equality ONNX Runtime checks before dropping the Q/DQ pair around the op.
      for (Map.Entry<String, String> t : plan.tensors.entrySet()) {
        String name = t.getKey();
        if (!t.getValue().equals(name)) {
          continue;
        }
        float[] range = ctx.activationRange().get(name);
        float[] qp = plan.params(name, plan.producers.get(name), range);
        String scale = names.fresh(name, "_scale");
        String zp = names.fresh(name, "_zero_point");
        inits.add(Initializers.ofFloats(scale, new long[0], new float[] {qp[0]}));
        inits.add(
            Initializers.ofBytes(
                zp, TensorProto.DataType.UINT8, new long[0], new byte[] {(byte) (int) qp[1]}));
        q.put(name, new String[] {names.fresh(name, "_quantized"), scale, zp});
        scales.put(name, qp[0]);
      }
      for (Map.Entry<String, String> t : plan.tensors.entrySet()) {
        if (!t.getValue().equals(t.getKey())) {
          String[] root = q.get(plan.root(t.getKey()));
          q.put(t.getKey(), new String[] {names.fresh(t.getKey(), "_quantized"), root[1], root[2]});
          scales.put(t.getKey(), scales.get(plan.root(t.getKey())));
        }
      }
      g.getInputList().forEach(v -> quantize(v.getName()));
      for (NodeProto n : g.getNodeList()) {
        NodeProto.Builder b = n.toBuilder();
        boolean floatWeighted =
            plan.quantized.get(n) == null
                && Op.defaultDomain(n.getDomain())
                && WEIGHTED.contains(Op.of(n.getOpType()));
        boolean transposed = q.containsKey(n.getInput(0)) && plan.convTransposeOn(n, n.getInput(0));
        for (int i = 0; i < n.getInputCount(); i++) {
          String in = n.getInput(i);
          if (q.containsKey(in) && !(floatWeighted && i == 0 && !transposed)) {
            b.setInput(i, dequantize(in));
          }
        }
        if (transposed) {
          // Per output channel ([in, out / group, k...]: axis 1 with one group), so that ONNX
          // Runtime does not quantize the float weight after a DQ itself, one scale for all.
          int axis = !perChannel ? -1 : Ops.intAttr(n, "group", 1) == 1 ? 1 : 0;
          b.setInput(1, quantizeWeight(plan.init.get(n.getInput(1)), axis, null).dq());
        }
        if (plan.quantized.get(n) == Kind.COMPUTE) {
          compute(n, b);
        }
        nodes.add(b.build());
        n.getOutputList().forEach(this::quantize);
      }
      return g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(inits).build();
    }

    void quantize(String t) {
      String[] p = q.get(t);
      if (p == null) {
        return;
      }
      nodes.add(
          Op.QUANTIZE_LINEAR
              .node(names.fresh(t, "_QuantizeLinear"))
              .addInput(t)
              .addInput(p[1])
              .addInput(p[2])
              .addOutput(p[0])
              .build());
    }

    String dequantize(String t) {
      String[] p = q.get(t);
      String dq = names.fresh(t, "_dequantized");
      nodes.add(
          Op.DEQUANTIZE_LINEAR
              .node(names.fresh(t, "_DequantizeLinear"))
              .addInput(p[0])
              .addInput(p[1])
              .addInput(p[2])
              .addOutput(dq)
              .build());
      return dq;
    }

    /** A weight quantized to int8 and the output of its DequantizeLinear. */
    record Weight(WeightQuantizer.Symmetric values, String dq) {}

    /**
     * {@code w} as symmetric int8 behind a DequantizeLinear, one scale per index of {@code axis}
     * (or one, for -1), each at least {@code minScale}'s (or null).
     */
    Weight quantizeWeight(TensorProto w, int axis, float[] minScale) {
      long[] dims = Initializers.dims(w);
      WeightQuantizer.Symmetric s =
          WeightQuantizer.symmetric(Initializers.floats(w), dims, axis, qmax, minScale);
      String wq = names.fresh(w.getName(), "_quantized");
      String ws = names.fresh(w.getName(), "_scale");
      String wz = names.fresh(w.getName(), "_zero_point");
      long[] scaleDims = axis < 0 ? new long[0] : new long[] {s.scales().length};
      inits.add(Initializers.ofBytes(wq, TensorProto.DataType.INT8, dims, s.values()));
      inits.add(Initializers.ofFloats(ws, scaleDims, s.scales()));
      inits.add(
          Initializers.ofBytes(
              wz, TensorProto.DataType.INT8, scaleDims, new byte[s.scales().length]));
      return new Weight(s, dequantizeConstant(w.getName(), wq, ws, wz, axis));
    }

    /** Weight and bias of a Conv / MatMul / Gemm: int8 and int32 behind DequantizeLinear. */
    void compute(NodeProto n, NodeProto.Builder b) {
      Op op = Op.of(n.getOpType());
      TensorProto w = plan.init.get(n.getInput(1));
      boolean transB = op == Op.GEMM && Ops.intAttr(n, "transB", 0) == 1;
      int axis = !perChannel ? -1 : op == Op.CONV || transB ? 0 : 1;
      long[] dims = Initializers.dims(w);
      float[] wf = Initializers.floats(w);
      float xScale = scales.get(n.getInput(0));
      float[] bias = biasValues(n, op);
      int channels = axis < 0 ? 1 : (int) dims[axis];
      Weight qw = quantizeWeight(w, axis, biasFloor(bias, xScale, channels));
      WeightQuantizer.Symmetric s = qw.values();
      b.setInput(1, qw.dq());
      float[] mean = ctx.activationMean().get(n.getInput(0));
      if (op == Op.CONV && mean != null) {
        float[] corrected = BiasCorrection.conv(wf, s, dims, Ops.intAttr(n, "group", 1), mean);
        if (corrected != null) {
          if (bias != null) {
            for (int c = 0; c < bias.length; c++) {
              corrected[c] += bias[c];
            }
          }
          bias = corrected;
          if (n.getInputCount() < 3) {
            b.addInput("");
          }
        }
      }
      if (bias != null) {
        String base =
            n.getInputCount() > 2 && !n.getInput(2).isEmpty()
                ? n.getInput(2)
                : n.getName() + "_bias";
        bias(n, op, b, bias, base, s.scales(), xScale);
      }
    }

    /**
     * The float bias to add in int32, or null when there is none or it stays float (the op
     * unfused): a Gemm bias that is not one value per output, or a Gemm with alpha ≠ 1. Gemm's beta
     * is folded in.
     */
    float[] biasValues(NodeProto n, Op op) {
      if (n.getInputCount() < 3 || n.getInput(2).isEmpty()) {
        return null;
      }
      TensorProto c = plan.init.get(n.getInput(2));
      float[] v = c == null ? null : Initializers.floats(c);
      boolean rows = op == Op.CONV || op == Op.GEMM && Ops.intAttr(n, "transB", 0) == 1;
      long outputs = plan.init.get(n.getInput(1)).getDims(rows ? 0 : 1);
      if (v == null
          || c.getDimsCount() != 1
          || v.length != outputs
          || op == Op.GEMM && Ops.floatAttr(n, "alpha", 1f) != 1f) {
        return null;
      }
      float beta = op == Op.GEMM ? Ops.floatAttr(n, "beta", 1f) : 1f;
      float[] out = v.clone();
      for (int i = 0; i < out.length; i++) {
        out[i] *= beta;
      }
      return out;
    }

    /**
     * The smallest weight scale per channel at which {@code bias / (s_x · s_w)} fits int32, as ONNX
     * Runtime's quantizer ensures: a channel whose weights are all about 0 (a dead channel after
     * BatchNorm folding) but whose bias is not would otherwise get its bias clamped to about 0.
     */
    static float[] biasFloor(float[] bias, float xScale, int channels) {
      if (bias == null) {
        return null;
      }
      float[] floor = new float[channels];
      for (int i = 0; i < bias.length; i++) {
        double need = 1.0001 * Math.abs(bias[i]) / Integer.MAX_VALUE / xScale;
        int c = i % channels;
        floor[c] = (float) Math.max(floor[c], need);
      }
      return floor;
    }

    /**
     * {@code v} as int32 at scale {@code s_x · s_w[c]}, zero point 0: what QLinearConv and QGemm
     * add to their int32 accumulators.
     */
    void bias(
        NodeProto n,
        Op op,
        NodeProto.Builder b,
        float[] v,
        String base,
        float[] wScales,
        float xScale) {
      float[] bs = new float[wScales.length];
      int[] bq = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        bs[i % bs.length] = xScale * wScales[i % wScales.length];
        double r = Math.rint(v[i] / bs[i % bs.length]);
        bq[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
      }
      ByteBuffer raw = ByteBuffer.allocate(bq.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      raw.asIntBuffer().put(bq);
      String bqName = names.fresh(base, "_quantized");
      String bsName = names.fresh(base, "_scale");
      inits.add(
          Initializers.ofBytes(
              bqName, TensorProto.DataType.INT32, new long[] {v.length}, raw.array()));
      long[] scaleDims = bs.length == 1 ? new long[0] : new long[] {bs.length};
      inits.add(Initializers.ofFloats(bsName, scaleDims, bs));
      b.setInput(2, dequantizeConstant(base, bqName, bsName, null, bs.length == 1 ? -1 : 0));
      if (op == Op.GEMM) {
        // QGemm needs beta stated as 1 (its int32 bias is already scaled).
        for (int i = b.getAttributeCount() - 1; i >= 0; i--) {
          if (b.getAttribute(i).getName().equals("beta")) {
            b.removeAttribute(i);
          }
        }
        b.addAttribute(
            AttributeProto.newBuilder()
                .setName("beta")
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(1f));
      }
    }

    String dequantizeConstant(String base, String values, String scale, String zp, int axis) {
      String dq = names.fresh(base, "_dequantized");
      NodeProto.Builder d =
          Op.DEQUANTIZE_LINEAR
              .node(names.fresh(base, "_DequantizeLinear"))
              .addInput(values)
              .addInput(scale);
      if (zp != null) {
        d.addInput(zp);
      }
      d.addOutput(dq);
      if (axis >= 0) {
        d.addAttribute(Ops.intAttribute("axis", axis));
      }
      nodes.add(d.build());
      return dq;
    }
  }
}
