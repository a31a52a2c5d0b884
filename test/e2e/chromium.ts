/**
 * Which Chromium the browser journeys drive, and how it is launched: `CHROMIUM_PATH`, then
 * Debian's Chromium (or one on PATH), then the build that ships in the npm package
 * @sparticuz/chromium (a devDependency), unpacked once per machine, so `npm install && npm
 * test` passes on a fresh machine without a system browser.
 */
import {
  accessSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';

const require = createRequire(import.meta.url);

/**
 * Chromium switches. Without them Chromium on a closed network keeps trying to reach
 * Google services (component updates, sync, field trials, QUIC probes) and stalls or logs
 * noise. The host resolver rule makes every host name except loopback unresolvable, so
 * nothing the browser does on its own can reach the network even if a switch is missed.
 * Playwright's `launch` adds a fresh temporary `--user-data-dir` of its own and deletes it
 * on close, so no profile state survives between runs.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Steps 1 and 2 of the lookup: `CHROMIUM_PATH`, then Debian's Chromium or one on PATH. */
function findInstalledChromium(env: NodeJS.ProcessEnv): { found: string | undefined; lookedFor: string[] } {
  const configured = env['CHROMIUM_PATH']?.trim();
  if (configured) {
    if (isExecutableFile(configured)) return { found: configured, lookedFor: [configured] };
    throw new Error(
      `CHROMIUM_PATH is set to "${configured}", which is not an executable file. ` +
        'Point it at a Chromium binary or unset it to use /usr/bin/chromium.',
    );
  }
  const onPath = (env['PATH'] ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .flatMap((dir) => [path.join(dir, 'chromium'), path.join(dir, 'chromium-browser')]);
  const candidates = ['/usr/bin/chromium', ...onPath];
  return { found: candidates.find(isExecutableFile), lookedFor: candidates };
}

/**
 * Step 3: the Chromium build shipped inside the npm package @sparticuz/chromium (a
 * devDependency), for machines without Debian's package. It is unpacked once per machine
 * (per package version and user) into its own folder of the OS temp dir, with a fontconfig
 * file beside it; `undefined` when the package is not installed. Resolving the package's
 * path does not load it.
 */
interface BundledChromium {
  version: string;
  dir: string;
  executable: string;
  /** Fontconfig file: the machine's fonts plus the package's Open Sans (see `fontConfigXml`). */
  fontConfig: string;
}

const BUNDLED_PREFIX = 'kundwebben-chromium-';

function bundledChromium(): BundledChromium | undefined {
  let version: string;
  try {
    const entry = require.resolve('@sparticuz/chromium'); // <package>/build/index.js
    const manifest = readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8');
    version = (JSON.parse(manifest) as { version: string }).version;
  } catch {
    return undefined;
  }
  const dir = path.join(tmpdir(), `${BUNDLED_PREFIX}${version}-uid${process.getuid?.() ?? 'x'}`);
  return { version, dir, executable: path.join(dir, 'chromium'), fontConfig: path.join(dir, 'fonts.conf') };
}

function notFoundMessage(lookedFor: readonly string[], bundled: BundledChromium | undefined): string {
  return (
    'Chromium was not found, and the e2e journeys need a real browser (they are never skipped). ' +
    "Install Debian's package (apt-get install chromium), set CHROMIUM_PATH to a Chromium binary, " +
    'or run npm install: the devDependency @sparticuz/chromium ships one' +
    (bundled ? ` (not unpacked yet: launchChromium() unpacks it to ${bundled.dir})` : ' (not installed)') +
    `. Looked for: ${lookedFor.join(', ')}`
  );
}

/**
 * The Chromium binary, found without unpacking anything: `CHROMIUM_PATH` when set (and then
 * it must be right), otherwise Debian's /usr/bin/chromium or a `chromium`/`chromium-browser`
 * on PATH, otherwise the @sparticuz/chromium build if it is already unpacked. Throws with
 * what to do when there is none. `launchChromium` uses `resolveChromium`, which also unpacks.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const { found, lookedFor } = findInstalledChromium(env);
  if (found) return found;
  const bundled = bundledChromium();
  if (bundled && isExecutableFile(bundled.executable)) return bundled.executable;
  throw new Error(notFoundMessage(lookedFor, bundled));
}

export interface FoundChromium {
  executablePath: string;
  /** FONTCONFIG_FILE for the @sparticuz/chromium build; undefined for an installed Chromium. */
  fontConfig: string | undefined;
}

/**
 * The Chromium to launch, in this order: `CHROMIUM_PATH`; Debian's Chromium or one on PATH;
 * the @sparticuz/chromium build, unpacked on first use. The package is imported only when
 * the first two find nothing, so machines with Debian's Chromium never load it.
 */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<FoundChromium> {
  const { found, lookedFor } = findInstalledChromium(env);
  if (found) {
    // CHROMIUM_PATH may point at an unpacked build (findChromium returns it): it needs its
    // fonts then too. Told by the folder name, so that the package is not even resolved.
    const folder = path.dirname(found);
    const fontConfig = path.join(folder, 'fonts.conf');
    const bundled = path.basename(folder).startsWith(BUNDLED_PREFIX) && isFile(fontConfig);
    return { executablePath: found, fontConfig: bundled ? fontConfig : undefined };
  }
  const bundled = bundledChromium();
  if (!bundled) throw new Error(notFoundMessage(lookedFor, undefined));
  unpacking ??= unpackBundledChromium(bundled).catch((err: unknown) => {
    unpacking = undefined; // let a later launch try again
    throw err;
  });
  return { executablePath: await unpacking, fontConfig: bundled.fontConfig };
}

/** The unpack of this process, shared by launches that overlap. */
let unpacking: Promise<string> | undefined;

/** How long a process waits for another one's unpack, and when a lock counts as abandoned. */
const UNPACK_WAIT_MS = 5 * 60_000;
const LOCK_STALE_MS = 10 * 60_000;

/**
 * Unpacks the @sparticuz/chromium build once, however many processes (vitest workers,
 * parallel runs) ask at the same time. The package itself is not safe for that: its
 * `executablePath()` returns `<tmp>/chromium` as soon as that file exists, which is the
 * moment another process starts writing it, and two processes would write the same files.
 * So one process at a time holds `<dir>.lock` (created exclusively, holding its pid) and
 * unpacks into a fresh staging folder that it then renames to `<dir>`: `<dir>` only ever
 * appears complete. The others wait for it; a lock whose process is gone, or that is older
 * than LOCK_STALE_MS, is taken over. Should two processes still both unpack (two taking over
 * the same stale lock), the second rename fails, and that process uses the first one's.
 */
async function unpackBundledChromium(bundled: BundledChromium): Promise<string> {
  const lock = `${bundled.dir}.lock`;
  const deadline = Date.now() + UNPACK_WAIT_MS;
  for (;;) {
    if (isExecutableFile(bundled.executable)) return bundled.executable;
    if (takeLock(lock)) {
      try {
        if (!isExecutableFile(bundled.executable)) await unpackInto(bundled);
      } finally {
        rmSync(lock, { force: true });
      }
      continue;
    }
    if (lockIsStale(lock)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Waited ${UNPACK_WAIT_MS / 1000} s for another process to unpack @sparticuz/chromium to ${bundled.dir} ` +
          `(lock ${lock}). Remove the lock if no test run is going on.`,
      );
    }
    await sleep(200);
  }
}

function takeLock(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function lockIsStale(lock: string): boolean {
  let pid: number;
  let age: number;
  try {
    pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    age = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return false; // gone already: the loop looks again
  }
  if (age > LOCK_STALE_MS) return true;
  // A lock without a pid yet is being written; give its writer a moment.
  if (!Number.isInteger(pid) || pid <= 0) return age > 5_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Unpacks into a staging folder and renames it to `bundled.dir`. The caller holds the lock. */
async function unpackInto(bundled: BundledChromium): Promise<void> {
  const parent = path.dirname(bundled.dir);
  const stagingPrefix = `${path.basename(bundled.dir)}.unpack-`;
  // Staging folders of unpacks that died half-way (none is running: we hold the lock).
  for (const name of readdirSync(parent)) {
    if (name.startsWith(stagingPrefix)) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  const staging = mkdtempSync(path.join(parent, stagingPrefix));
  try {
    const { default: sparticuz } = await import('@sparticuz/chromium');
    // executablePath() unpacks into os.tmpdir() (the binary as <tmp>/chromium, its fonts and
    // SwiftShader beside it). It reads os.tmpdir() only synchronously, before its first
    // await, so TMPDIR is pointed at the staging folder for exactly that call; nothing else
    // in this process runs in between. The check below catches a version that reads it later.
    const savedTmpdir = process.env['TMPDIR'];
    let unpacked: Promise<string>;
    process.env['TMPDIR'] = staging;
    try {
      unpacked = sparticuz.executablePath();
    } finally {
      if (savedTmpdir === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = savedTmpdir;
    }
    const binary = await unpacked;
    if (binary !== path.join(staging, 'chromium') || !isExecutableFile(binary)) {
      throw new Error(
        `@sparticuz/chromium ${bundled.version} unpacked its Chromium to ${binary}, not to the staging folder ` +
          `${staging}: its executablePath() changed; adapt unpackInto() in test/e2e/harness.ts.`,
      );
    }
    writeFileSync(path.join(staging, 'fonts.conf'), fontConfigXml(bundled.dir));
    try {
      renameSync(staging, bundled.dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another process got there first (see unpackBundledChromium): use its folder.
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !isExecutableFile(bundled.executable)) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Fontconfig for the @sparticuz/chromium build: the machine's own fonts and rules where it
 * has any, plus the Open Sans the package ships. A machine without Debian's chromium
 * usually has no fonts at all (fonts-dejavu-core and fonts-liberation come with it), and
 * with no font every text renders zero-sized, so links and buttons are "not visible" and
 * cannot be clicked.
 */
function fontConfigXml(dir: string): string {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${xml(path.join(dir, 'fonts'))}</dir>`,
    `  <cachedir>${xml(path.join(dir, 'fonts-cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

/**
 * Launches headless Chromium with the closed-network switches. The @sparticuz/chromium build
 * gets the same switches and none of the package's own `args`: those are made for AWS
 * Lambda, and its `--single-process` shares one renderer between contexts, so cookies of
 * one context showed up in another; `--disable-web-security`, `--allow-running-insecure-content`
 * and the site-isolation switches would weaken what the journeys check. As root here,
 * `--no-sandbox` (ours) is all it needs; it only needs its fonts, through FONTCONFIG_FILE.
 */
export async function launchChromium(): Promise<Browser> {
  const found = await resolveChromium();
  return chromium.launch({
    executablePath: found.executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    ...(found.fontConfig ? { env: { ...process.env, FONTCONFIG_FILE: found.fontConfig } } : {}),
    timeout: 30_000,
  });
}
