/**
 * Where the run history lives: `--history-db FILE`, else $VNFLAB_HISTORY_DB,
 * else $XDG_DATA_HOME/vnflab/history.db, else ~/.local/share/vnflab/history.db.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function historyDbPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  if (env.VNFLAB_HISTORY_DB) return resolve(env.VNFLAB_HISTORY_DB);
  const data = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(data, 'vnflab', 'history.db');
}
