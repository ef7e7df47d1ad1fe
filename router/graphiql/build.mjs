// Bundles src/main.jsx (GraphiQL, React, the fetcher) and its CSS into one page with
// everything inlined, served by the router without any network access.
//   node build.mjs [output file]    (default dist/graphiql.html)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { build } from "esbuild";

const result = await build({
  entryPoints: ["src/main.jsx"],
  bundle: true,
  minify: true,
  write: false,
  outdir: "dist",
  format: "iife",
  target: "es2020",
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".js": "jsx", ".woff": "dataurl", ".woff2": "dataurl", ".svg": "dataurl" },
  logLevel: "warning",
});
const file = (extension) =>
  result.outputFiles.find((output) => output.path.endsWith(extension))?.text ?? "";
const script = file(".js").replaceAll("</script", "<\\/script");
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PMS GraphQL API</title>
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
<style>${file(".css")}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script>${script}</script>
</body>
</html>
`;
const output = process.argv[2] ?? "dist/graphiql.html";
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, html);
console.log(`graphiql: ${output} (${Math.round(html.length / 1024)} KiB)`);
