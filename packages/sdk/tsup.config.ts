import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineConfig } from 'tsup';
import { isolatedEntry } from './isolated-build.js';

export default defineConfig({
  // `isolated` is what isolated plugins' workers load (the `nocoflo-isolated` export
  // condition): src/index.ts again, its manifest schemas built on first use so zod and semver
  // load only then (see isolated-build.ts). Its types are index's.
  entry: { index: 'src/index.ts', isolated: 'src/index.ts', 'sql/index': 'src/sql/index.ts' },
  esbuildPlugins: [isolatedEntry('isolated', 'src/index.ts')],
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', 'sql/index': 'src/sql/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // manifest.schema.json is generated from the zod schema on every build, so editors
  // completing the package.json "nocoflo" field always see the schema the host enforces.
  async onSuccess() {
    const { manifestJsonSchema } = await import(
      `${pathToFileURL(resolve('dist/index.js')).href}?t=${Date.now()}`
    );
    const schema = {
      $id: 'https://nocoflo.dev/manifest.schema.json',
      title: 'nocoflo plugin manifest',
      ...manifestJsonSchema(),
    };
    await writeFile('manifest.schema.json', `${JSON.stringify(schema, null, 2)}\n`);
  },
});
