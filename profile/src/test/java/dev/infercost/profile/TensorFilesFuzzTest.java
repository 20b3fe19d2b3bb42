package dev.infercost.profile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.infercost.base.ReaderFuzz;
import dev.infercost.models.Tensor;
import java.nio.file.Path;

/**
 * Fuzz tests of the NumPy readers (see {@code dev.infercost.base.ReaderFuzz}); every array read is
 * also converted to floats, as evaluation does. Seeds and past findings are in {@code
 * TensorFilesFuzzTestInputs/<method>/}.
 */
class TensorFilesFuzzTest {
  @FuzzTest
  void npy(byte[] bytes) throws Exception {
    read(ReaderFuzz.write(ReaderFuzz.scratch(), "x.npy", bytes));
  }

  @FuzzTest
  void npz(byte[] bytes) throws Exception {
    read(ReaderFuzz.write(ReaderFuzz.scratch(), "data.npz", bytes));
  }

  private static void read(Path file) throws Exception {
    ReaderFuzz.check(
        () -> {
          for (Tensor t : TensorFiles.read(file).values()) {
            t.toFloats();
          }
        });
  }
}
