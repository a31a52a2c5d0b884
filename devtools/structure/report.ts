/**
 * The structure of `src/` in numbers, measured from the code: folder-level import cycles and
 * mutual imports, imports that point up a floor, the largest files and functions. Tests are
 * left out (production code only). `npm run structure` prints it; `--json` for machines.
 *
 * Floors (lowest first), as ARCHITECTURE.md names them: a file may import from its own floor
 * and below. Folders of one floor must not import each other in a circle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const SRC = path.join(ROOT, 'src');

/** Floor of each place under src/ (a folder, or a file directly in src/). */
export const FLOORS: Record<string, number> = {
  config: 0,
  platform: 1,
  identity: 2,
  web: 3,
  accounts: 4,
  audit: 4,
  login: 4,
  info: 4,
  bankid: 4,
  card: 4,
  signing: 4,
  cases: 4,
  officer: 4,
  organisation: 4,
  admin: 4,
  reports: 4,
  security: 4,
  crash: 4,
  fuzz: 4,
  'app.tsx': 5,
  'main.ts': 6,
  'serve.ts': 6,
  'messages.ts': 5,
};

/** The feature that owns each table (ARCHITECTURE.md): only its own code should query it. */
export const TABLE_OWNERS: Record<string, string> = {
  person: 'accounts',
  organisation: 'accounts',
  membership: 'accounts',
  staff_role: 'accounts',
  membership_request: 'organisation',
  org_contact: 'organisation',
  org_product: 'organisation',
  login_method: 'login',
  credential_seen: 'login',
  audit_event: 'audit',
  case_file: 'cases',
  file_content: 'cases',
  attachment: 'cases',
  case_message: 'cases',
  message_read: 'cases',
  agency_message_count: 'cases',
  agency_message_read_count: 'cases',
  counter: 'cases',
  signature_evidence: 'signing',
  kv_store: 'platform',
};

const isTest = (file: string) => /\.(test|fuzz\.test)\.tsx?$/.test(file) || file.endsWith('security/fixture.ts') || file.endsWith('security/route-table.ts');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else if (/\.tsx?$/.test(name) && !isTest(full)) out.push(full);
  }
  return out;
}

/** The place (top folder, or file in src/) a path under src/ belongs to. */
function placeOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? (rel[0] ?? '') : (rel[0] ?? '');
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // next candidate
    }
  }
  return base;
}

/** Strongly connected components with more than one node (Tarjan): each is an import cycle. */
function cyclesOf(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])])].sort();
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const cycles: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) strong(n);
  return cycles;
}

interface FunctionSize {
  file: string;
  name: string;
  lines: number;
}

export function measure() {
  const files = filesUnder(SRC);
  const edges = new Map<string, Set<string>>();
  const fileEdges = new Map<string, Set<string>>();
  const upward: { from: string; to: string }[] = [];
  const outside: { from: string; to: string }[] = [];
  const functions: FunctionSize[] = [];
  const sizes: { file: string; lines: number }[] = [];
  const foreignTables: { file: string; table: string; owner: string }[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    sizes.push({ file: path.relative(ROOT, file), lines: text.split('\n').length });
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const from = placeOf(file);
    // Queries naming a table (selectFrom, insertInto, updateTable, deleteFrom, joins) from
    // outside the feature that owns it; migrations are the database's, not a feature's.
    if (!file.includes(`${path.sep}db${path.sep}`)) {
      for (const m of text.matchAll(/\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin)\(\s*'([a-z_]+)/g)) {
        const table = m[1] ?? '';
        const owner = TABLE_OWNERS[table];
        if (owner && owner !== from) foreignTables.push({ file: path.relative(ROOT, file), table, owner });
      }
    }
    const visit = (node: ts.Node): void => {
      let spec: string | undefined;
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) spec = node.moduleSpecifier.text;
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) spec = node.arguments[0].text;
      if (spec !== undefined) {
        const target = resolveImport(file, spec);
        if (target && !target.startsWith(SRC + path.sep)) outside.push({ from: path.relative(ROOT, file), to: path.relative(ROOT, target) });
        else if (target) {
          if (!isTest(target)) {
            if (!fileEdges.has(file)) fileEdges.set(file, new Set());
            fileEdges.get(file)?.add(target);
          }
          const to = placeOf(target);
          if (to !== from) {
            if (!edges.has(from)) edges.set(from, new Set());
            edges.get(from)?.add(to);
            if ((FLOORS[to] ?? 4) > (FLOORS[from] ?? 4)) upward.push({ from: path.relative(ROOT, file), to: path.relative(ROOT, target) });
          }
        }
      }
      if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const named = (node as { name?: ts.Node }).name;
        let name = named ? named.getText() : '';
        if (!name && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText();
        if (!name && ts.isPropertyAssignment(node.parent)) name = node.parent.name.getText();
        if (!name && ts.isCallExpression(node.parent)) name = `${node.parent.expression.getText().slice(0, 40)}(…)`;
        functions.push({ file: path.relative(ROOT, file), name: name || '(anonymous)', lines: end - start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }

  // Cycles of the folder graph, and of the file graph (files that import each other, directly or round).
  const places = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])])].sort();
  const cycles = cyclesOf(edges);
  const fileCycles = cyclesOf(fileEdges).map((c) => c.map((f) => path.relative(ROOT, f)));
  const mutual = places.flatMap((a) => [...(edges.get(a) ?? [])].filter((b) => a < b && edges.get(b)?.has(a)).map((b) => `${a} ⇄ ${b}`));

  return {
    files: files.length,
    lines: sizes.reduce((n, s) => n + s.lines, 0),
    folderCycles: cycles,
    fileCycles,
    mutualImports: mutual,
    upwardImports: upward,
    importsOutsideSrc: outside,
    largestFiles: sizes.sort((a, b) => b.lines - a.lines).slice(0, 10),
    largestFunctions: functions.sort((a, b) => b.lines - a.lines).slice(0, 10),
    foreignTables,
    functionsOver150: functions.filter((f) => f.lines > 150).length,
    filesOver400: sizes.filter((s) => s.lines > 400).length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const m = measure();
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(m, null, 2) + '\n');
  } else {
    const lines = [
      `production files in src/: ${m.files} (${m.lines} lines)`,
      `folder-level import cycles: ${m.folderCycles.length}${m.folderCycles.map((c) => `\n  ${c.length} folders: ${c.join(', ')}`).join('')}`,
      `file-level import cycles: ${m.fileCycles.length}${m.fileCycles.map((c) => `\n  ${c.length} files: ${c.join(', ')}`).join('')}`,
      `folder pairs importing each other: ${m.mutualImports.length}${m.mutualImports.map((x) => `\n  ${x}`).join('')}`,
      `imports pointing up a floor: ${m.upwardImports.length}${m.upwardImports.map((u) => `\n  ${u.from} → ${u.to}`).join('')}`,
      `imports from outside src/ (devtools, test): ${m.importsOutsideSrc.length}${m.importsOutsideSrc.map((u) => `\n  ${u.from} → ${u.to}`).join('')}`,
      `queries on another feature's tables: ${m.foreignTables.length}${m.foreignTables.map((f) => `\n  ${f.file} → ${f.table} (${f.owner})`).join('')}`,
      `files over 400 lines: ${m.filesOver400}; functions over 150 lines: ${m.functionsOver150}`,
      `largest files:${m.largestFiles.map((f) => `\n  ${f.lines}  ${f.file}`).join('')}`,
      `largest functions:${m.largestFunctions.map((f) => `\n  ${f.lines}  ${f.file} ${f.name}`).join('')}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
}
