/**
 * `@kubernetes/client-node` is an optional peer dependency: it is half of a
 * full install and only the kubevirt driver uses it. The driver's modules
 * import it statically and are themselves loaded on demand
 * (compose/registry.ts); this check runs first, so a missing package is one
 * line naming the install command, not a module-resolution stack trace.
 */
import { OptionalDependencyMissing } from '../../util/errors.js';

export const KUBERNETES_CLIENT = '@kubernetes/client-node';

/** Loads a module by name (tests replace it). */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const importModule: ModuleImporter = (specifier) => import(specifier);

/** Resolves when the Kubernetes client can be loaded; OptionalDependencyMissing when it is not installed. */
export async function requireKubernetesClient(importer: ModuleImporter = importModule): Promise<void> {
  try {
    await importer(KUBERNETES_CLIENT);
  } catch (e) {
    if (isNotInstalled(e, KUBERNETES_CLIENT))
      throw new OptionalDependencyMissing(KUBERNETES_CLIENT, "migrator.driver 'kubevirt'", { cause: e });
    throw e;
  }
}

/** Node's error for a package it cannot find (not one that failed while loading). */
function isNotInstalled(e: unknown, specifier: string): boolean {
  return (
    e instanceof Error &&
    'code' in e &&
    e.code === 'ERR_MODULE_NOT_FOUND' &&
    e.message.includes(`'${specifier}'`)
  );
}
