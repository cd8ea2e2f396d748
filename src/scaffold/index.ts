/**
 * `splash new-beamline`: everything a new beamline needs, ready for review — beamlines/<folder>/ (config.ts,
 * dispatcher.ts) and its line in beamlines/index.ts, its endpoints and `beamlines."<id>"` section in
 * config.yml, its reusable workflow, its event type and job in dispatch.yml, its place in reconcile.yml, its
 * runner label in docs/workflows.md, and its docs page (filled in by `npm run docs:gen`).
 *
 * Idempotent: every change is "make sure this is there". Run again on a beamline it made, it changes nothing;
 * with `check` it only says what it would change (the test of the shipped beamlines). Nothing is written
 * unless every change could be planned: a file that exists with other content is never overwritten.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { normaliseAbsolutePath } from '../config/schema.js';
import { configError, usageError } from '../errors.js';
import type { BeamlineSpec, ScaffoldSpec } from './spec.js';
import { configSection, configTs, dispatcherTs, dispatchJob, docsStub, fileEndpointEntry, globusEndpointEntry, registryLines, workflowYml } from './templates.js';

export { scaffoldSpec, type ScaffoldArgs, type ScaffoldSpec } from './spec.js';

/** The line between a beamline page's generated part and its hand-written part (scripts/docs). */
export const BEAMLINE_PAGE_END = '<!-- end of the generated part: write below this line; generation keeps it -->';

export interface Change {
  readonly file: string;
  readonly what: string;
  readonly text: string;
}

type Files = Map<string, string | undefined>;

async function readAll(root: string, files: readonly string[]): Promise<Files> {
  const out: Files = new Map();
  for (const f of files) {
    const abs = path.join(root, f);
    out.set(f, existsSync(abs) ? await readFile(abs, 'utf8') : undefined);
  }
  return out;
}

/** Insert `block` after the last line matching `after` inside the lines [from, to). */
function lines(text: string): string[] {
  return text.split('\n');
}

/** The end (exclusive line index) of the block that starts at `start` and is indented deeper than `indent`. */
function blockEnd(ls: readonly string[], start: number, indent: number): number {
  let end = start + 1;
  let lastContent = start;
  for (; end < ls.length; end++) {
    const l = ls[end] ?? '';
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    if (l.length - l.trimStart().length <= indent) break;
    lastContent = end;
  }
  return lastContent + 1;
}

function insertInConfig(text: string, s: ScaffoldSpec, changes: string[]): string {
  const doc = (parse(text) ?? {}) as { beamlines?: Record<string, unknown>; endpoints?: Record<string, unknown>; globus?: { globus_endpoints?: Record<string, { uuid?: string; root_path?: string }> } };
  let ls = lines(text);
  const legacy = doc.globus?.globus_endpoints ?? {};
  const fresh = doc.endpoints ?? {};
  for (const b of s.beamlines) {
    for (const e of b.endpoints) {
      const have = legacy[e.name] ?? (fresh[e.name] as { uuid?: string; root_path?: string } | undefined);
      if (have !== undefined) {
        const root = have.root_path === undefined ? undefined : normaliseAbsolutePath(have.root_path);
        const sameRoot = root !== undefined && 'path' in root && root.path === e.root;
        const same = sameRoot && (e.kind === 'globus' ? have.uuid?.toLowerCase() === e.uuid : true);
        if (!same) throw configError(`new-beamline: endpoint ${e.name} is already in config.yml with another collection or root_path`, 'use the name it has, or another name for the new endpoint');
        continue;
      }
      if (e.kind === 'globus') {
        const at = ls.findIndex((l) => /^ {2}globus_endpoints:\s*$/.test(l));
        if (at < 0) throw configError('new-beamline: config.yml has no globus.globus_endpoints section to add a Globus collection to', 'add one (docs/config.md), or describe the endpoint as a mounted folder');
        const end = blockEnd(ls, at, 2);
        ls = [...ls.slice(0, end), globusEndpointEntry(e), ...ls.slice(end)];
      } else {
        const at = ls.findIndex((l) => /^endpoints:\s*$/.test(l));
        if (at < 0) ls = [...ls, '', 'endpoints:', fileEndpointEntry(e)];
        else {
          const end = blockEnd(ls, at, 0);
          ls = [...ls.slice(0, end), fileEndpointEntry(e), ...ls.slice(end)];
        }
      }
      legacy[e.name] = { uuid: e.uuid, root_path: e.root };
      changes.push(`endpoint ${e.name}`);
    }
  }
  for (const b of s.beamlines) {
    if (doc.beamlines && Object.hasOwn(doc.beamlines, b.id)) continue;
    const at = ls.findIndex((l) => /^beamlines:\s*$/.test(l));
    if (at < 0) ls = [...ls, '', 'beamlines:', configSection(s, b)];
    else {
      const end = blockEnd(ls, at, 0);
      ls = [...ls.slice(0, end), configSection(s, b), ...ls.slice(end)];
    }
    changes.push(`beamlines."${b.id}"`);
  }
  return ls.join('\n');
}

