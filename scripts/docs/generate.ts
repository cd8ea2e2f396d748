/**
 * Every generated documentation page, by repository-relative path: the config reference and the beamline
 * pages. One function, used by `npm run docs:gen` (scripts/docs-gen.mjs → main.ts) and by the test that
 * fails when a committed page differs from a fresh generation (test/docs-generated.test.ts).
 */
import { beamlinePages } from './beamline-pages.js';
import { renderConfigReference } from './config-reference.js';

export function generatedPages(root: string): Map<string, string> {
  const pages = new Map<string, string>([['docs/reference/config.md', renderConfigReference(root)]]);
  for (const [file, text] of beamlinePages(root)) pages.set(file, text);
  return pages;
}
