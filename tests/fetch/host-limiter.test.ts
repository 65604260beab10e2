// The host limiter: global and per-host concurrency, FIFO order, no head-of-line blocking,
// and per-host pauses after Retry-After.
import { describe, expect, it } from 'vitest';
import { createHostLimiter, HostBlockedError } from '../../src/fetch/host-limiter.ts';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Submits a task that records when it starts and finishes when the test says so. */
function track(limiter: ReturnType<typeof createHostLimiter>, started: string[]) {
  return (host: string, name: string) => {
    const gate = deferred<string>();
    const result = limiter.run(host, () => {
      started.push(name);
      return gate.promise;
    });
    return { result, finish: () => gate.resolve(name) };
  };
}

describe('createHostLimiter', () => {
  it('never runs more than `concurrency` tasks, and starts waiting ones in arrival order', async () => {
    const limiter = createHostLimiter({ concurrency: 2, hostConcurrency: 10 });
    const started: string[] = [];
    const submit = track(limiter, started);
    const tasks = ['a', 'b', 'c', 'd', 'e'].map((h) => submit(`${h}.example`, h));
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(limiter.active()).toBe(2);
    expect(limiter.pending()).toBe(3);

    tasks[1].finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    tasks[0].finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    for (const t of tasks) t.finish();
    await expect(Promise.all(tasks.map((t) => t.result))).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(limiter.active()).toBe(0);
  });

  it('never runs more than `hostConcurrency` tasks for one host, and a busy host does not hold up the others', async () => {
    const limiter = createHostLimiter({ concurrency: 3, hostConcurrency: 1 });
    const started: string[] = [];
    const submit = track(limiter, started);
    const a1 = submit('a.example', 'a1');
    const a2 = submit('A.example.', 'a2'); // same host, spelled differently
    const b1 = submit('b.example', 'b1');
    await settle();
    expect(started).toEqual(['a1', 'b1']);
    expect(limiter.pending()).toBe(1);

    a1.finish();
    await settle();
    expect(started).toEqual(['a1', 'b1', 'a2']);
    a2.finish();
    b1.finish();
    await Promise.all([a1.result, a2.result, b1.result]);
  });

  it('keeps FIFO order within a host', async () => {
    const limiter = createHostLimiter({ concurrency: 5, hostConcurrency: 1 });
    const started: string[] = [];
    const submit = track(limiter, started);
    const tasks = [1, 2, 3, 4].map((n) => submit('same.example', `t${n}`));
    for (const t of tasks) {
      await settle();
      t.finish();
      await t.result;
    }
    expect(started).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('frees the slot when a task fails, synchronously or not', async () => {
    const limiter = createHostLimiter({ concurrency: 1, hostConcurrency: 1 });
    await expect(limiter.run('h', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('h', () => {
      throw new Error('sync boom');
    })).rejects.toThrow('sync boom');
    await expect(limiter.run('h', async () => 'fine')).resolves.toBe('fine');
    expect(limiter.active()).toBe(0);
  });

  it('refuses a blocked host at once, without calling the task, until the block expires', async () => {
    let now = 1_000_000;
    const limiter = createHostLimiter({ concurrency: 2, hostConcurrency: 2, now: () => now });
    limiter.blockHost('slow.example', now + 3_600_000);
    expect(limiter.blockedUntil('SLOW.example')).toBe(now + 3_600_000);
    expect(limiter.blockedUntil('other.example')).toBeUndefined();

    let called = false;
    const refused = limiter.run('slow.example', async () => {
      called = true;
    });
    await expect(refused).rejects.toBeInstanceOf(HostBlockedError);
    await expect(refused).rejects.toThrow(/slow\.example asked us to wait until/);
    expect(called).toBe(false);
    await expect(limiter.run('other.example', async () => 'ok')).resolves.toBe('ok');

    now += 3_600_001;
    expect(limiter.blockedUntil('slow.example')).toBeUndefined();
    await expect(limiter.run('slow.example', async () => 'back')).resolves.toBe('back');
  });

  it('rejects tasks already waiting for a host when it gets blocked, and keeps the later of two deadlines', async () => {
    const limiter = createHostLimiter({ concurrency: 1, hostConcurrency: 1 });
    const started: string[] = [];
    const submit = track(limiter, started);
    const first = submit('x.example', 'first');
    const waiting = submit('x.example', 'waiting');
    const other = submit('y.example', 'other');
    await settle();
    const until = Date.now() + 60_000;
    limiter.blockHost('x.example', until);
    limiter.blockHost('x.example', until - 30_000);
    expect(limiter.blockedUntil('x.example')).toBe(until);
    await expect(waiting.result).rejects.toBeInstanceOf(HostBlockedError);

    first.finish(); // the task already running is left to finish
    await expect(first.result).resolves.toBe('first');
    await settle();
    expect(started).toEqual(['first', 'other']);
    other.finish();
    await other.result;
  });
});
