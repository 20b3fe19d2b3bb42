package dev.infercost.profile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.infercost.base.Parameter;
import dev.infercost.base.ReaderFuzz;
import java.nio.file.Path;

/**
 * Fuzz test of the image preprocessing spec reader ({@code preprocess.yaml}; see {@code
 * dev.infercost.base.ReaderFuzz}). Seeds and past findings are in {@code
 * PreprocessingFuzzTestInputs/yaml/}.
 */
class PreprocessingFuzzTest {
  @FuzzTest
  void yaml(byte[] bytes) throws Exception {
    Path f = ReaderFuzz.write(ReaderFuzz.scratch(), Preprocessing.FILE_NAME, bytes);
    ReaderFuzz.check(() -> Preprocessing.read(f, Parameter.EVAL_DATA));
  }
}
