/**
 * A small, bounded pool of worker threads for CPU-bound work that would otherwise hold the
 * event loop for a long stretch (the receipt PDF: layout, font subsetting, compression), so
 * that every other request goes on being answered meanwhile.
 *
 * At most `size` workers, each doing one task at a time; further tasks wait in order. A worker
 * starts at the first task and then stays; it keeps the process alive only while it has work.
 * The worker module answers `{ ready: true }` once loaded, then `{ id, value }` or
 * `{ id, error }` per task (see `serveTasks`).
 *
 * Where the module cannot be loaded (a worker that dies before it is ready), the pool is
 * unavailable for good and every task rejects with `WorkerPoolUnavailable`, so that the caller
 * can do the work on its own thread instead. A worker that dies later fails only its task; the
 * next task starts a new one.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, parentPort } from 'node:worker_threads';

export class WorkerPoolUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerPoolUnavailable';
  }
}

export interface WorkerPool<Task, Result> {
  run(task: Task): Promise<Result>;
  /** Ends the workers; tasks not finished reject. */
  close(): Promise<void>;
}

interface Pending<Task, Result> {
  id: number;
  task: Task;
  resolve(value: Result): void;
  reject(err: Error): void;
}

interface Slot<Task, Result> {
  worker: Worker;
  ready: boolean;
  busy: Pending<Task, Result> | undefined;
}

type Reply<Result> = { ready: true } | { id: number; value: Result } | { id: number; error: string };

/** Where a worker's code is: a module, or (from source) a few lines that load it. */
export type WorkerEntry = { url: URL } | { code: string };

/**
 * The worker module next to `from` (a module's `import.meta.url`) named `name`, with the
 * extension of `from` itself: `.js` in the build, loaded as it is; `.ts` when run from source
 * (tsx, tests), where the worker first registers tsx's loader and then imports the module
 * (Node 20 does not apply a loader given to a worker by `--import` to its own entry).
 */
export function siblingWorker(from: string, name: string): WorkerEntry {
  const ext = path.extname(fileURLToPath(from));
  const url = new URL(`./${name}${ext}`, from);
  if (ext !== '.ts' && ext !== '.tsx') return { url };
  // tsx's ESM entry: require.resolve finds its CommonJS twin, whose register() fails in a worker.
  const cjs = createRequire(from).resolve('tsx/esm/api');
  const mjs = cjs.replace(/\.cjs$/, '.mjs');
  const tsxApi = pathToFileURL(existsSync(mjs) ? mjs : cjs).href;
  return {
    code:
      `import(${JSON.stringify(tsxApi)})` +
      `.then((api) => { (api.register ?? api.default.register)(); return import(${JSON.stringify(url.href)}); })`,
  };
}

export function createWorkerPool<Task, Result>(options: {
  entry: WorkerEntry;
  size: number;
  name: string;
}): WorkerPool<Task, Result> {
  const size = Math.max(1, Math.floor(options.size));
  const slots: Slot<Task, Result>[] = [];
  const queue: Pending<Task, Result>[] = [];
  let unavailable: WorkerPoolUnavailable | undefined;
  let closed = false;
  let nextId = 1;

  function fail(err: Error): void {
    for (const p of queue.splice(0)) p.reject(err);
  }

  function start(): Slot<Task, Result> {
    const { entry } = options;
    const worker =
      'url' in entry
        ? new Worker(entry.url, { name: options.name })
        : new Worker(entry.code, { name: options.name, eval: true });
    const slot: Slot<Task, Result> = { worker, ready: false, busy: undefined };
    worker.unref();
    worker.on('message', (reply: Reply<Result>) => {
      if ('ready' in reply) {
        slot.ready = true;
        dispatch();
        return;
      }
      const pending = slot.busy;
      if (!pending || pending.id !== reply.id) return;
      slot.busy = undefined;
      worker.unref();
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.value);
      dispatch();
    });
    const gone = (err: Error) => {
      const index = slots.indexOf(slot);
      if (index === -1) return;
      slots.splice(index, 1);
      const pending = slot.busy;
      slot.busy = undefined;
      if (!slot.ready && !closed) {
        // It never loaded: neither will the next one.
        unavailable = new WorkerPoolUnavailable(`${options.name}: the worker cannot start: ${err.message}`, { cause: err });
        if (pending) pending.reject(unavailable);
        fail(unavailable);
        return;
      }
      pending?.reject(err);
      dispatch();
    };
    worker.on('error', (err) => gone(err));
    worker.on('exit', (code) => gone(new Error(`${options.name}: the worker stopped (exit code ${code})`)));
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const idle = slots.find((s) => s.ready && !s.busy);
      if (!idle) {
        // A worker still loading takes the next task once it is ready.
        const loading = slots.filter((s) => !s.ready).length;
        if (slots.length < size && loading < queue.length) start();
        return;
      }
      const pending = queue.shift();
      if (!pending) return;
      idle.busy = pending;
      idle.worker.ref();
      idle.worker.postMessage({ id: pending.id, task: pending.task });
    }
  }

  return {
    run(task: Task): Promise<Result> {
      if (unavailable) return Promise.reject(unavailable);
      if (closed) return Promise.reject(new WorkerPoolUnavailable(`${options.name}: closed`));
      return new Promise<Result>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        dispatch();
      });
    },
    async close(): Promise<void> {
      closed = true;
      fail(new WorkerPoolUnavailable(`${options.name}: closed`));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

/**
 * The worker's side: announces itself ready, then answers each task with `handle`'s value or
 * its error's message. Call it once at the top of a worker module.
 */
export function serveTasks(handle: (task: unknown) => Promise<unknown>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks: not in a worker thread');
  port.on('message', (message: { id: number; task: unknown }) => {
    handle(message.task).then(
      (value) => port.postMessage({ id: message.id, value }),
      (err: unknown) => port.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  port.postMessage({ ready: true });
}
