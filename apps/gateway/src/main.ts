import { runApp } from '@jmap/runtime';
import { GatewayAppModule } from './gateway-app.module.js';

await runApp('gateway', GatewayAppModule, { http: true });
