package io.brazier.sync.dataverse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code $batch} of one change set (OData v4.0 multipart format, section 11.7): its requests succeed or fail
 * together, in their order, and the answer says so by the status of each part.
 */
final class ChangeSet {
  private static final Pattern STATUS = Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3})[^\\r\\n]*");

  /** One request of the change set: a method, a URL relative to the service root, and a JSON body (or none). */
  record Request(String method, String url, String body) {}

  private final List<Request> requests = new ArrayList<>();

  void add(Request request) {
    requests.add(request);
  }

  int size() {
    return requests.size();
  }

  boolean isEmpty() {
    return requests.isEmpty();
  }

  /** The body of the {@code $batch} request, under {@code boundary}. */
  String body(String base, String boundary) {
    String changeSet = "changeset_" + UUID.randomUUID();
    StringBuilder body = new StringBuilder();
    body.append("--").append(boundary).append("\r\n")
        .append("Content-Type: multipart/mixed; boundary=").append(changeSet).append("\r\n\r\n");
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      body.append("--").append(changeSet).append("\r\n")
          .append("Content-Type: application/http\r\n")
          .append("Content-Transfer-Encoding: binary\r\n")
          .append("Content-ID: ").append(i + 1).append("\r\n\r\n")
          .append(request.method()).append(' ').append(base).append(request.url()).append(" HTTP/1.1\r\n");
      if (request.body() != null) {
        body.append("Content-Type: application/json\r\n\r\n").append(request.body()).append("\r\n");
      } else {
        // The blank line that ends the headers; the line break before the next delimiter belongs to it.
        body.append("\r\n\r\n");
      }
    }
    body.append("--").append(changeSet).append("--\r\n");
    body.append("--").append(boundary).append("--\r\n");
    return body.toString();
  }

  /**
   * The first failure the answer to the batch reports: the status line and the OData error that follows it; null
   * when every part succeeded.
   */
  static Failure failure(String answer) {
    Matcher status = STATUS.matcher(answer);
    while (status.find()) {
      int code = Integer.parseInt(status.group(1));
      if (code >= 400) {
        int start = answer.indexOf('{', status.end());
        int end = start < 0 ? -1 : answer.indexOf("\r\n--", start);
        String error = start < 0 ? "" : answer.substring(start, end < 0 ? answer.length() : end).trim();
        return new Failure(code, error);
      }
    }
    return null;
  }

  /** A part that failed: its status and its OData error body. */
  record Failure(int status, String body) {}
}
