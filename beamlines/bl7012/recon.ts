/**
 * 7.0.1.2 (COSMIC) ptychography at NERSC (RECON §3): one GPU job (account als_g, 4 h in the original) running
 * ptychocam or cdtools on the scan's CXI file where the move put it; the result file lands next to it. The
 * original flow never ran (it did not import) and never waited; here the job is followed like any other and
 * its result file checked.
 */
import { posix } from 'node:path';
import * as z from 'zod';
import type { NerscJobSettings } from '../../src/config/index.js';
import { configError, usageError } from '../../src/errors.js';
import type { JobStatusDoc, Scan } from '../../src/hpc/job.js';
import { jobName, stableJson } from '../../src/hpc/naming.js';
import { parseReconOptions } from '../../src/hpc/options.js';
import { directives, prologue } from '../../src/hpc/slurm-script.js';
import type { SlurmJobSpec } from '../../src/hpc/slurm.js';
import { gatePath } from '../../src/paths.js';
import { shq } from '../../src/shell.js';
import { reconPlan } from '../../src/steps/recon.js';

const Whole = (min: number) => z.number({ error: `a whole number >= ${String(min)}` }).int({ error: `a whole number >= ${String(min)}` }).min(min, { error: `a whole number >= ${String(min)}` });
const Num = z.number({ error: 'a number' });

/** cdtools' positional parameters (RECON §3), in order; written as Python's str() of each. */
const CdtoolsParams = z.strictObject({
  run_split_reconstructions: z.boolean().default(false),
  n_modes: Whole(1).default(1),
  oversampling_factor: Whole(1).default(1),
  propagation_distance: Num.default(0),
  simulate_probe_translation: z.boolean().default(false),
  n_init_rounds: Whole(0).default(1),
  n_init_iter: Whole(0).default(50),
  n_final_iter: Whole(0).default(100),
  translation_randomization: Num.default(0),
  probe_initialization: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'a word (letters, digits, _ . -)' }).default('None'),
  init_background: z.boolean().default(false),
  probe_support_radius: Num.default(0),
});

export const Options7012 = z.strictObject({
  program: z.enum(['ptychocam', 'cdtools'], { error: 'ptychocam or cdtools' }).default('ptychocam'),
  /** ptychocam: iterations, refinement periods, illumination mask. */
  n_iter: Whole(1).default(500),
  period_illu_refine: Whole(0).default(0),
  period_bg_refine: Whole(0).default(0),
  use_illu_mask: z.boolean().default(false),
  cdtools: CdtoolsParams.default(CdtoolsParams.parse({})),
});
export type Options7012 = z.output<typeof Options7012>;

const pyStr = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

export function ptychoJob(s: NerscJobSettings, scan: Scan, o: Options7012): SlurmJobSpec {
  const file = posix.basename(scan.rel);
  if (!file.endsWith('.cxi') || file === '.cxi') throw usageError(`${scan.rel}: 7.0.1.2 reconstructs CXI files (<name>.cxi)`, 'dispatch the .cxi file of the scan');
  const program = s.programs[o.program];
  if (program === undefined) throw configError(`beamlines.7.0.1.2.recon.nersc.programs: no ${o.program}`, `add ${o.program}: <absolute path of ${o.program}_reconstruction.sh at NERSC>`);
  const stem = file.slice(0, -4);
  const dirRel = posix.dirname(scan.rel);
  const dir = dirRel === '.' ? s.data_root : posix.join(s.data_root, dirRel);
  const outName = `${stem}_${o.program}.h5`;
  const out = posix.join(dir, outName);
  const args =
    o.program === 'ptychocam'
      ? ['-i', String(o.n_iter), ...(o.period_illu_refine > 0 ? ['-r', String(o.period_illu_refine)] : []), ...(o.period_bg_refine > 0 ? ['-T', String(o.period_bg_refine)] : []), ...(o.use_illu_mask ? ['-M'] : []), file]
      : [file, ...Object.keys(CdtoolsParams.shape).map((k) => pyStr(o.cdtools[k as keyof Options7012['cdtools']]))];
  const name = jobName('ptycho', stem, { beamline: scan.beamline, rel: scan.rel, options: o, program });
  const script = [
    ...directives({ jobName: name, account: s.account, qos: s.qos, constraint: s.constraint, nodes: s.nodes, gpus: s.gpus, cpusPerTask: s.cpus_per_task, walltimeSeconds: s.walltime_seconds, exclusive: s.exclusive, logDir: s.log_root, singleton: true }),
    ...prologue(s.log_root),
    `# splash-flows: 7.0.1.2 ptychography with ${o.program} (generated; every value is quoted). Options: ${stableJson(o)}`,
    `DIR=${shq(dir)}`,
    `CXI=${shq(file)}`,
    `OUT=${shq(out)}`,
    'status_fields() { printf \',"result_bytes":%s\' "$(num "$(stat -c %s -- "$OUT" 2>/dev/null || true)")"; }',
    'STAGE=stage',
    '[ -f "$DIR/$CXI" ] || fail "the CXI file is not at NERSC where the move put it (recon.nersc.data_root)"',
    'cd -- "$DIR"',
    'rm -f -- "$OUT"',
    'STAGE=reconstruct',
    `${['srun', '--nodes=1', '--ntasks=1', program, ...args].map(shq).join(' ')} &`,
    'pid=$!',
    `wait "$pid" || fail ${shq(`${o.program} exited with an error`)}`,
    'STAGE=check',
    `[ -s "$OUT" ] || fail ${shq(`${o.program} wrote no result file`)}`,
    'STAGE=finished',
    'write_status true "result written"',
    '',
  ].join('\n');
  return {
    kind: 'ptychography',
    name,
    script,
    walltimeSeconds: s.walltime_seconds,
    queueAllowanceSeconds: s.queue_allowance_seconds,
    logDir: s.log_root,
    outputs: [out],
    results: [gatePath(dirRel === '.' ? outName : `${dirRel}/${outName}`)],
    verify: (st: JobStatusDoc) => (typeof st.result_bytes === 'number' && st.result_bytes > 0 ? undefined : 'the status file reports no result file'),
    software: [program],
  };
}

export const recon7012 = reconPlan({
  technique: 'ptychography',
  example: 'example/example_scan.cxi',
  parseOptions: (defaults, raw, field) => parseReconOptions(Options7012, defaults, raw, field),
  describeOptions: (o) => (o.program === 'ptychocam' ? `ptychocam, ${String(o.n_iter)} iterations` : `cdtools ${stableJson(o.cdtools)}`),
  nersc: (s) => ({ reconstruct: (scan, o) => ptychoJob(s, scan, o) }),
  /** The result lands next to the CXI file, under the folder the move put it in. */
  resultsRoot: (s) => s.data_root,
});
