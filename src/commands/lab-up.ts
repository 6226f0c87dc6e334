/** `vnflab lab up`: run the embedded lab in the foreground until Ctrl-C. */
import { parseConfig } from '../config/load.js';
import { startEmbeddedLabHere } from '../compose/embedded-lab.js';
import type { LabInfo, LabVnfmAuthMode } from '../lab/lab.js';
import { ConfigError } from '../util/errors.js';

/** The human-readable banner: endpoints, credentials and a first curl to try. */
export function formatLabInfo(info: LabInfo): string {
  const { baseUrl, tokenUrl, clientId, clientSecret } = info.sol003;
  const auth =
    tokenUrl !== undefined && clientId !== undefined && clientSecret !== undefined
      ? [
          `  OAuth 2.0 token:  ${tokenUrl}   client ${clientId} / ${clientSecret} (client credentials grant)`,
          '',
          '  Try:',
          `    TOKEN=$(curl -s -u '${clientId}:${clientSecret}' -d grant_type=client_credentials ${tokenUrl} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
          `    curl -s -H 'Version: 2.0.0' -H "Authorization: Bearer $TOKEN" ${baseUrl}/vnf_instances`,
        ]
      : [
          '  Authentication:  none (started with auth off)',
          '',
          '  Try:',
          `    curl -s -H 'Version: 2.0.0' ${baseUrl}/vnf_instances`,
        ];
  return [
    'vnflab embedded lab is up (Ctrl-C to stop)',
    `  SOL003 VNF LCM:  ${baseUrl}   (send header 'Version: 2.0.0')`,
    `  VNFD:            ${info.vnfdId}`,
    `  Keystone v3:     ${info.keystone.authUrl}   user ${info.keystone.username} / ${info.keystone.password}, project ${info.keystone.projectName}`,
    `  Nova compute:    ${info.nova.baseUrl}`,
    `  compute hosts:   ${info.hosts.map((h) => `${h.name} (pid ${h.pid ?? '?'})`).join(', ')}`,
    ...auth,
  ].join('\n');
}

export async function labUp(opts: {
  json: boolean;
  signal: AbortSignal;
  out: (line: string) => void;
  /** Fixed SOL003 port (default: any free port). */
  port?: number;
  /** Default 'oauth2'. */
  auth?: LabVnfmAuthMode;
}): Promise<void> {
  const config = parseConfig({});
  const lab = await startEmbeddedLabHere(config, {
    ...(opts.port !== undefined ? { sol003Port: opts.port } : {}),
    vnfmAuth: opts.auth ?? 'oauth2',
  });
  try {
    // With --json the first stdout line is the whole LabInfo, for scripts.
    opts.out(opts.json ? JSON.stringify(lab.info) : formatLabInfo(lab.info));
    await new Promise<void>((resolve) => {
      if (opts.signal.aborted) resolve();
      else opts.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await lab.stop();
  }
}

/** Parse `--port N` (1-65535); a RangeError names the bad value. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`--port must be an integer between 1 and 65535, got '${text}'`);
  }
  return port;
}
