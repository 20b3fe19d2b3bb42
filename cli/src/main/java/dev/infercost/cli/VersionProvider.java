package dev.infercost.cli;

import dev.infercost.profile.HostInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: infercost, ONNX Runtime and Java versions. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    HostInfo h = HostInfo.current();
    return new String[] {
      "infercost " + h.infercost(), "ONNX Runtime " + h.onnxRuntime(), "Java " + h.java()
    };
  }
}
