package dev.infercost.models;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one table of ONNX operator facts that shape inference, MAC counting, the type checker and the
 * compression passes read, instead of each keeping its own op-type literals (in the manner of
 * Tribuo's {@code ONNXOperators}). An entry holds what infercost relies on about one operator:
 * which input is a weight, how its output shape follows from its inputs, whether it counts MACs,
 * how it behaves in float16, where its float types may differ, and which attribute became an input
 * at which opset.
 *
 * <p>Entries are looked up by op type alone ({@link #of}), whatever the node's domain, because the
 * contrib ops infercost knows ({@code FusedMatMul}, {@code SkipLayerNormalization}, {@code
 * FastGelu}, {@code BiasGelu}, {@code Attention}, {@code DynamicQuantizeLSTM}; domain {@code
 * com.microsoft}) have no namesake in the default domain; callers that treat other domains
 * differently check {@link #defaultDomain}. An op missing from the table has no facts: passes leave
 * it alone and its output shape stays unknown.
 */
public enum Op {
  ABS("Abs", ShapeRule.SAME),
  ADD("Add", ShapeRule.BROADCAST),
  AND("And", ShapeRule.BROADCAST, Trait.BOOL_OUTPUT),
  ARG_MAX("ArgMax", ShapeRule.ARG_REDUCE, Trait.INT64_OUTPUT),
  ARG_MIN("ArgMin", ShapeRule.ARG_REDUCE, Trait.INT64_OUTPUT),
  /** com.microsoft. */
  ATTENTION(
      "Attention",
      ShapeRule.OWN,
      Trait.MACS,
      Trait.HEAVY,
      Trait.MIXED_FLOATS,
      inputs(Role.RHS_INPUT, 1)),
  AVERAGE_POOL("AveragePool", ShapeRule.POOL),
  BATCH_NORMALIZATION(
      "BatchNormalization",
      ShapeRule.SAME,
      inputs(Role.FREE_FLOAT_INPUTS, 1, 2, 3, 4),
      inputs(Role.FREE_FLOAT_OUTPUTS, 1, 2)),
  BERNOULLI("Bernoulli", null, Trait.NO_FP16, Trait.MIXED_FLOATS, Trait.NONDETERMINISTIC),
  /** com.microsoft. */
  BIAS_GELU("BiasGelu", ShapeRule.SAME),
  CAST("Cast", ShapeRule.SAME, Trait.MIXED_FLOATS, inputs(Role.ANY_TYPE_INPUTS, 0)),
  CAST_LIKE("CastLike", ShapeRule.SAME, Trait.MIXED_FLOATS, inputs(Role.ANY_TYPE_INPUTS, 0)),
  CEIL("Ceil", ShapeRule.SAME),
  CLIP("Clip", ShapeRule.SAME),
  CONCAT("Concat", ShapeRule.OWN),
  CONSTANT("Constant", ShapeRule.OWN, Trait.MIXED_FLOATS),
  CONSTANT_OF_SHAPE("ConstantOfShape", ShapeRule.OWN, Trait.MIXED_FLOATS),
  CONV(
      "Conv",
      ShapeRule.CONV,
      Trait.MACS,
      Trait.HEAVY,
      inputs(Role.WEIGHT_INPUT, 1),
      inputs(Role.RHS_INPUT, 1)),
  CONV_INTEGER(
      "ConvInteger",
      ShapeRule.CONV,
      Trait.MACS,
      Trait.INTEGER_MACS,
      Trait.INT32_OUTPUT,
      inputs(Role.RHS_INPUT, 1)),
  CONV_TRANSPOSE("ConvTranspose", ShapeRule.OWN, Trait.HEAVY),
  DEPTH_TO_SPACE("DepthToSpace", ShapeRule.OWN),
  DEQUANTIZE_LINEAR("DequantizeLinear", ShapeRule.SAME, Trait.NO_FP16, Trait.MIXED_FLOATS),
  DIV("Div", ShapeRule.BROADCAST),
  DROPOUT(
      "Dropout",
      ShapeRule.SAME,
      Trait.NONDETERMINISTIC,
      inputs(Role.FREE_FLOAT_INPUTS, 1),
      new AttributeInput("ratio", 1, 12)),
  DYNAMIC_QUANTIZE_LINEAR(
      "DynamicQuantizeLinear", ShapeRule.SAME, Trait.NO_FP16, Trait.MIXED_FLOATS),
  /** com.microsoft. */
  DYNAMIC_QUANTIZE_LSTM(
      "DynamicQuantizeLSTM", null, Trait.NO_FP16, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  DYNAMIC_QUANTIZE_MATMUL("DynamicQuantizeMatMul", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  EINSUM("Einsum", null, Trait.HEAVY),
  EMBED_LAYER_NORMALIZATION("EmbedLayerNormalization", ShapeRule.OWN, Trait.MIXED_FLOATS),
  ELU("Elu", ShapeRule.SAME),
  EQUAL("Equal", ShapeRule.BROADCAST, Trait.BOOL_OUTPUT),
  ERF("Erf", ShapeRule.SAME),
  EXP("Exp", ShapeRule.SAME),
  EXPAND("Expand", ShapeRule.OWN),
  EYE_LIKE("EyeLike", null, Trait.NO_FP16, Trait.MIXED_FLOATS),
  /** com.microsoft. */
  FAST_GELU("FastGelu", ShapeRule.SAME),
  FLATTEN("Flatten", ShapeRule.OWN),
  FLOOR("Floor", ShapeRule.SAME),
  /** com.microsoft. */
  FUSED_MATMUL("FusedMatMul", ShapeRule.MATMUL, Trait.MACS, inputs(Role.RHS_INPUT, 1)),
  GATHER("Gather", ShapeRule.OWN, inputs(Role.WEIGHT_INPUT, 0)),
  GATHER_BLOCK_QUANTIZED("GatherBlockQuantized", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  GELU("Gelu", ShapeRule.SAME),
  GEMM(
      "Gemm",
      ShapeRule.OWN,
      Trait.MACS,
      Trait.HEAVY,
      inputs(Role.WEIGHT_INPUT, 1),
      inputs(Role.RHS_INPUT, 1)),
  GLOBAL_AVERAGE_POOL("GlobalAveragePool", ShapeRule.GLOBAL_POOL),
  GLOBAL_MAX_POOL("GlobalMaxPool", ShapeRule.GLOBAL_POOL),
  GREATER("Greater", ShapeRule.BROADCAST, Trait.BOOL_OUTPUT),
  GREATER_OR_EQUAL("GreaterOrEqual", ShapeRule.BROADCAST, Trait.BOOL_OUTPUT),
  GRID_SAMPLE("GridSample", null, inputs(Role.FREE_FLOAT_INPUTS, 1)),
  GROUP_NORMALIZATION("GroupNormalization", null),
  HARD_SIGMOID("HardSigmoid", ShapeRule.SAME),
  HARD_SWISH("HardSwish", ShapeRule.SAME),
  HARDMAX("Hardmax", null, Trait.AXIS_FLATTENS_BEFORE_13),
  IDENTITY("Identity", ShapeRule.SAME),
  IF("If", null),
  INSTANCE_NORMALIZATION("InstanceNormalization", ShapeRule.SAME),
  IS_INF("IsInf", null, Trait.BOOL_OUTPUT),
  IS_NAN("IsNaN", ShapeRule.SAME, Trait.BOOL_OUTPUT),
  LAYER_NORMALIZATION("LayerNormalization", ShapeRule.SAME, inputs(Role.FREE_FLOAT_OUTPUTS, 1, 2)),
  LEAKY_RELU("LeakyRelu", ShapeRule.SAME),
  LESS("Less", ShapeRule.BROADCAST, Trait.BOOL_OUTPUT),
  LESS_OR_EQUAL("LessOrEqual", ShapeRule.BROADCAST, Trait.BOOL_OUTPUT),
  LOG("Log", ShapeRule.SAME),
  LRN("LRN", ShapeRule.SAME),
  LOG_SOFTMAX("LogSoftmax", ShapeRule.SAME, Trait.AXIS_FLATTENS_BEFORE_13),
  LOOP("Loop", null),
  LP_POOL("LpPool", ShapeRule.POOL),
  LSTM("LSTM", null, Trait.HEAVY),
  MATMUL(
      "MatMul",
      ShapeRule.MATMUL,
      Trait.MACS,
      Trait.HEAVY,
      inputs(Role.WEIGHT_INPUT, 1),
      inputs(Role.RHS_INPUT, 1)),
  MATMUL_INTEGER(
      "MatMulInteger",
      ShapeRule.MATMUL,
      Trait.MACS,
      Trait.INTEGER_MACS,
      Trait.INT32_OUTPUT,
      inputs(Role.RHS_INPUT, 1)),
  MATMUL_INTEGER_TO_FLOAT("MatMulIntegerToFloat", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  MATMUL_NBITS("MatMulNBits", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  MAX("Max", ShapeRule.BROADCAST),
  MAX_POOL("MaxPool", ShapeRule.POOL, Trait.INT64_EXTRA_OUTPUTS),
  MEAN("Mean", ShapeRule.BROADCAST),
  MIN("Min", ShapeRule.BROADCAST),
  MISH("Mish", ShapeRule.SAME),
  MOD("Mod", ShapeRule.BROADCAST),
  MUL("Mul", ShapeRule.BROADCAST),
  MULTINOMIAL("Multinomial", null, Trait.NO_FP16, Trait.MIXED_FLOATS, Trait.NONDETERMINISTIC),
  NEG("Neg", ShapeRule.SAME),
  NON_MAX_SUPPRESSION("NonMaxSuppression", null, Trait.NO_FP16),
  NON_ZERO("NonZero", null, Trait.INT64_OUTPUT),
  NOT("Not", ShapeRule.SAME, Trait.BOOL_OUTPUT),
  ONE_HOT("OneHot", ShapeRule.OWN, Trait.MIXED_FLOATS),
  OR("Or", ShapeRule.BROADCAST, Trait.BOOL_OUTPUT),
  PAD("Pad", ShapeRule.OWN),
  POW("Pow", ShapeRule.BROADCAST, inputs(Role.FREE_FLOAT_INPUTS, 1)),
  PRELU("PRelu", ShapeRule.BROADCAST),
  Q_ATTENTION(
      "QAttention",
      ShapeRule.OWN,
      Trait.MACS,
      Trait.MIXED_FLOATS,
      Trait.QUANTIZED,
      inputs(Role.RHS_INPUT, 1)),
  Q_EMBED_LAYER_NORMALIZATION(
      "QEmbedLayerNormalization", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QGEMM("QGemm", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QLINEAR_ADD("QLinearAdd", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QLINEAR_AVERAGE_POOL("QLinearAveragePool", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QLINEAR_CONCAT("QLinearConcat", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QLINEAR_CONV(
      "QLinearConv",
      ShapeRule.CONV,
      Trait.MACS,
      Trait.INTEGER_MACS,
      Trait.MIXED_FLOATS,
      inputs(Role.RHS_INPUT, 3)),
  QLINEAR_MATMUL(
      "QLinearMatMul",
      ShapeRule.MATMUL,
      Trait.MACS,
      Trait.INTEGER_MACS,
      Trait.MIXED_FLOATS,
      inputs(Role.RHS_INPUT, 3)),
  QLINEAR_GLOBAL_AVERAGE_POOL(
      "QLinearGlobalAveragePool", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QLINEAR_LEAKY_RELU("QLinearLeakyRelu", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QLINEAR_MUL("QLinearMul", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QLINEAR_SIGMOID("QLinearSigmoid", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QLINEAR_SOFTMAX("QLinearSoftmax", null, Trait.MIXED_FLOATS, Trait.QUANTIZED),
  QUANTIZE_LINEAR("QuantizeLinear", ShapeRule.SAME, Trait.NO_FP16, Trait.MIXED_FLOATS),
  RANDOM_NORMAL("RandomNormal", null, Trait.NO_FP16, Trait.MIXED_FLOATS, Trait.NONDETERMINISTIC),
  RANDOM_NORMAL_LIKE(
      "RandomNormalLike", null, Trait.NO_FP16, Trait.MIXED_FLOATS, Trait.NONDETERMINISTIC),
  RANDOM_UNIFORM("RandomUniform", null, Trait.NO_FP16, Trait.MIXED_FLOATS, Trait.NONDETERMINISTIC),
  RANDOM_UNIFORM_LIKE(
      "RandomUniformLike", null, Trait.NO_FP16, Trait.MIXED_FLOATS, Trait.NONDETERMINISTIC),
  RANGE("Range", ShapeRule.OWN, Trait.NO_FP16),
  RECIPROCAL("Reciprocal", ShapeRule.SAME),
  REDUCE_L2("ReduceL2", ShapeRule.REDUCE, new AttributeInput("axes", 1, 18)),
  REDUCE_LOG_SUM_EXP("ReduceLogSumExp", null, new AttributeInput("axes", 1, 18)),
  REDUCE_MAX("ReduceMax", ShapeRule.REDUCE, new AttributeInput("axes", 1, 18)),
  REDUCE_MEAN("ReduceMean", ShapeRule.REDUCE, new AttributeInput("axes", 1, 18)),
  REDUCE_MIN("ReduceMin", ShapeRule.REDUCE, new AttributeInput("axes", 1, 18)),
  REDUCE_PROD("ReduceProd", ShapeRule.REDUCE, new AttributeInput("axes", 1, 18)),
  REDUCE_SUM("ReduceSum", ShapeRule.REDUCE, new AttributeInput("axes", 1, 13)),
  REDUCE_SUM_SQUARE("ReduceSumSquare", null, new AttributeInput("axes", 1, 18)),
  RELU("Relu", ShapeRule.SAME),
  RESHAPE("Reshape", ShapeRule.OWN),
  RESIZE(
      "Resize",
      ShapeRule.OWN,
      inputs(Role.ALWAYS_FLOAT_INPUTS, 2),
      inputs(Role.FREE_FLOAT_INPUTS, 1, 2)),
  ROUND("Round", ShapeRule.SAME),
  SCAN("Scan", null),
  SELU("Selu", ShapeRule.SAME),
  SHAPE("Shape", ShapeRule.OWN, Trait.INT64_OUTPUT, inputs(Role.ANY_TYPE_INPUTS, 0)),
  SIGMOID("Sigmoid", ShapeRule.SAME),
  SIGN("Sign", ShapeRule.SAME),
  SIZE("Size", ShapeRule.OWN, Trait.INT64_OUTPUT, inputs(Role.ANY_TYPE_INPUTS, 0)),
  /** com.microsoft. */
  SKIP_LAYER_NORMALIZATION("SkipLayerNormalization", ShapeRule.SAME),
  SLICE("Slice", ShapeRule.OWN),
  SOFTMAX("Softmax", ShapeRule.SAME, Trait.AXIS_FLATTENS_BEFORE_13),
  SOFTPLUS("Softplus", ShapeRule.SAME),
  SOFTSIGN("Softsign", ShapeRule.SAME),
  SPACE_TO_DEPTH("SpaceToDepth", ShapeRule.OWN),
  SPLIT("Split", ShapeRule.OWN, new AttributeInput("split", 1, 13)),
  SQRT("Sqrt", ShapeRule.SAME),
  SQUEEZE("Squeeze", ShapeRule.OWN, new AttributeInput("axes", 1, 13)),
  SUB("Sub", ShapeRule.BROADCAST),
  SUM("Sum", ShapeRule.BROADCAST),
  TANH("Tanh", ShapeRule.SAME),
  TILE("Tile", ShapeRule.OWN),
  TOP_K("TopK", ShapeRule.OWN, Trait.INT64_EXTRA_OUTPUTS),
  TRANSPOSE("Transpose", ShapeRule.OWN),
  UNIQUE("Unique", null, Trait.INT64_EXTRA_OUTPUTS),
  UNSQUEEZE("Unsqueeze", ShapeRule.OWN, new AttributeInput("axes", 1, 13)),
  UPSAMPLE(
      "Upsample",
      ShapeRule.OWN,
      inputs(Role.ALWAYS_FLOAT_INPUTS, 1),
      inputs(Role.FREE_FLOAT_INPUTS, 1)),
  WHERE("Where", ShapeRule.BROADCAST),
  XOR("Xor", ShapeRule.BROADCAST, Trait.BOOL_OUTPUT);

  /** Yes/no facts about an operator. */
  public enum Trait implements Fact {
    /** No float16 in its ONNX type constraints, or its float type is an attribute. */
    NO_FP16,
    /** Compute-heavy: what float16 is for; never pulled into a float32 island by neighbours. */
    HEAVY,
    /** Its float inputs and outputs may legitimately differ in type (the type check skips it). */
    MIXED_FLOATS,
    /** Its first output is BOOL. */
    BOOL_OUTPUT,
    /** Its first output is INT64. */
    INT64_OUTPUT,
    /** Its outputs after the first (indices) are INT64. */
    INT64_EXTRA_OUTPUTS,
    /** Its first output is INT32 (integer accumulation). */
    INT32_OUTPUT,
    /** Performs multiply-accumulates that count towards a model's MACs. */
    MACS,
    /** Its MACs are integer (int8) arithmetic. */
    INTEGER_MACS,
    /**
     * One of ONNX Runtime's quantized kernels (contrib domain): it reads weights or activations
     * held in 8 bits or fewer, so a model that has it was quantized already.
     */
    QUANTIZED,
    /**
     * Its outputs may differ from run to run (random sampling; Dropout in training mode), so it is
     * never evaluated ahead of time, e.g. by constant folding.
     */
    NONDETERMINISTIC,
    /**
     * Before opset 13 it flattens its input to 2-D at {@code axis} and normalizes over everything
     * after it; from 13 over {@code axis} alone (Softmax, LogSoftmax, Hardmax).
     */
    AXIS_FLATTENS_BEFORE_13
  }

  /** How an operator's output shape follows from its inputs. */
  public enum ShapeRule {
    /** The first output has the first input's shape (elementwise unary, normalizations). */
    SAME,
    /** Numpy-style broadcast of all inputs. */
    BROADCAST,
    /** Matrix product of input 0 and {@link #rhsInput()}. */
    MATMUL,
    /** Convolution of input 0 with the kernel at {@link #rhsInput()}. */
    CONV,
    /** Pooling over a {@code kernel_shape} window. */
    POOL,
    /** Pooling every spatial dimension to 1. */
    GLOBAL_POOL,
    /** Reduction over {@code axes} (attribute or input). */
    REDUCE,
    /** Reduction over one {@code axis} attribute (ArgMax, ArgMin). */
    ARG_REDUCE,
    /** A rule of its own, by operator. */
    OWN
  }

  /**
   * An attribute that became an input at an opset.
   *
   * @param attribute the attribute's name
   * @param input the index of the input it became
   * @param since the first default-domain opset where it is an input
   */
  public record AttributeInput(String attribute, int input, int since) implements Fact {}

  /** A fact given to an entry's constructor. */
  private sealed interface Fact permits Trait, AttributeInput, Indices {}

  /** Which inputs or outputs play a role. */
  private enum Role {
    WEIGHT_INPUT,
    RHS_INPUT,
    ALWAYS_FLOAT_INPUTS,
    ANY_TYPE_INPUTS,
    FREE_FLOAT_INPUTS,
    FREE_FLOAT_OUTPUTS
  }

  private record Indices(Role role, Set<Integer> indices) implements Fact {}

  private static Fact inputs(Role role, Integer... indices) {
    return new Indices(role, Set.of(indices));
  }

  private static final Map<String, Op> BY_TYPE = new HashMap<>();

  static {
    for (Op op : values()) {
      if (BY_TYPE.put(op.type, op) != null) {
        throw new ExceptionInInitializerError("two entries for op type " + op.type);
      }
    }
  }

  private final String type;
  private final ShapeRule shapeRule;
  private final Set<Trait> traits;
  private final Map<Role, Set<Integer>> indices;
  private final AttributeInput attributeInput;

  Op(String type, ShapeRule shapeRule, Fact... facts) {
    this.type = type;
    this.shapeRule = shapeRule;
    Set<Trait> t = EnumSet.noneOf(Trait.class);
    Map<Role, Set<Integer>> ix = new EnumMap<>(Role.class);
    AttributeInput a = null;
    for (Fact f : facts) {
      if (f instanceof Trait tr) {
        t.add(tr);
      } else if (f instanceof Indices i) {
        ix.put(i.role(), i.indices());
      } else if (f instanceof AttributeInput ai) {
        a = ai;
      }
    }
    this.traits = Collections.unmodifiableSet(t);
    this.indices = Collections.unmodifiableMap(ix);
    this.attributeInput = a;
  }

  /** The entry for an op type, or {@code null} when the table has none. */
  public static Op of(String opType) {
    return BY_TYPE.get(opType);
  }

  /** Whether {@code domain} is ONNX's default domain ({@code ""} or {@code ai.onnx}). */
  public static boolean defaultDomain(String domain) {
    return domain.isEmpty() || domain.equals("ai.onnx");
  }

  /** The number of nodes of the given ops in a per-op-type count such as {@link ModelInfo#ops}. */
  public static int count(Map<String, Integer> opCounts, Op... ops) {
    int n = 0;
    for (Op op : ops) {
      n += opCounts.getOrDefault(op.type, 0);
    }
    return n;
  }

  /** The ONNX op type, e.g. {@code MatMul}. */
  public String type() {
    return type;
  }

  /** Whether {@code opType} is this operator's type. */
  public boolean is(String opType) {
    return type.equals(opType);
  }

  /** Whether the operator has the trait. */
  public boolean has(Trait trait) {
    return traits.contains(trait);
  }

  /** How its output shape is inferred, or {@code null} when infercost leaves it unknown. */
  public ShapeRule shapeRule() {
    return shapeRule;
  }

  /**
   * The input that holds a weight a compression pass may quantize (MatMul, Gemm, Conv: 1; Gather:
   * 0), or -1.
   */
  public int weightInput() {
    return single(Role.WEIGHT_INPUT);
  }

  /**
   * The input holding the right-hand operand of a product (B of a MatMul, the kernel of a Conv; 3
   * for the QLinear forms), which decides the output shape and the MACs per output; or -1.
   */
  public int rhsInput() {
    return single(Role.RHS_INPUT);
  }

  /** Inputs that stay float32 even when the node computes in float16 (float-only constraint). */
  public Set<Integer> alwaysFloatInputs() {
    return indices.getOrDefault(Role.ALWAYS_FLOAT_INPUTS, Set.of());
  }

  /** Inputs that take any element type: read as they are, never cast for. */
  public Set<Integer> anyTypeInputs() {
    return indices.getOrDefault(Role.ANY_TYPE_INPUTS, Set.of());
  }

  /** Inputs whose float type is independent of the operator's main float type. */
  public Set<Integer> freeFloatInputs() {
    return indices.getOrDefault(Role.FREE_FLOAT_INPUTS, Set.of());
  }

  /** Outputs whose float type is independent of the operator's main float type. */
  public Set<Integer> freeFloatOutputs() {
    return indices.getOrDefault(Role.FREE_FLOAT_OUTPUTS, Set.of());
  }

  /** The attribute that became an input at some opset, or {@code null}. */
  public AttributeInput attributeInput() {
    return attributeInput;
  }

  /** A node builder of this type with the given name (inputs, outputs and attributes to add). */
  public NodeProto.Builder node(String name) {
    return NodeProto.newBuilder().setOpType(type).setName(name);
  }

  private int single(Role role) {
    Set<Integer> s = indices.get(role);
    return s == null ? -1 : s.iterator().next();
  }
}
