import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDispatch, runPrune, runRecon } from '../../beamlines/commands.js';
import { usageError } from '../errors.js';
import { walkTree } from '../fs/walk.js';
import { formatBytes } from '../run/format.js';
import { days } from '../prune/report.js';
import { runStep } from '../run/step.js';
import { createTerminalContext } from '../run/terminal.js';

const DAY_MS = 86_400_000;

const demoConfig = (root: string): string => `# A throw-away facility made by "splash demo". Every endpoint is a local folder.
endpoints:
  beamline: { type: filesystem, root_path: ${root}/beamline }   # the acquisition computer's disk
  server:   { type: filesystem, root_path: ${root}/server }     # the facility data server
  archive:  { type: filesystem, root_path: ${root}/archive }    # long-term storage
beamlines:
  "8.3.2":
    path_prefix: /global          # the watcher sends /global/raw/<proposal>/<scan>.h5
    move:
      - { from: beamline, to: server }
      - { from: server, to: archive }
    prune:
      - { endpoint: beamline, after_days: 1, check: server, verify: hash }
      - { endpoint: server, after_days: 35, check: archive }
    # Reconstruction at NERSC: the demo has no sfapi: section (no credentials), so the chain reports recon as
    # "not configured"; \`splash recon --dry-run\` shows the exact Slurm scripts it would submit.
    recon:
      hpc: nersc
      nersc:
        account: als
        walltime: "0:30:00"
        cpus_per_task: 128
        images: { recon_image: ghcr.io/als-computing/microct:master, multires_image: ghcr.io/als-computing/microct:master }
        data_root: /global/cfs/cdirs/als/data_mover/8.3.2
        scratch_root: /pscratch/sd/a/alsdev/8.3.2
        log_root: /pscratch/sd/a/alsdev/tomo_recon_logs
        scripts_root: /global/cfs/cdirs/als/data_mover/8.3.2/tomography_reconstruction_scripts
`;

/**
 * `splash demo`: the whole first slice on local folders — dispatch two scans through 8.3.2's chain, let a
 * third arrive that never gets dispatched, then sweep two days later: the replicated scans are pruned from
 * the beamline disk, the lonely one is kept and reported unsafe.
 */
export async function runDemo(opts: { dir: string | undefined; clean: boolean; verbose: boolean }): Promise<number> {
  const root = opts.dir ? resolve(opts.dir) : await mkdtemp(join(tmpdir(), 'splash-demo-'));
  if (opts.dir && existsSync(root) && readdirSync(root).length > 0) {
    throw usageError(`--dir ${root} is not empty`, 'give a new or empty folder, or leave --dir out to use a temp folder');
  }
  const out = process.stdout;
  const say = (s = ''): boolean => out.write(`${s}\n`);
  const config = join(root, 'config.yml');
  for (const d of ['beamline', 'server', 'archive']) await mkdir(join(root, d), { recursive: true });
  await writeFile(config, demoConfig(root));

  const proposal = join(root, 'beamline', 'raw', 'demo-proposal');
  await mkdir(proposal, { recursive: true });
  // Real (small) Data Exchange scans, so the ingest step has metadata and a projection to show.
  const { writeDataExchange } = await import('../scicat/sample-scan.js');
  const scans = [
    ['scan_0001.h5', 48],
    ['scan_0002.h5', 160],
  ] as const;
  for (const [name, projections] of scans) await writeDataExchange(join(proposal, name), { projections: [projections, 256, 256] });

  say(`splash demo — a throw-away facility in ${root}`);
  say(`  config:    ${config}`);
  say(`  endpoints: beamline/ → server/ → archive/ (local folders)`);
  say();
  say(`1. The file watcher dispatches two new scans to beamline 8.3.2:`);
  const dispatched = scans.map(([name]) => `/global/raw/demo-proposal/${name}`);
  for (const p of dispatched) say(`     ${p}`);
  say();
  const ctx = createTerminalContext({ verbose: opts.verbose });
  await runStep(ctx, 'Dispatch 8.3.2', (c) => runDispatch(c, { config, beamline: '8.3.2', filePaths: dispatched, exportControlled: false }));

  await writeDataExchange(join(proposal, 'scan_0003.h5'), { projections: [16, 256, 256] });
  const later = new Date(Date.now() + 2 * DAY_MS);
  say();
  say(`2. A third scan (scan_0003.h5) lands on the beamline disk, but its dispatch never fires.`);
  say(`3. Two days later (--now ${later.toISOString().slice(0, 10)}) the scheduled prune runs:`);
  say();
  const pruneCtx = createTerminalContext({ verbose: opts.verbose });
  const reports = await runStep(pruneCtx, 'Prune', (c) => runPrune(c, { config, beamline: '8.3.2', dryRun: false, now: later }));

  say();
  say(`4. The reconstruction at NERSC that a dispatch of ${dispatched[0] ?? ''} would submit (splash recon --dry-run:`);
  say('   no credentials needed; with an sfapi: section in config.yml the dispatch submits it through the Superfacility API):');
  say();
  const scripts: string[] = [];
  const reconCtx = createTerminalContext({ verbose: opts.verbose, stream: { write: () => true } as unknown as NodeJS.WritableStream });
  await runRecon(reconCtx, { config, beamline: '8.3.2', filePaths: dispatched.slice(0, 1), hpc: 'nersc', reconOptions: '', exportControlled: false, dryRun: true, print: (t) => scripts.push(t) });
  // The reconstruction job in full; the multi-resolution job that follows it is one command away.
  say(scripts[0] ?? '');
  say(`   …then the multi-resolution (zarr) job: node dist/cli/index.js recon --beamline 8.3.2 --config ${config} --dry-run ${dispatched[0] ?? ''}`);
  say();
  say('What happened:');
  for (const r of reports) {
    say(`  ${r.endpoint}: ${r.pruned.length} pruned, ${r.kept.length} kept (younger than ${days(r.afterDays)}), ${r.unsafe.length} unsafe`);
    for (const u of r.unsafe) say(`    unsafe: ${u.rel} — ${u.reason}`);
  }
  say();
  say('Where the data is now:');
  for (const d of ['beamline', 'server', 'archive']) {
    const files = [...walkTree(join(root, d))].flatMap((e) => (e.kind === 'file' ? [`${e.rel} (${formatBytes(e.stat.size)})`] : []));
    say(`  ${d}/: ${files.length === 0 ? '(empty)' : files.join(', ')}`);
  }
  // One document per file, laid out like the files (scicat-dry-run/raw/<proposal>/<scan>.h5.json).
  const catalogued = (await readdir(join(root, 'scicat-dry-run'), { recursive: true }).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  say(`  SciCat (dry run, none configured): ${catalogued.length} dataset document(s) in ${join(root, 'scicat-dry-run')}`);
  // What the pipeline promised, checked before any clean-up: the scan that was never replicated survived.
  const left = await readdir(proposal);
  if (!left.includes('scan_0003.h5')) throw new Error('demo invariant broken: the unreplicated scan was deleted');
  say();
  if (opts.clean) {
    await rm(root, { recursive: true, force: true });
    say(`Removed ${root}.`);
  } else {
    say('Look around, or try it yourself:');
    say(`  ls -R ${root}`);
    say(`  node dist/cli/index.js prune --config ${config} --dry-run --now ${new Date(Date.now() + 40 * DAY_MS).toISOString().slice(0, 10)}`);
    say(`  node dist/cli/index.js run 8.3.2 --config ${config} /global/raw/demo-proposal/scan_0003.h5`);
    say(`  rm -rf ${root}    # when done`);
  }
  return 0;
}
