/**
 * The files `splash new-beamline` writes, as text. Every value in them was checked by spec.ts against a
 * pattern that leaves nothing to escape. They follow the hand-written beamlines (bl733: move, then ingest).
 */
import type { BeamlineSpec, ScaffoldSpec } from './spec.js';

const q = (s: string): string => `'${s}'`;

export function configTs(s: ScaffoldSpec): string {
  const shape = s.shape === 'list' ? '\n  override readonly dispatchShape: DispatchShape = \'list\';' : '';
  const imports = s.shape === 'list' ? "import { BeamlineConfig, type DispatchShape } from '../../src/config/beamline.js';" : "import { BeamlineConfig } from '../../src/config/beamline.js';";
  const how = s.shape === 'list' ? 'a list of files per dispatch, moved as one batch' : 'one file per dispatch';
  if (!s.group) {
    const b = s.beamlines[0];
    return `${imports}

/** ${b?.id ?? ''} ${s.title}: ${how}. Made by \`splash new-beamline\`; add what differs from the shared behaviour here. */
export class ${s.className} extends BeamlineConfig {
  readonly id = ${q(b?.id ?? '')};
  readonly title = ${q(s.title)};${shape}
}
`;
  }
  const ids = s.beamlines.map((b) => b.id);
  return `${imports}

/** The ${s.folder} beamlines (${ids.join(', ')}) share one dispatcher: ${s.title}, ${how}. Made by \`splash new-beamline\`. */
export const ${s.folder.toUpperCase()}_IDS = [${ids.map(q).join(', ')}] as const;

export class ${s.className} extends BeamlineConfig {
  readonly id: string;
  readonly title = ${q(s.title)};${shape}

  constructor(config: ConstructorParameters<typeof BeamlineConfig>[0], id: (typeof ${s.folder.toUpperCase()}_IDS)[number]) {
    super(config);
    this.id = id;
  }
}
`;
}

export function dispatcherTs(s: ScaffoldSpec): string {
  const who = s.group ? `The ${s.folder} beamlines (${s.beamlines.map((b) => b.id).join(', ')}, chosen by the workflow's \`beamline\` input)` : s.beamlines[0]?.id ?? '';
  return `import type { ChainOptions, ChainStep } from '../../src/steps/chain.js';
import { genericIngestor } from '../../src/scicat/ingestors.js';
import { ingestLink } from '../../src/steps/ingest.js';
import { moveLink } from '../../src/steps/move.js';
import type { ${s.className} } from './config.js';

/** ${who}: move the files along config.yml's hops, then catalogue them. */
export function ${s.chainName}(beamline: ${s.className}, opts: ChainOptions): ChainStep[] {
  return [
    moveLink(beamline, opts.exportControlled),
    ingestLink(beamline, genericIngestor),
  ];
}
`;
}

/** The lines beamlines/index.ts needs: imports, and one registry entry per id. */
export function registryLines(s: ScaffoldSpec): { imports: string[]; entries: string[] } {
  const imports = [`import { ${s.className} } from './${s.folder}/config.js';`, `import { ${s.chainName} } from './${s.folder}/dispatcher.js';`];
  const entries = s.beamlines.map((b) =>
    s.group
      ? `  ${q(b.id)}: (c) => { const b = new ${s.className}(c, ${q(b.id)}); return { config: b, ingestor: genericIngestor, chain: (o) => ${s.chainName}(b, o) }; },`
      : `  ${q(b.id)}: (c) => { const b = new ${s.className}(c); return { config: b, ingestor: genericIngestor, chain: (o) => ${s.chainName}(b, o) }; },`,
  );
  return { imports, entries };
}

