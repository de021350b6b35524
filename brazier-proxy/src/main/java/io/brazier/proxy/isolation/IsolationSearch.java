package io.brazier.proxy.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Where isolation reads what it decides on: the server it guards, in process or over HTTP. */
interface IsolationSearch {

  /** Every match of {@code url} ({@code Consent?category=x}, below the base), as JSON. */
  List<JsonNode> all(String url);
}
