import { runApp } from '@jmap/runtime';
import { AppModule } from './delivery-service.module.js';

await runApp('delivery-service', AppModule);