export function configSection(s: ScaffoldSpec, b: BeamlineSpec): string {
  const hops = b.move.map((h) => `      - { from: ${h.from}, to: ${h.to}${h.offsite ? ', skip_export_controlled: true' : ''} }${h.offsite ? '   # leaves the facility' : ''}`);
  const rules = b.prune.map((p) => `      - { endpoint: ${p.endpoint}, after_days: ${p.days}, check: ${p.check} }`);
  return [
    '',
    `  "${b.id}":                      # ${s.title} (made by splash new-beamline)`,
    '    path_prefix: /                # the watcher sends collection paths, e.g. /raw/<proposal>/<file>',
    `    runner_labels: [${s.label}]`,
    '    watch:',
    `      event_type: ${b.eventType}`,
    '    move:',
    ...hops,
    '    prune:                        # deleted only where the check endpoint holds a verified copy',
    ...rules,
  ].join('\n');
}

export function globusEndpointEntry(e: { name: string; root: string; uuid?: string }): string {
  return [`    ${e.name}:`, `      root_path: ${e.root}`, `      uuid: ${e.uuid ?? ''}`, `      name: ${e.name}`].join('\n');
}

export function fileEndpointEntry(e: { name: string; root: string }): string {
  return `  ${e.name}: { type: filesystem, root_path: ${e.root} }`;
}

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';
const UPLOAD = 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2';

const keepReport = `      # The step's JSON report (docs/status.md), kept for the status pages; also when the step failed.
      - name: keep the step report
        if: \${{ always() }}
        uses: ${UPLOAD}
        with:
          name: splash-report-\${{ github.job }}
          path: \${{ runner.temp }}/splash-reports/
          if-no-files-found: ignore
          retention-days: 35
          overwrite: true`;

export function workflowYml(s: ScaffoldSpec, globusIngest: boolean): string {
  const ids = s.beamlines.map((b) => b.id);
  const name = s.group ? `${s.folder} (${ids.join(', ')})` : `beamline ${ids[0] ?? ''}`;
  const beamline = s.group ? '${{ inputs.beamline }}' : `"${ids[0] ?? ''}"`;
  const events = s.beamlines.map((b) => `\`${b.eventType}\``).join(', ');
  const beamlineInput = s.group
    ? `      beamline:
        description: Which of the ${s.folder} beamlines (${ids.join(', ')}); dispatch.yml passes the one its event type names
        type: string
        required: true
`
    : '';
  const ingestGlobus = globusIngest
    ? `
          # The runner does not mount the collection: ingest reads the Globus listing.
          GLOBUS_CLIENT_ID: \${{ secrets.GLOBUS_CLIENT_ID }}
          GLOBUS_CLIENT_SECRET: \${{ secrets.GLOBUS_CLIENT_SECRET }}`
    : '';
  return `# ${s.title} — ${s.group ? `beamlines ${ids.join(', ')}, one dispatcher for all, the beamline chosen by the \`beamline\` input` : `beamline ${ids[0] ?? ''}`}: ${s.shape === 'list' ? 'a list of files per dispatch, moved as one batch' : 'one file per dispatch'}.
# Made by \`splash new-beamline\` (docs/adding-a-beamline.md); review it like any other workflow.
#
# Reusable: dispatch.yml calls it for ${events}. Every step is safe to re-run: files already identical
# at a destination are not copied again, datasets are looked up before they are created.
#
# Runner: a self-hosted runner at the facility labelled \`${s.label}\`. A workflow cannot read config.yml, so
# the label must stay equal to the runner_labels of ${ids.map((i) => `beamlines."${i}"`).join(' and ')} (test/workflows.test.ts).
#
# Concurrency: deliberately none (see beamline-733.yml): a shared group would drop the files of a replaced run.
name: ${name}

on:
  workflow_call:
    inputs:
