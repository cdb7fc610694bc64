// Batches the switch's writes to its drachtio server connection: every frame drachtio-srf writes
// in one event-loop turn leaves in one write syscall (the sip-server does the same on its side,
// sip-server/wire/connection.ts). Profiling bench:switch-cps showed one syscall per wire frame as
// the switch's largest single cost.
//
// drachtio-srf keeps its server sockets in the agent's `mapServer` (lib/drachtio-agent.js); this
// reaches them read-only and corks each socket once. When a future drachtio-srf moves that map,
// batching simply stays off (the caller logs it) and nothing else changes.
import type { Socket } from 'node:net';
import { corkForThisTurn } from '#lib/net/index.js';

type AgentView = { mapServer?: Map<unknown, unknown> };
type SrfInternals = { _app?: { client?: AgentView } };

const batched = new WeakSet<Socket>();

/** Corks every drachtio server socket of `srf` per event-loop turn. Returns how many sockets it newly covers. */
export function batchDrachtioWrites(srf: unknown): number {
  const map = (srf as SrfInternals)._app?.client?.mapServer;
  if (!(map instanceof Map)) return 0;
  let added = 0;
  for (const key of map.keys()) {
    if (!isSocket(key) || batched.has(key)) continue;
    batched.add(key);
    corkPerTurn(key);
    added += 1;
  }
  return added;
}

function isSocket(value: unknown): value is Socket {
  return typeof value === 'object' && value !== null && typeof (value as Socket).cork === 'function' && typeof (value as Socket).write === 'function';
}

/** Every write through drachtio-srf first corks the socket for the rest of the turn. */
function corkPerTurn(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    corkForThisTurn(socket);
    return write(...args);
  });
}
