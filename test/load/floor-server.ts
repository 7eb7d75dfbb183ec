// The bare-socket floor of `npm run loadtest`: a plain `ws` server with no protocol at all. On `push`
// it sends one buffer of the given size to every socket; what Crier's pushes are compared with.
import { WebSocketServer } from 'ws';

const port = Number(process.env.FLOOR_PORT ?? 8109);
const server = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
server.on('listening', () => process.send!({ ev: 'listening', port }));
server.on('connection', (socket) => socket.on('error', () => undefined));

let roundStartCpu = 0;
const cpuMs = () => (process.cpuUsage().user + process.cpuUsage().system) / 1000;
process.on('message', (message: { cmd: 'push'; bytes: number; text?: string } | { cmd: 'stats' }) => {
  if (message.cmd === 'push') {
    // A round's CPU (the sends, then reading the clients' answers) runs from here to the next `stats`.
    roundStartCpu = cpuMs();
    const at = performance.timeOrigin + performance.now();
    // `text`: Crier's own manifest frame, so clients parse what they parse from Crier; else padding of that size.
    const payload = Buffer.from(message.text ?? JSON.stringify({ type: 'floor', pad: 'x'.repeat(Math.max(0, message.bytes - 30)) }));
    for (const socket of server.clients) socket.send(payload);
    process.send!({ ev: 'pushed', at, clients: server.clients.size });
  } else {
    process.send!({ ev: 'stats', memory: process.memoryUsage(), clients: server.clients.size, roundCpuMs: Math.round((cpuMs() - roundStartCpu) * 10) / 10 });
  }
});
setTimeout(() => process.exit(2), Number(process.env.LOADTEST_MAX_MS ?? 1_800_000)).unref();
process.on('disconnect', () => process.exit(0));
