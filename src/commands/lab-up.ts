/** `vnflab lab up`: run the embedded lab in the foreground until Ctrl-C. */
import { parseConfig } from '../config/load.js';
import { startLab, type LabInfo } from '../lab/lab.js';

export function formatLabInfo(info: LabInfo): string {
  return [
    'vnflab embedded lab is up (Ctrl-C to stop)',
    `  SOL003 VNF LCM:  ${info.sol003.baseUrl}   (send header 'Version: 2.0.0')`,
    `  VNFD:            ${info.vnfdId}`,
    `  Keystone v3:     ${info.keystone.authUrl}   user ${info.keystone.username} / ${info.keystone.password}, project ${info.keystone.projectName}`,
    `  Nova compute:    ${info.nova.baseUrl}`,
    `  compute hosts:   ${info.hosts.map((h) => `${h.name} (pid ${h.pid ?? '?'})`).join(', ')}`,
  ].join('\n');
}

export async function labUp(opts: {
  json: boolean;
  signal: AbortSignal;
  out: (line: string) => void;
}): Promise<void> {
  const config = parseConfig({});
  const lab = await startLab(config.lab);
  opts.out(opts.json ? JSON.stringify(lab.info) : formatLabInfo(lab.info));
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await lab.stop();
}
