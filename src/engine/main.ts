/**
 * Entry point of the engine process, forked by the extension host (or by tests). It owns ONNX
 * Runtime; the host only talks to it over the IPC channel.
 */
import { EngineServer } from './server';

if (!process.send) {
  console.error('moe-scope engine: start me with child_process.fork (an IPC channel is required).');
  process.exit(2);
}

const server = new EngineServer((message) => process.send?.(message));
process.on('message', (message) => server.receive(message));
// When the host goes away, so does the engine: no orphaned processes holding GPU memory.
process.on('disconnect', () => process.exit(0));
