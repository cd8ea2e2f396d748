import { BeamlineConfig, type DispatchShape } from '../../src/config/beamline.js';

/** 7.3.3 SAXS/WAXS: the watcher sends a list of frames per dispatch; they move as one batch. */
export class Config733 extends BeamlineConfig {
  readonly id = '7.3.3';
  readonly title = 'SAXS/WAXS';
  override readonly dispatchShape: DispatchShape = 'list';
}
