package dev.infercost.models.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.infercost.models.ModelException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX models past protobuf's 2 GiB ceiling for one message. Such a model is held in memory like
 * any other, its weights inline, but cannot be serialized in one piece: its initializers are split
 * out as external data in ONNX's layout ({@code data_location = EXTERNAL} with {@code location},
 * {@code offset}, {@code length}; tensors under 1 KiB stay inline and offsets are aligned to 4 KiB
 * so that ONNX Runtime can map them), as {@code onnx.save_model(..., save_as_external_data=True)}
 * writes them.
 */
public final class ExternalData {
  /** protobuf's ceiling for one message. */
  private static final long LIMIT = Integer.MAX_VALUE;

  /** onnx's {@code convert_model_to_external_data} default {@code size_threshold}. */
  private static final int MIN_BYTES = 1024;

  private static final int ALIGN = 4096;

  private static final int CHUNK = 1 << 20;

  private ExternalData() {}

  /**
   * A model with its initializers split out: the message to write, and the blobs that make up the
   * data file, each at its offset (zeros between them).
   */
  public record Split(ModelProto proto, List<ByteString> blobs, List<Long> offsets) {
    public Split {
      blobs = List.copyOf(blobs);
      offsets = List.copyOf(offsets);
    }

    /** Writes the model message. */
    public void writeProto(OutputStream out) throws IOException {
      proto.writeTo(out);
    }

    /** Writes the external data file's content. */
    public void writeData(OutputStream out) throws IOException {
      long at = 0;
      byte[] zeros = new byte[ALIGN];
      for (int i = 0; i < blobs.size(); i++) {
        int pad = (int) (offsets.get(i) - at);
        out.write(zeros, 0, pad);
        at += pad;
        ByteString blob = blobs.get(i);
        // In pieces: ByteString.writeTo copies the whole blob first, a second 1 GiB for a 1 GiB
        // tensor.
        for (int from = 0; from < blob.size(); from += CHUNK) {
          blob.substring(from, Math.min(blob.size(), from + CHUNK)).writeTo(out);
        }
        at += blob.size();
      }
    }
  }

  /** Whether {@code m} serializes as one protobuf message, under 2 GiB. */
  public static boolean fits(ModelProto m) {
    return serializedSize(m) < LIMIT;
  }

  /**
   * {@code m}'s serialized size, within a few bytes per initializer (protobuf's own {@code int}
   * figure wraps past 2 GiB): the message without the initializers' raw data, plus that data.
   */
  private static long serializedSize(ModelProto m) {
    GraphProto g = m.getGraph();
    long raw = 0;
    GraphProto.Builder stripped = g.toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (!t.getRawData().isEmpty()) {
        raw += t.getRawData().size() + 10;
        stripped.setInitializer(i, t.toBuilder().clearRawData());
      }
    }
    int rest = m.toBuilder().setGraph(stripped).build().getSerializedSize();
    // A negative size: the rest alone wrapped protobuf's int.
    return rest < 0 ? Long.MAX_VALUE : rest + raw;
  }

  /**
   * {@code m} with every initializer of 1 KiB or more moved to the data file {@code location}
   * (relative to the model file).
   *
   * @throws ModelException when the model is still over 2 GiB without them (weights held in node
   *     attributes or subgraphs); the message names no file
   */
  public static Split split(ModelProto m, String location) throws ModelException {
    GraphProto g = m.getGraph();
    GraphProto.Builder b = g.toBuilder();
    List<ByteString> blobs = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    long at = 0;
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      ByteString raw = t.getRawData();
      if (raw.size() < MIN_BYTES) {
        continue;
      }
      at = (at + ALIGN - 1) / ALIGN * ALIGN;
      b.setInitializer(
          i,
          t.toBuilder()
              .clearRawData()
              .setDataLocation(TensorProto.DataLocation.EXTERNAL)
              .clearExternalData()
              .addExternalData(entry("location", location))
              .addExternalData(entry("offset", Long.toString(at)))
              .addExternalData(entry("length", Integer.toString(raw.size()))));
      blobs.add(raw);
      offsets.add(at);
      at += raw.size();
    }
    ModelProto out = m.toBuilder().setGraph(b).build();
    if (!fits(out)) {
      throw new ModelException(
          "the model is over 2 GiB even with its initializers stored as external data (large"
              + " tensors in node attributes or subgraphs); make them initializers of the main"
              + " graph");
    }
    return new Split(out, blobs, offsets);
  }

  private static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }
}
