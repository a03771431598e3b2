// TypeDoc: the API reference of every published package (`pnpm run docs` → docs/api/).
// "Defined in" links point at the repository named in package.json, at the commit the
// reference was built from; members inherited from outside the workspace (Node's `Error`:
// `stack`, `captureStackTrace`, …) are left out, so no page points into node_modules.
import { gitRevision, repositoryUrl } from './scripts/typedoc-source-links.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  $schema: 'https://typedoc.org/schema.json',
  name: 'nocoflo API reference',
  entryPointStrategy: 'packages',
  entryPoints: [
    'packages/sdk',
    'packages/host',
    'packages/testing',
    'packages/create-plugin',
    'plugins/sqlite-datasource',
    'plugins/postgres-datasource',
    'plugins/mysql-datasource',
    'plugins/rest-datasource',
    'plugins/table-view',
    'plugins/chart-view',
    'plugins/form-view',
  ],
  packageOptions: {
    entryPoints: ['src/index.ts'],
    excludeInternal: true,
    excludePrivate: true,
    excludeExternals: true,
    skipErrorChecking: true,
    externalPattern: ['**/node_modules/**', '**/dist/**'],
    validation: {
      notExported: true,
      invalidLink: true,
      notDocumented: true,
    },
    // Git is not asked (its detection needs a `.git` folder, which a worktree lacks); the
    // plugin below rewrites each link to the file's path in the repository.
    disableGit: true,
    gitRevision: gitRevision(),
    sourceLinkTemplate: `${repositoryUrl()}/blob/{gitRevision}/{path}#L{line}`,
  },
  plugin: ['./scripts/typedoc-source-links.mjs'],
  out: 'docs/api',
  readme: 'docs/api-index.md',
  validation: {
    notExported: true,
    invalidLink: true,
    notDocumented: false,
  },
  treatValidationWarningsAsErrors: true,
  treatWarningsAsErrors: true,
  json: 'docs/api/api.json',
};

export default config;
