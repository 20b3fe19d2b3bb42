package dev.infercost.models.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.models.Op;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which graph outputs are computed through a step of the model's own float values: a comparison
 * (Equal, Greater, Less and their -OrEqual forms), an index (ArgMax, ArgMin, TopK's indices,
 * NonMaxSuppression) or a rounding (Round, Floor, Ceil, Sign) of a value that the weights (float
 * tensors of more than one element) feed. A small change of such a value, as compression makes, can
 * flip the step's result, and the output then moves by a whole jump: a non-maximum suppression
 * written into the graph keeps another peak, an index picks another row. Values the weights do not
 * feed (an attention mask compared with 0, shape arithmetic) are exact in every variant and are not
 * steps here.
 */
public final class SteppedOutputs {
  private SteppedOutputs() {}

  /** Each such output of {@code g}, in graph order, with the first step it is computed through. */
  public static Map<String, String> of(GraphProto g) {
    Set<String> weights = new HashSet<>();
    for (TensorProto t : g.getInitializerList()) {
      if (weight(t)) {
        weights.add(t.getName());
      }
    }
    // Values that change when float weights change: fed by one, through any path but a shape.
    Set<String> perturbed = new HashSet<>();
    Map<String, String> through = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      Op op = Op.defaultDomain(n.getDomain()) ? Op.of(n.getOpType()) : null;
      if (op == Op.SHAPE || op == Op.SIZE) {
        continue; // a shape, not the values
      }
      if (op == Op.CONSTANT) {
        // Some exporters hold every weight in a Constant node.
        n.getAttributeList().stream()
            .filter(a -> a.getName().equals("value") && weight(a.getT()))
            .findFirst()
            .ifPresent(a -> weights.add(n.getOutput(0)));
        continue;
      }
      boolean fed =
          n.getInputList().stream().anyMatch(v -> weights.contains(v) || perturbed.contains(v));
      if (!fed) {
        continue;
      }
      String inherited =
          n.getInputList().stream()
              .map(through::get)
              .filter(s -> s != null)
              .findFirst()
              .orElse(null);
      List<Integer> steps = op == null ? List.of() : steppedOutputs(op);
      for (int i = 0; i < n.getOutputCount(); i++) {
        String out = n.getOutput(i);
        if (out.isEmpty()) {
          continue;
        }
        perturbed.add(out);
        String step =
            inherited != null ? inherited : steps.contains(i) ? op.type() + " " + who(n) : null;
        if (step != null) {
          through.put(out, step);
        }
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (ValueInfoProto o : g.getOutputList()) {
      String step = through.get(o.getName());
      if (step != null) {
        out.put(o.getName(), step);
      }
    }
    return out;
  }

  /** {@code 'name'}, or for a node without one the value it writes. */
  private static String who(NodeProto n) {
    return n.getName().isEmpty()
        ? "(writing '" + String.join("', '", n.getOutputList()) + "')"
        : "'" + n.getName() + "'";
  }

  /** The outputs of {@code op} that step as its inputs change smoothly. */
  private static List<Integer> steppedOutputs(Op op) {
    return switch (op) {
      case EQUAL,
              GREATER,
              GREATER_OR_EQUAL,
              LESS,
              LESS_OR_EQUAL,
              ARG_MAX,
              ARG_MIN,
              NON_MAX_SUPPRESSION,
              ROUND,
              FLOOR,
              CEIL,
              SIGN ->
          List.of(0);
      case TOP_K -> List.of(1); // the values are sorted continuously; the indices step
      default -> List.of();
    };
  }

  /**
   * Whether compression can change {@code t}: a float tensor of more than one element (a scalar
   * such as a threshold stays as it is).
   */
  private static boolean weight(TensorProto t) {
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    return n > 1 && floating(t.getDataType());
  }

  private static boolean floating(int type) {
    return type == TensorProto.DataType.FLOAT_VALUE
        || type == TensorProto.DataType.FLOAT16_VALUE
        || type == TensorProto.DataType.BFLOAT16_VALUE
        || type == TensorProto.DataType.DOUBLE_VALUE;
  }
}