function insertInRegistry(text: string, s: ScaffoldSpec): string {
  let ls = lines(text);
  const { imports, entries } = registryLines(s);
  const missingImports = imports.filter((i) => !ls.includes(i));
  if (missingImports.length > 0) {
    const lastBeamlineImport = ls.reduce((last, l, i) => (/^import .* from '\.\/[^']+\/(config|dispatcher|recon)\.js';$/.test(l) ? i : last), -1);
    const at = lastBeamlineImport >= 0 ? lastBeamlineImport + 1 : ls.findIndex((l) => !l.startsWith('import ') && l.trim() !== '');
    ls = [...ls.slice(0, at), ...missingImports, ...ls.slice(at)];
  }
  const start = ls.findIndex((l) => /^const known: Record<string, \(c: SplashConfig\) => Beamline> = \{$/.test(l));
  if (start < 0) throw configError('new-beamline: beamlines/index.ts has no `const known: Record<string, (c: SplashConfig) => Beamline> = {` registry to add to');
  const close = ls.findIndex((l, i) => i > start && l === '};');
  const missing = entries.filter((e) => !ls.includes(e));
  for (const e of missing) {
    const id = /^ {2}'([^']+)'/.exec(e)?.[1] ?? '';
    if (ls.slice(start, close).some((l) => l.startsWith(`  '${id}':`))) throw configError(`new-beamline: beamlines/index.ts already registers ${id} differently`, 'a beamline with its own folder exists; remove it first or choose another id');
  }
  return [...ls.slice(0, close), ...missing, ...ls.slice(close)].join('\n');
}

function insertInDispatch(text: string, s: ScaffoldSpec): string {
  let out = text;
  const types = /^( {4}types: \[)([^\]]*)(\])$/m.exec(out);
  if (!types) throw configError('new-beamline: .github/workflows/dispatch.yml has no `types: [...]` line under repository_dispatch');
  const listed = (types[2] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const add = s.beamlines.map((b) => b.eventType).filter((t) => !listed.includes(t));
  if (add.length > 0) out = out.replace(types[0], `${types[1] ?? ''}${[...listed, ...add].join(', ')}${types[3] ?? ''}`);
  for (const b of s.beamlines) {
    const line = `            ${b.eventType}) beamline=${b.id} ;;`;
    if (out.includes(line)) continue;
    const fallback = /^ {12}\*\) fail /m.exec(out);
    if (!fallback) throw configError('new-beamline: dispatch.yml\'s validate step has no `*) fail …` case to add the event type before');
    out = `${out.slice(0, fallback.index)}${line}\n${out.slice(fallback.index)}`;
  }
  const jobId = s.group ? s.folder : `bl${s.beamlines[0]?.digits ?? ''}`;
  if (!new RegExp(`^ {2}${jobId}:$`, 'm').test(out)) out = `${out.replace(/\n*$/, '\n')}${dispatchJob(s)}`;
  return out;
}

function insertInReconcile(text: string, s: ScaffoldSpec): string {
  let out = text;
  const options = /^( {8}options: \["all")([^\]]*)(\])$/m.exec(out);
  const all = /^( {10}ALL_BEAMLINES: ")([^"]*)(")$/m.exec(out);
  if (!options || !all) throw configError('new-beamline: reconcile.yml has no beamline choice (options: ["all", …]) or ALL_BEAMLINES line');
  const listed = (all[2] ?? '').split(' ').filter((x) => x !== '');
  const add = s.beamlines.map((b) => b.id).filter((id) => !listed.includes(id));
  if (add.length === 0) return out;
  out = out.replace(options[0], `${options[1] ?? ''}${options[2] ?? ''}${add.map((id) => `, "${id}"`).join('')}${options[3] ?? ''}`);
  out = out.replace(all[0], `${all[1] ?? ''}${[...listed, ...add].join(' ')}${all[3] ?? ''}`);
  return out;
}

function insertInWorkflowsDoc(text: string, s: ScaffoldSpec): string {
  const file = `beamline-${s.workflowSuffix}.yml`;
  let ls = lines(text);
  const ids = s.beamlines.map((b) => b.id);
  const overview = `| [\`${file}\`](../.github/workflows/${file}) | called by \`dispatch.yml\` (\`workflow_call\`) | self-hosted: \`${s.label}\` | move, then ingest (${ids.join(', ')}${s.group ? ': one workflow, the beamline an input' : ''}) |`;
  if (!ls.some((l) => l.includes(`[\`${file}\`]`))) {
    const at = ls.findIndex((l) => l.startsWith('| [`prune.yml`]'));
    if (at < 0) throw configError('new-beamline: docs/workflows.md has no overview row for prune.yml to add the workflow before');
    ls = [...ls.slice(0, at), overview, ...ls.slice(at)];
  }
  const runner = `| \`${s.label}\` | \`${file}\` › \`move\`, \`ingest\` | ${ids.map((id) => `\`beamlines."${id}".runner_labels: [${s.label}]\``).join(', ')} |`;
  if (!ls.some((l) => l.startsWith(`| \`${s.label}\` |`))) {
    const at = ls.findIndex((l) => l.startsWith('| `prune` |'));
    if (at < 0) throw configError('new-beamline: docs/workflows.md has no Runners row for prune to add the label before');
    ls = [...ls.slice(0, at), runner, ...ls.slice(at)];
  }
  return ls.join('\n');
}

