import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";

// Background work goes through graphile-worker's queue in PostgreSQL.
// Payloads carry ids or small values, never whole objects.

export interface SendEmailPayload {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface TaskPayloads {
  "send-email": SendEmailPayload;
}

export interface JobQueue {
  add<T extends keyof TaskPayloads>(task: T, payload: TaskPayloads[T], options?: { jobKey?: string; maxAttempts?: number }): Promise<void>;
}

export interface JobQueueHandle {
  queue: JobQueue;
  release(): Promise<void>;
}

/** Connects to the queue and makes sure graphile-worker's schema exists. */
export async function createJobQueue(connectionString: string): Promise<JobQueueHandle> {
  const utils: WorkerUtils = await makeWorkerUtils({ connectionString });
  await utils.migrate();
  return {
    queue: {
      async add(task, payload, options) {
        await utils.addJob(task as string, payload as unknown, { jobKey: options?.jobKey, maxAttempts: options?.maxAttempts ?? 5 });
      },
    },
    release: async () => {
      await utils.release();
    },
  };
}
