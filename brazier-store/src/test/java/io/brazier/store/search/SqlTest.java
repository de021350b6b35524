package io.brazier.store.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text and the values bound to it are built side by side, values never inside the text. */
class SqlTest {

  @Test
  void valuesGoToTheArgumentsInTheOrderOfTheirPlaceholders() {
    Sql sql = new Sql().append("SELECT * FROM t WHERE a = ?", "x' OR '1'='1").append(" AND b = ?").arg(42)
        .array(" AND c = ANY(?)", "text", new Object[] {"p", "q"});

    assertThat(sql.text()).isEqualTo("SELECT * FROM t WHERE a = ? AND b = ? AND c = ANY(?)").doesNotContain("'1'");
    assertThat(sql.args()).hasSize(3).startsWith("x' OR '1'='1", 42);
    assertThat(sql.args().get(2)).isInstanceOfSatisfying(Sql.Array.class, array -> {
      assertThat(array.elementType()).isEqualTo("text");
      assertThat(array.values()).containsExactly("p", "q");
    });
  }

  @Test
  void aliasesAreUniqueWithinAStatement() {
    Sql sql = new Sql();

    assertThat(sql.alias("t")).isEqualTo("t0");
    assertThat(sql.alias("t")).isEqualTo("t1");
    assertThat(sql.alias("o")).isEqualTo("o2");
    assertThat(new Sql().alias("t")).as("in another statement").isEqualTo("t0");
  }
}
