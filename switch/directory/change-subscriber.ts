// Keeps the cached directory fresh: every control-plane change event clears the caches it
// touches; a Redis reconnect (events may have been lost meanwhile) clears them all.
import { CHANGE_CHANNEL_PATTERN, CHANGE_ENTITIES, decodeChangeEvent } from '#lib/change-events/index.js';
import type { Logger } from '#lib/log/index.js';
import type { Redis } from '#lib/redis/index.js';
import type { CachedDirectory } from './cached-directory.js';

export async function subscribeDirectoryChanges(subscriber: Redis, directory: CachedDirectory, log: Logger): Promise<void> {
  subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => {
    const decoded = decodeChangeEvent(message);
    if (!decoded.ok) {
      log.warn({ error: decoded.error }, 'change event outside the contract');
      return;
    }
    directory.invalidate(decoded.event.entity);
  });
  let connectedBefore = false;
  subscriber.on('ready', () => {
    if (connectedBefore) for (const entity of CHANGE_ENTITIES) directory.invalidate(entity);
    connectedBefore = true;
  });
  await subscriber.psubscribe(CHANGE_CHANNEL_PATTERN);
}
