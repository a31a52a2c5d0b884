/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`) for the bench: self time by area
 * (our code, each package, Node internals, GC, idle) and the top functions by self and by
 * inclusive time. Usage:
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 * See bench/README.md for how to record a profile of the portal under load.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = process.argv[2];
if (file === undefined) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return '(program: native, outside JS)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.startsWith('node:')) return 'node internals';
  const p = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = p.slice(nm + '/node_modules/'.length).split('/');
    return (parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : parts[0]) ?? p;
  }
  return path.relative(ROOT, p).split(path.sep).slice(0, 3).join('/');
}

const label = (f: CallFrame) => {
  const where = f.url
    ? `${f.url.startsWith('file://') ? path.relative(ROOT, fileURLToPath(f.url)) : f.url}:${f.lineNumber + 1}`
    : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

// Self time by area and by function.
const areaSelf = new Map<string, number>();
const fnSelf = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const a = area(node.callFrame);
  areaSelf.set(a, (areaSelf.get(a) ?? 0) + us);
  const l = label(node.callFrame);
  fnSelf.set(l, (fnSelf.get(l) ?? 0) + us);
}

// Inclusive time by function (each sample counted once per function on its stack).
const fnIncl = new Map<string, number>();
const root = profile.nodes[0];
function walk(node: ProfileNode, active: Map<string, number>): number {
  let sub = selfUs.get(node.id) ?? 0;
  const l = label(node.callFrame);
  const onStack = (active.get(l) ?? 0) > 0;
  active.set(l, (active.get(l) ?? 0) + 1);
  for (const child of node.children ?? []) {
    const c = byId.get(child);
    if (c) sub += walk(c, active);
  }
  active.set(l, (active.get(l) ?? 1) - 1);
  if (!onStack) fnIncl.set(l, (fnIncl.get(l) ?? 0) + sub);
  return sub;
}
if (root) walk(root, new Map());

const pct = (us: number) => `${((us / totalUs) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((x, y) => y[1] - x[1]).slice(0, n)) console.log(`  ${pct(us)}  ${k}`);
};
console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s sampled`);
print('Self time by area', areaSelf, 30);
print(`Top ${top} functions by self time`, fnSelf, top);
print(`Top ${top} functions by inclusive time`, fnIncl, top);
