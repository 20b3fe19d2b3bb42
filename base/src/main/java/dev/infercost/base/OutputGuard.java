package dev.infercost.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses, before any work starts, a run whose outputs would replace one of its inputs (a model
 * overwritten by a JSON report, a baseline by Markdown, a suite by results) or each other. Paths
 * are compared resolved, through symbolic links, so {@code ./m.onnx}, {@code dir/../m.onnx} and a
 * link to it are one file.
 */
public final class OutputGuard {
  private final Map<String, Path> inputs = new LinkedHashMap<>();
  private final Map<String, Path> outputs = new LinkedHashMap<>();
  private final List<Folder> folders = new ArrayList<>();

  private record Folder(String what, Path dir, Collection<String> written) {}

  private OutputGuard() {}

  /** A guard with no paths yet. */
  public static OutputGuard of() {
    return new OutputGuard();
  }

  /** An input named {@code what} (a flag or argument name); null paths are ignored. */
  public OutputGuard input(String what, Path p) {
    if (p != null) {
      inputs.put(what, p);
    }
    return this;
  }

  /** An output file named {@code what}; null paths are ignored. */
  public OutputGuard output(String what, Path p) {
    if (p != null) {
      outputs.put(what, p);
    }
    return this;
  }

  /**
   * An output folder and the entries the run writes in it (file names, or folder names whose
   * contents it replaces); null folders are ignored.
   */
  public OutputGuard folder(String what, Path dir, Collection<String> written) {
    if (dir != null) {
      folders.add(new Folder(what, dir, List.copyOf(written)));
    }
    return this;
  }

  /**
   * Throws when an output is an input, two outputs are one file, or an input lies where an output
   * folder's run writes.
   */
  public void check() throws InfercostException {
    List<Map.Entry<String, Path>> outs = new ArrayList<>(outputs.entrySet());
    for (int i = 0; i < outs.size(); i++) {
      Path out = real(outs.get(i).getValue());
      for (var in : inputs.entrySet()) {
        if (out.equals(real(in.getValue()))) {
          throw clash(outs.get(i), in);
        }
      }
      for (int j = 0; j < i; j++) {
        if (out.equals(real(outs.get(j).getValue()))) {
          throw new InfercostException(
              outs.get(i).getValue()
                  + ": "
                  + outs.get(i).getKey()
                  + " and "
                  + outs.get(j).getKey()
                  + " name the same file; give each output its own path",
              Parameter.OUTPUT_FILE);
        }
      }
    }
    for (Folder f : folders) {
      Path dir = real(f.dir());
      for (var in : inputs.entrySet()) {
        Path p = real(in.getValue());
        for (String name : f.written()) {
          Path target = dir.resolve(name);
          if (p.equals(target) || p.startsWith(target)) {
            throw new InfercostException(
                in.getValue()
                    + ": "
                    + in.getKey()
                    + " lies where this run writes its output ("
                    + target
                    + "); choose another output folder or move the input",
                Parameter.OUTPUT_DIR);
          }
        }
      }
    }
  }

  private static InfercostException clash(Map.Entry<String, Path> out, Map.Entry<String, Path> in) {
    return new InfercostException(
        out.getValue()
            + ": "
            + out.getKey()
            + " would overwrite "
            + in.getKey()
            + " ("
            + in.getValue()
            + "); write the output elsewhere",
        Parameter.OUTPUT_FILE);
  }

  /** {@code p} resolved through links as far as it exists, the rest appended. */
  static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    List<Path> rest = new ArrayList<>();
    while (existing != null && !Files.exists(existing)) {
      rest.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      Path r = existing.toRealPath();
      for (Path part : rest) {
        r = r.resolve(part);
      }
      return r;
    } catch (IOException e) {
      return abs;
    }
  }
}
