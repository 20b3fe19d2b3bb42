package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The GPU variants on CUDA against the fp32 model on CPU: fp16 in real float16 arithmetic, int8 QDQ
 * as ONNX Runtime's CUDA provider runs it. Runs with {@code ./mvnw -Pcuda} and skips where there is
 * no CUDA provider.
 */
@Tag("gpu")
class GpuFidelityTest {
  @BeforeEach
  void needsCuda() {
    assumeTrue(
        OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
        "no CUDA execution provider in this build");
  }

  @Test
  void digitsCnnOnCuda() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    var fp16 = Compressor.toFp16(m, Fp16Options.defaults()).model().proto();
    BuiltinFidelity.Digits d = BuiltinFidelity.digits(m.proto(), fp16, true);
    System.out.println("digits-cnn fp16 on CUDA: " + d);
    assertTrue(d.agree() >= 0.99 * d.images(), d.toString());
  }

  @Test
  void miniLmOnCuda() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("minilm-l6", ModelFormat.ONNX));
    var fp16 = Compressor.toFp16(m, Fp16Options.defaults()).model().proto();
    BuiltinFidelity.MiniLm f = BuiltinFidelity.miniLm(m.proto(), fp16, true);
    System.out.println("minilm-l6 fp16 on CUDA: " + f);
    assertTrue(f.minCosine() >= 0.999, f.toString());
  }

  @Test
  void digitsCnnInt8QdqOnCuda() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    var qdq =
        Compressor.quantizeStatic(m, QuantOptions.defaults(), BuiltinFidelity.digitsCalibration(32))
            .model()
            .proto();
    BuiltinFidelity.Digits d = BuiltinFidelity.digits(m.proto(), qdq, true);
    System.out.println("digits-cnn int8-qdq on CUDA: " + d);
    assertTrue(d.accuracy() >= d.accuracyRef() - 0.01, d.toString());
  }
}
