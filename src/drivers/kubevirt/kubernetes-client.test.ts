import { describe, expect, it } from 'vitest';
import { OptionalDependencyMissing } from '../../util/errors.js';
import { KUBERNETES_CLIENT, requireKubernetesClient } from './kubernetes-client.js';

/** Node's own error for an import of a package that is not installed. */
function notFound(specifier: string): Error {
  return Object.assign(new Error(`Cannot find package '${specifier}' imported from /x/kube-config.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('the optional Kubernetes client', () => {
  it('loads when installed (it is a devDependency here)', async () => {
    await expect(requireKubernetesClient()).resolves.toBeUndefined();
  });

  it('missing: one line with a code, naming the package and how to install it', async () => {
    const err = await requireKubernetesClient(() => Promise.reject(notFound(KUBERNETES_CLIENT))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OptionalDependencyMissing);
    const missing = err as OptionalDependencyMissing;
    expect(missing.code).toBe('VNFLAB_OPTIONAL_DEPENDENCY_MISSING');
    expect(missing.packageName).toBe('@kubernetes/client-node');
    expect(missing.message).toContain("migrator.driver 'kubevirt' needs @kubernetes/client-node");
    expect(missing.message).toContain("'npm install @kubernetes/client-node'");
    expect(missing.message).not.toContain('\n');
  });

  it('a package of its own that is missing, or one that fails to load, is not reported as the client missing', async () => {
    const inner = notFound('@kubernetes/some-dependency');
    await expect(requireKubernetesClient(() => Promise.reject(inner))).rejects.toBe(inner);
    const broken = new SyntaxError('Unexpected token');
    await expect(requireKubernetesClient(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
