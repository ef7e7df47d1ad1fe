// A subscriber that stays: `appointmentUpdated` through the router over WebSocket
// (graphql-transport-ws, the front desk's own client library), reconnecting and subscribing
// again whenever the connection goes, as a front desk does. One line per update on stdout:
// `<epoch seconds> <appointment id> <kind>`; connections and closes on stderr.
//
//   node --experimental-websocket scripts/bench/subscribe.cjs ws://127.0.0.1:4004/graphql TOKEN
const path = require("node:path");
const { createRequire } = require("node:module");

const fromFrontDesk = createRequire(path.join(__dirname, "..", "..", "front-desk", "package.json"));
const { createClient } = fromFrontDesk("graphql-ws");

const [url, token] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  retryAttempts: Number.MAX_SAFE_INTEGER,
  shouldRetry: () => true,
  retryWait: () => new Promise((resolve) => setTimeout(resolve, 250)),
  on: {
    connected: () => console.error(`${Date.now() / 1000} connected`),
    closed: (event) => console.error(`${Date.now() / 1000} closed ${event?.code ?? ""}`),
  },
});
client.subscribe(
  { query: "subscription { appointmentUpdated { kind appointment { id } } }" },
  {
    next: ({ data, errors }) => {
      if (errors) console.error(`${Date.now() / 1000} errors ${JSON.stringify(errors)}`);
      const update = data?.appointmentUpdated;
      if (update) process.stdout.write(`${Date.now() / 1000} ${update.appointment.id} ${update.kind}\n`);
    },
    error: (error) => console.error(`${Date.now() / 1000} error ${JSON.stringify(error?.message ?? error)}`),
    complete: () => console.error(`${Date.now() / 1000} complete`),
  },
);
