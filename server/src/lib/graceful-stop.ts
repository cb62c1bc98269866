/**
 * Stopping the HTTP server without dropping a request that has reached it.
 *
 * Node's `server.close()` stops listening and destroys every connection without a request in
 * progress at that instant. Two kinds of requests are lost that way: those on a keep-alive
 * connection whose bytes are in the socket's receive buffer but not read yet (the connection
 * still looks idle), and those on connections the kernel has accepted but Node has not (closing
 * the listening socket resets them). Both reach the client as ECONNRESET although the request
 * was sent in full. {@link gracefulStop} therefore stops in this order:
 *
 * 1. From now on every response says `Connection: close` (responses already started keep their
 *    header and have their connection closed when they end), so no client sends another
 *    request on a connection we are about to close. Of pipelined requests, only the last one
 *    received on a connection closes it.
 * 2. Turns of the event loop with the listener still open until the accept queue is empty
 *    (libuv accepts one connection per turn), so connections the kernel has already accepted
 *    become ours.
 * 3. Stop listening; two more turns read and parse the bytes already received on every
 *    connection, so their requests are in progress.
 * 4. Destroy the connections that are still idle: nothing has arrived on them to serve.
 * 5. Wait for the requests in progress to be answered (each closes its connection); after
 *    `graceMs` destroy what is left.
 */
import http from 'node:http';
import net from 'node:net';

/** Turns that read what has arrived on every connection (each turn polls every socket once). */
const READ_TURNS = 2;
/** Upper bound of the turns spent emptying the accept queue (it holds at most the listen backlog, 511). */
const MAX_ACCEPT_TURNS = 2048;

/** Connection tracking of a server, created before it listens. */
export interface GracefulStop {
  /**
   * Stops the server as described in the module comment. Resolves once every connection is
   * closed, with the number destroyed at the deadline because their requests were still running.
   */
  stop(graceMs: number): Promise<{ destroyed: number }>;
}

/** One turn of the event loop, poll phase included (an immediate queued from an immediate runs a turn later). */
function loopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function readArrived(): Promise<void> {
  for (let i = 0; i < READ_TURNS; i++) await loopTurn();
}

/** Starts tracking the connections and requests of `server`; call before `listen`. */
export function gracefulStop(server: http.Server): GracefulStop {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  // The response to the last request received on each connection, until it is finished.
  const latest = new Map<net.Socket, http.ServerResponse>();
  // Responses this module told to close their connection (and may tell otherwise again).
  const closing = new WeakSet<http.ServerResponse>();
  const closeAfter = (res: http.ServerResponse) => {
    if (res.headersSent || !res.shouldKeepAlive) return;
    res.shouldKeepAlive = false;
    closing.add(res);
  };
  let stopping = false;
  // Set once the listener is closed and the idle connections are gone.
  let draining = false;

  server.on('connection', (socket: net.Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      latest.delete(socket);
    });
  });
  // Before the application's listener, so the flag is set before anything can answer.
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    const previous = latest.get(socket);
    // A pipelined request arrived after an earlier one was told to close the connection: the
    // earlier one must keep it open for this one, which closes it instead.
    if (previous && closing.has(previous) && !previous.headersSent) {
      previous.shouldKeepAlive = true;
      closing.delete(previous);
    }
    if (stopping) closeAfter(res);
    latest.set(socket, res);
    res.once('finish', () => {
      if (latest.get(socket) === res) latest.delete(socket);
      // A response that started before the stop kept its connection open: close it now that
      // it is idle (after a turn, so anything already received on it is read first).
      if (draining && res.shouldKeepAlive) void readArrived().then(() => server.closeIdleConnections());
    });
  });

  /** Turns the loop until two turns in a row accept no connection: the accept queue is empty. */
  const acceptWaiting = async () => {
    let quiet = 0;
    for (let turn = 0; turn < MAX_ACCEPT_TURNS && quiet < 2; turn++) {
      const before = accepted;
      await loopTurn();
      quiet = accepted === before ? quiet + 1 : 0;
    }
  };

  return {
    async stop(graceMs) {
      stopping = true;
      for (const res of latest.values()) closeAfter(res);
      await acceptWaiting();
      const closed = new Promise<void>((resolve) => {
        // net.Server's close: stop listening only. http.Server's would also destroy the idle
        // connections at once, including those accepted a moment ago whose bytes are unread.
        net.Server.prototype.close.call(server, () => resolve());
      });
      await readArrived();
      server.closeIdleConnections();
      draining = true;
      let destroyed = 0;
      const deadline = setTimeout(() => {
        destroyed = sockets.size;
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      deadline.unref();
      await closed;
      clearTimeout(deadline);
      return { destroyed };
    },
  };
}
