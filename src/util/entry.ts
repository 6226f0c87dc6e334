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
