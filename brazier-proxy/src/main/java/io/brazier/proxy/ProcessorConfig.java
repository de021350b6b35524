package io.brazier.proxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The processor chain as configured.
 *
 * @param pre the pre-processors in order ({@code --pre-processors})
 * @param post the post-processors in order ({@code --post-processors})
 * @param profiles the directory of profiles for {@code profile-validation} ({@code --profiles}), or null
 * @param options settings of other jars' processors ({@code --processor-option name.key=value})
 */
public record ProcessorConfig(List<String> pre, List<String> post, Path profiles, Map<String, String> options) {
  public static final ProcessorConfig NONE = new ProcessorConfig(List.of(), List.of(), null, Map.of());

  public ProcessorConfig {
    pre = List.copyOf(pre);
    post = List.copyOf(post);
    options = Map.copyOf(options);
    if (profiles != null && !Files.isDirectory(profiles)) {
      throw new IllegalArgumentException("--profiles " + profiles + " is not a directory");
    }
  }
}
