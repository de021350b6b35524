package io.brazier.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeModulesTest {
  @TempDir
  Path root;

  @Test
  void theRepositoryRootHoldsPackageJsonAndTheParentPom() throws IOException {
    Path found = NodeModules.repositoryRoot();

    assertThat(found.resolve("package.json")).exists();
    assertThat(found.resolve("brazier-testkit/pom.xml")).exists();
  }

  @Test
  void anInstalledToolIsFoundWithoutNpm() throws IOException {
    Path tool = Files.createDirectories(root.resolve("node_modules/.bin")).resolve("tool");
    Files.writeString(tool, "#!/bin/sh\n");
    assertThat(tool.toFile().setExecutable(true)).isTrue();

    Path found = NodeModules.ensure(root, "tool");

    assertThat(found).isEqualTo(tool);
    assertThat(root.resolve(".npm-ci.lock")).as("no lock taken, no npm ci run").doesNotExist();
  }

  @Test
  void threadsThatAskForAMissingToolAtOnceGetItInstalledByNpmCi() throws Exception {
    packageWithLocalTool();

    Parallel.Run<Path> run = Parallel.run(2, 1, (thread, step) -> NodeModules.ensure(root, "tool"));

    assertThat(run.results()).containsOnly(root.resolve("node_modules/.bin/tool")).hasSize(2);
    assertThat(root.resolve("node_modules/.bin/tool")).isExecutable();
  }

  @Test
  void aToolThatPackageJsonLacksIsAClearError() throws IOException {
    packageWithLocalTool();

    assertThatThrownBy(() -> NodeModules.ensure(root, "newman")).isInstanceOf(IOException.class)
        .hasMessageContaining("npm ci did not install").hasMessageContaining("is newman in package.json?");
  }

  /** A package.json whose one dependency is a local folder with a bin, so that npm ci needs no registry. */
  private void packageWithLocalTool() throws IOException {
    Files.createDirectories(root.resolve("tool"));
    Files.writeString(root.resolve("tool/package.json"), """
        {"name": "tool", "version": "1.0.0", "bin": {"tool": "run.js"}}""");
    Files.writeString(root.resolve("tool/run.js"), "#!/usr/bin/env node\n");
    Files.writeString(root.resolve("package.json"), """
        {"name": "tools", "private": true, "devDependencies": {"tool": "file:tool"}}""");
    Files.writeString(root.resolve("package-lock.json"), """
        {"name": "tools", "lockfileVersion": 3, "requires": true, "packages": {
          "": {"name": "tools", "devDependencies": {"tool": "file:tool"}},
          "node_modules/tool": {"resolved": "tool", "link": true},
          "tool": {"name": "tool", "version": "1.0.0", "dev": true, "bin": {"tool": "run.js"}}}}""");
  }
}
