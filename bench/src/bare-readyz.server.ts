// The start-up baseline: a bare Fastify process answering `/readyz` on
// MORTISE_PORT, spawned the same way as the kernel.
import { fastify } from 'fastify';

const app = fastify();
app.get('/readyz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.MORTISE_PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
