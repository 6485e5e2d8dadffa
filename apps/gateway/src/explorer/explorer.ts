import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type RequestHandler } from 'express';

const require = createRequire(import.meta.url);

/** A file of an installed package, found through its package.json: the packages do not export these paths. */
const fromPackage = (name: string, file: string) => join(dirname(require.resolve(`${name}/package.json`)), file);

export const EXPLORER_PATH = '/graphiql';

/**
 * Every file the explorer page loads, served from installed packages: the page works offline and
 * loads nothing from a CDN. React 18 is the last React with browser (UMD) builds, which the
 * GraphiQL 3 bundle expects as globals.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: fromPackage('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: fromPackage('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: fromPackage('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: fromPackage('graphiql', 'graphiql.min.css'), type: 'text/css' },
  'start.js': { file: fileURLToPath(new URL('./start.js', import.meta.url)), type: 'text/javascript' },
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Omnigraph explorer</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="${EXPLORER_PATH}/graphiql.css">
    <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading the explorer…</div>
    <script src="${EXPLORER_PATH}/react.js"></script>
    <script src="${EXPLORER_PATH}/react-dom.js"></script>
    <script src="${EXPLORER_PATH}/graphiql.js"></script>
    <script src="${EXPLORER_PATH}/start.js"></script>
  </body>
</html>
`;

// Scripts only from this origin; GraphiQL sets inline styles and uses data: URLs for icons.
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** A browser navigating to the endpoint asks for HTML first; API clients ask for JSON or say nothing. */
const wantsHtml = (req: Request) => req.get('accept') !== undefined && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';

/**
 * GraphiQL for development: the page at `/graphiql`, and on `GET /` for a browser (HTML preferred,
 * no `query` parameter). Production does not mount it at all, so a browser gets the JSON refusal
 * every other request without a query gets.
 */
export function explorer(): RequestHandler {
  const router = express.Router();
  const files = new Map(Object.entries(ASSETS).map(([name, asset]) => [name, { body: readFileSync(asset.file), type: asset.type }]));
  const sendPage: RequestHandler = (_req, res) => {
    res.status(200).type('text/html').set('content-security-policy', CONTENT_SECURITY_POLICY).set('cache-control', 'no-store').send(PAGE);
  };
  router.get(EXPLORER_PATH, sendPage);
  router.get('/', (req, res, next) => (req.query.query === undefined && wantsHtml(req) ? sendPage(req, res, next) : next()));
  router.get(`${EXPLORER_PATH}/:asset`, (req, res, next) => {
    const asset = files.get(req.params.asset);
    if (!asset) return next();
    res.status(200).type(asset.type).set('cache-control', 'public, max-age=3600').send(asset.body);
  });
  // Every route is a GET, so the API's POSTs skip the router's path matching.
  return (req, res, next) => (req.method === 'POST' ? next() : router(req, res, next));
}
