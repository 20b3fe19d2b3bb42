package dev.infercost.models.internal;

import dev.infercost.base.Parameter;
import dev.infercost.models.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** File checks and atomic writes shared by every loader and writer. */
public final class ModelFiles {
  private ModelFiles() {}

  /** Returns the file's size after checking it exists, is a regular file and is not empty. */
  public static long checkReadableFile(Path file) throws ModelException {
    if (!Files.exists(file)) {
      throw ModelException.of(file, "no such file; check the path or use a built-in model name");
    }
    if (Files.isDirectory(file)) {
      throw ModelException.of(file, "is a directory; pass the model file inside it");
    }
    requireRegularFile(file, file, "is");
    if (!Files.isReadable(file)) {
      throw ModelException.of(file, "is not readable; check its permissions");
    }
    try {
      long size = Files.size(file);
      if (size == 0) {
        throw ModelException.of(file, "is empty; re-export or re-download the model");
      }
      return size;
    } catch (IOException e) {
      throw ModelException.of(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses {@code file} unless it is a regular file (through links): a FIFO or a device would
   * block a read or never end it. The one check every model reader makes before opening a file; the
   * message names {@code owner} and says {@code what} {@code file} is ({@code "is"} for the file
   * itself, {@code "external data 'w.bin' is"} for another).
   */
  public static void requireRegularFile(Path owner, Path file, String what) throws ModelException {
    if (!Files.isRegularFile(file)) {
      throw ModelException.of(
          owner,
          what
              + " not a regular file (a FIFO, socket or device); pass a file, or copy the data into"
              + " one");
    }
  }

  /** True when the file starts with a zip header (TorchScript archives are zip files). */
  public static boolean isZip(Path file) throws ModelException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    } catch (IOException e) {
      throw ModelException.of(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /** Checks a TorchScript file: readable, non-empty, and a zip archive as torch.jit.save writes. */
  public static void checkTorchScript(Path file) throws ModelException {
    checkReadableFile(file);
    if (!isZip(file)) {
      throw ModelException.of(
          file,
          "is not a TorchScript archive (torch.jit.save writes a zip file); pass a .pt file saved"
              + " with torch.jit, or run ONNX models on ONNX Runtime",
          Parameter.ENGINE);
    }
  }

  static void refuseZip(Path file, String expected) throws ModelException {
    if (isZip(file)) {
      throw ModelException.of(
          file,
          "is a zip archive (a TorchScript model?), not "
              + expected
              + "; pass a .onnx file, or run TorchScript models on DJL's PyTorch engine",
          Parameter.ENGINE);
    }
  }

  /**
   * Resolves a relative location inside {@code dir}, refusing absolute paths and any path that
   * escapes the directory (by {@code ..} or through a symbolic link).
   */
  public static Path resolveInside(Path owner, Path dir, String location) throws ModelException {
    Path rel;
    try {
      rel = Path.of(location);
    } catch (RuntimeException e) {
      throw ModelException.of(owner, "external data location '" + location + "' is not a path");
    }
    if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
      throw ModelException.of(
          owner,
          "external data location '"
              + location
              + "' is absolute; only files inside the model's directory are allowed");
    }
    Path base = dir.toAbsolutePath().normalize();
    Path resolved = base.resolve(rel).normalize();
    if (!resolved.startsWith(base)) {
      throw ModelException.of(
          owner,
          "external data location '"
              + location
              + "' escapes the model's directory; only files inside it are allowed");
    }
    try {
      if (Files.exists(resolved) && !resolved.toRealPath().startsWith(base.toRealPath())) {
        throw ModelException.of(
            owner,
            "external data location '"
                + location
                + "' links outside the model's directory; only files inside it are allowed");
      }
    } catch (IOException e) {
      throw ModelException.of(owner, "cannot resolve external data '" + location + "': " + e, e);
    }
    return resolved;
  }

  public static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }
}
