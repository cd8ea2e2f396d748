/**
 * Quoting for the bash scripts the project generates (hsi/htar scripts run over SSH, Slurm batch scripts):
 * nothing is ever interpolated into a script unquoted, so a file name with spaces, quotes, `$()`, backticks
 * or a leading dash stays one word that means exactly itself.
 */

/** Single-quote for bash: the only character that needs care inside '…' is ' itself. */
export function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
