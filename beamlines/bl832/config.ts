import { BeamlineConfig } from '../../src/config/beamline.js';
import { type BeamlineSettings, defaultVerify } from '../../src/config/index.js';

/** 8.3.2 microCT: one scan (an HDF5 file of tens of GB) per dispatch. */
export class Config832 extends BeamlineConfig {
  readonly id = '8.3.2';
  readonly title = 'microCT';

  /**
   * With the original system's config.yml (no `beamlines:` section) 8.3.2 moves spot832 → data832 → nersc832
   * and keeps data 1 day on spot832 (checked on data832) and 35 days on data832 (checked on nersc832).
   * NERSC is outside the facility, so export-controlled data stops before it.
   */
  protected override legacyDefaults(): BeamlineSettings | undefined {
    const e = this.config.endpoints;
    if (!e.has('spot832') || !e.has('data832') || !e.has('nersc832')) return undefined;
    return {
      id: this.id,
      path_prefix: undefined,
      move: [
        { from: 'spot832', to: 'data832', skip_export_controlled: false },
        { from: 'data832', to: 'nersc832', skip_export_controlled: true },
      ],
      prune: [
        { endpoint: 'spot832', after_days: 1, check: 'data832', verify: defaultVerify(e.get('spot832'), e.get('data832')) },
        { endpoint: 'data832', after_days: 35, check: 'nersc832', verify: defaultVerify(e.get('data832'), e.get('nersc832')) },
      ],
      runner_labels: [],
    };
  }
}
