/** Baseline (a): a bare Fastify hello-world on 127.0.0.1, nothing registered but one route. */
import Fastify from 'fastify';
import { announce, stopOnSignal } from './protocol.js';

const app = Fastify();
app.get('/', () => 'hello');
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('hello server: no TCP address');
stopOnSignal(() => app.close());
announce({ port: address.port });
