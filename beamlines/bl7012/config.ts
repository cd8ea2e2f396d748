import { BeamlineConfig } from '../../src/config/beamline.js';

/** 7.0.1.2 COSMIC: ptychography scans, one per dispatch. */
export class Config7012 extends BeamlineConfig {
  readonly id = '7.0.1.2';
  readonly title = 'COSMIC ptychography';
}
