import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph } from './compose';
import { CLIENT_SCHEMA_FILE, SUPERGRAPH_FILE } from './subgraphs';

/**
 * `npm run compose` writes supergraph.graphql and the client schema.graphql; `-- --check` only
 * verifies both are up to date.
 */
const check = process.argv.includes('--check');
const { supergraphSdl, clientSchemaSdl } = composeSupergraph();
const outputs = [
  { file: SUPERGRAPH_FILE, name: 'supergraph.graphql', sdl: supergraphSdl },
  { file: CLIENT_SCHEMA_FILE, name: 'schema.graphql', sdl: clientSchemaSdl },
];
const readOrNull = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};
if (check) {
  const stale = outputs.filter(({ file, sdl }) => readOrNull(file) !== sdl);
  for (const { name } of stale) console.error(`${name} is out of date: run \`npm run compose\``);
  if (stale.length > 0) process.exit(1);
  console.log('supergraph.graphql and schema.graphql are up to date');
} else {
  for (const { file, sdl } of outputs) {
    writeFileSync(file, sdl);
    console.log(`wrote ${file}`);
  }
}