/** Whether ingest lists a Globus collection (the first hop's source is one): then it needs the Globus secrets. */
function ingestListsGlobus(b: BeamlineSpec, config: string): boolean {
  const first = b.move[0]?.from ?? '';
  if (b.endpoints.some((e) => e.name === first)) return b.endpoints.find((e) => e.name === first)?.kind === 'globus';
  const doc = (parse(config) ?? {}) as { globus?: { globus_endpoints?: Record<string, unknown> }; endpoints?: Record<string, { type?: string }> };
  return Object.hasOwn(doc.globus?.globus_endpoints ?? {}, first) || doc.endpoints?.[first]?.type === 'globus';
}

/** Every change the scaffold would make, as full new texts; nothing is written. */
export async function planScaffold(root: string, s: ScaffoldSpec): Promise<Change[]> {
  const FILES = {
    config: 'config.yml',
    registry: 'beamlines/index.ts',
    dispatch: '.github/workflows/dispatch.yml',
    reconcile: '.github/workflows/reconcile.yml',
    workflowsDoc: 'docs/workflows.md',
    configTs: `beamlines/${s.folder}/config.ts`,
    dispatcherTs: `beamlines/${s.folder}/dispatcher.ts`,
    workflow: `.github/workflows/beamline-${s.workflowSuffix}.yml`,
  };
  const pages = s.beamlines.map((b) => `docs/beamlines/bl${b.digits}.md`);
  const now = await readAll(root, [...Object.values(FILES), ...pages]);
  for (const must of [FILES.config, FILES.registry, FILES.dispatch]) {
    if (now.get(must) === undefined) throw usageError(`new-beamline: ${must} not found under ${root}`, 'run it at the repository root, or give --root');
  }
  const config = now.get(FILES.config) ?? '';
  const changed: string[] = [];
  const want = new Map<string, { text: string; what: string; create: boolean }>();
  want.set(FILES.config, { text: insertInConfig(config, s, changed), what: changed.join(', ') || 'nothing', create: false });
  want.set(FILES.registry, { text: insertInRegistry(now.get(FILES.registry) ?? '', s), what: 'registry entry', create: false });
  want.set(FILES.dispatch, { text: insertInDispatch(now.get(FILES.dispatch) ?? '', s), what: 'event type and job', create: false });
  if (now.get(FILES.reconcile) !== undefined) want.set(FILES.reconcile, { text: insertInReconcile(now.get(FILES.reconcile) ?? '', s), what: 'beamline choice', create: false });
  if (now.get(FILES.workflowsDoc) !== undefined) want.set(FILES.workflowsDoc, { text: insertInWorkflowsDoc(now.get(FILES.workflowsDoc) ?? '', s), what: 'overview and Runners rows', create: false });
  want.set(FILES.configTs, { text: configTs(s), what: 'beamline config', create: true });
  want.set(FILES.dispatcherTs, { text: dispatcherTs(s), what: 'dispatcher', create: true });
  want.set(FILES.workflow, { text: workflowYml(s, s.beamlines.some((b) => ingestListsGlobus(b, config))), what: 'reusable workflow', create: true });
  s.beamlines.forEach((b, i) => {
    const page = pages[i] ?? '';
    // The page is filled in by `npm run docs:gen`; only a missing one is created.
    if (now.get(page) === undefined) want.set(page, { text: docsStub(s, b, BEAMLINE_PAGE_END), what: 'docs page', create: true });
  });
  const changes: Change[] = [];
  for (const [file, w] of want) {
    const have = now.get(file);
    if (have === w.text) continue;
    if (w.create && have !== undefined) {
      throw configError(`new-beamline: ${file} exists and differs from what the scaffold writes; it is not overwritten`, 'this beamline was changed by hand since it was made: nothing to scaffold');
    }
    changes.push({ file, what: w.what, text: w.text });
  }
  return changes;
}

/** Write the changes (each under a temporary name, then renamed), then fill the docs pages with `npm run docs:gen`. */
export async function applyScaffold(root: string, changes: readonly Change[], log: (line: string) => void): Promise<void> {
  for (const c of changes) {
    const abs = path.join(root, c.file);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(`${abs}.partial`, c.text);
    await rename(`${abs}.partial`, abs);
    log(`wrote ${c.file} (${c.what})`);
  }
  const gen = path.join(root, 'scripts/docs-gen.mjs');
  if (changes.length > 0 && existsSync(gen)) {
    const r = spawnSync(process.execPath, [gen], { cwd: root, encoding: 'utf8' });
    if (r.status === 0) log('filled in the docs pages (npm run docs:gen)');
    else log(`could not fill in the docs pages (${(r.stderr || r.stdout).trim().split('\n').at(-1) ?? ''}): run npm run docs:gen`);
  }
}
