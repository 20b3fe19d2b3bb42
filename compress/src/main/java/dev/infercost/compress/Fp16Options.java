package dev.infercost.compress;

import dev.infercost.models.Op;
import java.util.List;
import java.util.stream.Stream;

/**
 * Options of the float16 conversion ({@link Compressor#toFp16}).
 *
 * @param filter which nodes may compute in float16; a node it rejects (an {@code --exclude} entry:
 *     node name, op type or {@code re:} pattern) stays float32, with Casts around it, like a
 *     block-listed op
 * @param blockList op types that stay float32 ("fp32 islands"); {@link #DEFAULT_BLOCK_LIST} holds
 *     the numerically sensitive ones
 * @param keepIo keep float graph inputs and outputs FLOAT (Casts just inside them) so callers feed
 *     and read float32 as before; otherwise they become FLOAT16
 */
public record Fp16Options(NodeFilter filter, List<String> blockList, boolean keepIo) {
  /**
   * Softmax and normalizations, means and sums of squares, and the elementwise ops of decomposed
   * LayerNorm and GELU (Pow, Sqrt, Div, Erf) plus Exp and Log: their float16 range or precision
   * loses accuracy (overflowing sums of squares, underflowing epsilons, exponentials). A default
   * policy rather than an operator fact, in this order because the output model records it.
   */
  public static final List<String> DEFAULT_BLOCK_LIST =
      Stream.of(
              Op.SOFTMAX,
              Op.LOG_SOFTMAX,
              Op.LAYER_NORMALIZATION,
              Op.GROUP_NORMALIZATION,
              Op.INSTANCE_NORMALIZATION,
              Op.REDUCE_MEAN,
              Op.REDUCE_SUM_SQUARE,
              Op.REDUCE_L2,
              Op.REDUCE_LOG_SUM_EXP,
              Op.POW,
              Op.SQRT,
              Op.ERF,
              Op.EXP,
              Op.LOG,
              Op.DIV)
          .map(Op::type)
          .toList();

  public Fp16Options {
    if (filter == null || blockList == null) {
      throw new IllegalArgumentException("filter and blockList are required");
    }
    blockList = List.copyOf(blockList);
  }

  /** Every node but the default block list in float16, graph inputs and outputs float32. */
  public static Fp16Options defaults() {
    return new Fp16Options(NodeFilter.all(), DEFAULT_BLOCK_LIST, true);
  }

  /** The same options with another filter. */
  public Fp16Options withFilter(NodeFilter f) {
    return new Fp16Options(f, blockList, keepIo);
  }

  /** The same options with {@code keepIo} set. */
  public Fp16Options withKeepIo(boolean keep) {
    return new Fp16Options(filter, blockList, keep);
  }
}
