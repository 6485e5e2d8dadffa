import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as operationsPlugin from '@graphql-codegen/typescript-operations';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCHEMA_FILE } from '../src/subgraphs';

const require = createRequire(import.meta.url);
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** Client tools work from the committed schema.graphql alone, without introspecting a running gateway. */
describe('client tooling on the committed client schema', () => {
  it('relay-compiler --validate accepts the Relay client (refetchable fragments on Product, Customer, Cart; connections)', async () => {
    const cli = join(dirname(require.resolve('relay-compiler/package.json')), 'cli.js');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, '--validate'], { cwd: join(EXAMPLES, 'relay-client') }).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`relay-compiler --validate failed:\n${error.stdout}\n${error.stderr}`);
    });
    expect(`${stdout}${stderr}`).not.toMatch(/ERROR/);
  });

  it('graphql-codegen generates TypeScript types for every example operation', async () => {
    const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.graphql'));
    const output = await codegen({
      filename: 'operations.ts',
      schema: parse(readFileSync(CLIENT_SCHEMA_FILE, 'utf8')),
      documents: files.map((file) => ({ location: file, document: parse(readFileSync(join(EXAMPLES, file), 'utf8')) })),
      config: {},
      plugins: [{ typescript: {} }, { typescriptOperations: {} }],
      pluginMap: { typescript: typescriptPlugin, typescriptOperations: operationsPlugin },
    });
    expect(output).toMatch(/export type Node = \{/);
    for (const file of files) {
      const [, name] = /^(?:query|mutation)\s+(\w+)/m.exec(readFileSync(join(EXAMPLES, file), 'utf8'))!;
      expect(output, file).toContain(`export type ${name}Query = `);
    }
  });
});
