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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The graph inputs of an ONNX file and the external data files its initializers name, read without
 * loading its weights: the protobuf stream is walked field by field and initializer payloads are
 * skipped, so a 1 GB model costs a read, not 1 GB of heap.
 */
public final class GraphInputs {
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;

  /** What a walk found: graph inputs, initializer names, external data locations. */
  private record Walk(List<ValueInfoProto> inputs, Set<String> initializers, Set<String> files) {}

  private GraphInputs() {}

  /**
   * The graph inputs that are not initializers, in file order; empty when the file cannot be walked
   * (then load it in full, which says what is wrong).
   */
  public static Optional<List<ValueInfoProto>> read(Path file) {
    return walk(file)
        .map(
            w -> {
              List<ValueInfoProto> inputs = new ArrayList<>(w.inputs());
              inputs.removeIf(v -> w.initializers().contains(v.getName()));
              return List.copyOf(inputs);
            });
  }

  /**
   * The {@code location}s of the main graph's initializers stored as external data, as written
   * (relative to the model's folder); empty when the file cannot be walked.
   */
  public static Optional<Set<String>> externalFiles(Path file) {
    return walk(file).map(Walk::files);
  }

  private static Optional<Walk> walk(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream c = CodedInputStream.newInstance(in, 1 << 16);
      c.setSizeLimit(Integer.MAX_VALUE);
      Walk w = new Walk(new ArrayList<>(), new HashSet<>(), new LinkedHashSet<>());
      boolean graph = false;
      for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
        if (isMessage(tag, MODEL_GRAPH)) {
          int limit = c.pushLimit(c.readRawVarint32());
          graph(c, w);
          c.popLimit(limit);
          graph = true;
        } else {
          c.skipField(tag);
        }
      }
      return graph ? Optional.of(w) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void graph(CodedInputStream c, Walk w) throws IOException {
    for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
      if (isMessage(tag, GRAPH_INPUT)) {
        w.inputs().add(ValueInfoProto.parseFrom(c.readBytes()));
      } else if (isMessage(tag, GRAPH_INITIALIZER)) {
        int limit = c.pushLimit(c.readRawVarint32());
        for (int t = c.readTag(); t != 0; t = c.readTag()) {
          if (isMessage(t, TENSOR_NAME)) {
            w.initializers().add(c.readStringRequireUtf8());
          } else if (isMessage(t, TENSOR_EXTERNAL_DATA)) {
            location(c, w.files());
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

  /** Adds the value of a {@code location} entry of a tensor's external data to {@code files}. */
  private static void location(CodedInputStream c, Set<String> files) throws IOException {
    int limit = c.pushLimit(c.readRawVarint32());
    String key = null;
    String value = null;
    for (int t = c.readTag(); t != 0; t = c.readTag()) {
      if (isMessage(t, ENTRY_KEY)) {
        key = c.readStringRequireUtf8();
      } else if (isMessage(t, ENTRY_VALUE)) {
        value = c.readStringRequireUtf8();
      } else {
        c.skipField(t);
      }
    }
    c.popLimit(limit);
    if ("location".equals(key) && value != null) {
      files.add(value);
    }
  }

  private static boolean isMessage(int tag, int field) {
    return WireFormat.getTagFieldNumber(tag) == field
        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }
}
