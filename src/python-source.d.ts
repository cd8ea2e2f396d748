/** Python sources registered with Globus Compute are imported as their text (esbuild `.py: text`, vitest.config.ts). */
declare module '*.py' {
  const source: string;
  export default source;
}
