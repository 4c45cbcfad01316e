import { runApp } from '@jmap/runtime';
import { AppModule } from './submission-service.module.js';

await runApp('submission-service', AppModule);
