import { runApp } from '@jmap/runtime';
import { AppModule } from './push-service.module.js';

await runApp('push-service', AppModule);
