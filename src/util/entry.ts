import { fileURLToPath } from 'node:url';

/**
 * Where to find a sibling module that must run in its own process or worker
 * thread (compute host, fabric, traffic generator, lab controller).
 *
 * From the compiled package (`dist/**.js`) it is the `.js` sibling run by
 * plain node; from sources (vitest, tsx) it is the `.ts` sibling, run with
 * tsx's loader. Callers pass their own `import.meta.url`.
 */
export function siblingEntry(callerUrl: string, baseName: string): { file: string; execArgv: string[] } {
  const fromSource = callerUrl.endsWith('.ts');
  const file = fileURLToPath(new URL(`./${baseName}${fromSource ? '.ts' : '.js'}`, callerUrl));
  return { file, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

/**
 * Start a worker thread on a sibling module. Node 20 ignores `--import` in a
 * worker's execArgv, so from sources the worker first registers tsx's ESM
 * loader itself and then imports the `.ts` module.
 */
export async function startWorker(
  callerUrl: string,
  baseName: string,
  options: import('node:worker_threads').WorkerOptions = {},
): Promise<import('node:worker_threads').Worker> {
  const { Worker } = await import('node:worker_threads');
  const { file, execArgv } = siblingEntry(callerUrl, baseName);
  if (execArgv.length === 0) return new Worker(file, options);
  const { pathToFileURL } = await import('node:url');
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
