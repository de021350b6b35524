package io.brazier.proxy.upstream;

import java.io.InputStream;
import java.util.Map;

/**
 * What comes back through the proxy: a status, the headers a client gets (already rewritten to the proxy's base
 * URL), and a body still to be read (the upstream's stream, not yet rewritten), or none; its length in bytes as the
 * upstream sent it, -1 when not known.
 */
record UpstreamAnswer(int status, Map<String, String> headers, InputStream body, long length) {
  UpstreamAnswer(int status, Map<String, String> headers, InputStream body) {
    this(status, headers, body, -1);
  }
}