${beamlineInput}      file-paths:
        description: Paths the file watcher sent, one per line or a JSON array of strings
        type: string
        required: true
      is-export-control:
        description: true when the data is export controlled (hops marked skip_export_controlled are skipped)
        type: boolean
        required: false
        default: false
      config:
        description: Path of config.yml, relative to the repository root
        type: string
        required: false
        default: config.yml
    secrets:
      GLOBUS_CLIENT_ID:
        description: Client id of the Globus app in config.yml
        required: false
      GLOBUS_CLIENT_SECRET:
        description: Client secret of the Globus app in config.yml
        required: false
      SCICAT_USER:
        description: SciCat ingest account (when config.yml names a SciCat; without one, ingest runs dry)
        required: false
      SCICAT_PASSWORD:
        description: Password of the SciCat ingest account
        required: false
    outputs:
      relative-paths:
        description: JSON array of the moved paths relative to the endpoint roots
        value: \${{ jobs.move.outputs.relative-paths }}
      moved:
        description: Number of files copied by this run
        value: \${{ jobs.move.outputs.moved }}

permissions:
  contents: read

jobs:
  move:
    name: move
    runs-on: [self-hosted, ${s.label}]
    timeout-minutes: 240
    permissions:
      contents: read
    outputs:
      relative-paths: \${{ steps.move.outputs.relative-paths }}
      moved: \${{ steps.move.outputs.moved }}
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - id: move
        uses: ./actions/move
        env:
          GLOBUS_CLIENT_ID: \${{ secrets.GLOBUS_CLIENT_ID }}
          GLOBUS_CLIENT_SECRET: \${{ secrets.GLOBUS_CLIENT_SECRET }}
        with:
          beamline: ${beamline}
          file-paths: \${{ inputs.file-paths }}
          is-export-control: \${{ inputs.is-export-control }}
          config: \${{ inputs.config }}
${keepReport}

  # Catalogue the files in SciCat once they moved.
  ingest:
    name: ingest
    needs: move
    runs-on: [self-hosted, ${s.label}]
    timeout-minutes: 60
    permissions:
      contents: read
    outputs:
      dataset-pids: \${{ steps.ingest.outputs.dataset-pids }}
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - id: ingest
        uses: ./actions/ingest
        env:
          SCICAT_USER: \${{ secrets.SCICAT_USER }}
          SCICAT_PASSWORD: \${{ secrets.SCICAT_PASSWORD }}${ingestGlobus}
        with:
          beamline: ${beamline}
          file-paths: \${{ inputs.file-paths }}
          config: \${{ inputs.config }}
${keepReport}
`;
}

/** The job dispatch.yml gets for the scaffolded workflow. */
export function dispatchJob(s: ScaffoldSpec): string {
  const condition = s.beamlines.map((b) => `github.event.action == '${b.eventType}'`).join(' || ');
  const ids = s.beamlines.map((b) => b.id).join(', ');
  return `
  ${s.group ? s.folder : `bl${s.beamlines[0]?.digits ?? ''}`}:
    name: ${ids}
    needs: validate
    if: ${condition}
    permissions:
      contents: read
    uses: ./.github/workflows/beamline-${s.workflowSuffix}.yml
    with:
${s.group ? '      beamline: ${{ needs.validate.outputs.beamline }}\n' : ''}      file-paths: \${{ needs.validate.outputs.file-paths }}
      is-export-control: \${{ needs.validate.outputs.is-export-control == 'true' }}
    secrets:
      GLOBUS_CLIENT_ID: \${{ secrets.GLOBUS_CLIENT_ID }}
      GLOBUS_CLIENT_SECRET: \${{ secrets.GLOBUS_CLIENT_SECRET }}
      SCICAT_USER: \${{ secrets.SCICAT_USER }}
      SCICAT_PASSWORD: \${{ secrets.SCICAT_PASSWORD }}
`;
}

export function docsStub(s: ScaffoldSpec, b: BeamlineSpec, endMarker: string): string {
  return `<!-- Generated by \`npm run docs:gen\` from config.yml and beamlines/: do not edit above the end marker. -->

# ${b.id} ${s.title}

Run \`npm run docs:gen\` to fill in this part from config.yml.

${endMarker}
## Notes

Made by \`splash new-beamline\`. What the generated part above cannot say — who runs this beamline's data, what
its files are, anything unusual about its storage — goes here; \`npm run docs:gen\` keeps this part.
`;
}
