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

  /** Longer headers are refused (numpy itself refuses headers over 10,000 bytes by default). */
  static final int MAX_HEADER_BYTES = 1 << 20;

  static Tensor readNpy(Path file, String key, InputStream in) throws IOException, DataException {
    String what = "array '" + key + "'";
    byte[] magic = in.readNBytes(6);
    if (magic.length < 6 || !java.util.Arrays.equals(magic, MAGIC)) {
      throw DataException.of(file, what + " is not in NumPy .npy format");
    }
    byte[] version = in.readNBytes(2);
    if (version.length < 2) {
      throw DataException.of(file, what + " is truncated inside its .npy preamble");
    }
    int major = Byte.toUnsignedInt(version[0]);
    if (major < 1 || major > 3) {
      throw DataException.of(
          file,
          what
              + " has unknown .npy format version "
              + major
              + "."
              + Byte.toUnsignedInt(version[1])
              + " (1.0, 2.0 and 3.0 exist); save it with numpy.save");
    }
    byte[] lenBytes = in.readNBytes(major == 1 ? 2 : 4);
    if (lenBytes.length < (major == 1 ? 2 : 4)) {
      throw DataException.of(file, what + " is truncated inside its .npy preamble");
    }
    ByteBuffer lb = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen =
        major == 1 ? Short.toUnsignedInt(lb.getShort()) : Integer.toUnsignedLong(lb.getInt());
    if (headerLen > MAX_HEADER_BYTES) {
      throw DataException.of(
          file,
          what
              + " claims a .npy header of "
              + headerLen
              + " bytes (at most "
              + MAX_HEADER_BYTES
              + " are read); the file is corrupt");
    }
    byte[] headerBytes = in.readNBytes((int) headerLen);
    if (headerBytes.length < headerLen) {
      throw DataException.of(file, what + " is truncated inside its .npy header");
    }
    // Versions 1 and 2 write the header in latin-1, version 3 in UTF-8.
    String header =
        new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw DataException.of(file, what + " has a malformed .npy header");
    }
    if (f.group(1).equals("True")) {
      throw DataException.of(file, what + " is Fortran-ordered; save it with np.ascontiguousarray");
    }
    DType dtype = dtype(file, key, d.group(1));
    long[] shape = shape(file, what, s.group(1));
    long bytes;
    try {
      long n = 1;
      for (long dim : shape) {
        n = Math.multiplyExact(n, dim);
      }
      bytes = Math.multiplyExact(n, (long) dtype.bytes());
    } catch (ArithmeticException e) {
      throw DataException.of(
          file, what + " has shape " + java.util.Arrays.toString(shape) + ", too large to hold");
    }
    if (bytes > Integer.MAX_VALUE - 64) {
      throw DataException.of(file, what + " is over 2 GiB");
    }
    byte[] data = in.readNBytes((int) bytes);
    if (data.length != bytes) {
      throw DataException.of(
          file, what + " is truncated: " + data.length + " of " + bytes + " bytes");
    }
    ByteBuffer buf = ByteBuffer.allocateDirect(data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(data).flip();
    return Tensor.of(key, dtype, shape, buf);
  }

  /** The dims of a header's {@code 'shape'} tuple: {@code "2, 3"}, {@code "5,"} or empty. */
  private static long[] shape(Path file, String what, String tuple) throws DataException {
    List<Long> dims = new ArrayList<>();
    String[] parts = tuple.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      // Python 2 wrote long dims with an 'L' suffix.
      if (part.endsWith("L")) {
        part = part.substring(0, part.length() - 1);
      }
      if (part.isEmpty()) {
        if (i == parts.length - 1 && (i > 0 || parts.length == 1)) {
          continue; // the trailing comma of "(5,)", or "()"
        }
        throw DataException.of(file, what + " has a malformed shape (" + tuple + ")");
      }
      if (!part.matches("-?[0-9]+")) {
        throw DataException.of(
            file, what + " has a malformed shape (" + tuple + "): '" + part + "' is no number");
      }
      long dim;
      try {
        dim = Long.parseLong(part);
      } catch (NumberFormatException e) {
        throw DataException.of(file, what + " has a dim too large to hold: " + part);
      }
      if (dim < 0) {
        throw DataException.of(file, what + " has a negative dim in its shape (" + tuple + ")");
      }
      dims.add(dim);
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static DType dtype(Path file, String key, String descr) throws DataException {
    // descr is a byte order ('<' little, '>' big, '|' not applicable, '=' native) and a type code.
    char order = descr.isEmpty() ? '?' : descr.charAt(0);
    String code = "<>|=".indexOf(order) >= 0 ? descr.substring(1) : descr;
    DType t =
        switch (code) {
          case "f4" -> DType.FLOAT32;
          case "f8" -> DType.FLOAT64;
          case "f2" -> DType.FLOAT16;
          case "i8" -> DType.INT64;
          case "i4" -> DType.INT32;
          case "i2" -> DType.INT16;
          case "i1" -> DType.INT8;
          case "u1" -> DType.UINT8;
          case "b1" -> DType.BOOL;
          default -> null;
        };
    if (order == '>' && (t == null || t.bytes() > 1)) {
      // Byte order means nothing for single bytes, so '>i1' is as good as '|i1'.
      throw DataException.of(file, "array '" + key + "' is big-endian (" + descr + "); use '<'");
    }
    if (t == null) {
      throw DataException.of(file, "array '" + key + "' has unsupported dtype '" + descr + "'");
    }
    return t;
  }
}
