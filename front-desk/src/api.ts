// The client of the router's API: queries and mutations over HTTP, subscriptions over
// WebSocket (graphql-transport-ws) on the same `/graphql`, the token on both. A request the
// router refuses as UNAUTHENTICATED (an expired or revoked token) signs the tab out; a lost
// WebSocket is retried for ever, and the screens hear about it to warn and catch up. A close
// that graphql-ws takes as final (1011 from a failing server, 4500, ...) ends its client for
// good: the caller is told (`onBroken`) and builds a new one.
import { createClient as createWsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from "urql";

export type Connection = "connecting" | "connected" | "lost";

export interface ApiEvents {
  /** The router no longer accepts the token. */
  onUnauthenticated: () => void;
  /** The live connection's state; `connected` after `lost` means updates may have been missed. */
  onConnection: (state: Connection) => void;
  /** The WebSocket client gave up (a close it will not retry): build a new client. */
  onBroken: () => void;
}

export function apiClient(token: string, events: ApiEvents): { client: Client; close: () => void } {
  const url = new URL("/graphql", window.location.href);
  const socketUrl = url.href.replace(/^http/, "ws");
  const authorization = `Bearer ${token}`;
  const socket = createWsClient({
    url: socketUrl,
    connectionParams: { Authorization: authorization },
    lazy: false,
    onNonLazyError: () => events.onBroken(),
    keepAlive: 10_000,
    // A server (or proxy) that takes the socket but never acknowledges it is retried too.
    connectionAckWaitTimeout: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const seconds = Math.min(2 ** retries, 10);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000 * (0.5 + Math.random() / 2)));
    },
    on: {
      connecting: () => events.onConnection("connecting"),
      connected: () => events.onConnection("connected"),
      closed: (event) => {
        // 4401/4403: the router refused the token on the socket.
        const code = (event as CloseEvent | undefined)?.code;
        if (code === 4401 || code === 4403) events.onUnauthenticated();
        else events.onConnection("lost");
      },
    },
  });
  const client = new Client({
    url: url.href,
    fetchOptions: () => ({ headers: { authorization } }),
    requestPolicy: "cache-and-network",
    exchanges: [
      mapExchange({
        onError(error) {
          const refused =
            error.response?.status === 401 ||
            error.graphQLErrors.some((problem) => problem.extensions?.code === "UNAUTHENTICATED");
          if (refused) events.onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = socket.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, close: () => void socket.dispose() };
}
