// Typed documents for every `graphql(...)` operation in src/, from the API the router serves
// (schema/api.graphql, composed with the supergraph by scripts/compose.sh). The output in
// src/gql/ is generated but committed, like the schemas; `npm run check` (scripts/test.sh)
// fails when it is stale.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema/api.graphql",
  documents: ["src/**/*.tsx", "src/**/*.ts", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        enumType: "const",
        useTypeImports: true,
        scalars: { Date: "string", DateTime: "string", Decimal: "string" },
      },
    },
  },
};

export default config;
