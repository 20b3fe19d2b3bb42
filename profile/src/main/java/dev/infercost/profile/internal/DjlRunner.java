package dev.infercost.profile.internal;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Interruption;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.models.TorchScriptModel;
import dev.infercost.profile.ModelRunner;
import java.nio.file.Path;
import java.util.List;

/** A TorchScript module on DJL's PyTorch engine. */
public final class DjlRunner implements ModelRunner {
  private final TorchScriptModel model;
  private TorchScriptModel.Prepared prepared;

  private DjlRunner(TorchScriptModel model) {
    this.model = model;
  }

  /**
   * Opens {@code file}; PyTorch's thread pools are sized once per process, before the engine
   * starts, so {@code threads} only takes effect on the first call.
   */
  public static DjlRunner open(Path file, int threads, boolean cuda) throws InfercostException {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    try (Interruption.Section n = Interruption.enter()) {
      return new DjlRunner(Models.loadTorchScript(file, cuda));
    }
  }

  @Override
  public void bind(List<Tensor> inputs) {
    if (prepared != null) {
      prepared.close();
    }
    try (Interruption.Section n = Interruption.enter()) {
      prepared = model.prepare(inputs);
    }
  }

  @Override
  public void run() throws InfercostException {
    if (prepared == null) {
      throw new IllegalStateException("no inputs bound");
    }
    try (Interruption.Section n = Interruption.enter()) {
      prepared.run();
    }
  }

  @Override
  public List<Tensor> runAndFetch(List<Tensor> inputs) throws InfercostException {
    try (Interruption.Section n = Interruption.enter()) {
      return model.forward(inputs);
    }
  }

  @Override
  public void close() {
    try {
      if (prepared != null) {
        prepared.close();
      }
    } finally {
      model.close();
    }
  }
}
