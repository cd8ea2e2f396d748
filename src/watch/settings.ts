/** A beamline's watch settings with defaults, whether or not config.yml has a `watch:` section for it. */
import type { BeamlineSettings, WatchSettings } from '../config/index.js';

/**
 * Defaults. 30 s of quiet before a file counts as complete: acquisition software may pause between chunks
 * (detector readout, a motor move) for several seconds, and dispatching a half-written scan is worse than
 * waiting. 1 s of batching gathers a burst into one dispatch and keeps the delay well under the window.
 */
export const WATCH_DEFAULTS = { stable_seconds: 30, batch_seconds: 1, rescan_seconds: 30 } as const;

/** The event type the dispatch workflow maps to a beamline: 8.3.2 → new_file_832, 7.0.1.2 → new_file_7012. */
export function defaultEventType(beamlineId: string): string {
  return `new_file_${beamlineId.replace(/\D/g, '')}`;
}

export interface WatchInput {
  readonly event_type?: string | undefined;
  readonly patterns?: readonly string[] | null | undefined;
  readonly ignore?: readonly string[] | null | undefined;
  readonly stable_seconds?: number | undefined;
  readonly batch_seconds?: number | undefined;
  readonly rescan_seconds?: number | undefined;
}

export function completeWatchSettings(beamlineId: string, input: WatchInput = {}): WatchSettings {
  return Object.freeze({
    event_type: input.event_type ?? defaultEventType(beamlineId),
    patterns: Object.freeze([...(input.patterns ?? [])]),
    ignore: Object.freeze([...(input.ignore ?? [])]),
    stable_seconds: input.stable_seconds ?? WATCH_DEFAULTS.stable_seconds,
    batch_seconds: input.batch_seconds ?? WATCH_DEFAULTS.batch_seconds,
    rescan_seconds: input.rescan_seconds ?? WATCH_DEFAULTS.rescan_seconds,
  });
}

export function watchSettingsOf(settings: BeamlineSettings): WatchSettings {
  return settings.watch ?? completeWatchSettings(settings.id);
}
