/**
 * The Helm chart (deploy/helm/jmap-store) as helm renders it: lint, schema validity against the Kubernetes and
 * Prometheus Operator schemas, and the properties operators rely on (one Deployment, Service, HPA and PDB per
 * service, probes, hardened pods, environment = the env catalog, hooks, ingress, monitoring objects).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV } from '@jmap/platform';
import { SERVICES } from '@jmap/testing';
import { CHART_DIR, Chart, type K8sObject } from './support/chart.js';
import { schemaErrors } from './support/kube-schemas.js';
import { RULES_FILE, dashboards } from './support/promql.js';

/** Set per pod by the chart (or by the image: MIGRATIONS_DIR), so not part of env / secretEnv. */
const SET_BY_CHART = ['HOST', 'PORT', 'OPS_HOST', 'OPS_PORT', 'INSTANCE_ID', 'LMTP_PORT'];
const SECRET = ['DATABASE_URL', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'];
/** values.yaml defaults that differ from the catalog's on purpose. */
const CHART_DEFAULTS = { TRUST_PROXY: 'the gateway runs behind an ingress controller' };

type Pod = {
  securityContext: Record<string, unknown>;
  containers: Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

let chart: Chart;
let defaults: K8sObject[];
let production: K8sObject[];
const production_ = () => ['-f', chart.valuesFile('values-production.yaml')];

const named = (objs: K8sObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const ofKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const podOf = (o: K8sObject) => (o.spec as { template: { spec: Pod } }).template.spec;
const configMapData = (objs: K8sObject[], name: string) =>
  (named(objs, 'ConfigMap', name)?.data ?? {}) as Record<string, string>;
const secretData = (objs: K8sObject[], name: string) =>
  (named(objs, 'Secret', name)?.stringData ?? {}) as Record<string, string>;

beforeAll(() => {
  chart = Chart.prepare((m) => process.stdout.write(`[helm] ${m}\n`));
  defaults = chart.template();
  production = chart.template(production_());
}, 900_000);

afterAll(() => chart?.dispose());

describe('the jmap-store Helm chart', () => {
  it('passes helm lint --strict with the default and the production values', () => {
    for (const args of [[], production_()]) {
      const r = chart.lint(args);
      expect(r.output).toContain('0 chart(s) failed');
      expect(r.code, r.output).toBe(0);
    }
  });

  it('renders only objects that are valid against the Kubernetes and Prometheus Operator schemas', () => {
    const everything = chart.template([
      ...production_(),
      ...['postgresql', 'kafka', 'minio'].flatMap((d) => ['--set', `${d}.enabled=true`]),
      '--set',
      'existingSecret=',
    ]);
    for (const objs of [defaults, production, everything]) {
      const errors = objs.map((o) => [`${o.kind}/${o.metadata.name}`, schemaErrors(o)]).filter(([, e]) => e);
      expect(errors).toEqual([]);
    }
    expect(ofKind(production, 'ServiceMonitor')).toHaveLength(SERVICES.length);
    expect(ofKind(production, 'PrometheusRule')).toHaveLength(1);
  });

  it('gives every service a Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget', () => {
    for (const objs of [defaults, production]) {
      for (const app of SERVICES) {
        const name = `jmap-jmap-store-${app}`;
        const deployment = named(objs, 'Deployment', name);
        expect(deployment, `${app} Deployment`).toBeDefined();
        expect(named(objs, 'Service', name), `${app} Service`).toBeDefined();
        const hpa = named(objs, 'HorizontalPodAutoscaler', name);
        expect((hpa?.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).toBe(name);
        const pdb = named(objs, 'PodDisruptionBudget', name);
        expect((pdb?.spec as { selector: unknown }).selector).toEqual(
          (deployment!.spec as { selector: unknown }).selector,
        );
      }
      expect(ofKind(objs, 'Deployment')).toHaveLength(SERVICES.length);
    }
  });

  it('probes liveness on /healthz, readiness on /readyz and start-up on the ops port of every container', () => {
    for (const d of ofKind(production, 'Deployment')) {
      const [c] = podOf(d).containers;
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'ops' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'ops' });
      expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'ops' });
      expect(c.ports).toContainEqual({ name: 'ops', containerPort: 9100, protocol: 'TCP' });
      expect(c.env).toContainEqual({ name: 'OPS_PORT', value: '9100' });
      expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources.limits.memory).toEqual(expect.any(String));
    }
  });

  it('runs every pod as a non-root user with a read-only root filesystem, no capabilities and RuntimeDefault seccomp', () => {
    const workloads = [
      ...ofKind(production, 'Deployment'),
      ...ofKind(production, 'Job'),
      ...ofKind(defaults, 'Job'),
    ];
    expect(workloads.length).toBeGreaterThan(SERVICES.length);
    for (const w of workloads) {
      const pod = podOf(w);
      expect(pod.securityContext, w.metadata.name).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect((pod as { automountServiceAccountToken?: boolean }).automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext, w.metadata.name).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });

  it('puts only variables of the env catalog into the environment, and the credentials into the Secret', () => {
    const catalog = new Set(Object.keys(ENV));
    const config = configMapData(defaults, 'jmap-jmap-store-env');
    const secret = secretData(defaults, 'jmap-jmap-store-env');
    expect(Object.keys(config).filter((k) => !catalog.has(k))).toEqual([]);
    expect(Object.keys(secret).filter((k) => !catalog.has(k))).toEqual([]);
    expect(Object.keys(secret).sort()).toEqual([...SECRET].sort());
    expect(Object.keys(config).filter((k) => SECRET.includes(k))).toEqual([]);
    expect(config).toMatchObject({
      KAFKA_BROKERS: 'kafka:9092',
      S3_ENDPOINT: 'http://minio:9000',
      KAFKA_PARTITIONS: '48',
    });
    for (const d of ofKind(production, 'Deployment')) {
      const names = (podOf(d).containers[0].env as Array<{ name: string }>).map((e) => e.name);
      expect(names.filter((n) => !catalog.has(n))).toEqual([]);
      expect(names.filter((n) => !SET_BY_CHART.includes(n))).toEqual([]);
    }
    // Large integers stay integers (YAML numbers reach templates as floats).
    const big = chart.template(['--set', 'env.MAX_SIZE_UPLOAD=50000000']);
    expect(configMapData(big, 'jmap-jmap-store-env').MAX_SIZE_UPLOAD).toBe('50000000');
  });

  it('defaults each variable in values.yaml to the env catalog default unless the chart documents why not', () => {
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as {
      env: Record<string, unknown>;
      secretEnv: Record<string, unknown>;
    };
    const differing: string[] = [];
    for (const [name, value] of Object.entries({ ...values.env, ...values.secretEnv })) {
      const spec = ENV[name as keyof typeof ENV] as { default?: unknown } | undefined;
      expect(spec, `${name} is not in libs/platform/src/env.catalog.ts`).toBeDefined();
      if (spec && 'default' in spec && String(value) !== String(spec.default)) differing.push(name);
    }
    expect(differing.sort()).toEqual(Object.keys(CHART_DEFAULTS).sort());
    for (const name of SET_BY_CHART) expect(ENV).toHaveProperty(name);
  });

  it('takes the endpoints and credentials from the bundled dependencies that are enabled', () => {
    const objs = chart.template([
      ...['postgresql', 'kafka', 'minio'].flatMap((d) => ['--set', `${d}.enabled=true`]),
      '--set',
      'postgresql.auth.password=p@ss word',
    ]);
    expect(configMapData(objs, 'jmap-jmap-store-env')).toMatchObject({
      KAFKA_BROKERS: 'jmap-kafka:9092',
      S3_ENDPOINT: 'http://jmap-minio:9000',
    });
    expect(secretData(objs, 'jmap-jmap-store-env')).toMatchObject({
      DATABASE_URL: 'postgres://jmap:p%40ss+word@jmap-postgresql:5432/jmap',
      S3_ACCESS_KEY: 'minioadmin',
    });
    // The dependencies come up with the release: the first install runs its hooks after them.
    expect(named(objs, 'Job', 'jmap-jmap-store-migrate')?.metadata.annotations?.['helm.sh/hook']).toBe(
      'post-install,pre-upgrade',
    );
  });

  it('runs migrations, then topic creation, as hook Jobs of the same image with their own copy of the environment', () => {
    const migrate = named(defaults, 'Job', 'jmap-jmap-store-migrate')!;
    const topicsJob = named(defaults, 'Job', 'jmap-jmap-store-kafka-topics')!;
    for (const job of [migrate, topicsJob]) {
      expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
      const [c] = podOf(job).containers;
      expect(c.image).toBe('jmap-store/gateway:0.1.0');
      expect(c.envFrom).toEqual([
        { configMapRef: { name: 'jmap-jmap-store-hook-env' } },
        { secretRef: { name: 'jmap-jmap-store-hook-env' } },
      ]);
    }
    expect(podOf(migrate).containers[0].command).toEqual([
      'node',
      '--enable-source-maps',
      'dist/migrate/main.js',
    ]);
    expect(podOf(topicsJob).containers[0].command).toEqual([
      'node',
      '--enable-source-maps',
      'dist/kafka-topics/main.js',
    ]);
    const weight = (o: K8sObject) => Number(o.metadata.annotations?.['helm.sh/hook-weight']);
    const hookEnv = named(defaults, 'ConfigMap', 'jmap-jmap-store-hook-env')!;
    expect(weight(hookEnv)).toBeLessThan(weight(migrate));
    expect(weight(migrate)).toBeLessThan(weight(topicsJob));
    expect(hookEnv.data).toEqual(named(defaults, 'ConfigMap', 'jmap-jmap-store-env')!.data);
    // With a Secret of the operator's, the Jobs read it directly.
    const own = chart.template(['--set', 'existingSecret=mine']);
    expect(named(own, 'Secret', 'jmap-jmap-store-env')).toBeUndefined();
    expect(podOf(named(own, 'Job', 'jmap-jmap-store-migrate')!).containers[0].envFrom[1]).toEqual({
      secretRef: { name: 'mine' },
    });
  });

  it('refuses an HPA maximum above KAFKA_PARTITIONS for a Kafka consumer', () => {
    expect(() =>
      chart.template([
        '--set',
        'env.KAFKA_PARTITIONS=8',
        '--set',
        'services.mailbox-service.autoscaling.maxReplicas=9',
      ]),
    ).toThrow(/services\.mailbox-service\.autoscaling\.maxReplicas \(9\) exceeds KAFKA_PARTITIONS \(8\)/);
    expect(() =>
      chart.template([
        '--set',
        'env.KAFKA_PARTITIONS=8',
        '--set',
        'services.gateway.autoscaling.maxReplicas=9',
      ]),
    ).not.toThrow();
  });

  it('scales Kafka consumers on their consumer-group lag through an External metric when enabled', () => {
    const hpa = named(production, 'HorizontalPodAutoscaler', 'jmap-jmap-store-mailbox-service')!;
    const metrics = (hpa.spec as { metrics: Array<Record<string, any>> }).metrics; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(metrics.map((m) => m.type)).toEqual(['Resource', 'External']);
    expect(metrics[1].external.metric).toEqual({
      name: 'jmap_kafka_consumer_lag',
      selector: { matchLabels: { group: 'jmap.mailbox' } },
    });
    const gateway = named(production, 'HorizontalPodAutoscaler', 'jmap-jmap-store-gateway')!;
    expect((gateway.spec as { metrics: unknown[] }).metrics).toHaveLength(1);
    const off = named(defaults, 'HorizontalPodAutoscaler', 'jmap-jmap-store-mailbox-service')!;
    expect((off.spec as { metrics: unknown[] }).metrics).toHaveLength(1);
  });

  it('routes the JMAP paths to the gateway, with long unbuffered timeouts for EventSource and WebSocket', () => {
    const ingresses = ofKind(production, 'Ingress');
    const paths = (o: K8sObject) =>
      (
        o.spec as {
          rules: Array<{
            host: string;
            http: {
              paths: Array<{ path: string; backend: { service: { name: string; port: { name: string } } } }>;
            };
          }>;
        }
      ).rules.flatMap((r) =>
        r.http.paths.map((p) => ({
          host: r.host,
          path: p.path,
          service: p.backend.service.name,
          port: p.backend.service.port.name,
        })),
      );
    const all = ingresses.flatMap(paths);
    for (const path of [
      '/.well-known/jmap',
      '/jmap/api',
      '/jmap/upload',
      '/jmap/download',
      '/jmap/eventsource',
      '/jmap/ws',
    ]) {
      expect(all).toContainEqual({
        host: 'jmap.example.com',
        path,
        service: 'jmap-jmap-store-gateway',
        port: 'http',
      });
    }
    const streaming = named(production, 'Ingress', 'jmap-jmap-store-streaming')!;
    expect(paths(streaming).map((p) => p.path)).toEqual(['/jmap/eventsource', '/jmap/ws']);
    expect(streaming.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
      'cert-manager.io/cluster-issuer': 'letsencrypt',
    });
    expect((streaming.spec as { tls: unknown[] }).tls).toHaveLength(1);
    expect(ofKind(defaults, 'Ingress')).toEqual([]);
  });

  it('exposes LMTP on the configured port in front of the delivery service', () => {
    const lmtp = named(defaults, 'Service', 'jmap-jmap-store-lmtp')!;
    expect((lmtp.spec as { ports: unknown[] }).ports).toEqual([
      { name: 'lmtp', port: 24, targetPort: 'lmtp', protocol: 'TCP' },
    ]);
    expect((lmtp.spec as { selector: Record<string, string> }).selector['app.kubernetes.io/component']).toBe(
      'delivery-service',
    );
    const delivery = podOf(named(defaults, 'Deployment', 'jmap-jmap-store-delivery-service')!).containers[0];
    expect(delivery.ports).toContainEqual({ name: 'lmtp', containerPort: 2424, protocol: 'TCP' });
    const moved = chart.template(['--set', 'lmtp.port=2525']);
    expect(
      (named(moved, 'Service', 'jmap-jmap-store-lmtp')!.spec as { ports: Array<{ port: number }> }).ports[0]
        .port,
    ).toBe(2525);
  });

  it('scrapes every service with a ServiceMonitor that labels its series job="jmap-store" and service=<app>', () => {
    for (const app of SERVICES) {
      const sm = named(production, 'ServiceMonitor', `jmap-jmap-store-${app}`)!;
      const spec = sm.spec as {
        jobLabel: string;
        endpoints: Array<Record<string, unknown>>;
        selector: { matchLabels: Record<string, string> };
      };
      expect(spec.selector.matchLabels['app.kubernetes.io/component']).toBe(app);
      expect(spec.endpoints).toEqual([
        expect.objectContaining({
          port: 'ops',
          path: '/metrics',
          honorLabels: true,
          relabelings: [{ targetLabel: 'service', replacement: app }],
        }),
      ]);
      const service = named(production, 'Service', `jmap-jmap-store-${app}`)!;
      expect(service.metadata.labels?.[spec.jobLabel]).toBe('jmap-store');
      expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    }
  });

  it('ships the alert rules file as the PrometheusRule and each dashboard as a ConfigMap for the Grafana sidecar', () => {
    const rule = ofKind(production, 'PrometheusRule')[0];
    expect(rule.spec).toEqual(parse(readFileSync(RULES_FILE, 'utf8')));
    const shipped = ofKind(defaults, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    const files = dashboards();
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(shipped).toHaveLength(files.length);
    for (const { file, json } of files) {
      const cm = shipped.find((c) => (c.data as Record<string, string>)[file]);
      expect(cm, file).toBeDefined();
      expect(JSON.parse((cm!.data as Record<string, string>)[file])).toEqual(json);
    }
    const uids = files.map((f) => f.json.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('documents every value of values.yaml in the chart README', () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const leaves: string[] = [];
    const walk = (v: unknown, path: string[]) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
        for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
      } else leaves.push((path[0] === 'services' ? ['services', '<app>', ...path.slice(2)] : path).join('.'));
    };
    walk(values, []);
    const undocumented = [...new Set(leaves)].filter(
      (leaf) => !documented.some((d) => leaf === d || leaf.startsWith(`${d}.`)),
    );
    expect(undocumented).toEqual([]);
  });
});
