package dev.infercost.profile.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.base.Parameter;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.ModelException;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Op;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.DataException;
import dev.infercost.profile.ProfileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Turns a model's input specs plus user shapes into concrete input tensors. */
public final class Inputs {
  /** Symbolic non-batch dims (sequence length, image size) default to this. */
  public static final long DEFAULT_DIM = 128;

  /** The largest synthetic input: one direct buffer. */
  static final long MAX_SYNTHETIC_BYTES = Integer.MAX_VALUE - 8;

  private Inputs() {}

  /**
   * Concrete shapes for every input. {@code given} pins whole shapes; {@code batch}, when set,
   * overrides dim 0 of every input whose dim 0 is not fixed. A named symbolic dim takes one value
   * wherever it appears: the size a pinned shape or dim 0 gave it (an {@code input_ids=1x64} pins
   * {@code sequence} for the attention mask too; a recurrent state {@code [2, batch, 64]} follows
   * the batch of the audio input). Other symbolic dims take 1 (dim 0) or {@value #DEFAULT_DIM},
   * each reported through {@code notes}; a decoder's key/value cache ({@link #holdsCache}) whose
   * one other open dim is its past length takes 0 there: an empty cache, the first step, which
   * agrees with every sequence length the other inputs take. Refuses string inputs (nothing to make
   * up) and shapes beyond {@link #MAX_SYNTHETIC_BYTES}.
   */
  public static Map<String, long[]> resolveShapes(
      String model,
      List<TensorSpec> specs,
      Map<String, long[]> given,
      Integer batch,
      Consumer<String> notes)
      throws ProfileException {
    try {
      TensorSpec.checkShapes(model, specs, given);
    } catch (ModelException e) {
      throw new ProfileException(e.getMessage(), e);
    }
    Map<String, Long> symbols = symbolSizes(specs, given, batch);
    Map<String, long[]> out = new LinkedHashMap<>();
    for (TensorSpec s : specs) {
      long[] g = given.get(s.name());
      List<Dim> dims = s.dims();
      long[] shape;
      if (g != null) {
        shape = g.clone();
      } else {
        if (!s.rankKnown()) {
          throw new ProfileException(
              model
                  + ": input '"
                  + s.name()
                  + "' declares no shape; give its shape, e.g. "
                  + s.name()
                  + "=1x128",
              Parameter.SHAPES);
        }
        shape = new long[dims.size()];
        boolean emptyCache = holdsCache(s) && openDims(s, symbols) == 1;
        for (int i = 0; i < shape.length; i++) {
          Dim d = dims.get(i);
          if (d.isFixed()) {
            shape[i] = d.size();
          } else if (d.symbol() != null && symbols.containsKey(d.symbol())) {
            shape[i] = symbols.get(d.symbol());
          } else {
            shape[i] = i == 0 ? 1 : emptyCache ? 0 : DEFAULT_DIM;
            if (i > 0) {
              notes.accept(
                  "input '"
                      + s.name()
                      + "' dim "
                      + i
                      + " ("
                      + d
                      + ") not given; using "
                      + shape[i]
                      + (emptyCache ? " (an empty key/value cache: the first step)" : "")
                      + (shared(specs, d) ? " wherever '" + d.symbol() + "' appears" : "")
                      + " (set it with --shape "
                      + s.name()
                      + "=...)");
            }
            if (d.symbol() != null) {
              symbols.put(d.symbol(), shape[i]);
            }
          }
        }
      }
      if (batch != null && shape.length > 0 && (dims.isEmpty() || !dims.get(0).isFixed())) {
        shape[0] = batch;
      }
      for (long d : shape) {
        if (d < 0 || d == 0 && !holdsCache(s)) {
          throw new ProfileException(
              model + ": shape " + render(shape) + " for input '" + s.name() + "' has a dim <= 0");
        }
      }
      if (s.dtype() == DType.STRING) {
        throw new ProfileException(
            model
                + ": input '"
                + s.name()
                + "' takes strings, which infercost cannot make up; pass data for it",
            Parameter.INPUTS);
      }
      double bytes = (double) Math.max(1, s.dtype().bytes());
      for (long d : shape) {
        bytes *= d;
      }
      if (bytes > MAX_SYNTHETIC_BYTES) {
        throw new ProfileException(
            String.format(
                Locale.ROOT,
                "%s: input '%s' at shape %s would take %.3g GB; give a smaller shape (at most %d"
                    + " bytes per input)",
                model,
                s.name(),
                render(shape),
                bytes / 1e9,
                MAX_SYNTHETIC_BYTES),
            Parameter.SHAPES);
      }
      out.put(s.name(), shape);
    }
    return out;
  }

