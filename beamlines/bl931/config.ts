import { BeamlineConfig } from '../../src/config/beamline.js';

/** 9.3.1 Tender X-ray spectroscopy: one file per dispatch. Made by `splash new-beamline`; add what differs from the shared behaviour here. */
export class Config931 extends BeamlineConfig {
  readonly id = '9.3.1';
  readonly title = 'Tender X-ray spectroscopy';
}
