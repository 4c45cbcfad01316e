/**
 * What Kafka decided for a stack's consumer groups, for tests that must know which replica owns an account:
 * the partitions each member of a group holds, and the partition a key lands on.
 */
import { AssignerProtocol, Kafka, logLevel, Partitioners } from 'kafkajs';

/**
 * Waits until the group is Stable with `members` members and returns each member's partitions of `topic`
 * (sorted by member id). Throws with the last state seen after `timeoutMs`.
 */
export async function stableGroupAssignment(brokers: string, groupId: string, topic: string, members: number, timeoutMs = 60_000): Promise<number[][]> {
  const kafka = new Kafka({ clientId: 'test-group-assignment', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  let last = 'not described yet';
  try {
    for (;;) {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      if (g?.state === 'Stable' && g.members.length === members) {
        const owned = [...g.members]
          .sort((a, b) => a.memberId.localeCompare(b.memberId))
          .map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? []);
        // Every member holds partitions of the topic once the assignment has been handed out.
        if (owned.every((p) => p.length > 0)) return owned;
        last = `Stable, partitions ${JSON.stringify(owned)}`;
      } else last = `${g?.state}, ${g?.members.length} members`;
      if (Date.now() > deadline) throw new Error(`group ${groupId} not stable with ${members} members after ${timeoutMs} ms: ${last}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** The partition the services' producers (kafkajs's default partitioner) put a message with this key on. */
export function partitionOfKey(topic: string, key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return partitioner({ topic, partitionMetadata, message: { key, value: null } });
}
