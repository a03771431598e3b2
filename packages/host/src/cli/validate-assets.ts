/**
 * `nocoflo plugins validate`: every asset a view declares must be a file inside the package
 * and be shipped by its `files` list, or the published tarball serves a page whose
 * `<script>` 404s.
 */
import { Errors, NocofloError, type NocofloPlugin } from '@nocoflo/sdk';
import { assetProblem, filesShip } from '../lifecycle/view-assets.js';

/**
 * Checks the declared assets of a plugin's views; returns them (`view: asset`) or throws
 * NCF_VIEW_ASSET_INVALID for the first one the package cannot serve once published.
 */
export function checkDeclaredAssets(
  plugin: string,
  folder: string,
  definition: NocofloPlugin,
  packageJson: { readonly [field: string]: unknown },
): string[] {
  const files = Array.isArray(packageJson.files)
    ? packageJson.files.filter((f): f is string => typeof f === 'string')
    : undefined;
  const checked: string[] = [];
  for (const view of definition.views ?? []) {
    for (const asset of view.assets ?? []) {
      const problem =
        assetProblem(folder, asset) ??
        (filesShip(files, asset)
          ? undefined
          : `package.json "files" (${JSON.stringify(files)}) leaves it out of the published package`);
      if (problem) throw NocofloError.create(Errors.ViewAssetInvalid, [plugin, view.name, asset, problem]);
      checked.push(`${view.name}: ${asset}`);
    }
  }
  return checked;
}
