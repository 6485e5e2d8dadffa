import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { DatabaseClient } from '@omni/db';

type PostgresSql = Extract<DatabaseClient, { kind: 'postgres' }>['sql'];

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU time of the Postgres backends serving one database, from `/proc/<pid>/stat` (user + system
 * time; the server runs on this machine). `pg_stat_statements` would need the server restarted
 * with it preloaded, which a shared server cannot be. Backends are looked up on every reading: a
 * backend that exits between two readings takes its CPU time with it, so the pools stay open for
 * the whole run and the figure is a slight underestimate at worst.
 */
export function postgresBackendCpu(sql: PostgresSql): { cpuMs(): Promise<number | undefined> } {
  return {
    async cpuMs() {
      const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
      let ticks = 0;
      let readable = 0;
      for (const { pid } of rows) {
        try {
          // Fields after the command name, which is in parentheses and may contain spaces.
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          ticks += Number(fields[11]) + Number(fields[12]);
          readable += 1;
        } catch {
          // Exited since the query, or another host's process: not counted.
        }
      }
      return readable === 0 ? undefined : (ticks / CLOCK_TICKS_PER_SECOND) * 1000;
    },
  };
}
