package dev.infercost.models.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.infercost.base.AtomicFiles;
import dev.infercost.base.Hashes;
import dev.infercost.models.ModelException;
import dev.infercost.models.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Reads and writes ONNX protobuf files: size limits, external data, atomic saves. */
public final class OnnxFiles {
  /** protobuf's own ceiling for one message; ONNX models above it must use external data. */
  private static final int MAX_PROTO_BYTES = Integer.MAX_VALUE;

  private OnnxFiles() {}

  /**
   * Loads {@code file}; with {@code readExternal} false, tensors stored as external data stay
   * references (checked all the same: location, file, length), for facts that need shapes, not
   * weights.
   */
  public static OnnxModel load(Path file, boolean readExternal) throws ModelException {
    long size = ModelFiles.checkReadableFile(file);
    ModelFiles.refuseZip(file, "ONNX");
    MemoryBudget.check(file, size, "loading the model file");
    ModelProto proto;
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream coded = CodedInputStream.newInstance(in, 1 << 16);
      coded.setSizeLimit(MAX_PROTO_BYTES);
      coded.setRecursionLimit(1000);
      proto = ModelProto.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw ModelException.of(
          file,
          "not a valid ONNX model (corrupt or truncated protobuf: "
              + e.getMessage()
              + "); re-export the model",
          e);
    } catch (IOException e) {
      throw ModelException.of(file, "cannot read: " + e.getMessage(), e);
    }
    proto = TopoOrder.sorted(proto);
    GraphChecks.model(file, proto);
    Inliner inliner = new Inliner(file, file.toAbsolutePath().getParent(), size, readExternal);
    proto = inliner.model(proto);
    return new OnnxModel(proto, Optional.of(file), size + inliner.externalBytes);
  }

  /**
   * Reads external data into the IR wherever ONNX allows tensors: initializers and sparse
   * initializers, and node attributes ({@code t}, {@code tensors}, sparse tensors) in the graph,
   * its subgraphs ({@code g}, {@code graphs}) and the model's functions. Every location is checked
   * to stay inside the model's directory and name a regular file; every tensor, inline or external,
   * must hold exactly the bytes its shape calls for, and external data is read only within the
   * memory budget. Unchanged messages are returned as they are.
   */
  private static final class Inliner {
    private final Path file;
    private final Path dir;
    private final Set<String> seenFiles = new HashSet<>();
    private final boolean read;
    private long externalBytes;

    /** Bytes held so far: the model file, then each external tensor read. */
    private long held;

    Inliner(Path file, Path dir, long fileSize, boolean read) {
      this.file = file;
      this.dir = dir;
      this.held = fileSize;
      this.read = read;
    }

    ModelProto model(ModelProto m) throws ModelException {
      ModelProto.Builder b = null;
      GraphProto g = graph(m.getGraph());
      if (g != m.getGraph()) {
        b = m.toBuilder().setGraph(g);
      }
      for (int i = 0; i < m.getFunctionsCount(); i++) {
        FunctionProto f = m.getFunctions(i);
        FunctionProto.Builder fb = null;
        for (int k = 0; k < f.getNodeCount(); k++) {
          NodeProto n = node(f.getNode(k));
          if (n != f.getNode(k)) {
            fb = fb == null ? f.toBuilder() : fb;
            fb.setNode(k, n);
          }
        }
        if (fb != null) {
          b = b == null ? m.toBuilder() : b;
          b.setFunctions(i, fb);
        }
      }
      return b == null ? m : b.build();
    }

    GraphProto graph(GraphProto g) throws ModelException {
      GraphProto.Builder b = null;
      for (int i = 0; i < g.getInitializerCount(); i++) {
        TensorProto t = tensor(g.getInitializer(i));
        if (t != g.getInitializer(i)) {
          b = b == null ? g.toBuilder() : b;
          b.setInitializer(i, t);
        }
      }
      for (int i = 0; i < g.getSparseInitializerCount(); i++) {
        SparseTensorProto t = sparse(g.getSparseInitializer(i));
        if (t != g.getSparseInitializer(i)) {
          b = b == null ? g.toBuilder() : b;
          b.setSparseInitializer(i, t);
        }
      }
      for (int i = 0; i < g.getNodeCount(); i++) {
        NodeProto n = node(g.getNode(i));
        if (n != g.getNode(i)) {
          b = b == null ? g.toBuilder() : b;
          b.setNode(i, n);
        }
      }
      return b == null ? g : b.build();
    }

    private NodeProto node(NodeProto n) throws ModelException {
      NodeProto.Builder b = null;
      for (int i = 0; i < n.getAttributeCount(); i++) {
        AttributeProto a = attribute(n.getAttribute(i));
        if (a != n.getAttribute(i)) {
          b = b == null ? n.toBuilder() : b;
          b.setAttribute(i, a);
        }
      }
      return b == null ? n : b.build();
    }

    private AttributeProto attribute(AttributeProto a) throws ModelException {
      AttributeProto.Builder b = null;
      if (a.hasT()) {
        TensorProto t = tensor(a.getT());
        if (t != a.getT()) {
          b = a.toBuilder().setT(t);
        }
      }
      for (int i = 0; i < a.getTensorsCount(); i++) {
        TensorProto t = tensor(a.getTensors(i));
        if (t != a.getTensors(i)) {
          b = b == null ? a.toBuilder() : b;
          b.setTensors(i, t);
        }
      }
      if (a.hasSparseTensor()) {
        SparseTensorProto t = sparse(a.getSparseTensor());
        if (t != a.getSparseTensor()) {
          b = b == null ? a.toBuilder() : b;
          b.setSparseTensor(t);
        }
      }
      for (int i = 0; i < a.getSparseTensorsCount(); i++) {
        SparseTensorProto t = sparse(a.getSparseTensors(i));
        if (t != a.getSparseTensors(i)) {
          b = b == null ? a.toBuilder() : b;
          b.setSparseTensors(i, t);
        }
      }
      if (a.hasG()) {
        GraphProto g = graph(a.getG());
        if (g != a.getG()) {
          b = b == null ? a.toBuilder() : b;
          b.setG(g);
        }
      }
      for (int i = 0; i < a.getGraphsCount(); i++) {
        GraphProto g = graph(a.getGraphs(i));
        if (g != a.getGraphs(i)) {
          b = b == null ? a.toBuilder() : b;
          b.setGraphs(i, g);
        }
      }
      return b == null ? a : b.build();
    }

    private SparseTensorProto sparse(SparseTensorProto s) throws ModelException {
      TensorProto values = tensor(s.getValues());
      TensorProto indices = tensor(s.getIndices());
      if (values == s.getValues() && indices == s.getIndices()) {
        return s;
      }
      SparseTensorProto.Builder b = s.toBuilder();
      if (s.hasValues()) {
        b.setValues(values);
      }
      if (s.hasIndices()) {
        b.setIndices(indices);
      }
      return b.build();
    }

    private TensorProto tensor(TensorProto t) throws ModelException {
      if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
        GraphChecks.inlineData(file, t);
        return t;
      }
      return readExternal(t);
    }

    private TensorProto readExternal(TensorProto t) throws ModelException {
      String location = null;
      long offset = 0;
      long length = -1;
      for (StringStringEntryProto e : t.getExternalDataList()) {
        switch (e.getKey()) {
          case "location" -> location = e.getValue();
          case "offset" -> offset = parseLong(file, t, e);
          case "length" -> length = parseLong(file, t, e);
          default -> {}
        }
      }
      if (location == null || location.isEmpty()) {
        throw ModelException.of(
            file, "tensor '" + t.getName() + "' is external but names no location");
      }
      Path data = ModelFiles.resolveInside(file, dir, location);
      if (Files.exists(data)) {
        ModelFiles.requireRegularFile(file, data, "external data '" + location + "' is");
      }
      long expected = GraphChecks.expectedBytes(file, t);
      try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
        long fileSize = ch.size();
        if (seenFiles.add(data.toString())) {
          externalBytes += fileSize;
        }
        long len = length < 0 ? fileSize - offset : length;
        if (offset < 0 || len < 0 || len > fileSize - offset) {
          throw ModelException.of(
              file,
              "tensor '"
                  + t.getName()
                  + "' wants bytes "
                  + offset
                  + ".."
                  + (offset + len)
                  + " of "
                  + data
                  + ", which has "
                  + fileSize
                  + "; the external data file is truncated or does not belong to this model");
        }
        if (expected >= 0 && len != expected) {
          throw ModelException.of(
              file,
              "tensor '"
                  + t.getName()
                  + "' of shape "
                  + t.getDimsList()
                  + " needs "
                  + expected
                  + " bytes but its external data in "
                  + location
                  + " has "
                  + len
                  + "; the external data file is truncated or does not belong to this model");
        }
        if (!read) {
          return t;
        }
        MemoryBudget.check(file, held + len, "loading the model with its external data");
        held += len;
        if (len > Integer.MAX_VALUE - 64) {
          throw ModelException.of(
              file, "tensor '" + t.getName() + "' is over 2 GiB, which infercost cannot hold yet");
        }
        var buf = java.nio.ByteBuffer.allocate((int) len);
        while (buf.hasRemaining()) {
          if (ch.read(buf, offset + buf.position()) < 0) {
            throw ModelException.of(file, "unexpected end of " + data);
          }
        }
        buf.flip();
        // The buffer is ours alone and never written again: wrap it rather than copy it, so a
        // 1 GiB tensor takes 1 GiB of heap, not 2 while it is copied.
        return t.toBuilder()
            .clearExternalData()
            .clearDataLocation()
            .setRawData(UnsafeByteOperations.unsafeWrap(buf))
            .build();
      } catch (NoSuchFileException e) {
        throw ModelException.of(
            file,
            "external data file '"
                + location
                + "' for tensor '"
                + t.getName()
                + "' is missing; keep it next to the model");
      } catch (IOException e) {
        throw ModelException.of(file, "cannot read external data '" + location + "': " + e, e);
      }
    }
  }

  private static long parseLong(Path file, TensorProto t, StringStringEntryProto e)
      throws ModelException {
    try {
      return Long.parseLong(e.getValue());
    } catch (NumberFormatException ex) {
      throw ModelException.of(
          file,
          "tensor '"
              + t.getName()
              + "' has a bad external "
              + e.getKey()
              + " '"
              + e.getValue()
              + "'");
    }
  }

  /**
   * Writes {@code model} to {@code target} atomically: the bytes go to a temporary file in the
   * target's directory, which is then moved over the target. A model over protobuf's 2 GiB ceiling
   * is written with its initializers as external data in {@code <target name>.data} next to it,
   * written first the same way. Refuses to overwrite the model's own source file.
   */
  public static void save(OnnxModel model, Path target) throws ModelException {
    Path abs = target.toAbsolutePath().normalize();
    refuseSource(model, abs, target);
    for (TensorProto t : model.proto().getGraph().getInitializerList()) {
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        throw new IllegalArgumentException(
            "initializer '"
                + t.getName()
                + "' was not read (Models.loadOnnxGraph); load with"
                + " Models.loadOnnx to save the model");
      }
    }
    if (ExternalData.fits(model.proto())) {
      AtomicFiles.write(abs, model.proto()::writeTo, ModelException::of);
      return;
    }
    Path data = abs.resolveSibling(abs.getFileName() + ".data");
    refuseSource(model, data, data);
    ExternalData.Split split;
    try {
      split = ExternalData.split(model.proto(), data.getFileName().toString());
    } catch (ModelException e) {
      throw ModelException.of(target, e.getMessage(), e);
    }
    AtomicFiles.write(data, split::writeData, ModelException::of);
    try {
      AtomicFiles.write(abs, split::writeProto, ModelException::of);
    } catch (ModelException e) {
      try {
        Files.deleteIfExists(data);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void refuseSource(OnnxModel model, Path abs, Path shown) throws ModelException {
    if (model.source().isPresent() && ModelFiles.sameFile(model.source().get(), abs)) {
      throw ModelException.of(
          shown, "refusing to overwrite the input model; choose another output path");
    }
  }

  /**
   * The SHA-256 of {@code m}'s serialized bytes, streamed; for a model over 2 GiB, of the message
   * with its initializers split out (as {@link #save} writes it) followed by their data.
   */
  public static String sha256(ModelProto m) throws ModelException {
    try {
      if (ExternalData.fits(m)) {
        return Hashes.sha256(m::writeTo);
      }
      ExternalData.Split split = ExternalData.split(m, "model.onnx.data");
      return Hashes.sha256(
          out -> {
            split.writeProto(out);
            split.writeData(out);
          });
    } catch (IOException e) {
      throw new IllegalStateException("hashing into memory failed", e);
    }
  }
}
