#!/usr/bin/env node
// Checks every publishable package the way npm users meet it: the package.json fields a
// published package needs, its README and CHANGELOG, then the tarball pnpm would publish
// (workspace: ranges rewritten) through `publint --strict` and `attw --profile esm-only`.
// Packages must be built first (`pnpm build`). Exit code 1 when any check fails.
//
// Usage: node scripts/check-packages.mjs [package dir or name ...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pnpmCommand, publishablePackages, root } from './workspace-packages.mjs';

const only = process.argv.slice(2);
const packages = publishablePackages().filter(
  (p) => only.length === 0 || only.includes(p.relDir) || only.includes(p.manifest.name),
);
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Problems with the package.json fields and files a published package must have. */
function manifestProblems({ dir, relDir, manifest: m }) {
  const problems = [];
  const need = (ok, message) => ok || problems.push(message);
  need(m.type === 'module', '"type" must be "module" (the packages are ESM only)');
  need(typeof m.license === 'string', '"license" is missing');
  need(
    m.repository?.url && m.repository?.directory === relDir,
    `"repository" needs url and directory "${relDir}"`,
  );
  need(typeof m.engines?.node === 'string', '"engines.node" is missing');
  need(/^https:\/\//.test(m.homepage ?? ''), '"homepage" needs an https URL (the registry links it)');
  need(/^https:\/\//.test(m.bugs?.url ?? m.bugs ?? ''), '"bugs" needs an https URL of the issue tracker');
  need(typeof m.description === 'string' && m.description.length > 0, '"description" is missing');
  need(Array.isArray(m.files) && m.files.includes('dist'), '"files" must whitelist "dist"');
  need(m.exports && typeof m.exports === 'object' && m.exports['.'], '"exports" must map "."');
  for (const [subpath, target] of Object.entries(m.exports ?? {})) {
    if (typeof target === 'string') {
      need(/\.json$/.test(target), `exports["${subpath}"] must be { types, import } (it is a bare string)`);
      continue;
    }
    const keys = Object.keys(target);
    need(keys[0] === 'types', `exports["${subpath}"]: "types" must be the first condition`);
    need(keys.includes('import'), `exports["${subpath}"]: "import" condition is missing`);
  }
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) problems.push('README.md is missing (what it is, install, a minimal example)');
  else {
    const text = readFileSync(readme, 'utf8');
    need(/^#+ .*install/im.test(text), 'README.md has no "Install" section');
    need(/```(ts|js|typescript|javascript)\b/.test(text), 'README.md has no ```ts example');
    // The README is read on the registry's page and inside node_modules, where a relative
    // link (../../README.md) leads nowhere: links must be absolute.
    for (const [, url] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      need(/^(https?:|mailto:|#)/.test(url), `README.md links to "${url}": use an absolute repository URL`);
    }
  }
  need(existsSync(join(dir, 'CHANGELOG.md')), 'CHANGELOG.md is missing (changesets writes into it)');
  if ((m.keywords ?? []).includes('nocoflo-plugin')) {
    need(m.nocoflo && typeof m.nocoflo === 'object', 'plugin without a "nocoflo" manifest field');
    need(
      m.nocoflo?.entry && existsSync(join(dir, m.nocoflo.entry)),
      `nocoflo.entry ${m.nocoflo?.entry} is not built`,
    );
  }
  need(existsSync(join(dir, 'dist')), 'dist/ is missing: run `pnpm build` first');
  return problems;
}

function run(command, args, cwd = root) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

const packDir = mkdtempSync(join(tmpdir(), 'nocoflo-check-packages-'));
const pnpm = pnpmCommand();
let failed = 0;
try {
  for (const pkg of packages) {
    const name = pkg.manifest.name;
    const problems = manifestProblems(pkg);
    if (!problems.some((p) => p.startsWith('dist/'))) {
      const before = new Set(readdirSync(packDir));
      const packed = run(pnpm.command, [...pnpm.args, 'pack', '--pack-destination', packDir], pkg.dir);
      const tarball = readdirSync(packDir).find((f) => !before.has(f));
      if (!packed.ok || !tarball) problems.push(`pnpm pack failed:\n${packed.output}`);
      else {
        const file = join(packDir, tarball);
        const publint = run(bin('publint'), ['run', '--strict', file]);
        if (!publint.ok || !/All good/.test(publint.output))
          problems.push(`publint --strict:\n${publint.output}`);
        const attw = run(bin('attw'), [
          '--profile',
          'esm-only',
          '--no-emoji',
          '--no-color',
          '--format',
          'table',
          file,
        ]);
        if (!attw.ok) problems.push(`attw --profile esm-only:\n${attw.output}`);
      }
    }
    if (problems.length === 0) console.log(`ok   ${name}`);
    else {
      failed++;
      console.log(`FAIL ${name} (${pkg.relDir})`);
      for (const p of problems) console.log(`  - ${p.replaceAll('\n', '\n    ')}`);
    }
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
console.log(
  failed
    ? `\n${failed} of ${packages.length} packages fail the packaging checks.`
    : `\nAll ${packages.length} packages pass.`,
);
process.exit(failed ? 1 : 0);
