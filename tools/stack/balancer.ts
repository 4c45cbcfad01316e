/** The stack's TCP balancer as a process of its own: balancer.ts <port> <host> <target-port>... */
import { startBalancer } from '@jmap/testing';

const [port, host, ...targets] = process.argv.slice(2);
const ports = targets.map(Number);
await startBalancer(Number(port), host, () => ports);
process.stdout.write(`balancer on ${host}:${port} -> ${ports.join(', ')}\n`);
process.on('SIGTERM', () => process.exit(0));
