package dev.infercost.models.internal;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The graph inputs of an ONNX file, read without loading its weights: the protobuf stream is walked
 * field by field and initializer payloads are skipped, so a 1 GB model costs a read, not 1 GB of
 * heap.
 */
public final class GraphInputs {
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int TENSOR_NAME = 8;

  private GraphInputs() {}

  /**
   * The graph inputs that are not initializers, in file order; empty when the file cannot be walked
   * (then load it in full, which says what is wrong).
   */
  public static Optional<List<ValueInfoProto>> read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream c = CodedInputStream.newInstance(in, 1 << 16);
      c.setSizeLimit(Integer.MAX_VALUE);
      List<ValueInfoProto> inputs = new ArrayList<>();
      Set<String> initializers = new HashSet<>();
      boolean graph = false;
      for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
        if (isMessage(tag, MODEL_GRAPH)) {
          int limit = c.pushLimit(c.readRawVarint32());
          graph(c, inputs, initializers);
          c.popLimit(limit);
          graph = true;
        } else {
          c.skipField(tag);
        }
      }
      if (!graph) {
        return Optional.empty();
      }
      inputs.removeIf(v -> initializers.contains(v.getName()));
      return Optional.of(List.copyOf(inputs));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void graph(
      CodedInputStream c, List<ValueInfoProto> inputs, Set<String> initializers)
      throws IOException {
    for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
      if (isMessage(tag, GRAPH_INPUT)) {
        inputs.add(ValueInfoProto.parseFrom(c.readBytes()));
      } else if (isMessage(tag, GRAPH_INITIALIZER)) {
        int limit = c.pushLimit(c.readRawVarint32());
        for (int t = c.readTag(); t != 0; t = c.readTag()) {
          if (isMessage(t, TENSOR_NAME)) {
            initializers.add(c.readStringRequireUtf8());
          } else {
            c.skipField(t);
          }
        }
        c.popLimit(limit);
      } else {
        c.skipField(tag);
      }
    }
  }

  private static boolean isMessage(int tag, int field) {
    return WireFormat.getTagFieldNumber(tag) == field
        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }
}
