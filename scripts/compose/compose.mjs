// Composes schema/supergraph.graphql from supergraph.yaml (Apollo rover's format) and the
// subgraph SDL files it names, with @theguild/federation-composition.
//
//   node compose.mjs           writes schema/supergraph.graphql
//   node compose.mjs --check   fails when the committed file is not what composition gives
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

const target = resolve(root, "schema/supergraph.graphql");
const composed = result.supergraphSdl.endsWith("\n") ? result.supergraphSdl : `${result.supergraphSdl}\n`;
if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    // Missing counts as stale.
  }
  if (committed !== composed) {
    console.error("compose: schema/supergraph.graphql is stale: run scripts/compose.sh and commit it");
    process.exit(1);
  }
  console.log(`compose: schema/supergraph.graphql is up to date (${services.length} subgraphs)`);
} else {
  writeFileSync(target, composed);
  console.log(`compose: wrote schema/supergraph.graphql (${services.length} subgraphs)`);
}
