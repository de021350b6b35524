package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JacksonTest {
  /** Over Jackson's default limit of 20,000,000 chars. */
  private static final int LENGTH = 21_000_000;
  private static final byte[] JSON = ("{\"data\":\"" + "A".repeat(LENGTH) + "\"}").getBytes(StandardCharsets.UTF_8);
  /** What makes a mapper or factory with Jackson's own defaults. */
  private static final Pattern OWN_JACKSON = Pattern.compile(
      "new (ObjectMapper|JsonMapper|JsonFactory|MappingJsonFactory)\\(|(JsonMapper|JsonFactory)\\.builder\\(");

  @Test
  void theSharedMapperReadsAStringLongerThanJacksonsDefaultLimit() throws IOException {
    assertThat(Jackson.MAPPER.readTree(JSON).path("data").asText()).hasSize(LENGTH);
  }

  @Test
  void aMapperBuiltWithOtherSettingsReadsAStringLongerThanJacksonsDefaultLimit() throws IOException {
    assertThat(Jackson.builder().build().readTree(JSON).path("data").asText()).hasSize(LENGTH);
  }

  @Test
  void aParserOfTheFactoryReadsAStringLongerThanJacksonsDefaultLimit() throws IOException {
    try (JsonParser parser = Jackson.factory().createParser(JSON)) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      assertThat(parser.nextFieldName()).isEqualTo("data");
      assertThat(parser.nextTextValue()).hasSize(LENGTH);
    }
  }

  @Test
  void noSourceOfAnyModuleMakesAMapperOrFactoryOfItsOwn() throws IOException {
    List<Path> sources = new ArrayList<>();
    // The tests run in this module's folder; the modules are its siblings.
    try (Stream<Path> modules = Files.list(Path.of("").toAbsolutePath().getParent())) {
      for (Path src : modules.map(module -> module.resolve("src")).filter(Files::isDirectory).toList()) {
        try (Stream<Path> files = Files.walk(src)) {
          files.filter(file -> file.toString().endsWith(".java")).forEach(sources::add);
        }
      }
    }
    sources.remove(Path.of("src/main/java/io/brazier/client/Jackson.java").toAbsolutePath());

    assertThat(sources).as("the sources of every module").hasSizeGreaterThan(500);
    assertThat(sources).filteredOn(JacksonTest::makesItsOwn).isEmpty();
  }

  private static boolean makesItsOwn(Path source) {
    try {
      return OWN_JACKSON.matcher(Files.readString(source)).find();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
