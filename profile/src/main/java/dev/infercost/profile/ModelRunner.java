package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import dev.infercost.models.Tensor;
import java.util.List;

/**
 * One loaded model on one engine and device, run repeatedly on bound inputs. Open with {@link
 * Profiler#open}; holds native memory, so close it. Not thread-safe.
 */
public interface ModelRunner extends AutoCloseable {
  /** Copies inputs to native memory once; replaces earlier bound inputs. */
  void bind(List<Tensor> inputs) throws InfercostException;

  /** One inference on the bound inputs; outputs are freed at once. */
  void run() throws InfercostException;

  /** One inference returning its outputs (for evaluation, not timing). */
  List<Tensor> runAndFetch(List<Tensor> inputs) throws InfercostException;

  @Override
  void close();
}
