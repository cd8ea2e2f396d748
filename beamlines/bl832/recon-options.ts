/**
 * What a scientist sets for an 8.3.2 reconstruction (RECON §8d, the knobs of the microct recon_setup and of
 * the APS tomopy/tomocupy CLIs): per-beamline defaults in config.yml (`recon.defaults`), per-scan overrides
 * in the `recon-options` input. zod's messages become "<field>: <what was expected>".
 */
import * as z from 'zod';

const Positive = z.number({ error: 'a number > 0' }).positive({ error: 'a number > 0' });
const Whole = z.number({ error: 'a whole number >= 0' }).int({ error: 'a whole number >= 0' }).min(0, { error: 'a whole number >= 0' });

export const Options832 = z.strictObject(
  {
    /** Rotation centre in pixels, or "auto" (found by centre_method). */
    centre: z.union([Positive, z.literal('auto')], { error: 'a number of pixels > 0, or "auto"' }).default('auto'),
    /** How an automatic centre is found: Vo's method, phase correlation, or Nelder–Mead (recon_setup corFunction). */
    centre_method: z.enum(['vo', 'pc', 'nm'], { error: 'vo, pc or nm' }).default('vo'),
    algorithm: z.enum(['gridrec', 'fbp', 'sirt', 'mlem', 'art'], { error: 'gridrec, fbp, sirt, mlem or art' }).default('gridrec'),
    /** Sinogram rows to reconstruct, [start, end): a preview is a small range; absent = the whole scan. */
    slices: z
      .strictObject({ start: Whole, end: Whole }, { error: 'a mapping {start, end} of whole numbers' })
      .refine((s) => s.start < s.end, { error: 'start < end' })
      .optional(),
    binning: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8)], { error: '1, 2, 4 or 8' }).default(1),
    ring_removal: z
      .union([z.boolean(), z.strictObject({ sigma: Positive.default(3), level: z.number().int().min(1).default(8) })], { error: 'true, false, or {sigma, level}' })
      .default(true),
    phase_retrieval: z
      .union([z.literal(false), z.strictObject({ energy_kev: Positive, distance_mm: Positive, alpha: Positive.default(0.0002) })], {
        error: 'false, or {energy_kev, distance_mm, alpha}',
      })
      .default(false),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option(s) ${issue.keys.join(', ')}; options are centre, centre_method, algorithm, slices, binning, ring_removal, phase_retrieval` : undefined) },
);

export type ReconOptions832 = z.output<typeof Options832>;

/** One line per option for the summary. */
export function describeOptions832(o: ReconOptions832): string {
  const ring = o.ring_removal === false ? 'off' : o.ring_removal === true ? 'on' : `sigma ${o.ring_removal.sigma}, level ${o.ring_removal.level}`;
  const phase = o.phase_retrieval === false ? 'off' : `${o.phase_retrieval.energy_kev} keV, ${o.phase_retrieval.distance_mm} mm, alpha ${o.phase_retrieval.alpha}`;
  return [
    `centre ${o.centre === 'auto' ? `auto (${o.centre_method})` : `${o.centre} px`}`,
    `algorithm ${o.algorithm}`,
    `slices ${o.slices ? `${o.slices.start}–${o.slices.end - 1}` : 'all'}`,
    `binning ${o.binning}`,
    `ring removal ${ring}`,
    `phase retrieval ${phase}`,
  ].join(', ');
}
