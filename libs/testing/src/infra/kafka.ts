/**
 * Apache Kafka 4.x in KRaft mode (one node acting as broker and controller): the jars are resolved by Maven
 * from tools/infra/kafka/pom.xml into a cache outside the repository, and run with the machine's Java 17.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { portOpen, readPid, requireTool, spawnDetached, stopProcess, waitFor } from './process.js';
import { cacheDir, repoRoot } from './paths.js';

export const KAFKA_VERSION = '4.1.1';

export interface KafkaOptions {
  dir: string;
  port: number;
  controllerPort: number;
  heapMb?: number;
}

export interface KafkaInstance {
  brokers: string;
  logFile: string;
  pidFile: string;
}

function libsDir(): string {
  return join(cacheDir(), `kafka-${KAFKA_VERSION}`, 'libs');
}

/** Resolves the Kafka jars with Maven once; later calls find the completed cache and return at once. */
export function installKafka(log: (m: string) => void = () => undefined): string {
  const libs = libsDir();
  const marker = join(libs, '.complete');
  if (existsSync(marker)) return libs;
  requireTool('java', 'to run Kafka', 'Install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless).');
  requireTool('mvn', 'to fetch the Kafka jars from Maven Central', 'Install Maven (Debian: apt-get install maven).');
  log(`resolving Kafka ${KAFKA_VERSION} jars with Maven into ${libs}`);
  mkdirSync(libs, { recursive: true });
  execFileSync(
    'mvn',
    [
      '-q', '-B', '-Dstyle.color=never',
      '-f', join(repoRoot(), 'tools/infra/kafka/pom.xml'),
      `-Dkafka.version=${KAFKA_VERSION}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libs}`,
      '-DincludeScope=runtime',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  writeFileSync(marker, new Date().toISOString());
  return libs;
}

export function kafkaInstance(o: KafkaOptions): KafkaInstance {
  return { brokers: `127.0.0.1:${o.port}`, logFile: join(o.dir, 'kafka.log'), pidFile: join(o.dir, 'kafka.pid') };
}

export async function startKafka(o: KafkaOptions, log: (m: string) => void = () => undefined): Promise<KafkaInstance> {
  const inst = kafkaInstance(o);
  if (readPid(inst.pidFile) !== null) {
    log(`kafka already running on ${inst.brokers}`);
    await waitFor('Kafka', () => portOpen(o.port), 60_000, inst.logFile);
    return inst;
  }
  const libs = installKafka(log);
  const dataDir = join(o.dir, 'kraft');
  const propsFile = join(o.dir, 'server.properties');
  mkdirSync(o.dir, { recursive: true });
  writeFileSync(
    propsFile,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${dataDir}`,
      'num.partitions=1',
      'auto.create.topics.enable=false',
      'delete.topic.enable=true',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=8',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'group.min.session.timeout.ms=2000',
      'log.retention.hours=24',
      'log.segment.bytes=67108864',
      'num.network.threads=2',
      'num.io.threads=4',
      '',
    ].join('\n'),
  );
  const classpath = `${libs}/*`;
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    log('formatting Kafka KRaft storage');
    execFileSync('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', 'jmapLocalKafkaClusterA', '-c', propsFile], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const heap = o.heapMb ?? 768;
  spawnDetached(
    'java',
    [
      `-Xms256m`,
      `-Xmx${heap}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(repoRoot(), 'tools/infra/kafka/log4j2.properties')}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propsFile,
    ],
    { logFile: inst.logFile, pidFile: inst.pidFile },
  );
  await waitFor('Kafka', () => portOpen(o.port), 90_000, inst.logFile);
  await waitForBrokerReady(inst.brokers, inst.logFile);
  log(`kafka listening on ${inst.brokers}`);
  return inst;
}

/** The port opens before the broker serves metadata; wait until an admin request succeeds. */
async function waitForBrokerReady(brokers: string, logFile: string): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ brokers: [brokers], clientId: 'infra-probe', logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  await waitFor(
    'Kafka broker',
    async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    90_000,
    logFile,
  );
}

export async function stopKafka(o: KafkaOptions): Promise<boolean> {
  return stopProcess(kafkaInstance(o).pidFile, 'SIGTERM', 30_000);
}
