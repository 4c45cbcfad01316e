import { runApp } from '@jmap/runtime';
import { AppModule } from './thread-service.module.js';

await runApp('thread-service', AppModule);
