import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph } from './compose';
import { SUPERGRAPH_FILE } from './subgraphs';

/** `npm run compose` writes supergraph.graphql; `-- --check` only verifies it is up to date. */
const check = process.argv.includes('--check');
const { supergraphSdl } = composeSupergraph();
if (check) {
  const committed = readFileSync(SUPERGRAPH_FILE, 'utf8');
  if (committed !== supergraphSdl) {
    console.error('supergraph.graphql is out of date: run `npm run compose`');
    process.exit(1);
  }
  console.log('supergraph.graphql is up to date');
} else {
  writeFileSync(SUPERGRAPH_FILE, supergraphSdl);
  console.log(`wrote ${SUPERGRAPH_FILE}`);
}
