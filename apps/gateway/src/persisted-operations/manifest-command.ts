import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildManifest, MANIFEST_FILE } from './manifest';

/**
 * `npm run persisted-operations` writes persisted-operations.json from examples/*.graphql;
 * `-- --check` only verifies it is up to date.
 */
const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const sources = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith('.graphql'))
  .sort()
  .map((name) => ({ file: `examples/${name}`, text: readFileSync(`${EXAMPLES}${name}`, 'utf8') }));
const manifest = `${JSON.stringify(buildManifest(sources), null, 2)}\n`;
const current = (() => {
  try {
    return readFileSync(MANIFEST_FILE, 'utf8');
  } catch {
    return null;
  }
})();
if (process.argv.includes('--check')) {
  if (current !== manifest) {
    console.error('persisted-operations.json is out of date: run `npm run persisted-operations`');
    process.exit(1);
  }
  console.log('persisted-operations.json is up to date');
} else {
  writeFileSync(MANIFEST_FILE, manifest);
  console.log(`wrote ${MANIFEST_FILE} (${sources.length} operations)`);
}