  /**
   * Whether {@code s} is a decoder's self-attention key/value cache, as exporters name it: a float
   * input named for a past or a cache ({@code past_key_values.0.key}, {@code cache.3}), and not for
   * the encoder (a seq2seq decoder's cross-attention cache, {@code past_key_values.0.encoder.key},
   * holds the encoder's length, never empty).
   */
  public static boolean holdsCache(TensorSpec s) {
    String n = s.name().toLowerCase(Locale.ROOT);
    return (s.dtype() == DType.FLOAT32 || s.dtype() == DType.FLOAT16)
        && (n.contains("past") || n.contains("cache"))
        && !n.contains("encoder")
        && !n.contains("cross");
  }

  /** Dims of {@code s} after dim 0 that are neither fixed nor sized by a known symbol. */
  private static long openDims(TensorSpec s, Map<String, Long> symbols) {
    return s.dims().stream()
        .skip(1)
        .filter(d -> !d.isFixed() && (d.symbol() == null || !symbols.containsKey(d.symbol())))
        .count();
  }

  /** Whether the named dim {@code d} appears more than once among the inputs. */
  private static boolean shared(List<TensorSpec> specs, Dim d) {
    return d.symbol() != null
        && specs.stream().flatMap(s -> s.dims().stream()).filter(d::equals).count() > 1;
  }

  /**
   * Sizes of named symbolic dims known before any default: from the pinned shapes first, then from
   * dim 0 of every input ({@code batch}, else 1).
   */
  private static Map<String, Long> symbolSizes(
      List<TensorSpec> specs, Map<String, long[]> given, Integer batch) {
    Map<String, Long> symbols = new HashMap<>();
    for (TensorSpec s : specs) {
      long[] g = given.get(s.name());
      if (g == null || !s.rankKnown()) {
        continue;
      }
      for (int i = 0; i < g.length; i++) {
        String sym = s.dims().get(i).symbol();
        if (sym != null) {
          symbols.putIfAbsent(sym, batch != null && i == 0 ? batch : g[i]);
        }
      }
    }
    for (TensorSpec s : specs) {
      if (s.rankKnown() && !s.dims().isEmpty() && s.dims().get(0).symbol() != null) {
        symbols.putIfAbsent(s.dims().get(0).symbol(), batch != null ? batch : 1L);
      }
    }
    return symbols;
  }

  /** {@code 1x128} rendering. */
  public static String render(long[] shape) {
    return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
  }

