// Composes schema/supergraph.graphql from supergraph.yaml (Apollo rover's format) and the
// subgraph SDL files it names, with @theguild/federation-composition, and writes the public
// API it exposes as schema/api.graphql.
//
//   node compose.mjs           writes schema/supergraph.graphql and schema/api.graphql
//   node compose.mjs --check   fails when a committed file is not what composition gives
//
// Composition errors are printed one per line and fail the command.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import YAML from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const config = YAML.parse(readFileSync(resolve(root, "supergraph.yaml"), "utf8"));
const services = Object.entries(config.subgraphs ?? {}).map(([name, subgraph]) => {
  const file = resolve(root, subgraph.schema.file);
  let typeDefs;
  try {
    typeDefs = parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`compose: ${name}: cannot read ${subgraph.schema.file}: ${error.message}`);
    process.exit(1);
  }
  return { name, url: subgraph.routing_url, typeDefs };
});
if (services.length === 0) {
  console.error("compose: supergraph.yaml lists no subgraph");
  process.exit(1);
}

const result = composeServices(services);
if (result.errors?.length) {
  for (const error of result.errors) {
    console.error(`compose: ${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  }
  process.exit(1);
}

// The supergraph the router serves, and the API it exposes to clients (without the join
// directives and `@inaccessible` fields): the front desk's typed operations are generated
// from the latter.
const withNewline = (sdl) => (sdl.endsWith("\n") ? sdl : `${sdl}\n`);
const outputs = [
  ["schema/supergraph.graphql", withNewline(result.supergraphSdl)],
  ["schema/api.graphql", withNewline(result.publicSdl)],
];
const check = process.argv.includes("--check");
let stale = false;
for (const [file, text] of outputs) {
  const target = resolve(root, file);
  if (check) {
    let committed = "";
    try {
      committed = readFileSync(target, "utf8");
    } catch {
      // Missing counts as stale.
    }
    if (committed !== text) {
      console.error(`compose: ${file} is stale: run scripts/compose.sh and commit it`);
      stale = true;
    }
  } else {
    writeFileSync(target, text);
  }
}
if (stale) process.exit(1);
console.log(
  check
    ? `compose: ${outputs.map(([file]) => file).join(" and ")} are up to date (${services.length} subgraphs)`
    : `compose: wrote ${outputs.map(([file]) => file).join(" and ")} (${services.length} subgraphs)`,
);
