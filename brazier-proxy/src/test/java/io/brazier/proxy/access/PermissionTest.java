package io.brazier.proxy.access;

import static io.brazier.proxy.access.Permission.CREATE;
import static io.brazier.proxy.access.Permission.DELETE;
import static io.brazier.proxy.access.Permission.READ;
import static io.brazier.proxy.access.Permission.SEARCH;
import static io.brazier.proxy.access.Permission.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A scope's suffix as SMART v1 and v2 write it; anything else grants nothing, rather than a guess. */
class PermissionTest {

  @Test
  void smartV1SuffixesMeanTheirV2Letters() {
    assertThat(Permission.parse("read")).containsExactlyInAnyOrder(READ, SEARCH);
    assertThat(Permission.parse("write")).containsExactlyInAnyOrder(CREATE, UPDATE, DELETE);
    assertThat(Permission.parse("*")).isEqualTo(EnumSet.allOf(Permission.class));
  }

  @Test
  void v2LettersInCrudsOrderGrantEachTheirPermission() {
    assertThat(Permission.parse("cruds")).isEqualTo(EnumSet.allOf(Permission.class));
    assertThat(Permission.parse("rs")).containsExactlyInAnyOrder(READ, SEARCH);
    assertThat(Permission.parse("cud")).containsExactlyInAnyOrder(CREATE, UPDATE, DELETE);
    assertThat(Permission.parse("s")).containsExactly(SEARCH);
    assertThat(Permission.parse("cs")).containsExactlyInAnyOrder(CREATE, SEARCH);
  }

  @Test
  void lettersOutOfOrderRepeatedOrUnknownAndAnEmptySuffixGrantNothing() {
    for (String suffix : List.of("", "sr", "rr", "crudss", "x", "rx", "READ", "Read", "write ", "**")) {
      assertThat(Permission.parse(suffix)).as("'" + suffix + "'").isNull();
    }
  }
}
