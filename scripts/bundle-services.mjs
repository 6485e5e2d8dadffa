// Compiles every runnable service to one JavaScript file for production: `npm run build`.
//
// Each entry point (the gateway, the five subgraphs, the messenger ingress) becomes
// `<workspace>/dist/index.js`, with our own workspace packages (@omni/*) compiled in and every
// third-party package left where npm installed it. A service then starts as plain
// `node <workspace>/dist/index.js`: no TypeScript loader resolving and transpiling a few hundred
// files at start-up, and no loader hooks in the running process.
//
// Two things keep the compiled file behaving exactly as the sources under `node --import tsx`:
// - A third-party import is written as the path of the very file Node would load for the source
//   file that imports it (resolved from that file's folder, so a workspace's own nested
//   node_modules still wins), relative to the output: one copy of each package, as in development.
// - `import.meta.url` in a source file is rewritten to that source file's own URL, computed from
//   the output's location, so the files read at run time relative to a module (schemas, SQL
//   migrations, the supergraph, the persisted-operation manifest, the explorer's assets) are read
//   from where they are in the repository. The output must therefore stay where it is built.
import { builtinModules } from 'node:module';
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every service that runs as a process of its own (the Dockerfile's SERVICE values). */
const SERVICES = {
  gateway: 'apps/gateway',
  'messenger-ingress': 'apps/messenger-ingress',
  customer: 'subgraphs/customer',
  catalog: 'subgraphs/catalog',
  cart: 'subgraphs/cart',
  promotions: 'subgraphs/promotions',
  support: 'subgraphs/support',
};

const BUILTINS = new Set(builtinModules);

/** A path from `fromDirectory` to `file` that an `import` accepts: forward slashes, starting with `.`. */
function importPath(fromDirectory, file) {
  const path = relative(fromDirectory, file).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

function servicePlugin(outDirectory) {
  return {
    name: 'service-bundle',
    setup(build) {
      // Bare specifiers: Node's built-ins stay as they are, @omni/* is compiled in, the rest stays external.
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.resolving || args.path.startsWith('@omni/')) return undefined;
        if (args.path.startsWith('node:') || BUILTINS.has(args.path) || BUILTINS.has(args.path.split('/')[0])) return { path: args.path, external: true };
        const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { resolving: true } });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return { path: importPath(outDirectory, resolved.path), external: true };
      });
      // Our sources: import.meta.url becomes the source file's own URL.
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const ownUrl = `new URL(${JSON.stringify(importPath(outDirectory, args.path))}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', ownUrl), loader: 'ts' };
      });
    },
  };
}

async function bundleService(workspace) {
  const outDirectory = `${ROOT}${workspace}/dist`;
  await build({
    entryPoints: [`${ROOT}${workspace}/src/index.ts`],
    outfile: `${outDirectory}/index.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Node's own resolution: no "module" condition or field that Node itself would not read.
    conditions: [],
    mainFields: ['main'],
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [servicePlugin(outDirectory)],
  });
  return `${workspace}/dist/index.js`;
}

const started = performance.now();
const outputs = await Promise.all(Object.values(SERVICES).map(bundleService));
console.log(`built ${outputs.join(', ')} in ${Math.round(performance.now() - started)} ms`);
