import { BeamlineConfig } from '../../src/config/beamline.js';

/** 7.0.1.1 COSMIC scattering (XPCS): one file per dispatch. Made by `splash new-beamline`; add what differs from the shared behaviour here. */
export class Config7011 extends BeamlineConfig {
  readonly id = '7.0.1.1';
  readonly title = 'COSMIC scattering (XPCS)';
}
