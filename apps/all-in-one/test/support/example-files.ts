import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Channel } from '@omni/auth';
import type { DemoTokenRole } from '../../src/demo-tokens';

const EXAMPLES_DIR = fileURLToPath(new URL('../../../../examples/', import.meta.url));

export interface ExampleFile {
  file: string;
  query: string;
  token: { role: DemoTokenRole; key?: string; channel?: Channel };
  variables: Record<string, unknown>;
}

/** Reads examples/*.graphql with the token and variables their header comments document. */
export function readExampleFiles(): ExampleFile[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => {
      const query = readFileSync(`${EXAMPLES_DIR}${file}`, 'utf8');
      const tokenLine = /^# token: (.+)$/m.exec(query)?.[1];
      const variablesLine = /^# variables: (.+)$/m.exec(query)?.[1];
      if (!tokenLine || !variablesLine) throw new Error(`${file} must document "# token:" and "# variables:"`);
      const words = tokenLine.trim().split(/\s+/);
      const channelAt = words.indexOf('--channel');
      const channel = channelAt >= 0 ? (words[channelAt + 1] as Channel) : undefined;
      const [role, key] = words.filter((_, index) => channelAt < 0 || index < channelAt);
      return { file, query, token: { role: role as DemoTokenRole, key, channel }, variables: JSON.parse(variablesLine) };
    });
}
