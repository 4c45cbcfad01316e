/**
 * Consumer-group lag as a Prometheus gauge, measured at scrape time: for each (group, topic) this process
 * consumes, the sum over partitions of the newest offset minus the group's committed offset. The HPA and the
 * consumer-lag alert read it.
 */
import type { Metrics } from '@jmap/platform';
import type { KafkaConnection } from './kafka-client.js';

export class ConsumerLagMonitor {
  private readonly watched = new Map<string, { group: string; topic: string }>();

  constructor(
    private readonly conn: KafkaConnection,
    metrics: Metrics,
  ) {
    const watched = this.watched;
    const lagOf = (group: string, topic: string) => this.lag(group, topic);
    metrics.gauge('jmap_kafka_consumer_lag', 'Messages a consumer group has not yet committed, per topic', ['group', 'topic'], async function () {
      for (const { group, topic } of watched.values()) {
        try {
          this.set({ group, topic }, await lagOf(group, topic));
        } catch {
          // Broker unreachable: keep the last value; readiness reports the outage.
        }
      }
    });
  }

  watch(group: string, topic: string): void {
    this.watched.set(`${group}\u0000${topic}`, { group, topic });
  }

  async lag(group: string, topic: string): Promise<number> {
    const admin = await this.conn.adminClient();
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
    const committedByPartition = new Map<number, number>();
    for (const t of committed) for (const p of t.partitions) committedByPartition.set(p.partition, Number(p.offset));
    let lag = 0;
    for (const p of ends) {
      const end = Number(p.high);
      const done = committedByPartition.get(p.partition) ?? -1;
      lag += Math.max(0, end - (done < 0 ? Number(p.low) : done));
    }
    return lag;
  }
}
