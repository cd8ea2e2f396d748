// `npm run docs:gen` writes the generated pages; `npm run docs:gen -- --check` only compares them and exits 1
// naming each page that differs from a fresh generation (CI's check).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedPages } from './generate.js';

const root = process.cwd();
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [file, text] of generatedPages(root)) {
  const abs = path.join(root, file);
  const now = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
  if (now === text) continue;
  if (check) {
    stale.push(file);
    continue;
  }
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(`${abs}.partial`, text);
  renameSync(`${abs}.partial`, abs);
  console.log(`wrote ${file}`);
}
if (stale.length > 0) {
  for (const f of stale) console.log(`::error file=${f},title=generated page::${f} differs from a fresh generation: run \`npm run docs:gen\` and commit it`);
  process.exitCode = 1;
} else if (check) {
  console.log('generated pages are up to date');
}