  /**
   * For integer inputs that index an embedding table (a Gather whose data is an initializer), the
   * table's row count: synthesized ids stay below it.
   */
  public static Map<String, Long> idLimits(OnnxModel model) {
    GraphProto g = model.proto().getGraph();
    Map<String, long[]> init = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      init.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
    }
    Map<String, Long> limits = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      if (Op.GATHER.is(n.getOpType())
          && n.getInputCount() == 2
          && init.containsKey(n.getInput(0))) {
        long rows = init.get(n.getInput(0)).length > 0 ? init.get(n.getInput(0))[0] : 1;
        limits.merge(n.getInput(1), rows, Math::min);
      }
    }
    return limits;
  }

  /**
   * Deterministic synthetic inputs: masks are ones, type ids zeros, other integer inputs valid ids
   * (below {@code idLimits}, else 0/1), floats uniform in [0, 1).
   */
  public static List<Tensor> synthesize(
      List<TensorSpec> specs, Map<String, long[]> shapes, Map<String, Long> idLimits) {
    Random rnd = new Random(42);
    return specs.stream()
        .map(s -> synthesize(s, shapes.get(s.name()), idLimits.getOrDefault(s.name(), 2L), rnd))
        .toList();
  }

  private static Tensor synthesize(TensorSpec s, long[] shape, long limit, Random rnd) {
    int n = Math.toIntExact(Tensor.elementCount(shape));
    DType t = s.dtype() == DType.OTHER ? DType.FLOAT32 : s.dtype();
    String lname = s.name().toLowerCase(Locale.ROOT);
    ByteBuffer b = ByteBuffer.allocateDirect(n * t.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      long v;
      if (lname.contains("mask")) {
        v = 1;
      } else if (lname.contains("type")) {
        v = 0;
      } else {
        // Ids from the upper part of small vocabularies would all be rare tokens; any valid id runs
        // the same kernels, so take them uniformly below the table size.
        v = (long) (rnd.nextDouble() * Math.max(1, limit));
      }
      switch (t) {
        case FLOAT32 -> b.putFloat(rnd.nextFloat());
        case FLOAT64 -> b.putDouble(rnd.nextDouble());
        case FLOAT16 -> b.putShort((short) 0x3800); // 0.5
        case INT64 -> b.putLong(v);
        case INT32 -> b.putInt((int) v);
        case INT16 -> b.putShort((short) v);
        case INT8, UINT8 -> b.put((byte) v);
        case BOOL -> b.put((byte) 1);
        default ->
            throw new IllegalArgumentException("cannot synthesize " + t + " for " + s.name());
      }
    }
    b.flip();
    return Tensor.of(s.name(), t, shape, b);
  }

  /**
   * Checks that {@code --batch batch} applies to the model with {@code specs}: an input takes it
   * when its dim 0 is not fixed (or its shape is unknown). Refused, in one line naming the model,
   * when no input takes it and none has a dim 0 fixed at {@code batch}, since the run would
   * silently use the fixed size; an input that keeps a fixed dim 0 other than {@code batch} while
   * others take it is reported through {@code notes}.
   */
  public static void checkBatch(
      String model, List<TensorSpec> specs, int batch, Consumer<String> notes)
      throws ProfileException {
    boolean applies = false;
    TensorSpec conflicting = null;
    for (TensorSpec s : specs) {
      if (!s.rankKnown() || (!s.dims().isEmpty() && !s.dims().get(0).isFixed())) {
        applies = true;
      } else if (!s.dims().isEmpty() && s.dims().get(0).size() == batch) {
        applies = true;
      } else if (!s.dims().isEmpty() && conflicting == null) {
        conflicting = s;
      }
    }
    if (!applies) {
      throw new ProfileException(
          model
              + ": batch size "
              + batch
              + " cannot be applied: "
              + (conflicting == null
                  ? (specs.isEmpty() ? "the model has no inputs" : "all its inputs are scalars")
                      + ", so none has a batch dim; give no batch size"
                  : "input '"
                      + conflicting.name()
                      + "' is "
                      + conflicting.shapeString()
                      + ", its dim 0 is fixed at "
                      + conflicting.dims().get(0).size()
                      + "; use batch size "
                      + conflicting.dims().get(0).size()
                      + " or re-export the model with a dynamic batch dim"),
          Parameter.BATCHES);
    }
    for (TensorSpec s : specs) {
      if (s.rankKnown()
          && !s.dims().isEmpty()
          && s.dims().get(0).isFixed()
          && s.dims().get(0).size() != batch) {
        notes.accept(
            "input '"
                + s.name()
                + "' keeps its fixed dim 0 of "
                + s.dims().get(0).size()
                + " (not --batch "
                + batch
                + ")");
      }
    }
  }

  /**
   * Inputs from a data file: arrays matched by input name (a single array feeds a single input).
   * With {@code batch} set, the first {@code batch} rows are taken; without, all rows. Scalar
   * inputs are taken whole.
   */
  public static List<Tensor> fromData(
      String file, List<TensorSpec> specs, Map<String, Tensor> data, Integer batch)
      throws DataException {
    return fromData(file, specs, data, batch, false);
  }

  /**
   * Inputs for one profiled run from a data file: as {@link #fromData}, except that an input whose
   * dim 0 is fixed at N takes the first N rows of a longer array, with or without {@code batch} (as
   * synthesized inputs keep a fixed dim 0), so a fixed-batch model runs on a data file of many
   * samples.
   */
  public static List<Tensor> fromDataForRun(
      String file, List<TensorSpec> specs, Map<String, Tensor> data, Integer batch)
      throws DataException {
    return fromData(file, specs, data, batch, true);
  }

  private static List<Tensor> fromData(
      String file,
      List<TensorSpec> specs,
      Map<String, Tensor> data,
      Integer batch,
      boolean fixedRows)
      throws DataException {
    List<Tensor> out = new java.util.ArrayList<>();
    for (TensorSpec s : specs) {
      Tensor t = data.get(s.name());
      if (t == null && specs.size() == 1 && data.size() == 1) {
        t = data.values().iterator().next().renamed(s.name());
      }
      if (t == null) {
        throw new DataException(
            file
                + ": no array named '"
                + s.name()
                + "' (it has "
                + String.join(", ", data.keySet())
                + "); name arrays after the model's inputs");
      }
      boolean refloat = Tensor.refloats(t.dtype(), s.dtype());
      if (s.dtype() != DType.OTHER && t.dtype() != s.dtype() && !refloat) {
        throw new DataException(
            file
                + ": array '"
                + t.name()
                + "' is "
                + t.dtype()
                + ", but input '"
                + s.name()
                + "' takes "
                + s.dtype()
                + "; convert it (e.g. arr.astype(...))");
      }
      List<Dim> dims = s.dims();
      if (s.rankKnown() && t.shape().length != dims.size()) {
        throw shapeMismatch(file, t, s);
      }
      // Rows are taken before the fixed dims are checked: a fixed dim 0 is checked on the rows
      // the run uses, not on the whole file.
      boolean scalar = s.rankKnown() && dims.isEmpty();
      if (!scalar) {
        Dim d0 = dims.isEmpty() ? null : dims.get(0);
        if (fixedRows && d0 != null && d0.isFixed()) {
          if (t.shape()[0] > d0.size()) {
            t = firstRows(file, t, d0.size());
          }
        } else if (batch != null) {
          t = firstRows(file, t, batch);
        }
      }
      long[] shape = t.shape();
      for (int i = 0; i < dims.size(); i++) {
        Dim d = dims.get(i);
        if (d.isFixed() && d.size() != shape[i]) {
          throw shapeMismatch(file, t, s);
        }
      }
      // Arrays made for a float32 model feed its float16 twin (rounded to half), and back.
      out.add((refloat ? t.as(s.dtype()) : t).renamed(s.name()));
    }
    return out;
  }

  private static DataException shapeMismatch(String file, Tensor t, TensorSpec s) {
    return new DataException(
        file
            + ": array '"
            + t.name()
            + "' has shape "
            + Arrays.toString(t.shape())
            + ", but input '"
            + s.name()
            + "' is "
            + s.shapeString());
  }

  /** The first {@code rows} entries along dim 0. */
  public static Tensor firstRows(String file, Tensor t, long rows) throws DataException {
    long[] shape = t.shape();
    if (shape.length == 0 || shape[0] < rows) {
      throw new DataException(
          file
              + ": array '"
              + t.name()
              + "' has "
              + (shape.length == 0 ? 0 : shape[0])
              + " rows, fewer than the batch of "
              + rows);
    }
    long rowBytes = Tensor.elementCount(shape) / shape[0] * t.dtype().bytes();
    shape[0] = rows;
    ByteBuffer b = t.data().limit((int) (rowBytes * rows));
    return Tensor.of(t.name(), t.dtype(), shape, b);
  }
}
