/**
 * `npm test`: static checks (types, lint), then unit, integration and e2e tests. Starts the local
 * infrastructure when no endpoints are given (DATABASE_URL, KAFKA_BROKERS, S3_ENDPOINT), reuses a running
 * `npm run infra:up`, and stops only what it started. `npm test -- unit int` runs a subset
 * (static, unit, int, e2e); extra arguments after `--` go to vitest.
 */
import { spawn } from 'node:child_process';
import { defaultLayout, infraDown, infraUp } from '@jmap/testing';

const STAGES = ['static', 'unit', 'int', 'e2e'] as const;
type Stage = (typeof STAGES)[number];

const args = process.argv.slice(2);
const dashdash = args.indexOf('--');
const selected = (dashdash >= 0 ? args.slice(0, dashdash) : args).filter((a): a is Stage => (STAGES as readonly string[]).includes(a));
const vitestArgs = dashdash >= 0 ? args.slice(dashdash + 1) : args.filter((a) => !(STAGES as readonly string[]).includes(a));
const stages: readonly Stage[] = selected.length > 0 ? selected : STAGES;

const log = (m: string) => process.stdout.write(`[test] ${m}\n`);

function run(command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const results: Array<[string, number, number]> = [];
  const stage = async (name: string, command: string, argv: string[], env?: NodeJS.ProcessEnv) => {
    const t0 = Date.now();
    log(`${name}: ${command} ${argv.join(' ')}`);
    const code = await run(command, argv, env);
    results.push([name, code, Date.now() - t0]);
    return code;
  };

  if (stages.includes('static')) {
    await stage('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
    await stage('lint', 'npm', ['run', '--silent', 'lint']);
  }
  if (stages.includes('unit')) await stage('unit', 'npx', ['vitest', 'run', '--project', 'unit', ...vitestArgs]);

  const needsInfra = stages.includes('int') || stages.includes('e2e');
  let startedComponents: Array<'postgres' | 'kafka' | 'minio'> = [];
  if (needsInfra) {
    const t0 = Date.now();
    log('starting the local infrastructure where no endpoint is given');
    const up = await infraUp(defaultLayout(), (m) => log(m));
    startedComponents = up.started;
    log(`infrastructure ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    const env = { ...process.env, ...up.endpoints };
    try {
      if (stages.includes('int')) await stage('int', 'npx', ['vitest', 'run', '--project', 'int', ...vitestArgs], env);
      if (stages.includes('e2e')) await stage('e2e', 'npx', ['vitest', 'run', '--project', 'e2e', ...vitestArgs], env);
    } finally {
      if (startedComponents.length > 0 && !process.env.KEEP_INFRA) {
        log(`stopping what this run started: ${startedComponents.join(', ')}`);
        await infraDown(defaultLayout(), startedComponents, (m) => log(m));
      }
    }
  }

  log('summary:');
  for (const [name, code, ms] of results) log(`  ${code === 0 ? 'pass' : 'FAIL'}  ${name.padEnd(10)} ${(ms / 1000).toFixed(1)}s`);
  log(`total ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return results.every(([, code]) => code === 0) ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    process.stderr.write(`[test] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
