package io.brazier.proxy.upstream;

import java.io.InputStream;
import java.util.Map;

/**
 * What comes back through the proxy: a status, the headers a client gets (already rewritten to the proxy's base
 * URL), and a body still to be read (the upstream's stream, not yet rewritten), or none.
 */
record UpstreamAnswer(int status, Map<String, String> headers, InputStream body) {}
