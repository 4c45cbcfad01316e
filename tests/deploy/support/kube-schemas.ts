/**
 * Validation of rendered manifests against the Kubernetes and Prometheus Operator schemas, with the
 * kubernetes-models packages (the schemas ship inside them; nothing is downloaded). A kind the chart renders
 * must be listed here, so that nothing escapes validation.
 */
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { K8sObject } from './chart.js';

type Validatable = new (data: never) => { validate(): void };

const MODELS: Record<string, Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** Schema errors of one object ("" when valid). */
export function schemaErrors(obj: K8sObject): string {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model)
    return `no schema for ${obj.apiVersion} ${obj.kind}: add it to tests/deploy/support/kube-schemas.ts`;
  try {
    new Model(obj as never).validate();
    return '';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
