// A BullMQ queue of named repeatable jobs with one worker that runs them (job schedulers,
// `every` ms). Shared by the billing and retention job sets.
import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from '#lib/log/index.js';
import type { Redis } from '#lib/redis/index.js';

export type RepeatableJobsOptions<N extends string> = {
  queue: string;
  names: readonly N[];
  /** BullMQ connection (maxRetriesPerRequest: null). */
  connection: Redis;
  prefix: string;
  everyMs: number;
  log: Logger;
  run: (name: N) => Promise<Record<string, number>>;
};

export type RepeatableJobs = { queue: Queue; worker: Worker; close(): Promise<void> };

export async function startRepeatableJobs<N extends string>(o: RepeatableJobsOptions<N>): Promise<RepeatableJobs> {
  const queue = new Queue(o.queue, { connection: o.connection, prefix: o.prefix });
  for (const name of o.names) {
    await queue.upsertJobScheduler(name, { every: o.everyMs }, { name, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
  const workerConnection = o.connection.duplicate();
  const worker = new Worker(
    o.queue,
    async (job: Job) => {
      const name = o.names.find((n) => n === job.name);
      if (!name) throw new Error(`unknown ${o.queue} job ${job.name}`);
      return o.run(name);
    },
    { connection: workerConnection, prefix: o.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => o.log.error({ err, job: job?.name, queue: o.queue }, 'job failed'));
  return {
    queue,
    worker,
    close: async () => {
      await worker.close();
      await queue.close();
      await workerConnection.quit().catch(() => workerConnection.disconnect());
    },
  };
}
