package dev.infercost.profile;

import dev.infercost.models.DType;
import dev.infercost.models.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Reads NumPy {@code .npy} and {@code .npz} files into tensors. */
public final class TensorFiles {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private TensorFiles() {}

  /**
   * Reads every array of a {@code .npz} (named by entry) or the one array of a {@code .npy} (named
   * by file stem), in file order.
   */
  public static Map<String, Tensor> read(Path file) throws DataException {
    if (!Files.isRegularFile(file)) {
      throw DataException.of(
          file,
          Files.isDirectory(file) ? "is a directory; pass a .npy or .npz file" : "no such file");
    }
    String name = file.getFileName().toString();
    try {
      if (Files.size(file) == 0) {
        throw DataException.of(file, "is empty");
      }
      if (name.endsWith(".npz")) {
        return readNpz(file);
      }
      if (name.endsWith(".npy")) {
        try (InputStream in = Files.newInputStream(file)) {
          String stem = name.substring(0, name.length() - 4);
          return Map.of(stem, readNpy(file, stem, in));
        }
      }
    } catch (IOException e) {
      throw DataException.of(file, "cannot read: " + e.getMessage());
    }
    throw DataException.of(file, "unknown data format; use .npy or .npz");
  }

  private static Map<String, Tensor> readNpz(Path file) throws IOException, DataException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      List<ZipEntry> entries = new ArrayList<>();
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        entries.add(e.nextElement());
      }
      for (ZipEntry e : entries) {
        String key =
            e.getName().endsWith(".npy")
                ? e.getName().substring(0, e.getName().length() - 4)
                : e.getName();
        try (InputStream in = zip.getInputStream(e)) {
          out.put(key, readNpy(file, key, in));
        }
      }
    } catch (ZipException e) {
      throw DataException.of(file, "not a valid .npz (zip) file: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw DataException.of(file, "holds no arrays");
    }
    return out;
  }

  static Tensor readNpy(Path file, String key, InputStream in) throws IOException, DataException {
    byte[] magic = in.readNBytes(6);
    if (magic.length < 6 || !java.util.Arrays.equals(magic, MAGIC)) {
      throw DataException.of(file, "array '" + key + "' is not in NumPy .npy format");
    }
    int major = in.read();
    in.read();
    byte[] lenBytes = in.readNBytes(major == 1 ? 2 : 4);
    ByteBuffer lb = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = major == 1 ? Short.toUnsignedInt(lb.getShort()) : lb.getInt();
    String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw DataException.of(file, "array '" + key + "' has a malformed .npy header");
    }
    if (f.group(1).equals("True")) {
      throw DataException.of(
          file, "array '" + key + "' is Fortran-ordered; save it with np.ascontiguousarray");
    }
    DType dtype = dtype(file, key, d.group(1));
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (!part.isBlank()) {
        dims.add(Long.parseLong(part.trim()));
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long bytes = Tensor.elementCount(shape) * dtype.bytes();
    if (bytes > Integer.MAX_VALUE - 64) {
      throw DataException.of(file, "array '" + key + "' is over 2 GiB");
    }
    byte[] data = in.readNBytes((int) bytes);
    if (data.length != bytes) {
      throw DataException.of(
          file, "array '" + key + "' is truncated: " + data.length + " of " + bytes + " bytes");
    }
    ByteBuffer buf = ByteBuffer.allocateDirect(data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(data).flip();
    return Tensor.of(key, dtype, shape, buf);
  }

  private static DType dtype(Path file, String key, String descr) throws DataException {
    if (descr.startsWith(">") && !descr.endsWith("1")) {
      throw DataException.of(file, "array '" + key + "' is big-endian (" + descr + "); use '<'");
    }
    return switch (descr.replaceFirst("^[<|=]", "")) {
      case "f4" -> DType.FLOAT32;
      case "f8" -> DType.FLOAT64;
      case "f2" -> DType.FLOAT16;
      case "i8" -> DType.INT64;
      case "i4" -> DType.INT32;
      case "i2" -> DType.INT16;
      case "i1" -> DType.INT8;
      case "u1" -> DType.UINT8;
      case "b1" -> DType.BOOL;
      default ->
          throw DataException.of(file, "array '" + key + "' has unsupported dtype '" + descr + "'");
    };
  }
}
