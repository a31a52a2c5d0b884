/**
 * The worker pool: tasks answered in workers (at most `size` at once, the rest waiting), a
 * task's error rejects only that task, and a worker module that cannot load makes the pool
 * unavailable (the caller then does the work itself) instead of failing later tasks forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerPool, WorkerPoolUnavailable, type WorkerPool } from './worker-pool.js';

/** A worker module speaking the pool's protocol (as serveTasks does), as a data: URL. */
function workerUrl(body: string): URL {
  const source = `
    import { parentPort, threadId } from 'node:worker_threads';
    let running = 0;
    parentPort.on('message', async ({ id, task }) => {
      running++;
      try {
        ${body}
      } catch (err) {
        parentPort.postMessage({ id, error: err.message });
      } finally {
        running--;
      }
    });
    parentPort.postMessage({ ready: true });
  `;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

const pools: WorkerPool<unknown, unknown>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool<T, R>(url: URL, size: number): WorkerPool<T, R> {
  const created = createWorkerPool<T, R>({ entry: { url }, size, name: 'test-pool' });
  pools.push(created);
  return created;
}

describe('createWorkerPool', () => {
  it('answers every task from a worker, at most `size` workers, one task each at a time', async () => {
    const tasks = pool<number, { doubled: number; thread: number; running: number }>(
      workerUrl(`
        await new Promise((r) => setTimeout(r, 5));
        parentPort.postMessage({ id, value: { doubled: task * 2, thread: threadId, running } });
      `),
      2,
    );
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => tasks.run(i)));
    expect(answers.map((a) => a.doubled)).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
    expect(new Set(answers.map((a) => a.thread)).size).toBeLessThanOrEqual(2);
    expect(Math.max(...answers.map((a) => a.running))).toBe(1);
  });

  it('a task that fails rejects with its message; the next task is answered', async () => {
    const tasks = pool<string, string>(
      workerUrl(`
        if (task === 'bad') throw new Error('refused: bad task');
        parentPort.postMessage({ id, value: task.toUpperCase() });
      `),
      1,
    );
    await expect(tasks.run('bad')).rejects.toThrow('refused: bad task');
    await expect(tasks.run('good')).resolves.toBe('GOOD');
  });

  it('a worker that dies during a task fails that task only; a new worker takes the next', async () => {
    const tasks = pool<string, string>(
      workerUrl(`
        if (task === 'die') process.exit(3);
        parentPort.postMessage({ id, value: 'ok ' + task });
      `),
      1,
    );
    await expect(tasks.run('die')).rejects.toThrow(/exit code 3/);
    await expect(tasks.run('again')).resolves.toBe('ok again');
  });

  it('a worker module that cannot load → WorkerPoolUnavailable for this and every later task', async () => {
    const tasks = pool<string, string>(new URL('./no-such-worker-module.js', import.meta.url), 1);
    const first = tasks.run('a');
    const second = tasks.run('b');
    await expect(first).rejects.toBeInstanceOf(WorkerPoolUnavailable);
    await expect(second).rejects.toBeInstanceOf(WorkerPoolUnavailable);
    await expect(tasks.run('c')).rejects.toBeInstanceOf(WorkerPoolUnavailable);
  });
});
