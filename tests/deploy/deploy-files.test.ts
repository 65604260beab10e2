// What can be checked of the Docker image and the compose file without a Docker engine: every
// path the Dockerfile copies exists and is not excluded by .dockerignore; the lock file agrees
// with package.json (what `npm ci` insists on); the files the image holds, with only the
// production dependencies, run the command; compose's services run commands that exist, with an
// environment the hub accepts, and have health checks.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/core/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFile(path.join(ROOT, file), 'utf8');

/** The sources of the Dockerfile's COPY instructions that come from the build context. */
async function copiedPaths(): Promise<string[]> {
  const lines = (await read('Dockerfile')).split('\n').map((l) => l.trim());
  return lines
    .filter((l) => /^COPY\s/i.test(l) && !/--from=/i.test(l))
    .flatMap((l) => {
      const args = l.replace(/^COPY\s+/i, '').split(/\s+/).filter((a) => !a.startsWith('--'));
      return args.slice(0, -1);
    });
}

describe('Dockerfile', () => {
  it('copies only paths that exist and that .dockerignore lets through', async () => {
    const paths = await copiedPaths();
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'feeds.yaml', 'bin', 'src', 'migrations']));
    const ignored = (await read('.dockerignore')).split('\n').map((l) => l.trim()).filter(Boolean);
    for (const p of paths) {
      expect(existsSync(path.join(ROOT, p)), p).toBe(true);
      expect(ignored.some((i) => p === i || p.startsWith(`${i}/`)), `${p} is in .dockerignore`).toBe(false);
    }
  });

  it('runs as a non-root user, with a health check and the serve command', async () => {
    const text = await read('Dockerfile');
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK /m);
    expect(text).toMatch(/^CMD \["node", "bin\/passerelle\.js", "serve"\]$/m);
  });

  it('has a lock file that agrees with package.json, as npm ci requires', async () => {
    const pkg = JSON.parse(await read('package.json'));
    const lock = JSON.parse(await read('package-lock.json'));
    expect(lock.packages[''].dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[''].devDependencies).toEqual(pkg.devDependencies);
    for (const name of Object.keys(pkg.dependencies)) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry, name).toBeDefined();
      expect(entry.dev, `${name} is marked dev-only in the lock file`).toBeUndefined();
    }
  });

  describe('the image files with production dependencies only', () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('run `passerelle --help`, then `passerelle serve` until it listens (which loads every module)', async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'passerelle-image-'));
      for (const p of await copiedPaths()) await cp(path.join(ROOT, p), path.join(dir, p), { recursive: true });
      // What `npm ci --omit=dev` installs: every top-level package the lock file does not mark dev.
      const lock = JSON.parse(await read('package-lock.json'));
      for (const [key, entry] of Object.entries<{ dev?: boolean }>(lock.packages)) {
        const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key);
        if (!m || entry.dev) continue;
        const target = path.join(ROOT, 'node_modules', m[1]);
        if (!existsSync(target)) continue; // optional packages for other platforms
        await mkdir(path.dirname(path.join(dir, 'node_modules', m[1])), { recursive: true });
        await symlink(target, path.join(dir, 'node_modules', m[1]), 'dir');
      }
      const run = spawnSync(process.execPath, ['bin/passerelle.js', '--help'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH } });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage:$/m);
      expect(run.stdout).toMatch(/passerelle tokens create/);
      // Commands load their modules when they run: serving loads them all, the embedded database's too.
      const serve = spawn(process.execPath, ['bin/passerelle.js', 'serve', '--no-scheduler'], {
        cwd: dir,
        env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data') },
      });
      let output = '';
      serve.stdout.on('data', (d) => (output += d));
      serve.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((r) => serve.on('exit', r));
      const timer = setTimeout(() => serve.kill('SIGKILL'), 90_000);
      try {
        await new Promise<void>((resolve, reject) => {
          const check = () => (/"msg":"listening"/.test(output) ? resolve() : undefined);
          serve.stdout.on('data', check);
          void exited.then(() => reject(new Error(`serve exited: ${output}`)));
        });
        serve.kill('SIGTERM');
        expect(await exited).toBe(0);
      } finally {
        clearTimeout(timer);
        serve.kill('SIGKILL');
      }
    }, 120_000);
  });
});

describe('compose.yaml', () => {
  const load = async () => parse(await read('compose.yaml'), { merge: true }) as { services: Record<string, any>; volumes: Record<string, unknown> };
  const KNOWN_COMMANDS = [['serve'], ['serve', '--no-scheduler'], ['worker']];

  it('runs Postgres 16, the hub, and scalable web and worker services, each with a health check', async () => {
    const compose = await load();
    expect(Object.keys(compose.services).sort()).toEqual(['db', 'hub', 'web', 'worker']);
    expect(compose.services.db.image).toBe('postgres:16');
    expect(compose.services.db.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    expect(Object.keys(compose.volumes)).toEqual(['pgdata']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test, `${name} health check`).toBeDefined();
      if (name === 'db') continue;
      expect(service.build).toBe('.');
      expect(service.depends_on).toEqual({ db: { condition: 'service_healthy' } });
      expect(service.command.slice(0, 2)).toEqual(['node', 'bin/passerelle.js']);
      expect(KNOWN_COMMANDS).toContainEqual(service.command.slice(2));
    }
    expect(compose.services.web.profiles).toEqual(['scaled']);
    expect(compose.services.worker.profiles).toEqual(['scaled']);
    expect(compose.services.worker.healthcheck.test.join(' ')).toContain(`:${compose.services.worker.environment.METRICS_PORT}/`);
  });

  it('gives each service an environment the hub accepts', async () => {
    const compose = await load();
    // ${NAME:-default} takes the default, ${NAME:?message} the value a deployment must set.
    const required: Record<string, string> = { POSTGRES_PASSWORD: 'secret' };
    const substitute = (value: unknown) =>
      String(value).replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, name: string, fallback: string | undefined) => required[name] ?? fallback ?? '');
    for (const name of ['hub', 'web', 'worker']) {
      const env = Object.fromEntries(Object.entries(compose.services[name].environment).map(([k, v]) => [k, substitute(v)]));
      const config = loadConfig(env);
      expect(config.databaseUrl).toBe('postgres://passerelle:secret@db:5432/passerelle');
      expect(config.feedsFile).toBe('/app/feeds.yaml');
    }
    expect(loadConfig(Object.fromEntries(Object.entries(compose.services.worker.environment).map(([k, v]) => [k, substitute(v)]))).metricsPort).toBe(9464);
  });
});
