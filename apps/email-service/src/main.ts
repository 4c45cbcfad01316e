import { runApp } from '@jmap/runtime';
import { AppModule } from './email-service.module.js';

await runApp('email-service', AppModule);
