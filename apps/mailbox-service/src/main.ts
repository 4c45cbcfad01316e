import { runApp } from '@jmap/runtime';
import { AppModule } from './mailbox-service.module.js';

await runApp('mailbox-service', AppModule);
