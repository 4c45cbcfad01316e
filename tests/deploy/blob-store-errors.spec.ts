/**
 * jmap_blob_store_errors_total, behind the JmapBlobStoreErrors alert and the service dashboard's S3 panel.
 */
import { describe, expect, it } from 'vitest';
import { S3BlobStore } from '@jmap/blob-store';
import { Metrics } from '@jmap/platform';
import { freePort } from '@jmap/testing';

async function errorCounts(metrics: Metrics): Promise<Record<string, number>> {
  const metric = await metrics.registry.getSingleMetric('jmap_blob_store_errors_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.operation), v.value]));
}

describe('S3 blob store errors', () => {
  it('are counted by operation, every operation starting at zero', async () => {
    const metrics = new Metrics('test');
    const store = new S3BlobStore(
      {
        endpoint: `http://127.0.0.1:${await freePort()}`,
        region: 'us-east-1',
        bucket: 'b',
        accessKey: 'k',
        secretKey: 's',
      },
      metrics,
    );
    expect(await errorCounts(metrics)).toEqual({ put: 0, get: 0, stat: 0, delete: 0 });
    const sha = 'a'.repeat(64);
    await expect(store.stat(sha)).rejects.toThrow();
    await expect(store.stream(sha)).rejects.toThrow();
    await expect(store.delete(sha)).rejects.toThrow();
    expect(await errorCounts(metrics)).toEqual({ put: 0, get: 1, stat: 1, delete: 1 });
  });
});
