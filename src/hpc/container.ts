/**
 * Running a program in a container on a Perlmutter node, as an argv (each element shell-quoted when the
 * script is written): podman-hpc (`run --volume h:c[:ro] --env K=V IMAGE cmd…`) or Shifter (`--volume=h:c;…
 * --env=K=V --workdir=D cmd…`, the image from `#SBATCH --image`, pulled before the job starts).
 */
export interface Mount {
  readonly host: string;
  readonly container: string;
  readonly readOnly?: boolean;
}

export interface ContainerRun {
  readonly runtime: 'podman-hpc' | 'shifter';
  readonly image: string;
  readonly mounts: readonly Mount[];
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  readonly command: readonly string[];
}

export function containerArgv(r: ContainerRun): string[] {
  const spec = (m: Mount): string => `${m.host}:${m.container}${m.readOnly ? ':ro' : ''}`;
  if (r.runtime === 'podman-hpc') {
    return [
      'podman-hpc', 'run', '--rm',
      ...r.mounts.flatMap((m) => ['--volume', spec(m)]),
      ...Object.entries(r.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      '--workdir', r.workdir,
      r.image,
      ...r.command,
    ];
  }
  return [
    'shifter',
    // Shifter volumes take no :ro flag [UNVERIFIED for per-volume options]: mounted as they are.
    `--volume=${r.mounts.map((m) => `${m.host}:${m.container}`).join(';')}`,
    ...Object.entries(r.env).map(([k, v]) => `--env=${k}=${v}`),
    `--workdir=${r.workdir}`,
    ...r.command,
  ];
}
