import { BeamlineConfig } from '../../src/config/beamline.js';

/** 5.3.1 Scans from compute-dtn: one file per dispatch. Made by `splash new-beamline`; add what differs from the shared behaviour here. */
export class Config531 extends BeamlineConfig {
  readonly id = '5.3.1';
  readonly title = 'Scans from compute-dtn';
}
