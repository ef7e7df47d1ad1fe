// `npm run build` writes dist/ (router/build.rs embeds it in the router, served at `/`);
// `npm run dev` serves the app with hot reload on http://localhost:5173 and passes the API
// (`/graphql`, HTTP and WebSocket) and the development sign-in to the router on 4004;
// `npm test` runs the unit tests (Vitest).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const router = process.env.PMS_ROUTER_URL ?? "http://localhost:4004";

export default defineConfig({
  plugins: [react()],
  build: { outDir: process.env.FRONT_DESK_OUT_DIR ?? "dist", emptyOutDir: true },
  // `npm test`: the unit tests (src/**/*.test.ts[x]) in jsdom.
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"] },
  server: {
    proxy: {
      "/graphql": { target: router, ws: true },
      "/front-desk": { target: router },
    },
  },
});
