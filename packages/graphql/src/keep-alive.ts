/**
 * How long pooled HTTP connections between our services stay open when idle. A connection must
 * always be given up by the client before the server closes it: a request written onto a socket
 * the server is closing at that instant fails with ECONNRESET ("socket hang up"). Node's defaults
 * (server 5 s, client pools that follow the server's hint minus a second) race exactly there.
 */

/** Servers (gateway and subgraphs) keep an idle connection this long; above common load-balancer idle timeouts (60 s). */
export const SERVER_KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Must exceed the keep-alive timeout, or a reused connection can be cut while its next request's headers arrive. */
export const SERVER_HEADERS_TIMEOUT_MS = SERVER_KEEP_ALIVE_TIMEOUT_MS + 1_000;

/** Our outbound pools drop an idle socket well before any of our servers would close it. */
export const CLIENT_IDLE_SOCKET_TIMEOUT_MS = 30_000;
