import fs from 'node:fs';

/** The package's version (package.json, one folder above src/ and dist/ alike): the document's, the CLI's, the start log's. */
export const VERSION: string = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
