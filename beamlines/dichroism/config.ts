import { BeamlineConfig, type DispatchShape } from '../../src/config/beamline.js';

/** The dichroism beamlines (4.0.2, 6.3.1) share one dispatcher: Dichroism (XMCD, XMLD), a list of files per dispatch, moved as one batch. Made by `splash new-beamline`. */
export const DICHROISM_IDS = ['4.0.2', '6.3.1'] as const;

export class ConfigDichroism extends BeamlineConfig {
  readonly id: string;
  readonly title = 'Dichroism (XMCD, XMLD)';
  override readonly dispatchShape: DispatchShape = 'list';

  constructor(config: ConstructorParameters<typeof BeamlineConfig>[0], id: (typeof DICHROISM_IDS)[number]) {
    super(config);
    this.id = id;
  }
}
