// GraphiQL on the router's own endpoint: queries and mutations over HTTP, subscriptions
// over WebSocket (graphql-transport-ws) on the same path.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import React from "react";
import { createRoot } from "react-dom/client";
import "graphiql/graphiql.css";

const url = `${window.location.origin}${window.location.pathname}`;
const subscriptionUrl = url.replace(/^http/, "ws");
const fetcher = createGraphiQLFetcher({ url, subscriptionUrl });

const defaultQuery = `# The clinic's API. Try:
query Dashboard {
  dashboard(from: "2026-01-01", to: "2026-12-31") {
    appointmentsBooked appointmentsCompleted noShowRate revenuePaid currency
  }
}
`;

// `?query=...` opens the page with that operation (links from documentation, tests).
const query = new URLSearchParams(window.location.search).get("query") ?? undefined;

// Every request needs a token. GraphiQL sends its Headers tab with each request and as the
// WebSocket's `connection_init` payload. `#token=<JWT>` (the link scripts/dev.sh prints)
// opens the page signed in; the fragment never reaches the server.
const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
const signedIn = (bearer) => JSON.stringify({ Authorization: `Bearer ${bearer}` }, null, 2);
const headers = token ? signedIn(token) : undefined;
const defaultHeaders = signedIn("<a token: scripts/token.sh front-desk>");

createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery,
    query,
    headers,
    defaultHeaders,
    defaultEditorToolsVisibility: "headers",
  }),
);
