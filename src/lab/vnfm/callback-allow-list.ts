/**
 * The lab VNFM's callback allow-list (lab.callbackAllowList): entries and
 * their syntax, apart from the policy that applies them
 * (callback-policy.ts), so the config schema can check them cheaply.
 */
import { isIP } from 'node:net';

/** The default allow-list: loopback only. */
export const LOOPBACK_CALLBACK_HOSTS: readonly string[] = ['127.0.0.0/8', '::1/128', 'localhost'];

/** One allow-list entry: an address, an address/prefix (CIDR), or a host name. */
export type AllowEntry =
  | { readonly kind: 'range'; readonly address: string; readonly prefix: number; readonly family: 4 | 6 }
  | { readonly kind: 'name'; readonly name: string };

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Parse an allow-list entry; a message saying what is wrong with it, or the entry. */
export function parseAllowEntry(text: string): AllowEntry | string {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const family = isIP(address);
  if (family === 4 || family === 6) {
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max || prefixText === '')
      return `'${text}': the prefix length of an IPv${family} range is 0..${max}`;
    return { kind: 'range', address, prefix, family };
  }
  if (prefixText === undefined && HOST_NAME.test(address))
    return { kind: 'name', name: address.toLowerCase() };
  return `'${text}' is neither an IP address, an address range (CIDR) nor a host name`;
}
