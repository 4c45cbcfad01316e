/**
 * The standalone server's data directory: one lock per directory (a second server on the same directory fails
 * with a clear message) and a small state file (standalone.json) that tells other commands, such as the admin
 * command line, how to reach the running server's database.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DataDirState {
  /** Set while a server runs: its pid and database URL. */
  running?: { pid: number; databaseUrl: string; url: string; startedAt: string };
  /** The embedded PostgreSQL's port, kept across starts so URLs stay stable. */
  postgresPort?: number;
  demoAccountCreated?: boolean;
}

export class DataDirLockedError extends Error {}

export function dataDirPaths(dir: string) {
  const root = resolve(dir);
  return {
    root,
    lock: join(root, 'standalone.lock'),
    state: join(root, 'standalone.json'),
    postgres: join(root, 'postgres'),
    blobs: join(root, 'blobs'),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory for this process; throws DataDirLockedError naming the holder when another live process has it. */
export function lockDataDir(dir: string): () => void {
  const p = dataDirPaths(dir);
  mkdirSync(p.root, { recursive: true });
  if (existsSync(p.lock)) {
    const holder = Number(readFileSync(p.lock, 'utf8').trim());
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
      throw new DataDirLockedError(`${p.root} is in use by another server (pid ${holder}); stop it first or choose another DATA_DIR`);
    }
  }
  writeFileSync(p.lock, `${process.pid}\n`);
  return () => {
    if (existsSync(p.lock) && readFileSync(p.lock, 'utf8').trim() === String(process.pid)) rmSync(p.lock, { force: true });
  };
}

export function readDataDirState(dir: string): DataDirState {
  const p = dataDirPaths(dir);
  if (!existsSync(p.state)) return {};
  try {
    return JSON.parse(readFileSync(p.state, 'utf8')) as DataDirState;
  } catch {
    return {};
  }
}

export function writeDataDirState(dir: string, update: (s: DataDirState) => DataDirState): DataDirState {
  const p = dataDirPaths(dir);
  mkdirSync(p.root, { recursive: true });
  const next = update(readDataDirState(dir));
  writeFileSync(p.state, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

/** The database URL of a server running on this directory, or null. */
export function runningServer(dir: string): DataDirState['running'] | null {
  const s = readDataDirState(dir);
  return s.running && alive(s.running.pid) ? s.running : null;
}
